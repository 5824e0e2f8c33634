#!/bin/bash
# bench/startup.sh CFRT-CC WORKDIR [DSOS] [RUNS]
# Start-up of a program linked against DSOS shared libraries (default 50)
# under our loader (libcfrt.so), musl's and glibc's, side by side in one
# run: RUNS runs each (default 300), best of 3 rounds, mean per start.
set -eu
cfrtcc=$1 work=$2 n=${3:-50} runs=${4:-300}
rm -rf "$work"
for kind in glibc musl cfrt; do mkdir -p "$work/$kind"; done
for i in $(seq 0 $((n - 1))); do
	printf 'int f%d(int x) { return x + %d; }\n' "$i" "$i" >"$work/lib$i.c"
done
{
	for i in $(seq 0 $((n - 1))); do printf 'int f%d(int);\n' "$i"; done
	printf 'int main(void) { int s = 0;\n'
	for i in $(seq 0 $((n - 1))); do printf 's += f%d(1);\n' "$i"; done
	printf 'return s == %d ? 0 : 1; }\n' $((n + n * (n - 1) / 2))
} >"$work/main.c"
build() { # kind compiler
	local kind=$1 cc=$2 libs=()
	for i in $(seq 0 $((n - 1))); do
		$cc -O2 -shared -fPIC -o "$work/$kind/lib$i.so" "$work/lib$i.c"
		libs+=("$work/$kind/lib$i.so")
	done
	$cc -O2 -o "$work/$kind/prog" "$work/main.c" "${libs[@]}" -Wl,-rpath,"$work/$kind"
}
build glibc gcc
build musl musl-gcc
build cfrt "$cfrtcc"
for kind in glibc musl cfrt; do
	"$work/$kind/prog" || { echo "$kind program failed"; exit 1; }
done
time_runs() { # prints mean microseconds per run, best of 3
	local best=0
	for _ in 1 2 3; do
		local t0 t1
		t0=$(date +%s%N)
		for _ in $(seq "$runs"); do "$@"; done
		t1=$(date +%s%N)
		local us=$(((t1 - t0) / runs / 1000))
		if [ "$best" = 0 ] || [ "$us" -lt "$best" ]; then best=$us; fi
	done
	echo "$best"
}
c=$(time_runs "$work/cfrt/prog")
m=$(time_runs "$work/musl/prog")
g=$(time_runs "$work/glibc/prog")
echo "start-up of a program with $n DSOs, mean of $runs runs (best of 3 rounds)"
printf '%-18s %12s %14s\n' loader "µs per start" "ratio to cfrt"
awk -v c="$c" -v m="$m" -v g="$g" 'BEGIN {
	printf "%-18s %12d %13.2fx\n", "cfrt (libcfrt.so)", c, 1
	printf "%-18s %12d %13.2fx\n", "musl", m, m / c
	printf "%-18s %12d %13.2fx\n", "glibc", g, g / c }'
