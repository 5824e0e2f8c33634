#!/bin/bash
# A glibc PIE with two DSOs, started normally. corefix's biases must equal
# what gdb computes on its own: for each library, gdb's `info
# sharedlibrary` From (= bias + .text address), and for the program the
# address gdb gives main (= bias + main's symbol value).
. "$(dirname "$0")/../lib.sh"
copy_set glibc "$WORK/s"
make_core "$WORK/s" ./prog
cd "$WORK/s"
libs=$(gdb -batch -nx ./prog core -ex 'info sharedlibrary' 2>/dev/null | grep '^0x')
mainaddr=$(gdb -batch -nx ./prog core -ex 'p/x (long)&main' 2>/dev/null | sed -n 's/^\$1 = //p')
json=$("$COREFIX" modules --json core) || fail "corefix modules exited $?"

text_addr() { readelf -SW "$1" | sed -n 's/.*\] \.text *PROGBITS *\([0-9a-f]*\) .*/\1/p'; }
bias_of() { jq -r --arg b "$1" '.modules[] | select(.path != null and (.path | endswith("/" + $b))) | .bias' <<<"$json"; }

checked=0
while read -r from to syms path; do
	base=$(basename "$path")
	t=$(text_addr "$path")
	want=$(printf '0x%x' $((from - 0x$t)))
	got=$(bias_of "$base")
	[ -n "$got" ] || fail "corefix lists no module for $path: $json"
	[ "$got" = "$want" ] || fail "$base: corefix bias $got, gdb says $want (From $from - .text 0x$t)"
	note "$base bias $got = gdb's"
	checked=$((checked + 1))
done <<<"$libs"
[ $checked -ge 4 ] || fail "gdb listed only $checked libraries: $libs"

sym=$(nm prog | awk '$3 == "main" {print $1}')
want=$(printf '0x%x' $((mainaddr - 0x$sym)))
got=$(bias_of prog)
[ "$got" = "$want" ] || fail "prog: corefix bias $got, gdb places main at $mainaddr (so $want)"
note "prog bias $got = gdb's"

# And the script gives the same backtrace as gdb does natively.
corefix_gdb core
bt=$(gdb_bt)
expect_two_dso_frames "$bt"
expect "$bt" 'main \(\) at [^ ]*main\.c:5'
exit 0
