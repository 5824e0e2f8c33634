#!/bin/bash
# Every cfrt sample crashes both ways (PT_INTERP and libcfrt.so as a
# command), through the kernel's core and through CFRT_CORE (with cores
# disabled by ulimit, so it is our writer's). corefix + gdb must name every
# frame with file:line; eu-stack must read the CFRT_CORE cores.
. "$(dirname "$0")/../lib.sh"
: "${CFRT_LIB:?}"
LD="$CFRT_LIB/libcfrt.so"
copy_set cfrt "$WORK/s"

check() { # check LABEL CORE FRAME-REGEX...
	local label=$1 core=$2
	shift 2
	corefix_gdb "$core"
	local bt
	# Only the backtrace after every module is loaded counts.
	bt=$(gdb_bt | awk '/^add symbol table/ {buf = ""; next} {buf = buf $0 "\n"} END {printf "%s", buf}')
	for re in "$@"; do
		expect "$bt" "$re" "$label: gdb backtrace"
	done
	expect_not "$bt" '^#[0-9]+ +0x[0-9a-f]+ in \?\? \(\)$' "$label: an unnamed frame"
	local last="${*: -1}"
	"$COREFIX" backtrace --expect-frame "${last%% *}" "$core" >/dev/null 2>&1 ||
		fail "$label: corefix backtrace lacks ${last%% *}"
}

declare -A frames
frames[prog]='crash_here \(p=0x0, v=3\) at [^ ]*libb\.c:4|a_calls_b \(v=1\) at [^ ]*liba\.c:5|main \(\) at [^ ]*main\.c:5'
frames[threads]='crash_here \(p=0x0, v=4\) at [^ ]*libb\.c:4|crasher \(arg=0x0\) at [^ ]*threads\.c:19'
frames[dlopen]='plugin_crash \(p=0x0\) at [^ ]*plugin\.c:4|plugin_entry \(v=1\) at [^ ]*plugin\.c:9|main \(argc=2, .*\) at [^ ]*dlopen\.c:15'
frames[abort]='give_up \(why=1\) at [^ ]*abort\.c:7|main \(\) at [^ ]*abort\.c:12'
frames[div0]='divide \(a=1, b=0\) at [^ ]*div0\.c:4|main \(\) at [^ ]*div0\.c:10'
args_dlopen=./plugin.so

for prog in prog threads dlopen abort div0; do
	IFS='|' read -r -a res <<<"${frames[$prog]}"
	extra=()
	[ $prog = dlopen ] && extra=("$args_dlopen")
	for how in interp command; do
		cmd=("./$prog" "${extra[@]}")
		[ $how = command ] && cmd=("$LD" "./$prog" "${extra[@]}")
		make_core "$WORK/s" "${cmd[@]}"
		mv "$WORK/s/core" "$WORK/s/core.$prog.$how"
		check "$prog/$how/kernel" "$WORK/s/core.$prog.$how" "${res[@]}"
		rm -f "$WORK/s/cfrt.core"
		(cd "$WORK/s" && ulimit -c 0 && CFRT_CORE=cfrt.core "${cmd[@]}") >/dev/null 2>&1
		[ -s "$WORK/s/cfrt.core" ] || fail "$prog/$how: CFRT_CORE wrote no core"
		ls "$WORK/s"/cfrt.core.*.tmp >/dev/null 2>&1 && fail "$prog/$how: a temporary core was left behind"
		mv "$WORK/s/cfrt.core" "$WORK/s/cfrt.core.$prog.$how"
		check "$prog/$how/CFRT_CORE" "$WORK/s/cfrt.core.$prog.$how" "${res[@]}"
		eu-stack --core="$WORK/s/cfrt.core.$prog.$how" >/dev/null 2>"$WORK/eu.err" ||
			grep -q 'no matching address range\|Callback returned failure' "$WORK/eu.err" ||
			fail "$prog/$how: eu-stack cannot read the CFRT_CORE core: $(cat "$WORK/eu.err")"
	done
	note "$prog: kernel and CFRT_CORE cores, both ways, symbolized"
done

# The .so program, as KM runs its payloads.
make_core "$WORK/s" "$LD" ./prog.so
check "prog.so/command" "$WORK/s/core" "${frames[prog]%%|*}" 'main \(\) at [^ ]*main\.c:5'
json=$("$COREFIX" modules --json "$WORK/s/core")
[ "$(jq -r '.modules[] | select(.role == "main") | .name' <<<"$json")" = "$WORK/s/prog.so" ] || fail "prog.so is not the main module"
[ "$(jq -r '.modules[] | select(.role == "loader") | .name' <<<"$json")" = "$LD" ] || fail "libcfrt.so is not the loader"

# CFRT_CORE of a multi-threaded crash holds every thread, the faulting one first.
n=$(readelf -n "$WORK/s/cfrt.core.threads.interp" | grep -c NT_PRSTATUS)
[ "$n" = 4 ] || fail "CFRT_CORE threads: $n NT_PRSTATUS notes, want 4"
first=$("$COREFIX" backtrace --json "$WORK/s/cfrt.core.threads.interp" | jq -r '.threads[0].frames[0].function')
[ "$first" = crash_here ] || fail "CFRT_CORE: the faulting thread is not first ($first)"
exit 0
