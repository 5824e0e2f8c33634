#!/bin/bash
# The tool misused the way people do: every case is one line on stderr
# (or the output asked for), and the documented exit status. A table:
#   WANT-EXIT | STDERR-REGEX (whole line; "" = none wanted) | ARGS...
# where @CORE@, @PROG@, @W@ are replaced by a real core, its program and
# this test's folder.
. "$(dirname "$0")/../lib.sh"
copy_set glibc "$WORK/s"
make_core "$WORK/s" ./prog
CORE="$WORK/s/core"
PROG="$WORK/s/prog"
W="$WORK"
mkdir -p "$W/dir"
printf 'not a bundle\n' >"$W/text"

n=0
check() { # check WANT REGEX ARGS...
	local want=$1 re=$2 err rc i
	shift 2
	local args=()
	for i; do
		i=${i//@CORE@/$CORE}
		i=${i//@PROG@/$PROG}
		args+=("${i//@W@/$W}")
	done
	err=$(cd "$W" && timeout 60 "$COREFIX" "${args[@]}" 2>&1 >"$W/stdout")
	rc=$?
	[ $rc = "$want" ] || fail "corefix ${args[*]}: exit $rc, want $want: $err"
	if [ -z "$re" ]; then
		[ -z "$err" ] || fail "corefix ${args[*]}: wants no stderr, got: $err"
	else
		[ "$(wc -l <<<"$err")" = 1 ] || fail "corefix ${args[*]}: want one line, got:
$err"
		expect "$err" "^$re\$" "stderr of corefix ${args[*]}"
	fi
	n=$((n + 1))
}

# Options before the command word, as with git; `corefix help`.
check 0 "" -q modules @CORE@
check 0 "" --json modules @CORE@
jq -e '.schema == "corefix/modules/1"' "$W/stdout" >/dev/null || fail "--json modules CORE: not the JSON"
check 0 "" -q --json backtrace @CORE@
check 0 "" --debug-dir @W@/dir -q lldb @CORE@
check 0 "" help
expect "$(cat "$W/stdout")" '^Usage: corefix' "corefix help"
check 0 "" --help modules --frames 5 @CORE@

# Unknown options, missing values, options of another command: one line.
check 2 "corefix: unknown option '--bogus' \\(see corefix --help\\)" --bogus @CORE@
check 2 "corefix: unknown option '--bogus' \\(see corefix --help\\)" modules @CORE@ --bogus=1
check 2 "corefix: unknown option '-x' \\(see corefix --help\\)" -x @CORE@
check 2 "corefix: option '--sysroot' needs a value \\(see corefix --help\\)" @CORE@ --sysroot
check 2 "corefix: option '--sysroot' needs a value \\(see corefix --help\\)" --sysroot -- @CORE@
check 2 "corefix: option '-o' needs a value \\(see corefix --help\\)" @CORE@ -o
for cmd in gdb lldb modules explain backtrace rewrite bundle; do
	check 2 "corefix: $cmd does not take --frames \\(it goes with triage; see corefix --help\\)" \
		$cmd --frames 5 @CORE@
done
check 2 "corefix: modules does not take --unwinder \\(it goes with backtrace, triage; see corefix --help\\)" \
	modules --unwinder dwfl @CORE@
check 2 "corefix: gdb does not take --json \\(it goes with modules, backtrace, triage, rewrite; see corefix --help\\)" \
	--json @CORE@
check 2 "corefix: triage does not take -C \\(it goes with bundle; see corefix --help\\)" triage -C x @CORE@
check 2 "corefix: rewrite takes --json only with --dry-run \\(see corefix --help\\)" rewrite --json @CORE@ -o @W@/x

note "$n misuses checked"
exit 0
