#!/bin/bash
# Crash facts and the hard frames: abort() through libc, assert()'s message,
# C++ names and inlining, a smashed stack, --expect-frame, and the JSON
# schema (validated with a JSON Schema validator, which must also refuse
# a wrong document).
. "$(dirname "$0")/../lib.sh"
copy_set glibc "$WORK/g"
for p in abort assert cxx smash; do
	make_core "$WORK/g" "./$p"
	mv "$WORK/g/core" "$WORK/g/core.$p"
done
bt() { "$COREFIX" backtrace "$@"; }

out=$(bt "$WORK/g/core.abort") || fail "abort: exit $?"
expect "$out" '^Thread 1 \(LWP [0-9]+\) — SIGABRT .*<- crashed'
expect "$out" '#[0-9]+ +0x[0-9a-f]+  (__GI_)?abort \(libc\.so\.6\+0x[0-9a-f]+\)'
expect "$out" 'give_up \(abort\+0x[0-9a-f]+\)  abort\.c:7'
bt --expect-frame give_up "$WORK/g/core.abort" >/dev/null || fail "--expect-frame give_up: exit $?"
bt --expect-frame 'give_*' "$WORK/g/core.abort" >/dev/null || fail "--expect-frame glob"
bt --expect-frame not_there "$WORK/g/core.abort" >/dev/null 2>&1 && fail "--expect-frame not_there must fail"

out=$(bt "$WORK/g/core.assert")
expect "$out" "abort message: assert: .*assert\.c:7: check_positive: Assertion \`v > 0 && \"value must be positive\"' failed\."

json=$(bt --json "$WORK/g/core.cxx")
f0=$(jq -c '.threads[0].frames[0] | {function, file: (.file | split("/") | last), line, inlined: [.inlined[] | {function, line}]}' <<<"$json")
[ "$f0" = '{"function":"shapes::Square::area() const","file":"cxx.cpp","line":17,"inlined":[{"function":"load","line":11}]}' ] ||
	fail "C++ frame: $f0"
expect "$(bt "$WORK/g/core.cxx")" 'shapes::Square::area\(\) const \(cxx\+0x[0-9a-f]+\)  cxx\.cpp:17   \[inlined: load cxx\.cpp:11\]'

json=$(timeout 20 "$COREFIX" backtrace --json "$WORK/g/core.smash")
rc=$?
[ $rc -le 1 ] || fail "smashed stack: exit $rc"
[ "$(jq -r '.threads[0].frames[0].function' <<<"$json")" = smash ] || fail "smashed stack: frame 0 is not smash"
n=$(jq '.threads[0].frames | length' <<<"$json")
[ "$n" -le 4 ] || fail "smashed stack: $n frames from garbage"
[ "$(jq -r '.threads[0].stopped' <<<"$json")" != null ] || fail "smashed stack: the stop reason must be marked"
for u in dwfl libunwind; do
	"$COREFIX" backtrace --json --unwinder=$u --max-frames 2 "$WORK/g/core.abort" >"$WORK/cap.json"
	[ "$(jq '.threads[0].frames | length' "$WORK/cap.json")" = 2 ] || fail "--max-frames 2 ($u)"
	expect "$(jq -r '.threads[0].stopped' "$WORK/cap.json")" 'max-frames' "stop reason ($u)"
done

VALIDATE=/usr/bin/jsonschema
[ -x $VALIDATE ] || VALIDATE=jsonschema
SCHEMA="$(dirname "$0")/../../corefix/schema/backtrace-1.json"
for p in abort assert cxx smash; do
	bt --json "$WORK/g/core.$p" >"$WORK/$p.json"
	$VALIDATE -i "$WORK/$p.json" "$SCHEMA" 2>/dev/null || fail "$p: JSON does not match the schema"
done
jq '.threads[0].frames[0].pc = 12' "$WORK/abort.json" >"$WORK/wrong.json"
$VALIDATE -i "$WORK/wrong.json" "$SCHEMA" >/dev/null 2>&1 && fail "the validator accepts a wrong document"
keys=$(jq -c 'keys_unsorted' "$WORK/abort.json")
[ "$keys" = '["schema","core","unwinder","program","args","loader_as_command","signal","crashed_thread","abort_message","threads","compression","coredump"]' ] ||
	fail "key order changed: $keys"
exit 0
