# The selected thread's frames as gdb sees them, one per line for
# tests/real/driver.sh: "TID lwp", then "FRAME pc<TAB>name" from the newest
# frame to the oldest gdb shows (bt's list: inlined frames included, `??`
# where gdb names nothing, "<signal handler called>" for a signal
# trampoline). A frame gdb rebuilt from DWARF call-site records for a tail
# call (it has no place on the stack) is "TAILCALL pc<TAB>name".
import gdb

t = gdb.selected_thread()
print("TID %d" % (t.ptid[1] if t else 0))
f = gdb.newest_frame()
while f is not None:
    name = f.name()
    if f.type() == gdb.SIGTRAMP_FRAME:
        name = "<signal handler called>"
    kind = "TAILCALL" if f.type() == gdb.TAILCALL_FRAME else "FRAME"
    print("%s %#x\t%s" % (kind, f.pc(), name or "??"))
    try:
        f = f.older()
    except gdb.error as e:
        print("UNWIND-ERROR %s" % e)
        break
