#!/bin/bash
# demo.sh COREFIX OUTDIR: crash the two-DSO sample under glibc's ld.so run
# as a command, then show gdb's backtrace on its own and with corefix.
set -eu
corefix=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
samples=$(dirname "$(dirname "$corefix")")/samples/glibc
ldso=$(readlink -f /lib64/ld-linux-x86-64.so.2)
rm -rf "$out"
mkdir -p "$out"
cp -a "$samples/." "$out/"
echo "\$ cd $out && $ldso ./prog        # the loader run as a command; it crashes"
"$here/../tests/make-core.sh" "$out" "$ldso" ./prog
echo
echo "\$ gdb -batch $ldso core -ex bt      # gdb on its own"
(cd "$out" && gdb -batch -nx "$ldso" core -ex bt 2>&1 | grep -E '^#' || true)
echo
echo "\$ corefix core > cmds.gdb"
(cd "$out" && "$corefix" core >cmds.gdb)
grep -v '^#' "$out/cmds.gdb"
echo
echo "\$ gdb -batch -x cmds.gdb -ex bt     # with corefix"
(cd "$out" && gdb -batch -nx -x cmds.gdb -ex bt 2>&1 | grep -E '^#')
