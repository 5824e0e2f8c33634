#!/bin/bash
# A core without NT_FILE (some writers omit it; the kernel drops it for
# huge processes): modules come back from link_map and ELF headers in memory.
. "$(dirname "$0")/../lib.sh"
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
copy_set glibc "$WORK/s"
make_core "$WORK/s" "$LDSO" ./prog
"$MKCORE" drop-ntfile "$WORK/s/core" "$WORK/s/core.nofile" || fail "mkcore failed"
readelf -n "$WORK/s/core.nofile" | grep -q NT_FILE && fail "mkcore left NT_FILE"
want=$("$COREFIX" modules --json "$WORK/s/core" | jq -r '.modules[] | select(.role != "vdso") | "\(.path | split("/") | last) \(.bias)"' | sort)
got=$("$COREFIX" modules --json "$WORK/s/core.nofile" 2>"$WORK/err" | jq -r '.modules[] | select(.role != "vdso") | "\(.path | split("/") | last) \(.bias)"' | sort)
[ "$got" = "$want" ] || fail "without NT_FILE: $got
with NT_FILE: $want"
expect "$(cat "$WORK/err")" 'no NT_FILE'
corefix_gdb "$WORK/s/core.nofile"
bt=$(gdb_bt)
expect_two_dso_frames "$bt"
expect "$bt" 'main \(\) at [^ ]*main\.c:5'
exit 0
