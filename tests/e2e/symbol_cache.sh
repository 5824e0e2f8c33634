#!/bin/bash
# The symbol cache kept between runs (XDG_CACHE_HOME/corefix/symbols, one
# file per build-id): backtraces with it are the ones without it, its files
# are 0600 in a 0700 folder, a second run reads them, two runs at once leave
# whole files, a truncated, altered or foreign file is ignored and replaced,
# the size bound evicts the least recently used files, --no-cache writes
# nothing, and a folder others can write is not used.
. "$(dirname "$0")/../lib.sh"
copy_set glibc "$WORK/g"
make_core "$WORK/g" ./throw
CORE=$WORK/g/core
STORE=$XDG_CACHE_HOME/corefix/symbols

bt() { "$COREFIX" backtrace --json "$@" "$CORE" 2>/dev/null; }
ref=$(bt --no-cache) || fail "backtrace --no-cache exit $?"
[ ! -e "$STORE" ] || fail "--no-cache wrote $STORE"
expect "$(jq -r '.threads[0].frames[].function' <<<"$ref")" '^lookup' "reference frames"
same() { # same JSON WHAT: the backtrace equals the one without the cache
	[ "$1" = "$ref" ] || fail "$2: backtrace differs from --no-cache:
$(diff <(jq . <<<"$ref") <(jq . <<<"$1") | head -20)"
}

# --- first run writes, 0600 in 0700 ---
same "$(bt)" "first run"
ls "$STORE" >/dev/null 2>&1 || fail "no $STORE after a backtrace"
[ "$(stat -c %a "$STORE")" = 700 ] || fail "folder mode $(stat -c %a "$STORE")"
n=$(find "$STORE" -type f | wc -l)
[ "$n" -ge 2 ] || fail "want a file per build-id (program, libc, libstdc++...), have $n"
bad=$(find "$STORE" -type f ! -perm 600)
[ -z "$bad" ] || fail "files not 0600: $bad"
expect_not "$(ls -A "$STORE")" '^\.' "temporary files left"
# The program's own file: its build-id names its entry.
prog_id=$(jq -r '.modules[] | select(.role == "main") | .build_id_file' <<<"$("$COREFIX" modules --json "$CORE")")
ENTRY=$STORE/$prog_id
[ -f "$ENTRY" ] || fail "no entry for the program ($prog_id): $(ls "$STORE")"
cp "$ENTRY" "$WORK/good"

# --- a second run reads the files: same inode, time touched ---
touch -d 2001-01-01 "$STORE"/*
ino=$(stat -c %i "$ENTRY")
same "$(bt)" "second run"
[ "$(stat -c %i "$ENTRY")" = "$ino" ] || fail "the second run rewrote a whole entry"
[ "$(stat -c %Y "$ENTRY")" -gt 978307200 ] || fail "the second run did not use (touch) the entry"
cmp -s "$ENTRY" "$WORK/good" || fail "the entry changed on reading"

# --- a damaged entry is ignored and replaced ---
damage() { # damage WHAT CMD... : CMD spoils the entry; the next run replaces it
	cp "$WORK/good" "$ENTRY"
	"${@:2}"
	local ino
	ino=$(stat -c %i "$ENTRY")
	same "$(bt)" "$1 entry"
	[ "$(stat -c %i "$ENTRY")" != "$ino" ] || fail "$1 entry kept (not replaced)"
	cmp -s "$ENTRY" "$WORK/good" || fail "$1 entry not rewritten whole"
}
size=$(stat -c %s "$WORK/good")
damage truncated truncate -s $((size - 5)) "$ENTRY"
damage emptied truncate -s 0 "$ENTRY"
# One byte in the middle (a line number, a name): the checksum catches it.
damage altered sh -c "printf '\\377' | dd of='$ENTRY' bs=1 seek=$((size / 2)) conv=notrunc status=none"
# Another build-id's whole, valid file under this name.
other=$(find "$STORE" -type f ! -name "$prog_id" | head -1)
damage foreign cp "$other" "$ENTRY"

# --- two runs at once on the same cache: whole files, same results ---
for round in 1 2 3; do
	rm -rf "$STORE"
	for k in 1 2 3; do bt >"$WORK/par.$k" & done
	wait
	for k in 1 2 3; do same "$(cat "$WORK/par.$k")" "concurrent run $round.$k"; done
	expect_not "$(ls -A "$STORE")" '^\.' "temporary files left by concurrent runs"
	touch -d 2001-01-01 "$STORE"/*
	ino=$(stat -c %i "$ENTRY")
	same "$(bt)" "after concurrent runs"
	[ "$(stat -c %i "$ENTRY")" = "$ino" ] && [ "$(stat -c %Y "$ENTRY")" -gt 978307200 ] ||
		fail "round $round: an entry written concurrently was not whole (not reused)"
done

# --- the bound evicts least recently used files first ---
rm -rf "$STORE"
mkdir -m 700 -p "$STORE"
for y in 1 2 3 4 5; do
	f=$STORE/$(printf '%040d' "$y")
	head -c 102400 /dev/zero >"$f"
	chmod 600 "$f"
	touch -d "200$y-01-01" "$f"
done
same "$(COREFIX_CACHE_MAX=250K bt)" "bounded run"
for y in 1 2 3; do [ ! -e "$STORE/$(printf '%040d' "$y")" ] || fail "old file $y not evicted: $(ls -l "$STORE")"; done
[ -e "$STORE/$(printf '%040d' 5)" ] || fail "the newest old file was evicted too: $(ls -l "$STORE")"
[ -f "$ENTRY" ] || fail "the entry just written was evicted"
total=$(du -k -c "$STORE"/* | tail -1 | cut -f1)
[ "$total" -le 250 ] || fail "folder holds ${total}K over the 250K bound"

# --- a folder others can write is not used ---
rm -rf "$STORE"
mkdir -m 777 -p "$STORE"
same "$(bt)" "world-writable folder"
[ -z "$(ls -A "$STORE")" ] || fail "wrote into a world-writable folder: $(ls -A "$STORE")"

# --- --cache-dir DIR puts them in DIR/symbols ---
same "$(bt --cache-dir "$WORK/cd")" "--cache-dir"
[ -f "$WORK/cd/symbols/$prog_id" ] || fail "--cache-dir: no $WORK/cd/symbols/$prog_id"
exit 0
