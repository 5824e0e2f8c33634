#!/bin/bash
# bench/speed.sh COREFIX WORKDIR [NCORES] — issues 11 and 19's targets in one run.
# BASELINE=OTHER-COREFIX adds rows of another build (the one before a change)
# to the module, backtrace and triage tasks.
# Builds its own inputs (a 500-DSO program's core at 1 GiB and at 8 GiB
# sparse, a 1000-thread core, NCORES cores (default 120) of a C++ service
# with four bugs), then times corefix beside eu-readelf, eu-unstrip,
# eu-stack and gdb on the same inputs in the same run, and prints one
# table: median wall time, peak RSS (/usr/bin/time %M), and how many times
# faster corefix is (the other tool's time over corefix's), then the
# syscalls of one module listing beside the floor's.
set -eu
corefix=$(readlink -f "$1") work=$2 ncores=${3:-120}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
work=$(cd "$work" && pwd)
log=$work/log
: >"$log"
say() { echo "bench: $*" >&2; }

# --- inputs (kept between runs: delete WORKDIR to rebuild) ---
for g in 1 8; do
	[ -s "$work/dsos/core-${g}g" ] || { say "500-DSO core, $g GiB"; "$here/manydsos.sh" "$work/dsos" 500 "$g" >>"$log" 2>&1; }
done
cc -O2 -o "$work/floor" "$here/floor.c"
if [ ! -s "$work/mt/core" ]; then
	say "1000-thread core"
	mkdir -p "$work/mt"
	cc -g -O0 -fno-omit-frame-pointer -fno-optimize-sibling-calls -o "$work/mt/manythreads" "$here/manythreads.c" -pthread
	"$here/../tests/make-core.sh" "$work/mt" ./manythreads 1000 30 >>"$log" 2>&1 || true
fi
if [ "$(ls "$work/svc/cores" 2>/dev/null | wc -l)" != "$ncores" ]; then
	say "$ncores cores of a C++ service"
	rm -rf "$work/svc"
	mkdir -p "$work/svc/cores"
	c++ -g -O2 -o "$work/svc/service" "$here/service.cpp" -pthread
	for i in $(seq 1 "$ncores"); do
		"$here/../tests/make-core.sh" "$work/svc" ./service $((i % 4)) >>"$log" 2>&1 || true
		mv "$work/svc/core" "$work/svc/cores/core.$(printf %03d "$i")"
	done
fi

# --- measuring ---
# The machine may be shared: the tools of one task are run in turn, round
# after round (A B C A B C …), and each row is the median of its rounds,
# so a burst of load spreads over every tool alike. A command slower than
# 5 s is run in its first round only.
mult() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a * b }'; }
rows=()
# $work/cold/$((cold += 1)): a cache folder no run has used, a first run
# every time, named without a fork.
cold=0
# group TASK ROUNDS REPS [TOOL TARGET CMD]...: CMD is shell text, run with
# eval (no extra process); the first tool is the reference of the ratios,
# TARGET the speed-up the issue asks for ("" for none).
group() {
	local task=$1 rounds=$2 reps=$3 i r s e t
	shift 3
	local tools=() targets=() cmds=() times=()
	while [ $# -gt 0 ]; do tools+=("$1") targets+=("$2") cmds+=("$3") times+=(""); shift 3; done
	for r in $(seq "$rounds"); do
		for i in "${!cmds[@]}"; do
			[ "$r" = 1 ] && say "$task: ${tools[$i]}"
			if [ "$r" -gt 1 ] && [ "${times[$i]%% *}" -ge 5000000000 ]; then continue; fi
			s=$(date +%s%N)
			for _ in $(seq "$reps"); do eval "${cmds[$i]}" >/dev/null 2>&1 || true; done
			e=$(date +%s%N)
			times[i]="${times[$i]}$(((e - s) / reps)) "
		done
	done
	local ref=''
	for i in "${!cmds[@]}"; do
		t=$(tr ' ' '\n' <<<"${times[$i]}" | grep . | sort -n | awk '{ v[NR] = $1 } END { printf "%.6f", v[int((NR + 1) / 2)] / 1e9 }')
		/usr/bin/time -o "$work/rss" -f %M sh -c "${cmds[$i]}" >/dev/null 2>&1 || true
		m=$(awk 'END { printf "%.1f", $1 / 1024 }' "$work/rss")
		[ -n "$ref" ] || ref=$t
		rows+=("$(awk -v a="$task" -v b="${tools[$i]}" -v t="$t" -v m="$m" -v r="$ref" -v g="${targets[$i]}" 'BEGIN {
			x = r > 0 ? t / r : 0
			met = g == "" ? "" : (x >= g + 0 ? "yes" : "NO")
			printf "%-26s %-38s %10.4f %9s %9.2fx %7s %4s", a, b, t, m, x, (g == "" ? "" : ">=" g), met }')")
	done
}
# syscalls CMD...: what strace -c -f counts of one run, in one line.
syscalls() {
	strace -c -f -o "$work/strace" "$@" >/dev/null 2>&1 || true
	awk '$NF ~ /^(openat|newfstatat|pread64|close|statx|read)$/ { c[$NF] = $4; e[$NF] = ($5 ~ /^[0-9]+$/ ? $5 : 0) }
		$NF == "total" { tot = $4 }
		END { printf "openat %d (%d failed), newfstatat %d, pread64 %d, read %d, close %d; %d in all",
			c["openat"], e["openat"], c["newfstatat"], c["pread64"], c["read"], c["close"], tot }' "$work/strace"
}
notes=()

cd "$work"
rm -rf "$work/cold"
base=${BASELINE:-}
group "start-up" 5 300 \
	"corefix --version" "" "$corefix --version" \
	"eu-readelf --version" 0.77 "eu-readelf --version"
for g in 1 8; do
	core=dsos/core-${g}g
	"$corefix" modules --json "$core" | jq -r '.modules[].path // empty' >"$work/paths"
	extra=()
	[ -z "$base" ] || extra=("baseline corefix modules" "" "$base modules -q $core")
	group "modules, 500 DSOs, ${g} GiB" 7 5 \
		"corefix modules" "" "$corefix modules -q $core" \
		"floor: open+pread+close each" 0.33 "./floor <$work/paths" \
		"${extra[@]}" \
		"eu-unstrip -n --core" 10 "eu-unstrip -n --core $core" \
		"gdb info sharedlibrary" 50 "gdb -batch -nx -ex 'info sharedlibrary' dsos/prog $core"
	notes+=("modules ${g} GiB, corefix: $(syscalls "$corefix" modules -q "$core")")
	notes+=("modules ${g} GiB, floor:   $(syscalls sh -c "exec ./floor <$work/paths")")
	[ -z "$base" ] || notes+=("modules ${g} GiB, baseline: $(syscalls "$base" modules -q "$core")")
done
extra=()
[ -z "$base" ] || extra=("baseline corefix backtrace" "" "$base backtrace -q --cache-dir $work/cold/\$((cold += 1)) mt/core")
group "backtrace, 1000 threads" 3 1 \
	"corefix backtrace (empty cache)" "" "$corefix backtrace -q --cache-dir $work/cold/\$((cold += 1)) mt/core" \
	"${extra[@]}" \
	"eu-stack" "" "eu-stack --core mt/core" \
	"gdb thread apply all bt" "" "gdb -batch -nx -ex 'thread apply all bt' mt/manythreads mt/core"
one=svc/cores/core.001
"$corefix" backtrace -q --cache-dir "$work/warm" "$one" >/dev/null 2>&1 || true
extra=()
[ -z "$base" ] || extra=("baseline corefix backtrace" "" "$base backtrace -q $one")
group "one C++ core" 11 1 \
	"corefix backtrace, warm cache" "" "$corefix backtrace -q --cache-dir $work/warm $one" \
	"corefix backtrace, first run" "" "$corefix backtrace -q --cache-dir $work/cold/\$((cold += 1)) $one" \
	"corefix backtrace --no-cache" "" "$corefix backtrace -q --no-cache $one" \
	"${extra[@]}" \
	"eu-stack -s -i" 3 "eu-stack -s -i --core $one" \
	"gdb thread apply all bt" "" "gdb -batch -nx -ex 'thread apply all bt' svc/service $one"
extra=()
[ -z "$base" ] || extra=("baseline corefix triage" "" "$base triage -q --cache-dir $work/cold/\$((cold += 1)) svc/cores")
group "triage, $ncores C++ cores" 3 1 \
	"corefix triage (empty cache)" "" "$corefix triage -q --cache-dir $work/cold/\$((cold += 1)) svc/cores" \
	"${extra[@]}" \
	"loop of eu-stack -s -i --core" 10 "for c in svc/cores/*; do eu-stack -s -i --core \$c; done"
groups=$("$corefix" triage -q --no-cache --json svc/cores | jq '.groups | length')
rm -rf "$work/cold"

echo
echo "corefix $("$corefix" --version | cut -d' ' -f2), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end;"
echo "times are medians of rounds run in turn (A B C A B C ...)"
printf '%-26s %-38s %10s %9s %10s %7s %4s\n' task tool seconds "peak MiB" "vs corefix" target met
for r in "${rows[@]}"; do echo "$r"; done
echo "triage found $groups groups in $ncores cores (the service has 4 bugs)"
echo "syscalls (strace -c -f, one run):"
for n in "${notes[@]}"; do echo "  $n"; done
