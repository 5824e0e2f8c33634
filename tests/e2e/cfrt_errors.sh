#!/bin/bash
# Errors a user can act on: one line on stderr, exit 127, no crash.
. "$(dirname "$0")/../lib.sh"
: "${CFRT_LIB:?}"
LD="$CFRT_LIB/libcfrt.so"
copy_set cfrt "$WORK/s"
run() { # run WANT_REGEX CMD...
	local want=$1
	shift
	local err rc
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	[ $rc = 127 ] || fail "$*: exit $rc, want 127 ($err)"
	[ "$(wc -l <<<"$err")" = 1 ] || fail "$*: want one line, got: $err"
	expect "$err" "$want" "$*"
}
rm "$WORK/s/libb.so"
run '^cfrt: libb\.so: not found \(needed by .*/s/prog; searched .*/s:.*\)$' "$WORK/s/prog"
run '^cfrt: libb\.so: not found' "$LD" "$WORK/s/prog"
printf 'int crash_here_renamed(int *p, int v) { *p = v; return v; }\n' >"$WORK/b.c"
"$CFRT_LIB/../bin/cfrt-cc" -shared -fPIC -o "$WORK/s/libb.so" "$WORK/b.c" || fail "cfrt-cc"
run '^cfrt: .*liba\.so: symbol not found: crash_here$' "$WORK/s/prog"
echo 'not an elf' >"$WORK/text"
run '^cfrt: .*text: not an ELF object this loader can run$' "$LD" "$WORK/text"
run '^cfrt: .*/nothere: No such file or directory$' "$LD" "$WORK/nothere"
run '^cfrt: .*libcfrt\.so: is the loader itself' "$LD" "$LD"
out=$("$LD" 2>&1); rc=$?
[ $rc = 127 ] || fail "no program: exit $rc"
expect "$out" '^usage: .*libcfrt\.so PROGRAM'
exit 0
