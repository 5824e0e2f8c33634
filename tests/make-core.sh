#!/bin/bash
# make-core.sh DIR CMD... : run CMD in DIR until it crashes and leave its
# core as DIR/core. The kernel writes cores into the working directory when
# core_pattern is a plain name; where it is not (a pipe such as systemd's or
# apport's, another folder) or nothing appears, gdb's gcore writes one. The
# machine's core_pattern is never changed. COREFIX_FORCE_GCORE=1 skips the
# kernel. MAKE_CORE_GDB_INIT is one more command for that gdb, run first
# (`set sysroot DIR` for a program gdb cannot follow live: it opens a
# library dlopened as /proc/self/fd/N in its own process and waits forever).
set -u
dir=$1
shift
rm -f "$dir"/core "$dir"/core.[0-9]*
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null || echo '|')
if [ "${COREFIX_FORCE_GCORE:-0}" != 1 ] && [ "${pattern#|}" = "$pattern" ] && [ "${pattern#/}" = "$pattern" ]; then
	(cd "$dir" && ulimit -c unlimited 2>/dev/null && exec "$@") >"$dir/run.log" 2>&1
	for f in "$dir"/core "$dir"/core.[0-9]*; do
		if [ -s "$f" ]; then
			[ "$f" = "$dir/core" ] || mv "$f" "$dir/core"
			exit 0
		fi
	done
fi
echo "make-core: the kernel wrote no core into $dir; using gdb's gcore" >&2
(cd "$dir" && gdb -batch -nx ${MAKE_CORE_GDB_INIT:+-iex "$MAKE_CORE_GDB_INIT"} -ex 'set confirm off' -ex 'set startup-with-shell off' -ex run \
	-ex "gcore $dir/core" -ex kill --args "$@") >"$dir/gcore.log" 2>&1
[ -s "$dir/core" ] || { echo "make-core: could not make a core of: $* (see $dir/gcore.log)" >&2; exit 1; }
