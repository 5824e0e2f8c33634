# The real-program corpus (tests/real/cases/NAME.sh sources this file): a
# program from a Debian package is crashed at a deterministic point twice,
# started normally and through the loader run as a command, and corefix's
# view of the crashing thread must be gdb's own view of the normally
# started core, frame by frame: the function names, in order, from the
# fault through main (or the thread's start function).
#
# The oracle is plain gdb on the normally started core, on this machine
# (the same files, the same debug info as the tools checked). The tools:
#   script     corefix CORE > s.gdb; gdb -batch -x s.gdb
#   backtrace  corefix backtrace --json CORE (the crashed thread)
#   bridge     gdb -ex 'source corefix.py' -ex 'corefix CORE' (it opens the core)
#   rewrite    plain gdb EXE on corefix rewrite's output
#   eu-stack   eu-stack on corefix rewrite's output
# Names are compared after removing only what two correct tools spell
# differently for one function: a symbol version (@@GLIBC_2.3.2), glibc's
# __GI_ alias prefix and leading underscores (__clone3 is clone3 in glibc's
# DWARF). `??` must stay `??`. Inlined frames count as frames, as gdb
# shows them; so do the frames gdb rebuilds for tail calls from DWARF call
# sites (corefix backtrace must rebuild them too; eu-stack does not, and is
# compared without them). On one core the program counters of every frame
# must also agree (with gdb's on the normally started core, with the
# script's on the other). corefix must find and place every module (exit
# status 0) and print no warning: a second mapping of a library is no
# reason for one.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
REAL=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FRAMES=$REAL/frames.py
BRIDGE=${BRIDGE:-"$(dirname "$COREFIX")/../share/corefix/gdb/corefix.py"}
GLIBC_LDSO=/lib64/ld-linux-x86-64.so.2
MUSL_LDSO=/lib/ld-musl-x86_64.so.1
IN=$WORK/in          # the program's input files (scripts), by absolute path
mkdir -p "$IN"
CF_OPTS=()           # options every corefix command gets (--search DIR)
ANCHORS=()           # functions gdb's oracle must show (checks the recipe)
LOADERS=("$GLIBC_LDSO")
ORACLE=gdb           # or "dl": gdb told the biases the program printed
# The outermost frame compared: main, or a thread's start function (gdb
# names glibc's __libc_start_call_main and start_thread/clone3 even where
# the program's own main has no symbol).
END='main|libc_start_call_main|libc_start_main_impl|start_thread|clone3'
declare -A RESULT
FAILED=()
export COREFIX

need_cmd gdb eu-stack jq timeout
[ -f "$BRIDGE" ] || fail "no $BRIDGE"

# need_program PATH PACKAGE : skip (ctest SKIP, the reason printed) when
# the program is not on this machine; .ci/deps installs it for CI.
need_program() {
	[ -x "$1" ] && return 0
	echo "SKIP($TEST_NAME): $1 is not installed (Debian package $2; .ci/deps installs it)"
	exit 77
}

# norm : "pc<TAB>name" lines to "pc name" with the name normalized.
norm() {
	sed -E 's/@[^\t ]*$//; s/\t__GI_/\t/; s/\t_+([^_])/\t\1/; s/\t/ /'
}

# gdb_frames OUT ARGS... : gdb -batch ARGS, then frames.py; frames into
# OUT ("pc name"), the crashed thread's LWP into OUT.tid, the whole
# output into OUT.log. A hung gdb is killed.
gdb_frames() {
	local out=$1
	shift
	(cd / && exec timeout -k 5 45 gdb -batch -nx "$@" -x "$FRAMES" </dev/null >"$out.log" 2>&1)
	case $? in 124 | 137) echo "  gdb did not finish in 45 s (hung): gdb -batch -nx $*" ;; esac
	sed -n 's/^TID //p' "$out.log" >"$out.tid"
	sed -nE 's/^FRAME //p; s/^TAILCALL (.*)/\1 [tail call]/p' "$out.log" | norm >"$out"
}

# corefix_ok WHAT ERRFILE RC : corefix placed every module and warned nothing.
corefix_ok() {
	local problems=()
	[ "$3" -eq 0 ] || problems+=("exit status $3")
	grep -q 'warning' "$2" && problems+=("stderr: $(head -c 2000 "$2")")
	[ ${#problems[@]} -eq 0 ] && return 0
	echo "  $1: ${problems[*]}"
	return 1
}

# same_frames WHAT GOT WANT [PCS] : GOT's first frames are WANT's, by name;
# with PCS (a frames file of the same core) by pc too. For eu-stack, gdb's
# tail-call frames are left out of WANT and PCS: it unwinds the stack only,
# where a tail call leaves nothing (corefix backtrace rebuilds them as gdb).
same_frames() {
	local what=$1 got=$2 want=$3 pcs=${4:-} n
	case $what in
	eu-stack*)
		grep -v ' \[tail call\]$' "$want" >"$got.want"
		want=$got.want
		if [ -n "$pcs" ]; then
			grep -v ' \[tail call\]$' "$pcs" >"$got.pcs"
			pcs=$got.pcs
		fi
		;;
	esac
	n=$(wc -l <"$want")
	names() { cut -d' ' -f2- | sed 's/ \[tail call\]$//'; }
	if [ "$(head -n "$n" "$got" | names)" != "$(names <"$want")" ]; then
		echo "  $what: function names differ from gdb's on the normally started core (-: gdb, +: $what):"
		diff <(names <"$want") <(head -n "$n" "$got" | names) | sed -n 's/^[<>]/    &/p' | head -40
		return 1
	fi
	if [ -n "$pcs" ] && [ "$(head -n "$n" "$got" | cut -d' ' -f1)" != "$(head -n "$n" "$pcs" | cut -d' ' -f1)" ]; then
		echo "  $what: program counters differ on one core (-: reference, +: $what):"
		diff <(head -n "$n" "$pcs") <(head -n "$n" "$got") | sed -n 's/^[<>]/    &/p' | head -40
		return 1
	fi
	return 0
}

record() { # record CORE TOOL STATUS
	RESULT[$1,$2]=$3
	[ "$3" != FAIL ] || FAILED+=("$1:$2")
}

# oracle EXE DIR : gdb's view of DIR/core into DIR/oracle.
oracle() {
	local exe=$1 dir=$2 args=()
	if [ "$ORACLE" = dl ]; then
		# The process printed "CFDL NAME BIAS" for the program and every
		# library (dl_iterate_phdr). gdb is given no program file: with
		# one, core-file lists the libraries even with auto-solib-add off,
		# opens the link_map's /proc/self/fd/N in its own process and
		# hangs; each object is added at the bias the process printed.
		args=(-ex 'set auto-solib-add off' -ex "core-file $dir/core")
		local name bias
		while read -r _ name bias; do
			args+=(-ex "add-symbol-file \"$name\" -o $bias")
		done < <(cat "$dir/run.log" "$dir/gcore.log" 2>/dev/null | grep '^CFDL /')
		cat "$dir/run.log" "$dir/gcore.log" 2>/dev/null | grep -q '^CFDL ' ||
			fail "the program printed no CFDL lines: $(cat "$dir/run.log" "$dir/gcore.log" 2>/dev/null)"
	else
		args=("$exe" "$dir/core")
	fi
	gdb_frames "$dir/oracle" "${args[@]}"
	[ -s "$dir/oracle" ] || fail "gdb shows no frame on $dir/core: $(cat "$dir/oracle.log")"
	local a
	for a in "${ANCHORS[@]}"; do
		grep -qE " ($a)\$" "$dir/oracle" || fail "gdb's frames on the normally started core lack $a (the recipe is wrong):
$(cat "$dir/oracle")"
	done
	# Compared through main, or the thread's start function (END): gdb
	# must get there, and frames past it are not compared.
	local last
	last=$(grep -nE " ($END)\$" "$dir/oracle" | tail -n 1 | cut -d: -f1)
	[ -n "$last" ] || fail "gdb's frames on the normally started core stop before main or the thread start (/$END/):
$(cat "$dir/oracle.log")"
	head -n "$last" "$dir/oracle" >"$dir/oracle.cut" && mv "$dir/oracle.cut" "$dir/oracle"
	note "gdb on the normally started core (thread $(cat "$dir/oracle.tid")), $(wc -l <"$dir/oracle") frames:"
	sed 's/^/     /' "$dir/oracle"
}

# check_core KIND EXE DIR WANT : every tool on DIR/core against WANT.
check_core() {
	local kind=$1 exe=$2 dir=$3 want=$4 core=$3/core rc ref=
	local tid
	[ "$kind" = normal ] && ref=$want

	"$COREFIX" "${CF_OPTS[@]}" "$core" >"$dir/s.gdb" 2>"$dir/script.err"
	rc=$?
	gdb_frames "$dir/script" -x "$dir/s.gdb"
	if corefix_ok "script" "$dir/script.err" $rc && same_frames script "$dir/script" "$want" "$ref"; then
		record "$kind" script pass
	else
		record "$kind" script FAIL
	fi
	[ -n "$ref" ] || ref=$dir/script
	tid=$(cat "$dir/script.tid")

	"$COREFIX" backtrace --json "${CF_OPTS[@]}" "$core" >"$dir/bt.json" 2>"$dir/bt.err"
	rc=$?
	jq -r '[.threads[] | select(.crashed)][0] | "TID \(.tid)",
		(.frames[] | .pc as $pc | ((.inlined | map(.function)) + [.function])[] | "FRAME \($pc)\t\(. // "??")")' \
		"$dir/bt.json" >"$dir/bt.log" 2>&1
	sed -n 's/^FRAME //p' "$dir/bt.log" | sed -E 's/^0x0*([0-9a-f])/0x\1/' | norm >"$dir/bt"
	if corefix_ok "backtrace" "$dir/bt.err" $rc && same_frames backtrace "$dir/bt" "$want" "$ref" &&
		{ grep -qx "TID $tid" "$dir/bt.log" || { echo "  backtrace: crashed thread $(head -1 "$dir/bt.log"), gdb's is $tid"; false; }; }; then
		record "$kind" backtrace pass
	else
		record "$kind" backtrace FAIL
	fi

	local opts="" o
	for o in "${CF_OPTS[@]}"; do opts+=" '$o'"; done
	gdb_frames "$dir/bridge" -ex "source $BRIDGE" -ex "corefix$opts '$core'"
	if same_frames bridge "$dir/bridge" "$want" "$ref" && grep -qx "$tid" "$dir/bridge.tid" &&
		! grep -F "warning: $core: " "$dir/bridge.log" | sed 's/^/  bridge: /' | grep .; then
		record "$kind" bridge pass
	else
		echo "  bridge: gdb said: $(grep -vE '^(TID|FRAME) ' "$dir/bridge.log" | head -c 1500)"
		record "$kind" bridge FAIL
	fi

	rm -f "$dir/fixed"
	"$COREFIX" rewrite "${CF_OPTS[@]}" "$core" -o "$dir/fixed" >"$dir/rewrite.out" 2>"$dir/rewrite.err"
	rc=$?
	gdb_frames "$dir/rewrite" "$exe" "$dir/fixed"
	if corefix_ok "rewrite" "$dir/rewrite.err" $rc && same_frames rewrite "$dir/rewrite" "$want" "$ref" &&
		grep -qx "$tid" "$dir/rewrite.tid"; then
		record "$kind" rewrite pass
	else
		record "$kind" rewrite FAIL
	fi

	eu_frames "$dir/eu" "$dir/fixed" "$exe" "$tid"
	if same_frames eu-stack "$dir/eu" "$want" "$ref" >"$dir/eu.diff"; then
		record "$kind" eu-stack pass
	elif [ -n "$EU_LIMIT" ]; then
		record "$kind" eu-stack n/a
	else
		cat "$dir/eu.diff"
		record "$kind" eu-stack FAIL
	fi
}

# eu_frames OUT CORE EXE TID : eu-stack's frames of thread TID. -i lists
# inlined frames as frames, as gdb does.
eu_frames() {
	timeout -k 5 30 eu-stack -i --core "$2" -e "$3" >"$1.log" 2>&1
	awk -v tid="TID $4:" '/^TID / { on = ($0 == tid); next }
		on && /^#[0-9]+ / { pc = $2; name = "??"; if ($3 != "" && $3 != "-") { name = $3; for (i = 4; i <= NF && $i != "-"; i++) name = name " " $i }
		printf "%s\t%s\n", pc, name }' "$1.log" | sed -E 's/^0x0*([0-9a-f])/0x\1/' | norm >"$1"
}

# eu_baseline EXE DIR : eu-stack on the normally started core itself. Where
# it is already wrong there (libdwfl takes a second mapping of a library's
# file for the library; it cannot find a memfd plugin), a rewritten core it
# still gets wrong is eu-stack's limit, not corefix's: the column says n/a,
# and the reason is printed, instead of failing corefix for it.
EU_LIMIT=
eu_baseline() {
	eu_frames "$2/eu-original" "$2/core" "$1" "$(cat "$2/oracle.tid")"
	same_frames "eu-stack on the normally started core" "$2/eu-original" "$2/oracle" "$2/oracle" >"$2/eu-original.diff" && return 0
	EU_LIMIT=$(cat "$2/eu-original.diff")
	note "eu-stack is wrong on the normally started core itself (not corefix's doing): where it is wrong on a rewritten core too, its column is n/a"
	sed 's/^/   /' "$2/eu-original.diff"
	grep -E '^eu-stack: ' "$2/eu-original.log" | sed 's/^/     /'
}

# real_run EXE ARGS... : crash EXE (started normally, then through each of
# LOADERS run as a command) and check every tool on every core. Prints the
# table; fails when any cell fails. ARGS hold no blanks or quotes (gdb's
# gcore fallback in make-core.sh would split them): a program's input goes
# into a file under $IN.
real_run() {
	local exe=$1 ldso kind
	shift
	note "program: $exe $*"
	mkdir -p "$WORK/normal"
	make_core "$WORK/normal" "$exe" "$@"
	oracle "$exe" "$WORK/normal"
	eu_baseline "$exe" "$WORK/normal"
	local kinds=(normal)
	for ldso in "${LOADERS[@]}"; do
		kind=$(basename "$ldso")
		mkdir -p "$WORK/$kind"
		make_core "$WORK/$kind" "$ldso" "$exe" "$@"
		kinds+=("$kind")
	done
	for kind in "${kinds[@]}"; do
		note "core: $kind"
		check_core "$kind" "$exe" "$WORK/$kind" "$WORK/normal/oracle"
	done
	local tool line
	printf '%-24s %-28s' "$TEST_NAME" core
	for tool in script backtrace bridge rewrite eu-stack; do printf ' %-9s' "$tool"; done
	echo
	for kind in "${kinds[@]}"; do
		line=$(printf '%-24s %-28s' "$TEST_NAME" "$kind")
		for tool in script backtrace bridge rewrite eu-stack; do line+=$(printf ' %-9s' "${RESULT[$kind,$tool]}"); done
		echo "$line"
	done
	[ ${#FAILED[@]} -eq 0 ] || fail "wrong on ${FAILED[*]} (details above; files in $WORK)"
	exit 0
}
