#!/bin/bash
# A tail call leaves no frame on the stack: gdb rebuilds it from DWARF
# call sites (DW_AT_call_tail_call), and so must corefix, or a backtrace
# of raise() -> pthread_kill -> __pthread_kill_implementation misses the
# frame gdb names __pthread_kill_internal. Same pcs, names and lines as gdb.
. "$(dirname "$0")/../lib.sh"
need_cmd jq
mkdir -p "$WORK/s"
cat >"$WORK/s/t.c" <<'EOF'
__attribute__((noinline)) int crash(volatile int *p, int v)
{
	*p = v; /* t.c:3 */
	return v;
}
__attribute__((noinline)) int middle(volatile int *p, int v)
{
	return crash(p, v * 3); /* t.c:8: a tail call */
}
int main(int argc, char **argv)
{
	(void)argv;
	int r = middle(0, argc); /* t.c:13 */
	return r + 1;
}
EOF
cc -g -O2 -o "$WORK/s/t" "$WORK/s/t.c" || fail "cannot build the sample"
objdump -d "$WORK/s/t" | grep -A8 '<middle>:' | grep -q 'jmp .*<crash>' || fail "gcc made no tail call: $(objdump -d "$WORK/s/t" | grep -A8 '<middle>:')"
make_core "$WORK/s" ./t
gdb_frames() { # "PC FUNCTION FILE:LINE" per frame of gdb's bt, through main
	(cd / && timeout -s KILL 60 gdb -batch -nx "$@" -ex 'echo ==bt==\n' -ex bt 2>/dev/null) | sed -n '/^==bt==$/,$p' |
		sed -n 's/^#0 *\([^ ]*\) (.*) at \([^ ]*\)$/- \1 \2/p; s/^#[1-9][0-9]* *\(0x[0-9a-f]*\) in \([^ ]*\) (.*) at \([^ ]*\)$/\1 \2 \3/p' |
		sed -n '1,/ main /p' | sed 's| [^ ]*/\([^/ ]*:[0-9]*\)$| \1|'
}
want=$(gdb_frames "$WORK/s/t" "$WORK/s/core")
expect "$want" '^0x[0-9a-f]+ middle t\.c:8$' "gdb's own backtrace"
for u in dwfl libunwind; do
	got=$("$COREFIX" backtrace --json --unwinder=$u "$WORK/s/core" 2>/dev/null |
		jq -r '[.threads[] | select(.crashed)][0].frames[] | "\(.pc) \(.function) \((.file // "?") | split("/") | last):\(.line)"' |
		sed '1s/^[^ ]*/-/' | sed -n '1,/ main /p' | sed 's/^0x0*/0x/')
	[ "$got" = "$(sed 's/^0x0*/0x/' <<<"$want")" ] || fail "$u: corefix backtrace
$got
gdb
$want"
done
expect "$("$COREFIX" backtrace "$WORK/s/core" 2>/dev/null)" '#1 .* middle \(t\+0x[0-9a-f]+\) +t\.c:8 +<tail call>' "text backtrace"
exit 0
