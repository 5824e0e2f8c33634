#!/bin/bash
# bench/speed.sh COREFIX WORKDIR [NCORES] — issue 11's targets in one run.
# Builds its own inputs (a 500-DSO program's core at 1 GiB and at 8 GiB
# sparse, a 1000-thread core, NCORES cores (default 120) of a C++ service
# with four bugs), then times corefix beside eu-readelf, eu-unstrip,
# eu-stack and gdb on the same inputs in the same run, and prints one
# table: best wall time, peak RSS (/usr/bin/time %M), and how many times
# faster corefix is (the other tool's time over corefix's).
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
# best ROUNDS REPS CMD...: the best mean wall time of REPS runs, in
# seconds; a command slower than 5 s is run once.
best() {
	local rounds=$1 reps=$2 b='' s e t
	shift 2
	for _ in $(seq "$rounds"); do
		s=$(date +%s%N)
		for _ in $(seq "$reps"); do "$@" >/dev/null 2>&1 || true; done
		e=$(date +%s%N)
		t=$(((e - s) / reps))
		if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
		[ "$t" -lt 5000000000 ] || break
	done
	awk -v t="$b" 'BEGIN { printf "%.6f", t / 1e9 }'
}
rss() { # peak RSS in MiB of one run of CMD
	/usr/bin/time -o "$work/rss" -f %M "$@" >/dev/null 2>&1 || true
	# The last line: before it, time notes a non-zero exit status.
	awk 'END { printf "%.1f", $1 / 1024 }' "$work/rss"
}
rows=()
ref_t=0
# row TASK TOOL TARGET ROUNDS REPS CMD...: the first row of a task is
# corefix, the reference; TARGET is the speed-up the issue asks for.
row() {
	local task=$1 tool=$2 target=$3 rounds=$4 reps=$5 t m
	shift 5
	say "$task: $tool"
	t=$(best "$rounds" "$reps" "$@")
	m=$(rss "$@")
	case $tool in corefix*) ref_t=$t ;; esac
	rows+=("$(awk -v a="$task" -v b="$tool" -v t="$t" -v m="$m" -v r="$ref_t" -v g="$target" 'BEGIN {
		x = r > 0 ? t / r : 0
		met = g == "" ? "" : (x >= g + 0 ? "yes" : "NO")
		printf "%-24s %-34s %10.4f %9s %9.2fx %7s %4s", a, b, t, m, x, (g == "" ? "" : ">=" g), met }')")
}

cd "$work"
row "start-up" "corefix --version" "" 3 300 "$corefix" --version
row "start-up" "eu-readelf --version" 0.77 3 300 eu-readelf --version
for g in 1 8; do
	core=dsos/core-${g}g
	row "modules, 500 DSOs, ${g} GiB" "corefix modules" "" 3 10 "$corefix" modules -q "$core"
	"$corefix" modules --json "$core" | jq -r '.modules[].path // empty' >"$work/paths"
	row "modules, 500 DSOs, ${g} GiB" "floor: open+pread+close each" "" 3 10 sh -c "./floor <$work/paths"
	row "modules, 500 DSOs, ${g} GiB" "eu-unstrip -n --core" 10 3 1 eu-unstrip -n --core "$core"
	row "modules, 500 DSOs, ${g} GiB" "gdb info sharedlibrary" 50 2 1 gdb -batch -nx -ex 'info sharedlibrary' dsos/prog "$core"
done
row "backtrace, 1000 threads" "corefix backtrace" "" 3 1 "$corefix" backtrace -q mt/core
# Plain eu-stack here: with -s -i it takes over a minute a run.
row "backtrace, 1000 threads" "eu-stack" "" 3 1 eu-stack --core mt/core
row "backtrace, 1000 threads" "gdb thread apply all bt" "" 3 1 gdb -batch -nx -ex 'thread apply all bt' mt/manythreads mt/core
one=svc/cores/core.001
row "one C++ core" "corefix backtrace" "" 5 1 "$corefix" backtrace -q "$one"
row "one C++ core" "eu-stack -s -i" 1.5 5 1 eu-stack -s -i --core "$one"
row "one C++ core" "gdb thread apply all bt" "" 3 1 gdb -batch -nx -ex 'thread apply all bt' svc/service "$one"
row "triage, $ncores C++ cores" "corefix triage" "" 3 1 "$corefix" triage -q svc/cores
row "triage, $ncores C++ cores" "loop of eu-stack -s -i --core" 10 1 1 \
	sh -c 'for c in svc/cores/*; do eu-stack -s -i --core "$c"; done'
groups=$("$corefix" triage -q --json svc/cores | jq '.groups | length')

echo
echo "corefix $("$corefix" --version | cut -d' ' -f2), $(nproc) CPUs; times are the best of the rounds"
printf '%-24s %-34s %10s %9s %10s %7s %4s\n' task tool seconds "peak MiB" "vs corefix" target met
for r in "${rows[@]}"; do echo "$r"; done
echo "triage found $groups groups in $ncores cores (the service has 4 bugs)"
