#!/bin/bash
# bash: the kill builtin sends SIGSEGV to the shell itself; it is delivered
# as kill(2) returns.
. "$(dirname "$0")/../driver.sh"
need_program /bin/bash bash
ANCHORS=(kill_builtin main)
echo 'kill -SEGV $$' >"$IN/crash.sh"
real_run /bin/bash "$IN/crash.sh"
