#!/bin/bash
# Four threads, one crashes in a DSO; loader run as a command.
. "$(dirname "$0")/../lib.sh"
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
copy_set glibc "$WORK/s"
make_core "$WORK/s" "$LDSO" ./threads
corefix_gdb "$WORK/s/core"
out=$(cd / && gdb -batch -nx -x "$WORK/cmds.gdb" -ex 'info threads' -ex bt -ex 'thread apply all bt' 2>&1)
n=$(grep -cE '^\*? +[0-9]+ +(LWP|Thread)' <<<"$out")
[ "$n" -eq 4 ] || fail "gdb sees $n threads, want 4: $out"
expect_two_dso_frames "$out"
expect "$out" 'crasher \(arg=0x0\) at [^ ]*threads\.c:19'
expect "$out" 'idle \(arg=0x0\) at [^ ]*threads\.c:1[01]'
exit 0
