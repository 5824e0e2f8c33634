#!/bin/bash
# glibc's ld.so run as a command: gdb alone shows ?? for the real program;
# with corefix's script every frame has a name and file:line.
. "$(dirname "$0")/../lib.sh"
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
copy_set glibc "$WORK/s"
make_core "$WORK/s" "$LDSO" ./prog

plain=$(cd / && gdb -batch -nx "$LDSO" "$WORK/s/core" -ex bt 2>&1)
expect_not "$plain" 'main \(\) at [^ ]*main\.c' "plain gdb (should be lost)"

corefix_gdb "$WORK/s/core"
bt=$(gdb_bt)
expect_two_dso_frames "$bt"
expect "$bt" '#2 .*main \(\) at [^ ]*main\.c:5' "gdb backtrace"
note "$(grep '^#' <<<"$bt")"

# The same with the loader named on gdb's command line (the user's habit).
bt=$(gdb_bt "$LDSO")
expect "$bt" 'main \(\) at [^ ]*main\.c:5' "gdb LOADER -x"

# The model says why.
ex=$("$COREFIX" explain "$WORK/s/core" 2>/dev/null)
expect "$ex" 'dynamic loader .*ld-linux.* run as a command' "explain"
json=$("$COREFIX" modules --json "$WORK/s/core" 2>/dev/null)
expect "$json" '"loader_as_command": true' "modules --json"
expect "$json" '"role": "main"' "modules --json"
exit 0
