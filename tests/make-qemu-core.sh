#!/bin/bash
# make-qemu-core.sh DIR QEMU [QEMU-OPTIONS] PROGRAM... : run a foreign
# program under qemu-user in DIR until it crashes and leave the *guest's*
# core as DIR/core. qemu (not the kernel) writes that core itself, as
# qemu_<program>_<date>-<time>_<pid>.core in the working folder, when
# RLIMIT_CORE allows. qemu then dies of the signal itself and the kernel may
# dump qemu's own process too (~150 MB, named by core_pattern): a directory
# named `core` stands where a plain core_pattern would write it, so that
# dump fails cheaply, and any core.PID is removed. The program's output
# (stdout and stderr) is left in DIR/run.log.
set -u
dir=$1
shift
rm -rf "$dir"/core "$dir"/core.[0-9]* "$dir"/qemu_*.core
mkdir "$dir/core"
(cd "$dir" && ulimit -c unlimited && exec "$@") >"$dir/run.log" 2>&1
rc=$?
rmdir "$dir/core" 2>/dev/null || rm -rf "$dir/core"
rm -f "$dir"/core.[0-9]*
shopt -s nullglob
cores=("$dir"/qemu_*.core)
if [ ${#cores[@]} -ne 1 ] || [ ! -s "${cores[0]}" ]; then
	echo "make-qemu-core: $* exited $rc and left ${#cores[@]} qemu_*.core files in $dir (want one); run.log:" >&2
	cat "$dir/run.log" >&2
	exit 1
fi
echo "make-qemu-core: qemu wrote $(basename "${cores[0]}")" >>"$dir/run.log"
mv "${cores[0]}" "$dir/core"
