#!/bin/bash
# Secure mode (issue 14): a setuid-root cfrt program run by nobody must not
# take its library search from the caller (LD_LIBRARY_PATH, $ORIGIN of a
# hard link the caller placed next to its own library) nor pass such
# variables on to its children, nor write its memory
# where the caller says (CFRT_CORE), and must not let a file it opens land
# on a closed stdin. Each refusal has a control: the same program without
# the setuid bit does what the caller asks, so no assertion passes vacuously.
# Needs root and a filesystem without nosuid; otherwise exits 77 (skipped).
. "$(dirname "$0")/../lib.sh"
: "${CFRT_LIB:?}"
SKIP=77
CC="$CFRT_LIB/../bin/cfrt-cc"
skip() {
	echo "SKIP($TEST_NAME): $*"
	exit $SKIP
}

[ "$(id -u)" = 0 ] || skip "needs root to make a setuid-root program"
getent passwd nobody >/dev/null || skip "no user nobody"
group=nogroup
getent group $group >/dev/null || group=nobody
getent group $group >/dev/null || skip "no group nogroup or nobody"
as_nobody() { setpriv --reuid=nobody --regid=$group --clear-groups -- "$@"; }

# A folder on a filesystem that honours setuid, that nobody can reach.
base=
for cand in "$WORK" /var/tmp /tmp; do
	[ -d "$cand" ] || continue
	opts=$(findmnt -no OPTIONS --target "$cand" 2>/dev/null) || continue
	case ",$opts," in *,nosuid,*) continue ;; esac
	as_nobody test -x "$cand" || continue
	if [ "$cand" = "$WORK" ]; then
		base="$WORK/root"
		mkdir "$base" || fail "mkdir $base"
	else
		base=$(mktemp -d "$cand/cfrt_secure.XXXXXX") || continue
		trap 'rm -rf "$base"' EXIT
	fi
	break
done
[ -n "$base" ] || skip "no folder both reachable by nobody and on a filesystem without nosuid (tried $WORK /var/tmp /tmp)"
chmod 755 "$base"
note "setuid programs live in $base"

# The loader is opened by the kernel with nobody's rights: if nobody cannot
# read the build's copy, the programs name a copy they can.
interp=()
if ! as_nobody test -r "$CFRT_LIB/libcfrt.so"; then
	mkdir "$base/ld" && cp "$CFRT_LIB/libcfrt.so" "$base/ld/" || fail "copying the loader"
	chmod -R a+rX "$base/ld"
	interp=("-Wl,-dynamic-linker,$base/ld/libcfrt.so")
fi

mkdir "$base/src" "$base/good" "$base/bin" "$base/evil"
marker="$base/evil/planted.marker"
cat >"$base/src/prog.c" <<'EOF'
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
const char *plant_name(void);
int main(int argc, char **argv)
{
	/* The kernel's verdict, AT_SECURE (23), from our own auxv; the fd it
	 * gets shows whether a closed stdin was filled. */
	unsigned long aux[256] = {0};
	int fd = open("/proc/self/auxv", O_RDONLY);
	long n = fd >= 0 ? read(fd, aux, sizeof aux - 2 * sizeof *aux) : -1;
	long secure = -1;
	for (long i = 0; n > 0 && aux[i]; i += 2)
		if (aux[i] == 23)
			secure = (long)aux[i + 1];
	char st[4096] = "", *uid;
	int sfd = open("/proc/self/status", O_RDONLY);
	if (sfd >= 0 && read(sfd, st, sizeof st - 1) > 0 && (uid = strstr(st, "Uid:")))
		uid[strcspn(uid, "\n")] = 0;
	else
		uid = "Uid: ?";
	for (char *t = uid; *t; t++)
		if (*t == '\t')
			*t = ' ';
	/* What a child would inherit. */
	const char *env = getenv("LD_LIBRARY_PATH");
	printf("fd=%d secure=%ld %s env=%s plant=%s\n", fd, secure, uid, env ? env : "-", plant_name());
	fflush(stdout);
	if (argc > 1 && !strcmp(argv[1], "crash"))
		*(volatile int *)0 = 1;
	return 0;
}
EOF
printf 'const char *plant_name(void) { return "genuine"; }\n' >"$base/src/good.c"
cat >"$base/src/planted.c" <<'EOF'
#include <fcntl.h>
#include <unistd.h>
/* What an attacker's library does: act before main, with main's rights. */
__attribute__((constructor)) static void planted(void)
{
	int fd = open(MARKER, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0)
		close(fd);
}
const char *plant_name(void) { return "planted"; }
EOF
"$CC" -shared -fPIC -o "$base/good/libplant.so" "$base/src/good.c" || fail "cfrt-cc good"
"$CC" -shared -fPIC -DMARKER="\"$marker\"" -o "$base/evil/libplant.so" "$base/src/planted.c" || fail "cfrt-cc planted"
# prog finds the genuine library by an absolute run path; oprog looks
# beside itself first ($ORIGIN), as many installed programs do.
"$CC" -o "$base/bin/prog" "$base/src/prog.c" -L"$base/good" -lplant "${interp[@]}" \
	"-Wl,-rpath,$base/good" || fail "cfrt-cc prog"
"$CC" -o "$base/bin/oprog" "$base/src/prog.c" -L"$base/good" -lplant "${interp[@]}" \
	"-Wl,-rpath,\$ORIGIN:$base/good" || fail "cfrt-cc oprog"
cp "$base/bin/prog" "$base/bin/prog-plain"
cp "$base/bin/oprog" "$base/evil/oprog-plain"
chown root:root "$base/bin/prog" "$base/bin/oprog"
chmod 4755 "$base/bin/prog" "$base/bin/oprog"
chmod 755 "$base/bin/prog-plain" "$base/evil/oprog-plain" "$base/src"
chmod a+r "$base/good/libplant.so" "$base/evil/libplant.so"
# The attacker's folder: theirs to write, holding their library and a hard
# link to the setuid program (root makes it here; protected_hardlinks would
# stop nobody, but not every system sets it).
ln "$base/bin/oprog" "$base/evil/oprog" || fail "hard link"
chown nobody:$group "$base/evil"
chmod 755 "$base/evil"

run() { # run OUTVAR CMD... : as nobody, from /, no kernel cores
	local -n _out=$1
	shift
	rm -f "$marker"
	_out=$(cd / && ulimit -c 0 && as_nobody "$@" 2>&1)
}

# Control: the setuid bit took effect and the kernel said AT_SECURE.
run out "$base/bin/prog"
case $out in
*'Uid: 65534 0 0 0'*) ;;
*) skip "setuid did not take effect here (NoNewPrivs? $(grep NoNewPrivs /proc/self/status)): $out" ;;
esac
expect "$out" '^fd=[0-9]+ secure=1 .* plant=genuine$' "setuid prog"

# LD_LIBRARY_PATH: obeyed without setuid, ignored with it.
run out env LD_LIBRARY_PATH="$base/evil" "$base/bin/prog-plain"
expect "$out" "secure=0 Uid: 65534 65534 .* env=$base/evil plant=planted\$" "control: LD_LIBRARY_PATH, no setuid"
[ -e "$marker" ] || fail "control: the planted constructor left no marker"
run out env LD_LIBRARY_PATH="$base/evil" "$base/bin/prog"
expect "$out" 'secure=1 Uid: 65534 0 .* env=- plant=genuine$' "setuid prog with LD_LIBRARY_PATH"
[ -e "$marker" ] && fail "setuid prog ran the planted library's constructor (LD_LIBRARY_PATH)"
note "LD_LIBRARY_PATH ignored in secure mode, and not passed on"

# $ORIGIN: a hard link in the caller's folder must not pick the caller's library.
run out "$base/evil/oprog-plain"
expect "$out" 'secure=0 .* plant=planted$' "control: \$ORIGIN, no setuid"
run out "$base/evil/oprog"
expect "$out" 'secure=1 Uid: 65534 0 .* plant=genuine$' "setuid hard link with \$ORIGIN"
[ -e "$marker" ] && fail "setuid hard link ran the planted library's constructor (\$ORIGIN)"
run out "$base/bin/oprog"
expect "$out" 'secure=1 .* plant=genuine$' "setuid oprog in its own folder"
note "\$ORIGIN ignored in secure mode"

# CFRT_CORE: the caller must not get the privileged process's memory.
run out env CFRT_CORE="$base/evil/plain.core" "$base/bin/prog-plain" crash
[ -s "$base/evil/plain.core" ] || fail "control: CFRT_CORE wrote no core without setuid: $out"
run out env CFRT_CORE="$base/evil/stolen.core" "$base/bin/prog" crash
expect "$out" 'secure=1 .* plant=genuine$' "setuid prog crashing"
ls "$base/evil"/stolen.core* >/dev/null 2>&1 && fail "setuid prog wrote a CFRT_CORE core for nobody: $(ls -l "$base/evil"/stolen.core*)"
note "CFRT_CORE ignored in secure mode"

# A closed stdin: the setuid program's first open must not become fd 0.
out=$(cd / && as_nobody "$base/bin/prog-plain" <&- 2>&1)
expect "$out" '^fd=0 ' "control: closed stdin, no setuid"
out=$(cd / && as_nobody "$base/bin/prog" <&- 2>&1)
expect "$out" '^fd=[1-9][0-9]* secure=1 ' "setuid prog with a closed stdin"
note "closed standard fds filled in secure mode"
exit 0
