#!/bin/bash
# `cmake --install --prefix P` gives a working tool under P: cfrt-cc's specs
# and PT_INTERP name P/lib/libcfrt.so, the two-DSO sample it builds runs
# both ways, and its cores are read by P's corefix and by gdb's auto-load of
# P's script (with the one add-auto-load-safe-path line the README gives).
# No installed text file names the build tree or the configure-time prefix.
# DESTDIR staging writes under DESTDIR, naming only the prefix; under /usr
# the script goes where gdb looks by itself, and not beside libcfrt.so.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../install-lib.sh"
P="$WORK/prefix"
"$CMAKE" --install "$BUILD_DIR" --prefix "$P" >"$WORK/install.log" 2>&1 || fail "install: $(cat "$WORK/install.log")"
for f in bin/corefix bin/cfrt-cc lib/libcfrt.so lib/crt1.o lib/cfrt.specs lib/libcfrt.so-gdb.py \
	include/cfrt/stdio.h share/corefix/gdb/corefix.py share/corefix/gdb/corefix.gdb \
	share/corefix/rules/skip.rules share/man/man1/corefix.1.gz share/man/man1/cfrt-cc.1.gz \
	"share/gdb/auto-load$P/lib/libcfrt.so-gdb.py"; do
	[ -e "$P/$f" ] || fail "not installed: P/$f ($(cd "$P" && find . -type f | sort | tr '\n' ' '))"
done
[ -x "$P/lib/libcfrt.so" ] || fail "P/lib/libcfrt.so is not executable: the kernel refuses it as PT_INTERP"
conf_prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD_DIR/CMakeCache.txt")
# (P is under the build tree: its own folders are what must not appear.)
stale=$(grep -rIlE -e "$BUILD_DIR/(bin|lib|include|share)/" -e "$conf_prefix/" "$P" || true)
[ -z "$stale" ] || fail "installed files name the build tree or $conf_prefix: $stale"
grep -qF -- "-specs \"$P/lib/cfrt.specs\"" "$P/bin/cfrt-cc" || fail "cfrt-cc: $(cat "$P/bin/cfrt-cc")"
grep -qF -- "-dynamic-linker $P/lib/libcfrt.so " "$P/lib/cfrt.specs" || fail "cfrt.specs: $(cat "$P/lib/cfrt.specs")"
grep -qxF "source $P/share/corefix/gdb/corefix.py" "$P/share/corefix/gdb/corefix.gdb" || fail "corefix.gdb names another bridge"
note "installed into P=$P; cfrt-cc, its specs and corefix.gdb name P"

build_two_dso "$P/bin/cfrt-cc" "$WORK/s"
[ "$(interp "$WORK/s/prog")" = "$P/lib/libcfrt.so" ] || fail "PT_INTERP is '$(interp "$WORK/s/prog")', want $P/lib/libcfrt.so"
make_core "$WORK/s" ./prog && mv "$WORK/s/core" "$WORK/s/core.interp"
make_core "$WORK/s" "$P/lib/libcfrt.so" ./prog && mv "$WORK/s/core" "$WORK/s/core.command"
expect_corefix_reads "$P/bin/corefix" "$WORK/s/core.interp" "PT_INTERP"
expect_corefix_reads "$P/bin/corefix" "$WORK/s/core.command" "loader as a command"
note "prog built by P's cfrt-cc: PT_INTERP P/lib/libcfrt.so, both cores read by P's corefix"

# gdb's auto-load: the one line, P's bridge, P's corefix ($COREFIX unset).
g() { (cd / && env -u COREFIX gdb -batch -nx "$@" 2>&1); }
out=$(g -iex "add-auto-load-safe-path $P/lib" "$P/lib/libcfrt.so" "$WORK/s/core.command" -ex bt \
	-ex 'python import corefix; print("bridge", corefix.__file__); print("binary", corefix._binary())')
expect_frames "$(last_bt <<<"$out")" "gdb auto-load with add-auto-load-safe-path $P/lib"
expect "$out" "^bridge $P/share/corefix/gdb/corefix.py$" "the bridge gdb loaded"
expect "$out" "^binary $P/bin/corefix$" "the corefix the bridge runs"
echo "$out" | sed -n '/^corefix: /p;/^#[0-9]/p;/^bridge /p;/^binary /p'
out=$(g "$P/lib/libcfrt.so" "$WORK/s/core.command" -ex bt)
expect "$out" "auto-loading has been declined" "gdb without the safe-path line"
expect_not "$(last_bt <<<"$out")" 'main \(\) at' "gdb without the safe-path line"

# corefix reads P's triage rules (a skip rule added there changes the
# signature), not the source tree's.
out=$("$P/bin/corefix" triage "$WORK/s/core.command" 2>&1)
expect "$out" 'crash_here < a_calls_b < main' "triage with P's rules"
echo crash_here >>"$P/share/corefix/rules/skip.rules"
out=$("$P/bin/corefix" triage "$WORK/s/core.command" 2>&1)
expect "$out" 'a_calls_b < main' "triage with a skip rule added to P's rules"
expect_not "$out" 'crash_here <' "triage with a skip rule added to P's rules"
note "P's corefix reads P/share/corefix/rules"

# DESTDIR: files under DESTDIR, paths inside them naming the prefix only.
D="$WORK/stage"
DESTDIR="$D" "$CMAKE" --install "$BUILD_DIR" --prefix /opt/corefix-t >"$WORK/install.log" 2>&1 ||
	fail "DESTDIR install: $(cat "$WORK/install.log")"
[ -d /opt/corefix-t ] && fail "DESTDIR install wrote into /opt/corefix-t"
S="$D/opt/corefix-t"
grep -qF -- '-specs "/opt/corefix-t/lib/cfrt.specs"' "$S/bin/cfrt-cc" || fail "staged cfrt-cc: $(cat "$S/bin/cfrt-cc")"
grep -qF -- '-dynamic-linker /opt/corefix-t/lib/libcfrt.so ' "$S/lib/cfrt.specs" || fail "staged specs: $(cat "$S/lib/cfrt.specs")"
grep -qF -- '-isystem /opt/corefix-t/include/cfrt ' "$S/lib/cfrt.specs" || fail "staged specs: $(cat "$S/lib/cfrt.specs")"
grep -qxF 'source /opt/corefix-t/share/corefix/gdb/corefix.py' "$S/share/corefix/gdb/corefix.gdb" || fail "staged corefix.gdb"
grep -qxF 'COREFIX_BIN = "/opt/corefix-t/bin/corefix"' "$S/share/corefix/gdb/corefix.py" || fail "staged corefix.py"
[ -f "$S/share/gdb/auto-load/opt/corefix-t/lib/libcfrt.so-gdb.py" ] || fail "no staged auto-load script"
stale=$(grep -rIlE -e "$D" -e "$BUILD_DIR/(bin|lib|include|share)/" -e "$conf_prefix/" "$D" || true)
[ -z "$stale" ] || fail "staged files name DESTDIR, the build tree or $conf_prefix: $stale"
note "DESTDIR=$D --prefix /opt/corefix-t: files staged, paths inside name /opt/corefix-t"

D="$WORK/stage-usr"
DESTDIR="$D" "$CMAKE" --install "$BUILD_DIR" --prefix /usr >"$WORK/install.log" 2>&1 ||
	fail "DESTDIR install: $(cat "$WORK/install.log")"
[ -f "$D/usr/share/gdb/auto-load/usr/lib/libcfrt.so-gdb.py" ] || fail "--prefix /usr: no script in gdb's scripts directory"
[ -e "$D/usr/lib/libcfrt.so-gdb.py" ] && fail "--prefix /usr: a script beside libcfrt.so hides gdb's scripts directory"
readelf -SW "$D/usr/lib/libcfrt.so" | grep -q '\.debug_gdb_scripts' &&
	fail "--prefix /usr: libcfrt.so keeps its embedded script, which gdb declines there"
readelf -SW "$P/lib/libcfrt.so" | grep -q '\.debug_gdb_scripts' || fail "P/lib/libcfrt.so lost its embedded script"
note "--prefix /usr: the auto-load script only in /usr/share/gdb/auto-load/usr/lib"
