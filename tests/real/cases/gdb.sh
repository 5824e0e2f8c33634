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
make_core "$IN/bash" /bin/bash -c 'kill -SEGV $$'
ANCHORS=(ffi_call PyRun_SimpleStringFlags libc_start_call_main)
real_run /usr/bin/gdb -nx -batch -ex 'file /bin/bash' -ex "core-file $IN/bash/core" -ex bt \
	-ex 'python import ctypes, signal; signal.signal(signal.SIGSEGV, signal.SIG_DFL); ctypes.string_at(0)'
