#!/bin/bash
# Triage of uncaught C++ exceptions: the signature names the user's frame
# that threw and its callers, not the runtime's terminate/throw machinery
# (std::terminate, __cxa_throw, std::__throw_*, the standard library's
# header code, and libstdc++'s offset-only frames when it has no symbols).
# The same throw site twice is one group; two sites are two groups.
. "$(dirname "$0")/../lib.sh"
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
copy_set glibc "$WORK/g"
i=0
for run in "./throw" "$LDSO ./throw" "./throw other"; do
	i=$((i + 1))
	# shellcheck disable=SC2086
	make_core "$WORK/g" $run
	mkdir -p "$WORK/cores/$i"
	mv "$WORK/g/core" "$WORK/cores/$i/core"
done
json=$("$COREFIX" triage --json "$WORK/cores") || fail "triage exit $?: $json"
note "$(jq -r '.groups[].signature' <<<"$json")"
[ "$(jq '.groups | length' <<<"$json")" = 2 ] || fail "want 2 groups: $json"
[ "$(jq -c '[.groups[].count]' <<<"$json")" = '[2,1]' ] || fail "want 2 + 1: $json"
# Frames are demangled with their parameters: match the function's name.
top=$(jq -r '.groups[0].frames | join(" <- ")' <<<"$json")
expect "$top" '^lookup\(.*\) <- main$' "the same site's frames"
expect "$(jq -r '.groups[0].signature' <<<"$json")" '^SIGABRT \| lookup\(.*\) \| main$' "signature"
expect "$(jq -r '.groups[1].frames | join(" <- ")' <<<"$json")" '^other_lookup\(.*\) <- main$' "the other site's frames"
runtime='terminate|__cxa_|__throw_|_Unwind_|__verbose_terminate|libstdc\+\+|libgcc_s|_M_range_check|::at\('
expect_not "$(jq -r '.groups[].frames[]' <<<"$json")" "$runtime" "signature frames"

table=$("$COREFIX" triage "$WORK/cores") || fail "triage (table) exit $?"
expect "$table" '^3 cores, 2 distinct crashes'
expect "$table" '^ +2  uncaught-exception +SIGABRT +lookup\(.*\) < main '
expect "$table" '^ +1  uncaught-exception +SIGABRT +other_lookup\(.*\) < main '
# The group lines; the evidence line under each names terminate on purpose.
expect_not "$(grep -E '^ +[0-9]+  ' <<<"$table")" "$runtime" "triage table"
expect "$table" '^ +std::terminate in frame #[0-9]+, reached from __cxa_throw in frame #[0-9]+$' "evidence"

# The rules say it, not the code: with the shipped rules minus the C++
# lines, the runtime's frames come back (so the rule files are what decide).
mkdir -p "$WORK/rules"
rules_src=$(dirname "$0")/../../corefix/rules
for f in sentinel fold skip; do
	grep -vE 'terminate|cxa|throw|Unwind|libstdc|libgcc|c\+\+' "$rules_src/$f.rules" >"$WORK/rules/$f.rules"
done
plain=$("$COREFIX" triage --json --rules "$WORK/rules" "$WORK/cores/1") || fail "triage --rules exit $?"
expect "$(jq -r '.groups[0].signature' <<<"$plain")" 'cxa_throw|terminate|libstdc' "signature without the C++ rules"
exit 0
