# Shared by tests/e2e/install_*.sh: the two-DSO sample built with an
# installed cfrt-cc, crashed both ways, read by an installed corefix and by
# gdb's auto-load. Sourced after lib.sh. Environment (set by ctest):
# BUILD_DIR (the build tree to install), CMAKE, CPACK.
: "${BUILD_DIR:?}" "${CMAKE:?}" "${CPACK:?}"
SRC_SAMPLES="$(dirname "${BASH_SOURCE[0]}")/../samples/src"
BT_FRAMES=('#0 .*crash_here \(p=0x0, v=3\) at [^ ]*libb\.c:4'
	'#1 .*a_calls_b \(v=1\) at [^ ]*liba\.c:5'
	'#2 .*main \(\) at [^ ]*main\.c:5')

# build_two_dso CC DIR : libb.so, liba.so and prog (rpath $ORIGIN) in DIR.
build_two_dso() {
	local cc=$1 dir=$2
	mkdir -p "$dir"
	"$cc" -g -O0 -shared -fPIC -o "$dir/libb.so" "$SRC_SAMPLES/libb.c" &&
		"$cc" -g -O0 -shared -fPIC -o "$dir/liba.so" "$SRC_SAMPLES/liba.c" -L"$dir" -lb '-Wl,-rpath,$ORIGIN' &&
		"$cc" -g -O0 -o "$dir/prog" "$SRC_SAMPLES/main.c" -L"$dir" -la -lb '-Wl,-rpath,$ORIGIN' ||
		fail "$cc could not build the two-DSO sample"
}

# interp FILE : FILE's PT_INTERP.
interp() { readelf -lW "$1" | sed -n 's/.*\[Requesting program interpreter: \(.*\)\]$/\1/p'; }

# last_bt : the backtrace gdb printed last (after every module was loaded).
last_bt() { awk '/^add symbol table|^corefix: / {buf = ""; next} /^#/ {buf = buf $0 "\n"} END {printf "%s", buf}'; }

# expect_frames BT WHAT : BT names crash_here, a_calls_b and main with file:line.
expect_frames() {
	local re
	for re in "${BT_FRAMES[@]}"; do expect "$1" "$re" "$2"; done
}

# expect_corefix_reads COREFIX CORE WHAT : that corefix's gdb script, and
# its own backtrace, symbolize CORE.
expect_corefix_reads() {
	local cf=$1 core=$2 what=$3 out
	"$cf" "$core" >"$WORK/cmds.gdb" 2>"$WORK/corefix.err" || fail "$what: $cf exited $?: $(cat "$WORK/corefix.err")"
	out=$(cd / && gdb -batch -nx -x "$WORK/cmds.gdb" -ex bt 2>&1 | last_bt)
	expect_frames "$out" "$what: gdb with $cf's script"
	out=$("$cf" backtrace "$core" 2>&1) || fail "$what: $cf backtrace exited $?: $out"
	expect "$out" 'crash_here .* libb\.c:4' "$what: $cf backtrace"
	expect "$out" 'main .* main\.c:5' "$what: $cf backtrace"
}
