#!/bin/bash
# python3: a worker thread (threading.Thread) faults inside ctypes, the
# extension module _ctypes.so dlopened at import, called through libffi
# (ctypes.string_at(0): strlen of NULL). Before it, the process maps the
# files of two of its own libraries again, as data (mmap.mmap).
. "$(dirname "$0")/../driver.sh"
need_program /usr/bin/python3.11 python3.11
cat >"$IN/crash.py" <<'PY'
import ctypes, mmap, threading
import _ctypes
keep = []
for lib in ("/lib/x86_64-linux-gnu/libc.so.6", _ctypes.__file__):
    with open(lib, "rb") as f:
        keep.append(mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ))
t = threading.Thread(target=lambda: ctypes.string_at(0))
t.start()
t.join()
PY
ANCHORS=(ffi_call PyEval_EvalFrameDefault start_thread)
real_run /usr/bin/python3.11 "$IN/crash.py"
