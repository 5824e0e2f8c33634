#!/bin/bash
# Crash classes from real cores: the four bugs of the C++ service of
# bench/service.cpp (a null read, an uncaught exception, a divide by zero,
# an assertion) and small programs that overflow their stack, smash a
# canary, free twice, assert, write through null, run ud2 and call a bad
# address. Every class comes with its evidence, in every format.
. "$(dirname "$0")/../lib.sh"
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$WORK/svc" "$WORK/kinds" "$WORK/cores"
c++ -g -O2 -o "$WORK/svc/service" "$src/../bench/service.cpp" -pthread || fail "cannot build the service"
cc -g -O0 -fstack-protector-all -Wno-stringop-overflow -o "$WORK/kinds/kinds" "$src/crash_kinds.c" ||
	fail "cannot build crash_kinds"
for b in 0 1 2 3; do
	make_core "$WORK/svc" ./service $b
	mkdir -p "$WORK/cores/svc$b"
	mv "$WORK/svc/core" "$WORK/cores/svc$b/core"
done
for k in overflow protector doublefree assert nullwrite ill badpc; do
	make_core "$WORK/kinds" ./kinds $k
	mkdir -p "$WORK/cores/$k"
	mv "$WORK/kinds/core" "$WORK/cores/$k/core"
done
json=$("$COREFIX" triage --json "$WORK/cores") || fail "triage exit $?"
jq -r '.groups[] | "\(.first_core)\t\(.class)\t\(.access)\t\(.evidence)"' <<<"$json" >"$WORK/classes"
note "$(cat "$WORK/classes")"
# class WHICH CLASS ACCESS EVIDENCE-REGEX : the group of core WHICH.
class() {
	local line
	line=$(grep -F "/cores/$1/core	" "$WORK/classes") || fail "$1: no group: $(cat "$WORK/classes")"
	IFS=$'\t' read -r _ c a e <<<"$line"
	[ "$c" = "$2" ] || fail "$1: class $c, want $2 ($e)"
	[ "$a" = "$3" ] || fail "$1: access $a, want $3 ($e)"
	expect "$e" "$4" "$1's evidence"
}
class svc0 null-dereference read 'fault address 0x0 is below 64 KiB; read at pc 0x[0-9a-f]+ \(mov [a-z]+, dword ptr \[r'
class svc1 uncaught-exception null '^std::terminate in frame #[0-9]+, reached from __cxa_throw in frame #[0-9]+$'
class svc2 divide-by-zero null '^SIGFPE/FPE_INTDIV at pc 0x[0-9a-f]+ \(idiv '
class svc3 assertion null "__assert_fail in frame #[0-9]+: service: .*service.cpp:[0-9]+: .*Assertion \`r.weight < 7"
class overflow stack-overflow write 'below the stack mapping 0x[0-9a-f]+-0x[0-9a-f]+ \(sp 0x[0-9a-f]+\)'
class protector stack-protector null '__stack_chk_fail in frame #[0-9]+: \*\*\* stack smashing detected \*\*\*'
class doublefree heap-corruption null 'free\(\): double free detected'
class assert assertion null "Assertion \`argc > 5"
class nullwrite null-dereference write 'fault address 0x10 is below 64 KiB; write at pc 0x[0-9a-f]+ \(mov dword ptr \[r'
class ill illegal-instruction null '^SIGILL/ILL_ILLOPN at pc 0x[0-9a-f]+ \(ud2\)$'
class badpc bad-pc execute 'pc 0x1234567 is the fault address'
# The stack overflow's fault lies next to its stack pointer, per gdb too.
gsp=$(gdb -batch -nx -ex 'p/x $sp' "$WORK/kinds/kinds" "$WORK/cores/overflow/core" 2>/dev/null | sed -n 's/^\$1 = //p')
expect "$(jq -r '.groups[] | select(.class == "stack-overflow") | .evidence' <<<"$json")" "\(sp $gsp\)" "sp as gdb sees it"

table=$("$COREFIX" triage "$WORK/cores") || fail "triage (table) exit $?"
expect "$table" '^ +1  stack-overflow +SIGSEGV/SEGV_MAPERR +recurse < recurse < recurse '
expect "$table" '^ +1  heap-corruption +SIGABRT +'
expect "$table" '^ +malloc_printerr in frame #[0-9]+: free\(\): double free detected in tcache 2$' "evidence line"
md=$("$COREFIX" triage --markdown "$WORK/cores") || fail "triage (markdown) exit $?"
expect "$md" '^\| 1 \| null-dereference \(write\) \| SIGSEGV/SEGV\\_MAPERR \| main \| .*write at pc'
expect "$md" '^\| 1 \| illegal-instruction \| SIGILL/ILL\\_ILLOPN \| main \| .*\(ud2\)'
exit 0
