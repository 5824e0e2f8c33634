#!/bin/bash
# New versus known: a baseline from the C++ service's cores of three of its
# bugs, then cores of all four → exactly one new group (the fourth bug),
# marked in every format, exit 4 under --fail-on-new. A baseline that
# cannot be used is an error (exit 2), never "everything is new".
. "$(dirname "$0")/../lib.sh"
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$WORK/svc"
c++ -g -O2 -o "$WORK/svc/service" "$src/../bench/service.cpp" -pthread || fail "cannot build the service"
i=0
for b in 0 1 2 3 0 1 2 3; do
	i=$((i + 1))
	make_core "$WORK/svc" ./service $b
	mkdir -p "$WORK/all/$i"
	cp "$WORK/svc/core" "$WORK/all/$i/core"
	# The earlier run saw bugs 0, 1 and 2 only.
	if [ $b != 3 ]; then mkdir -p "$WORK/old/$i" && mv "$WORK/svc/core" "$WORK/old/$i/core"; fi
done
"$COREFIX" triage --json "$WORK/old" >"$WORK/base.json" || fail "baseline run exit $?"
[ "$(jq '.groups | length' "$WORK/base.json")" = 3 ] || fail "want 3 groups in the baseline: $(cat "$WORK/base.json")"
[ "$(jq -r .schema "$WORK/base.json")" = corefix/triage/2 ] || fail "schema: $(jq -r .schema "$WORK/base.json")"

json=$("$COREFIX" triage --json --baseline "$WORK/base.json" "$WORK/all") || fail "triage --baseline exit $?"
VALIDATE=/usr/bin/jsonschema
[ -x $VALIDATE ] || VALIDATE=jsonschema
echo "$json" >"$WORK/new.json"
for f in base new; do
	$VALIDATE -i "$WORK/$f.json" "$src/../corefix/schema/triage-2.json" || fail "$f.json does not match the schema"
done
[ "$(jq -c '[.groups[].known]' <<<"$json")" = '[false,true,true,true]' ] || fail "want the new group first, then 3 known: $json"
[ "$(jq -r '.groups[0].class' <<<"$json")" = assertion ] || fail "the new group is the assertion: $json"
[ "$(jq -r '.groups[0].count' <<<"$json")" = 2 ] || fail "the new group has 2 cores: $json"
"$COREFIX" triage -q --json --baseline "$WORK/base.json" --fail-on-new "$WORK/all" >/dev/null; rc=$?
[ $rc = 4 ] || fail "--fail-on-new with a new group: want exit 4, got $rc"
"$COREFIX" triage -q --baseline "$WORK/base.json" --fail-on-new "$WORK/old" >/dev/null; rc=$?
[ $rc = 0 ] || fail "--fail-on-new, nothing new: want exit 0, got $rc"
# Without a baseline nothing is known or new.
[ "$(jq -c '[.groups[].known] | unique' <<<"$("$COREFIX" triage --json "$WORK/all")")" = '[null]' ] || fail "known without a baseline"

md=$("$COREFIX" triage --markdown --baseline "$WORK/base.json" "$WORK/all")
note "$md"
expect "$md" '^### corefix triage: 8 cores, 4 distinct crashes, 1 new$'
expect "$md" '^\| New \| Count \| Class \| Signal \| Top frames \| Evidence \| First core \|$'
# New groups first, marked; the others known.
[ "$(grep -c '^| known |' <<<"$md")" = 3 ] || fail "want 3 known rows"
expect "$(grep '^| \*\*NEW\*\*\|^| known' <<<"$md" | head -1)" '^\| \*\*NEW\*\* \| 2 \| assertion \| SIGABRT \|' "first row"
table=$("$COREFIX" triage --baseline "$WORK/base.json" "$WORK/all")
expect "$table" '^NEW +2  assertion +SIGABRT '
[ "$(grep -c '^known ' <<<"$table")" = 3 ] || fail "want 3 known lines: $table"

# A hand-kept list of signatures, and a --merge report, are baselines too.
{ echo "# known crashes"; jq -r '.groups[].signature' "$WORK/base.json"; echo; } >"$WORK/known.txt"
"$COREFIX" triage -q --baseline "$WORK/known.txt" --fail-on-new "$WORK/all" >/dev/null; rc=$?
[ $rc = 4 ] || fail "text baseline: want exit 4, got $rc"
[ "$(jq -c '[.groups[].known]' <<<"$("$COREFIX" triage --json --baseline "$WORK/known.txt" "$WORK/all")")" = '[false,true,true,true]' ] ||
	fail "text baseline marks"
"$COREFIX" triage --merge --json "$WORK/base.json" "$WORK/base.json" >"$WORK/merged.json" || fail "merge exit $?"
"$COREFIX" triage -q --baseline "$WORK/merged.json" --fail-on-new "$WORK/all" >/dev/null; rc=$?
[ $rc = 4 ] || fail "merged baseline: want exit 4, got $rc"
"$COREFIX" triage --merge --json --baseline "$WORK/known.txt" "$WORK/base.json" >"$WORK/m2.json" || fail "merge --baseline exit $?"
[ "$(jq -c '[.groups[].known] | unique' "$WORK/m2.json")" = '[true]' ] || fail "merge --baseline: $(cat "$WORK/m2.json")"
# A report from before crash classes (schema corefix/triage/1) still names signatures.
jq '.schema = "corefix/triage/1"' "$WORK/base.json" >"$WORK/v1.json"
"$COREFIX" triage -q --baseline "$WORK/v1.json" --fail-on-new "$WORK/old" >/dev/null; rc=$?
[ $rc = 0 ] || fail "triage/1 baseline: want exit 0, got $rc"

# Unusable baselines: exit 2 and one line saying why, no report.
jq '.schema = "corefix/backtrace/1"' "$WORK/base.json" >"$WORK/other.json"
printf 'main\nsome words\n' >"$WORK/words.txt"
printf 'SIGSEGV | main\n\001\002\n' >"$WORK/binary.txt"
head -c 200 "$WORK/base.json" >"$WORK/cut.json"
for b in "$WORK/missing.json" "$WORK/other.json" "$WORK/words.txt" "$WORK/binary.txt" "$WORK/cut.json" "$WORK"; do
	out=$("$COREFIX" triage --baseline "$b" --fail-on-new "$WORK/all" 2>"$WORK/err"); rc=$?
	[ $rc = 2 ] || fail "baseline $b: want exit 2, got $rc"
	[ -z "$out" ] || fail "baseline $b: a report was printed: $out"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "baseline $b: want one line: $(cat "$WORK/err")"
	expect "$(cat "$WORK/err")" '^corefix: triage --baseline: ' "baseline $b"
done

# When several exit reasons apply: a new group (4) before an unreadable core (1).
mkdir -p "$WORK/all/broken"
head -c 100 "$WORK/all/1/core" >"$WORK/all/broken/core"
"$COREFIX" triage -q --baseline "$WORK/base.json" --fail-on-new "$WORK/all" >/dev/null; rc=$?
[ $rc = 4 ] || fail "new group and an unreadable core: want exit 4, got $rc"
"$COREFIX" triage -q --baseline "$WORK/base.json" "$WORK/all" >/dev/null; rc=$?
[ $rc = 1 ] || fail "unreadable core without --fail-on-new: want exit 1, got $rc"
exit 0
