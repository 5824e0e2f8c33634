#!/bin/bash
# corefix backtrace without gdb, through both unwinders, on the crash
# corpus: glibc ld.so as a command, four threads, a dlopen'ed plugin, musl's
# loader with a .so program, a KM-layout core, C++. Both unwinders must
# give the same frames; the crashing thread's must carry names and lines.
. "$(dirname "$0")/../lib.sh"
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
MUSL=$(readlink -f /lib/ld-musl-x86_64.so.1)
copy_set glibc "$WORK/g"
copy_set musl "$WORK/m"
ln -s "$MUSL" "$WORK/m/libc.so"
declare -A cores
make_core "$WORK/g" "$LDSO" ./prog && mv "$WORK/g/core" "$WORK/g/core.ldso"
make_core "$WORK/g" "$LDSO" ./threads && mv "$WORK/g/core" "$WORK/g/core.threads"
make_core "$WORK/g" "$LDSO" ./dlopen ./plugin.so && mv "$WORK/g/core" "$WORK/g/core.dlopen"
make_core "$WORK/g" ./cxx && mv "$WORK/g/core" "$WORK/g/core.cxx"
make_core "$WORK/m" ./libc.so ./prog.so && mv "$WORK/m/core" "$WORK/m/core.musl"
"$MKCORE" km "$WORK/m/core.musl" "$WORK/m/core.km" "$MUSL" libc.so || fail "mkcore"

frames() { jq -c '[.threads[] | {tid, pcs: [.frames[].pc], fns: [.frames[].function]}]' "$1"; }
for core in "$WORK/g/core.ldso" "$WORK/g/core.threads" "$WORK/g/core.dlopen" "$WORK/g/core.cxx" \
	"$WORK/m/core.musl" "$WORK/m/core.km"; do
	"$COREFIX" backtrace --json "$core" >"$WORK/dwfl.json" 2>"$WORK/err" || fail "$core: dwfl exit $?: $(cat "$WORK/err")"
	"$COREFIX" backtrace --json --unwinder=libunwind "$core" >"$WORK/lu.json" 2>"$WORK/err" ||
		fail "$core: libunwind exit $?: $(cat "$WORK/err")"
	[ "$(frames "$WORK/dwfl.json")" = "$(frames "$WORK/lu.json")" ] || fail "$core: unwinders differ:
dwfl:      $(frames "$WORK/dwfl.json")
libunwind: $(frames "$WORK/lu.json")"
	n=$(jq '[.threads[] | select(.crashed) | .frames[]] | length' "$WORK/dwfl.json")
	[ "$n" -ge 3 ] || fail "$core: only $n frames on the crashing thread"
	note "$(basename "$core"): $(jq '.threads | length' "$WORK/dwfl.json") threads, same frames from both unwinders"
done

crashed() { jq -r '.threads[] | select(.crashed) | .frames[] | "\(.function) \(.file // "-" | split("/") | last):\(.line)"' "$1"; }
for core in "$WORK/g/core.ldso" "$WORK/m/core.musl" "$WORK/m/core.km" "$WORK/g/core.threads"; do
	"$COREFIX" backtrace --json "$core" >"$WORK/bt.json" 2>/dev/null
	f=$(crashed "$WORK/bt.json")
	expect "$f" '^crash_here libb\.c:4$' "$core"
	expect "$f" '^a_calls_b liba\.c:5$' "$core"
done
expect "$(crashed "$WORK/bt.json")" '^crasher threads\.c:19$' "threads"
# The crashing thread is not the first one the program made.
"$COREFIX" backtrace --json "$WORK/g/core.threads" >"$WORK/bt.json"
main_tid=$(jq '[.threads[].tid] | min' "$WORK/bt.json")
[ "$(jq '.crashed_thread' "$WORK/bt.json")" != "$main_tid" ] || fail "crashed thread should not be the main thread"
[ "$(jq -r '.threads[0].crashed' "$WORK/bt.json")" = true ] || fail "the crashing thread must come first"
"$COREFIX" backtrace --json "$WORK/g/core.dlopen" >"$WORK/bt.json"
# For a loader run as a command the program and its arguments are the real program's.
[ "$(jq -r .program "$WORK/bt.json")" = "$WORK/g/dlopen" ] || fail "program: $(jq -r .program "$WORK/bt.json")"
expect "$(jq -r .args "$WORK/bt.json")" '^\./dlopen \./plugin\.so *$' "args"
expect "$(crashed "$WORK/bt.json")" '^plugin_crash plugin\.c:4$' "dlopen"
exit 0
