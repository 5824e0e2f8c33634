#!/bin/bash
# `corefix CORE EXE` where the core alone cannot place the program: NT_FILE
# records it under a name that no longer exists and its first page was not
# dumped (elfutils' test-core.core shape), and there is no link_map (a
# static ET_EXEC). EXE's headers and NT_FILE's mappings still give the bias.
. "$(dirname "$0")/../lib.sh"
mkdir -p "$WORK/s"
cc -static -g -O0 -o "$WORK/s/div0" "$(dirname "$0")/../../samples/src/div0.c" || fail "cannot build a static program"
make_core "$WORK/s" ./div0
mv "$WORK/s/div0" "$WORK/s/div0.moved"
core="$WORK/s/core.hidden"
cp "$WORK/s/core" "$core"
# Mark the core segment holding the program's first page as not dumped.
phoff=$(readelf -hW "$core" | awk '/Start of program headers/ {print $5}')
idx=$(readelf -lW "$core" | awk '/^  [A-Z]/ && $1 != "Type" {i++; if ($1 == "LOAD" && $3 == v) print i - 1}' \
	v=0x0000000000400000)
[ -n "$phoff" ] && [ -n "$idx" ] || fail "no core segment at 0x400000"
printf '\0\0\0\0\0\0\0\0' | dd of="$core" bs=1 seek=$((phoff + idx * 56 + 32)) conv=notrunc status=none
json=$("$COREFIX" modules --json "$core" "$WORK/s/div0.moved") || fail "corefix modules exited $?"
main=$(jq -c '.modules[] | select(.role == "main")' <<<"$json")
[ "$(jq -r .bias <<<"$main")" = 0x0 ] || fail "ET_EXEC bias $(jq -r .bias <<<"$main"), want 0x0: $main"
[ "$(jq -r .path <<<"$main")" = "$WORK/s/div0.moved" ] || fail "EXE not used: $main"
corefix_gdb "$core" "$WORK/s/div0.moved"
bt=$(gdb_bt)
expect "$bt" '#0 .*divide \(a=1, b=0\) at [^ ]*div0\.c:4' "gdb backtrace"
expect "$bt" '#1 .*main \(\) at [^ ]*div0\.c:10' "gdb backtrace"
exit 0
