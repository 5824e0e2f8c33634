#!/bin/bash
# bench/rewrite.sh COREFIX WORKDIR [SIZE]
# A loader-as-command core grown to SIZE (default 16G) with a hole, as
# cores of big sparse processes are: `corefix rewrite` against
# `cp --reflink=auto --sparse=always`, side by side, best of 3.
set -eu
corefix=$1 work=$2 size=${3:-16G}
here=$(cd "$(dirname "$0")" && pwd)
build=$(dirname "$(dirname "$corefix")")
rm -rf "$work"
mkdir -p "$work"
cp -a "$build/samples/cfrt/." "$work/"
"$here/../tests/make-core.sh" "$work" "$build/lib/libcfrt.so" ./prog 2>/dev/null
truncate -s "$size" "$work/core"
echo "core: $(du -h --apparent-size "$work/core" | cut -f1) apparent, $(du -h "$work/core" | cut -f1) on disk"
best() { # best wall seconds of 3 runs of CMD
	local b=999999 t0 t1 s
	for _ in 1 2 3; do
		rm -f "$work/out"
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		s=$(((t1 - t0) / 1000))
		[ "$s" -lt "$b" ] && b=$s
	done
	echo "$b"
}
r=$(best "$corefix" rewrite -q "$work/core" -o "$work/out")
"$corefix" rewrite -q "$work/core" -o "$work/out"
echo "rewritten: $(du -h --apparent-size "$work/out" | cut -f1) apparent, $(du -h "$work/out" | cut -f1) on disk"
c=$(best cp --reflink=auto --sparse=always "$work/core" "$work/out")
printf '%-40s %12s\n' command "µs (best of 3)"
printf '%-40s %12d\n' "corefix rewrite" "$r" "cp --reflink=auto --sparse=always" "$c"
awk -v r="$r" -v c="$c" 'BEGIN { printf "ratio rewrite/cp: %.2f\n", r / c }'
