#!/bin/bash
# triage --merge: cores split into two shards, each triaged on its own
# (--json), then merged, give exactly the report of one run over all of
# them: the same groups, counts, signatures, frames, first cores and
# unreadable cores. The run over all of them reads with two worker
# processes (8 cores or more), the shards in one: the two ways agree.
. "$(dirname "$0")/../lib.sh"
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
copy_set glibc "$WORK/g"
mkdir -p "$WORK/cores"
i=0
for run in "./prog" "$LDSO ./div0" "./throw" "$LDSO ./prog" "./div0" "./throw other" "./prog" \
	"$LDSO ./throw" "./div0" "./throw other"; do
	i=$((i + 1))
	# shellcheck disable=SC2086
	make_core "$WORK/g" $run
	mv "$WORK/g/core" "$WORK/cores/c$(printf %02d $i).core"
done
head -c 100 "$WORK/cores/c01.core" >"$WORK/cores/c05b.core"  # unreadable, mid-list
mapfile -t all < <(cd "$WORK" && LC_ALL=C ls cores/*.core | LC_ALL=C sort)
[ ${#all[@]} = 11 ] || fail "want 11 cores, have ${#all[@]}"
cd "$WORK" || exit 1
"$COREFIX" triage -q --json cores >whole.json; rc=$?
[ $rc = 1 ] || fail "one unreadable core: want exit 1, got $rc"
"$COREFIX" triage -q --json "${all[@]:0:5}" >a.json
"$COREFIX" triage -q --json "${all[@]:5}" >b.json
"$COREFIX" triage --merge --json a.json b.json >merged.json; rc=$?
[ $rc = 1 ] || fail "merge: want exit 1 (one unreadable core), got $rc"
diff <(jq -S . whole.json) <(jq -S . merged.json) >diff.txt || fail "merged report differs: $(cat diff.txt)"
[ "$(jq '.groups | length' merged.json)" = 4 ] || fail "want 4 groups: $(cat merged.json)"
[ "$(jq -c '[.groups[].count] | add' merged.json)" = 10 ] || fail "want 10 cores in groups"
[ "$(jq -r '.groups[] | select(.signature | test("crash_here")) | .first_core' merged.json)" = cores/c01.core ] ||
	fail "first core of the SIGSEGV group"
# The other renderings merge alike.
diff <("$COREFIX" triage -q cores) <("$COREFIX" triage --merge a.json b.json) >diff.txt ||
	fail "merged table differs: $(cat diff.txt)"
diff <("$COREFIX" triage -q --markdown cores) <("$COREFIX" triage --merge --markdown a.json b.json) >diff.txt ||
	fail "merged markdown differs: $(cat diff.txt)"
# Merging one report gives it back; what is not a report is refused.
diff <(jq -S . whole.json) <("$COREFIX" triage --merge --json whole.json | jq -S .) >/dev/null ||
	fail "merging one report changes it"
echo '{"schema": "something/else"}' >other.json
"$COREFIX" triage --merge a.json other.json >/dev/null 2>err.txt; rc=$?
[ $rc = 2 ] || fail "a foreign JSON file: want exit 2, got $rc"
expect "$(cat err.txt)" 'not the output of corefix triage --json'
exit 0
