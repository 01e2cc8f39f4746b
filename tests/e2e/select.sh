#!/usr/bin/env bash
# End-to-end tests of grader check --test: globs, what tests require, the
# partial mark in every format, exit statuses. usage: select.sh GRADER SOURCE_DIR
set -u
grader=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
ref=$src/exercises/sort-users/reference.c
bad=$src/fixtures/sort-users/fails-name-copy-truncated/submission.c

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_status() {
	local want=$1; shift
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	local got=$?
	out=$(cat "$tmp/out"); err=$(cat "$tmp/err")
	[ "$got" -eq "$want" ] || fail "'$*': exit $got, expected $want; stderr: $err"
}
expect_in() { case "$1" in *"$2"*) ;; *) fail "$3: lacks '$2'";; esac; }

# Unknown names and empty globs: usage errors that list the tests.
expect_status 2 "$grader" check sort-users "$ref" --test no-such-test
expect_in "$err" "no test of 'sort-users' matches 'no-such-test'" "unknown test"
expect_in "$err" "score-descending" "unknown test lists the tests"
expect_status 2 "$grader" check sort-users "$ref" --test 'zz*'

# The reference on one test: partial, exit 1 although it passed.
expect_status 1 "$grader" check sort-users "$ref" --test empty --seed 3 --format json \
	--report "human=$tmp/h.txt" --report "tap=$tmp/t.tap" --report "junit=$tmp/j.xml" \
	--report "markdown=$tmp/m.md" --report "gradescope=$tmp/g.json"
python3 - "$tmp/out" <<'PY' || fail "partial json"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["partial"] is True and r["selected"] == ["empty"], r.get("selected")
assert [t["name"] for t in r["tests"]] == ["empty"], r["tests"]
assert r["tests"][0]["status"] == "passed"
assert r["score"] == 1 and r["max_score"] == 15, (r["score"], r["max_score"])
PY
for f in h.txt t.tap j.xml m.md g.json; do
	grep -q "partial run of empty" "$tmp/$f" || fail "$f does not say the run is partial"
done

# A glob, repeated --test, and a failing submission.
expect_status 1 "$grader" check sort-users "$bad" --test 'score-*' --test single --seed 3 \
	--format json
python3 - "$tmp/out" <<'PY' || fail "glob selection"
import json, sys
r = json.load(open(sys.argv[1]))
names = [t["name"] for t in r["tests"]]
assert names == ["score-descending", "single"], names
PY
# What a selected test requires runs too, and is listed.
expect_status 1 "$grader" check fib-generator "$src/exercises/fib-generator/reference.c" \
	--test unlimited-ends-after-f93 --seed 3 --format json
python3 - "$tmp/out" <<'PY' || fail "requires"
import json, sys
r = json.load(open(sys.argv[1]))
names = [t["name"] for t in r["tests"]]
assert names[-1] == "unlimited-ends-after-f93" and "first-ten" in names, names
assert "stays-exhausted" in names and r["selected"] == ["unlimited-ends-after-f93"], names
assert all(t["status"] == "passed" for t in r["tests"]), r["tests"]
PY
# A full run carries no partial mark.
expect_status 0 "$grader" check sort-users "$ref" --seed 3 --format json
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert "partial" not in r' \
	"$tmp/out" || fail "full run marked partial"

# --replay: a failing visible test, written out; run.sh reproduces the
# grader's observations byte for byte.
expect_status 2 "$grader" check sort-users "$bad" --replay "$tmp/r"
expect_in "$err" "--replay needs --test" "replay without --test"
expect_status 2 "$grader" check sort-users "$bad" --test '*' --replay "$tmp/r"
expect_in "$err" "replays one test" "replay of several tests"
expect_status 1 "$grader" check sort-users "$bad" --test ties-by-name --seed 3 --replay "$tmp/r"
expect_in "$out" "OUTSIDE the sandbox" "replay warning"
expect_in "$out" "reference (expected)" "replay side by side"
for f in Makefile run.sh driver.c sort_users.h grader_driver.h submission.c expected.txt \
	grader-observed.txt; do
	[ -f "$tmp/r/$f" ] || fail "replay lacks $f"
done
if command -v gcc >/dev/null && command -v make >/dev/null; then
	(cd "$tmp/r" && ./run.sh >"$tmp/run.out" 2>&1) || true
	cmp "$tmp/r/observed.txt" "$tmp/r/grader-observed.txt" ||
		fail "run.sh did not reproduce the grader's observations"
	grep -q "byte for byte" "$tmp/run.out" || fail "run.sh does not say it reproduced the run"
	cmp -s "$tmp/r/observed.txt" "$tmp/r/expected.txt" && fail "a failing test replays as passing"
fi
# A submission named driver.c does not replace the kit's driver.
cp "$bad" "$tmp/driver.c"
expect_status 1 "$grader" check sort-users "$tmp/driver.c" --test ties-by-name --seed 3 \
	--replay "$tmp/r3"
cmp -s "$tmp/r3/driver.c" "$src/exercises/sort-users/driver.c" ||
	fail "the replay's driver.c is not the exercise's"
cmp -s "$tmp/r3/submission.c" "$bad" || fail "the replay lacks the submission as submission.c"
if command -v gcc >/dev/null && command -v make >/dev/null; then
	(cd "$tmp/r3" && ./run.sh >"$tmp/run3.out" 2>&1) || true
	cmp "$tmp/r3/observed.txt" "$tmp/r3/grader-observed.txt" ||
		fail "run.sh of a submission named driver.c did not reproduce the grader's run"
fi
# A hidden test is never replayed.
mkdir -p "$tmp/ex" && cp -r "$src/exercises/sort-users" "$tmp/ex/"
python3 - "$tmp/ex/sort-users/spec.json" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
for t in spec["tests"]:
    if t["name"] in ("empty", "ties-by-name"):
        t["visibility"] = "hidden"
json.dump(spec, open(sys.argv[1], "w"))
PY
expect_status 2 "$grader" check sort-users "$bad" --exercises "$tmp/ex" --test empty \
	--replay "$tmp/r2"
expect_in "$err" "test 'empty' is hidden" "hidden replay"
[ -e "$tmp/r2" ] && fail "a hidden test's replay was written"

# A visible test that fails shows its input; a hidden one none of it.
expect_status 1 "$grader" check sort-users "$bad" --test ties-by-name --seed 3 --format json
python3 - "$tmp/out" <<'PY' || fail "input of a visible test"
import json, sys
t = json.load(open(sys.argv[1]))["tests"][0]
assert t["status"] == "failed" and t["input"].startswith("n=24\n[0] id=31 name=\"bob\""), t
PY
expect_status 1 "$grader" check sort-users "$bad" --test ties-by-name --seed 3
expect_in "$out" "the test's input:" "human input"
expect_status 1 "$grader" check sort-users "$bad" --exercises "$tmp/ex" --test ties-by-name \
	--seed 3 --format json
python3 - "$tmp/out" <<'PY' || fail "input of a hidden test shown"
import json, sys
t = json.load(open(sys.argv[1]))["tests"][0]
assert t["status"] == "failed" and "input" not in t, t
PY

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all passed"
