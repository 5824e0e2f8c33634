#!/bin/bash
# libcfrt.so exports the libc and dl API and the debugger contract
# (_r_debug, _dl_debug_state), and none of its internals: of its own
# __cfrt_* names only what programs reach (crt1's __cfrt_start_main, the
# stdio.h macros' __cfrt_stdio). On x86-64 and on aarch64.
. "$(dirname "$0")/../lib.sh"
: "${CFRT_LIB:?}" "${CFRT_AARCH64:?}"
for ld in "$CFRT_LIB/libcfrt.so" "$CFRT_AARCH64/lib/libcfrt.so"; do
	[ -f "$ld" ] || fail "$ld was not built"
	syms=$(readelf --dyn-syms -W "$ld" | awk '$5 != "LOCAL" && $7 != "UND" && $8 != "" {print $8}' | sort -u)
	for s in _r_debug _dl_debug_state dlopen dlsym dlclose dlerror dladdr malloc printf pthread_create \
		__errno_location __tls_get_addr __cfrt_start_main __cfrt_stdio; do
		grep -qx -- "$s" <<<"$syms" || fail "$ld does not export $s"
	done
	internal=$(grep -E '^__cfrt_' <<<"$syms" | grep -vxE '__cfrt_start_main|__cfrt_stdio')
	[ -z "$internal" ] || fail "$ld exports internals: $(tr '\n' ' ' <<<"$internal")"
	note "$(basename "$(dirname "$(dirname "$ld")")"): $(wc -l <<<"$syms") exports, no internals"
done
exit 0
