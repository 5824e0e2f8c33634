#!/bin/bash
# Compressed cores, as systemd-coredump stores them (.zst by default, .xz or
# .lz4 by configuration; gzip and bzip2 as well): every command reads them
# directly, known by their magic bytes; the gdb script gets a plain copy in
# the cache, keyed by the compressed file's SHA-256 and reused; broken
# streams are one line and exit 2; no temporary file outlives a run; and
# systemd-coredump's extended attributes reach the JSON.
. "$(dirname "$0")/../lib.sh"
need_cmd zstd xz lz4 gzip bzip2 jq sha256sum setfattr
VALIDATE=/usr/bin/jsonschema
[ -x $VALIDATE ] || VALIDATE=jsonschema
SCHEMA="$(dirname "$0")/../../corefix/schema/backtrace-1.json"

copy_set glibc "$WORK/s"
make_core "$WORK/s" ./prog
S=$WORK/s
# Names say nothing: the magic does (systemd's are core.COMM.UID.BOOT.PID.TIME.zst).
zstd -q -o "$S/c-zstd" "$S/core"
xz -c "$S/core" >"$S/c-xz"
lz4 -q "$S/core" "$S/c-lz4"
gzip -c "$S/core" >"$S/c-gzip"
bzip2 -c "$S/core" >"$S/c-bzip2"
FORMATS="zstd xz lz4 gzip bzip2"

# Every temporary file goes here, and must be gone after each run.
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR"
tmp_empty() {
	[ -z "$(ls -A "$TMPDIR")" ] || fail "$1 left temporary files: $(ls -la "$TMPDIR")"
}

strip() { jq -S 'del(.core, .compression, .coredump)'; }
plain=$("$COREFIX" modules --json "$S/core" | strip) || fail "modules of the plain core"
[ "$("$COREFIX" modules --json "$S/core" | jq -c '[.compression, .coredump]')" = '[null,null]' ] ||
	fail "a plain core without attributes has compression and coredump null"
for f in $FORMATS; do
	json=$(timeout 60 "$COREFIX" modules --json "$S/c-$f" 2>"$WORK/err") || fail "$f: modules exit $?: $(cat "$WORK/err")"
	[ "$(strip <<<"$json")" = "$plain" ] || fail "$f: modules --json differs from the plain core's:
$(diff <(echo "$plain") <(strip <<<"$json"))"
	[ "$(jq -r .compression <<<"$json")" = "$f" ] || fail "$f: compression is $(jq -r .compression <<<"$json")"
	tmp_empty "modules ($f)"

	timeout 60 "$COREFIX" backtrace --json "$S/c-$f" >"$WORK/bt-$f.json" || fail "$f: backtrace exit $?"
	expect_bt_json "$(cat "$WORK/bt-$f.json")" "crash_here libb.c:4" "a_calls_b liba.c:5" "main main.c:5"
	$VALIDATE -i "$WORK/bt-$f.json" "$SCHEMA" 2>/dev/null || fail "$f: backtrace JSON does not match the schema"
	expect "$(timeout 60 "$COREFIX" explain "$S/c-$f")" "stored $f-compressed" "explain ($f)"
	tmp_empty "backtrace and explain ($f)"
done
note "modules, backtrace and explain read $FORMATS"

# The gdb script needs a plain core: decompressed once into the cache,
# named by the compressed file's SHA-256, identical to the original.
corefix_gdb "$S/c-zstd"
tmp_empty "the gdb script"
sum=$(sha256sum "$S/c-zstd" | cut -d' ' -f1)
cached=$XDG_CACHE_HOME/corefix/cores/$sum.core
[ -f "$cached" ] || fail "no decompressed copy at $cached: $(ls -R "$XDG_CACHE_HOME")"
cmp -s "$cached" "$S/core" || fail "the cached copy differs from the core"
expect "$(cat "$WORK/cmds.gdb")" "^core-file $cached\$" "script"
expect "$(cat "$WORK/cmds.gdb")" '^# the core is zstd-compressed' "script"
expect "$(cat "$WORK/cmds.gdb")" "^# written by this run: $cached" "script"
bt=$(gdb_bt)
expect_two_dso_frames "$bt"
expect "$bt" '#2 .*main \(\) at [^ ]*main\.c:5' "gdb backtrace"
[ "$(stat -c %a "$cached")" = 600 ] || fail "the cached core (process memory) is not private: $(stat -c %a "$cached")"

# A second run reuses it: same file, not written again.
before=$(stat -c '%i %Y.%y' "$cached")
sleep 1
corefix_gdb "$S/c-zstd"
[ "$(stat -c '%i %Y.%y' "$cached")" = "$before" ] || fail "the cached copy was rewritten"
expect "$(cat "$WORK/cmds.gdb")" "^# reused \(made by an earlier run\): $cached" "second script"
expect_two_dso_frames "$(gdb_bt)"
[ "$(ls -A "$XDG_CACHE_HOME/corefix/cores" | wc -l)" = 1 ] || fail "stray files in the cache: $(ls -a "$XDG_CACHE_HOME/corefix/cores")"

# --cache-dir DIR keeps it under DIR/cores.
"$COREFIX" --cache-dir "$WORK/cd" "$S/c-xz" >"$WORK/xz.gdb" || fail "gdb script of the xz core"
sum=$(sha256sum "$S/c-xz" | cut -d' ' -f1)
[ -f "$WORK/cd/cores/$sum.core" ] || fail "--cache-dir: no $WORK/cd/cores/$sum.core"
tmp_empty "--cache-dir"

# Sparse: zero pages stay holes, so the copy takes no more disk than the
# kernel's own (sparse) core.
du_plain=$(du -k "$S/core" | cut -f1)
du_copy=$(du -k "$cached" | cut -f1)
[ "$du_copy" -le $((du_plain + 64)) ] || fail "decompressed copy takes $du_copy KiB, the plain core $du_plain KiB"

# A 2 GiB mapping with one page touched: a multi-GiB core, nearly all holes.
mkdir -p "$WORK/big"
cat >"$WORK/big/big.c" <<'EOF'
#include <sys/mman.h>
int main(void)
{
	volatile char *p = mmap(0, 2ul << 30, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	p[12345] = 1;
	return *(volatile int *)0;
}
EOF
cc -g -O0 -o "$WORK/big/big" "$WORK/big/big.c" || fail "cannot build the big program"
make_core "$WORK/big" ./big
size=$(stat -c %s "$WORK/big/core")
[ "$size" -ge $((2 << 30)) ] || fail "the big core is only $size bytes"
zstd -q -o "$WORK/big/core.zst" "$WORK/big/core"
rm "$WORK/big/core"
"$COREFIX" --cache-dir "$WORK/bigcache" "$WORK/big/core.zst" >/dev/null 2>&1
[ $? -le 1 ] || fail "gdb script of the big core"
copy=$(ls "$WORK/bigcache/cores/"*.core)
[ "$(stat -c %s "$copy")" = "$size" ] || fail "the big copy has $(stat -c %s "$copy") bytes, want $size"
[ "$(du -k "$copy" | cut -f1)" -lt 65536 ] || fail "the big copy is not sparse: $(du -k "$copy")"
json=$(timeout 120 "$COREFIX" backtrace --json "$WORK/big/core.zst" 2>/dev/null)
[ "$(jq -r '.threads[0].frames[0].function' <<<"$json")" = main ] || fail "big core: backtrace $json"
tmp_empty "the big core"
# Killed halfway, a run still leaves nothing: the file never had a name.
"$COREFIX" backtrace "$WORK/big/core.zst" >/dev/null 2>&1 &
pid=$!
sleep 0.3
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
tmp_empty "a killed run"
note "2 GiB core: copy takes $(du -k "$copy" | cut -f1) KiB"

# Broken streams: one line, exit 2, for every command; no hang.
for f in $FORMATS; do
	n=$(stat -c %s "$S/c-$f")
	head -c $((n / 2)) "$S/c-$f" >"$WORK/cut-$f"
	cp "$S/c-$f" "$WORK/bad-$f"
	printf '\x55\xaa\x55\xaa\x55\xaa\x55\xaa' | dd of="$WORK/bad-$f" bs=1 seek=$((n / 2)) conv=notrunc status=none
	for kind in cut:truncated bad:corrupt; do
		file=$WORK/${kind%%:*}-$f
		for cmd in "" modules explain backtrace "backtrace --json" "triage" "rewrite -o $WORK/out"; do
			# shellcheck disable=SC2086
			timeout 60 "$COREFIX" $cmd "$file" >/dev/null 2>"$WORK/err"
			rc=$?
			[ $rc = 2 ] || fail "${cmd:-gdb} on a ${kind#*:} $f stream: exit $rc, want 2: $(cat "$WORK/err")"
			[ "$(wc -l <"$WORK/err")" = 1 ] || fail "${cmd:-gdb} on a ${kind#*:} $f stream: not one line: $(cat "$WORK/err")"
			expect "$(cat "$WORK/err")" "^corefix: $file: $f stream ${kind#*:}( \(.*\))?\$" "${cmd:-gdb} (${kind#*:} $f)"
		done
		tmp_empty "a ${kind#*:} $f stream"
	done
done
[ ! -e "$WORK/out" ] || fail "rewrite wrote an output from a broken stream"
note "truncated: $(head -c 200 "$WORK/err")"

# What decompresses to no core is refused as a plain file would be.
printf 'not a core at all' | zstd -q -c >"$WORK/text.zst"
"$COREFIX" modules "$WORK/text.zst" 2>"$WORK/err" >/dev/null
[ $? = 2 ] || fail "text.zst: want exit 2"
expect "$(cat "$WORK/err")" "^corefix: $WORK/text.zst: not an ELF file\$" "text.zst"
xz -c "$S/prog" >"$WORK/prog.xz"
"$COREFIX" modules "$WORK/prog.xz" 2>"$WORK/err" >/dev/null
[ $? = 2 ] || fail "prog.xz: want exit 2"
expect "$(cat "$WORK/err")" "^corefix: $WORK/prog.xz: not a core file" "prog.xz"
tmp_empty "files that are no cores"

# triage: folder scans pick compressed cores by their content.
mkdir -p "$WORK/dir"
cp "$S/core" "$S/c-zstd" "$S/c-xz" "$S/c-lz4" "$WORK/dir/"
cp "$WORK/prog.xz" "$WORK/text.zst" "$WORK/dir/"   # compressed, but no cores: not picked
json=$("$COREFIX" triage --json "$WORK/dir") || fail "triage exit $?"
[ "$(jq -c '[.cores_found, .cores_read, [.groups[].count]]' <<<"$json")" = '[4,4,[4]]' ] || fail "triage: $json"
expect "$(jq -r '.groups[0].signature' <<<"$json")" '^SIGSEGV/SEGV_MAPERR \| crash_here \| a_calls_b \| main$' "triage"
cp "$WORK/cut-zstd" "$WORK/dir/"
"$COREFIX" triage --json "$WORK/dir" >"$WORK/t.json" 2>/dev/null
[ $? = 1 ] || fail "triage with a truncated core: want exit 1"
[ "$(jq -r '.unreadable[0].error' "$WORK/t.json")" = "$WORK/dir/cut-zstd: zstd stream truncated" ] ||
	fail "triage: $(jq -c .unreadable "$WORK/t.json")"
tmp_empty "triage"

# rewrite: the repaired core is plain, the same as from the plain core.
"$COREFIX" rewrite -q "$S/core" -o "$WORK/r-plain" || fail "rewrite of the plain core"
for f in zstd lz4; do
	"$COREFIX" rewrite -q "$S/c-$f" -o "$WORK/r-$f" || fail "rewrite of the $f core: exit $?"
	cmp -s "$WORK/r-plain" "$WORK/r-$f" || fail "rewrite of the $f core differs from the plain core's"
done
cp "$S/c-zstd" "$WORK/inplace.zst"
"$COREFIX" rewrite --in-place --backup "$WORK/bak" "$WORK/inplace.zst" 2>"$WORK/err"
[ $? = 2 ] || fail "rewrite --in-place of a compressed core: want exit 2"
expect "$(cat "$WORK/err")" 'zstd-compressed; --in-place would replace it' "rewrite --in-place"
cmp -s "$WORK/inplace.zst" "$S/c-zstd" || fail "rewrite --in-place changed the compressed core"
tmp_empty "rewrite"

# systemd-coredump's extended attributes, where the file system keeps
# user.* attributes (tmpfs only since Linux 6.6): looked for, not assumed.
xdir=
for d in "$WORK" /var/tmp /tmp; do
	t=$(mktemp "$d/corefix-xattr.XXXXXX" 2>/dev/null) || continue
	if setfattr -n user.corefix.test -v 1 "$t" 2>/dev/null; then
		rm -f "$t"
		xdir=$d
		break
	fi
	rm -f "$t"
done
if [ -z "$xdir" ]; then
	note "no file system here keeps user.* extended attributes; attribute checks skipped"
	exit 0
fi
X=$(mktemp -d "$xdir/corefix-xattr.XXXXXX")
trap 'rm -rf "$X"' EXIT
cp "$S/c-lz4" "$X/core.prog.0.b00t.4242.1700000000123456.lz4"
XC=$X/core.prog.0.b00t.4242.1700000000123456.lz4
setfattr -n user.coredump.exe -v "$S/prog" "$XC"
setfattr -n user.coredump.comm -v $'pr"og\nx' "$XC"
setfattr -n user.coredump.pid -v 4242 "$XC"
setfattr -n user.coredump.signal -v 11 "$XC"
setfattr -n user.coredump.timestamp -v 1700000000123456 "$XC"
setfattr -n user.coredump.hostname -v "$(head -c 5000 /dev/zero | tr '\0' h)" "$XC"   # too long: left out
want=$(jq -cn --arg exe "$S/prog" '{exe: $exe, comm: "pr\"og\nx", pid: 4242, signal: 11, timestamp: 1700000000123456, hostname: null}')
got=$("$COREFIX" modules --json "$XC" | jq -c .coredump)
[ "$got" = "$want" ] || fail "modules --json coredump: $got, want $want"
"$COREFIX" backtrace --json "$XC" >"$WORK/x.json" || fail "backtrace of the attributed core"
[ "$(jq -c .coredump "$WORK/x.json")" = "$want" ] || fail "backtrace --json coredump: $(jq -c .coredump "$WORK/x.json")"
$VALIDATE -i "$WORK/x.json" "$SCHEMA" 2>/dev/null || fail "backtrace JSON with coredump does not match the schema"
ex=$("$COREFIX" explain "$XC")
expect "$ex" "^systemd-coredump recorded: program $S/prog, command pr\"og\\\\nx, pid 4242, signal 11, time 2023-11-14 22:13:20 UTC\.\$" "explain"
# A plain core carries them too (systemd-coredump with Compress=no).
cp "$S/core" "$X/plain"
setfattr -n user.coredump.pid -v 'not a number' "$X/plain"
[ "$("$COREFIX" modules --json "$X/plain" | jq -c '[.compression, .coredump.pid, .coredump.exe]')" = '[null,null,null]' ] ||
	fail "plain core with a bad pid attribute: $("$COREFIX" modules --json "$X/plain" | jq -c .coredump)"
tmp_empty "attributes"
exit 0
