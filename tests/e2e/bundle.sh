#!/bin/bash
# corefix bundle: one .tar.zst carries a crash to another machine. A crash
# of `ld.so ./prog` is bundled, the program's folder (and the only copy of
# a library's debug info) deleted, the bundle unpacked elsewhere, and gdb
# and lldb run its scripts from a third folder: every frame has file:line,
# and corefix resolves every module inside the unpacked folder by itself.
# Also: a missing module is named in the manifest with the reason, a
# sparse 4 GiB core stays small both ways, progress for large inputs, and
# hostile archives are refused with one line and nothing written.
. "$(dirname "$0")/../lib.sh"
need_cmd gdb lldb zstd tar python3 jq
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
SCHEMA="$(cd "$(dirname "$0")/../../corefix/schema" && pwd)/bundle-1.json"
VALIDATE=/usr/bin/jsonschema
[ -x $VALIDATE ] || VALIDATE=jsonschema
valid() { $VALIDATE -i "$1" "$SCHEMA" >/dev/null 2>&1; }

copy_set glibc "$WORK/s"
make_core "$WORK/s" "$LDSO" ./prog
# libb.so stripped, its DWARF only in a --debug-dir: the bundle must carry
# it. liba.so moved where only --search finds it.
id=$(readelf -n "$WORK/s/libb.so" | sed -n 's/.*Build ID: //p')
mkdir -p "$WORK/dbg/.build-id/${id:0:2}" "$WORK/libs"
objcopy --only-keep-debug "$WORK/s/libb.so" "$WORK/dbg/.build-id/${id:0:2}/${id:2}.debug"
strip -g "$WORK/s/libb.so"
# As dwz leaves it, that debug file names a supplementary file by build-id
# (.gnu_debugaltlink); the bundle carries that one too. Any ELF file with
# a build-id stands in for it here: prog's debug file.
alt=$(readelf -n "$WORK/s/prog" | sed -n 's/.*Build ID: //p')
mkdir -p "$WORK/dbg/.build-id/${alt:0:2}"
objcopy --only-keep-debug "$WORK/s/prog" "$WORK/dbg/.build-id/${alt:0:2}/${alt:2}.debug"
{ printf '/usr/lib/debug/.dwz/x86_64-linux-gnu/corefix-test.debug\0'; printf "$(sed 's/../\\x&/g' <<<"$alt")"; } \
	>"$WORK/altlink"
objcopy --add-section .gnu_debugaltlink="$WORK/altlink" "$WORK/dbg/.build-id/${id:0:2}/${id:2}.debug" ||
	fail "cannot add .gnu_debugaltlink"
mv "$WORK/s/liba.so" "$WORK/libs/"

mkdir -p "$WORK/out" "$WORK/elsewhere" "$WORK/third"
(cd "$WORK/out" && "$COREFIX" bundle --search "$WORK/libs" --debug-dir "$WORK/dbg" "$WORK/s/core" -o crash.tar.zst) \
	>"$WORK/bundle.out" 2>"$WORK/bundle.err"
rc=$?
[ $rc = 0 ] || fail "corefix bundle exited $rc: $(cat "$WORK/bundle.err")"
[ ! -s "$WORK/bundle.out" ] || fail "corefix bundle wrote to stdout: $(cat "$WORK/bundle.out")"
B=$WORK/out/crash.tar.zst
[ -s "$B" ] || fail "no bundle written"
[ -z "$(ls "$WORK/out" | grep -v '^crash\.tar\.zst$')" ] || fail "temporary files left beside the bundle: $(ls "$WORK/out")"
list=$(tar --zstd -tf "$B") || fail "GNU tar cannot list the bundle"
for m in manifest.json core debug.gdb.py here.gdb debug.lldb corefix_lldb.py here.lldb \
	"debug/.build-id/${id:0:2}/${id:2}.debug" "debug/.build-id/${alt:0:2}/${alt:2}.debug"; do
	grep -qxF "$m" <<<"$list" || fail "the bundle lacks $m: $list"
done
expect_not "$list" '(^/|(^|/)\.\.(/|$))' "bundle members"
note "bundle: $(wc -l <<<"$list") members, $(stat -c %s "$B") bytes"

# The crash's own folder, its library folder and the debug info are gone.
rm -rf "$WORK/s" "$WORK/libs" "$WORK/dbg"
U=$WORK/elsewhere/unpacked
(cd "$WORK/elsewhere" && "$COREFIX" bundle --extract "$B" -C unpacked) 2>"$WORK/extract.err" ||
	fail "extract failed: $(cat "$WORK/extract.err")"

bt=$(cd "$WORK/third" && gdb -batch -nx -x "$U/debug.gdb.py" -ex bt 2>&1)
expect_two_dso_frames "$bt"
expect "$bt" '#2 .*main \(\) at [^ ]*main\.c:5' "gdb -x DIR/debug.gdb.py from a third folder"
note "$(sed -n '/^#0 .*crash_here/,$p' <<<"$bt")"
bt=$(cd "$U" && gdb -batch -nx -x here.gdb -ex bt 2>&1)
expect_two_dso_frames "$bt"
expect "$bt" '#2 .*main \(\) at [^ ]*main\.c:5' "cd DIR && gdb -x here.gdb"

lldb_frames() {
	expect "$1" 'frame #0: .*libb\.so`crash_here\(p=0x0+, v=3\) at libb\.c:4' "$2"
	expect "$1" 'frame #1: .*liba\.so`a_calls_b\(v=1\) at liba\.c:5' "$2"
	expect "$1" 'frame #2: .*`main at main\.c:5' "$2"
}
ll=$(cd "$U" && timeout 120 lldb -b -s here.lldb -o bt 2>&1)
lldb_frames "$ll" "cd DIR && lldb -s here.lldb"
# debug.lldb needs lldb's Python, which Debian 12's lldb 14 finds only
# through PYTHONPATH (its own `lldb -P` names a folder that does not exist).
py=
for p in "" /usr/lib/llvm-14/lib/python3.11/dist-packages; do
	if PYTHONPATH=$p timeout 60 lldb -b -o 'script print("py" + "ok")' 2>&1 | grep -q '^pyok$'; then
		py=${p:-none}
		break
	fi
done
if [ -n "$py" ]; then
	[ "$py" = none ] && py=
	ll=$(cd "$WORK/third" && PYTHONPATH=$py timeout 120 lldb -b -s "$U/debug.lldb" -o bt 2>&1)
	lldb_frames "$ll" "lldb -s DIR/debug.lldb from a third folder"
else
	note "lldb has no working Python here: debug.lldb not run (here.lldb was)"
fi

# corefix itself finds every module inside the unpacked folder.
json=$("$COREFIX" modules --json "$U/core" 2>"$WORK/modules.err") ||
	fail "corefix modules on the unpacked core: exit $? $(cat "$WORK/modules.err")"
bad=$(jq -r --arg u "$U/files/" '.modules[] | select(.role != "vdso")
	| select(.status != "ok" or .path_found_by != "bundle" or (.path | startswith($u) | not)) | .name' <<<"$json")
[ -z "$bad" ] || fail "modules not resolved inside the bundle: $bad
$json"
[ "$(jq '[.modules[] | select(.role != "vdso")] | length' <<<"$json")" -ge 5 ] || fail "too few modules: $json"

# The manifest: valid, and it says where each file came from.
M=$U/manifest.json
valid "$M" || fail "manifest.json does not match $SCHEMA: $($VALIDATE -i "$M" "$SCHEMA" 2>&1 | tail -3)"
jq '.modules[0].bias = 12' "$M" >"$WORK/wrong.json"
valid "$WORK/wrong.json" && fail "the validator accepts a wrong manifest"
[ "$(jq -c 'keys_unsorted' "$M")" = '["schema","core","machine","class","loader_as_command","km","complete","scripts","modules","debug_extra","warnings"]' ] ||
	fail "manifest key order changed: $(jq -c 'keys_unsorted' "$M")"
[ "$(jq -r '.modules[] | select(.name | endswith("/liba.so")) | .path_found_by' "$M")" = "search path" ] ||
	fail "liba.so should come from --search: $(jq -c '.modules[]' "$M")"
[ "$(jq -r '.modules[] | select(.name | endswith("/libb.so")) | .debug_member' "$M")" = "debug/.build-id/${id:0:2}/${id:2}.debug" ] ||
	fail "libb.so's debug file not in the manifest"
[ "$(jq -r '.complete' "$M")" = true ] || fail "manifest not complete"
[ "$(jq -r '.debug_extra[].member' "$M")" = "debug/.build-id/${alt:0:2}/${alt:2}.debug" ] ||
	fail "the supplementary debug file is not in debug_extra: $(jq -c .debug_extra "$M")"
json_bias_m=$(jq -r '.modules[] | select(.role == "main") | .bias' "$M")
expect "$(cat "$U/here.gdb")" "add-symbol-file \"files/[0-9a-f]+/prog\" -o $json_bias_m" "here.gdb places the program"

# Without -C the folder is the bundle's name.
(cd "$WORK/third" && "$COREFIX" bundle -q --extract "$B") || fail "extract without -C"
[ -f "$WORK/third/crash/core" ] || fail "extract without -C: no crash/core"

# A module that cannot be found: bundled anyway (exit 1), and the manifest
# says which and why.
copy_set glibc "$WORK/m"
make_core "$WORK/m" "$LDSO" ./prog
rm "$WORK/m/liba.so"
"$COREFIX" bundle "$WORK/m/core" -o "$WORK/missing.tar.zst" 2>"$WORK/missing.err"
rc=$?
[ $rc = 1 ] || fail "a missing module: exit $rc, want 1: $(cat "$WORK/missing.err")"
expect "$(cat "$WORK/missing.err")" 'liba\.so: not bundled: no file found' "warning for the missing module"
"$COREFIX" bundle -q --extract "$WORK/missing.tar.zst" -C "$WORK/mu" || fail "extract of the incomplete bundle"
valid "$WORK/mu/manifest.json" || fail "incomplete manifest does not match the schema"
miss=$(jq -c '.modules[] | select(.name | endswith("/liba.so")) | [.status, .member, .reason]' "$WORK/mu/manifest.json")
expect "$miss" '^\["missing",null,"no file found under its recorded name' "manifest entry of the missing liba.so"
[ "$(jq -r '.complete' "$WORK/mu/manifest.json")" = false ] || fail "incomplete bundle marked complete"
bt=$(cd "$WORK/third" && gdb -batch -nx -x "$WORK/mu/debug.gdb.py" -ex bt 2>&1)
expect "$bt" '#0 .*crash_here \(p=0x0, v=[0-9]+\) at [^ ]*libb\.c:4' "gdb on the incomplete bundle"

# A compressed core (systemd-coredump's .zst) travels decompressed: the
# other side needs no decompressor, and gdb reads it as it is.
zstd -q "$WORK/m/core" -o "$WORK/m/core.zst" || fail "zstd"
"$COREFIX" bundle -q "$WORK/m/core.zst" -o "$WORK/zst.tar.zst"
[ $? -le 1 ] || fail "bundle of a compressed core"
"$COREFIX" bundle -q --extract "$WORK/zst.tar.zst" -C "$WORK/zu" || fail "extract of the compressed core's bundle"
cmp -s "$WORK/m/core" "$WORK/zu/core" || fail "the bundle of core.zst does not hold the decompressed core"

# A sparse 4 GiB core bundles small, fast, and unpacks sparse.
mkdir -p "$WORK/big"
cat >"$WORK/big/big.c" <<'EOF'
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
int main(int argc, char **argv)
{
	if (argc > 1) {  /* fill N MiB: a core with that much data */
		size_t n = (size_t)atoi(argv[1]) << 20;
		char *p = malloc(n);
		for (size_t i = 0; i < n; i++)
			p[i] = (char)(i * 2654435761u >> 13);
		*(volatile int *)0 = p[n / 2];
	}
	char *p = mmap(NULL, 4ul << 30, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return 2;
	p[12345] = 1;
	*(volatile int *)0 = 0;
	return 0;
}
EOF
gcc -g -O1 -o "$WORK/big/big" "$WORK/big/big.c" || fail "cannot build big.c"
# gdb 13's gcore writes every byte of the mapping (4 GiB on disk): only the
# kernel's cores are sparse, as make-core.sh decides to take them.
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null || echo '|')
size=0 used=0
if [ "${COREFIX_FORCE_GCORE:-0}" != 1 ] && [ "${pattern#[|/]}" = "$pattern" ]; then
	make_core "$WORK/big" ./big
	size=$(stat -c %s "$WORK/big/core")
	used=$(du -k "$WORK/big/core" | cut -f1)
fi
if [ "$size" -gt $((4 << 30)) ] && [ "$used" -lt 65536 ]; then
	start=$(date +%s)
	timeout 60 "$COREFIX" bundle -q "$WORK/big/core" -o "$WORK/big.tar.zst" || fail "bundle of the sparse core"
	[ $(($(date +%s) - start)) -le 20 ] || fail "bundling a sparse 4 GiB core took $(($(date +%s) - start)) s"
	bs=$(stat -c %s "$WORK/big.tar.zst")
	[ "$bs" -lt $((32 << 20)) ] || fail "the bundle of a sparse core is $bs bytes"
	"$COREFIX" bundle -q --extract "$WORK/big.tar.zst" -C "$WORK/bigu" || fail "extract of the sparse core"
	[ "$(stat -c %s "$WORK/bigu/core")" = "$size" ] || fail "unpacked sparse core has another size"
	u2=$(du -k "$WORK/bigu/core" | cut -f1)
	[ "$u2" -lt 65536 ] || fail "the unpacked core is not sparse: ${u2} KiB on disk"
	# Byte for byte where the original has data, holes elsewhere (cmp would
	# read 8 GiB of holes).
	python3 - "$WORK/big/core" "$WORK/bigu/core" <<'PY' || fail "the unpacked sparse core differs"
import os, sys
a, b = (os.open(p, os.O_RDONLY) for p in sys.argv[1:])
size, pos = os.fstat(a).st_size, 0
while pos < size:
    try:
        data = os.lseek(a, pos, os.SEEK_DATA)
    except OSError:
        break
    hole = os.lseek(a, data, os.SEEK_HOLE)
    if os.pread(a, hole - data, data) != os.pread(b, hole - data, data):
        sys.exit("differs in [%#x, %#x)" % (data, hole))
    pos = hole
PY
	note "sparse core: $size bytes (${used} KiB on disk) -> bundle $bs bytes -> ${u2} KiB on disk"
else
	note "no sparse kernel core of the 4 GiB mapping here (gcore's cores are not sparse); sparse part skipped"
fi
rm -rf "$WORK/big/core" "$WORK/bigu" "$WORK/big.tar.zst"

# Progress on stderr for large inputs (a line per 10%), none with -q.
make_core "$WORK/big" ./big 80
"$COREFIX" bundle "$WORK/big/core" -o "$WORK/fill.tar.zst" 2>"$WORK/progress.err" >/dev/null
[ $? -le 1 ] || fail "bundle of the 80 MiB core: $(cat "$WORK/progress.err")"
n=$(grep -c '^corefix: bundle: [0-9]*% ' "$WORK/progress.err")
[ "$n" -ge 5 ] && [ "$n" -le 10 ] || fail "want 5 to 10 progress lines, got $n: $(cat "$WORK/progress.err")"
expect "$(cat "$WORK/progress.err")" '^corefix: bundle: 100% ' "progress"
"$COREFIX" bundle -q "$WORK/big/core" -o "$WORK/fill.tar.zst" 2>"$WORK/quiet.err" >/dev/null
[ ! -s "$WORK/quiet.err" ] || fail "-q still prints: $(cat "$WORK/quiet.err")"
rm -rf "$WORK/big/core" "$WORK/fill.tar.zst"

# Hostile archives: each refused with exit 2 and one line, nothing written
# outside DIR, and DIR itself removed again.
H=$WORK/h
mkdir -p "$H/outside"
echo target >"$H/target"
cat >"$H/mk.py" <<'EOF'
import io, sys, tarfile
kind, out, h = sys.argv[1], sys.argv[2], sys.argv[3]
def reg(t, name, data=b"x"):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    t.addfile(ti, io.BytesIO(data))
def special(t, name, typ, link=""):
    ti = tarfile.TarInfo(name)
    ti.type, ti.linkname, ti.devmajor, ti.devminor = typ, link, 1, 3
    t.addfile(ti)
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
    reg(t, "manifest.json", b'{"schema": "corefix/bundle/1"}\n')
    if kind == "dotdot": reg(t, "../evil")
    elif kind == "deep-dotdot": reg(t, "files/../../deep-evil")
    elif kind == "absolute": reg(t, h + "/abs-evil")
    elif kind == "symlink":
        special(t, "files/link", tarfile.SYMTYPE, h + "/outside")
        reg(t, "files/link/sym-evil")
    elif kind == "hardlink": special(t, "files/hl", tarfile.LNKTYPE, h + "/target")
    elif kind == "device": special(t, "files/null", tarfile.CHRTYPE)
    elif kind == "fifo": special(t, "files/fifo", tarfile.FIFOTYPE)
    elif kind == "oddname": reg(t, "files/a\nb")
    elif kind == "duplicate": reg(t, "core", b"a"); reg(t, "core", b"b")
    elif kind == "oversized": reg(t, "core", b"\0" * (8 << 20))
    elif kind == "ok": reg(t, "core", b"core")
    if kind == "overlong":  # a member with more bytes than its header declares
        reg(t, "core", b"0123456789")
if kind == "overlong":  # 4 KiB more right after the member's (padded) data
    b = bytearray(open(out, "rb").read())
    at = b.index(b"0123456789") + 512
    b[at:at] = b"A" * 4096
    open(out, "wb").write(b)
EOF
hostile() { # hostile KIND REGEX [EXTRACT-OPTIONS] : refused, one line, nothing left
	python3 "$H/mk.py" "$1" "$H/$1.tar" "$H" || fail "cannot build the $1 archive"
	zstd -q -f "$H/$1.tar" -o "$H/$1.tar.zst" || fail "cannot compress the $1 archive"
	(cd "$WORK/third" && "$COREFIX" bundle --extract "$H/$1.tar.zst" -C "$H/dir" "${@:3}") 2>"$H/err"
	local rc=$?
	[ $rc = 2 ] || fail "$1: exit $rc, want 2: $(cat "$H/err")"
	[ "$(wc -l <"$H/err")" = 1 ] || fail "$1: want one line on stderr: $(cat "$H/err")"
	expect "$(cat "$H/err")" "$2" "$1"
	[ ! -e "$H/dir" ] || fail "$1: $H/dir left behind: $(find "$H/dir")"
	[ -z "$(ls -A "$H/outside")" ] || fail "$1: written outside: $(ls -A "$H/outside")"
	for f in "$H/evil" "$H/deep-evil" "$H/abs-evil" "$WORK/evil" "$WORK/third/evil"; do
		[ ! -e "$f" ] || fail "$1: $f written"
	done
	[ "$(cat "$H/target")" = target ] && [ "$(stat -c %h "$H/target")" = 1 ] || fail "$1: the link target changed"
}
hostile dotdot "refused: member '\.\./evil': a '\.\.' component"
hostile deep-dotdot "refused: member 'files/\.\./\.\./deep-evil': a '\.\.' component"
hostile absolute "refused: member '$H/abs-evil': an absolute name"
hostile symlink "refused: member 'files/link': a symbolic link"
hostile hardlink "refused: member 'files/hl': a hard link"
hostile device "refused: member 'files/null': a device node"
hostile fifo "refused: member 'files/fifo': a FIFO"
hostile oddname "refused: member 'files/a\\\\nb': a character bundles never use"
hostile duplicate "refused: member 'core': a second member of the same name"
hostile oversized "refused: member 'core': 8388608 bytes of data, more than the [0-9]+ left \(--max-size\)" --max-size 1M
hostile overlong "not a readable bundle"
# A real device node, tarred by GNU tar: only root can make one.
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$H/devsrc"
	mknod "$H/devsrc/null" c 1 3 && echo '{"schema": "corefix/bundle/1"}' >"$H/devsrc/manifest.json" &&
		tar --zstd -cf "$H/realdev.tar.zst" -C "$H/devsrc" manifest.json null || fail "cannot tar a device"
	(cd "$WORK/third" && "$COREFIX" bundle --extract "$H/realdev.tar.zst" -C "$H/dir") 2>"$H/err"
	[ $? = 2 ] && [ "$(wc -l <"$H/err")" = 1 ] || fail "real device: $(cat "$H/err")"
	expect "$(cat "$H/err")" "member 'null': a device node" "real device"
	[ ! -e "$H/dir" ] || fail "real device: $H/dir left behind"
else
	note "not root: no real device node tarred (the python-made one was refused)"
fi
# An existing DIR must be empty; a refused bundle leaves it empty.
mkdir -p "$H/dir"
python3 "$H/mk.py" dotdot "$H/d.tar" "$H" && zstd -q -f "$H/d.tar" -o "$H/d.tar.zst"
"$COREFIX" bundle --extract "$H/d.tar.zst" -C "$H/dir" 2>/dev/null && fail "dotdot into an existing DIR accepted"
[ -d "$H/dir" ] && [ -z "$(ls -A "$H/dir")" ] || fail "an existing DIR is not left empty: $(ls -A "$H/dir")"
touch "$H/dir/mine"
python3 "$H/mk.py" ok "$H/ok.tar" "$H" && zstd -q -f "$H/ok.tar" -o "$H/ok.tar.zst"
"$COREFIX" bundle --extract "$H/ok.tar.zst" -C "$H/dir" 2>"$H/err" && fail "extract into a non-empty DIR accepted"
expect "$(cat "$H/err")" 'not empty' "non-empty DIR"
rm -rf "$H/dir"
"$COREFIX" bundle -q --extract "$H/ok.tar.zst" -C "$H/dir" || fail "a plain small bundle is refused"

# Usage.
"$COREFIX" bundle "$U/core" 2>/dev/null && fail "bundle without -o accepted"
"$COREFIX" bundle --extract "$B" -o x 2>/dev/null && fail "bundle --extract with -o accepted"
"$COREFIX" modules -C x "$U/core" 2>/dev/null && fail "-C outside bundle accepted"
exit 0
