#!/bin/bash
# sqlite3: the shell's .load dlopens a library and calls the entry point it
# is told to: libc's abort, so SIGABRT is raised inside
# sqlite3_load_extension.
. "$(dirname "$0")/../driver.sh"
need_program /usr/bin/sqlite3 sqlite3
ANCHORS=(abort sqlite3_load_extension)
echo '.load /usr/lib/x86_64-linux-gnu/libc.so.6 abort' >"$IN/crash.sql"
real_run /usr/bin/sqlite3 -init "$IN/crash.sql" :memory:
