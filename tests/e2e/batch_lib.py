"""Helpers for the batch tests: a class directory built from the fixtures,
running the grader, reading its outputs.

A class is made at test time from the fixtures' programs (their
submission.c, or the known mistake they name: tests/fixture_source.py)
plus the cases no fixture holds (missing, ambiguous, binary, symlink, fifo,
a directory where a file should be).
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import fixture_source  # noqa: E402

GRADER_JSON = {
    "name": "Batch test class",
    "seed": 4242,
    "exercises": [
        {"id": "sort-users"},
        {"id": "fib-generator", "weight": 2},
    ],
}

SORT = "sort_users.c"
FIB = "fib_generator.c"

# student -> (sort-users fixture or special, fib-generator fixture or special)
# Specials: None (no file), "binary", "symlink", "dir", "fifo", "other-name".
STUDENTS = {
    "alice": ("passes-reference", "passes-reference"),
    "bob": ("fails-ascending-score", "fails-off-by-one"),
    "carol": ("compile-error-include-passwd", "passes-reference"),
    "dave": ("forbidden-fork", "fails-static-state"),
    "erin": ("fails-exit0-fake-pass", "passes-fixed-table"),
    "frank": ("passes-qsort-with-index-tiebreak", "other-name"),
    "grace": ("binary", "passes-reference"),
    "heidi": ("symlink", "symlink"),
    "ivan": ("dir", "passes-bounded-precompute"),
    "judy": (None, None),
    "oscar": ("passes-reference", "passes-reference"),  # alice's bytes exactly
    'nick, "the quick"': ("fails-name-descending", "passes-reference"),
    '=HYPERLINK("x")': ("fails-unstable-sort", "fails-wraps-around"),
    "peggy": ("fifo", "fails-starts-at-one"),
}

# The row status and the status of each exercise each student must get.
EXPECTED = {
    "alice": ("passed", "passed", "passed"),
    "bob": ("failed", "failed", "failed"),
    "carol": ("compile_error", "compile_error", "passed"),
    "dave": ("failed", "failed", "failed"),
    "erin": ("failed", "failed", "passed"),
    "frank": ("missing", "passed", "missing"),
    "grace": ("invalid", "invalid", "passed"),
    "heidi": ("invalid", "invalid", "invalid"),
    "ivan": ("invalid", "invalid", "passed"),
    "judy": ("missing", "missing", "missing"),
    "oscar": ("passed", "passed", "passed"),
    'nick, "the quick"': ("failed", "failed", "passed"),
    '=HYPERLINK("x")': ("failed", "failed", "failed"),
    "peggy": ("invalid", "invalid", "failed"),
}


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def fixture(grader, src, exercise, name):
    """The program fixtures/<exercise>/<name> grades."""
    return fixture_source.submission(grader, os.path.join(src, "fixtures", exercise, name),
                                     exercise)


def place(grader, src, sdir, exercise, fname, what):
    path = os.path.join(sdir, fname)
    if what is None:
        return
    if what == "binary":
        with open(path, "wb") as f:
            f.write(b"int x;\0\1\2\3")
    elif what == "symlink":
        os.symlink("/etc/shadow", path)
    elif what == "dir":
        os.mkdir(path)
    elif what == "fifo":
        os.mkfifo(path)
    elif what == "other-name":
        shutil.copy(fixture(grader, src, exercise, "passes-reference"),
                    os.path.join(sdir, "fib.c"))
    else:
        shutil.copy(fixture(grader, src, exercise, what), path)


def make_class(grader, src, root, students=STUDENTS, grader_json=GRADER_JSON):
    """The two-exercise class of STUDENTS in root (created)."""
    os.makedirs(root)
    with open(os.path.join(root, "grader.json"), "w") as f:
        json.dump(grader_json, f)
    for name, (sort, fib) in students.items():
        sdir = os.path.join(root, name)
        os.mkdir(sdir)
        place(grader, src, sdir, "sort-users", SORT, sort)
        place(grader, src, sdir, "fib-generator", FIB, fib)
    # Not students: a hidden directory, a stray file, a symlinked directory.
    os.mkdir(os.path.join(root, ".git"))
    with open(os.path.join(root, "notes.txt"), "w") as f:
        f.write("not a student\n")
    return root


def run(grader, *args, timeout=600, env=None):
    e = dict(os.environ)
    if env:
        e.update(env)
    p = subprocess.run([grader] + list(args), capture_output=True, text=True,
                       timeout=timeout, env=e, stdin=subprocess.DEVNULL)
    return p


def expect(p, code, what):
    if p.returncode != code:
        fail("%s: exit %d, expected %d\nstdout: %s\nstderr: %s" %
             (what, p.returncode, code, p.stdout[-3000:], p.stderr[-3000:]))


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def csv_rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def csv_dicts(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def summary_without_run(path):
    """summary.json's bytes up to its "run" object (the only timing in it)."""
    text = read(path)
    cut = text.find('\t"run":')
    check(cut > 0, "%s: no run object" % path)
    return text[:cut]


def comparable(out):
    """The outputs that must be byte-identical between two runs of a class."""
    return {
        "grades.csv": read(os.path.join(out, "grades.csv")),
        "tests.csv": read(os.path.join(out, "tests.csv")),
        "summary.json": summary_without_run(os.path.join(out, "summary.json")),
        "batch.json": read(os.path.join(out, "batch.json")),
    }


def same_gradebook(a, b, what):
    ca, cb = comparable(a), comparable(b)
    for name in ca:
        if ca[name] != cb[name]:
            import difflib
            diff = "".join(difflib.unified_diff(
                io.StringIO(ca[name]).readlines(), io.StringIO(cb[name]).readlines(),
                a + "/" + name, b + "/" + name, n=1))
            fail("%s: %s differs:\n%s" % (what, name, diff[:4000]))


def cache_entries(cache):
    n = 0
    for d, _, files in os.walk(cache):
        n += sum(1 for f in files if f.endswith(".entry"))
    return n
