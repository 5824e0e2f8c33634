#!/bin/bash
# cfrt on aarch64 under qemu-user: the two-DSO sample crashes through
# PT_INTERP and with libcfrt.so as a command, and its CFRT_CORE core (cores
# disabled by ulimit: it is our writer's) is read by corefix backtrace and
# by gdb-multiarch with corefix's script, frames named with file:line. The
# same process's core written by qemu itself after our handler returned
# (an independent writer) must give the same crashed-thread registers and
# the same module biases.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cfrt/aarch64.sh"
cfrt_aarch64_samples

cfrt_core() { # cfrt_core NAME CMD... : CFRT_CORE of CMD run under qemu, as $WORK/s/NAME
	rm -f "$WORK/s/cfrt.core"
	(cd "$WORK/s" && ulimit -c 0 && CFRT_CORE=cfrt.core timeout 60 qemu-aarch64 "${@:2}") >/dev/null 2>&1
	[ -s "$WORK/s/cfrt.core" ] || fail "$1: CFRT_CORE wrote no core"
	ls "$WORK/s"/cfrt.core.*.tmp >/dev/null 2>&1 && fail "$1: a temporary core was left behind"
	mv "$WORK/s/cfrt.core" "$WORK/s/$1"
}

regs() { # regs CORE : pc sp x29 x30 as gdb-multiarch reads them with corefix's script
	"$COREFIX" "$1" >"$WORK/regs.gdb" 2>/dev/null
	(cd / && gdb-multiarch -batch -nx -x "$WORK/regs.gdb" -ex 'info registers pc sp x29 x30' 2>/dev/null) |
		awk '$1 ~ /^(pc|sp|x29|x30)$/ {print $1, $2}'
}

biases() { "$COREFIX" modules --json "$1" 2>/dev/null | jq -r '.modules[] | "\(.name | split("/") | last) \(.bias)"' | sort; }

for how in interp command; do
	cmd=(./prog)
	[ $how = command ] && cmd=("$LD" ./prog)
	# One process, two cores: ours from the handler, then qemu's own when
	# the re-run fault kills it (make_qemu_core allows cores).
	rm -f "$WORK/s/cfrt.core"
	make_qemu_core "$WORK/s" qemu-aarch64 -E CFRT_CORE=cfrt.core "${cmd[@]}"
	[ -s "$WORK/s/cfrt.core" ] || fail "$how: CFRT_CORE wrote no core: $(cat "$WORK/s/run.log")"
	core="$WORK/s/cfrt.core.$how"
	mv "$WORK/s/cfrt.core" "$core"
	mv "$WORK/s/core" "$WORK/s/qemu.core.$how"
	readelf -hW "$core" | grep -qE 'Machine: *AArch64' || fail "$how: not an aarch64 core"
	notes=$(readelf -nW "$core")
	for n in NT_PRSTATUS NT_PRPSINFO NT_SIGINFO NT_AUXV NT_FILE; do
		expect "$notes" "$n" "$how: the core's notes"
	done
	expect "$notes" 'NT_PRSTATUS.*0x0*188\b|0x0*188.*NT_PRSTATUS' "$how: an aarch64 elf_prstatus is 392 bytes"

	out=$("$COREFIX" backtrace "$core" 2>&1)
	expect "$out" 'crash_here \(libb\.so\+0x[0-9a-f]+\)  [^ ]*libb\.c:4' "$how: corefix backtrace"
	expect "$out" 'a_calls_b \(liba\.so\+0x[0-9a-f]+\)  [^ ]*liba\.c:5' "$how: corefix backtrace"
	expect "$out" 'main \(prog\+0x[0-9a-f]+\)  [^ ]*main\.c:5' "$how: corefix backtrace"
	expect_bt_json "$("$COREFIX" backtrace --json "$core" 2>/dev/null)" \
		"crash_here libb.c:4" "a_calls_b liba.c:5" "main main.c:5"
	note "$how: $(grep -E '^#[0-2] ' <<<"$out" | tr -s ' ' | tr '\n' ';')"

	corefix_gdb "$core"
	# Only the backtrace after every module is loaded counts.
	bt=$(cd / && gdb-multiarch -batch -nx -x "$WORK/cmds.gdb" -ex bt 2>&1 |
		awk '/^add symbol table/ {buf = ""; next} {buf = buf $0 "\n"} END {printf "%s", buf}')
	expect_two_dso_frames "$bt"
	expect "$bt" '#2 .*main \(\) at [^ ]*main\.c:5' "$how: gdb-multiarch backtrace"
	expect_not "$bt" '^#[0-9]+ +0x[0-9a-f]+ in \?\? \(\)$' "$how: an unnamed frame"

	# qemu's own core of the same crash: same registers, same biases.
	want=$(regs "$WORK/s/qemu.core.$how")
	[ "$(wc -l <<<"$want")" = 4 ] || fail "$how: gdb-multiarch read no registers from qemu's core: $want"
	got=$(regs "$core")
	[ "$got" = "$want" ] || fail "$how: registers in the CFRT_CORE core
$got
qemu's core says
$want"
	want=$(biases "$WORK/s/qemu.core.$how")
	got=$(biases "$core")
	[ "$got" = "$want" ] || fail "$how: module biases in the CFRT_CORE core
$got
qemu's core says
$want"
	note "$how: pc sp x29 x30 and $(wc -l <<<"$got") module biases as in qemu's own core"
done

# Every thread, the faulting one first.
cfrt_core cfrt.core.threads ./threads
n=$(readelf -n "$WORK/s/cfrt.core.threads" | grep -c NT_PRSTATUS)
[ "$n" = 4 ] || fail "threads: $n NT_PRSTATUS notes, want 4"
json=$("$COREFIX" backtrace --json "$WORK/s/cfrt.core.threads" 2>/dev/null)
expect_bt_json "$json" "crash_here libb.c:4" "a_calls_b liba.c:5" "crasher threads.c:19"
[ "$(jq -r '.threads[0].frames[0].function' <<<"$json")" = crash_here ] || fail "threads: the faulting thread is not first"

# The .so program run as a command (a KM-style payload), and abort.
cfrt_core cfrt.core.so "$LD" ./prog.so
expect_bt_json "$("$COREFIX" backtrace --json "$WORK/s/cfrt.core.so" 2>/dev/null)" \
	"crash_here libb.c:4" "a_calls_b liba.c:5" "main main.c:5"
cfrt_core cfrt.core.abort ./abort
out=$("$COREFIX" backtrace "$WORK/s/cfrt.core.abort" 2>&1)
expect "$out" 'SIGABRT' "abort: corefix backtrace"
expect "$out" 'give_up \(abort\+0x[0-9a-f]+\)  [^ ]*abort\.c:7' "abort: corefix backtrace"
expect "$out" 'main \(abort\+0x[0-9a-f]+\)  [^ ]*abort\.c:12' "abort: corefix backtrace"
note "threads, prog.so as a command and abort: symbolized"
exit 0
