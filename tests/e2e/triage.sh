#!/bin/bash
# Triage: two bugs, three cores each, under different ASLR and different
# ways of starting (normally, and with ld.so as a command) → exactly two
# groups. Exit status tells CI what happened.
. "$(dirname "$0")/../lib.sh"
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
copy_set glibc "$WORK/g"
i=0
for run in "./prog" "$LDSO ./prog" "$LDSO ./prog" "./div0" "./div0" "$LDSO ./div0"; do
	i=$((i + 1))
	# shellcheck disable=SC2086
	make_core "$WORK/g" $run
	mkdir -p "$WORK/cores/$i"
	mv "$WORK/g/core" "$WORK/cores/$i/core"
done
json=$("$COREFIX" triage --json "$WORK/cores") || fail "triage exit $?"
[ "$(jq '.groups | length' <<<"$json")" = 2 ] || fail "want 2 groups: $json"
[ "$(jq -c '[.groups[].count]' <<<"$json")" = '[3,3]' ] || fail "want 3 + 3: $json"
sigs=$(jq -r '.groups[].signature' <<<"$json" | sort)
[ "$sigs" = "SIGFPE/FPE_INTDIV | divide | main
SIGSEGV/SEGV_MAPERR | crash_here | a_calls_b | main" ] || fail "signatures: $sigs"
table=$("$COREFIX" triage "$WORK/cores")
expect "$table" '^6 cores, 2 distinct crashes'
expect "$table" '^ +3  null-dereference +SIGSEGV/SEGV_MAPERR +crash_here < a_calls_b < main'
md=$("$COREFIX" triage --markdown "$WORK/cores")
expect "$md" '^\| Count \| Class \| Signal \| Top frames \| Evidence \| First core \|'
expect "$md" '^\| 3 \| divide-by-zero \| SIGFPE/FPE\\_INTDIV \| divide ← main \| SIGFPE/FPE\\_INTDIV at pc 0x[0-9a-f]+ \(idiv '

mkdir -p "$WORK/empty"
"$COREFIX" triage -q "$WORK/empty" >/dev/null; [ $? = 3 ] || fail "no core found: want exit 3"
head -c 100 "$WORK/cores/1/core" >"$WORK/cores/broken.core"
"$COREFIX" triage --json "$WORK/cores" >"$WORK/t.json" 2>/dev/null; rc=$?
[ $rc = 1 ] || fail "one unreadable core: want exit 1, got $rc"
[ "$(jq '.unreadable | length' "$WORK/t.json")" = 1 ] || fail "unreadable core not reported"
"$COREFIX" triage "$WORK/cores/broken.core" >/dev/null 2>&1; [ $? = 2 ] || fail "nothing readable: want exit 2"

# One bug, started by glibc or by our own runtime (cfrt through PT_INTERP,
# whose stack ends in __cfrt_start_main): one group, whatever the start frames.
mkdir -p "$WORK/rt/glibc" "$WORK/rt/cfrt"
cp "$SAMPLES/glibc/div0" "$WORK/rt/glibc/" && cp "$SAMPLES/cfrt/div0" "$WORK/rt/cfrt/"
make_core "$WORK/rt/glibc" ./div0
make_core "$WORK/rt/cfrt" ./div0
bt=$("$COREFIX" backtrace "$WORK/rt/cfrt/core" 2>&1)
expect "$bt" '__cfrt_start_main' "cfrt core's backtrace"
json=$("$COREFIX" triage --json "$WORK/rt") || fail "triage of the glibc and cfrt div0: exit $?"
[ "$(jq -c '[.groups[].count]' <<<"$json")" = '[2]' ] || fail "glibc and cfrt div0: want one group of 2: $json"
[ "$(jq -r '.groups[0].signature' <<<"$json")" = "SIGFPE/FPE_INTDIV | divide | main" ] ||
	fail "glibc and cfrt div0 signature: $json"
exit 0
