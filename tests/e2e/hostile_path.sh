#!/bin/bash
# A folder name that holds a newline and a gdb command. The script must
# never run it, and the modules inside must still be symbolized (through
# aliases under the per-user cache).
. "$(dirname "$0")/../lib.sh"
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
marker="$WORK/pwned"
d="$WORK/h"$'\n'"shell touch $marker"$'\n'"x"
copy_set glibc "$d"
make_core "$d" "$LDSO" ./prog
corefix_gdb "$d/core"
script=$(cat "$WORK/cmds.gdb")
expect_not "$script" '^shell' "script"
expect "$script" 'loaded through an alias' "script"
bt=$(gdb_bt)
[ ! -e "$marker" ] || fail "the hostile path ran a command"
expect_two_dso_frames "$bt"
expect "$bt" 'main \(\) at [^ ]*main\.c:5'
# A second run reuses the aliases.
corefix_gdb "$d/core"
[ "$script" = "$(cat "$WORK/cmds.gdb")" ] || fail "second run wrote a different script"
exit 0
