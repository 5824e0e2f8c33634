#!/bin/bash
# A program whose start cannot succeed names everything that is missing
# before exit 127, one line each (musl's ldso_fail): every missing library
# once, however many objects need it; when all libraries are there, every
# missing symbol. Through PT_INTERP and with libcfrt.so as a command.
. "$(dirname "$0")/../lib.sh"
: "${CFRT_LIB:?}"
LD="$CFRT_LIB/libcfrt.so"
CC="$CFRT_LIB/../bin/cfrt-cc"
copy_set cfrt "$WORK/s"

run() { # run WANT_LINES CMD... : exit 127, exactly WANT_LINES lines on stderr; they go to $err
	local want=$1 rc
	shift
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	[ $rc = 127 ] || fail "$*: exit $rc, want 127 ($err)"
	[ "$(grep -c . <<<"$err")" = "$want" ] || fail "$*: want $want lines on stderr, got: $err"
}

# prog needs liba.so and libb.so, liba.so needs libb.so: both gone.
rm "$WORK/s/liba.so" "$WORK/s/libb.so"
for cmd in "$WORK/s/prog" "$LD $WORK/s/prog"; do
	run 2 $cmd
	expect "$err" '^cfrt: liba\.so: not found \(needed by .*/s/prog; searched .*\)$' "$cmd"
	expect "$err" '^cfrt: libb\.so: not found \(needed by .*/s/prog; searched .*\)$' "$cmd"
done
note "two missing libraries: both named, each once"

# Two functions of a library that no longer has them.
printf 'int f_one(void) { return 1; }\nint f_two(void) { return 2; }\n' >"$WORK/x.c"
printf 'int f_one(void);\nint f_two(void);\nint main(void) { return f_one() + f_two(); }\n' >"$WORK/m.c"
"$CC" -shared -fPIC -o "$WORK/s/libx.so" "$WORK/x.c" || fail "cfrt-cc libx.so"
"$CC" -o "$WORK/s/m" "$WORK/m.c" -L"$WORK/s" -lx -Wl,-rpath,'$ORIGIN' || fail "cfrt-cc m"
"$WORK/s/m"
[ $? = 3 ] || fail "m does not run with its library"
printf 'int f_other(void) { return 0; }\n' >"$WORK/x.c"
"$CC" -shared -fPIC -o "$WORK/s/libx.so" "$WORK/x.c" || fail "cfrt-cc libx.so again"
for cmd in "$WORK/s/m" "$LD $WORK/s/m"; do
	run 2 $cmd
	expect "$err" '^cfrt: .*m: symbol not found: f_one$' "$cmd"
	expect "$err" '^cfrt: .*m: symbol not found: f_two$' "$cmd"
done
note "two missing symbols: both named"
exit 0
