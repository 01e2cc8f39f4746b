#!/usr/bin/env python3
"""The regrade audit: `grader batch` into an output directory that holds an
earlier run writes changes.csv (and report.html's "Changes since the last
run"), and `grader batch --dry-run` says what would be regraded and why.

usage: batch_changes.py GRADER SOURCE_DIR

Three changes, each run for real, one at a time:
  spec          a test of fib-generator is worth more points (a copy of the
                exercises, --exercises): the students who pass it change,
                cause "spec"; the others do not
  grader        the earlier run as an older grader would have left it: its
                batch.json names another grader version, and one report holds
                the verdict that older grader gave (a test failed, fewer
                points). The grader that runs is this one, so the results
                are this grader's: the change is bob's, cause "grader"
  resubmission  one student submits another file, one is new, one is gone:
                cause "submission"
Editing the stored run is how an older grader's output is made without
building one: what the audit reads (batch.json, the reports) is exactly
what an older grader writes, and nothing else in the run is altered.
"""
import csv
import json
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from batch_lib import check, expect, fixture, place, read, run  # noqa: E402

ASSIGNMENT = {
    "name": "Audit",
    "seed": 99,
    "exercises": [
        {"id": "sort-users", "weight": 0.5},
        {"id": "fib-generator"},
    ],
}
STUDENTS = {
    "ann": ("passes-reference", "passes-reference"),
    "bob": ("passes-qsort-with-index-tiebreak", "fails-starts-at-one"),
    "carol": ("fails-ascending-score", "passes-fixed-table"),
    "<b>dan": ("fails-unstable-sort", "fails-off-by-one"),
}
SPEC_TEST = "first-ten"
GRADER_TEST = "ties-by-name"
HEADER = ["student", "exercise", "old_score", "new_score", "old_status", "new_status",
          "tests", "cause"]


def changes(out):
    path = os.path.join(out, "changes.csv")
    check(os.path.isfile(path), "no changes.csv")
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    check(rows[0] == HEADER, "changes.csv header: %s" % rows[0])
    return [dict(zip(HEADER, r)) for r in rows[1:]]


def summary(out):
    return json.loads(read(os.path.join(out, "summary.json")), parse_float=str, parse_int=str)


def scores(out):
    return {g["student"]: {e["id"]: e for e in g["exercises"]} for g in summary(out)["grades"]}


def report(out, student, exercise):
    return json.loads(read(os.path.join(out, "reports", student, exercise + ".json")))


def page_rows(out):
    """report.html's change rows: (student, exercise, cause)."""
    text = read(os.path.join(out, "report.html"))
    return [(s.replace("&lt;", "<").replace("&gt;", ">"), e, c) for s, e, c in re.findall(
        r'<tr class="change" data-student="([^"]*)" data-exercise="([^"]*)" '
        r'data-cause="([^"]*)">', text)]


def dry_run(grader, cls, out, *args):
    p = run(grader, "batch", cls, "--out", out, "--dry-run", *args)
    expect(p, 0, "--dry-run")
    lines = [ln.split("\t") for ln in p.stdout.splitlines() if "\t" in ln]
    return {(ln[0], ln[1]): (ln[2], ln[3]) for ln in lines}, p.stdout


def batch(grader, cls, out, *args):
    p = run(grader, "batch", cls, "--out", out, "-j", "2", "-q", *args)
    check(p.returncode in (0, 1), "batch: exit %d: %s" % (p.returncode, p.stderr))
    return p


def same_rows(out, rows):
    got = sorted(page_rows(out))
    want = sorted((r["student"], r["exercise"], r["cause"]) for r in rows)
    check(got == want, "report.html shows %s, changes.csv %s" % (got, want))


def main():
    grader, src = os.path.abspath(sys.argv[1]), sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="grader-changes-")
    try:
        cls = os.path.join(tmp, "class")
        os.makedirs(cls)
        with open(os.path.join(cls, "grader.json"), "w") as f:
            json.dump(ASSIGNMENT, f)
        for name, (sort, fib) in STUDENTS.items():
            os.mkdir(os.path.join(cls, name))
            place(grader, src, os.path.join(cls, name), "sort-users", "sort_users.c", sort)
            place(grader, src, os.path.join(cls, name), "fib-generator", "fib_generator.c", fib)
        out = os.path.join(tmp, "out")

        # The first run: nothing to compare with.
        found, text = dry_run(grader, cls, out)
        check("no earlier run" in text and not found, "dry run before any run: " + text)
        check(not os.path.exists(out), "--dry-run created the output directory")
        batch(grader, cls, out)
        check(not os.path.exists(os.path.join(out, "changes.csv")), "changes.csv on a first run")
        check('id="changes"' not in read(os.path.join(out, "report.html")),
              "a changes section on a first run")

        # The same class again: an empty audit.
        found, text = dry_run(grader, cls, out)
        check(not found and "0 of 8 submissions to regrade" in text, "unchanged dry run: " + text)
        batch(grader, cls, out)
        check(changes(out) == [], "changes without a change: %s" % changes(out))
        check('id="no-changes"' in read(os.path.join(out, "report.html")), "no 'No result changed'")

        test_spec(grader, src, cls, out, tmp)
        exdir = os.path.join(tmp, "exercises")
        test_grader(grader, cls, out, exdir)
        test_resubmission(grader, src, cls, out, exdir)

        # A different seed would regrade every submission, and says so.
        found, _ = dry_run(grader, cls, out, "--exercises", exdir, "--seed", "12345")
        check(found and all(c == "seed" for c, _ in found.values()), "seed dry run: %s" % found)
        # grader merge audits the same way: the second merge into OUT changes nothing.
        shards = []
        for k in range(2):
            shards.append(os.path.join(tmp, "shard-%d" % k))
            batch(grader, cls, shards[-1], "--shard", "%d/2" % k, "--exercises", exdir,
                  "--cache", os.path.join(out, "cache"))
        merged = os.path.join(tmp, "merged")
        for attempt in range(2):
            p = run(grader, "merge", merged, *shards)
            check(p.returncode == 1, "merge: %s" % p.stderr)
        check(changes(merged) == [], "a merge of the same shards changed: %s" % changes(merged))
        print("ok: changes.csv and report.html after a spec change, a grader change and a "
              "resubmission; --dry-run before each")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_spec(grader, src, cls, out, tmp):
    exdir = os.path.join(tmp, "exercises")
    shutil.copytree(os.path.join(src, "exercises"), exdir)
    spec_path = os.path.join(exdir, "fib-generator", "spec.json")
    with open(spec_path) as f:
        spec = json.load(f)
    test = [t for t in spec["tests"] if t["name"] == SPEC_TEST][0]
    test["points"] += 2
    with open(spec_path, "w") as f:
        json.dump(spec, f)
    before = scores(out)
    passed = {s for s in STUDENTS
              if any(t["name"] == SPEC_TEST and t["status"] == "passed"
                     for t in report(out, s, "fib-generator")["tests"])}
    check(passed and passed != set(STUDENTS), "the class should split on %s: %s" %
          (SPEC_TEST, passed))

    found, _ = dry_run(grader, cls, out, "--exercises", exdir)
    want = {(s, "fib-generator"): ("spec", "regrade") for s in STUDENTS}
    check(found == want, "spec dry run: %s, expected %s" % (found, want))
    batch(grader, cls, out, "--exercises", exdir)
    rows = changes(out)
    check({r["student"] for r in rows} == passed, "spec change: rows for %s, expected %s" %
          ([r["student"] for r in rows], passed))
    after = scores(out)
    for r in rows:
        s = r["student"]
        check(r["exercise"] == "fib-generator" and r["cause"] == "spec", "spec row: %s" % r)
        check(r["old_score"] == before[s]["fib-generator"]["score"] and
              r["new_score"] == after[s]["fib-generator"]["score"] and
              float(r["new_score"]) == float(r["old_score"]) + 2, "spec row scores: %s" % r)
        check(r["tests"] == "" and r["old_status"] == r["new_status"], "spec row: %s" % r)
    same_rows(out, rows)


def test_grader(grader, cls, out, exdir):
    manifest_path = os.path.join(out, "batch.json")
    manifest = json.loads(read(manifest_path))
    manifest["grader_version"] = "0.0.1-older"
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent="\t")
    path = os.path.join(out, "reports", "bob", "sort-users.json")
    rep = json.loads(read(path))
    t = [t for t in rep["tests"] if t["name"] == GRADER_TEST][0]
    check(t["status"] == "passed", "bob should pass %s" % GRADER_TEST)
    t["status"], t["score"] = "failed", 0
    t["message"] = "the older grader's verdict"
    rep["score"] -= t["max_score"]
    with open(path, "w") as f:
        json.dump(rep, f)

    found, _ = dry_run(grader, cls, out, "--exercises", exdir)
    check(len(found) == 8 and all(c == "grader" for c, _ in found.values()),
          "grader dry run: %s" % found)
    batch(grader, cls, out, "--exercises", exdir)
    rows = changes(out)
    check(len(rows) == 1, "grader change: %s" % rows)
    r = rows[0]
    check((r["student"], r["exercise"], r["cause"]) == ("bob", "sort-users", "grader"),
          "grader row: %s" % r)
    check(r["tests"] == "%s: failed -> passed" % GRADER_TEST, "grader row tests: %s" % r)
    check(r["old_status"] == "failed" and r["new_status"] == "passed", "grader row: %s" % r)
    check(float(r["new_score"]) - float(r["old_score"]) == 0.5 * t["max_score"],
          "grader row scores (weight 0.5): %s" % r)
    same_rows(out, rows)


def test_resubmission(grader, src, cls, out, exdir):
    shutil.copy(fixture(grader, src, "sort-users", "passes-reference"),
                os.path.join(cls, "carol", "sort_users.c"))
    shutil.rmtree(os.path.join(cls, "ann"))
    os.mkdir(os.path.join(cls, "eve"))
    place(grader, src, os.path.join(cls, "eve"), "sort-users", "sort_users.c",
          "passes-reference")

    found, _ = dry_run(grader, cls, out, "--exercises", exdir)
    want = {("carol", "sort-users"): ("submission", "regrade"),
            ("ann", "sort-users"): ("submission", "gone"),
            ("ann", "fib-generator"): ("submission", "gone"),
            ("eve", "sort-users"): ("submission", "regrade"),
            ("eve", "fib-generator"): ("submission", "missing")}
    check(found == want, "resubmission dry run: %s, expected %s" % (found, want))
    batch(grader, cls, out, "--exercises", exdir)
    rows = {(r["student"], r["exercise"]): r for r in changes(out)}
    check(set(rows) == set(want), "resubmission rows: %s" % sorted(rows))
    check(all(r["cause"] == "submission" for r in rows.values()), "causes: %s" % rows)
    carol = rows[("carol", "sort-users")]
    check(carol["old_status"] == "failed" and carol["new_status"] == "passed" and
          "-> passed" in carol["tests"], "carol: %s" % carol)
    ann = rows[("ann", "sort-users")]
    check(ann["new_status"] == "" and ann["new_score"] == "" and ann["old_status"] == "passed",
          "ann: %s" % ann)
    eve = rows[("eve", "fib-generator")]
    check(eve["old_status"] == "" and eve["new_status"] == "missing" and
          eve["new_score"] == "0", "eve: %s" % eve)
    same_rows(out, list(rows.values()))


if __name__ == "__main__":
    main()
