#!/bin/bash
# link_map memory that loops: the walk stops, says so, and NT_FILE still
# gives every module.
. "$(dirname "$0")/../lib.sh"
copy_set glibc "$WORK/s"
make_core "$WORK/s" ./prog
"$MKCORE" cycle-linkmap "$WORK/s/core" "$WORK/s/core.cycle" || fail "mkcore failed"
out=$(timeout 20 "$COREFIX" modules --json "$WORK/s/core.cycle" 2>"$WORK/err")
rc=$?
[ $rc -le 1 ] || fail "corefix exited $rc: $(cat "$WORK/err")"
expect "$(cat "$WORK/err")" 'cycle' "stderr"
expect "$out" '"complete": false' "link_map summary"
n=$(jq '[.modules[] | select(.status == "ok")] | length' <<<"$out")
[ "$n" -ge 5 ] || fail "only $n usable modules"
exit 0
