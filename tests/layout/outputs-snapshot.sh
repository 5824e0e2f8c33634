#!/bin/sh
# Every command's output on a fixed set of cores, into one folder, so two
# builds (before and after a restructuring) can be compared with diff -r.
# Only what differs from run to run is normalized: the output folder and
# the cache folder become <OUT> and <CACHE>.
#
#   tests/layout/outputs-snapshot.sh COREFIX CORES_DIR OUT_DIR
#
# CORES_DIR holds the cores (ELF cores, and compressed ones: .zst .xz .lz4
# .gz .bz2); copy them there once (e.g. from build/testtmp) so both runs
# read the very same bytes.
set -u
cf=$1 cores=$2 out=$3
case $cf in /*) ;; *) cf=$PWD/$cf ;; esac
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
unset DEBUGINFOD_URLS
export XDG_CACHE_HOME="$cache" HOME="$cache" LC_ALL=C

norm() {
	sed -e "s|$out|<OUT>|g" -e "s|$cache|<CACHE>|g"
}

# run NAME CMD...: stdout, stderr and the exit status of one command.
run() {
	name=$1
	shift
	"$@" >"$out/$name.out" 2>"$out/$name.err" </dev/null
	echo $? >"$out/$name.rc"
	for f in "$out/$name.out" "$out/$name.err"; do
		norm <"$f" >"$f.n" && mv "$f.n" "$f"
	done
}

find "$cores" -type f | sort | while read -r c; do
	key=$(printf '%s' "${c#"$cores"/}" | tr '/ ' '__')
	run "$key.modules" "$cf" modules "$c"
	run "$key.modules-json" "$cf" modules --json "$c"
	run "$key.explain" "$cf" explain "$c"
	run "$key.gdb" "$cf" gdb "$c"
	run "$key.lldb" "$cf" lldb "$c"
	run "$key.backtrace" "$cf" backtrace "$c"
	run "$key.backtrace-json" "$cf" backtrace --json "$c"
	run "$key.backtrace-libunwind-json" "$cf" backtrace --json --unwinder=libunwind "$c"
	run "$key.rewrite-dry-json" "$cf" rewrite --dry-run --json "$c" -o "$out/rewritten"
	run "$key.rewrite-dry" "$cf" rewrite --dry-run "$c" -o "$out/rewritten"
	run "$key.bundle" "$cf" bundle -q "$c" -o "$out/b.tar.zst"
	if [ -f "$out/b.tar.zst" ]; then
		tar --zstd -tf "$out/b.tar.zst" >"$out/$key.bundle-list" 2>&1
		tar --zstd -xOf "$out/b.tar.zst" manifest.json 2>&1 | norm >"$out/$key.bundle-manifest"
		rm -f "$out/b.tar.zst"
	fi
done
run triage "$cf" triage "$cores"
run triage-json "$cf" triage --json "$cores"
run triage-markdown "$cf" triage --markdown "$cores"
exit 0
