#!/bin/bash
# The Debian package (CPack): its name, Depends and files; lintian finds no
# error; unpacked with dpkg -x (never installed), its libcfrt.so runs the
# two-DSO sample and gdb auto-loads the package's script from the unpacked
# usr/share/gdb/auto-load/usr/lib/, which loads the package's bridge, which
# runs the package's corefix. Where a private mount namespace is allowed,
# the unpacked /usr is overlaid on /usr inside it only, and plain `gdb -nx`
# auto-loads with no setting at all, as after `apt install`.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../install-lib.sh"
need_cmd dpkg-deb dpkg-shlibdeps lintian
version=$("$COREFIX" --version | awk '{print $2}')
DEB="$WORK/pkg/corefix_${version}_$(dpkg --print-architecture).deb"
(cd "$WORK" && "$CPACK" --config "$BUILD_DIR/CPackConfig.cmake" -B "$WORK/pkg") >"$WORK/cpack.log" 2>&1 ||
	fail "cpack: $(cat "$WORK/cpack.log")"
[ -f "$DEB" ] || fail "no $DEB: $(ls "$WORK/pkg")"

info=$(dpkg-deb -I "$DEB") || fail "dpkg-deb -I: $info"
expect "$info" '^ Package: corefix$' "control"
expect "$info" "^ Version: $version$" "control"
depends=$(sed -n 's/^ Depends: //p' <<<"$info")
for lib in libc6 libelf1 libdw1 libzstd1; do
	expect "$depends" "(^|, )$lib( |,|$)" "Depends"
done
expect "$info" '^ +[0-9]+ bytes, +[0-9]+ lines? +triggers' "the ldconfig trigger"
note "Depends: $depends"
files=$(dpkg-deb -c "$DEB" | awk '{print $NF}') || fail "dpkg-deb -c"
for f in usr/bin/corefix usr/bin/cfrt-cc usr/lib/libcfrt.so usr/lib/crt1.o usr/lib/cfrt.specs \
	usr/include/cfrt/stdio.h usr/share/corefix/gdb/corefix.py usr/share/corefix/gdb/corefix.gdb \
	usr/share/corefix/rules/skip.rules usr/share/man/man1/corefix.1.gz usr/share/man/man1/cfrt-cc.1.gz \
	usr/share/doc/corefix/copyright usr/share/doc/corefix/changelog.gz \
	usr/share/gdb/auto-load/usr/lib/libcfrt.so-gdb.py; do
	grep -qxF "./$f" <<<"$files" || fail "the package lacks /$f:
$files"
done
expect_not "$files" '^\./usr/lib/libcfrt\.so-gdb\.py$' "the package (gdb would decline a script beside libcfrt.so)"
expect_not "$files" '^\./usr/local/' "the package"

lintian "$DEB" >"$WORK/lintian.out" 2>&1
sed 's/^/lintian: /' "$WORK/lintian.out"
grep -q '^E: ' "$WORK/lintian.out" && fail "lintian reports errors"
note "lintian: no error ($(grep -c '^W: ' "$WORK/lintian.out") warnings)"

R="$WORK/root"
dpkg -x "$DEB" "$R" || fail "dpkg -x"
grep -qF -- '-dynamic-linker /usr/lib/libcfrt.so ' "$R/usr/lib/cfrt.specs" || fail "the package's specs: $(cat "$R/usr/lib/cfrt.specs")"
build_two_dso "$BUILD_DIR/bin/cfrt-cc" "$WORK/s"
make_core "$WORK/s" "$R/usr/lib/libcfrt.so" ./prog
expect_corefix_reads "$R/usr/bin/corefix" "$WORK/s/core" "the package's corefix"

# gdb looks for SCRIPTS-DIR/<real path of libcfrt.so>-gdb.py: for the
# unpacked file that is ROOT/usr/share/gdb/auto-load/ROOT/usr/lib/, so
# the package's script is linked there, as if ROOT were /.
AL="$R/usr/share/gdb/auto-load"
mkdir -p "$AL$R/usr/lib"
ln -s "$AL/usr/lib/libcfrt.so-gdb.py" "$AL$R/usr/lib/libcfrt.so-gdb.py"
g() { (cd / && env -u COREFIX PATH="$R/usr/bin:$PATH" gdb -batch -nx "$@" 2>&1); }
out=$(g -iex "set auto-load scripts-directory $AL" -iex "add-auto-load-safe-path $R" \
	-iex 'set debug auto-load on' "$R/usr/lib/libcfrt.so" "$WORK/s/core" -ex bt \
	-ex 'python import corefix; print("bridge", corefix.__file__); print("binary", corefix._binary())')
expect "$out" "Loading python script \"$AL$R/usr/lib/libcfrt.so-gdb.py\" by extension for objfile \"$R/usr/lib/libcfrt.so\"" \
	"gdb's auto-load"
expect_frames "$(last_bt <<<"$out")" "gdb auto-load from the unpacked package"
expect "$out" "^bridge $R/usr/share/corefix/gdb/corefix.py$" "the bridge gdb loaded"
expect "$out" "^binary $R/usr/bin/corefix$" "the corefix the bridge runs"
grep -E '^\[auto-load\] auto_load_objfile_script_1: Loading|^corefix: |^#[0-9]|^bridge |^binary ' <<<"$out"
note "gdb auto-loaded the package's script from its unpacked usr/share/gdb/auto-load"

# As installed, in a private mount namespace only: no setting at all.
if ! unshare -m true 2>/dev/null; then
	note "SKIPPED the /usr overlay part: no private mount namespace here (unshare -m needs CAP_SYS_ADMIN)"
	exit 0
fi
cat >"$WORK/as-installed.sh" <<'EOS'
set -e
mount -t overlay overlay -o "lowerdir=$1/usr:/usr" /usr 2>/dev/null || { echo "no-overlay"; exit 0; }
cd "$2"
/usr/bin/cfrt-cc -g -O0 -o prog "$3/main.c" -L. -la -lb '-Wl,-rpath,$ORIGIN'
echo "interp $(readelf -lW prog | sed -n 's/.*interpreter: \(.*\)\]$/\1/p')"
bash "$4" . /usr/lib/libcfrt.so ./prog
env -u COREFIX gdb -batch -nx -iex 'set debug auto-load on' /usr/lib/libcfrt.so core -ex bt 2>&1
EOS
out=$(unshare -m bash "$WORK/as-installed.sh" "$R" "$WORK/s" "$SRC_SAMPLES" "$(dirname "$0")/../make-core.sh" 2>&1)
if [ "$out" = no-overlay ]; then
	note "SKIPPED the /usr overlay part: overlayfs cannot be mounted here"
	exit 0
fi
[ -e /usr/lib/libcfrt.so ] && fail "the overlay leaked out of its namespace: /usr/lib/libcfrt.so exists"
expect "$out" '^interp /usr/lib/libcfrt.so$' "the package's cfrt-cc"
expect "$out" 'Loading python script "/usr/share/gdb/auto-load/usr/lib/libcfrt.so-gdb.py" by extension for objfile "/usr/lib/libcfrt.so"' \
	"plain gdb -nx with the package on /usr"
expect_not "$out" 'declined' "plain gdb -nx with the package on /usr"
expect_frames "$(last_bt <<<"$out")" "plain gdb -nx with the package on /usr"
grep -E '^interp |^\[auto-load\] auto_load_objfile_script_1: Loading|^corefix: |^#[0-9]' <<<"$out"
note "with the package on /usr (private namespace): plain gdb auto-loaded it"
