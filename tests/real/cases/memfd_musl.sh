#!/bin/bash
# memfd.sh's program built for musl, started normally and through musl's
# loader run as a command (no Debian program is built for musl). musl-gcc
# does not ask for build-ids as Debian's gcc does; a musl distribution does.
. "$(dirname "$0")/../driver.sh"
need_cmd musl-gcc
[ -x "$MUSL_LDSO" ] || fail "$MUSL_LDSO missing (run .ci/deps)"
musl-gcc -g -O1 -Wl,--build-id -o "$IN/memfd_host" "$REAL/memfd_host.c" || fail "musl-gcc memfd_host.c"
musl-gcc -g -O1 -Wl,--build-id -shared -fPIC -o "$IN/plugin.so" "$REAL/memfd_plugin.c" || fail "musl-gcc memfd_plugin.c"
ORACLE=dl
# (gcore, where the kernel writes no core here, must not follow the plugin)
mkdir -p "$WORK/no-sysroot"
export MAKE_CORE_GDB_INIT="set sysroot $WORK/no-sysroot"
LOADERS=("$MUSL_LDSO")
CF_OPTS=(--search "$IN")
ANCHORS=(plugin_store plugin_crash worker)
# musl has no debug info for its thread start: compared through worker,
# the function given to pthread_create.
END=worker
real_run "$IN/memfd_host" "$IN/plugin.so"
