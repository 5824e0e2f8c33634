#!/bin/bash
# The debugger contract, live: gdb stopped in a_calls_b of a cfrt program
# (run through PT_INTERP, and with libcfrt.so as a command) lists every DSO
# in `info sharedlibrary`, at the address the process really mapped it
# (its mapping from /proc, plus its .text address).
. "$(dirname "$0")/../lib.sh"
: "${CFRT_LIB:?}"
LD="$CFRT_LIB/libcfrt.so"
copy_set cfrt "$WORK/s"
text_addr() { readelf -SW "$1" | sed -n 's/.*\] \.text *PROGBITS *\([0-9a-f]*\) .*/\1/p'; }
for how in interp command; do
	cmd=("$WORK/s/prog")
	[ $how = command ] && cmd=("$LD" "$WORK/s/prog")
	out=$(cd "$WORK/s" && gdb -batch -nx -ex 'set breakpoint pending on' -ex 'break a_calls_b' -ex run \
		-ex 'info sharedlibrary' -ex 'info proc mappings' -ex bt -ex kill --args "${cmd[@]}" 2>&1)
	expect "$out" 'Breakpoint 1, a_calls_b \(v=1\) at [^ ]*liba\.c:5' "$how: stopped in a_calls_b"
	for lib in "$WORK/s/liba.so" "$WORK/s/libb.so" "$LD"; do
		from=$(awk -v l="$lib" '$NF == l && $3 == "Yes" {print $1}' <<<"$out")
		[ -n "$from" ] || fail "$how: gdb does not list $lib: $out"
		base=$(awk -v l="$lib" '$NF == l && $4 == "0x0" && $5 ~ /p$/ {print $1; exit}' <<<"$out")
		want=$(printf '0x%016x' $((base + 0x$(text_addr "$lib"))))
		[ "$from" = "$want" ] || fail "$how: $lib at $from, mapped so that .text is at $want"
	done
	note "$how: gdb lists liba.so, libb.so, libcfrt.so at their real addresses"
done
exit 0
