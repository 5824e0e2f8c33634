#!/bin/bash
# The tool misused the way people do: every case is one line on stderr
# (or the output asked for), and the documented exit status. A table:
#   WANT-EXIT | STDERR-REGEX (whole line; "" = none wanted; "~RE": some
#   line of several matches RE) | ARGS...
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
	re=${re//@CORE@/$CORE}
	re=${re//@PROG@/$PROG}
	re=${re//@W@/$W}
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
	elif [ "${re#\~}" != "$re" ]; then
		expect "$err" "^${re#\~}\$" "stderr of corefix ${args[*]}"
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

# One exit-status rule: 0 complete, 1 written but incomplete, 2 unusable
# input or bad usage. EXE is an input: missing or a folder is 2 alike.
check 2 "corefix: @W@/nonexist: No such file or directory" @CORE@ @W@/nonexist
check 2 "corefix: @W@/dir: not a regular file \\(a directory\\)" @CORE@ @W@/dir
check 2 "corefix: @W@/text: not an ELF object" modules @CORE@ @W@/text
# Another build of a library: 1, loaded with --force or not.
copy_set glibc "$W/t"
make_core "$W/t" ./prog
cc -shared -fPIC -O2 -o "$W/t/libb.so" "$(dirname "$0")/../../samples/src/libb.c" || fail "cc libb.c"
check 1 "~corefix: warning: .*libb\\.so: build-id mismatch: .* \\(not loaded; --force loads it\\)" @W@/t/core
check 1 "~corefix: warning: .*libb\\.so: build-id mismatch: .* \\(loading anyway: --force\\)" --force @W@/t/core
check 1 "~corefix: warning: .*libb\\.so: build-id mismatch: .*" modules --force @W@/t/core
# EXE given, but not the program the core ran (the right one is found): 1.
check 1 "corefix: warning: @W@/t/libb.so: build-id differs from the program in @CORE@" modules @CORE@ @W@/t/libb.so
check 0 "" modules @CORE@ @PROG@
# A module not found: the hint names only the options not given yet.
mkdir -p "$W/u" && cp "$CORE" "$W/u/core" && mv "$W/s/libb.so" "$W/s/libb.moved"
check 1 "~corefix: warning: .*libb\\.so: file not found; its frames will show as \\?\\? \\(try --sysroot, --search or --path-map\\)" @W@/u/core
check 1 "~corefix: warning: .*libb\\.so: file not found; .* \\(not in --search either: try --sysroot or --path-map\\)" --search @W@/dir @W@/u/core
check 1 "~corefix: warning: .*libb\\.so: file not found; .* \\(not under --sysroot, in --search or through --path-map either\\)" --search @W@/dir --sysroot @W@/dir --path-map /x=/y @W@/u/core
mv "$W/s/libb.moved" "$W/s/libb.so"
# Folders to look in that are not there.
for opt in --sysroot --search --debug-dir; do
	check 2 "corefix: $opt @W@/nonexist: No such file or directory" $opt @W@/nonexist @CORE@
done
check 2 "corefix: --sysroot @W@/text: not a folder" --sysroot @W@/text @CORE@

# Smaller ones, each real.
check 2 "corefix: @W@/nonexist: No such file or directory" triage @W@/nonexist
[ -s "$W/stdout" ] && fail "triage of a missing name printed a report: $(cat "$W/stdout")"
check 2 "corefix: @W@/nonexist: No such file or directory" triage @W@/dir @W@/nonexist
check 2 "corefix: triage --merge wants at least one REPORT.json \\(the --json output of triage runs\\) \\(see corefix --help\\)" \
	triage --merge
check 2 "corefix: @W@/nonexist.tar.zst: No such file or directory" bundle --extract @W@/nonexist.tar.zst
[ -e "$W/nonexist" ] && fail "bundle --extract of a missing file made a folder"
check 2 "corefix: @CORE@: not a corefix bundle \\(a bundle is a .tar.zst written by corefix bundle\\)" \
	bundle --extract -C @W@/x @CORE@
[ -e "$W/x" ] && fail "bundle --extract of a core made a folder"
check 2 "corefix: @PROG@: not a core file but a shared object or position-independent executable" modules @PROG@
cc -c -o "$W/libb.o" "$(dirname "$0")/../../samples/src/libb.c" || fail "cc -c libb.c"
check 2 "corefix: @W@/libb.o: not a core file but an object file \\(.o\\)" modules @W@/libb.o

# A truncated core: the walk says why it stopped, under either unwinder.
# Cut where the stack's segment starts (the highest one below the vsyscall page).
stack_off=$(readelf -lW "$CORE" | awk '$1 == "LOAD" && $3 !~ /^0xffffffffff/ { off = $2 } END { print off }')
[ -n "$stack_off" ] || fail "no stack segment in $CORE"
head -c $((stack_off)) "$CORE" >"$W/cut.core"
for u in dwfl libunwind; do
	json=$("$COREFIX" backtrace --json --unwinder $u "$W/cut.core" 2>/dev/null)
	[ $? = 1 ] || fail "backtrace --unwinder $u of a truncated core: want exit 1"
	why=$(jq -r '.threads[0].stopped' <<<"$json")
	[ "$why" != null ] && [ -n "$why" ] || fail "backtrace --unwinder $u of a truncated core: no reason it stopped: $json"
	note "$u on a truncated core: stopped: $why"
done

# --cache-dir DIR: one layout, DIR/alias for unsafe paths, DIR/cores for
# decompressed cores (tests/e2e/compressed_cores.sh), as --help says.
nl="$W/new
line"
copy_set glibc "$nl"
make_core "$nl" ./prog
"$COREFIX" --cache-dir "$W/cd" "$nl/core" >"$W/nl.gdb" 2>/dev/null
expect "$(cat "$W/nl.gdb")" "^add-symbol-file \"$W/cd/alias/[0-9a-f]+-libb\\.so\" -o " "--cache-dir alias"
[ -L "$W/cd/alias/$(readelf -n "$nl/libb.so" | sed -n 's/.*Build ID: //p')-libb.so" ] || fail "no alias under $W/cd/alias"
help=$("$COREFIX" --help)
expect "$help" "--cache-dir DIR +corefix's cache: DIR/alias" "--help on --cache-dir"

note "$n misuses checked"
exit 0
