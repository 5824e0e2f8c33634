#!/bin/bash
# Program, libraries and core in a folder whose name has spaces, both
# quote characters, a backslash, a dollar and a hash: every path must
# reach gdb intact.
. "$(dirname "$0")/../lib.sh"
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
d="$WORK/with space \"dq\" 'sq' \\bs \$HOME #hash"
copy_set glibc "$d"
make_core "$d" "$LDSO" ./prog
corefix_gdb "$d/core"
expect_not "$(cat "$WORK/cmds.gdb")" 'alias' "script (no alias needed here)"
bt=$(gdb_bt)
expect_two_dso_frames "$bt"
expect "$bt" 'main \(\) at [^ ]*main\.c:5'
expect_not "$bt" 'No such file|not in executable format' "gdb"
exit 0
