#!/bin/bash
# demo.sh COREFIX OUTDIR: crash the two-DSO sample built with our runtime
# while libcfrt.so runs it as a command, then show gdb's backtrace on its
# own and with corefix's script.
set -eu
corefix=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
build=$(dirname "$(dirname "$corefix")")
loader=$build/lib/libcfrt.so
rm -rf "$out"
mkdir -p "$out"
cp -a "$build/samples/cfrt/." "$out/"
echo "\$ cd $out && $loader ./prog        # our loader run as a command; the program crashes"
"$here/../tests/make-core.sh" "$out" "$loader" ./prog 2>/dev/null
echo
echo "\$ gdb -batch $loader core -ex bt      # gdb on its own"
(cd "$out" && gdb -batch -nx "$loader" core -ex bt 2>&1 | grep -E '^#' || true)
echo
echo "\$ corefix core > cmds.gdb"
(cd "$out" && "$corefix" core >cmds.gdb)
grep -v '^#' "$out/cmds.gdb"
echo
echo "\$ gdb -batch -x cmds.gdb -ex bt     # with corefix"
(cd "$out" && gdb -batch -nx -x cmds.gdb -ex bt 2>&1 | awk '/^add symbol table/ {buf = ""; next} /^#/ {buf = buf $0 "\n"} END {printf "%s", buf}')
