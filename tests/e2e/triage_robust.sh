#!/bin/bash
# No core stops the run: in a folder where one core makes the reader hang
# and another makes it crash (test builds' fault hooks: COREFIX_TEST_HANG,
# COREFIX_TEST_CRASH), both are reported as such and every other core is
# triaged right, on one worker and on two. The hung reader is killed at
# --timeout; a dead worker is replaced. Workers run under a memory limit.
. "$(dirname "$0")/../lib.sh"
if [ "${COREFIX_TEST_HOOKS:-OFF}" != ON ]; then
	echo "SKIP: corefix was built without COREFIX_TEST_HOOKS (the test presets turn it on)"
	exit 77
fi
copy_set glibc "$WORK/g"
make_core "$WORK/g" ./prog
mv "$WORK/g/core" "$WORK/prog.core"
make_core "$WORK/g" ./div0
mv "$WORK/g/core" "$WORK/div0.core"
# check DIR NPROG NDIV0 : the hung and the crashed core are reported with
# their reasons, the rest grouped as without any fault.
check() {
	local dir=$1 s e t json rc
	s=$(date +%s)
	json=$(COREFIX_TEST_HANG=hangme COREFIX_TEST_CRASH=crashme "$COREFIX" triage -q --json --timeout 3 "$dir"); rc=$?
	e=$(date +%s)
	t=$((e - s))
	[ $rc = 1 ] || fail "$dir: want exit 1 (two cores unreadable), got $rc: $json"
	[ "$(jq -r '.unreadable[] | select(.core | endswith("/hangme/core")) | .error' <<<"$json")" = "timed out after 3 s" ] ||
		fail "$dir: the hung core: $(jq -c .unreadable <<<"$json")"
	[ "$(jq -r '.unreadable[] | select(.core | endswith("/crashme/core")) | .error' <<<"$json")" = "reader crashed (SIGSEGV)" ] ||
		fail "$dir: the crashed core: $(jq -c .unreadable <<<"$json")"
	[ "$(jq '.unreadable | length' <<<"$json")" = 2 ] || fail "$dir: want 2 unreadable: $json"
	[ "$(jq -c '[.groups[] | [.class, .count]] | sort' <<<"$json")" = "$(jq -nc --argjson p "$2" --argjson d "$3" \
		'[["divide-by-zero", $d], ["null-dereference", $p]] | sort')" ] || fail "$dir: groups: $json"
	[ "$(jq '.cores_found' <<<"$json")" = $(($2 + $3 + 2)) ] || fail "$dir: cores_found: $json"
	[ $t -lt 30 ] || fail "$dir: took $t s; the hung reader was not stopped at 3 s"
	note "$dir: $2 + $3 cores grouped, hung and crashed cores reported, $t s"
}
# One worker (few cores) and two (eight or more, on two CPUs).
mkdir -p "$WORK/few/crashme" "$WORK/few/hangme" "$WORK/few/a" "$WORK/few/b"
cp "$WORK/prog.core" "$WORK/few/crashme/core"
cp "$WORK/div0.core" "$WORK/few/hangme/core"
cp "$WORK/prog.core" "$WORK/few/a/core"
cp "$WORK/div0.core" "$WORK/few/b/core"
check "$WORK/few" 1 1
for i in 1 2 3 4 5 6 7 8 9; do
	mkdir -p "$WORK/many/p$i" "$WORK/many/q$i"
	cp "$WORK/prog.core" "$WORK/many/p$i/core"
	cp "$WORK/div0.core" "$WORK/many/q$i/core"
done
mkdir -p "$WORK/many/crashme" "$WORK/many/hangme"
cp "$WORK/prog.core" "$WORK/many/crashme/core"
cp "$WORK/prog.core" "$WORK/many/hangme/core"
check "$WORK/many" 9 9

# Progress on a terminal for a run this long (the hung core holds it 3 s):
# on stderr, never in the report. script(1) gives stderr a terminal.
if command -v script >/dev/null; then
	COREFIX_TEST_HANG=hangme script -qec "'$COREFIX' triage --json --timeout 3 '$WORK/many' >'$WORK/p.json'" \
		"$WORK/progress.log" >/dev/null
	expect "$(tr '\r' '\n' <"$WORK/progress.log")" '^corefix: triage: 20/20 cores, 2 groups$' "progress on the terminal"
	expect_not "$(cat "$WORK/p.json")" 'triage: [0-9]+/' "the JSON report"
	[ "$(jq '.cores_found' "$WORK/p.json")" = 20 ] || fail "JSON report under a terminal: $(cat "$WORK/p.json")"
else
	note "script(1) not found: progress not checked"
fi

# A worker's address space is limited (not under AddressSanitizer, whose
# shadow alone is terabytes): seen in /proc while it hangs on a core.
if [ "${COREFIX_SANITIZE:-OFF}" != ON ]; then
	COREFIX_TEST_HANG=hangme "$COREFIX" triage -q --timeout 20 "$WORK/few/hangme" >/dev/null &
	parent=$!
	limit=
	for _ in $(seq 50); do
		for c in $(cat /proc/$parent/task/*/children 2>/dev/null); do
			limit=$(awk '/^Max address space/ {print $4}' /proc/"$c"/limits 2>/dev/null)
		done
		# A worker sets its limit when it takes its core: wait for that.
		[ -n "$limit" ] && [ "$limit" != unlimited ] && break
		sleep 0.1
	done
	kill $parent 2>/dev/null
	wait $parent 2>/dev/null
	[ -n "$limit" ] && [ "$limit" != unlimited ] || fail "worker's address space limit: '${limit:-no worker seen}'"
	note "worker address space limit: $limit bytes"
fi
exit 0
