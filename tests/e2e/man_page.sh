#!/bin/bash
# corefix(1) is kept in step with `corefix --help`: the long options each
# of them names are the same set, so are the commands, and man renders the
# page without a warning.
. "$(dirname "$0")/../lib.sh"
need_cmd man
PAGE="$(dirname "$0")/../../corefix/corefix.1"
[ -f "$PAGE" ] || fail "no man page at $PAGE"

help=$("$COREFIX" --help) || fail "corefix --help exited $?"
# The roff source, not the rendering: groff may hyphenate a long option
# across lines. \- is a hyphen, \% and font changes are markup.
roff=$(grep -v '^\.\\"' "$PAGE" | sed 's/\\-/-/g; s/\\%//g; s/\\f[BIRP]//g; s/\\(em//g')

long_opts() { grep -oE -- '--[a-z][a-z-]*[a-z]' | sort -u; }
in_help=$(long_opts <<<"$help")
in_page=$(long_opts <<<"$roff")
[ -n "$in_help" ] || fail "no long option found in --help"
[ "$in_help" = "$in_page" ] || fail "long options differ (< only in --help, > only in the man page):
$(diff <(echo "$in_help") <(echo "$in_page") | grep '^[<>]')"
note "long options: $(echo $in_help)"

# Commands: the first word of each entry of --help's "Commands:" list, and
# each .TP entry of the page's COMMANDS section.
help_cmds=$(sed -n '/^Commands:/,/^$/p' <<<"$help" | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' | sort -u)
page_cmds=$(sed -n '/^\.SH COMMANDS/,/^\.SH /p' <<<"$roff" | grep -A1 '^\.TP' |
	sed -n 's/^\.B[R]* \([a-z][a-z-]*\).*/\1/p' | sort -u)
[ -n "$help_cmds" ] || fail "no command found in --help"
[ "$help_cmds" = "$page_cmds" ] || fail "commands differ (< only in --help, > only in the man page):
$(diff <(echo "$help_cmds") <(echo "$page_cmds") | grep '^[<>]')"
note "commands: $(echo $help_cmds)"

warn=$(MANWIDTH=80 man --warnings -l "$PAGE" 2>&1 >/dev/null)
[ -z "$warn" ] || fail "man --warnings: $warn"
text=$(MANWIDTH=80 man -l "$PAGE" 2>/dev/null)
for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS ENVIRONMENT 'EXIT STATUS' FILES EXAMPLES 'SEE ALSO'; do
	grep -q "^$s\$" <<<"$text" || fail "the rendered page has no $s section"
done
exit 0
