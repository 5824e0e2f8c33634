# Shared glue for the end-to-end tests: make a real core, run corefix and
# real gdb, assert on what they print. Sourced by tests/e2e/*.sh.
# Environment (set by ctest): COREFIX, SAMPLES, TESTTMP.
set -u
: "${COREFIX:?}" "${SAMPLES:?}" "${TESTTMP:?}"
TEST_NAME=$(basename "$0" .sh)
WORK="$TESTTMP/$TEST_NAME"
rm -rf "$WORK"
mkdir -p "$WORK"
# Aliases for unsafe paths go here, not into the user's cache.
export XDG_CACHE_HOME="$WORK/cache"
# No test reaches the network: a distribution's profile may set
# DEBUGINFOD_URLS, and corefix then fetches missing files. tests/e2e/debuginfod.sh
# sets it to its own server on 127.0.0.1.
unset DEBUGINFOD_URLS

fail() {
	echo "FAIL($TEST_NAME): $*" >&2
	exit 1
}

note() { echo "-- $*"; }

# make_core DIR CMD... : run CMD in DIR until it crashes; leave DIR/core.
make_core() {
	"$(dirname "${BASH_SOURCE[0]}")/make-core.sh" "$@" || fail "could not make a core of: ${*:2}"
}

# corefix_gdb CORE [EXE] : corefix's script for CORE into $WORK/cmds.gdb.
corefix_gdb() {
	"$COREFIX" "$@" >"$WORK/cmds.gdb" 2>"$WORK/corefix.err"
	local rc=$?
	[ $rc -le 1 ] || fail "corefix exited $rc: $(cat "$WORK/corefix.err")"
	return 0
}

# gdb_bt [ARGS...] : gdb -batch with the script, then bt; output on stdout.
gdb_bt() {
	(cd / && gdb -batch -nx "$@" -x "$WORK/cmds.gdb" -ex bt 2>&1)
}

# expect TEXT REGEX [WHAT]
expect() {
	grep -qE -- "$2" <<<"$1" || fail "${3:-output} lacks /$2/:
$1"
}

expect_not() {
	if grep -qE -- "$2" <<<"$1"; then fail "${3:-output} has /$2/:
$1"; fi
}

# The frames every two-DSO sample crash must show, symbolized with file:line.
expect_two_dso_frames() {
	expect "$1" '#0 .*crash_here \(p=0x0, v=[0-9]+\) at [^ ]*libb\.c:4' "gdb backtrace"
	expect "$1" '#1 .*a_calls_b \(v=[0-9]+\) at [^ ]*liba\.c:5' "gdb backtrace"
}

copy_set() { # copy_set SET DEST : a sample set, with its rpath-relative layout
	mkdir -p "$2"
	cp -a "$SAMPLES/$1/." "$2/"
}

# --- Cores of other architectures (tests/e2e/arch_*) ---

# need_set SET : the sample set must have been built. A missing set fails
# the test with CMake's reason (SAMPLES/SET.missing); it is never skipped,
# since .ci/deps installs every toolchain the sets need.
need_set() {
	[ -d "$SAMPLES/$1" ] && return 0
	fail "sample set $1 was not built (run .ci/deps, then configure again): $(cat "$SAMPLES/$1.missing" 2>/dev/null || echo 'no reason recorded')"
}

# need_cmd CMD... : commands .ci/deps installs; missing ones fail the test.
need_cmd() {
	local c
	for c; do command -v "$c" >/dev/null || fail "$c not found (run .ci/deps)"; done
}

# make_qemu_core DIR QEMU [OPTIONS] PROGRAM... : make_core for a program run
# under qemu-user; the guest's core becomes DIR/core, its output DIR/run.log.
make_qemu_core() {
	"$(dirname "${BASH_SOURCE[0]}")/make-qemu-core.sh" "$@" || fail "qemu left no core of: ${*:2}"
}

# ld_debug_bases LOG : "NAME BASE" for each object glibc's loader reported
# mapping under LD_DEBUG=files (BASE is its l_addr, the load bias), as
# written by the crashed process itself.
ld_debug_bases() {
	awk '/file=.*generating link map/ { n = $2; sub(/^file=/, "", n) }
	     /base: 0x/ && n != "" { for (i = 1; i < NF; i++) if ($i == "base:") print n, $(i + 1); n = "" }' "$1"
}

# expect_ld_debug_biases JSON SCRIPT LOG MIN WHAT : every object the crashed
# process's LD_DEBUG=files reported into LOG has exactly that bias in JSON
# and SCRIPT (expect_bias); at least MIN objects (WHAT names them).
expect_ld_debug_biases() {
	local json=$1 script=$2 log=$3 min=$4 what=$5 n=0 name base
	while read -r name base; do
		[ -n "$name" ] || continue
		expect_bias "$json" "$script" "$(basename "$name")" "$base" "LD_DEBUG=files"
		n=$((n + 1))
	done <<<"$(ld_debug_bases "$log")"
	[ $n -ge "$min" ] || fail "LD_DEBUG reported $n objects, want $what: $(cat "$log")"
}

# json_bias JSON NAME : corefix's bias (as printed) for the module whose path,
# or recorded name, is NAME or ends in /NAME.
json_bias() {
	jq -r --arg b "$2" '[.modules[] | select(((.path // .name) // "") as $p | $p == $b or ($p | endswith("/" + $b))) | .bias]
		| first // empty' <<<"$1"
}

# script_bias SCRIPT NAME : the -o argument of NAME's add-symbol-file line.
script_bias() {
	local line
	while IFS= read -r line; do
		case $line in
		"add-symbol-file \""*"/$2\" -o "*)
			line=${line##*\" -o }
			echo "${line%% *}"
			return 0
			;;
		esac
	done <"$1"
}

# expect_bias JSON SCRIPT NAME WANT WHY : NAME's bias is exactly WANT both in
# `corefix modules --json` and in the gdb script's add-symbol-file -o.
expect_bias() {
	local want got
	want=$(printf '0x%x' "$4")
	got=$(json_bias "$1" "$3")
	[ -n "$got" ] || fail "$3: corefix modules --json lists no such module ($5 says bias $want): $1"
	[ "$got" = "$want" ] || fail "$3: corefix modules --json bias $got, $5 says $want"
	got=$(script_bias "$2" "$3")
	[ "$got" = "$want" ] || fail "$3: gdb script has add-symbol-file -o '${got:-<no line>}', $5 says $want:
$(grep -E '^add-symbol-file' "$2")"
	note "$3 bias $want = $5"
}

# text_addr FILE : the link-time address of FILE's .text section (hex digits).
text_addr() { readelf -SW "$1" | sed -n 's/.*\] \.text *PROGBITS *\([0-9a-f]*\) .*/\1/p'; }

# expect_gdb_lib_biases JSON SCRIPT MIN GDB-ARGS... : for every library
# `gdb GDB-ARGS -ex 'info sharedlibrary'` lists (gdb's own discovery), its
# bias (From − .text address) is corefix's, in JSON and script; at least MIN
# libraries must be compared.
expect_gdb_lib_biases() {
	local json=$1 script=$2 min=$3 libs from to syms path t n=0
	shift 3
	libs=$(gdb -batch -nx "$@" -ex 'info sharedlibrary' 2>/dev/null | grep '^0x')
	while read -r from to syms path; do
		[ -n "$path" ] || continue
		path=${path#"(*)"}                # "Yes (*)": no debugging information
		path=${path#"${path%%[! ]*}"}
		t=$(text_addr "$path")
		[ -n "$t" ] || fail "no .text in $path (gdb: $from $to $syms $path)"
		expect_bias "$json" "$script" "$(basename "$path")" $((from - 0x$t)) "gdb's info sharedlibrary (From $from - .text 0x$t)"
		n=$((n + 1))
	done <<<"$libs"
	[ $n -ge "$min" ] || fail "gdb listed $n libraries, want at least $min: $libs"
}

# expect_bt_json JSON "FUNCTION FILE:LINE"... : the crashed thread's first
# frames in `corefix backtrace --json`, exactly (file by base name).
expect_bt_json() {
	local json=$1 got want
	shift
	got=$(jq -r '[.threads[] | select(.crashed)][0].frames[]
		| "\(.function) \((.file // "?") | split("/") | last):\(.line)"' <<<"$json" 2>&1 | head -n $#)
	want=$(printf '%s\n' "$@")
	[ "$got" = "$want" ] || fail "corefix backtrace --json: the crashed thread's frames are
$got
want
$want
threads: $(jq -c '[.threads[] | {tid, crashed, stopped, frames: [.frames[] | "\(.pc) \(.function)"]}]' <<<"$json" 2>&1)"
}

# auxv_phdr_bias LOG FILE : FILE's bias from the AT_PHDR that glibc's
# LD_SHOW_AUXV=1 printed into LOG (FILE being what the kernel, or qemu,
# started): AT_PHDR minus where FILE's program headers are at link time.
auxv_phdr_bias() {
	local phdr at
	phdr=$(sed -n 's/^AT_PHDR: *//p' "$1" | head -1)
	[ -n "$phdr" ] || fail "LD_SHOW_AUXV printed no AT_PHDR into $1: $(cat "$1")"
	at=$(readelf -lW "$2" | awk '$1 == "PHDR" {print $3; exit}')
	if [ -z "$at" ]; then # no PT_PHDR: the first PT_LOAD maps e_phoff
		local phoff off vaddr
		phoff=$(readelf -hW "$2" | sed -n 's/.*Start of program headers: *\([0-9]*\).*/\1/p')
		read -r off vaddr < <(readelf -lW "$2" | awk '$1 == "LOAD" {print $2, $3; exit}')
		at=$((vaddr + phoff - off))
	fi
	echo $((phdr - at))
}

# qemu_loader_as_command SET SYSROOT QEMU LDSO MACHINE READELF_MACHINE :
# the SET sample crashed under QEMU with glibc's loader LDSO run as a command
# (qemu … LDSO ./prog). qemu writes the guest's core itself: no NT_FILE, no
# NT_SIGINFO, text pages not dumped, NT_AUXV shifted. corefix must find
# r_debug, place every module at the bias the guest reported (LD_DEBUG=files,
# LD_SHOW_AUXV), and name every frame in gdb-multiarch and in its backtrace.
qemu_loader_as_command() {
	local set=$1 sr=$2 qemu=$3 ldso=$4 machine=$5 remachine=$6 json rc main bt out
	need_set "$set"
	need_cmd "$qemu" gdb-multiarch
	[ -e "$ldso" ] || fail "$ldso missing (run .ci/deps)"
	copy_set "$set" "$WORK/s"
	make_qemu_core "$WORK/s" "$qemu" -L "$sr" -E LD_DEBUG=files -E LD_SHOW_AUXV=1 "$ldso" ./prog
	cd "$WORK/s" || fail "no $WORK/s"
	expect "$(cat run.log)" "qemu wrote qemu_$(basename "$ldso" | sed 's/[.]/\\./g')_[0-9]+-[0-9]+_[0-9]+\\.core" "qemu's core name"
	readelf -hW core | grep -qE "Machine: *$remachine" || fail "qemu's core is not a $remachine core: $(readelf -hW core)"

	json=$("$COREFIX" modules --json --sysroot "$sr" core 2>"$WORK/modules.err")
	rc=$?
	[ $rc -le 1 ] || fail "corefix modules exited $rc: $(cat "$WORK/modules.err")"
	[ "$(jq -r .machine <<<"$json")" = "$machine" ] || fail "want a $machine core: $json"
	# (link_map names it "./prog": relative to the crashed process's folder)
	main=$(jq -r '.modules[] | select(.role == "main") | .path // empty' <<<"$json")
	[ -n "$main" ] && [ "$(readlink -f "$main")" = "$WORK/s/prog" ] || fail "the real program is not the main module: $json"
	"$COREFIX" --sysroot "$sr" core >"$WORK/cmds.gdb" 2>"$WORK/corefix.err"
	rc=$?
	[ $rc -le 1 ] || fail "corefix exited $rc: $(cat "$WORK/corefix.err")"

	expect_ld_debug_biases "$json" "$WORK/cmds.gdb" run.log 4 "prog liba.so libb.so libc.so.6"
	# The loader qemu ran: AT_PHDR describes it.
	expect_bias "$json" "$WORK/cmds.gdb" "$(basename "$ldso")" "$(auxv_phdr_bias run.log "$ldso")" "AT_PHDR"
	[ "$(jq -r .loader_as_command <<<"$json")" = true ] || fail "psargs names the loader: loader_as_command must be true: $json"

	bt=$(cd / && gdb-multiarch -batch -nx -x "$WORK/cmds.gdb" -ex bt 2>&1)
	expect_two_dso_frames "$bt"
	expect "$bt" '#2 .*main \(\) at [^ ]*main\.c:5' "gdb-multiarch backtrace"
	note "$(grep '^#' <<<"$bt")"

	out=$("$COREFIX" backtrace --sysroot "$sr" core 2>&1)
	expect "$out" 'crash_here \(libb\.so\+0x[0-9a-f]+\)  [^ ]*libb\.c:4' "corefix backtrace"
	expect "$out" 'a_calls_b \(liba\.so\+0x[0-9a-f]+\)  [^ ]*liba\.c:5' "corefix backtrace"
	expect "$out" 'main \(prog\+0x[0-9a-f]+\)  [^ ]*main\.c:5' "corefix backtrace"
	expect_bt_json "$("$COREFIX" backtrace --json --sysroot "$sr" core 2>/dev/null)" \
		"crash_here libb.c:4" "a_calls_b liba.c:5" "main main.c:5"
}
