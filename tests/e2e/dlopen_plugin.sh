#!/bin/bash
# A crash inside a dlopen'ed plugin, under glibc's loader run as a command:
# the plugin is known from NT_FILE and link_map only.
. "$(dirname "$0")/../lib.sh"
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
copy_set glibc "$WORK/s"
make_core "$WORK/s" "$LDSO" ./dlopen ./plugin.so
json=$("$COREFIX" modules --json "$WORK/s/core" 2>/dev/null)
expect "$(jq -r '.modules[] | select(.name | endswith("/plugin.so")) | .sources | join(",")' <<<"$json")" 'NT_FILE,link_map'
corefix_gdb "$WORK/s/core"
bt=$(gdb_bt)
expect "$bt" '#0 .*plugin_crash \(p=0x0\) at [^ ]*plugin\.c:4'
expect "$bt" '#1 .*plugin_entry \(v=1\) at [^ ]*plugin\.c:9'
expect "$bt" '#2 .*main \(argc=2, argv=.*\) at [^ ]*dlopen\.c:15'
exit 0
