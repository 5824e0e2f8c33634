#!/bin/bash
# check-sanitizer-logs.sh DIR : fails, printing them, if any process of any
# test left an AddressSanitizer/LeakSanitizer/UBSan report in DIR. Tests that
# expect a non-zero exit cannot tell a leak's exit status from their own, so
# the ASan run routes every report here (log_path) and checks once at the end.
set -u
dir=$1
shopt -s nullglob
reports=("$dir"/*)
[ ${#reports[@]} -eq 0 ] && { echo "no sanitizer reports"; exit 0; }
for r in "${reports[@]}"; do
	echo "== $r"
	cat "$r"
done
echo "FAIL: ${#reports[@]} sanitizer report(s)" >&2
exit 1
