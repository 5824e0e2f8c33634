#!/bin/bash
# corefix rewrite: for every loader-as-command core of the corpus, plain
# gdb, eu-stack and lldb given the rewritten core show the full backtrace;
# the input is byte-identical afterwards; only the documented bytes
# change; a core that needs no repair comes out byte-identical; holes stay
# holes; --in-place insists on a backup.
. "$(dirname "$0")/../lib.sh"
: "${CFRT_LIB:?}"
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
MUSL=$(readlink -f /lib/ld-musl-x86_64.so.1)
LD="$CFRT_LIB/libcfrt.so"
copy_set glibc "$WORK/g"
copy_set musl "$WORK/m"
copy_set cfrt "$WORK/c"
ln -s "$MUSL" "$WORK/m/libc.so"

take() { # take NAME DIR CMD... → $WORK/cores/NAME
	local name=$1 dir=$2
	shift 2
	make_core "$dir" "$@"
	mkdir -p "$WORK/cores"
	mv "$dir/core" "$WORK/cores/$name"
}
take glibc-ldso "$WORK/g" "$LDSO" ./prog
take musl-pie "$WORK/m" "$MUSL" ./prog
take musl-so "$WORK/m" ./libc.so ./prog.so
take cfrt-command "$WORK/c" "$LD" ./prog
take cfrt-so "$WORK/c" "$LD" ./prog.so
(cd "$WORK/c" && ulimit -c 0 && CFRT_CORE="$WORK/cores/cfrt-cfrtcore" "$LD" ./prog) >/dev/null 2>&1
[ -s "$WORK/cores/cfrt-cfrtcore" ] || fail "CFRT_CORE wrote nothing"
"$MKCORE" km "$WORK/cores/musl-so" "$WORK/cores/km" "$MUSL" libc.so || fail mkcore
cp "$WORK/cores/km" "$WORK/m/km"  # KM records the payload relative to the core

program_of() {
	case $1 in
	glibc-*) echo "$WORK/g/prog" ;;
	musl-pie) echo "$WORK/m/prog" ;;
	musl-so | km) echo "$WORK/m/prog.so" ;;
	cfrt-so) echo "$WORK/c/prog.so" ;;
	cfrt-*) echo "$WORK/c/prog" ;;
	esac
}

for name in glibc-ldso musl-pie musl-so cfrt-command cfrt-so cfrt-cfrtcore km; do
	core="$WORK/cores/$name"
	[ $name = km ] && core="$WORK/m/km"
	prog=$(program_of $name)
	before=$(sha256sum "$core" | cut -d' ' -f1)
	"$COREFIX" rewrite --dry-run --json "$core" >"$WORK/plan.json" || fail "$name: dry run exit $?"
	"$COREFIX" rewrite -q "$core" -o "$WORK/fixed" || fail "$name: rewrite exit $?"
	[ "$(sha256sum "$core" | cut -d' ' -f1)" = "$before" ] || fail "$name: the input changed"
	[ "$(jq .needed "$WORK/plan.json")" = true ] || fail "$name: nothing to repair?"
	[ "$(stat -c %s "$WORK/fixed")" = "$(jq .output_size "$WORK/plan.json")" ] || fail "$name: output size"
	# Every differing byte of the old extent is one --dry-run listed.
	ranges=$(jq -r '.changes[] | select(.appended | not) | "\(.offset) \(.offset + .length)"' "$WORK/plan.json")
	cmp -l "$core" "$WORK/fixed" 2>/dev/null | awk -v r="$ranges" 'BEGIN { n = split(r, a, "[ \n]") }
		{ off = $1 - 1; ok = 0; for (i = 1; i < n; i += 2) if (off >= a[i] && off < a[i + 1]) ok = 1;
		  if (!ok) { print "undocumented change at " off; bad = 1; exit } } END { exit bad }' ||
		fail "$name: bytes changed that --dry-run did not list"
	bt=$(cd / && gdb -batch -nx "$prog" "$WORK/fixed" -ex bt 2>&1 | grep '^#')
	expect "$bt" 'crash_here \(p=0x0, v=3\) at [^ ]*libb\.c:4' "$name: plain gdb"
	expect "$bt" 'a_calls_b \(v=1\) at [^ ]*liba\.c:5' "$name: plain gdb"
	expect "$bt" 'main \(\) at [^ ]*main\.c:5' "$name: plain gdb"
	eu=$(cd / && eu-stack --core="$WORK/fixed" 2>&1)
	for f in crash_here a_calls_b main; do
		expect "$eu" "^#[0-9]+ +0x[0-9a-f]+ $f\$" "$name: eu-stack"
	done
	ll=$(cd / && timeout 120 lldb -b -c "$WORK/fixed" "$prog" -o bt -o 'image list' 2>&1)
	case $name in
	*-so | km)
		# lldb 14 finds libraries only through a DT_DEBUG entry in the
		# executable's file; a .so program (musl's or KM's way) has none.
		# It must still place the program where the core has it.
		bias=$(jq -r '.modules[] | select(.role == "main") | .bias' <<<"$("$COREFIX" modules --json "$core" 2>/dev/null)")
		expect "$ll" "^\\[ *[0-9]+\\] [0-9A-F-]+ 0x0*${bias#0x} $prog" "$name: lldb places the program"
		;;
	*)
		expect "$ll" 'frame #0: .*libb\.so`crash_here\(p=0x0+, v=3\) at libb\.c:4' "$name: lldb"
		expect "$ll" 'frame #2: .*`main at main\.c:5' "$name: lldb"
		;;
	esac
	note "$name: gdb, eu-stack and lldb read the rewritten core"
done

# A core that needs nothing comes out identical, holes and all.
take normal "$WORK/g" ./prog
"$COREFIX" rewrite -q "$WORK/cores/normal" -o "$WORK/same" || fail "no-op rewrite exit $?"
cmp "$WORK/cores/normal" "$WORK/same" || fail "a core needing no repair must come out byte-identical"
take cfrt-interp "$WORK/c" ./prog
"$COREFIX" rewrite -q "$WORK/cores/cfrt-interp" -o "$WORK/same" || fail "no-op rewrite (cfrt) exit $?"
cmp "$WORK/cores/cfrt-interp" "$WORK/same" || fail "a cfrt PT_INTERP core needs no repair: want byte-identical"
truncate -s +64M "$WORK/cores/normal"
"$COREFIX" rewrite -q "$WORK/cores/normal" -o "$WORK/sparse" || fail "sparse rewrite"
[ "$(stat -c %b "$WORK/sparse")" -le $(($(stat -c %b "$WORK/cores/normal") + 64)) ] || fail "holes were filled in"

# --in-place only with a backup, and the backup is the original.
"$COREFIX" rewrite --in-place "$WORK/cores/glibc-ldso" >/dev/null 2>&1; [ $? = 2 ] || fail "--in-place without --backup"
cp "$WORK/cores/glibc-ldso" "$WORK/orig"
"$COREFIX" rewrite -q --in-place --backup "$WORK/backup" "$WORK/cores/glibc-ldso" || fail "--in-place"
cmp "$WORK/orig" "$WORK/backup" || fail "the backup is not the original"
cmp -s "$WORK/orig" "$WORK/cores/glibc-ldso" && fail "--in-place changed nothing"
exit 0
