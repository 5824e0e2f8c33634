#!/bin/bash
# An i386 PIE with two DSOs, started normally, dumped by the kernel. Every
# module is loaded above 0x80000000 and linked at 0, so its bias is a large
# positive 32-bit number: corefix's biases (modules --json and the script's
# add-symbol-file -o) must equal gdb's own on this core, and the script's
# backtrace and `corefix backtrace` must name every frame with file:line.
. "$(dirname "$0")/../lib.sh"
need_set i386
copy_set i386 "$WORK/s"
make_core "$WORK/s" ./prog
cd "$WORK/s"
json=$("$COREFIX" modules --json core) || fail "corefix modules exited $?: $json"
[ "$(jq -r '.machine, .class' <<<"$json" | tr '\n' ' ')" = "i386 32 " ] || fail "not an i386 core? $json"
corefix_gdb core

# Biases: each library gdb finds on its own, and the program (gdb's &main).
expect_gdb_lib_biases "$json" "$WORK/cmds.gdb" 4 ./prog core
mainaddr=$(gdb -batch -nx ./prog core -ex 'p/x (long)&main' 2>/dev/null | sed -n 's/^\$1 = //p')
sym=$(nm prog | awk '$3 == "main" {print $1}')
[ -n "$mainaddr" ] && [ -n "$sym" ] || fail "gdb gives no address for main ($mainaddr, nm $sym)"
expect_bias "$json" "$WORK/cmds.gdb" prog $((mainaddr - 0x$sym)) "gdb (main at $mainaddr, linked at 0x$sym)"

# The script's backtrace.
bt=$(gdb_bt)
expect_two_dso_frames "$bt"
expect "$bt" '#2 .*main \(\) at [^ ]*main\.c:5' "gdb backtrace"
note "$(grep '^#' <<<"$bt")"

# corefix's own backtrace: i386 registers from NT_PRSTATUS, unwound.
out=$("$COREFIX" backtrace core 2>&1)
expect "$out" 'crash_here \(libb\.so\+0x[0-9a-f]+\)  [^ ]*libb\.c:4' "corefix backtrace"
expect "$out" 'a_calls_b \(liba\.so\+0x[0-9a-f]+\)  [^ ]*liba\.c:5' "corefix backtrace"
expect "$out" 'main \(prog\+0x[0-9a-f]+\)  [^ ]*main\.c:5' "corefix backtrace"
expect_bt_json "$("$COREFIX" backtrace --json core 2>/dev/null)" "crash_here libb.c:4" "a_calls_b liba.c:5" "main main.c:5"
exit 0
