#!/bin/bash
# Cores qemu-user writes for its guest (issue 10): no NT_FILE, no
# NT_SIGINFO, no ELF header in memory, and (loader run as a command) an
# NT_AUXV one word out of step. corefix must find r_debug by each of its
# routes - the loader NT_PRPSINFO names, the program's PT_INTERP loader at
# AT_BASE, DT_DEBUG of the program at AT_PHDR, a scan of writable memory -
# say which in `explain`, and place every module at link_map's l_addr.
# The aarch64 sample is built here, so the test needs no sample set.
. "$(dirname "$0")/../lib.sh"
need_cmd clang qemu-aarch64 gdb-multiarch /usr/bin/aarch64-linux-gnu-ld jq readelf
SR=/usr/aarch64-linux-gnu
LDSO=$SR/lib/ld-linux-aarch64.so.1
[ -e $LDSO ] || fail "$LDSO missing (libc6-arm64-cross; run .ci/deps)"
SRC=$(cd "$(dirname "$0")/../../samples/src" && pwd)
CC=(clang --target=aarch64-linux-gnu --gcc-toolchain=/usr -fuse-ld=/usr/bin/aarch64-linux-gnu-ld -g -O0
	-fno-omit-frame-pointer)
B=$WORK/build
mkdir -p "$B"
RP='-Wl,-rpath,$ORIGIN'
"${CC[@]}" -shared -fPIC -o "$B/libb.so" "$SRC/libb.c" &&
	"${CC[@]}" -shared -fPIC -o "$B/liba.so" "$SRC/liba.c" -L"$B" -lb "$RP" &&
	"${CC[@]}" -fPIE -pie -o "$B/prog" "$SRC/main.c" -L"$B" -la -lb "$RP" ||
	fail "cannot build the aarch64 sample with ${CC[*]}"

# modules_json OUT CORE [OPTIONS] : corefix modules --json, exit status 0 or 1.
modules_json() {
	local out=$1
	shift
	"$COREFIX" modules --json "$@" >"$out" 2>"$out.err"
	[ $? -le 1 ] || fail "corefix modules $* failed: $(cat "$out.err")"
}

# same_as_link_map JSON CORE : every link_map entry, read by gdb-multiarch
# from r_debug on (corefix only tells where r_debug is; the check of that
# address is separate), has its l_addr as corefix's bias, by l_name.
same_as_link_map() {
	local json=$1 core=$2 rd walk n=0 addr name got
	rd=$(jq -r .r_debug.address "$json")
	[ -n "$rd" ] && [ "$rd" != null ] || fail "no r_debug: $(cat "$json")"
	# Python, so that a name in a page the core left out reads as "?"
	# rather than ending the walk (gdb may also read such a page as zeros:
	# an empty name past the head is matched by bias alone).
	cat >"$WORK/walk.py" <<PY
import gdb, struct
inf = gdb.selected_inferior()
def word(a):
    return struct.unpack('<Q', bytes(inf.read_memory(a, 8)))[0]
def name(a):
    s = b''
    try:
        while len(s) < 4096:
            c = bytes(inf.read_memory(a + len(s), 1))
            if c == b'\\0':
                return s.decode(errors='replace') or '?'
            s += c
    except gdb.MemoryError:
        pass
    return '?'
lm = word($rd + 8)
while lm:
    print('LM %x %s' % (word(lm), name(word(lm + 8))))
    lm = word(lm + 24)
PY
	walk=$(cd / && gdb-multiarch -batch -nx -ex "core-file $core" -x "$WORK/walk.py" 2>/dev/null | grep '^LM ')
	while read -r _ addr name; do
		[ $n -eq 0 ] && name='(main)'
		case $name in
		'(main)') got=$(jq -r '.modules[] | select(.role == "main") | .bias' "$json") ;;
		'?') got=$(jq -r --arg a "0x$addr" '.modules[] | select(.bias == $a) | .bias' "$json") ;;
		*) got=$(jq -r --arg n "$name" '.modules[] | select(.name == $n) | .bias' "$json") ;;
		esac
		[ "$got" = "0x$addr" ] || fail "link_map entry $name has l_addr 0x$addr, corefix says '${got}': $(cat "$json")"
		n=$((n + 1))
	done <<<"$walk"
	[ $n -ge 5 ] || fail "gdb-multiarch walked $n link_map entries from $rd, want 5: $walk"
	note "$n link_map entries agree with corefix's biases"
}

bt_ok() { # bt_ok CORE [OPTIONS] : gdb-multiarch with corefix's script names every frame
	local core=$1 bt
	shift
	"$COREFIX" "$@" "$core" >"$WORK/cmds.gdb" 2>"$WORK/corefix.err"
	[ $? -le 1 ] || fail "corefix failed: $(cat "$WORK/corefix.err")"
	bt=$(cd / && gdb-multiarch -batch -nx -x "$WORK/cmds.gdb" -ex bt 2>&1)
	expect_two_dso_frames "$bt"
	expect "$bt" '#2 .*main \(\) at [^ ]*main\.c:5' "gdb-multiarch backtrace"
}

# 1. The loader run as a command: psargs names it, its _r_debug is found
#    at the bias its segments in the core give (AT_BASE is 0, and glibc
#    rewrote AT_PHDR/AT_ENTRY for the program).
D=$WORK/cmd
cp -a "$B" "$D"
make_qemu_core "$D" qemu-aarch64 -L $SR -E LD_DEBUG=files $LDSO ./prog
modules_json "$WORK/cmd.json" "$D/core" --sysroot $SR
J=$(cat "$WORK/cmd.json")
expect "$(jq -r .r_debug.found_by <<<"$J")" '_r_debug of the loader NT_PRPSINFO names' "r_debug route"
[ "$(jq -r .loader_as_command <<<"$J")" = true ] || fail "psargs names the loader: $J"
main=$(jq -r '.modules[] | select(.role == "main") | .path // empty' <<<"$J")
[ -n "$main" ] && [ "$(readlink -f "$main")" = "$D/prog" ] || fail "main program: $J"
ldso_bias=$(jq -r '.modules[] | select(.role == "loader") | .bias' <<<"$J")
sym=$(readelf -sW $LDSO | awk '$8 ~ /^_r_debug@/ {print $2; exit}')
[ "$(jq -r .r_debug.address <<<"$J")" = "$(printf '0x%x' $((ldso_bias + 0x$sym)))" ] ||
	fail "r_debug is not the loader's _r_debug (0x$sym) at its bias $ldso_bias: $J"
same_as_link_map "$WORK/cmd.json" "$D/core"
while read -r name base; do
	[ "$(json_bias "$J" "$(basename "$name")")" = "$(printf '0x%x' "$base")" ] ||
		fail "$name: LD_DEBUG says base $base: $J"
done < <(ld_debug_bases "$D/run.log")
ex=$("$COREFIX" explain --sysroot $SR "$D/core" 2>/dev/null)
expect "$ex" 'NT_AUXV is out of step' "explain"
expect "$ex" 'found r_debug through the _r_debug of the loader NT_PRPSINFO names' "explain"
expect "$ex" 'no NT_FILE note and no ELF header' "explain"
bt_ok "$D/core" --sysroot $SR

# 2. An ordinary start: psargs names ./prog, whose PT_INTERP loader exists
#    only under the sysroot; AT_BASE places it.
D=$WORK/interp
cp -a "$B" "$D"
make_qemu_core "$D" qemu-aarch64 -L $SR -E LD_DEBUG=files ./prog
modules_json "$WORK/interp.json" "$D/core" --sysroot $SR
J=$(cat "$WORK/interp.json")
expect "$(jq -r .r_debug.found_by <<<"$J")" "program's PT_INTERP loader, at the bias AT_BASE gives" "r_debug route"
[ "$(jq -r .loader_as_command <<<"$J")" = false ] || fail "./prog was started normally: $J"
same_as_link_map "$WORK/interp.json" "$D/core"
expect "$("$COREFIX" explain --sysroot $SR "$D/core" 2>/dev/null)" "PT_INTERP loader, at the bias AT_BASE gives" explain
bt_ok "$D/core" --sysroot $SR

# 3. The same core without the sysroot: no loader file, so DT_DEBUG of the
#    program that AT_PHDR places.
modules_json "$WORK/auxv.json" "$D/core"
expect "$(jq -r .r_debug.found_by "$WORK/auxv.json")" '^DT_DEBUG of the program at AT_PHDR' "r_debug route"
same_as_link_map "$WORK/auxv.json" "$D/core"

# 4. The core alone, no file at all to start from: the scan.
mkdir -p "$WORK/alone"
cp "$D/core" "$WORK/alone/core"
modules_json "$WORK/scan.json" "$WORK/alone/core"
expect "$(jq -r .r_debug.found_by "$WORK/scan.json")" 'scan of writable memory' "r_debug route"
same_as_link_map "$WORK/scan.json" "$WORK/alone/core"
expect "$("$COREFIX" explain "$WORK/alone/core" 2>/dev/null)" 'found r_debug through a bounded scan' explain
exit 0
