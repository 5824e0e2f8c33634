#!/bin/bash
# A process that maps the files of its own loaded objects again, as data
# (as gdb, crash reporters and JITs do): NT_FILE then lists a page of each
# library far from its image. A module is its image: no warning, the extra
# mappings are listed as data mappings, and every frame is named — on the
# normally started core exactly as gdb names it, and on the core of the
# same program started through glibc's loader run as a command (corefix's
# backtrace, and plain gdb and eu-stack on the rewritten core).
. "$(dirname "$0")/../lib.sh"
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
need_cmd jq eu-stack
copy_set glibc "$WORK/s"
cat >"$WORK/s/remap.c" <<'EOF'
#define _GNU_SOURCE
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <unistd.h>
int a_calls_b(int v);
static int map_again(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size, (void)arg;
	int fd = info->dlpi_name[0] == '/' ? open(info->dlpi_name, O_RDONLY) : open("/proc/self/exe", O_RDONLY);
	if (fd >= 0) {
		mmap(0, 4096, PROT_READ, MAP_PRIVATE, fd, 0);       /* its ELF header */
		mmap(0, 8192, PROT_READ, MAP_PRIVATE, fd, 4096);    /* a piece of its code */
		close(fd);
	}
	return 0;
}
int main(void)
{
	dl_iterate_phdr(map_again, 0);
	return a_calls_b(1); /* remap.c:21 */
}
EOF
cc -g -O0 -fno-omit-frame-pointer -o "$WORK/s/remap" "$WORK/s/remap.c" -L"$WORK/s" -la -lb '-Wl,-rpath,$ORIGIN' ||
	fail "cannot build the sample"
mkdir -p "$WORK/n" "$WORK/l"
cp -a "$WORK/s/." "$WORK/n/"
cp -a "$WORK/s/." "$WORK/l/"
make_core "$WORK/n" ./remap
make_core "$WORK/l" "$LDSO" ./remap

gdb_names() { # gdb_names ARGS... : the function of each frame of gdb's bt, through main
	(cd / && timeout 120 gdb -batch -nx "$@" -ex 'echo ==bt==\n' -ex bt 2>/dev/null) | sed -n '/^==bt==$/,$p' |
		sed -n 's/^#[0-9]* *\(0x[0-9a-f]* in \)\{0,1\}\([^ ]*\) (.*/\2/p' | sed -n '1,/^main$/p'
}
frames() { # the crashed thread's function names from backtrace --json
	jq -r '[.threads[] | select(.crashed)][0].frames[] | .function // "??"' <<<"$1"
}
for d in n l; do
	core=$WORK/$d/core
	json=$("$COREFIX" modules --json "$core" 2>"$WORK/$d.err") || fail "$d: modules exit $?: $(cat "$WORK/$d.err")"
	expect_not "$(cat "$WORK/$d.err")" 'do not fit|link_map says bias|warning' "$d: corefix modules' stderr"
	[ "$(jq '.warnings | length' <<<"$json")" = 0 ] || fail "$d: warnings: $(jq -c .warnings <<<"$json")"
	for lib in liba.so libb.so libc.so.6; do
		mod=$(jq -c --arg l "$lib" '[.modules[] | select(.name | endswith("/" + $l))][0]' <<<"$json")
		[ "$(jq '.data_mappings | length' <<<"$mod")" -ge 2 ] || fail "$d: $lib: data mappings not listed: $mod"
		[ "$(jq -r '.bias' <<<"$mod")" = "$(jq -r '.l_addr' <<<"$mod")" ] || fail "$d: $lib: bias is not l_addr: $mod"
		# No data mapping lies in the image's range.
		python3 - "$mod" <<'PY' || fail "$d: $lib: a data mapping inside the module's range: $mod"
import json, sys
m = json.loads(sys.argv[1])
lo, hi = int(m["start"], 16), int(m["end"], 16)
sys.exit(any(int(x["start"], 16) < hi and int(x["end"], 16) > lo for x in m["data_mappings"]))
PY
	done
	bt=$("$COREFIX" backtrace --json "$core" 2>/dev/null)
	expect_bt_json "$bt" "crash_here libb.c:4" "a_calls_b liba.c:5" "main remap.c:21"
done
expect "$("$COREFIX" explain "$WORK/l/core")" 'mapped [0-9]+ of its modules. files again as data'

# gdb on the normally started core names the frames corefix names, in order.
want=$(gdb_names "$WORK/n/remap" "$WORK/n/core")
[ "$(sed -n '$p' <<<"$want")" = main ] || fail "gdb's own backtrace did not reach main: $want"
for d in n l; do
	got=$(frames "$("$COREFIX" backtrace --json "$WORK/$d/core" 2>/dev/null)" | sed -n '1,/^main$/p')
	[ "$got" = "$want" ] || fail "$d: corefix backtrace names
$got
gdb names
$want"
done

# The rewritten cores: plain gdb and eu-stack get them right (eu-stack on
# the cores as written names neither crash_here nor a_calls_b: libdwfl
# takes the ELF header of a data mapping for the library).
for d in n l; do
	"$COREFIX" rewrite "$WORK/$d/core" -o "$WORK/$d/fixed.core" 2>"$WORK/rw.err" || fail "$d: rewrite: $(cat "$WORK/rw.err")"
	got=$(gdb_names "$WORK/$d/remap" "$WORK/$d/fixed.core")
	[ "$got" = "$want" ] || fail "$d: plain gdb on the rewritten core names
$got
want
$want"
	st=$(cd / && eu-stack --core "$WORK/$d/fixed.core" -e "$WORK/$d/remap" 2>&1)
	expect "$st" '#0 +0x[0-9a-f]+ crash_here' "$d: eu-stack on the rewritten core"
	expect "$st" '#1 +0x[0-9a-f]+ a_calls_b' "$d: eu-stack on the rewritten core"
	expect "$st" '#2 +0x[0-9a-f]+ main' "$d: eu-stack on the rewritten core"
done
exit 0
