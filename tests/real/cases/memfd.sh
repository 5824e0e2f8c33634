#!/bin/bash
# A plugin loaded from a memfd (memfd_host.c, our own program: no Debian
# program does this). The core names the plugin "/memfd:plugin (deleted)"
# and its link_map "/proc/self/fd/N": corefix finds the file by build-id in
# --search, and never opens /proc/self/... (plain gdb does, and hangs on
# its own descriptor). gdb's oracle is told the biases the process printed.
. "$(dirname "$0")/../driver.sh"
need_cmd cc
cc -g -O1 -o "$IN/memfd_host" "$REAL/memfd_host.c" -ldl -lpthread || fail "cc memfd_host.c"
cc -g -O1 -shared -fPIC -o "$IN/plugin.so" "$REAL/memfd_plugin.c" || fail "cc memfd_plugin.c"
ORACLE=dl
# (gcore, where the kernel writes no core here, must not follow the plugin)
mkdir -p "$WORK/no-sysroot"
export MAKE_CORE_GDB_INIT="set sysroot $WORK/no-sysroot"
CF_OPTS=(--search "$IN")
ANCHORS=(plugin_store plugin_crash worker start_thread)
real_run "$IN/memfd_host" "$IN/plugin.so"
