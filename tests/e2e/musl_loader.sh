#!/bin/bash
# musl's loader run as a command, once with a PIE and once with a .so
# program (Scrt1.o, -e _start: how KM payloads are built).
. "$(dirname "$0")/../lib.sh"
[ -d "$SAMPLES/musl" ] || fail "musl samples not built (install musl-tools)"
LDMUSL=/lib/ld-musl-x86_64.so.1
copy_set musl "$WORK/s"
for prog in prog prog.so; do
	make_core "$WORK/s" "$LDMUSL" "./$prog"
	mv "$WORK/s/core" "$WORK/s/core.$prog"
	plain=$(cd / && gdb -batch -nx "$LDMUSL" "$WORK/s/core.$prog" -ex bt 2>&1)
	expect_not "$plain" 'main \(\) at' "plain gdb on $prog (should be lost)"
	corefix_gdb "$WORK/s/core.$prog"
	bt=$(gdb_bt)
	expect_two_dso_frames "$bt"
	expect "$bt" '#2 .*main \(\) at [^ ]*main\.c:5' "gdb backtrace ($prog)"
	json=$("$COREFIX" modules --json "$WORK/s/core.$prog" 2>/dev/null)
	expect "$json" "\"name\": \"[^\"]*/$prog\", \"path\": \"[^\"]*\", \"path_found_by\": \"[^\"]*\", \"role\": \"main\"" "$prog is the main program"
	note "$prog: $(grep '^#[0-2] ' <<<"$bt" | tr '\n' ' ')"
done
exit 0
