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

# The real program moved away: EXE on the command line names it, and is
# used because its build-id matches the core's.
mkdir -p "$WORK/elsewhere"
mv "$WORK/s/prog" "$WORK/elsewhere/prog"
"$COREFIX" "$WORK/s/core" >/dev/null 2>&1 && fail "a missing program must make the output incomplete"
corefix_gdb "$WORK/s/core" "$WORK/elsewhere/prog"
expect "$(cat "$WORK/cmds.gdb")" 'add-symbol-file "[^"]*/elsewhere/prog" -o 0x' "script with EXE"
expect "$(gdb_bt)" 'main \(\) at [^ ]*main\.c:5' "gdb with EXE"
cp "$WORK/s/liba.so" "$WORK/wrong"
"$COREFIX" "$WORK/s/core" "$WORK/wrong" 2>"$WORK/err" >/dev/null
expect "$(cat "$WORK/err")" 'wrong: build-id differs' "a wrong EXE"
mv "$WORK/elsewhere/prog" "$WORK/s/prog"

# The model says why.
ex=$("$COREFIX" explain "$WORK/s/core" 2>/dev/null)
expect "$ex" 'dynamic loader .*ld-linux.* run as a command' "explain"
json=$("$COREFIX" modules --json "$WORK/s/core" 2>/dev/null)
expect "$json" '"loader_as_command": true' "modules --json"
expect "$json" '"role": "main"' "modules --json"
exit 0
