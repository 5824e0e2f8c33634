#!/bin/bash
# Separate debug info: a stripped library whose DWARF lives in
# DIR/.build-id/xx/yyyy.debug is found with --debug-dir DIR, and with a
# .gnu_debuglink next to the library.
. "$(dirname "$0")/../lib.sh"
copy_set glibc "$WORK/g"
make_core "$WORK/g" ./prog
id=$(readelf -n "$WORK/g/libb.so" | sed -n 's/.*Build ID: //p')
mkdir -p "$WORK/dbg/.build-id/${id:0:2}"
objcopy --only-keep-debug "$WORK/g/libb.so" "$WORK/dbg/.build-id/${id:0:2}/${id:2}.debug"
strip -g "$WORK/g/libb.so"
line() { "$COREFIX" backtrace "$@" "$WORK/g/core" 2>/dev/null | grep -E '^#0 '; }
expect_not "$(line)" 'libb\.c:4' "stripped, no debug dir"
expect "$(line --debug-dir "$WORK/dbg")" 'crash_here \(libb\.so\+0x[0-9a-f]+\)  libb\.c:4' "--debug-dir"
cp "$WORK/dbg/.build-id/${id:0:2}/${id:2}.debug" "$WORK/g/libb.so.debug"
objcopy --add-gnu-debuglink="$WORK/g/libb.so.debug" "$WORK/g/libb.so"
expect "$(line)" 'libb\.c:4' "debuglink"
# With DEBUGINFOD_URLS unset nothing waits on a network.
env -u DEBUGINFOD_URLS timeout 20 "$COREFIX" backtrace "$WORK/g/core" >/dev/null || fail "backtrace without debuginfod"
exit 0
