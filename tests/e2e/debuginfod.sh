#!/bin/bash
# debuginfod for `modules`, the gdb script and the gdb bridge, against a
# real debuginfod server on 127.0.0.1: after the crash libb.so is deleted
# (the server has it stripped, its debug info apart) and liba.so rebuilt
# (another build-id). With DEBUGINFOD_URLS both come back by the build-id
# the core recorded and gdb's backtrace is fully symbolized; without it
# nothing is fetched and the output is incomplete.
. "$(dirname "$0")/../lib.sh"
need_cmd debuginfod curl cc objcopy strip readelf jq script
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
BRIDGE="$(dirname "$COREFIX")/../share/corefix/gdb/corefix.py"
[ -f "$BRIDGE" ] || fail "no $BRIDGE"
g() { (cd / && gdb -batch -nx "$@" 2>&1); }
buildid() { readelf -nW "$1" | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p'; }

copy_set glibc "$WORK/s"
make_core "$WORK/s" "$LDSO" ./prog
SRV="$WORK/srv"
mkdir -p "$SRV"
cp "$WORK/s/liba.so" "$WORK/s/libb.so" "$SRV/"
objcopy --only-keep-debug "$SRV/libb.so" "$SRV/libb.so.debug"
strip -g "$SRV/libb.so"
readelf -SW "$SRV/libb.so" | grep -q '\.debug_info' && fail "strip -g left .debug_info in libb.so"
BID_A=$(buildid "$WORK/s/liba.so")
BID_B=$(buildid "$WORK/s/libb.so")
[ -n "$BID_A" ] && [ -n "$BID_B" ] || fail "sample libraries without a build-id"
rm "$WORK/s/libb.so"
cp "$WORK/s/plugin.so" "$WORK/s/liba.so"   # "rebuilt": another build-id

# debuginfod 0.188 has no option for its listening address and binds every
# interface; this bind() shim turns the wildcard into the loopback address
# (IPv4-mapped for its dual-stack socket), so the server is reachable from
# this machine only. It runs without DEBUGINFOD_URLS: it never forwards.
cat >"$WORK/loopback.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
int bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	int (*real)(int, const struct sockaddr *, socklen_t) =
		(int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "bind");
	struct sockaddr_storage a;
	if (!sa || len > sizeof a)
		return real(fd, sa, len);
	memcpy(&a, sa, len);
	if (a.ss_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in *v4 = (struct sockaddr_in *)&a;
		if (v4->sin_addr.s_addr == htonl(INADDR_ANY))
			v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else if (a.ss_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		static const unsigned char mapped[16] = {[10] = 0xff, [11] = 0xff, [12] = 127, [15] = 1};
		struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a;
		if (IN6_IS_ADDR_UNSPECIFIED(&v6->sin6_addr))
			memcpy(&v6->sin6_addr, mapped, sizeof mapped);
	}
	return real(fd, (struct sockaddr *)&a, len);
}
EOF
cc -shared -fPIC -o "$WORK/loopback.so" "$WORK/loopback.c" -ldl || fail "cannot build the bind shim"

SERVER_PID=
stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	kill "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=
}
trap stop_server EXIT

# A random free port: a busy one makes debuginfod exit at once; try another.
PORT=
for try in 1 2 3 4 5 6 7 8; do
	port=$((20000 + RANDOM % 40000))
	rm -f "$WORK/db.sqlite"*
	env -u DEBUGINFOD_URLS LD_PRELOAD="$WORK/loopback.so" \
		debuginfod -F -p "$port" -d "$WORK/db.sqlite" -t 0 -g 0 -c 1 "$SRV" >"$WORK/server.log" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 100); do
		kill -0 "$SERVER_PID" 2>/dev/null || break
		grep -q 'started http server' "$WORK/server.log" && break
		sleep 0.1
	done
	if kill -0 "$SERVER_PID" 2>/dev/null && grep -q 'started http server' "$WORK/server.log" &&
		curl -sf --max-time 5 "http://127.0.0.1:$port/metrics" >/dev/null; then
		PORT=$port
		break
	fi
	stop_server
done
[ -n "$PORT" ] || fail "debuginfod did not start on any port: $(tail -5 "$WORK/server.log")"
note "debuginfod on 127.0.0.1:$PORT"
URL="http://127.0.0.1:$PORT"

# Every socket listening on PORT is bound to loopback (/proc/net/tcp*:
# state 0A, address 127.0.0.1, ::1 or ::ffff:127.0.0.1).
listen=$(awk -v p="$(printf '%04X' "$PORT")" '$4 == "0A" && substr($2, length($2) - 3) == p { print $2 }' \
	/proc/net/tcp /proc/net/tcp6)
[ -n "$listen" ] || fail "no socket listens on port $PORT"
while read -r a; do
	case ${a%:*} in
	0100007F | 0000000000000000FFFF00000100007F | 00000000000000000000000001000000) ;;
	*) fail "debuginfod listens on $a, not on loopback only" ;;
	esac
done <<<"$listen"

# Bounded wait for the scan: the three files the test needs are served.
for _ in $(seq 300); do
	curl -sf --max-time 5 -o /dev/null "$URL/buildid/$BID_A/executable" &&
		curl -sf --max-time 5 -o /dev/null "$URL/buildid/$BID_B/executable" &&
		curl -sf --max-time 5 -o /dev/null "$URL/buildid/$BID_B/debuginfo" && break
	sleep 0.2
done
curl -sf --max-time 5 -o /dev/null "$URL/buildid/$BID_B/debuginfo" ||
	fail "debuginfod did not index $SRV in time: $(tail -5 "$WORK/server.log")"

mod() { jq -c --arg n "$2" '.modules[] | select(.name | endswith("/" + $n))' <<<"$1"; }

# Without DEBUGINFOD_URLS nothing is fetched: libb.so is missing, liba.so
# the wrong build.
export DEBUGINFOD_CACHE_PATH="$WORK/debuginfod-cache"
json=$("$COREFIX" modules --json "$WORK/s/core" 2>"$WORK/err")
rc=$?
[ $rc -eq 1 ] || fail "without DEBUGINFOD_URLS: exit $rc, want 1"
expect "$(mod "$json" libb.so)" '"path":null,"path_found_by":null,.*"status":"missing"' "libb.so without debuginfod"
expect "$(mod "$json" liba.so)" '"status":"build-id-mismatch"' "liba.so without debuginfod"
expect_not "$(cat "$WORK/err")" 'corefix: debuginfod:' "stderr without DEBUGINFOD_URLS"
[ ! -e "$DEBUGINFOD_CACHE_PATH" ] || fail "debuginfod's cache was made without DEBUGINFOD_URLS"
DEBUGINFOD_URLS=" " "$COREFIX" modules --json "$WORK/s/core" >/dev/null 2>&1
[ $? -eq 1 ] && [ ! -e "$DEBUGINFOD_CACHE_PATH" ] || fail "an empty DEBUGINFOD_URLS must fetch nothing"

# With it: both libraries come from the server, verified by build-id.
export DEBUGINFOD_URLS="$URL"
json=$("$COREFIX" modules --json "$WORK/s/core" 2>"$WORK/err")
rc=$?
err=$(cat "$WORK/err")
[ $rc -eq 0 ] || fail "with debuginfod: exit $rc, want 0: $err"
b=$(mod "$json" libb.so)
a=$(mod "$json" liba.so)
expect "$b" "\"path\":\"$DEBUGINFOD_CACHE_PATH/$BID_B/executable\",\"path_found_by\":\"debuginfod\"" "libb.so"
expect "$b" '"status":"ok","loadable":true' "libb.so"
expect "$b" "\"build_id_core\":\"$BID_B\",\"build_id_file\":\"$BID_B\"" "libb.so"
expect "$b" "\"debuginfo_path\":\"$DEBUGINFOD_CACHE_PATH/$BID_B/debuginfo\"" "libb.so (stripped: debug info fetched)"
expect "$a" "\"path\":\"$DEBUGINFOD_CACHE_PATH/$BID_A/executable\",\"path_found_by\":\"debuginfod\"" "liba.so"
expect "$a" '"status":"ok"' "liba.so"
expect "$a" '"debuginfo_path":null' "liba.so (has DWARF: no debug info fetched)"
expect "$json" '"complete": true' "modules --json"
expect "$err" "^corefix: debuginfod: fetched libb\\.so executable \\(build-id ${BID_B:0:12}\\.\\.\\.\\) [0-9]+ KiB$" "stderr"
expect "$err" "^corefix: debuginfod: fetched libb\\.so debug info \\(build-id ${BID_B:0:12}\\.\\.\\.\\) [0-9]+ KiB$" "stderr"
expect "$err" "^corefix: debuginfod: fetched liba\\.so executable \\(build-id ${BID_A:0:12}\\.\\.\\.\\) [0-9]+ KiB$" "stderr"
expect_not "$err" 'liba\.so debug info' "stderr (liba.so has its DWARF)"
[ "$(grep -c . <<<"$err")" -eq 3 ] || fail "one line per download on stderr, got: $err"
cmp -s "$DEBUGINFOD_CACHE_PATH/$BID_A/executable" "$SRV/liba.so" || fail "liba.so fetched differs from the server's"
out=$("$COREFIX" modules "$WORK/s/core" 2>&1)
expect "$out" "file +$DEBUGINFOD_CACHE_PATH/$BID_B/executable \\(debuginfod\\)" "modules (text)"
expect "$out" "debug +$DEBUGINFOD_CACHE_PATH/$BID_B/debuginfo \\(debuginfod\\)" "modules (text)"
expect "$out" "^corefix: debuginfod: libb\\.so executable .* from debuginfod's cache$" "modules (text), second run"
out=$("$COREFIX" modules -q --json "$WORK/s/core" 2>&1 >/dev/null)
[ -z "$out" ] || fail "-q must keep stderr silent: $out"

# The gdb script: each fetched file is loaded with a comment saying so, the
# debug info attached to it; every frame has a name and file:line.
corefix_gdb -q "$WORK/s/core"
script=$(cat "$WORK/cmds.gdb")
expect "$script" "^# fetched by build-id from debuginfod \\(DEBUGINFOD_URLS\\) into its cache: $DEBUGINFOD_CACHE_PATH/$BID_B/executable$" "script"
expect "$script" "^add-symbol-file \"$DEBUGINFOD_CACHE_PATH/$BID_B/executable\" -o 0x" "script"
expect "$script" "^add-symbol-file \"$DEBUGINFOD_CACHE_PATH/$BID_A/executable\" -o 0x" "script"
expect "$script" "^    gdb.lookup_objfile\\(\"$BID_B\", by_build_id=True\\).add_separate_debug_file\\(\"$DEBUGINFOD_CACHE_PATH/$BID_B/debuginfo\"\\)$" "script"
[ -s "$WORK/corefix.err" ] && fail "corefix -q wrote to stderr: $(cat "$WORK/corefix.err")"
bt=$(gdb_bt)
expect_two_dso_frames "$bt"
expect "$bt" '#2 .*main \(\) at [^ ]*main\.c:5' "gdb backtrace"
note "$(grep '^#' <<<"$bt")"

# The gdb bridge runs `corefix modules --json` with gdb's environment: a
# fresh cache, so the downloads (and their lines) happen inside gdb.
export COREFIX
out=$(DEBUGINFOD_CACHE_PATH="$WORK/bridge-cache" g -ex "source $BRIDGE" -ex "core-file $WORK/s/core" -ex corefix -ex bt)
expect "$out" '^corefix: debuginfod: fetched libb\.so executable ' "bridge"
expect "$out" '^corefix: debuginfod: fetched libb\.so debug info ' "bridge"
expect "$out" '^corefix: loaded +.*/s/libb\.so  \(bias 0x[0-9a-f]+ from [^)]*, fetched from debuginfod\)' "bridge"
expect "$out" '^corefix: loaded +.*/s/liba\.so  \(bias 0x[0-9a-f]+ from [^)]*, fetched from debuginfod\)' "bridge"
expect_two_dso_frames "$out"
expect "$out" '#2 .*main \(\) at [^ ]*main\.c:5' "bridge backtrace"
[ -f "$WORK/bridge-cache/$BID_B/debuginfo" ] || fail "the bridge's corefix did not use DEBUGINFOD_CACHE_PATH"
# With the loader as gdb's program, gdb's own solib pass loads the rebuilt
# liba.so by name (it cannot be unloaded): the bridge says so; the deleted
# libb.so still comes from debuginfod.
out=$(g -ex "source $BRIDGE" "$LDSO" "$WORK/s/core" -ex corefix -ex bt)
expect "$out" "^corefix: gdb has +.*/s/liba\.so  \(a different build than the core's, build-id [0-9a-f]+: its frames may be wrong\)" "bridge, gdb LOADER CORE"
expect "$out" '^corefix: loaded +.*/s/libb\.so  \(bias 0x[0-9a-f]+ from [^)]*, fetched from debuginfod\)' "bridge, gdb LOADER CORE"
expect "$out" '#0 .*crash_here \(p=0x0, v=[0-9]+\) at [^ ]*libb\.c:4' "bridge, gdb LOADER CORE"

# A cached file that is not the build the core recorded is refused.
bad="$WORK/bad-cache"
mkdir -p "$bad/$BID_B"
cp "$WORK/s/plugin.so" "$bad/$BID_B/executable"
json=$(DEBUGINFOD_CACHE_PATH="$bad" "$COREFIX" modules --json "$WORK/s/core" 2>"$WORK/err")
[ $? -eq 1 ] || fail "a wrong build from debuginfod must leave the output incomplete"
expect "$(mod "$json" libb.so)" '"status":"missing"' "wrong build served"
expect "$(cat "$WORK/err")" "debuginfod: .*/$BID_B/executable: the executable served for build-id $BID_B has build-id [0-9a-f]+; not used" "wrong build served"

# On a terminal the line is redrawn while the download runs, then ends as
# the same final line.
out=$(DEBUGINFOD_CACHE_PATH="$WORK/tty-cache" script -qec "$(printf '%q ' "$COREFIX" modules "$WORK/s/core") >/dev/null" /dev/null)
expect "$out" $'\rcorefix: debuginfod: fetching libb\\.so executable \\(build-id [0-9a-f]+\\.\\.\\.\\) [0-9/]+ KiB' "progress on a terminal"
expect "$out" 'corefix: debuginfod: fetched libb\.so debug info ' "progress on a terminal"

# A build-id no server has: one line saying so, and the module is missing.
mv "$WORK/s/prog" "$WORK/prog.away"
json=$("$COREFIX" modules --json "$WORK/s/core" 2>"$WORK/err")
[ $? -eq 1 ] || fail "a program no server has: want exit 1"
expect "$(mod "$json" prog)" '"status":"missing"' "a build-id no server has"
expect "$(cat "$WORK/err")" '^corefix: debuginfod: prog executable \(build-id [0-9a-f]+\.\.\.\): no server has it$' "a build-id no server has"
mv "$WORK/prog.away" "$WORK/s/prog"

# No server: a warning per failed lookup, and the modules stay missing.
stop_server
json=$(DEBUGINFOD_CACHE_PATH="$WORK/cold" "$COREFIX" modules --json "$WORK/s/core" 2>"$WORK/err")
[ $? -eq 1 ] || fail "with the server gone: want exit 1"
expect "$(mod "$json" libb.so)" '"status":"missing"' "server gone"
expect "$(cat "$WORK/err")" '^corefix: warning: .*: debuginfod: libb\.so: ' "server gone"
exit 0
