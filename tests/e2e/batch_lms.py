#!/usr/bin/env python3
"""The LMS files of `grader batch` and `grader merge`, and fractional
scores in every output.

usage: batch_lms.py GRADER SOURCE_DIR MODE
modes:
  lms        grades-canvas.csv against the rules Canvas's gradebook import
             applies, grades-moodle.csv for Moodle's CSV import, both from
             the same weighted class, with a roster that misses students,
             names one who is not in the class, and holds names a
             spreadsheet would run as formulas; shards and merge --roster
  fractions  a class whose weights make fractional scores: each student's
             total and exercise scores are the same digits in grades.csv,
             summary.json, report.html, the LMS files, and in what `grader
             ci` writes for the student's files (summary.json, summary.md,
             the junit properties, Gradescope's results.json), and on the
             student's page
"""
import csv
import glob
import html.parser
import io
import json
import os
import re
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from batch_lib import check, expect, fail, place, read, run  # noqa: E402

WEEK = {
    "name": "Week 3",
    "seed": 77,
    "exercises": [
        {"id": "sort-users", "weight": 0.5},
        {"id": "fib-generator", "weight": 1.5},
    ],
}

HOSTILE = '=cmd|" -C calc"!A0, "x"'
# student -> (sort-users fixture or special, fib-generator fixture or special)
STUDENTS = {
    "ann": ("passes-reference", "passes-reference"),
    "bob": ("fails-ascending-score", "fails-off-by-one"),
    "carol": ("compile-error-include-passwd", None),
    HOSTILE: ("fails-unstable-sort", "passes-reference"),
    "zo\u00eb": ("passes-qsort-with-index-tiebreak", "fails-starts-at-one"),
    "dan": ("binary", "passes-reference"),
}

# Header in another order and case, a byte-order mark, CRLF, quoted commas,
# names and e-mails a spreadsheet would run; carol and dan are missing, zed
# is not in the class.
ROSTER = ("\ufeffEmail, Student ,Display Name,LMS ID,Section\r\n"
          "ann@example.edu,ann,\"Lee, Ann\",101,A1\r\n"
          "+bob@example.edu,bob,@bob,102,A2\r\n"
          "x@example.edu,\"" + HOSTILE.replace('"', '""') + "\",=1+2,103,A1\r\n"
          "zoe@example.edu,zo\u00eb,Zo\u00eb Ng,104,A2\r\n"
          "zed@example.edu,zed,Zed,105,A1\r\n")

CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_TOTALS = re.compile(r"Current Score|Current Points|Final Score|Final Points|Final Grade")
CANVAS_TITLE_ID = re.compile(r"\A(.*)\s\((\d+)\)\Z")


def make_class(grader, src, root):
    os.makedirs(root)
    with open(os.path.join(root, "grader.json"), "w") as f:
        json.dump(WEEK, f)
    for name, (sort, fib) in STUDENTS.items():
        sdir = os.path.join(root, name)
        os.mkdir(sdir)
        place(grader, src, sdir, "sort-users", "sort_users.c", sort)
        place(grader, src, sdir, "fib-generator", "fib_generator.c", fib)
    return root


def raw_summary(out):
    """summary.json with every number as the text it was written as."""
    return json.loads(read(os.path.join(out, "summary.json")), parse_float=str, parse_int=str)


def lms_rows(path):
    data = read(path, "rb")
    try:
        text = data.decode("utf-8")  # strict: the LMS files must be UTF-8
    except UnicodeDecodeError as e:
        fail("%s is not UTF-8: %s" % (path, e))
    check(text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""),
          "%s: RFC 4180 lines end with CRLF" % path)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    check(rows and all(len(r) == len(rows[0]) for r in rows), "%s: ragged rows" % path)
    for r in rows:
        for cell in r:
            check(not cell or cell[0] not in "=+-@\t\r",
                  "%s: a cell a spreadsheet would run: %r" % (path, cell))
    return rows


def check_canvas(out, summary, roster):
    """Canvas's import: the identity header, the Points Possible row, one row
    per student found by ID (or name), one numeric column per assignment."""
    rows = lms_rows(os.path.join(out, "grades-canvas.csv"))
    header = rows[0]
    # The importer's header rule: Student, ID, then Section, or SIS User ID,
    # SIS Login ID and Section; then the assignments, minus trailing totals.
    check(re.search("Student", header[0]) and re.search("ID", header[1]),
          "canvas header: %s" % header)
    check(re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3])
          and re.search("Section", header[4]), "canvas header: %s" % header)
    check(header[:5] == CANVAS_IDENTITY, "canvas identity columns: %s" % header[:5])
    columns = header[5:]
    check(not any(CANVAS_TOTALS.search(c) for c in columns), "a totals column: %s" % columns)
    exercises = summary["exercises"]
    check(len(columns) == len(exercises), "%d assignment columns for %d exercises" %
          (len(columns), len(exercises)))
    for col, ex in zip(columns, exercises):
        m = CANVAS_TITLE_ID.match(col)
        title = m.group(1) if m else col  # no "(id)": a new assignment by that title
        check(title == "%s: %s" % (summary["assignment"], ex["id"]), "column %r" % col)
    # The second row: "Points Possible" in the first cell, each assignment's maximum.
    pp = rows[1]
    check(re.search("Points Possible", pp[0]), "no Points Possible row: %s" % pp)
    check(pp[1:5] == ["", "", "", ""], "points possible identity cells: %s" % pp)
    for cell, ex in zip(pp[5:], exercises):
        check(cell == ex["weighted_max_score"], "points possible %s, summary says %s" %
              (cell, ex["weighted_max_score"]))
        check(float(cell) == float(ex["weight"]) * float(ex["max_score"]), "points possible")
    # One row per student of summary.json, none for the roster's extra.
    students = rows[2:]
    grades = summary["grades"]
    check(len(students) == len(grades), "%d student rows, %d students" %
          (len(students), len(grades)))
    fractional = 0
    for row, g in zip(students, grades):
        entry = roster.get(g["student"])
        if entry:
            name = entry["name"]
            want = [guard(name), entry["lms_id"], "", guard(entry["email"]), entry["section"]]
        else:
            want = [guard(g["student"]), "", "", "", ""]
        check(row[:5] == want, "%r: identity %s, expected %s" % (g["student"], row[:5], want))
        for cell, ex in zip(row[5:], g["exercises"]):
            if ex["score"] is None:
                check(cell == "", "%r: a score where there is none" % g["student"])
                continue
            # Canvas reads a number; the same digits as summary.json's.
            check(cell == ex["score"], "%r %s: %s, summary.json says %s" %
                  (g["student"], ex["id"], cell, ex["score"]))
            float(cell)
            fractional += "." in cell
        cells = [float(c) for c in row[5:] if c != ""]
        if g["score"] is not None:
            check(abs(sum(cells) - float(g["score"])) < 1e-3, "%r: columns add up to %s, "
                  "total %s" % (g["student"], sum(cells), g["score"]))
    check(fractional > 0, "no fractional score: the weights should give some")
    ids = [r[1] for r in students if r[1]]
    check(len(ids) == len(set(ids)), "an LMS id twice: %s" % ids)
    return rows


def check_moodle(out, summary, roster):
    rows = lms_rows(os.path.join(out, "grades-moodle.csv"))
    header = rows[0]
    check(header[:3] == ["Email address", "ID number", "Full name"], "moodle header: %s" % header)
    check(header[3:] == ["%s: %s" % (summary["assignment"], e["id"])
                         for e in summary["exercises"]], "moodle grade items: %s" % header[3:])
    check(len(rows) - 1 == len(summary["grades"]), "moodle: one row per student")
    for row, g in zip(rows[1:], summary["grades"]):
        entry = roster.get(g["student"])
        want = ([guard(entry["email"]), entry["lms_id"], guard(entry["name"])] if entry
                else ["", "", guard(g["student"])])
        check(row[:3] == want, "moodle %r: %s, expected %s" % (g["student"], row[:3], want))
        check(row[3:] == ["" if e["score"] is None else e["score"] for e in g["exercises"]],
              "moodle %r: %s" % (g["student"], row[3:]))
    emails = [r[0] for r in rows[1:] if r[0]]
    check(len(emails) == len(set(emails)), "an e-mail twice")


def guard(s):
    return "'" + s if s and s[0] in "=+-@" else s


def roster_map():
    rows = list(csv.reader(io.StringIO(ROSTER.lstrip("\ufeff"), newline="")))
    out = {}
    for r in rows[1:]:
        out[r[1]] = {"email": r[0], "name": r[2], "lms_id": r[3], "section": r[4]}
    return out


def test_roster_errors(grader, cls, tmp):
    out = os.path.join(tmp, "bad-out")
    cases = [
        ("student,nickname\nann,x\n", "unknown column 'nickname'"),
        ("name,email\nAnn,a@x\n", "no 'student' column"),
        ("student,name\nann,A\nann,B\n", "'ann' is listed twice"),
        ("student,name\nann,\"A\nbob,B\n", "quote is not closed"),
        ("student,name\nann,A,extra\n", "3 fields, the header has 2"),
        ("student,name\n,A\n", "no student directory"),
        ("", "empty"),
    ]
    for i, (text, why) in enumerate(cases):
        path = os.path.join(tmp, "bad-%d.csv" % i)
        with open(path, "w") as f:
            f.write(text)
        p = run(grader, "batch", cls, "--out", out, "--roster", path, "-q")
        expect(p, 2, "roster %r" % text)
        check(why in p.stderr and path in p.stderr, "roster %r: %s" % (text, p.stderr))
    p = run(grader, "batch", cls, "--out", out, "--roster", os.path.join(tmp, "nowhere.csv"))
    expect(p, 2, "a missing roster")
    check("cannot read the roster" in p.stderr, p.stderr)
    check(not os.path.exists(os.path.join(out, "grades.csv")), "graded with a bad roster")


def test_lms(grader, src, tmp):
    if True:
        cls = make_class(grader, src, os.path.join(tmp, "class"))
        roster_path = os.path.join(tmp, "roster.csv")
        with open(roster_path, "w", newline="") as f:
            f.write(ROSTER)
        out = os.path.join(tmp, "out")
        p = run(grader, "batch", cls, "--out", out, "--roster", roster_path, "-j", "2", "-q")
        expect(p, 1, "batch with a roster")
        summary = raw_summary(out)
        roster = roster_map()
        check_canvas(out, summary, roster)
        check_moodle(out, summary, roster)

        # The roster's edge cases are listed, in summary.json and on the page.
        r = summary["roster"]
        check(r["entries"] == "5", "roster entries: %s" % r)
        check(r["not_in_roster"] == ["carol", "dan"], "not in the roster: %s" % r)
        check(r["not_in_class"] == ["zed"], "not in the class: %s" % r)
        page = read(os.path.join(out, "report.html"))
        for want in ('<li class="unmapped"><a class="student-link" href="students/carol.html">'
                     'carol</a></li>',
                     '<li class="unmapped"><a class="student-link" href="students/dan.html">'
                     'dan</a></li>',
                     '<li class="absent">zed (Zed)</li>'):
            check(want in page, "report.html lacks %s" % want)

        # grades.csv's totals are summary.json's, digit for digit.
        with open(os.path.join(out, "grades.csv"), newline="") as f:
            totals = {row["student"].lstrip("'"): row["score"] for row in csv.DictReader(f)}
        for g in summary["grades"]:
            check(totals[g["student"]] == (g["score"] or ""), "%r: grades.csv %s, summary %s" %
                  (g["student"], totals[g["student"]], g["score"]))

        # Without a roster: every student under the directory's name, no roster lists.
        bare = os.path.join(tmp, "bare")
        p = run(grader, "batch", cls, "--out", bare, "--cache", os.path.join(out, "cache"), "-q")
        expect(p, 1, "batch without a roster")
        s2 = raw_summary(bare)
        check("roster" not in s2, "a roster object without a roster")
        check_canvas(bare, s2, {})
        check_moodle(bare, s2, {})

        # Shards and merge --roster: the same files as one run; a shard lists
        # only its own missing roster entries.
        shards = []
        for k in range(3):
            o = os.path.join(tmp, "shard-%d" % k)
            p = run(grader, "batch", cls, "--shard", "%d/3" % k, "--out", o, "--roster",
                    roster_path, "--cache", os.path.join(out, "cache"), "-q")
            check(p.returncode in (0, 1), "shard %d: %s" % (k, p.stderr))
            shards.append(o)
        absent = sum((raw_summary(o)["roster"]["not_in_class"] for o in shards), [])
        check(absent == ["zed"], "the shards list %s as not in the class" % absent)
        merged = os.path.join(tmp, "merged")
        p = run(grader, "merge", "--roster", roster_path, merged, *shards)
        expect(p, 1, "merge --roster")
        for f in ("grades-canvas.csv", "grades-moodle.csv"):
            check(read(os.path.join(merged, f)) == read(os.path.join(out, f)),
                  "merge: %s differs from a single run's" % f)
        check(raw_summary(merged)["roster"] == summary["roster"], "merge: roster lists")

        test_roster_errors(grader, cls, tmp)
        print("ok: canvas and moodle files of %d students, roster edge cases, shards" %
              len(summary["grades"]))


# Weights that make fractions, four decimals deep.
WEIGHTED = {
    "name": "Weights",
    "seed": 31,
    "exercises": [
        {"id": "sort-users", "weight": 0.5},
        {"id": "fib-generator", "weight": 0.3333},
    ],
}
WEIGHTED_STUDENTS = {
    "ann": ("passes-reference", "fails-starts-at-one"),
    "bob": ("fails-ascending-score", "fails-off-by-one"),
    "cy": ("fails-unstable-sort", "passes-reference"),
}


class Rows(html.parser.HTMLParser):
    """The data-* attributes of report.html's student rows, and of a
    student page's total and exercise sections."""

    def __init__(self):
        super().__init__()
        self.rows = {}
        self.total = None
        self.exercises = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "student" in (a.get("class") or "").split():
            self.rows[a["data-student"]] = a
        elif a.get("id") == "score":
            self.total = a["data-score"]
        elif tag == "section" and a.get("class") == "exercise":
            self.exercises[a["data-exercise"]] = a["data-score"]


def ci_outputs(grader, cls, student, tmp):
    """What `grader ci` writes for one student's files: the numbers, as text."""
    out = os.path.join(tmp, "ci-" + student)
    gs = os.path.join(tmp, "gradescope-%s.json" % student)
    env = {k: "" for k in ("GITHUB_ACTIONS", "GITLAB_CI", "CI")}
    p = run(grader, "ci", "--repo", os.path.join(cls, student), "--config",
            os.path.join(cls, "grader.json"), "--out", out, "--gradescope", gs, env=env)
    check(p.returncode in (0, 1), "ci for %s: exit %d: %s" % (student, p.returncode, p.stderr))
    raw = json.loads(read(os.path.join(out, "summary.json")), parse_float=str, parse_int=str)
    md = read(os.path.join(out, "summary.md"))
    m = re.search(r": ([0-9.]+)/([0-9.]+) points", md)
    check(m, "summary.md has no total: " + md[:200])
    log = re.search(r"total ([0-9.]+)/([0-9.]+) points", p.stdout)
    check(log, "the log has no total: " + p.stdout[-300:])
    gsr = json.loads(read(gs), parse_float=str, parse_int=str)
    junit = {}
    for path in glob.glob(os.path.join(out, "junit-*.xml")):
        props = {pr.get("name"): pr.get("value") for pr in ET.parse(path).iter("property")}
        junit[os.path.basename(path)[6:-4]] = props
    per_ex = {}
    for e in raw["exercises"]:
        tests = [t for t in gsr["tests"] if t["name"].startswith(e["id"] + "/")]
        per_ex[e["id"]] = {
            "ci summary.json": e["weighted_score"],
            "junit weighted_score": junit[e["id"]]["weighted_score"],
            "gradescope tests": sum(float(t["score"]) for t in tests),
        }
    totals = {
        "ci summary.json": raw["score"],
        "ci summary.md": m.group(1),
        "ci log": log.group(1),
        "gradescope": gsr["score"],
    }
    return totals, per_ex


def test_fractions(grader, src, tmp):
    cls = os.path.join(tmp, "class")
    os.makedirs(cls)
    with open(os.path.join(cls, "grader.json"), "w") as f:
        json.dump(WEIGHTED, f)
    for name, (sort, fib) in WEIGHTED_STUDENTS.items():
        sdir = os.path.join(cls, name)
        os.mkdir(sdir)
        place(grader, src, sdir, "sort-users", "sort_users.c", sort)
        place(grader, src, sdir, "fib-generator", "fib_generator.c", fib)
    out = os.path.join(tmp, "out")
    p = run(grader, "batch", cls, "--out", out, "-j", "2", "-q")
    expect(p, 1, "batch of the weighted class")
    summary = raw_summary(out)
    with open(os.path.join(out, "grades.csv"), newline="") as f:
        grades = {r["student"]: r for r in csv.DictReader(f)}
    rows = Rows()
    rows.feed(read(os.path.join(out, "report.html")))
    canvas = {r[0]: r for r in lms_rows(os.path.join(out, "grades-canvas.csv"))[2:]}
    moodle = {r[2]: r for r in lms_rows(os.path.join(out, "grades-moodle.csv"))[1:]}
    ids = [e["id"] for e in summary["exercises"]]
    deep = 0
    for g in summary["grades"]:
        name = g["student"]
        totals, per_ex = ci_outputs(grader, cls, name, tmp)
        page = Rows()
        page.feed(read(os.path.join(out, "students", name + ".html")))
        totals.update({
            "summary.json": g["score"],
            "grades.csv": grades[name]["score"],
            "report.html": rows.rows[name]["data-score"],
            "student page": page.total,
        })
        check(len(set(totals.values())) == 1, "%s: the total differs: %s" % (name, totals))
        deep += len(g["score"].partition(".")[2]) == 4
        for i, ex in enumerate(g["exercises"]):
            seen = dict(per_ex[ex["id"]])
            seen.update({"summary.json": ex["score"], "canvas": canvas[name][5 + i],
                         "moodle": moodle[name][3 + i], "student page": page.exercises[ex["id"]]})
            texts = {k: v for k, v in seen.items() if k != "gradescope tests"}
            check(len(set(texts.values())) == 1, "%s %s: the score differs: %s" %
                  (name, ids[i], seen))
            check(abs(seen["gradescope tests"] - float(ex["score"])) < 1e-3,
                  "%s %s: gradescope's tests add up to %s" % (name, ids[i], seen))
        print("%s: %s everywhere" % (name, totals["summary.json"]))
    check(deep > 0, "no total with four decimals: the weights should give one")


def main():
    grader, src, mode = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    tmp = tempfile.mkdtemp(prefix="grader-lms-")
    try:
        {"lms": test_lms, "fractions": test_fractions}[mode](grader, src, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
