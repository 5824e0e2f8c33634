#!/bin/bash
# i386: glibc's /lib/ld-linux.so.2 run as a command. gdb alone loses the
# real program; corefix's script must place it (and every library) at its
# exact, positive bias — an i386 module at 0xf7eca000 linked at 0 is
# `-o 0xf7eca000`, never `-o -0x8136000` (gdb sign-extends that to
# 0xfffffffff7eca000 and every frame is ??) — and name every frame.
. "$(dirname "$0")/../lib.sh"
need_set i386
LDSO=/lib/ld-linux.so.2
[ -e $LDSO ] || fail "$LDSO missing (libc6-i386; run .ci/deps)"
copy_set i386 "$WORK/s"
# LD_DEBUG=files: the loader itself reports each object's l_addr (base:);
# LD_SHOW_AUXV=1: AT_PHDR, which here describes the loader.
make_core "$WORK/s" env LD_DEBUG=files LD_SHOW_AUXV=1 $LDSO ./prog
cd "$WORK/s"
log=run.log
[ -s gcore.log ] && log=gcore.log

plain=$(cd / && gdb -batch -nx $LDSO "$WORK/s/core" -ex bt 2>&1)
expect_not "$plain" 'main \(\) at [^ ]*main\.c' "plain gdb (should be lost)"

json=$("$COREFIX" modules --json core) || fail "corefix modules exited $?: $json"
[ "$(jq -r '.machine, .class, .loader_as_command' <<<"$json" | tr '\n' ' ')" = "i386 32 true " ] ||
	fail "want an i386 loader-as-command core: $json"
[ "$(jq -r '.modules[] | select(.role == "main") | .path' <<<"$json")" = "$WORK/s/prog" ] ||
	fail "the real program is not the main module: $json"
corefix_gdb core
expect_not "$(cat "$WORK/cmds.gdb")" '^add-symbol-file .* -o -0x' "gdb script (a negative bias for a module loaded high)"

# Exact biases: the loader's own report, and gdb's discovery of the libraries.
expect_ld_debug_biases "$json" "$WORK/cmds.gdb" "$log" 4 "prog liba.so libb.so libc.so.6"
expect_bias "$json" "$WORK/cmds.gdb" ld-linux.so.2 "$(auxv_phdr_bias $log $LDSO)" "AT_PHDR"
expect_gdb_lib_biases "$json" "$WORK/cmds.gdb" 4 $LDSO core

bt=$(gdb_bt)
expect_two_dso_frames "$bt"
expect "$bt" '#2 .*main \(\) at [^ ]*main\.c:5' "gdb backtrace"
note "$(grep '^#' <<<"$bt")"
bt=$(gdb_bt $LDSO)
expect "$bt" '#2 .*main \(\) at [^ ]*main\.c:5' "gdb LOADER -x"

out=$("$COREFIX" backtrace core 2>&1)
expect "$out" 'crash_here \(libb\.so\+0x[0-9a-f]+\)  [^ ]*libb\.c:4' "corefix backtrace"
expect "$out" 'a_calls_b \(liba\.so\+0x[0-9a-f]+\)  [^ ]*liba\.c:5' "corefix backtrace"
expect "$out" 'main \(prog\+0x[0-9a-f]+\)  [^ ]*main\.c:5' "corefix backtrace"
expect_bt_json "$("$COREFIX" backtrace --json core 2>/dev/null)" "crash_here libb.c:4" "a_calls_b liba.c:5" "main main.c:5"
exit 0
