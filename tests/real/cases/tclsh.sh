#!/bin/bash
# tclsh (libtcl8.6.so): `exec` runs a child and reads its output; the child
# sends SIGSEGV once tclsh is blocked in that read (system call 0).
. "$(dirname "$0")/../driver.sh"
need_program /usr/bin/tclsh8.6 tcl8.6
echo "exec $REAL/kill-when-blocked.sh [pid] 0" >"$IN/crash.tcl"
ANCHORS=(Tcl_FSEvalFileEx Tcl_MainEx)
real_run /usr/bin/tclsh8.6 "$IN/crash.tcl"
