#!/bin/bash
# Separate debug info: a stripped library whose DWARF lives in
# DIR/.build-id/xx/yyyy.debug is found with --debug-dir DIR, and with a
# .gnu_debuglink next to the library; gdb (corefix's script and the
# bridge) and lldb (corefix's command file) find it with --debug-dir DIR too.
. "$(dirname "$0")/../lib.sh"
copy_set glibc "$WORK/g"
make_core "$WORK/g" ./prog
id=$(readelf -n "$WORK/g/libb.so" | sed -n 's/.*Build ID: //p')
mkdir -p "$WORK/dbg/.build-id/${id:0:2}"
objcopy --only-keep-debug "$WORK/g/libb.so" "$WORK/dbg/.build-id/${id:0:2}/${id:2}.debug"
strip -g "$WORK/g/libb.so"
line() { "$COREFIX" backtrace "$@" "$WORK/g/core" 2>/dev/null | grep -E '^#0 '; }
expect_not "$(line)" 'libb\.c:4' "stripped, no debug dir"
expect "$(line --debug-dir "$WORK/dbg")" 'crash_here \(libb\.so\+0x[0-9a-f]+\)  libb\.c:4' "--debug-dir"

# gdb takes --debug-dir too: the script (and the bridge) put DIR before
# gdb's own debug-file-directory, so the stripped libb.so gets its lines.
# DIR is given through a name with blanks, quotes, '%', '#' and a
# backslash, which gdb's parsers must read back unchanged.
BRIDGE="$(dirname "$COREFIX")/../share/corefix/gdb/corefix.py"
[ -f "$BRIDGE" ] || fail "no $BRIDGE"
odd="$WORK/debug \"files\" 100% #1 \\x"
cp -a "$WORK/dbg" "$odd"
frame0='#0 .*crash_here \(p=0x0, v=3\) at [^ ]*libb\.c:4'
corefix_gdb "$WORK/g/core"
expect_not "$(gdb_bt)" "$frame0" "gdb script, no debug dir"
mkdir -p "$WORK/nowhere"
corefix_gdb --debug-dir "$WORK/nowhere" --debug-dir "$odd" "$WORK/g/core"
expect "$(gdb_bt)" "$frame0" "gdb script, --debug-dir"
expect "$(cat "$WORK/cmds.gdb")" '^eval "set debug-file-directory ' "gdb script, --debug-dir"
# gdb's own directories stay searched, after DIR.
out=$(cd / && gdb -batch -nx -x "$WORK/cmds.gdb" -ex 'show debug-file-directory' 2>&1)
expect "$out" ':/usr/lib/debug"\.$' "gdb script keeps gdb's default"
g() { (cd / && gdb -batch -nx "$@" 2>&1); }
out=$(g -ex "source $BRIDGE" -ex "core-file $WORK/g/core" -ex corefix -ex bt)
expect_not "$out" "$frame0" "bridge, no debug dir"
out=$(g -ex "source $BRIDGE" -ex "core-file $WORK/g/core" -ex "corefix --debug-dir '$WORK/dbg'" -ex bt \
	-ex 'show debug-file-directory')
expect "$out" "$frame0" "bridge, --debug-dir"
expect "$out" "\"$WORK/dbg:/usr/lib/debug\"\\.\$" "bridge keeps gdb's default"
# Given the program, gdb loads the libraries itself (before --debug-dir
# was known): the bridge hands them their debug files.
out=$(g -ex "source $BRIDGE" "$WORK/g/prog" "$WORK/g/core" -ex "corefix --debug-dir '$WORK/dbg'" -ex bt)
expect "$out" 'corefix: gdb has +.*/g/libb\.so' "bridge, --debug-dir, gdb's own libraries"
expect "$out" "$frame0" "bridge, --debug-dir, gdb's own libraries"
# A folder gdb cannot be given (its list is ':'-separated) is refused.
"$COREFIX" --debug-dir "$WORK/a:b" "$WORK/g/core" >/dev/null 2>"$WORK/err" && fail "a ':' in --debug-dir was taken"
expect "$(cat "$WORK/err")" "^corefix: --debug-dir.*':'" "--debug-dir with ':'"
out=$(g -ex "source $BRIDGE" -ex "core-file $WORK/g/core" -ex "corefix --debug-dir $WORK/a:b" -ex 'echo after\n')
expect "$out" "^corefix: --debug-dir.*':'" "bridge, --debug-dir with ':'"
# One gdb's `set` would bend (a '~' after a blank) is left out, said so,
# and the script still runs (exit 1: written, but incomplete).
mkdir -p "$WORK/a ~b"
"$COREFIX" --debug-dir "$WORK/a ~b" --debug-dir "$WORK/dbg" "$WORK/g/core" >"$WORK/cmds.gdb" 2>"$WORK/err"
[ $? = 1 ] || fail "a --debug-dir left out is not exit 1"
expect "$(cat "$WORK/err")" "warning: --debug-dir .*a ~b: gdb cannot be given" "--debug-dir with ' ~'"
expect "$(cat "$WORK/cmds.gdb")" "^# --debug-dir left out" "--debug-dir with ' ~'"
expect "$(gdb_bt)" "$frame0" "gdb script, one --debug-dir left out"
"$COREFIX" --help | grep -A1 -e '--debug-dir' | grep -q 'gdb' || fail "--help does not say --debug-dir serves gdb"
# lldb too: its debug-file-search-paths take the same .build-id layout, set
# before target create (the odd name is quoted lldb's way).
lldb_frame0() {
	"$COREFIX" lldb "$@" "$WORK/g/core" >"$WORK/cmds.lldb" 2>"$WORK/err" || fail "corefix lldb exited $?: $(cat "$WORK/err")"
	(cd / && timeout 120 lldb -b -x -s "$WORK/cmds.lldb" -o bt 2>&1) | grep -E 'frame #0|^error'
}
expect_not "$(lldb_frame0)" 'libb\.c:4' "lldb, no debug dir"
out=$(lldb_frame0 --debug-dir "$WORK/nowhere" --debug-dir "$odd")
expect "$out" 'frame #0: .*crash_here\(p=0x0+, v=3\) at libb\.c:4' "lldb, --debug-dir"
expect_not "$out" '^error' "lldb, --debug-dir"
expect "$(cat "$WORK/cmds.lldb")" '^settings append target\.debug-file-search-paths "[^"]*/debug \\"files\\" 100% #1 \\\\x"$' \
	"lldb command file, --debug-dir"
cp "$WORK/dbg/.build-id/${id:0:2}/${id:2}.debug" "$WORK/g/libb.so.debug"
objcopy --add-gnu-debuglink="$WORK/g/libb.so.debug" "$WORK/g/libb.so"
expect "$(line)" 'libb\.c:4' "debuglink"
# With DEBUGINFOD_URLS unset nothing waits on a network.
env -u DEBUGINFOD_URLS timeout 20 "$COREFIX" backtrace "$WORK/g/core" >/dev/null || fail "backtrace without debuginfod"
exit 0
