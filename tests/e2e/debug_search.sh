#!/bin/bash
# corefix looks for a module's separate debug file where libdwfl's search
# would, before asking libdwfl (debugfind.c): every place that search takes
# must still be found — by .gnu_debuglink beside the file, in its .debug/
# folder, under --debug-dir DIR followed by the file's folder (the
# /usr/lib/debug layout) — and with nothing to find and DEBUGINFOD_URLS
# unset, libdebuginfod (and its two dozen libraries) is never loaded.
. "$(dirname "$0")/../lib.sh"
need_cmd strace objcopy strip
copy_set glibc "$WORK/g"
make_core "$WORK/g" ./prog
G=$WORK/g
objcopy --only-keep-debug "$G/liba.so" "$WORK/liba.so.dbg"
strip -g "$G/liba.so"
objcopy --add-gnu-debuglink="$WORK/liba.so.dbg" "$G/liba.so"
frame1() { "$COREFIX" backtrace --no-cache "$@" "$G/core" 2>/dev/null | grep -E '^#1 '; }
want='a_calls_b \(liba\.so\+0x[0-9a-f]+\)  liba\.c:5'
expect_not "$(frame1)" 'liba\.c' "no debug file anywhere"

cp "$WORK/liba.so.dbg" "$G/"
expect "$(frame1)" "$want" "debuglink beside the file"
rm "$G/liba.so.dbg"
mkdir -p "$G/.debug"
cp "$WORK/liba.so.dbg" "$G/.debug/"
expect "$(frame1)" "$want" "debuglink in .debug/"
rm -r "$G/.debug"
# DIR + the library's own folder, and DIR + a tail of it.
mkdir -p "$WORK/dd$G" "$WORK/tail/$(basename "$G")"
cp "$WORK/liba.so.dbg" "$WORK/dd$G/"
expect "$(frame1 --debug-dir "$WORK/dd")" "$want" "--debug-dir DIR/<folder>/"
rm -r "$WORK/dd"
cp "$WORK/liba.so.dbg" "$WORK/tail/$(basename "$G")/"
expect "$(frame1 --debug-dir "$WORK/tail")" "$want" "--debug-dir DIR/<tail of folder>/"

# Nothing to find for the stripped libraries: libdebuginfod stays unloaded.
strip -g "$G/libb.so"
# LeakSanitizer cannot run under ptrace: leaks are checked by every other run.
opened=$(ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	strace -f -e trace=openat -o "$WORK/strace" "$COREFIX" backtrace --no-cache "$G/core" >/dev/null 2>&1;
	grep -c 'libdebuginfod\.so' "$WORK/strace")
[ "$opened" = 0 ] || fail "libdebuginfod was loaded with DEBUGINFOD_URLS unset: $(grep libdebuginfod "$WORK/strace")"
exit 0
