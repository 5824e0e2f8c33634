#!/bin/sh
# The layers of corefix/, lowest first: a file may include headers of its
# own folder and of folders below it, never above (nor a folder's
# internal/ headers from outside it), and the folders' include graph has
# no circle. Inside a folder, the files (x.c with its x.h) include each
# other without a circle too: each file declares its own names in its own
# header, so that graph is the graph of which file uses which. Checks the tree given (default: corefix/
# of this source tree); with --self-test it then shows, in a scratch copy,
# that it refuses an upward include and a circle.
set -u
LAYERS="core resolve model stack commands cli"

# includes DIR: "FROM TO FILE HEADER" per #include "…" of every layer
# folder; TO is the folder holding HEADER (its own first), or "?".
includes() {
	for from in $LAYERS; do
		for f in "$1/$from"/*.c "$1/$from"/*.h "$1/$from"/internal/*.h; do
			[ -e "$f" ] || continue
			sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" | while read -r h; do
				to="?"
				if [ -e "$1/$from/$h" ] || [ -e "$1/$from/internal/$h" ]; then
					to=$from
				else
					for l in $LAYERS; do
						if [ -e "$1/$l/$h" ]; then
							to=$l
							break
						elif [ -e "$1/$l/internal/$h" ]; then
							to="internal:$l"
							break
						fi
					done
				fi
				echo "$from $to ${f#"$1"/} $h"
			done
		done
	done
}

# rank LAYER: its place in LAYERS.
rank() {
	i=0
	for l in $LAYERS; do
		i=$((i + 1))
		[ "$l" = "$1" ] && { echo $i; return; }
	done
	echo 0
}

# loop_names TSORT_ERRORS: the names tsort printed for its loops, on one line.
loop_names() {
	echo "$1" | grep -v 'input contains a loop' | sed 's/^tsort: //' | sort -u | tr '\n' ' '
}

# check DIR: 0 when DIR's layers hold, else 1 with one line per fault.
check() {
	status=0
	for l in $LAYERS; do
		[ -d "$1/$l" ] || { echo "check-layers: $1/$l: no such layer folder"; status=1; }
	done
	list=$(includes "$1")
	bad=$(echo "$list" | while read -r from to file h; do
		[ -n "$from" ] || continue
		if [ "$to" = "?" ]; then
			echo "check-layers: $file includes \"$h\", which no layer folder holds"
		elif [ "${to#internal:}" != "$to" ]; then
			echo "check-layers: $file includes ${to#internal:}/internal/$h, which is for ${to#internal:} only"
		elif [ "$(rank "$to")" -gt "$(rank "$from")" ]; then
			echo "check-layers: $file includes $to/$h: $to is a layer above $from"
		fi
	done)
	[ -z "$bad" ] || { echo "$bad"; status=1; }
	# Circles between folders, whatever the declared order says.
	err=$(echo "$list" | awk '$2 != "?" && $1 != $2 {sub(/^internal:/, "", $2); print $1, $2}' | sort -u | tsort 2>&1 >/dev/null)
	if [ -n "$err" ]; then
		echo "check-layers: the folders' includes form a circle: $(loop_names "$err")"
		status=1
	fi
	# Circles between the files of one folder.
	for l in $LAYERS; do
		err=$(for f in "$1/$l"/*.c "$1/$l"/*.h "$1/$l"/internal/*.h; do
			[ -e "$f" ] || continue
			u=$(basename "$f")
			sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" | while read -r h; do
				if [ -e "$1/$l/$h" ] || [ -e "$1/$l/internal/$h" ]; then
					[ "${u%.*}" = "${h%.h}" ] || echo "${u%.*} ${h%.h}"
				fi
			done
		done | sort -u | tsort 2>&1 >/dev/null)
		if [ -n "$err" ]; then
			echo "check-layers: the files of $l/ include each other in a circle: $(loop_names "$err")"
			status=1
		fi
	done
	return $status
}

selftest=no
if [ "${1:-}" = --self-test ]; then
	selftest=yes
	shift
fi
tree=${1:-$(cd "$(dirname "$0")/../../corefix" && pwd)}

check "$tree" || exit 1
echo "check-layers: $LAYERS: no upward include, no circle between folders or between the files of one"
[ $selftest = yes ] || exit 0

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for l in $LAYERS; do
	mkdir -p "$scratch/$l"
	cp "$tree/$l"/*.[ch] "$scratch/$l/"
done
echo '#include "model.h"' >>"$scratch/core/diag.c"
if check "$scratch" >/dev/null; then
	echo "check-layers: self-test: core/diag.c including model.h was not refused"
	exit 1
fi
sed -i '$d' "$scratch/core/diag.c"
mkdir -p "$scratch/model/internal"
cp "$tree/model/internal"/*.h "$scratch/model/internal/"
echo '#include "model_build.h"' >>"$scratch/stack/backtrace.c"
if check "$scratch" >/dev/null; then
	echo "check-layers: self-test: stack/backtrace.c including model/internal/model_build.h was not refused"
	exit 1
fi
sed -i '$d' "$scratch/stack/backtrace.c"
check "$scratch" >/dev/null || { echo "check-layers: self-test: the unchanged copy is refused"; exit 1; }
# Two files of one folder including each other.
echo '#include "resolve.h"' >>"$scratch/resolve/answers.h"
if ! check "$scratch" | grep -q "files of resolve/"; then
	echo "check-layers: self-test: resolve/answers.h including resolve.h (which includes it back) was not refused"
	exit 1
fi
sed -i '$d' "$scratch/resolve/answers.h"
# A circle the declared order alone would not show: two folders each
# including the other.
LAYERS="$LAYERS x y"
mkdir "$scratch/x" "$scratch/y"
echo '#include "y.h"' >"$scratch/x/x.h"
echo '#include "x.h"' >"$scratch/y/y.h"
if check "$scratch" | grep -q circle; then
	echo "check-layers: self-test: an upward include, an internal header from outside, a circle of files and a circle of folders are all refused"
	exit 0
fi
echo "check-layers: self-test: the circle between x and y was not found"
exit 1
