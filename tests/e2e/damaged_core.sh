#!/bin/bash
# Damaged cores: a backtrace that cannot be made says why in one line and
# exits 2; nothing leaks on the way out (the ASan run has leak detection on,
# and a leak report changes the exit status this test checks).
. "$(dirname "$0")/../lib.sh"
copy_set glibc "$WORK/s"
make_core "$WORK/s" ./prog
"$MKCORE" drop-prstatus "$WORK/s/core" "$WORK/nothread" || fail "mkcore drop-prstatus failed"
for cmd in "backtrace" "backtrace --json" "backtrace --unwinder=libunwind"; do
	# shellcheck disable=SC2086
	err=$("$COREFIX" $cmd "$WORK/nothread" 2>&1 >/dev/null)
	rc=$?
	[ $rc -eq 2 ] || fail "$cmd on a core without threads: exit $rc, want 2: $err"
	[ "$(wc -l <<<"$err")" -eq 1 ] || fail "$cmd: want one line, got: $err"
	expect "$err" '^corefix: .*nothread: no thread \(NT_PRSTATUS\)' "stderr of $cmd"
done
# Threads whose pid is 0: libdwfl ends its thread walk there (leaking its
# iterator, which the ASan run would report), so they get no registers,
# and the backtrace says it could unwind none, never an empty success.
"$MKCORE" zero-tid "$WORK/s/core" "$WORK/zerotid" || fail "mkcore zero-tid failed"
err=$("$COREFIX" backtrace "$WORK/zerotid" 2>&1 >/dev/null)
rc=$?
[ $rc -eq 2 ] || fail "backtrace of a core with tid 0: exit $rc, want 2: $err"
expect "$err" "^corefix: .*zerotid: no thread could be unwound \\(no registers: " "stderr for tid 0"
# triage reads it as one unreadable core among good ones.
mkdir -p "$WORK/many"
cp "$WORK/nothread" "$WORK/many/core.1"
cp "$WORK/s/core" "$WORK/many/core.2"
out=$("$COREFIX" triage --json "$WORK/many" 2>"$WORK/triage.err")
rc=$?
[ $rc -eq 1 ] || fail "triage with one damaged core: exit $rc, want 1: $(cat "$WORK/triage.err")"
exit 0
