#!/bin/bash
# A plugin dlopened from a memfd (as packagers and sandboxes do): NT_FILE
# names it "/memfd:plugin (deleted)", link_map "/proc/self/fd/N". Neither
# is a file: corefix finds it by build-id in --search folders and in a
# bundle, never opens /proc/self/… itself, and its rewritten core no longer
# makes plain gdb open /proc/self/fd/N in its own process (where it hangs,
# ignoring SIGTERM). Started normally and through glibc's loader.
. "$(dirname "$0")/../lib.sh"
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
need_cmd jq strace eu-stack
copy_set glibc "$WORK/s"
cat >"$WORK/s/memfd.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	char buf[1 << 16], path[64];
	int in = open(argv[1], O_RDONLY), fd = memfd_create("plugin", MFD_CLOEXEC);
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return 1;
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	void *h = dlopen(path, RTLD_NOW);
	if (!h)
		return fprintf(stderr, "%s\n", dlerror()), 1;
	int (*entry)(int) = (int (*)(int))dlsym(h, "plugin_entry");
	return entry(1); /* memfd.c:20 */
}
EOF
cc -g -O0 -o "$WORK/s/memfd" "$WORK/s/memfd.c" -ldl || fail "cannot build the sample"
mkdir -p "$WORK/found/deep/er"
mv "$WORK/s/plugin.so" "$WORK/found/deep/er/renamed.so"   # only here, under another name
# gdb may hang for good on a core it misreads: SIGKILL, not SIGTERM.
gdb_bt_names() { # gdb_bt_names ARGS... : "#N FUNCTION" of gdb's bt, killed after 60 s
	(cd / && timeout -s KILL 60 gdb -batch -nx "$@" -ex 'echo ==bt==\n' -ex bt 2>/dev/null) |
		sed -n '/^==bt==$/,$p' | sed -n 's/^\(#[0-9]*\) *\(0x[0-9a-f]* in \)\{0,1\}\([^ ]*\) (.*/\1 \3/p'
	[ "${PIPESTATUS[0]}" != 137 ] || fail "gdb hung on $*"
}
for how in normal ldso; do
	d=$WORK/$how
	mkdir -p "$d"
	cp -a "$WORK/s/." "$d/"
	if [ $how = normal ]; then make_core "$d" ./memfd "$WORK/found/deep/er/renamed.so"
	else make_core "$d" "$LDSO" ./memfd "$WORK/found/deep/er/renamed.so"; fi
	note "$how: link_map names $(grep -ao '/proc/self/fd/[0-9]*' "$d/core" | head -1)"
	json=$("$COREFIX" modules --json --search "$WORK/found" "$d/core" 2>"$d/err") || fail "$how: modules: $(cat "$d/err")"
	mod=$(jq -c '[.modules[] | select(.name | startswith("/memfd:plugin"))][0]' <<<"$json")
	[ "$(jq -r .path_found_by <<<"$mod")" = "build-id in search path" ] || fail "$how: plugin not found by build-id: $mod"
	[ "$(jq -r .path <<<"$mod")" = "$WORK/found/deep/er/renamed.so" ] || fail "$how: wrong file: $mod"
	[ "$(jq -r .loadable <<<"$mod")" = true ] || fail "$how: $mod"
	bt=$("$COREFIX" backtrace --json --search "$WORK/found" "$d/core" 2>/dev/null)
	expect_bt_json "$bt" "plugin_crash plugin.c:4" "plugin_entry plugin.c:9" "main memfd.c:20"
	# corefix opens no name the core gives that is no file: not even
	# without NT_FILE, where link_map's /proc/self/fd/N is the only name.
	# (Its libraries may readlink their own descriptors: opens are checked.)
	"$MKCORE" drop-ntfile "$d/core" "$d/nofile.core" || fail "mkcore drop-ntfile"
	# LeakSanitizer cannot work under ptrace (the asan build): no leak check there.
	traced() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -o "$d/strace" \
		-e trace=open,openat,stat,newfstatat,lstat,access "$@"; }
	for c in core nofile.core; do
		traced "$COREFIX" backtrace --search "$WORK/found" "$d/$c" >"$d/bt.txt" 2>&1
		expect_not "$(grep -E '"(/proc/self/fd|/dev/fd|/memfd:)' "$d/strace")" . "$how: $c: names corefix opened"
		expect "$(cat "$d/bt.txt")" 'plugin_crash .*plugin\.c:4' "$how: $c: corefix backtrace --search"
		traced "$COREFIX" modules "$d/$c" >/dev/null 2>"$d/err2"
		expect_not "$(grep -E '"(/proc/self/fd|/dev/fd|/memfd:)' "$d/strace")" . "$how: $c: names opened without --search"
		expect "$(cat "$d/err2")" '(memfd:plugin \(deleted\)|/proc/self/fd/[0-9]+): file not found' "$how: $c"
	done

	# The rewritten core: plain gdb completes and names the plugin's frames.
	"$COREFIX" rewrite --search "$WORK/found" "$d/core" -o "$d/fixed.core" 2>"$d/rw.err" || fail "rewrite: $(cat "$d/rw.err")"
	got=$(gdb_bt_names "$d/memfd" "$d/fixed.core")
	expect "$got" '^#0 plugin_crash$' "$how: plain gdb on the rewritten core"
	expect "$got" '^#1 plugin_entry$' "$how: plain gdb on the rewritten core"
	expect "$got" '^#2 main$' "$how: plain gdb on the rewritten core"
	st=$(cd / && eu-stack --core "$d/fixed.core" -e "$d/memfd" 2>&1)
	expect "$st" '#0 +0x[0-9a-f]+ plugin_crash' "$how: eu-stack on the rewritten core"
	# Rewritten without the plugin's file: link_map's name is blanked, so
	# gdb skips the plugin instead of opening its own descriptor.
	"$COREFIX" rewrite "$d/core" -o "$d/blank.core" 2>/dev/null
	"$COREFIX" rewrite --dry-run "$d/core" -o "$d/x" 2>/dev/null | grep -q 'l_name of "/proc/self/fd/[0-9]*" -> ""' ||
		fail "$how: rewrite does not blank the /proc/self name: $("$COREFIX" rewrite --dry-run "$d/core" -o "$d/x" 2>&1)"
	got=$(gdb_bt_names "$d/memfd" "$d/blank.core")
	expect "$got" '^#0 ' "$how: plain gdb on the core rewritten without the plugin"
done

# A bundle carries the plugin by build-id; unpacked elsewhere, it resolves.
"$COREFIX" bundle --search "$WORK/found" "$WORK/normal/core" -o "$WORK/b.tar.zst" 2>/dev/null || fail "bundle"
"$COREFIX" bundle --extract -C "$WORK/bx" "$WORK/b.tar.zst" >/dev/null 2>&1 || fail "bundle --extract"
mv "$WORK/found" "$WORK/gone"
bt=$("$COREFIX" backtrace --json "$WORK/bx/core" 2>/dev/null)
expect_bt_json "$bt" "plugin_crash plugin.c:4" "plugin_entry plugin.c:9" "main memfd.c:20"
exit 0
