# Shared glue for the end-to-end tests: make a real core, run corefix and
# real gdb, assert on what they print. Sourced by tests/e2e/*.sh.
# Environment (set by ctest): COREFIX, SAMPLES, TESTTMP.
set -u
: "${COREFIX:?}" "${SAMPLES:?}" "${TESTTMP:?}"
TEST_NAME=$(basename "$0" .sh)
WORK="$TESTTMP/$TEST_NAME"
rm -rf "$WORK"
mkdir -p "$WORK"
# Aliases for unsafe paths go here, not into the user's cache.
export XDG_CACHE_HOME="$WORK/cache"

fail() {
	echo "FAIL($TEST_NAME): $*" >&2
	exit 1
}

note() { echo "-- $*"; }

# make_core DIR CMD... : run CMD in DIR until it crashes; leave DIR/core.
make_core() {
	"$(dirname "${BASH_SOURCE[0]}")/make-core.sh" "$@" || fail "could not make a core of: ${*:2}"
}

# corefix_gdb CORE [EXE] : corefix's script for CORE into $WORK/cmds.gdb.
corefix_gdb() {
	"$COREFIX" "$@" >"$WORK/cmds.gdb" 2>"$WORK/corefix.err"
	local rc=$?
	[ $rc -le 1 ] || fail "corefix exited $rc: $(cat "$WORK/corefix.err")"
	return 0
}

# gdb_bt [ARGS...] : gdb -batch with the script, then bt; output on stdout.
gdb_bt() {
	(cd / && gdb -batch -nx "$@" -x "$WORK/cmds.gdb" -ex bt 2>&1)
}

# expect TEXT REGEX [WHAT]
expect() {
	grep -qE -- "$2" <<<"$1" || fail "${3:-output} lacks /$2/:
$1"
}

expect_not() {
	if grep -qE -- "$2" <<<"$1"; then fail "${3:-output} has /$2/:
$1"; fi
}

# The frames every two-DSO sample crash must show, symbolized with file:line.
expect_two_dso_frames() {
	expect "$1" '#0 .*crash_here \(p=0x0, v=[0-9]+\) at [^ ]*libb\.c:4' "gdb backtrace"
	expect "$1" '#1 .*a_calls_b \(v=[0-9]+\) at [^ ]*liba\.c:5' "gdb backtrace"
}

copy_set() { # copy_set SET DEST : a sample set, with its rpath-relative layout
	mkdir -p "$2"
	cp -a "$SAMPLES/$1/." "$2/"
}
