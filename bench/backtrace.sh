#!/bin/bash
# bench/backtrace.sh COREFIX WORKDIR [THREADS] [DEPTH]
# A core of a process with THREADS threads each DEPTH frames deep, unwound
# side by side in one run by `corefix backtrace`, `eu-stack` and
# `gdb -batch -ex 'thread apply all bt'`: wall time and peak RSS, best of 3,
# and the ratios against corefix.
set -eu
corefix=$1 work=$2 threads=${3:-1000} depth=${4:-30}
here=$(cd "$(dirname "$0")" && pwd)
bin=$(dirname "$corefix")/manythreads
mkdir -p "$work"
cp "$bin" "$work/"
"$here/../tests/make-core.sh" "$work" ./manythreads "$threads" "$depth"
core="$work/core"
echo "core: $(du -h --apparent-size "$core" | cut -f1) ($(du -h "$core" | cut -f1) on disk), $threads threads x $depth frames"

measure() { # name cmd... → "seconds kib" best of 3 (by time)
	local best_t=999999 best_m=0 t m
	for _ in 1 2 3; do
		read -r t m < <(/usr/bin/time -f '%e %M' "$@" 2>&1 >/dev/null | tail -1)
		if awk -v a="$t" -v b="$best_t" 'BEGIN{exit !(a < b)}'; then best_t=$t best_m=$m; fi
	done
	echo "$best_t $best_m"
}
cd "$work"
read -r ct cm < <(measure "$corefix" backtrace -q "$core")
read -r et em < <(measure eu-stack --core="$core" --executable=./manythreads)
read -r gt gm < <(measure gdb -batch -nx -ex 'thread apply all bt' ./manythreads "$core")
frames=$("$corefix" backtrace --json "$core" | jq '[.threads[].frames | length] | add')
echo "corefix backtrace found $frames frames"
printf '%-24s %9s %10s %12s %12s\n' tool seconds "peak MiB" "time ratio" "RSS ratio"
row() { awk -v n="$1" -v t="$2" -v m="$3" -v ct="$ct" -v cm="$cm" \
	'BEGIN { printf "%-24s %9.2f %10.1f %11.1fx %11.1fx\n", n, t, m / 1024, (ct > 0 ? t / ct : 0), m / cm }'; }
row "corefix backtrace" "$ct" "$cm"
row "eu-stack" "$et" "$em"
row "gdb thread apply all bt" "$gt" "$gm"
