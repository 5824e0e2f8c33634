#!/bin/bash
# lua5.4: os.execute runs a shell that sends SIGSEGV to lua once lua waits
# for it in wait4 (system call 61).
. "$(dirname "$0")/../driver.sh"
need_program /usr/bin/lua5.4 lua5.4
ANCHORS=(do_system)
echo "os.execute('$REAL/kill-when-blocked.sh ' .. io.open('/proc/self/stat'):read('n') .. ' 61')" >"$IN/crash.lua"
real_run /usr/bin/lua5.4 "$IN/crash.lua"
