#!/bin/bash
# Nested inlining: the crash lies in inner(), inlined into middle(),
# inlined into outer(). Every level is named, innermost first, with its
# call site, exactly as eu-stack -i reads the same DWARF (dwarf_getscopes
# alone climbs the abstract definition after the first inlined level).
. "$(dirname "$0")/../lib.sh"
mkdir -p "$WORK/s"
cat >"$WORK/s/nest.c" <<'C'
static inline __attribute__((always_inline)) int inner(int *p) { return *p + 1; }
static inline __attribute__((always_inline)) int middle(int *p) { return inner(p) * 3; }
__attribute__((noinline)) int outer(int *p) { return middle(p) - 7; }
int main(int argc, char **argv) { (void)argv; return outer(argc > 5 ? &argc : 0); }
C
cc -g -O2 -o "$WORK/s/nest" "$WORK/s/nest.c" || fail "cannot build the sample"
make_core "$WORK/s" ./nest
json=$("$COREFIX" backtrace --json "$WORK/s/core") || fail "corefix backtrace exited $?"
got=$(jq -r '[.threads[] | select(.crashed)][0].frames[0]
	| ([.inlined[] | "\(.function) \(.file | split("/") | last):\(.line)"] + ["\(.function) \(.file | split("/") | last):\(.line)"]) | .[]' <<<"$json")
want='inner nest.c:1
middle nest.c:2
outer nest.c:3'
[ "$got" = "$want" ] || fail "frame 0's inline chain is
$got
want
$want"
# The same chain, by name, as eu-stack -i gives it.
eu=$(eu-stack -s -i --core "$WORK/s/core" 2>/dev/null | awk '/^TID/ {t++} t == 1 && /^#/ {print $3}' | head -4)
[ "$(printf '%s\n' $eu)" = "$(printf 'inner\nmiddle\nouter\nmain')" ] || fail "eu-stack -i disagrees: $eu"
text=$("$COREFIX" backtrace "$WORK/s/core" 2>/dev/null)
expect "$text" '#0 .* outer \(nest\+0x[0-9a-f]+\)  nest\.c:3   \[inlined: middle nest\.c:2, inner nest\.c:1\]' "text backtrace"
exit 0
