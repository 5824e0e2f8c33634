#!/bin/bash
# r_debug through the program file's PT_DYNAMIC (elfutils' test-core.core
# with test-core.exec): the core holds neither the program's first page nor
# its libraries' first pages, the program's recorded name leads nowhere and
# the libraries' files are gone, so only link_map can place them. Given
# EXE, corefix takes its PT_DYNAMIC (the auxv confirms EXE is what ran),
# reads DT_DEBUG there and gives every library link_map's bias — which
# must be what the crashed process's own loader reported (LD_DEBUG).
. "$(dirname "$0")/../lib.sh"
need_cmd jq
copy_set high "$WORK/s"
# Its own copy of the loader, gone after the crash as test-core's was
# (else the loader's _r_debug symbol finds r_debug without EXE).
cp "$(readlink -f /lib64/ld-linux-x86-64.so.2)" "$WORK/s/ld.so"
cc -g -O0 -no-pie -fno-pie -o "$WORK/s/prog" -x c - -L"$WORK/s" -la -lb '-Wl,-rpath,$ORIGIN' \
	"-Wl,--dynamic-linker=$WORK/s/ld.so" <<<'int a_calls_b(int v); int main(void) { return a_calls_b(1); }' ||
	fail "cannot build the program"
make_core "$WORK/s" env LD_DEBUG=files ./prog
json=$("$COREFIX" modules --json "$WORK/s/core" 2>/dev/null)
start() { jq -r --arg b "$2" '.modules[] | select(.name | endswith("/" + $b)) | .start' <<<"$1"; }
args=()
for f in prog liba.so libb.so ld.so; do
	args+=("$(start "$json" $f)")
done
core=$WORK/s/core
for a in "${args[@]}"; do
	"$MKCORE" undump "$core" "$WORK/undumped.$a" "${a#0x}" || fail "mkcore undump $a"
	core=$WORK/undumped.$a
done
mkdir -p "$WORK/elsewhere"
mv "$WORK/s/prog" "$WORK/elsewhere/prog.exec"   # the recorded name leads nowhere
mv "$WORK/s/liba.so" "$WORK/s/libb.so" "$WORK/s/ld.so" "$WORK"    # the libraries are gone

without=$("$COREFIX" modules --json "$core" 2>/dev/null)
[ "$(jq -r .r_debug <<<"$without")" = null ] || fail "r_debug found without EXE: $(jq -c .r_debug <<<"$without")"
json=$("$COREFIX" modules --json "$core" "$WORK/elsewhere/prog.exec" 2>"$WORK/err")
[ "$(jq -r .r_debug.found_by <<<"$json")" = "DT_DEBUG of the program the kernel ran" ] ||
	fail "r_debug not found through EXE's PT_DYNAMIC: $(jq -c .r_debug <<<"$json") $(cat "$WORK/err")"
n=0
while read -r name base; do
	[ -n "$name" ] || continue
	lib=$(basename "$name")
	mod=$(jq -c --arg l "$lib" '[.modules[] | select(.name | endswith("/" + $l))][0]' <<<"$json")
	want=$(printf '0x%x' "$base")
	[ "$(jq -r .bias <<<"$mod")" = "$want" ] || fail "$lib: bias $(jq -r .bias <<<"$mod"), LD_DEBUG says $want: $mod"
	[ "$(jq -r .in_link_map <<<"$mod")" = true ] || fail "$lib: not matched to link_map: $mod"
	note "$lib: bias $want = LD_DEBUG=files"
	n=$((n + 1))
done <<<"$(ld_debug_bases "$WORK/s/run.log")"
[ $n -ge 3 ] || fail "LD_DEBUG reported $n objects: $(cat "$WORK/s/run.log")"
for lib in liba.so libb.so ld.so; do
	[ "$(jq -r --arg l "$lib" '.modules[] | select(.name | endswith("/" + $l)) | .bias_sources | join(",")' <<<"$json")" = link_map ] ||
		fail "$lib: the bias must come from link_map alone: $json"
done
exit 0
