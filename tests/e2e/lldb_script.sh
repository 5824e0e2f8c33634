#!/bin/bash
# corefix lldb: real lldb 14, in batch mode, given only corefix's command
# file, shows the full backtrace for glibc's ld.so run as a command, a
# normal core (where lldb finds the libraries itself: no second copy), a
# musl .so program run by musl's loader, an i386 core (positive slides
# above 2 GiB, never sign-extended), a KM core and one that nowhere says
# Linux (which lldb 14 refuses as written: the command file names a copy
# repaired by rewrite's plan; the repeated KM thread is harmless), and libraries under
# hostile folder names: lldb evaluates backticks even inside quotes, and a
# newline would start a new command.
. "$(dirname "$0")/../lib.sh"
need_cmd lldb python3
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
MUSL=$(readlink -f /lib/ld-musl-x86_64.so.1)

# corefix_lldb CORE [EXE] : the command file into $WORK/cmds.lldb; exit status in $rc.
corefix_lldb() {
	"$COREFIX" lldb "$@" >"$WORK/cmds.lldb" 2>"$WORK/corefix.err"
	rc=$?
	[ $rc -le 1 ] || fail "corefix lldb exited $rc: $(cat "$WORK/corefix.err")"
}

# lldb_run [SCRIPT] : lldb -b -s SCRIPT, then bt and image list.
lldb_run() {
	(cd / && timeout 120 lldb -b -x -s "${1:-$WORK/cmds.lldb}" -o bt -o 'image list' 2>&1)
}

# expect_lldb_bt OUTPUT PROGRAM WHAT : the three frames, symbolized, and
# no command of the file failed (lldb would have stopped there).
expect_lldb_bt() {
	expect "$1" 'frame #0: 0x[0-9a-f]+ ([^ ]*-)?libb\.so`crash_here\(p=0x0+, v=3\) at libb\.c:4' "$3: lldb"
	expect "$1" 'frame #1: 0x[0-9a-f]+ ([^ ]*-)?liba\.so`a_calls_b\(v=1\) at liba\.c:5' "$3: lldb"
	expect "$1" "frame #2: 0x[0-9a-f]+ ([^ ]*-)?${2//./\\.}\`main at main\\.c:5" "$3: lldb"
	expect_not "$1" '^error:' "$3: lldb"
	note "$3: $(grep -E 'frame #[0-2]:' <<<"$1" | sed 's/^ *[*]* *//; s/(.*) at/ at/' | tr '\n' ';')"
}

# 1. glibc's ld.so as a command, and the same program run normally.
copy_set glibc "$WORK/g"
make_core "$WORK/g" "$LDSO" ./prog
corefix_lldb "$WORK/g/core"
[ $rc = 0 ] || fail "glibc ld.so: exit $rc: $(cat "$WORK/corefix.err")"
script=$(cat "$WORK/cmds.lldb")
expect "$script" '^target create --no-dependents --core "[^"]*/g/core" "[^"]*/g/prog"$' "script"
expect "$script" '^target modules load --(uuid [0-9a-f]+|file "[^"]*/g/prog") --slide 0x7f[0-9a-f]+$' "script"
expect_lldb_bt "$(lldb_run)" prog "glibc ld.so ./prog"

mv "$WORK/g/core" "$WORK/g/core.ldso"
make_core "$WORK/g" ./prog
corefix_lldb "$WORK/g/core"
out=$(lldb_run)
expect_lldb_bt "$out" prog "glibc ./prog (lldb finds the libraries too)"
[ "$(grep -c '/g/libb\.so *$' <<<"$out")" = 1 ] || fail "libb.so is listed more than once: $out"

# A missing library is a '#' comment (a failing command would end lldb's
# batch file there); the other modules still load.
mv "$WORK/g/liba.so" "$WORK/g/liba.so.away"
corefix_lldb "$WORK/g/core.ldso"
[ $rc = 1 ] || fail "a missing library: want exit 1, got $rc"
expect "$(cat "$WORK/cmds.lldb")" '^# not found, .*liba\.so$' "script"
out=$(lldb_run)
expect_not "$out" '^error:' "lldb with liba.so missing"
expect "$out" 'frame #0: 0x[0-9a-f]+ libb\.so`crash_here' "lldb with liba.so missing"
expect "$out" 'frame #2: 0x[0-9a-f]+ prog`main at main\.c:5' "lldb with liba.so missing"
mv "$WORK/g/liba.so.away" "$WORK/g/liba.so"

# 2. musl's loader running a .so program (no DT_DEBUG: lldb alone finds no library).
copy_set musl "$WORK/m"
ln -s "$MUSL" "$WORK/m/libc.so"
make_core "$WORK/m" "$MUSL" ./prog.so
corefix_lldb "$WORK/m/core"
[ $rc = 0 ] || fail "musl: exit $rc: $(cat "$WORK/corefix.err")"
expect_lldb_bt "$(lldb_run)" prog.so "musl ld-musl ./prog.so"

# 3. KM: lldb 14 cannot read KMSP notes without a counted NUL, nor tell the
# OS without EI_OSABI or a LINUX note. The command file names a copy
# repaired by rewrite's plan, kept in corefix's cache (reused next time);
# the core as written is left alone and lldb indeed refuses it.
make_core "$WORK/m" ./libc.so ./prog.so
"$MKCORE" km "$WORK/m/core" "$WORK/m/kmcore" "$MUSL" libc.so || fail "mkcore failed"
sum=$(sha256sum <"$WORK/m/kmcore")
corefix_lldb "$WORK/m/kmcore"
[ $rc = 0 ] || fail "KM: want exit 0 (a repaired copy is named), got $rc: $(cat "$WORK/corefix.err")"
script=$(cat "$WORK/cmds.lldb")
expect "$script" '^# lldb 14 cannot open this core as written: its KMSP notes' "KM script"
expect "$script" '^# written by this run: .*/cache/corefix/cores/[0-9a-f]{64}\.lldb\.core$' "KM script"
expect "$script" '^target create --no-dependents --core "[^"]*/cores/[0-9a-f]{64}\.lldb\.core" ' "KM script"
expect_lldb_bt "$(lldb_run)" prog.so "KM, through the repaired copy"
[ "$(sha256sum <"$WORK/m/kmcore")" = "$sum" ] || fail "KM: the input core was modified"
corefix_lldb "$WORK/m/kmcore"
expect "$(cat "$WORK/cmds.lldb")" '^# reused \(made by an earlier run\): ' "KM script, second run"
# The core as written: lldb refuses it.
sed "s#^target create --no-dependents --core \"[^\"]*\"#target create --no-dependents --core \"$WORK/m/kmcore\"#" \
	"$WORK/cmds.lldb" >"$WORK/km.lldb"
expect "$(lldb_run "$WORK/km.lldb")" 'Unable to parse note segment' "lldb on the KM core as written"
"$COREFIX" rewrite -q "$WORK/m/kmcore" -o "$WORK/m/kmcore.fixed" || fail "rewrite exit $?"
corefix_lldb "$WORK/m/kmcore.fixed"
[ $rc = 0 ] || fail "KM rewritten: exit $rc: $(cat "$WORK/corefix.err")"
expect_lldb_bt "$(lldb_run)" prog.so "KM, rewritten"
# The repeated vCPU thread alone does not stop lldb: the KM core with only
# its note owners and EI_OSABI made readable, the faulting thread still
# written twice, runs the script made for the KM core.
python3 - "$WORK/m/kmcore" "$WORK/m/kmcore.2threads" <<'EOF' || fail "patching the KM core"
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
phoff, = struct.unpack_from('<Q', d, 0x20)
phnum, = struct.unpack_from('<H', d, 0x38)
for i in range(phnum):
    t, _, off, _, _, size = struct.unpack_from('<IIQQQQ', d, phoff + 56 * i)
    p = off
    while t == 4 and p + 12 <= off + size:
        nz, dz, _ = struct.unpack_from('<III', d, p)
        if d[p + 12:p + 12 + nz] == b'KMSP':
            d[p + 12:p + 16] = b'CORE'  # an unknown CORE note, which lldb skips
        p += 12 + (nz + 3 & ~3) + (dz + 3 & ~3)
d[7] = 3  # ELFOSABI_GNU
open(sys.argv[2], 'wb').write(d)
EOF
[ "$(readelf -n "$WORK/m/kmcore.2threads" | grep -c NT_PRSTATUS)" -ge 2 ] || fail "want the repeated NT_PRSTATUS kept"
sed 's#^\(target create .* "[^"]*/kmcore\)"#\1.2threads"#' "$WORK/km.lldb" >"$WORK/km2.lldb"
grep -q 'kmcore.2threads"' "$WORK/km2.lldb" || fail "no target create line to patch: $(cat "$WORK/km.lldb")"
expect_lldb_bt "$(lldb_run "$WORK/km2.lldb")" prog.so "KM, repeated thread kept"

# lldb 14 tells an x86 core is Linux by EI_OSABI, a LINUX note, or an
# NT_FILE path under /lib/x86_64-linux-gnu: the musl core with its LINUX
# notes renamed has none of them, and corefix says so as lldb does.
make_core "$WORK/m" "$MUSL" ./prog.so
python3 - "$WORK/m/core" "$WORK/m/core.nolinux" <<'EOF' || fail "patching the musl core"
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
phoff, = struct.unpack_from('<Q', d, 0x20)
phnum, = struct.unpack_from('<H', d, 0x38)
for i in range(phnum):
    t, _, off, _, _, size = struct.unpack_from('<IIQQQQ', d, phoff + 56 * i)
    p = off
    while t == 4 and p + 12 <= off + size:
        nz, dz, _ = struct.unpack_from('<III', d, p)
        if d[p + 12:p + 18] == b'LINUX\0':
            d[p + 12:p + 17] = b'XINUX'
        p += 12 + (nz + 3 & ~3) + (dz + 3 & ~3)
open(sys.argv[2], 'wb').write(d)
EOF
corefix_lldb "$WORK/m/core.nolinux"
[ $rc = 0 ] || fail "a core lldb cannot tell the OS of: want exit 0 (a repaired copy), got $rc"
expect "$(cat "$WORK/cmds.lldb")" '^# lldb 14 cannot open this core as written: .*Unsupported OS' "no-LINUX script"
expect_lldb_bt "$(lldb_run)" prog.so "core without LINUX notes, through the repaired copy"
sed "s#^target create --no-dependents --core \"[^\"]*\"#target create --no-dependents --core \"$WORK/m/core.nolinux\"#" \
	"$WORK/cmds.lldb" >"$WORK/nl.lldb"
expect "$(lldb_run "$WORK/nl.lldb")" 'Unsupported OS' "lldb on the core without LINUX notes, as written"

# 4. i386: a module at 0xf7xxxxxx linked at 0 slides by +0xf7xxxxxx, not by
# 0xfffffffff7xxxxxx (lldb adds --slide to 64-bit addresses).
need_set i386
copy_set i386 "$WORK/i"
make_core "$WORK/i" /lib/ld-linux.so.2 ./prog
corefix_lldb "$WORK/i/core"
[ $rc = 0 ] || fail "i386: exit $rc: $(cat "$WORK/corefix.err")"
expect "$(cat "$WORK/cmds.lldb")" '^target modules load .* --slide 0x[89a-f][0-9a-f]{7}$' "i386 script (a slide above 2 GiB)"
expect_not "$(cat "$WORK/cmds.lldb")" '--slide 0xffffffff' "i386 script (a sign-extended slide)"
expect_lldb_bt "$(lldb_run)" prog "i386 ld-linux.so.2 ./prog"

# 5. Hostile folder names. Quoted: backticks (one after a backslash),
# both quotes, '#', '$', spaces and a leading '-' reach lldb intact —
# had lldb evaluated `1+2` the folder would be "3" and the load would fail.
d="$WORK/q \`1+2\` \"dq\" 'sq' \\bs \\\`x #hash \$HOME -o"
copy_set glibc "$d"
make_core "$d" "$LDSO" ./prog
corefix_lldb "$d/core"
[ $rc = 0 ] || fail "quoted folder: exit $rc: $(cat "$WORK/corefix.err")"
expect_not "$(cat "$WORK/cmds.lldb")" 'alias' "script (no alias needed here)"
out=$(lldb_run)
expect_lldb_bt "$out" prog "quoted folder"
grep -qF "$d/libb.so" <<<"$out" || fail "lldb's image list lacks the literal path $d/libb.so: $out"

# A newline and an lldb command in the name: never run, loaded through the
# build-id alias.
marker="$WORK/pwned"
d="$WORK/h \`1+2\` \"q\" #x"$'\n'"platform shell touch $marker"$'\n'"y"
copy_set glibc "$d"
make_core "$d" "$LDSO" ./prog
corefix_lldb "$d/core"
script=$(cat "$WORK/cmds.lldb")
expect_not "$script" '^platform' "script"
expect "$script" 'loaded through an alias' "script"
expect "$script" "^target modules add --uuid [0-9a-f]+ \"$XDG_CACHE_HOME/corefix/alias/[0-9a-f]+-libb\\.so\"\$" "script"
out=$(lldb_run)
[ ! -e "$marker" ] || fail "the hostile path ran a command"
expect_lldb_bt "$out" prog "hostile folder"
exit 0
