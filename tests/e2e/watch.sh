#!/usr/bin/env bash
# grader check --watch: a save by rename regrades and says what changed;
# SIGTERM ends it cleanly. Bounded: every wait has a deadline.
# usage: watch.sh GRADER SOURCE_DIR
set -u
grader=$1
src=$2
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# wait_for N: until the log holds N "watching" lines, 40 s at most.
wait_for() {
	local i
	for i in $(seq 200); do
		[ "$(grep -c '^watching' "$tmp/log")" -ge "$1" ] && return 0
		sleep 0.2
	done
	fail "no grading number $1 within 40 s"; cat "$tmp/log"; return 1
}

cp "$src/exercises/sort-users/starter.c" "$tmp/s.c"
"$grader" check sort-users "$tmp/s.c" --watch --test score-descending --seed 3 \
	>"$tmp/log" 2>&1 </dev/null &
pid=$!
wait_for 1
# An editor's save: a new file renamed over the old one.
cp "$src/exercises/sort-users/reference.c" "$tmp/s.c.new" && mv "$tmp/s.c.new" "$tmp/s.c"
wait_for 2
grep -q "fixed:  score-descending" "$tmp/log" || fail "the change is not reported"
# A save in place.
cp "$src/exercises/sort-users/starter.c" "$tmp/s.c"
wait_for 3
grep -q "broken: score-descending" "$tmp/log" || fail "the breakage is not reported"
kill -TERM "$pid"
wait "$pid"
status=$?
pid=
[ "$status" -lt 128 ] || fail "--watch died by a signal (exit $status) instead of ending cleanly"
[ "$status" -eq 1 ] || fail "exit $status, expected 1 (the last run, partial and failing)"
[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; cat "$tmp/log"; exit 1; }
echo "all passed"
