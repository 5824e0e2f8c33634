#!/bin/bash
# No command overwrites a file its own run reads: every writing command ×
# an output that is the input (same path, a symlink to it, a hard link to
# it) is one line `corefix: OUT: is the input core CORE; refusing to
# overwrite it`, exit 2, and the input byte for byte as it was. The program
# (EXE), a module file, a rules file and a report being merged are refused
# the same way; an output that does not exist yet is written.
. "$(dirname "$0")/../lib.sh"
copy_set glibc "$WORK/s"
make_core "$WORK/s" ./prog
core="$WORK/s/core"
prog="$WORK/s/prog"
mkdir -p "$WORK/triage"
cp "$core" "$WORK/triage/core"
"$COREFIX" triage --json "$WORK/triage" >"$WORK/report.json" || fail "triage --json exit $?"

# refused WHAT-REGEX INPUT OUT COMMAND-ARGS... : exit 2, the one line, INPUT unchanged.
refused() {
	local what=$1 input=$2 out=$3 before after err rc
	shift 3
	before=$(sha256sum <"$input")
	err=$("$COREFIX" "$@" 2>&1 >/dev/null)
	rc=$?
	after=$(sha256sum <"$input")
	[ "$before" = "$after" ] || fail "corefix $*: changed $input"
	[ $rc -eq 2 ] || fail "corefix $*: exit $rc, want 2 ($err)"
	[ "$(wc -l <<<"$err")" -eq 1 ] || fail "corefix $*: want one line, got: $err"
	expect "$err" "^corefix: $out: is $what; refusing to overwrite it\$" "stderr of corefix $*"
	[ -L "$out" ] || [ -f "$out" ] || fail "corefix $*: $out is gone"
}

ln -sf "$core" "$WORK/link.core"
ln -f "$core" "$WORK/hard.core"
n=0
for out in "$core" "$WORK/link.core" "$WORK/hard.core"; do
	for cmd in gdb lldb modules "modules --json" explain backtrace "backtrace --json" bundle rewrite; do
		# shellcheck disable=SC2086
		refused "the input core $core" "$core" "$out" $cmd "$core" -o "$out"
		n=$((n + 1))
	done
	refused "the input core $core" "$core" "$out" rewrite --in-place --backup "$out" "$core"
done
tcore="$WORK/triage/core"
ln -sf "$tcore" "$WORK/link.triage"
ln -f "$tcore" "$WORK/hard.triage"
for out in "$tcore" "$WORK/link.triage" "$WORK/hard.triage"; do
	refused "the input core $tcore" "$tcore" "$out" triage "$tcore" -o "$out"
	refused "the input core $tcore" "$tcore" "$out" triage "$WORK/triage" -o "$out"
	refused "the input core $tcore" "$tcore" "$out" triage "$WORK/triage" --html "$out"
done
cp "$WORK/report.json" "$WORK/base.json"
refused "the baseline $WORK/base.json" "$WORK/base.json" "$WORK/base.json" triage --baseline \
	"$WORK/base.json" "$WORK/triage" --html "$WORK/base.json"
ln -sf "$WORK/report.json" "$WORK/link.json"
refused "the input report $WORK/report.json" "$WORK/report.json" "$WORK/link.json" triage --merge \
	"$WORK/report.json" -o "$WORK/link.json"
note "$n command × link cases refused, core unchanged"

# A core that also draws warnings (truncated): the refusal is still the one line.
head -c $(( $(stat -c %s "$core") / 2 )) "$core" >"$WORK/cut.core"
refused "the input core $WORK/cut.core" "$WORK/cut.core" "$WORK/cut.core" "$WORK/cut.core" -o "$WORK/cut.core"

# The other files a run reads.
refused "the program $prog" "$prog" "$prog" "$core" "$prog" -o "$prog"
refused "the module file .*/libb\\.so" "$WORK/s/libb.so" "$WORK/s/libb.so" bundle "$core" -o "$WORK/s/libb.so"
mkdir -p "$WORK/rules"
cp "$(dirname "$0")/../../corefix/rules/"*.rules "$WORK/rules/"
refused "the rules file $WORK/rules/skip.rules" "$WORK/rules/skip.rules" "$WORK/rules/skip.rules" \
	triage --rules "$WORK/rules" "$WORK/triage" -o "$WORK/rules/skip.rules"

# A new file, or an existing one that is no input, is written.
"$COREFIX" "$core" -o "$WORK/new.gdb" 2>/dev/null
[ $? -le 1 ] && [ -s "$WORK/new.gdb" ] || fail "corefix CORE -o NEW wrote nothing"
"$COREFIX" modules "$core" -o "$WORK/new.gdb" 2>/dev/null
[ $? -le 1 ] && grep -q libb "$WORK/new.gdb" || fail "corefix modules -o EXISTING did not replace it"
exit 0
