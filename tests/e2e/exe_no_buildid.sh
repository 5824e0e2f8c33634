#!/bin/bash
# A core without a build-id still refuses another program as EXE: the core's
# copy of the program's first page (ELF header, program headers) must
# describe the file. Two programs linked with --build-id=none, by the
# system's gcc and by cfrt-cc; the crashing one moved away, so EXE is the
# only candidate. And every program cfrt-cc links has a build-id, which
# corefix then checks.
. "$(dirname "$0")/../lib.sh"
: "${CFRT_LIB:?}"
CFRT_CC="$CFRT_LIB/../bin/cfrt-cc"
cat >"$WORK/crash.c" <<'C'
int *volatile p;
int main(void) { return *p; }
C
cat >"$WORK/other.c" <<'C'
int value(int x) { return x * 3; }
int main(int argc, char **argv) { (void)argv; return value(argc); }
C

for cc in gcc "$CFRT_CC"; do
	tag=$(basename "$cc")
	d="$WORK/$tag"
	mkdir -p "$d/away"
	"$cc" -g -O0 -Wl,--build-id=none -o "$d/crash" "$WORK/crash.c" || fail "$tag crash.c"
	"$cc" -g -O0 -Wl,--build-id=none -o "$d/other" "$WORK/other.c" || fail "$tag other.c"
	readelf -n "$d/crash" | grep -q 'Build ID' && fail "$tag: --build-id=none left a build-id"
	make_core "$d" ./crash
	mv "$d/crash" "$d/away/crash"

	json=$("$COREFIX" modules --json "$d/core" "$d/other" 2>"$d/err"); rc=$?
	[ $rc = 1 ] || fail "$tag: a wrong EXE without build-id: exit $rc, want 1 ($(cat "$d/err"))"
	main=$(jq -c '.modules[] | select(.role == "main")' <<<"$json")
	[ "$(jq -r .status <<<"$main")" = build-id-mismatch ] || fail "$tag: wrong EXE taken: $main"
	[ "$(jq -r .loadable <<<"$main")" = false ] || fail "$tag: wrong EXE loadable: $main"
	expect "$(cat "$d/err")" "other: .*ELF and program headers differ" "$tag stderr"
	"$COREFIX" "$d/core" "$d/other" >"$d/cmds.gdb" 2>/dev/null
	expect_not "$(cat "$d/cmds.gdb")" "^add-symbol-file .*other\"" "$tag gdb script"

	json=$("$COREFIX" modules --json "$d/core" "$d/away/crash" 2>"$d/err"); rc=$?
	main=$(jq -c '.modules[] | select(.role == "main")' <<<"$json")
	[ "$(jq -r '.status + " " + .path' <<<"$main")" = "ok $d/away/crash" ] ||
		fail "$tag: the right EXE is not taken: $main ($(cat "$d/err"))"
	note "$tag: without build-id, the wrong EXE is refused, the right one taken (exit $rc)"
done

# cfrt-cc's own programs and libraries carry a build-id, and the core's copy
# is checked against the file.
for f in prog libb.so liba.so; do
	readelf -n "$SAMPLES/cfrt/$f" | grep -q 'Build ID: [0-9a-f]\{40\}' || fail "cfrt sample $f has no build-id"
done
copy_set cfrt "$WORK/c"
make_core "$WORK/c" ./prog
json=$("$COREFIX" modules --json "$WORK/c/core") || fail "cfrt prog core: exit $?"
main=$(jq -c '.modules[] | select(.role == "main")' <<<"$json")
want=$(readelf -n "$WORK/c/prog" | sed -n 's/.*Build ID: //p')
[ "$(jq -r '.build_id_core + " " + .build_id_file' <<<"$main")" = "$want $want" ] ||
	fail "cfrt prog: build-ids not read from core and file ($want): $main"
# ... and another build of a cfrt-cc library is told apart by it.
"$CFRT_CC" -g -O2 -shared -fPIC -o "$WORK/c/libb.so" "$(dirname "$0")/../../samples/src/libb.c" || fail "cfrt-cc libb.c"
json=$("$COREFIX" modules --json "$WORK/c/core" 2>/dev/null); rc=$?
[ $rc = 1 ] || fail "cfrt prog with a rebuilt libb.so: exit $rc, want 1"
[ "$(jq -r '.modules[] | select(.path != null and (.path | endswith("/libb.so"))) | .status' <<<"$json")" = \
	build-id-mismatch ] || fail "cfrt prog: a rebuilt libb.so is not a build-id mismatch: $json"
exit 0
