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
notes_end=$(readelf -lW "$core" | awk '$1 == "NOTE" {print strtonum($2) + strtonum($5)}')
# Cut at many points: inside the headers, inside the notes, in memory.
for cut in 64 200 $((notes_end / 2)) $((notes_end - 7)) $notes_end $((size / 2)) $((size - 4096)); do
	head -c "$cut" "$core" >"$WORK/cut"
	out=$("$COREFIX" modules --json "$WORK/cut" 2>"$WORK/cut.err")
	rc=$?
	[ $rc -eq 1 ] || [ $rc -eq 2 ] || fail "cut at $cut: exit $rc"
	if [ $rc -eq 2 ]; then
		[ "$(wc -l <"$WORK/cut.err")" -eq 1 ] || fail "cut at $cut: exit 2 wants one line: $(cat "$WORK/cut.err")"
	else
		jq -e . <<<"$out" >/dev/null || fail "cut at $cut: invalid JSON"
		expect "$(cat "$WORK/cut.err")" 'truncated' "stderr (cut at $cut)"
	fi
	if [ "$cut" -ge "$notes_end" ]; then
		[ "$(jq -r '.modules[].name' <<<"$out" | sort)" = "$full" ] ||
			fail "cut at $cut: modules differ from the full core's"
	fi
	note "cut at $cut of $size: exit $rc"
done
exit 0
