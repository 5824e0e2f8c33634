#!/bin/bash
# i386, four threads, one crashes in a DSO: one NT_PRSTATUS per thread in
# the i386 layout. gdb (with corefix's script) and `corefix backtrace`
# must see every thread and unwind the crashing one to its thread function.
. "$(dirname "$0")/../lib.sh"
need_set i386
copy_set i386 "$WORK/s"
make_core "$WORK/s" /lib/ld-linux.so.2 ./threads
corefix_gdb "$WORK/s/core"
out=$(cd / && gdb -batch -nx -x "$WORK/cmds.gdb" -ex 'info threads' -ex bt -ex 'thread apply all bt' 2>&1)
n=$(grep -cE '^\*? +[0-9]+ +(LWP|Thread)' <<<"$out")
[ "$n" -eq 4 ] || fail "gdb sees $n threads, want 4: $out"
expect_two_dso_frames "$out"
expect "$out" 'crasher \(arg=0x0\) at [^ ]*threads\.c:19' "gdb backtrace"
expect "$out" 'idle \(arg=0x0\) at [^ ]*threads\.c:1[01]' "gdb thread apply all bt"

json=$("$COREFIX" backtrace --json "$WORK/s/core" 2>/dev/null)
[ "$(jq '.threads | length' <<<"$json")" = 4 ] || fail "corefix backtrace: want 4 threads: $json"
expect_bt_json "$json" "crash_here libb.c:4" "a_calls_b liba.c:5" "crasher threads.c:19"
exit 0
