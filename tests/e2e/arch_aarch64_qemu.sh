#!/bin/bash
# aarch64 under qemu-user, glibc's loader run as a command
# (qemu-aarch64 … ld-linux-aarch64.so.1 ./prog). qemu writes the guest's core
# itself: no NT_FILE, no NT_SIGINFO, text pages not dumped, NT_AUXV one word
# late. corefix must find r_debug through the loader (from the sysroot),
# place every module at the bias the guest reported (LD_DEBUG=files,
# LD_SHOW_AUXV), and name every frame.
. "$(dirname "$0")/../lib.sh"
need_set aarch64
need_cmd qemu-aarch64 gdb-multiarch
SR=/usr/aarch64-linux-gnu
LDSO=$SR/lib/ld-linux-aarch64.so.1
[ -e $LDSO ] || fail "$LDSO missing (libc6-arm64-cross; run .ci/deps)"
copy_set aarch64 "$WORK/s"
make_qemu_core "$WORK/s" qemu-aarch64 -L $SR -E LD_DEBUG=files -E LD_SHOW_AUXV=1 $LDSO ./prog
cd "$WORK/s"
expect "$(cat run.log)" 'qemu wrote qemu_ld-linux-aarch64\.so\.1_[0-9]+-[0-9]+_[0-9]+\.core' "qemu's core name"
readelf -hW core | grep -q 'Machine: *AArch64' || fail "qemu's core is not an AArch64 ELF core: $(readelf -hW core)"

json=$("$COREFIX" modules --json --sysroot $SR core 2>"$WORK/modules.err")
rc=$?
[ $rc -le 1 ] || fail "corefix modules exited $rc: $(cat "$WORK/modules.err")"
[ "$(jq -r .machine <<<"$json")" = aarch64 ] || fail "want an aarch64 core: $json"
# (link_map names it "./prog": relative to the crashed process's folder)
main=$(jq -r '.modules[] | select(.role == "main") | .path // empty' <<<"$json")
[ -n "$main" ] && [ "$(readlink -f "$main")" = "$WORK/s/prog" ] || fail "the real program is not the main module: $json"
"$COREFIX" --sysroot $SR core >"$WORK/cmds.gdb" 2>"$WORK/corefix.err"
rc=$?
[ $rc -le 1 ] || fail "corefix exited $rc: $(cat "$WORK/corefix.err")"

bases=$(ld_debug_bases run.log)
n=0
while read -r name base; do
	expect_bias "$json" "$WORK/cmds.gdb" "$(basename "$name")" "$base" "LD_DEBUG=files"
	n=$((n + 1))
done <<<"$bases"
[ $n -ge 4 ] || fail "LD_DEBUG reported $n objects, want prog liba.so libb.so libc.so.6: $(cat run.log)"
# The loader the kernel (here qemu) ran: AT_PHDR describes it.
expect_bias "$json" "$WORK/cmds.gdb" ld-linux-aarch64.so.1 "$(auxv_phdr_bias run.log $LDSO)" "AT_PHDR"

[ "$(jq -r .loader_as_command <<<"$json")" = true ] || fail "psargs names the loader: loader_as_command must be true: $json"

bt=$(cd / && gdb-multiarch -batch -nx -x "$WORK/cmds.gdb" -ex bt 2>&1)
expect_two_dso_frames "$bt"
expect "$bt" '#2 .*main \(\) at [^ ]*main\.c:5' "gdb-multiarch backtrace"
note "$(grep '^#' <<<"$bt")"

out=$("$COREFIX" backtrace --sysroot $SR core 2>&1)
expect "$out" 'crash_here \(libb\.so\+0x[0-9a-f]+\)  [^ ]*libb\.c:4' "corefix backtrace"
expect "$out" 'a_calls_b \(liba\.so\+0x[0-9a-f]+\)  [^ ]*liba\.c:5' "corefix backtrace"
expect "$out" 'main \(prog\+0x[0-9a-f]+\)  [^ ]*main\.c:5' "corefix backtrace"
expect_bt_json "$("$COREFIX" backtrace --json --sysroot $SR core 2>/dev/null)" \
	"crash_here libb.c:4" "a_calls_b liba.c:5" "main main.c:5"
exit 0
