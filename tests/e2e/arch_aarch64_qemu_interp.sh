#!/bin/bash
# aarch64 under qemu-user started the ordinary way (PT_INTERP:
# qemu-aarch64 -L SYSROOT ./prog). The guest core has no NT_FILE and an
# NT_AUXV one word late, so AT_PHDR must be read right to find the
# program's DT_DEBUG (gdb alone finds no libraries at all). The biases must
# be those the guest reported: the program's from AT_PHDR, the loader's
# AT_BASE (LD_SHOW_AUXV), the libraries' l_addr (LD_DEBUG=files).
. "$(dirname "$0")/../lib.sh"
need_set aarch64
need_cmd qemu-aarch64 gdb-multiarch
SR=/usr/aarch64-linux-gnu
[ -e $SR/lib/ld-linux-aarch64.so.1 ] || fail "$SR/lib/ld-linux-aarch64.so.1 missing (run .ci/deps)"
copy_set aarch64 "$WORK/s"
make_qemu_core "$WORK/s" qemu-aarch64 -L $SR -E LD_DEBUG=files -E LD_SHOW_AUXV=1 ./prog
cd "$WORK/s"
expect "$(cat run.log)" 'qemu wrote qemu_prog_[0-9]+-[0-9]+_[0-9]+\.core' "qemu's core name"

json=$("$COREFIX" modules --json --sysroot $SR core 2>"$WORK/modules.err")
rc=$?
[ $rc -le 1 ] || fail "corefix modules exited $rc: $(cat "$WORK/modules.err")"
[ "$(jq -r '.machine, .loader_as_command' <<<"$json" | tr '\n' ' ')" = "aarch64 false " ] ||
	fail "want an aarch64 core of a program started normally: $json"
"$COREFIX" --sysroot $SR core >"$WORK/cmds.gdb" 2>"$WORK/corefix.err"
rc=$?
[ $rc -le 1 ] || fail "corefix exited $rc: $(cat "$WORK/corefix.err")"

base=$(sed -n 's/^AT_BASE: *//p' run.log)
[ -n "$base" ] || fail "LD_SHOW_AUXV printed no AT_BASE: $(cat run.log)"
expect_bias "$json" "$WORK/cmds.gdb" prog "$(auxv_phdr_bias run.log prog)" "AT_PHDR"
expect_bias "$json" "$WORK/cmds.gdb" ld-linux-aarch64.so.1 "$base" "AT_BASE"
expect_ld_debug_biases "$json" "$WORK/cmds.gdb" run.log 3 "liba.so libb.so libc.so.6"

bt=$(cd / && gdb-multiarch -batch -nx -x "$WORK/cmds.gdb" -ex bt 2>&1)
expect_two_dso_frames "$bt"
expect "$bt" '#2 .*main \(\) at [^ ]*main\.c:5' "gdb-multiarch backtrace"
note "$(grep '^#' <<<"$bt")"
expect_bt_json "$("$COREFIX" backtrace --json --sysroot $SR core 2>/dev/null)" \
	"crash_here libb.c:4" "a_calls_b liba.c:5" "main main.c:5"
exit 0
