#!/usr/bin/env bash
# End-to-end tests of the command line: exit statuses, messages, init, show,
# list, json shape, seeds. usage: cli.sh GRADER SOURCE_DIR
set -u
grader=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect_status WANT COMMAND...: runs COMMAND, keeps stdout/stderr in $out/$err.
expect_status() {
	local want=$1; shift
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	local got=$?
	out=$(cat "$tmp/out"); err=$(cat "$tmp/err")
	[ "$got" -eq "$want" ] || fail "'$*': exit $got, expected $want; stderr: $err"
}
expect_in() { # expect_in HAYSTACK NEEDLE WHAT
	case "$1" in *"$2"*) ;; *) fail "$3: lacks '$2'";; esac
}

expect_status 0 "$grader" --help
expect_in "$out" "check" "grader --help"
for c in list show init check deliver verify; do
	expect_status 0 "$grader" "$c" --help
	expect_in "$out" "usage: grader $c" "grader $c --help"
done
expect_status 2 "$grader"
expect_status 2 "$grader" frobnicate
expect_in "$err" "'frobnicate' is not a command" "unknown command"

expect_status 0 "$grader" list
for ex in sort-users; do
	expect_in "$out" "$ex" "grader list"
	expect_status 0 "$grader" show "$ex"
	expect_in "$out" "## The header" "grader show $ex"
done

expect_status 2 "$grader" show no-such-exercise
expect_in "$err" "no exercise named 'no-such-exercise'" "unknown exercise"
expect_status 2 "$grader" check no-such-exercise x.c
expect_status 2 "$grader" check sort-users "$tmp/missing.c"
expect_in "$err" "cannot read '$tmp/missing.c': No such file or directory" "missing file"
expect_status 2 "$grader" check sort-users "$tmp"
expect_in "$err" "is not a regular file" "directory as submission"
printf 'int x;\0\1\2' >"$tmp/binary.c"
expect_status 2 "$grader" check sort-users "$tmp/binary.c"
expect_in "$err" "binary data" "binary submission"
expect_status 2 "$grader" check sort-users "$src/exercises/sort-users/reference.c" --seed -4
expect_status 2 "$grader" check sort-users "$src/exercises/sort-users/reference.c" --format yaml

# init: the starter compiles and fails; a second init refuses to overwrite.
expect_status 0 "$grader" init sort-users "$tmp/learner"
[ -f "$tmp/learner/sort_users.h" ] || fail "init wrote no header"
[ -f "$tmp/learner/sort_users.c" ] || fail "init wrote no starter"
expect_status 2 "$grader" init sort-users "$tmp/learner"
expect_in "$err" "exists; use --force" "init twice"
expect_status 1 "$grader" check sort-users "$tmp/learner/sort_users.c" --format json
python3 - "$tmp/out" <<'PY' || fail "starter report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["compile"]["status"] == "ok", r["compile"]
assert r["score"] < r["max_score"], r["score"]
PY

# The reference: full score, the contract's json shape, reproducible by seed.
ref=$src/exercises/sort-users/reference.c
expect_status 0 "$grader" check sort-users "$ref" --format json --seed 77
cp "$tmp/out" "$tmp/a.json"
expect_status 0 "$grader" check sort-users "$ref" --format json --seed 77
cp "$tmp/out" "$tmp/b.json"
python3 - "$tmp/a.json" "$tmp/b.json" <<'PY' || fail "json report shape or reproducibility"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for key in ("schema", "exercise", "submission", "sha256", "score", "max_score",
            "compile", "tests", "seed", "grader_version"):
    assert key in a, key
assert a["schema"] == 1 and a["seed"] == 77 and a["score"] == a["max_score"]
assert a["compile"]["status"] == "ok"
statuses = {"passed", "failed", "timeout", "memory", "crashed", "forbidden",
            "output_limit", "skipped"}
for t in a["tests"]:
    for key in ("name", "status", "score", "max_score", "time_ms", "memory_kb",
                "message", "hint"):
        assert key in t, (t["name"], key)
    assert t["status"] in statuses
strip = lambda r: [(t["name"], t["status"], t["score"], t["message"]) for t in r["tests"]]
assert strip(a) == strip(b), "same seed, different results"
assert a["receipt"]["delivery_id"] != b["receipt"]["delivery_id"]
assert "seccomp" in a["receipt"]["isolation"]
PY
python3 - "$src/docs/report.schema.json" "$tmp/a.json" "$tmp/b.json" <<'PY' ||
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for p in sys.argv[2:]:
    jsonschema.Draft7Validator(schema).validate(json.load(open(p)))
PY
	fail "json report does not match docs/report.schema.json"

# Human output: no colour when not a terminal; a summary line.
expect_status 0 "$grader" check sort-users "$ref"
expect_in "$out" "score " "human summary"
case "$out" in *$'\033['*) fail "colour codes without a terminal";; esac

# A malformed spec in an instructor's directory: exit 2, file and field named.
mkdir -p "$tmp/ex/broken"
cp "$src/exercises/sort-users/sort_users.h" "$tmp/ex/broken/broken.h"
echo '{"title": "b", "tests": [{"name": "a", "points": "two"}]}' >"$tmp/ex/broken/spec.json"
expect_status 2 "$grader" check broken "$ref" --exercises "$tmp/ex"
expect_in "$err" "broken/spec.json: tests[0].points: expected an integer" "malformed spec"

# show --mistake: a known mistake's program on stdout. A patch gives what
# patch(1) makes of reference.c with no fuzz; a whole-file mistake its file.
for spec in "$src"/exercises/*/spec.json; do
	ex=$(basename "$(dirname "$spec")")
	python3 -c '
import json, sys
for m in json.load(open(sys.argv[1])).get("mistakes", []):
    print(m["name"], m.get("patch") or m["source"])' "$spec" >"$tmp/mistakes"
	while read -r name file; do
		expect_status 0 "$grader" show "$ex" --mistake "$name"
		case "$file" in
		*.patch)
			command -v patch >/dev/null || continue
			patch -s -F0 -o "$tmp/want.c" "$src/exercises/$ex/reference.c" \
				"$src/exercises/$ex/$file" >/dev/null 2>&1 ||
				fail "patch(1) does not apply $ex/$file"
			;;
		*) cp "$src/exercises/$ex/$file" "$tmp/want.c" ;;
		esac
		cmp -s "$tmp/out" "$tmp/want.c" ||
			fail "show $ex --mistake $name: not the program patch(1) makes"
	done <"$tmp/mistakes"
done
expect_status 0 "$grader" show lru-cache --mistake get-not-refreshing
expect_in "$out" "bool lru_get(" "show --mistake"
case "$out" in *"list_push_front(c, n);
	*value = n->value;"*) fail "show --mistake: get still refreshes";; esac
expect_status 2 "$grader" show lru-cache --mistake no-such-mistake
expect_in "$err" "no mistake named 'no-such-mistake' in exercise 'lru-cache'" "unknown mistake"
expect_in "$err" "get-not-refreshing" "unknown mistake: the known ones listed"
expect_status 2 "$grader" show lru-cache --mistake
expect_status 2 "$grader" show no-such-exercise --mistake leak

# A patch that no longer applies fails loading the exercise, naming the
# mistake and the hunk: after an edit of reference.c (the drift a diff is
# there to catch), and in a patch whose context was corrupted.
mkdir "$tmp/pex"
cp -r "$src/exercises/lru-cache" "$tmp/pex/"
sed -i 's|^\t\*value = n->value;$|\t*value = n->value; /* edited */|' "$tmp/pex/lru-cache/reference.c"
expect_status 2 "$grader" check lru-cache --exercises "$tmp/pex" "$ref"
expect_in "$err" "lru-cache/spec.json: mistakes[0].patch: mistake 'get-not-refreshing': mistakes/get-not-refreshing.patch does not apply to reference.c: hunk 1 (@@ -" "drifted reference"
expect_in "$err" "of reference.c does not match line" "drifted reference: the lines"
expect_in "$err" "/* edited */" "drifted reference: the text"
expect_status 2 "$grader" show lru-cache --exercises "$tmp/pex" --mistake leak
expect_in "$err" "mistake 'get-not-refreshing'" "show: drifted reference"
expect_status 3 "$grader" verify --exercises "$tmp/pex" lru-cache
expect_in "$err" "does not apply to reference.c" "verify: drifted reference"
cp "$src/exercises/lru-cache/reference.c" "$tmp/pex/lru-cache/reference.c"
expect_status 0 "$grader" show lru-cache --exercises "$tmp/pex" --mistake leak
sed -i 's|^ \tif (c->capacity == 0)$| \tif (c->capacity == 1)|' "$tmp/pex/lru-cache/mistakes/update-evicts.patch"
expect_status 2 "$grader" show lru-cache --exercises "$tmp/pex"
expect_in "$err" "mistakes[2].patch: mistake 'update-evicts': mistakes/update-evicts.patch does not apply to reference.c: hunk 1" "corrupted patch"
expect_in "$err" "reference.c has '\\tif (c->capacity == 0)', the patch '\\tif (c->capacity == 1)'" "corrupted patch: both lines"
cp "$src/exercises/lru-cache/mistakes/update-evicts.patch" "$tmp/pex/lru-cache/mistakes/"
sed -i 's|^@@ -\([0-9]*\),\([0-9]*\) +\([0-9]*\),\([0-9]*\) @@|@@ -\1,\2 +\3,99 @@|' \
	"$tmp/pex/lru-cache/mistakes/leak.patch"
expect_status 2 "$grader" check lru-cache --exercises "$tmp/pex" "$ref"
expect_in "$err" "mistake 'leak': mistakes/leak.patch does not apply to reference.c: hunk 1" "lying count"
expect_in "$err" "the patch ends after" "lying count: why"

# grader verify: usage, and an exercise that is not sound (exit 3) for each
# reason it names: a mistake's "breaks" list that is wrong, and too little
# headroom under a limit.
expect_status 0 "$grader" verify --help
expect_in "$out" "usage: grader verify" "grader verify --help"
expect_status 2 "$grader" verify
expect_status 2 "$grader" verify no-such-exercise
mkdir "$tmp/vex"
cp -r "$src/exercises/fib-generator" "$src/exercises/sort-users" "$tmp/vex/"
python3 - "$tmp/vex" <<'PY'
import json, os, sys
p = os.path.join(sys.argv[1], "fib-generator", "spec.json")
spec = json.load(open(p))
for m in spec["mistakes"]:
    if m["name"] == "off-by-one":
        m["breaks"].remove("limit-two")
json.dump(spec, open(p, "w"))
p = os.path.join(sys.argv[1], "sort-users", "spec.json")
spec = json.load(open(p))
for t in spec["tests"]:
    if t.get("scaling"):
        t["limits"] = {"cpu_ms": 10}
json.dump(spec, open(p, "w"))
PY
expect_status 3 "$grader" verify --exercises "$tmp/vex" fib-generator
expect_in "$err" "mistake 'off-by-one' also fails test 'limit-two'" "verify: breaks"
expect_in "$out" "fib-generator: NOT SOUND" "verify: verdict"
expect_status 3 "$grader" check sort-users --exercises "$tmp/vex" "$src/exercises/sort-users/reference.c"
expect_in "$err" "test 'scaling-100k'" "check: headroom test"
expect_in "$err" "the learner's limit of 10 ms CPU" "check: headroom limit"
expect_in "$err" "not sound on this machine" "check: headroom verdict"

if [ "$failures" -ne 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "all cli checks passed"
