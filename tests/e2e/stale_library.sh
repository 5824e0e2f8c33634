#!/bin/bash
# A library rebuilt after the crash: build-id differs from the core's. The
# script warns and leaves it out (its frames stay ??), --force loads it.
. "$(dirname "$0")/../lib.sh"
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
copy_set glibc "$WORK/s"
make_core "$WORK/s" "$LDSO" ./prog
cp "$WORK/s/libb.so" "$WORK/libb.orig"
cp "$WORK/s/liba.so" "$WORK/s/libb.so"   # "rebuilt": another build-id
"$COREFIX" "$WORK/s/core" >"$WORK/cmds.gdb" 2>"$WORK/err"
rc=$?
[ $rc -eq 1 ] || fail "a stale library must make the output incomplete (exit 1), got $rc"
expect "$(cat "$WORK/err")" 'libb\.so: build-id mismatch: core has [0-9a-f]+, file has [0-9a-f]+'
script=$(cat "$WORK/cmds.gdb")
expect "$script" '# WARNING: build-id of this file differs'
expect_not "$script" 'add-symbol-file "[^"]*/libb\.so"'
bt=$(gdb_bt)
# Without libb.so's symbols and CFI, gdb cannot name frame #0: that is
# honest, where the stale file would have given a wrong name.
expect "$bt" '#0 +0x[0-9a-f]+ in \?\? \(\)$' "gdb backtrace"
expect_not "$bt" 'crash_here' "gdb (stale libb.so must not be used)"
"$COREFIX" --force "$WORK/s/core" >"$WORK/cmds.gdb" 2>/dev/null
expect "$(cat "$WORK/cmds.gdb")" 'add-symbol-file "[^"]*/libb\.so"'
# --search finds the right build elsewhere.
mkdir -p "$WORK/found" && cp "$WORK/libb.orig" "$WORK/found/libb.so"
"$COREFIX" --search "$WORK/found" "$WORK/s/core" >"$WORK/cmds.gdb" 2>"$WORK/err" || fail "with --search: exit $?"
bt=$(gdb_bt)
expect_two_dso_frames "$bt"
exit 0
