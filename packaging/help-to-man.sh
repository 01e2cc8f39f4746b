#!/bin/sh
# Writes the man pages of a built grader from its help, the only source of
# their text: grader(1) from 'grader --help', and grader-<command>(1) from
# 'grader <command> --help' for each command the first lists, its NAME line
# from that list. Each page as OUT/<page>.1, and gzip -9n'd beside it for
# installing.
#
#   packaging/help-to-man.sh GRADER OUT
set -eu
[ $# -eq 2 ] || { echo "usage: $0 GRADER OUT" >&2; exit 2; }
grader=$1
out=$2
awk_script=$(dirname "$0")/help-to-man.awk
mkdir -p "$out"
rm -f "$out"/*.1 "$out"/*.1.gz # a command removed leaves no page behind
version=$("$grader" --version)
top=$out/grader.help
"$grader" --help >"$top"

# The commands and their summaries: the lines under "commands:".
commands=$(awk '/^commands:$/ { on = 1; next } on && /^$/ { exit } on { print $1 }' "$top")
[ -n "$commands" ] || { echo "$0: no commands in '$grader --help'" >&2; exit 1; }
see=grader
for c in $commands; do
	see="$see,grader-$c"
done

page() { # page NAME HELP SUMMARY SEE
	awk -v page="$1" -v version="$version" -v summary="$3" -v see="$4" \
		-f "$awk_script" "$2" >"$out/$1.1.tmp"
	mv "$out/$1.1.tmp" "$out/$1.1"
	gzip -9n -c "$out/$1.1" >"$out/$1.1.gz"
}

page grader "$top" "" "${see#grader,}"
for c in $commands; do
	summary=$(awk -v c="$c" '/^commands:$/ { on = 1; next }
		on && $1 == c { sub(/^ +[^ ]+ +/, ""); print; exit }' "$top")
	"$grader" "$c" --help >"$out/grader-$c.help"
	page "grader-$c" "$out/grader-$c.help" "$summary" grader
done
rm -f "$out"/*.help
