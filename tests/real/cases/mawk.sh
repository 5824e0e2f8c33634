#!/bin/bash
# mawk: system() runs a shell that sends SIGSEGV to awk once awk waits for
# it in wait4 (system call 61): the signal arrives at that call.
. "$(dirname "$0")/../driver.sh"
need_program /usr/bin/mawk mawk
ANCHORS=(do_system)
echo "BEGIN { system(\"$REAL/kill-when-blocked.sh \$PPID 61\") }" >"$IN/crash.awk"
real_run /usr/bin/mawk -f "$IN/crash.awk"
