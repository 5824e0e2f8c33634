#!/bin/bash
# The gdb bridge: `corefix` typed in gdb fixes glibc ld.so, musl .so and KM
# cores; libcfrt.so's auto-load fixes cores of our loader run as a command
# with nothing typed (at start-up, on core-file later, on a second core);
# a hostile path runs nothing and is reported as skipped; a stale library
# is a warning in gdb; errors are gdb errors.
. "$(dirname "$0")/../lib.sh"
: "${CFRT_LIB:?}"
BRIDGE="$(dirname "$COREFIX")/../share/corefix/gdb/corefix.py"
[ -f "$BRIDGE" ] || fail "no $BRIDGE"
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
MUSL=$(readlink -f /lib/ld-musl-x86_64.so.1)
LD="$CFRT_LIB/libcfrt.so"
export COREFIX
g() { (cd / && gdb -batch -nx "$@" 2>&1); }
last_bt() { awk '/^add symbol table|^corefix: / {buf = ""; next} /^#/ {buf = buf $0 "\n"} END {printf "%s", buf}'; }

copy_set glibc "$WORK/g"
make_core "$WORK/g" "$LDSO" ./prog
out=$(g -ex "source $BRIDGE" "$LDSO" "$WORK/g/core" -ex corefix -ex bt)
expect "$out" '^corefix: loaded +.*/g/prog  \(bias 0x[0-9a-f]+ from NT_FILE\+link_map\)' "manual corefix, glibc"
expect "$(last_bt <<<"$out")" '#2 .*main \(\) at [^ ]*main\.c:5' "manual corefix, glibc"
# The source copy (gdb/corefix.py, not configured) with no $COREFIX and no
# corefix on PATH: it uses its tree's build/bin/corefix, else says which
# file to source. Shown on a copy of the tree, with and without a build.
mkdir -p "$WORK/tree/gdb"
cp "$(dirname "$0")/../../gdb/corefix.py" "$WORK/tree/gdb/"
src_g() { (cd / && env -u COREFIX PATH=/usr/bin:/bin gdb -batch -nx -ex "source $WORK/tree/gdb/corefix.py" \
	"$LDSO" "$WORK/g/core" -ex corefix 2>&1); }
if ! PATH=/usr/bin:/bin command -v corefix >/dev/null; then
	expect "$(src_g)" '^corefix: the corefix program was not found \(set \$COREFIX, put it on PATH, or source the built copy, BUILD/share/corefix/gdb/corefix\.py\)' \
		"source copy, no build"
	mkdir -p "$WORK/tree/build/bin"
	ln -s "$COREFIX" "$WORK/tree/build/bin/corefix"
	expect "$(src_g)" '^corefix: loaded +.*/g/prog  \(bias 0x[0-9a-f]+' "source copy, tree's build"
fi
out=$(g -ex "source $BRIDGE" "$LDSO" "$WORK/g/core" -ex 'info corefix')
expect "$out" '^main +.*/g/prog$' "info corefix"

# `corefix CORE` opens the core itself. A systemd-style core.zst: gdb
# cannot read it, the bridge opens the plain copy corefix keeps in its
# cache (the one its gdb script names), then loads every module.
zstd -q -o "$WORK/g/core.COMM.0.BOOT.1.2.zst" "$WORK/g/core" || fail "zstd"
out=$(g -ex "source $BRIDGE" -ex "corefix --cache-dir $WORK/cc $WORK/g/core.COMM.0.BOOT.1.2.zst" -ex 'info target' -ex bt)
sum=$(sha256sum "$WORK/g/core.COMM.0.BOOT.1.2.zst" | cut -d' ' -f1)
expect "$out" "^\s*\`$WORK/cc/cores/$sum\.core', file type" "corefix CORE.zst: gdb reads the cached copy"
expect "$out" '^corefix: loaded +.*/g/prog  \(bias 0x[0-9a-f]+ from NT_FILE\+link_map\)' "corefix CORE.zst"
expect "$(last_bt <<<"$out")" '#0 .*crash_here \(p=0x0, v=3\) at [^ ]*libb\.c:4' "corefix CORE.zst"
expect "$(last_bt <<<"$out")" '#2 .*main \(\) at [^ ]*main\.c:5' "corefix CORE.zst"
# The module table of `info corefix` is the compressed core's.
out=$(g -ex "source $BRIDGE" -ex "corefix --cache-dir $WORK/cc $WORK/g/core.COMM.0.BOOT.1.2.zst" -ex 'info corefix')
expect "$out" '^main +.*/g/prog$' "info corefix after corefix CORE.zst"
out=$(g -ex "source $BRIDGE" -ex "corefix $WORK/nonexistent" -ex 'echo after\n')
expect "$out" "^corefix: $WORK/nonexistent: " "corefix CORE: a missing core"
# A core whose link_map names /proc/self/fd/N (a plugin dlopened from a
# memfd): gdb given the program opens that name in its own process at
# core-file, even with auto-solib-add off, and waits forever. The bridge
# turns discovery off and opens the core as corefix's script does.
need_cmd cc timeout
mkdir -p "$WORK/mf"
cc -g -O1 -o "$WORK/mf/memfd_host" "$(dirname "$0")/../real/memfd_host.c" -ldl -lpthread || fail "cc memfd_host.c"
cc -g -O1 -shared -fPIC -o "$WORK/mf/plugin.so" "$(dirname "$0")/../real/memfd_plugin.c" || fail "cc memfd_plugin.c"
MAKE_CORE_GDB_INIT="set sysroot $WORK/mf/no-sysroot" make_core "$WORK/mf" "$WORK/mf/memfd_host" "$WORK/mf/plugin.so"
grep -qa '/memfd:plugin (deleted)' "$WORK/mf/core" || fail "the memfd core's NT_FILE names no /memfd:plugin (deleted)"
out=$(cd / && timeout -k 5 60 gdb -batch -nx "$WORK/mf/memfd_host" -ex "source $BRIDGE" \
	-ex "corefix --search $WORK/mf $WORK/mf/core" -ex bt </dev/null 2>&1)
rc=$?
[ $rc -ne 124 ] && [ $rc -ne 137 ] || fail "gdb hung in corefix CORE on a core whose link_map names /proc/self/fd/N: $out"
expect "$out" '^corefix: loaded +.*/mf/memfd_host  \(bias 0x[0-9a-f]+' "corefix CORE, memfd plugin"
expect "$(last_bt <<<"$out")" '#[0-9]+ .*worker \(arg=[^)]*\) at [^ ]*memfd_host\.c:[0-9]+' "corefix CORE, memfd plugin"

copy_set musl "$WORK/m"
ln -s "$MUSL" "$WORK/m/libc.so"
make_core "$WORK/m" ./libc.so ./prog.so
out=$(g -ex "source $BRIDGE" -ex "core-file $WORK/m/core" -ex corefix -ex bt)
expect "$(last_bt <<<"$out")" '#2 .*main \(\) at [^ ]*main\.c:5' "manual corefix, musl .so program"
"$MKCORE" km "$WORK/m/core" "$WORK/m/kmcore" "$MUSL" libc.so || fail "mkcore"
out=$(g -ex "source $BRIDGE" -ex "core-file $WORK/m/kmcore" -ex corefix -ex 'thread apply all bt')
expect "$out" 'main \(\) at [^ ]*main\.c:5' "manual corefix, KM core"
expect "$out" 'crash_here \(p=0x0, v=3\) at [^ ]*libb\.c:4' "manual corefix, KM core"
# corefix KMCORE: the script's core-file for a core that repeats a thread
# is a python block; the bridge runs it too.
out=$(g -ex "source $BRIDGE" -ex "corefix $WORK/m/kmcore" -ex 'thread apply all bt')
expect "$out" 'main \(\) at [^ ]*main\.c:5' "corefix KMCORE"
expect "$out" 'crash_here \(p=0x0, v=3\) at [^ ]*libb\.c:4' "corefix KMCORE"

# Auto-load: our loader run as a command, nothing typed.
copy_set cfrt "$WORK/c"
make_core "$WORK/c" "$LD" ./prog && mv "$WORK/c/core" "$WORK/c/core.prog"
make_core "$WORK/c" "$LD" ./threads && mv "$WORK/c/core" "$WORK/c/core.threads"
SAFE=(-iex "add-auto-load-safe-path $CFRT_LIB")
out=$(g "${SAFE[@]}" "$LD" "$WORK/c/core.prog" -ex bt)
expect "$(last_bt <<<"$out")" '#2 .*main \(\) at [^ ]*main\.c:5' "auto-load at start-up"
out=$(g "${SAFE[@]}" "$LD" -ex "core-file $WORK/c/core.prog" -ex bt -ex "core-file $WORK/c/core.threads" -ex bt)
expect "$out" '#2 .*main \(\) at [^ ]*main\.c:5' "auto-load on core-file"
expect "$(last_bt <<<"$out")" 'crasher \(arg=0x0\) at [^ ]*threads\.c:19' "auto-load on a second core"
out=$(g "$LD" "$WORK/c/core.prog" -ex bt)
expect_not "$(last_bt <<<"$out")" 'main \(\) at' "without the safe path nothing is auto-loaded"

# A hostile path: nothing runs, and the module is still loaded, through
# the build-id alias the corefix program made under the cache folder (the
# same one its gdb script uses), so every frame is symbolized.
marker="$WORK/pwned"
h="$WORK/h"$'\n'"shell touch $marker"$'\n'"x"
copy_set glibc "$h"
make_core "$h" "$LDSO" ./prog
ln -sf "$h/core" "$WORK/hcore"
out=$(g -ex "source $BRIDGE" -ex "core-file $WORK/hcore" -ex corefix -ex bt)
[ ! -e "$marker" ] || fail "a hostile path ran a command"
# (gcore's cores record the newline as \012, the kernel's as a newline.)
expect "$out" 'corefix: loaded +.*/h(\\n|\\\\012)shell touch .*prog  \(bias 0x[0-9a-f]+ from .*, through the alias .*/cache/corefix/alias/[0-9a-f]+-prog\)' "hostile path"
expect "$(last_bt <<<"$out")" '#0 .*crash_here \(p=0x0, v=3\) at [^ ]*libb\.c:4' "hostile path"
expect "$(last_bt <<<"$out")" '#2 .*main \(\) at [^ ]*main\.c:5' "hostile path"
alias=$(find "$XDG_CACHE_HOME/corefix/alias" -name '*-prog' -type l)
[ "$(readlink "$alias")" = "$h/prog" ] || fail "no alias of the hostile program under the cache: '$alias'"
[ ! -e "$marker" ] || fail "a hostile path ran a command"
# A name that is not UTF-8 cannot cross JSON intact: the bridge still gets
# the right file, through the alias the corefix program made.
u="$WORK/u"$'\xff'
copy_set glibc "$u"
make_core "$u" "$LDSO" ./prog
ln -sf "$u/core" "$WORK/ucore"
out=$(g -ex "source $BRIDGE" -ex "core-file $WORK/ucore" -ex corefix -ex bt)
expect "$out" 'corefix: loaded +.*/u.*/prog  \(bias 0x[0-9a-f]+ from .*, through the alias ' "non-UTF-8 path"
expect "$(last_bt <<<"$out")" '#2 .*main \(\) at [^ ]*main\.c:5' "non-UTF-8 path"

# A stale library is a warning in gdb; errors are gdb errors.
cp "$WORK/g/liba.so" "$WORK/g/libb.so"
out=$(g -ex "source $BRIDGE" -ex "core-file $WORK/g/core" -ex corefix)
expect "$out" '^warning: .*libb\.so: build-id mismatch' "stale library"
expect "$out" 'corefix: skipped +.*/g/libb\.so  \(build-id-mismatch\)' "stale library"
# Options pass through to the corefix program: --search finds the right build.
mkdir -p "$WORK/found"
copy_set glibc "$WORK/fresh"
cp "$WORK/fresh/libb.so" "$WORK/found/libb.so"
out=$(g -ex "source $BRIDGE" -ex "core-file $WORK/g/core" -ex "corefix --search $WORK/found" -ex bt)
expect "$out" 'corefix: loaded +.*/g/libb\.so  \(bias 0x[0-9a-f]+' "corefix --search"
expect "$out" '#0 .*crash_here \(p=0x0, v=3\) at [^ ]*libb\.c:4' "corefix --search"
out=$(g -ex "source $BRIDGE" -ex corefix -ex 'echo after\n')
expect "$out" '^corefix: no core file' "no core"
out=$(g -ex "source $BRIDGE" -ex "core-file $WORK/g/core" -ex 'corefix --bogus')
expect "$out" "^corefix: unknown option '--bogus' \\(see corefix --help\\)" "bad option"
# corefix's own line comes back; an option without its value is an error,
# not a sysroot named "--"; info corefix refuses what corefix refuses.
out=$(g -ex "source $BRIDGE" -ex "core-file $WORK/g/core" -ex 'corefix --sysroot' -ex 'echo after\n')
expect "$out" "^corefix: option '--sysroot' needs a value" "corefix --sysroot without a value"
expect_not "$out" "corefix: loaded" "corefix --sysroot without a value"
out=$(g -ex "source $BRIDGE" -ex "core-file $WORK/g/core" -ex corefix -ex 'info corefix --bogus')
expect "$out" "^corefix: unknown option '--bogus'" "info corefix --bogus"
exit 0
