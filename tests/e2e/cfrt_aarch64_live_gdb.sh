#!/bin/bash
# Live gdb-multiarch on an aarch64 cfrt program through qemu-user's
# gdbstub, on a Unix socket (nothing listens on the network): stopped in
# a_calls_b, gdb's solib-svr4 lists liba.so, libb.so and libcfrt.so from
# cfrt's r_debug, each where the process mapped it, which is where the
# CFRT_CORE core of the same program places it (qemu-user lays a program
# out the same way on every run).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cfrt/aarch64.sh"
cfrt_aarch64_samples
cd "$WORK/s" || fail "no $WORK/s"

sock="$WORK/gdb.sock"
qemu-aarch64 -g "$sock" ./prog >"$WORK/run.log" 2>&1 &
qpid=$!
trap 'kill $qpid 2>/dev/null; wait $qpid 2>/dev/null' EXIT
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || fail "qemu-aarch64 -g made no socket: $(cat "$WORK/run.log")"
out=$(timeout 120 gdb-multiarch -batch -nx -ex 'set sysroot /' -ex "file $WORK/s/prog" -ex "target remote $sock" \
	-ex 'set breakpoint pending on' -ex 'break a_calls_b' -ex continue -ex 'info sharedlibrary' -ex bt -ex kill 2>&1)
expect "$out" 'Breakpoint 1, a_calls_b \(v=1\) at [^ ]*liba\.c:5' "stopped in a_calls_b"
expect "$out" '#1 .*main \(\) at [^ ]*main\.c:5' "live backtrace"

# The same program's CFRT_CORE core says where each module is.
(ulimit -c 0 && CFRT_CORE=cfrt.core timeout 60 qemu-aarch64 ./prog) >/dev/null 2>&1
[ -s cfrt.core ] || fail "CFRT_CORE wrote no core"
json=$("$COREFIX" modules --json cfrt.core 2>/dev/null)
for lib in "$WORK/s/liba.so" "$WORK/s/libb.so" "$LD"; do
	from=$(awk -v l="$lib" '$NF == l && $3 == "Yes" {print $1}' <<<"$out")
	[ -n "$from" ] || fail "gdb-multiarch does not list $lib: $out"
	bias=$(json_bias "$json" "$(basename "$lib")")
	[ -n "$bias" ] || fail "corefix modules lists no $(basename "$lib"): $json"
	want=$(printf '0x%016x' $((bias + 0x$(text_addr "$lib"))))
	[ "$from" = "$want" ] || fail "$lib at $from live; the CFRT_CORE core's bias $bias puts .text at $want"
done
note "gdb-multiarch through qemu's gdbstub lists liba.so, libb.so, libcfrt.so where the core has them"
exit 0
