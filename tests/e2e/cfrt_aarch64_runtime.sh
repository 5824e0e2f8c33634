#!/bin/bash
# cfrt on aarch64 under qemu-user: the whole runtime test (stdio, malloc,
# TLS through TLSDESC and TPREL64, IFUNC, threads, signals, dlopen, ctor
# and atexit order) gives the x86-64 output, line for line, both through
# PT_INTERP and with libcfrt.so as a command; as a PIE and as an ET_EXEC
# (whose non-PIC code brings COPY relocations).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cfrt/aarch64.sh"
T="$CFRT_AARCH64/tests/cfrt"
want="$(dirname "$0")/../cfrt/runtime.expected"
for f in "$LD" "$T/runtime_test" "$T/libtls.so"; do
	readelf -hW "$f" | grep -qE 'Machine: *AArch64' || fail "$f is not an aarch64 object: $(readelf -hW "$f" 2>&1 | head -3)"
done
export CFRT_TEST_VAR=from-the-test
for prog in runtime_test runtime_test_nopie; do
	out=$(cd / && timeout 60 qemu-aarch64 "$T/$prog" 2>&1) || fail "$prog: PT_INTERP run exited $?: $out"
	diff <(echo "$out") "$want" >&2 || fail "$prog: PT_INTERP output differs"
	out=$(cd / && timeout 60 qemu-aarch64 "$LD" "$T/$prog" 2>&1) || fail "$prog: command run exited $?: $out"
	diff <(echo "$out") "$want" >&2 || fail "$prog: command output differs"
	note "$prog under qemu-aarch64, both ways: $(wc -l <<<"$out") lines as expected"
done
readelf -hW "$T/runtime_test_nopie" | grep -qE 'Type: *EXEC' || fail "runtime_test_nopie is not an ET_EXEC"
interp=$(readelf -l "$T/runtime_test" | sed -n 's/.*program interpreter: \(.*\)]/\1/p')
[ "$interp" = "$LD" ] || fail "PT_INTERP is $interp"
[ -z "$(readelf -d "$LD" | grep NEEDED)" ] || fail "libcfrt.so has DT_NEEDED entries"
# What the run above exercised on this machine's relocation side.
relocs=$(readelf -rW "$T/runtime_test" "$T/runtime_test_nopie" "$T/libtls.so")
for r in R_AARCH64_TLSDESC R_AARCH64_TLS_TPREL64 R_AARCH64_JUMP_SLOT R_AARCH64_GLOB_DAT R_AARCH64_RELATIVE \
	R_AARCH64_IRELATIVE R_AARCH64_COPY; do
	expect "$relocs" "$r" "relocations of the runtime test"
done
exit 0
