#!/bin/sh
# kill-when-blocked.sh PID NR : wait (30 s at most) until process PID is
# inside system call NR (/proc/PID/syscall), then send it SIGSEGV. A
# program that cannot fault on demand (awk, Tcl, Lua) runs this as its
# child and is blocked waiting for it: the signal arrives at one known
# call, every time.
pid=$1 nr=$2 i=0
while [ $i -lt 30000 ]; do
	read -r n rest <"/proc/$pid/syscall" 2>/dev/null
	[ "$n" = "$nr" ] && exec kill -s SEGV "$pid"
	sleep 0.001
	i=$((i + 1))
done
echo "kill-when-blocked: process $pid never entered system call $nr" >&2
exit 1
