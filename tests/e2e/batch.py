#!/usr/bin/env python3
"""End-to-end tests of `grader batch` and `grader merge` on a class built
from the fixtures.

usage: batch.py GRADER SOURCE_DIR MODE
modes:
  gradebook  statuses, scores, CSV escaping, reports, caching, --exercise
             (flat files, ambiguity), grader failures as "error" rows
  resume     a batch killed with SIGKILL and run again ends with the
             gradebook of an uninterrupted run, byte for byte
  interrupt  SIGINT: sandboxes killed, exit 130, nothing half-graded kept
  shards     --shard K/N for N = 1, 3, 7 and `grader merge` give the
             gradebook of a single run; merge refuses incomplete sets
  utf8       students named with bytes that are not UTF-8: graded once
             each, every json, csv and html output valid UTF-8 (U+FFFD in
             their place), from a fresh run, the cache and a merge
  planted    what students can put in the class directory: a student named
             like the output ("grades") is refused, exit 2; a result-cache
             entry forged there for another student's file is a miss; a
             student directory holding a batch.json is still graded
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from batch_lib import (EXPECTED, STUDENTS, cache_entries, check, comparable,  # noqa: E402
                       csv_dicts, csv_rows, expect, fail, fixture, make_class, read, run,
                       same_gradebook)

def test_gradebook(grader, src, tmp):
    cls = make_class(grader, src, os.path.join(tmp, "class"))
    if os.geteuid() != 0:
        # Unreadable only for a user that is not root.
        os.mkdir(os.path.join(cls, "quentin"))
        q = os.path.join(cls, "quentin", "sort_users.c")
        shutil.copy(os.path.join(src, "fixtures/sort-users/passes-reference/submission.c"), q)
        os.chmod(q, 0)
    # A symlinked student directory is refused, not followed.
    os.symlink("alice", os.path.join(cls, "trent"))

    p = run(grader, "batch", cls, "-j", "2")
    expect(p, 1, "batch of the class")
    check("graded 15 students" in p.stdout or "graded 16 students" in p.stdout,
          "summary line: " + p.stdout)
    out = os.path.join(cls, "grades")
    for f in ("grades.csv", "tests.csv", "summary.json", "report.html", "batch.json"):
        check(os.path.isfile(os.path.join(out, f)), "no " + f)

    text = read(os.path.join(out, "grades.csv"))
    check(text.startswith("student,score,max_score,status,"), "grades.csv header: " + text[:80])
    rows = csv_dicts(os.path.join(out, "grades.csv"))
    names = [r["student"] for r in rows]
    check(names == sorted(names, key=lambda s: s.encode()), "rows not sorted: %s" % names)
    # A name a spreadsheet would run as a formula is defused; commas and quotes survive.
    check("'=HYPERLINK(\"x\")" in names, "formula guard: %s" % names)
    check('nick, "the quick"' in names, "csv quoting: %s" % names)
    check(".git" not in names and "notes.txt" not in names and "grades" not in names,
          "non-students listed: %s" % names)
    by = {r["student"].lstrip("'"): r for r in rows}
    summary = json.loads(read(os.path.join(out, "summary.json")))
    ex = {e["id"]: e for e in summary["exercises"]}
    sort_max, fib_max = ex["sort-users"]["max_score"], ex["fib-generator"]["max_score"]
    total_max = sort_max + 2 * fib_max
    for name, (row, sort, fib) in EXPECTED.items():
        r = by.get(name)
        check(r is not None, "no row for %r" % name)
        got = (r["status"], r["sort-users_status"], r["fib-generator_status"])
        check(got == (row, sort, fib), "%r: statuses %s, expected %s (note: %s)" %
              (name, got, (row, sort, fib), r["note"]))
        check(r["max_score"] == str(total_max), "%r: max_score %s" % (name, r["max_score"]))
    check(by["alice"]["score"] == str(total_max), "alice's total: %s" % by["alice"]["score"])
    check(by["oscar"]["score"] == str(total_max), "oscar's total")
    check(int(by["bob"]["score"]) < total_max, "bob's total")
    # Weighted total: sort + 2 x fib.
    erin = by["erin"]
    check(int(erin["score"]) == int(erin["sort-users"]) + 2 * int(erin["fib-generator"]),
          "weighted total: %s" % erin)
    check(by["judy"]["score"] == "0", "a missing submission scores 0")
    check("found: fib.c" in by["frank"]["note"], "frank's note: " + by["frank"]["note"])
    check("binary data" in by["grace"]["note"], "grace's note: " + by["grace"]["note"])
    check("symbolic link" in by["heidi"]["note"], "heidi's note: " + by["heidi"]["note"])
    check("directory" in by["ivan"]["note"], "ivan's note: " + by["ivan"]["note"])
    check("not a regular file" in by["peggy"]["note"], "peggy's note: " + by["peggy"]["note"])
    check(by["trent"]["status"] == "invalid" and "symbolic link" in by["trent"]["note"],
          "trent: %s" % by["trent"])
    if "quentin" in by:
        check(by["quentin"]["status"] == "invalid" and "cannot read" in by["quentin"]["note"],
              "quentin: %s" % by["quentin"])

    # Per-test columns: one per test of each exercise, statuses of graded cells.
    trows = csv_rows(os.path.join(out, "tests.csv"))
    header = trows[0]
    check(header[:2] == ["student", "status"], "tests.csv header: %s" % header)
    ncols = len(ex["sort-users"]["tests"]) + len(ex["fib-generator"]["tests"])
    check(len(header) == 2 + ncols, "tests.csv has %d columns" % len(header))
    check(all(len(r) == len(header) for r in trows), "ragged tests.csv")
    tby = {r[0].lstrip("'"): r for r in trows[1:]}
    check(all(v == "passed" for v in tby["alice"][2:]), "alice's tests: %s" % tby["alice"])
    check(all(v == "" for v in tby["judy"][2:]), "judy's tests: %s" % tby["judy"])
    fork_cols = [v for h, v in zip(header, tby["dave"]) if h.startswith("sort-users/")]
    check("forbidden" in fork_cols, "dave's fork is not forbidden: %s" % fork_cols)

    # A json report per graded student and exercise, naming the student's own file.
    rep = json.loads(read(os.path.join(out, "reports", "oscar", "sort-users.json")))
    check(rep["submission"] == "oscar/sort_users.c", "oscar's report: " + rep["submission"])
    check(rep["seed"] == 4242, "seed from grader.json: %s" % rep["seed"])
    check(not os.path.exists(os.path.join(out, "reports", "judy")), "report for judy")
    check(summary["students"] == len(rows), "summary student count")
    check(summary["statuses"].get("passed") == 2, "summary statuses: %s" % summary["statuses"])
    check(sum(b["count"] for b in summary["histogram"]) == summary["score"]["scored"],
          "histogram total")
    check(summary["run"]["graded"] > 0 and summary["run"]["cached"] == 0, "first run: %s" %
          summary["run"])

    # Rerun: everything from the cache, the same bytes.
    before = comparable(out)
    p = run(grader, "batch", cls, "-j", "2")
    expect(p, 1, "cached rerun")
    s2 = json.loads(read(os.path.join(out, "summary.json")))
    check(s2["run"]["graded"] == 0, "rerun graded again: %s" % s2["run"])
    check(comparable(out) == before, "cached rerun changed the gradebook")

    # Changing one exercise regrades that exercise only.
    exdir = os.path.join(tmp, "exercises")
    shutil.copytree(os.path.join(src, "exercises"), exdir)
    with open(os.path.join(exdir, "fib-generator", "spec.json"), "a") as f:
        f.write("\n")
    p = run(grader, "batch", cls, "-j", "2", "--exercises", exdir)
    expect(p, 1, "batch after a spec change")
    s3 = json.loads(read(os.path.join(out, "summary.json")))
    fib_graded = sum(1 for n, (_, _, fib) in EXPECTED.items()
                     if fib in ("passed", "failed", "compile_error"))
    sort_graded = sum(1 for n, (_, s, _) in EXPECTED.items()
                      if s in ("passed", "failed", "compile_error"))
    check(s3["run"]["graded"] == fib_graded and s3["run"]["cached"] == sort_graded,
          "a fib spec change regraded %s (expected %d graded, %d cached)" %
          (s3["run"], fib_graded, sort_graded))

    # A file that disappears takes its report with it.
    os.unlink(os.path.join(cls, "bob", "fib_generator.c"))
    p = run(grader, "batch", cls, "-j", "2", "--exercises", exdir)
    expect(p, 1, "batch after a file was removed")
    bob = [r for r in csv_dicts(os.path.join(out, "grades.csv")) if r["student"] == "bob"][0]
    check(bob["fib-generator_status"] == "missing", "bob: %s" % bob)
    check(not os.path.exists(os.path.join(out, "reports", "bob", "fib-generator.json")),
          "a stale report was kept")
    check(os.path.exists(os.path.join(out, "reports", "bob", "sort-users.json")),
          "bob's sort-users report went missing")
    s4 = json.loads(read(os.path.join(out, "summary.json")))
    check(s4["run"]["graded"] == 0, "nothing changed, yet %s" % s4["run"])

    test_single_exercise(grader, src, tmp)
    test_errors(grader, src, tmp)
    test_usage(grader, src, tmp, cls)


def test_single_exercise(grader, src, tmp):
    """--exercise: DIR/<student>/*.c or flat DIR/<student>.c."""
    cls = os.path.join(tmp, "flat")
    os.makedirs(cls)
    ok = os.path.join(src, "fixtures/sort-users/passes-reference/submission.c")
    bad = fixture(grader, src, "sort-users", "fails-ascending-score")
    shutil.copy(ok, os.path.join(cls, "amy.c"))
    os.mkdir(os.path.join(cls, "ben"))
    shutil.copy(ok, os.path.join(cls, "ben", "a.c"))
    shutil.copy(bad, os.path.join(cls, "ben", "b.c"))
    os.mkdir(os.path.join(cls, "cat"))
    shutil.copy(bad, os.path.join(cls, "cat", "whatever.c"))
    shutil.copy(ok, os.path.join(cls, "dan.c"))
    os.mkdir(os.path.join(cls, "dan"))
    shutil.copy(ok, os.path.join(cls, "dan", "x.c"))
    os.mkdir(os.path.join(cls, "eve"))
    os.symlink("/etc/shadow", os.path.join(cls, "fay.c"))
    out = os.path.join(tmp, "flat-out")
    p = run(grader, "batch", cls, "--exercise", "sort-users", "--out", out, "-q")
    expect(p, 1, "--exercise batch")
    check(p.stderr == "", "-q printed: " + p.stderr)
    by = {r["student"]: r for r in csv_dicts(os.path.join(out, "grades.csv"))}
    want = {"amy": "passed", "ben": "ambiguous", "cat": "failed", "dan": "ambiguous",
            "eve": "missing", "fay": "invalid"}
    got = {n: r["status"] for n, r in by.items()}
    check(got == want, "--exercise statuses %s, expected %s" % (got, want))
    check("a.c, b.c" in by["ben"]["note"], "ben's note: " + by["ben"]["note"])
    rep = json.loads(read(os.path.join(out, "reports", "cat", "sort-users.json")))
    check(rep["submission"] == "cat/whatever.c", "cat's report: " + rep["submission"])
    check(rep["seed"] == 1, "the default batch seed is fixed: %s" % rep["seed"])
    p = run(grader, "batch", cls, "--exercise", "sort-users", "--out", out, "--list")
    expect(p, 0, "--list")
    check(p.stdout.split() == sorted(want), "--list: " + p.stdout)


def test_errors(grader, src, tmp):
    """A grader failure on a submission is an "error" row: no score, exit 3, not cached."""
    exdir = os.path.join(tmp, "broken-exercises")
    shutil.copytree(os.path.join(src, "exercises", "sort-users"),
                    os.path.join(exdir, "sort-users"))
    # A reference that crashes: the exercise is broken, not the learner. Its
    # known mistakes go: they are patches to the reference it replaces.
    with open(os.path.join(exdir, "sort-users", "reference.c"), "w") as f:
        f.write('#include <stdlib.h>\n#include "sort_users.h"\n'
                "void sort_users(struct user *u, size_t n) { (void)u; (void)n; abort(); }\n")
    spec_path = os.path.join(exdir, "sort-users", "spec.json")
    with open(spec_path) as f:
        spec = json.load(f)
    del spec["mistakes"]
    with open(spec_path, "w") as f:
        json.dump(spec, f)
    cls = os.path.join(tmp, "errors")
    os.makedirs(cls)
    shutil.copy(os.path.join(src, "fixtures/sort-users/passes-reference/submission.c"),
                os.path.join(cls, "zoe.c"))
    out = os.path.join(tmp, "errors-out")
    for attempt in range(2):
        p = run(grader, "batch", cls, "--exercise", "sort-users", "--exercises", exdir,
                "--out", out, "-j", "1")
        expect(p, 3, "batch with a broken exercise")
        rows = csv_dicts(os.path.join(out, "grades.csv"))
        check(len(rows) == 1, "error rows: %s" % rows)
        r = rows[0]
        check(r["status"] == "error" and r["score"] == "" and r["sort-users"] == "",
              "an error row must have no score: %s" % r)
        check("reference solution" in r["note"], "error note: " + r["note"])
        s = json.loads(read(os.path.join(out, "summary.json")))
        check(s["run"]["cached"] == 0, "an error was cached: %s" % s["run"])


def test_usage(grader, src, tmp, cls):
    for c in ("batch", "merge"):
        p = run(grader, c, "--help")
        expect(p, 0, c + " --help")
        check(p.stdout.startswith("usage: grader " + c), c + " --help: " + p.stdout[:80])
    p = run(grader, "--help")
    check("batch" in p.stdout and "merge" in p.stdout, "grader --help: " + p.stdout)
    empty = os.path.join(tmp, "no-assignment")
    os.makedirs(empty)
    p = run(grader, "batch", empty)
    expect(p, 2, "batch without grader.json")
    check("grader.json" in p.stderr, "message: " + p.stderr)
    bad = os.path.join(tmp, "bad.json")
    with open(bad, "w") as f:
        json.dump({"exercises": [{"id": "sort-users", "wieght": 2}]}, f)
    p = run(grader, "batch", cls, "--config", bad)
    expect(p, 2, "a misspelt key")
    check("exercises[0]" in p.stderr and "wieght" in p.stderr, "message: " + p.stderr)
    with open(bad, "w") as f:
        json.dump({"exercises": [{"id": "sort-users", "file": "../x.c"}]}, f)
    p = run(grader, "batch", cls, "--config", bad)
    expect(p, 2, "a file outside the student's directory")
    check("exercises[0].file" in p.stderr, "message: " + p.stderr)
    with open(bad, "w") as f:
        json.dump({"exercises": [{"id": "no-such-exercise"}]}, f)
    p = run(grader, "batch", cls, "--config", bad)
    expect(p, 2, "an unknown exercise")
    for args in (["--shard", "3/3"], ["--shard", "x"], ["-j", "0"], ["--seed", "-1"]):
        p = run(grader, "batch", cls, *args)
        expect(p, 2, "batch " + " ".join(args))
    p = run(grader, "batch", os.path.join(tmp, "nowhere"))
    expect(p, 2, "a missing class directory")
    p = run(grader, "merge", os.path.join(tmp, "m"), os.path.join(tmp, "nowhere"))
    expect(p, 2, "merge of a missing shard")


def test_resume(grader, src, tmp):
    cls = make_class(grader, src, os.path.join(tmp, "class"))
    clean = os.path.join(tmp, "clean")
    p = run(grader, "batch", cls, "--out", clean, "-j", "2")
    expect(p, 1, "uninterrupted batch")
    total = json.loads(read(os.path.join(clean, "summary.json")))["run"]["graded"]

    out = os.path.join(tmp, "killed")
    cache = os.path.join(out, "cache")
    proc = subprocess.Popen([grader, "batch", cls, "--out", out, "-j", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while cache_entries(cache) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.kill()
    proc.wait(timeout=60)
    check(proc.returncode == -signal.SIGKILL, "the batch ended before the kill (%s)" %
          proc.returncode)
    done = cache_entries(cache)
    check(0 < done < total, "killed after %d of %d submissions" % (done, total))
    check(not os.path.exists(os.path.join(out, "grades.csv")), "a killed batch wrote grades")

    p = run(grader, "batch", cls, "--out", out, "-j", "2")
    expect(p, 1, "resumed batch")
    s = json.loads(read(os.path.join(out, "summary.json")))
    check(s["run"]["cached"] >= done and s["run"]["graded"] + s["run"]["cached"] == total,
          "resume: %s after %d cached of %d" % (s["run"], done, total))
    same_gradebook(clean, out, "killed and resumed vs uninterrupted")


def sandboxed_with_seed(seed):
    """Pids of processes whose command line is '<exercise> <seed> ...' (a test run)."""
    pids = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if len(argv) > 2 and argv[0] == b"sort-users" and argv[1] == str(seed).encode():
            pids.append(int(pid))
    return pids


def test_interrupt(grader, src, tmp):
    seed = 914207  # distinctive: other test runs on this machine use other seeds
    cls = os.path.join(tmp, "class")
    os.makedirs(cls)
    shutil.copy(os.path.join(src, "fixtures/sort-users/timeout-infinite-loop/submission.c"),
                os.path.join(cls, "loop.c"))
    out = os.path.join(tmp, "out")
    proc = subprocess.Popen([grader, "batch", cls, "--exercise", "sort-users", "--out", out,
                             "--seed", str(seed), "-j", "1"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 120
    while not sandboxed_with_seed(seed) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    check(proc.poll() is None, "the batch ended before a test ran")
    check(sandboxed_with_seed(seed), "no sandboxed run seen")
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    check(proc.returncode == 130, "exit %s after SIGINT, expected 130: %s" %
          (proc.returncode, stderr))
    check("interrupted" in stderr and "run the same command again" in stderr,
          "message: " + stderr)
    deadline = time.monotonic() + 10
    while sandboxed_with_seed(seed) and time.monotonic() < deadline:
        time.sleep(0.05)
    check(not sandboxed_with_seed(seed), "sandboxed programs outlived the batch")
    check(cache_entries(os.path.join(out, "cache")) == 0,
          "a submission cut short was cached")
    check(not os.path.exists(os.path.join(out, "grades.csv")), "an interrupted batch wrote grades")


def shard_run(grader, cls, n, root, cache=None, jobs="2"):
    outs = []
    for k in range(n):
        o = os.path.join(root, "%d-of-%d" % (k, n))
        args = ["batch", cls, "--shard", "%d/%d" % (k, n), "--out", o, "-j", jobs, "-q"]
        if cache:
            args += ["--cache", cache]
        p = run(grader, *args)
        if p.returncode not in (0, 1):
            fail("shard %d/%d: exit %d: %s" % (k, n, p.returncode, p.stderr))
        outs.append(o)
    return outs


def test_shards(grader, src, tmp):
    cls = make_class(grader, src, os.path.join(tmp, "class"))
    single = os.path.join(tmp, "single")
    p = run(grader, "batch", cls, "--out", single, "-j", "2")
    expect(p, 1, "single batch")
    students = [r["student"] for r in csv_dicts(os.path.join(single, "grades.csv"))]
    shared = os.path.join(single, "cache")
    sets = {}
    # N = 3 grades from scratch (each shard its own cache); N = 1 and 7 share
    # the single run's cache, which keeps the test short.
    for n, cache in ((3, None), (1, shared), (7, shared)):
        outs = shard_run(grader, cls, n, os.path.join(tmp, "shards"), cache)
        seen = []
        for o in outs:
            seen += [r["student"] for r in csv_dicts(os.path.join(o, "grades.csv"))]
        check(sorted(seen) == sorted(students), "N=%d: shards hold %s" % (n, sorted(seen)))
        merged = os.path.join(tmp, "merged-%d" % n)
        p = run(grader, "merge", merged, *outs[::-1])
        expect(p, 1, "merge of %d shards" % n)
        same_gradebook(single, merged, "merge of %d shards vs single run" % n)
        for s in students:
            if s.startswith("'"):
                s = s[1:]
            for ex in ("sort-users", "fib-generator"):
                a = os.path.join(single, "reports", s, ex + ".json")
                b = os.path.join(merged, "reports", s, ex + ".json")
                check(os.path.exists(a) == os.path.exists(b), "report %s/%s" % (s, ex))
        sets[n] = outs

    p = run(grader, "merge", os.path.join(tmp, "m1"), *sets[3][:2])
    expect(p, 2, "merge with a shard missing")
    check("shard 2/3 is missing" in p.stderr, "message: " + p.stderr)
    p = run(grader, "merge", os.path.join(tmp, "m2"), sets[3][0], sets[3][0], sets[3][1])
    expect(p, 2, "merge with a shard twice")
    p = run(grader, "merge", os.path.join(tmp, "m3"), sets[3][0], sets[7][1])
    expect(p, 2, "merge of shards of two batches")
    check("number of shards" in p.stderr, "message: " + p.stderr)


def check_utf8_outputs(out, what):
    """Every json output parses as UTF-8 json; every csv and html decodes as UTF-8."""
    n = 0
    for d, _, files in os.walk(os.fsencode(out)):
        for f in files:
            path = os.path.join(d, f)
            if not f.endswith((b".json", b".csv", b".html")):
                continue
            try:
                text = read(path, "rb").decode("utf-8")
                if f.endswith(b".json"):
                    json.loads(text)
            except ValueError as e:
                fail("%s: %r is not valid UTF-8%s: %s" %
                     (what, path, " json" if f.endswith(b".json") else "", e))
            n += 1
    check(n > 10, "%s: only %d outputs" % (what, n))


def test_utf8(grader, src, tmp):
    """A student's name is a file name, which need not be UTF-8."""
    cls = os.fsencode(os.path.join(tmp, "names"))
    os.makedirs(cls)
    ok = os.path.join(src, "fixtures/sort-users/passes-reference/submission.c")
    shutil.copy(ok, os.path.join(cls, b"amy.c"))
    shutil.copy(ok, os.path.join(cls, b"bad\xff\xfeutf.c"))      # flat
    os.mkdir(os.path.join(cls, b"d\xe9j\xe0"))                   # Latin-1 "deja"
    shutil.copy(ok, os.path.join(cls, b"d\xe9j\xe0", b"sort.c"))
    shutil.copy(ok, os.path.join(cls, "ok-\u00e9.c".encode()))    # UTF-8: kept as it is
    os.mkdir(os.path.join(cls, b"eve"))                           # a note naming such files
    shutil.copy(ok, os.path.join(cls, b"eve", b"a\xff.c"))
    shutil.copy(ok, os.path.join(cls, b"eve", b"b.c"))
    # Sorted by the names' bytes; U+FFFD where a byte is not UTF-8.
    want = [("amy", "passed"), ("bad\ufffd\ufffdutf", "passed"), ("d\ufffdj\ufffd", "passed"),
            ("eve", "ambiguous"), ("ok-\u00e9", "passed")]
    out = os.path.join(tmp, "names-out")
    args = ["batch", os.fsdecode(cls), "--exercise", "sort-users", "-j", "1", "-q"]

    p = run(grader, *args, "--out", out)
    expect(p, 1, "batch of non-UTF-8 names")
    check_utf8_outputs(out, "first run")
    check(p.stderr.count("is not named in UTF-8") == 2 and "'bad\\xff\\xfeutf'" in p.stderr,
          "warnings: " + p.stderr)
    rows = csv_dicts(os.path.join(out, "grades.csv"))
    got = [(r["student"], r["status"]) for r in rows]
    check(got == want, "grades.csv rows %s, expected %s" % (got, want))
    check("a\ufffd.c, b.c" in rows[3]["note"], "eve's note: " + rows[3]["note"])
    for f in ("grades-canvas.csv", "grades-moodle.csv"):
        text = read(os.path.join(out, f), "rb").decode("utf-8")
        check(text.count("bad\ufffd\ufffdutf") == 1, f + ": " + text)
    summary = json.loads(read(os.path.join(out, "summary.json")))
    names = [g["student"] for g in summary["grades"]]
    check(names == [n for n, _ in want], "summary.json grades: %s" % names)
    check(all(g["score"] == 15 for g in summary["grades"] if g["student"] != "eve"),
          "summary.json scores: %s" % summary["grades"])
    # The reports stay under the exact name; the json names it with U+FFFD.
    rep = json.loads(read(os.path.join(os.fsencode(out), b"reports", b"bad\xff\xfeutf",
                                       b"sort-users.json"), "rb").decode("utf-8"))
    check(rep["submission"] == "bad\ufffd\ufffdutf.c", "submission: " + rep["submission"])
    # batch.json keeps the exact bytes of a name or file that is not UTF-8, and only then.
    students = json.loads(read(os.path.join(out, "batch.json")))["students"]
    manifest = {s["name"]: s for s in students}
    deja = manifest["d\ufffdj\ufffd"]
    check(bytes.fromhex(deja["name_hex"]) == b"d\xe9j\xe0" and
          bytes.fromhex(deja["exercises"][0]["file_hex"]) == b"d\xe9j\xe0/sort.c",
          "batch.json: %s" % deja)
    check("name_hex" not in manifest["ok-\u00e9"] and "name_hex" not in manifest["amy"],
          "name_hex of a UTF-8 name: %s" % manifest["ok-\u00e9"])
    # Each student's page, under a name made of [a-z0-9_-], linked from report.html.
    html = read(os.path.join(out, "report.html"))
    for page in ("bad_ff_feutf", "d_e9j_e0", "ok-_c3_a9"):
        check(os.path.isfile(os.path.join(out, "students", page + ".html")), "no page " + page)
        check('href="students/%s.html"' % page in html, "report.html links no " + page)

    # Again, from the cache: the same outputs, and nothing changed.
    p = run(grader, *args, "--out", out)
    expect(p, 1, "second batch of non-UTF-8 names")
    check_utf8_outputs(out, "run from the cache")
    check(len(csv_rows(os.path.join(out, "changes.csv"))) == 1,
          "changes.csv: " + read(os.path.join(out, "changes.csv")))
    # Shards find each report again by the exact name, and merge into the single run.
    outs = []
    for k in range(2):
        o = os.path.join(tmp, "names-%d-of-2" % k)
        p = run(grader, *args, "--out", o, "--shard", "%d/2" % k, "--cache",
                os.path.join(out, "cache"))
        check(p.returncode in (0, 1), "shard %d/2: exit %d: %s" % (k, p.returncode, p.stderr))
        outs.append(o)
    merged = os.path.join(tmp, "names-merged")
    p = run(grader, "merge", merged, *outs)
    expect(p, 1, "merge of non-UTF-8 names")
    check_utf8_outputs(merged, "merge")
    same_gradebook(out, merged, "merge vs single run")


def test_planted(grader, src, tmp):
    starter = os.path.join(src, "exercises/sort-users/starter.c")
    reference = fixture(grader, src, "sort-users", "passes-reference")
    cls = os.path.join(tmp, "planted")
    for name, what in (("bob", starter), ("carol", reference), ("grades", reference)):
        os.makedirs(os.path.join(cls, name))
        shutil.copy(what, os.path.join(cls, name, "sort_users.c"))
    # A student's own file named like a batch's manifest does not hide them.
    with open(os.path.join(cls, "carol", "batch.json"), "w") as f:
        f.write("{}")
    args = ("batch", cls, "--exercise", "sort-users", "-j", "2", "-q", "--no-sanitize")
    # A student named like the default output: refused, not skipped.
    p = run(grader, *args)
    expect(p, 2, "a student named like the output")
    check("holds a .c file" in p.stderr, "the refusal says why: " + p.stderr)
    # Learn the cache's entry for bob's bytes from a run of the grader's own.
    own = os.path.join(tmp, "own-cache")
    p = run(grader, *args, "--out", os.path.join(tmp, "own-out"), "--cache", own)
    expect(p, 1, "a batch with the output elsewhere")
    rows = {r["student"]: r for r in csv_dicts(os.path.join(tmp, "own-out", "grades.csv"))}
    check(rows.get("carol", {}).get("status") == "passed",
          "carol, who holds a batch.json, is graded: %r" % rows.get("carol"))
    check(rows.get("bob", {}).get("status") == "failed", "bob: %r" % rows.get("bob"))
    # "grades" plants a forged entry for bob's file in what is the default cache.
    os.remove(os.path.join(cls, "grades", "sort_users.c"))
    forged_any = False
    for d, _, files in os.walk(own):
        for f in files:
            if not f.endswith(".entry"):
                continue
            body = read(os.path.join(d, f))
            mac, report = body.split("\n", 1)
            r = json.loads(report)
            if not r["submission"].startswith("bob"):
                continue
            r["score"] = r["max_score"]
            for t in r["tests"]:
                t["status"], t["score"] = "passed", t["max_score"]
            planted = os.path.join(cls, "grades", "cache", os.path.relpath(d, own))
            os.makedirs(planted, exist_ok=True)
            with open(os.path.join(planted, f), "w") as out:
                out.write(mac + "\n" + json.dumps(r))
            forged_any = True
    check(forged_any, "no cache entry for bob to forge")
    p = run(grader, *args)
    expect(p, 1, "the class with a forged cache entry")
    rows = {r["student"]: r for r in csv_dicts(os.path.join(cls, "grades", "grades.csv"))}
    check(rows.get("bob", {}).get("status") == "failed",
          "a forged cache entry was trusted: bob %r" % rows.get("bob"))
    check("from the cache" in p.stdout and ", 0 from the cache" in p.stdout,
          "a forged entry counted as cached: " + p.stdout)


def main():
    grader, src, mode = sys.argv[1:4]
    grader = os.path.abspath(grader)
    tmp = tempfile.mkdtemp(prefix="grader-batch-")
    try:
        {"gradebook": test_gradebook, "resume": test_resume, "interrupt": test_interrupt,
         "shards": test_shards, "utf8": test_utf8, "planted": test_planted}[mode](
             grader, src, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("ok: batch %s" % mode)


if __name__ == "__main__":
    main()
