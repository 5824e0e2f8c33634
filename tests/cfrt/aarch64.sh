# Sourced (after tests/lib.sh) by the cfrt_aarch64_* tests: the aarch64
# cfrt tree the test build cross-built (CFRT_AARCH64), run under
# qemu-user. Without qemu-aarch64 the test is skipped (77), saying why.
: "${CFRT_AARCH64:?}"
command -v qemu-aarch64 >/dev/null || { echo "SKIP: qemu-aarch64 (qemu-user) is not installed"; exit 77; }
LD="$CFRT_AARCH64/lib/libcfrt.so"

# cfrt_aarch64_samples : the aarch64 cfrt sample set, copied into $WORK/s.
cfrt_aarch64_samples() {
	need_cmd gdb-multiarch jq
	mkdir -p "$WORK/s"
	cp -a "$CFRT_AARCH64/samples/cfrt/." "$WORK/s/"
}
