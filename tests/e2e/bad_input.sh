#!/bin/bash
# Bad input: one line on stderr naming the file, exit 2, never a crash.
# Truncated cores: exit 1 or 2, and a core cut after its notes still lists
# every module its notes name.
. "$(dirname "$0")/../lib.sh"
copy_set glibc "$WORK/s"
make_core "$WORK/s" ./prog
core="$WORK/s/core"

check_bad() { # check_bad FILE WANT_REGEX
	local err rc
	err=$("$COREFIX" "$1" 2>&1 >/dev/null)
	rc=$?
	[ $rc -eq 2 ] || fail "$1: exit $rc, want 2 ($err)"
	[ "$(wc -l <<<"$err")" -eq 1 ] || fail "$1: want one line, got: $err"
	expect "$err" "^corefix: .*$2" "stderr for $1"
}
printf 'hello\n' >"$WORK/text"
: >"$WORK/empty"
check_bad "$WORK/text" "text: not an ELF file"
check_bad "$WORK/empty" "empty: empty file"
check_bad "$WORK/s/prog" "prog: not a core file"
check_bad "$WORK/nonexistent" "nonexistent: No such file"
check_bad "$WORK" "not a regular file"
head -c 40 "$core" >"$WORK/cut40"
check_bad "$WORK/cut40" "cut40: "
"$COREFIX" >/dev/null 2>&1; [ $? -eq 2 ] || fail "no operand: want exit 2"
"$COREFIX" --bogus x >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad option: want exit 2"
"$COREFIX" --help | grep -q '^Exit status:' || fail "--help lacks exit status"

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
