#!/bin/bash
# Bad input: one line on stderr naming the file, exit 2, never a crash.
# Truncated cores: exit 1 or 2, and a core cut after its notes still lists
# every module its notes name. A FIFO, a device or a socket is refused
# before anything blocks in open(2): every run is under `timeout` so a hang
# fails here instead of stalling ctest.
. "$(dirname "$0")/../lib.sh"
copy_set glibc "$WORK/s"
make_core "$WORK/s" ./prog
core="$WORK/s/core"

check_bad() { # check_bad FILE WANT_REGEX [COMMAND ARGS...]: COMMAND ARGS... FILE
	local file=$1 want=$2 err rc
	shift 2
	err=$(timeout 10 "$COREFIX" "$@" "$file" 2>&1 >/dev/null)
	rc=$?
	[ $rc -ne 124 ] || fail "corefix $* $file: hung (killed after 10 s)"
	[ $rc -eq 2 ] || fail "corefix $* $file: exit $rc, want 2 ($err)"
	[ "$(wc -l <<<"$err")" -eq 1 ] || fail "corefix $* $file: want one line, got: $err"
	expect "$err" "^corefix: .*$want" "stderr for corefix $* $file"
}
printf 'hello\n' >"$WORK/text"
: >"$WORK/empty"
check_bad "$WORK/text" "text: not an ELF file"
check_bad "$WORK/empty" "empty: empty file"
check_bad "$WORK/s/prog" "prog: not a core file"
check_bad "$WORK/nonexistent" "nonexistent: No such file"
check_bad "$WORK" "not a regular file \\(a directory\\)"
check_bad /dev/null "/dev/null: not a regular file \\(a character device\\)"

# Nothing writes into the FIFO: an open(2) that waits for a writer hangs.
mkfifo "$WORK/fifo"
fifo_err="fifo: not a regular file \\(a FIFO\\)$"
check_bad "$WORK/fifo" "$fifo_err"
for cmd in gdb modules "modules --json" explain backtrace "backtrace --json" "rewrite --dry-run" \
	"rewrite -o $WORK/out" "triage" "triage --json"; do
	# shellcheck disable=SC2086
	check_bad "$WORK/fifo" "$fifo_err" $cmd
done
check_bad "$WORK/fifo" "$fifo_err" rewrite --in-place --backup "$WORK/backup"
[ ! -e "$WORK/out" ] && [ ! -e "$WORK/backup" ] || fail "rewrite of a FIFO wrote something"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$WORK/sock" &&
	check_bad "$WORK/sock" "sock: not a regular file \\(a socket\\)$"
# EXE: the same refusal, before the core is read.
for exe in "$WORK/fifo" /dev/null; do
	for cmd in gdb modules backtrace; do
		err=$(timeout 10 "$COREFIX" $cmd "$core" "$exe" 2>&1 >/dev/null)
		rc=$?
		[ $rc -ne 124 ] || fail "corefix $cmd CORE $exe: hung (killed after 10 s)"
		[ $rc -eq 2 ] || fail "corefix $cmd CORE $exe: exit $rc, want 2 ($err)"
		[ "$(wc -l <<<"$err")" -eq 1 ] || fail "corefix $cmd CORE $exe: want one line, got: $err"
		expect "$err" "^corefix: $exe: not a regular file \\(a (FIFO|character device)\\)$" "stderr for EXE $exe"
	done
done
# triage DIR: a FIFO among the cores is not a core; the real one is read.
mkdir -p "$WORK/tri"
cp "$core" "$WORK/tri/core"
mkfifo "$WORK/tri/core.fifo"
ln -s "$WORK/fifo" "$WORK/tri/link.fifo"
out=$(timeout 10 "$COREFIX" triage --json "$WORK/tri" 2>"$WORK/tri.err")
rc=$?
[ $rc -ne 124 ] || fail "triage DIR with a FIFO: hung (killed after 10 s)"
[ $rc -eq 0 ] || fail "triage DIR with a FIFO: exit $rc, want 0 ($(cat "$WORK/tri.err"))"
[ "$(jq '.cores_found' <<<"$out")" = 1 ] || fail "triage DIR with a FIFO: want the one core: $out"
# triage naming a FIFO beside a good core: the FIFO is reported unreadable.
out=$(timeout 10 "$COREFIX" triage --json "$WORK/tri/core" "$WORK/fifo" 2>"$WORK/tri.err")
rc=$?
[ $rc -ne 124 ] || fail "triage CORE FIFO: hung (killed after 10 s)"
[ $rc -eq 1 ] || fail "triage CORE FIFO: exit $rc, want 1 ($(cat "$WORK/tri.err"))"
[ "$(jq -r '.unreadable[0].error' <<<"$out")" = "$WORK/fifo: not a regular file (a FIFO)" ] ||
	fail "triage CORE FIFO: unreadable entry: $out"
# --rules DIR whose rule files are FIFOs: refused, not waited on.
mkdir -p "$WORK/fiforules"
for f in sentinel skip fold; do mkfifo "$WORK/fiforules/$f.rules"; done
check_bad "$WORK/tri/core" "sentinel.rules: .*not a regular file \\(a FIFO\\)" triage --rules "$WORK/fiforules"
head -c 40 "$core" >"$WORK/cut40"
check_bad "$WORK/cut40" "cut40: "
"$COREFIX" >/dev/null 2>&1; [ $? -eq 2 ] || fail "no operand: want exit 2"
"$COREFIX" --bogus x >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad option: want exit 2"
# Options of one command given to another are refused, not ignored.
for bad in "modules --merge" "gdb --markdown" "modules --extract" "gdb --expect-frame main"; do
	# shellcheck disable=SC2086
	err=$("$COREFIX" $bad "$core" 2>&1 >/dev/null)
	[ $? -eq 2 ] || fail "corefix $bad CORE: want exit 2 ($err)"
	expect "$err" "^corefix: [a-z]+ does not take --[a-z-]+ \\(it goes with [a-z, ]+; see corefix --help\\)$" "corefix $bad CORE"
done
"$COREFIX" --help | grep -q '^Exit status' || fail "--help lacks exit status"

full=$("$COREFIX" modules --json "$core" | jq -r '.modules[].name' | sort)
size=$(stat -c %s "$core")
read -r note_off note_size < <(readelf -lW "$core" | awk '$1 == "NOTE" {print $2, $5; exit}')
notes_end=$((note_off + note_size))
[ "$notes_end" -gt 0 ] || fail "no PT_NOTE in $core"
# Where the last segment's bytes end (gcore puts section headers after it).
data_end=0
while read -r off fsz; do
	[ $((off + fsz)) -gt "$data_end" ] && data_end=$((off + fsz))
done < <(readelf -lW "$core" | awk '$1 == "LOAD" || $1 == "NOTE" {print $2, $5}')
# Cut at many points: inside the headers, inside the notes, in memory.
# (gdb's gcore puts the notes last: then "after the notes" is the whole file.)
for cut in 64 200 $((notes_end / 2)) $((notes_end - 7)) $notes_end $((size / 2)) $((size - 4096)); do
	[ "$cut" -lt "$size" ] || continue
	head -c "$cut" "$core" >"$WORK/cut"
	out=$("$COREFIX" modules --json "$WORK/cut" 2>"$WORK/cut.err")
	rc=$?
	if [ "$cut" -ge "$data_end" ]; then
		[ $rc -le 1 ] || fail "cut after all segment data ($cut): exit $rc"
		continue
	fi
	[ $rc -eq 1 ] || [ $rc -eq 2 ] || fail "cut at $cut: exit $rc"
	if [ $rc -eq 2 ]; then
		[ "$(wc -l <"$WORK/cut.err")" -eq 1 ] || fail "cut at $cut: exit 2 wants one line: $(cat "$WORK/cut.err")"
	else
		jq -e . <<<"$out" >/dev/null || fail "cut at $cut: invalid JSON"
		expect "$(cat "$WORK/cut.err")" 'truncated' "stderr (cut at $cut)"
	fi
	if [ "$cut" -ge "$notes_end" ] && [ "$note_off" -lt $((size / 2)) ]; then
		[ "$(jq -r '.modules[].name' <<<"$out" | sort)" = "$full" ] ||
			fail "cut at $cut: modules differ from the full core's"
	fi
	note "cut at $cut of $size: exit $rc"
done
exit 0
