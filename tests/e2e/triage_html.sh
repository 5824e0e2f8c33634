#!/bin/bash
# triage --html in a real browser: headless Chromium loads the page and we
# assert on the DOM it rendered (groups, counts, known/new, the chart that
# the page's own script draws, the core lists it pages) and keep a
# screenshot in this test's folder. Paths are untrusted: a core under a
# folder named like markup stays text. A 10 000-core report stays small
# and shows its core list a page at a time.
. "$(dirname "$0")/../lib.sh"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
	echo "SKIP: chromium is not installed (.ci/deps installs Debian's chromium)"
	exit 77
fi
# render PAGE OUT.dom [SHOT.png] : the DOM after the page's script ran.
render() {
	local prof
	prof=$(mktemp -d "$WORK/profile.XXXXXX")
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync --user-data-dir="$prof" \
		--dump-dom "file://$1" >"$2" 2>"$WORK/chromium.log" || fail "chromium --dump-dom exit $?: $(tail -5 "$WORK/chromium.log")"
	if [ $# -ge 3 ]; then
		timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
			--disable-background-networking --disable-component-update --disable-sync --user-data-dir="$prof" \
			--window-size=1200,1400 --screenshot="$3" "file://$1" >>"$WORK/chromium.log" 2>&1 ||
			fail "chromium --screenshot exit $?"
		[ -s "$3" ] || fail "no screenshot written"
	fi
	rm -rf "$prof"
}
count() { grep -o "$1" "$2" | wc -l; }

copy_set glibc "$WORK/g"
hostile='<b id="x">bold</b> & "q" '"'"'s'
i=0
for run in ./prog ./prog ./div0 ./prog ./abort; do
	i=$((i + 1))
	make_core "$WORK/g" $run
	d="$WORK/cores/$i"
	[ $i = 4 ] && d="$WORK/cores/$hostile"
	mkdir -p "$d"
	mv "$WORK/g/core" "$d/core"
done
mkdir -p "$WORK/old"
cp -r "$WORK/cores/1" "$WORK/old/"
"$COREFIX" triage --json "$WORK/old" >"$WORK/base.json" || fail "baseline exit $?"
"$COREFIX" triage -q --json --baseline "$WORK/base.json" --html "$WORK/report.html" "$WORK/cores" >"$WORK/t.json" ||
	fail "triage --html exit $?"
[ -s "$WORK/report.html" ] || fail "no page written"
expect_not "$(grep -oE '(src|href|action)=["'"'"']?[a-z]+:' "$WORK/report.html")" . "references out of the page"
render "$WORK/report.html" "$WORK/report.dom" "$WORK/report.png"
dom=$WORK/report.dom
# The script ran and drew one bar per group, with the group's count.
grep -q '<body data-rendered="3">' "$dom" || fail "the page's script did not run: $(head -c 600 "$dom")"
[ "$(count '<rect [^>]*class="bar ' "$dom")" = 3 ] || fail "want 3 bars in the chart"
[ "$(grep -o '<rect [^>]*data-count="[0-9]*"' "$dom" | sed 's/.*data-count="//; s/"//' | tr '\n' ' ')" = "1 1 3 " ] ||
	fail "bar counts: $(grep -o '<rect [^>]*>' "$dom")"
[ "$(count '<section class="group ' "$dom")" = 3 ] || fail "want 3 groups"
[ "$(count 'class="badge new"' "$dom")" = 2 ] || fail "want 2 new groups"
[ "$(count 'class="badge known"' "$dom")" = 1 ] || fail "want 1 known group"
expect "$(cat "$dom")" 'id="n-cores">5<' "cores in the summary"
expect "$(cat "$dom")" '<section class="group known" id="g3" data-count="3" data-class="null-dereference">' "known group last, 3 cores"
expect "$(cat "$dom")" 'crash_here \(libb.so\+0x[0-9a-f]+\) [^<]*libb.c:4</li>' "stack with file:line"
# The core lists, filled by the script: 3 + 1 + 1 entries.
[ "$(count '<li>[^<]*/core</li>' "$dom")" = 5 ] || fail "want 5 cores listed: $(grep -o '<ul class="corelist"[^>]*>.*' "$dom" | head -c 800)"
# The hostile name is text, never markup.
[ "$(count '<b id="x">' "$dom")" = 0 ] || fail "a path became markup"
expect "$(cat "$dom")" '&lt;b id="x"&gt;bold&lt;/b&gt; &amp; "q" '"'"'s/core</li>' "hostile path as text"
note "screenshot: $WORK/report.png"

# 10 000 cores in two groups (a --merge of a made-up fleet): small, and
# the big group's list shows 100 at a time.
jq --arg w "$WORK/fleet" '.groups |= .[0:2] | .groups[0].count = 9000 | .groups[1].count = 1000
	| .groups |= map(.cores = [range(.count) as $i | "\($w)/host-\($i % 97)/core.\(.class)-\($i)"] | .first_core = .cores[0])
	| .cores_found = 10000 | .cores_read = 10000 | .unreadable = []' "$WORK/t.json" >"$WORK/fleet.json"
"$COREFIX" triage --merge --json --html "$WORK/fleet.html" "$WORK/fleet.json" >"$WORK/fleet.out" || fail "merge --html exit $?"
[ "$(jq '[.groups[].count] | add' "$WORK/fleet.out")" = 10000 ] || fail "fleet: not 10000 cores"
size=$(stat -c %s "$WORK/fleet.html")
[ "$size" -lt 600000 ] || fail "10 000 cores make a $size-byte page"
render "$WORK/fleet.html" "$WORK/fleet.dom"
grep -q '<body data-rendered="2">' "$WORK/fleet.dom" || fail "fleet page did not render"
[ "$(count '<li>[^<]*/core\.[a-z-]*-[0-9]*</li>' "$WORK/fleet.dom")" = 200 ] || fail "want 100 cores shown per group"
expect "$(cat "$WORK/fleet.dom")" '>Show 100 more of 8900</button>' "paging button"
note "10 000 cores: $size bytes"
exit 0
