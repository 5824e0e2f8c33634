#!/bin/bash
# A Kontain-KM-layout core (built by mkcore from a real crash of musl's
# libc.so running prog.so): n_namesz 4 notes, unaligned NT_FILE starts for
# the payload, KMSP notes, no PRPSINFO/SIGINFO, payload recorded as typed.
. "$(dirname "$0")/../lib.sh"
[ -d "$SAMPLES/musl" ] || fail "musl samples not built (install musl-tools)"
MUSL=$(readlink -f /lib/ld-musl-x86_64.so.1)
copy_set musl "$WORK/s"
ln -s "$MUSL" "$WORK/s/libc.so"
make_core "$WORK/s" ./libc.so ./prog.so
"$MKCORE" km "$WORK/s/core" "$WORK/s/kmcore" "$MUSL" libc.so || fail "mkcore failed"
readelf -n "$WORK/s/kmcore" | grep -q PRPSINFO && fail "mkcore left NT_PRPSINFO"

json=$("$COREFIX" modules --json "$WORK/s/kmcore" 2>"$WORK/err") || fail "corefix exited $?: $(cat "$WORK/err")"
expect "$json" '"km": true'
payload=$(jq -c '.modules[] | select(.name == "libc.so")' <<<"$json")
expect "$payload" '"KM"' "payload bias sources"
expect "$payload" '"NT_FILE"' "payload bias sources (unaligned entries must agree)"
[ "$(jq -r .path <<<"$payload")" = "$WORK/s/libc.so" ] || fail "payload not found next to the core: $payload"
expect "$(jq -r '.modules[] | select(.role == "main") | .name' <<<"$json")" '/prog\.so$' "main program"
[ "$(jq '.threads' <<<"$json")" -ge 2 ] || fail "want the repeated vCPU PRSTATUS counted"

corefix_gdb "$WORK/s/kmcore"
bt=$(gdb_bt)
expect_two_dso_frames "$bt"
expect "$bt" '#2 .*main \(\) at [^ ]*main\.c:5'
ex=$("$COREFIX" explain "$WORK/s/kmcore" 2>/dev/null)
expect "$ex" 'Kontain KM core'
exit 0
