#!/bin/bash
# The cfrt runtime, both ways (PT_INTERP and libcfrt.so as a command):
# stdio, malloc, qsort, strtol, getenv, errno, signals, COPY relocation,
# IFUNC, threads with TLS and mutexes, dlopen/dlsym/dladdr/dlclose,
# constructor/destructor and atexit order. Output must match exactly.
. "$(dirname "$0")/../lib.sh"
: "${CFRT_LIB:?}" "${CFRT_TESTS:?}"
want="$(dirname "$0")/../cfrt/runtime.expected"
export CFRT_TEST_VAR=from-the-test
out=$(cd / && timeout 30 "$CFRT_TESTS/runtime_test" 2>&1) || fail "PT_INTERP run exited $?: $out"
diff <(echo "$out") "$want" >&2 || fail "PT_INTERP output differs"
out=$(cd / && timeout 30 "$CFRT_LIB/libcfrt.so" "$CFRT_TESTS/runtime_test" 2>&1) || fail "command run exited $?"
diff <(echo "$out") "$want" >&2 || fail "command output differs"
interp=$(readelf -l "$CFRT_TESTS/runtime_test" | sed -n 's/.*program interpreter: \(.*\)]/\1/p')
[ "$interp" = "$CFRT_LIB/libcfrt.so" ] || fail "PT_INTERP is $interp"
# The loader must not depend on any libc: no DT_NEEDED at all.
[ -z "$(readelf -d "$CFRT_LIB/libcfrt.so" | grep NEEDED)" ] || fail "libcfrt.so has DT_NEEDED entries"
exit 0
