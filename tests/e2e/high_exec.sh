#!/bin/bash
# An ET_EXEC program (bias 0) whose DSOs are linked at 0x20000000 and
# 0x20100000: the biases are not "start of the first mapping".
. "$(dirname "$0")/../lib.sh"
copy_set high "$WORK/s"
make_core "$WORK/s" ./prog
json=$("$COREFIX" modules --json "$WORK/s/core") || fail "corefix exited $?"
bias() { jq -r --arg b "$1" '.modules[] | select(.name | endswith("/" + $b)) | .bias' <<<"$json"; }
start() { jq -r --arg b "$1" '.modules[] | select(.name | endswith("/" + $b)) | .start' <<<"$json"; }
[ "$(bias prog)" = 0 ] || [ "$(bias prog)" = 0x0 ] || fail "ET_EXEC bias $(bias prog), want 0"
for lib in libb.so:0x20000000 liba.so:0x20100000; do
	name=${lib%%:*} link=${lib#*:}
	want=$(printf '0x%x' $(($(start "$name") - link)))
	[ "$(bias "$name")" = "$want" ] || fail "$name bias $(bias "$name"), want $want"
	note "$name linked at $link, mapped at $(start "$name"), bias $want"
done
corefix_gdb "$WORK/s/core"
bt=$(gdb_bt)
expect_two_dso_frames "$bt"
expect "$bt" 'main \(\) at [^ ]*main\.c:5'

# The same program through ld.so: libdwfl must be given the same bias as gdb
# (a DSO linked at 0x20000000 is where a naive base/bias mix-up shows).
make_core "$WORK/s" /lib64/ld-linux-x86-64.so.2 ./prog
out=$("$COREFIX" backtrace "$WORK/s/core") || fail "corefix backtrace exited $?"
expect "$out" '#0 .* crash_here \(libb\.so\+0x[0-9a-f]+\) +libb\.c:4' "corefix backtrace"
expect "$out" '#1 .* a_calls_b \(liba\.so\+0x[0-9a-f]+\) +liba\.c:5' "corefix backtrace"
expect "$out" '#2 .* main \(prog\+0x[0-9a-f]+\) +main\.c:5' "corefix backtrace"
expect_not "$out" '\?\?' "corefix backtrace"
exit 0
