#!/bin/bash
# gdb itself: a large C++ program (about sixty libraries, worker threads).
# It first debugs a core of bash, as gdb users do: reading the libraries
# that core names (libc.so.6 among them, one of gdb's own) it maps their
# files again, as data, below its own copies. Then its embedded Python
# faults in ctypes (strlen of NULL), gdb's fatal-signal handler replaced by
# the default action so that the kernel dumps the faulting stack itself.
. "$(dirname "$0")/../driver.sh"
need_program /usr/bin/gdb gdb
mkdir -p "$IN/bash"
echo 'kill -SEGV $$' >"$IN/bash/crash.sh"
make_core "$IN/bash" /bin/bash "$IN/bash/crash.sh"
ANCHORS=(ffi_call PyRun_SimpleStringFlags libc_start_call_main)
cat >"$IN/crash.gdb" <<GDB
file /bin/bash
core-file $IN/bash/core
bt
python import ctypes, signal; signal.signal(signal.SIGSEGV, signal.SIG_DFL); ctypes.string_at(0)
GDB
real_run /usr/bin/gdb -nx -batch -x "$IN/crash.gdb"
