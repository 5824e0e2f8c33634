#!/bin/bash
# Where the kernel writes no core into the working folder, the tests fall
# back to gdb's gcore. Force that path and check corefix reads gcore's
# cores (NT_FILE offsets in bytes, page_size 1) as well as the kernel's.
. "$(dirname "$0")/../lib.sh"
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
copy_set glibc "$WORK/s"
COREFIX_FORCE_GCORE=1 make_core "$WORK/s" "$LDSO" ./prog
[ -s "$WORK/s/gcore.log" ] || fail "gcore was not used"
unit=$(readelf -n "$WORK/s/core" | awk '/Page size:/ {print $3; exit}')
[ -z "$unit" ] || [ "$unit" = 1 ] || note "NT_FILE page size $unit"
json=$("$COREFIX" modules --json "$WORK/s/core") || fail "corefix exited $?"
[ "$(jq -r '.modules[] | select(.role == "main") | .name' <<<"$json")" = "$WORK/s/prog" ] || fail "main program: $json"
[ "$(jq '[.modules[] | select(.status != "ok")] | length' <<<"$json")" = 0 ] || fail "unresolved modules: $json"
corefix_gdb "$WORK/s/core"
bt=$(gdb_bt)
expect_two_dso_frames "$bt"
expect "$bt" 'main \(\) at [^ ]*main\.c:5'
"$COREFIX" backtrace --expect-frame a_calls_b "$WORK/s/core" >/dev/null || fail "corefix backtrace on a gcore core"
exit 0
