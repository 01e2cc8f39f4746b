#!/usr/bin/env python3
"""A sandbox that cannot be set up is the grader's failure, never a zero.

usage: sandbox_failure.py GRADER WITHOUT REPO

WITHOUT (tests/unit/without.c) runs the grader on a "kernel" that lacks a
layer. Asserts:
  - no seccomp at all: `grader check` exits 3 with no report on stdout, and
    `grader batch` exits 3 with the student's row marked "error", not a
    score or "invalid";
  - a kernel that refuses to load the filter: `grader check` exits 3 (not
    2, which would blame the input), and the message names the setup step
    that failed in the compiler's sandbox ("cannot set up the sandbox:
    seccomp: ...");
  - a compiler that cannot start (its exec fails inside the sandbox): exit
    3 with no report, not a compile error that would score the submission;
  - no Landlock, or no namespaces: the grader still grades (exit 0 for the
    reference solution), and the report's receipt lists the layers that
    were really in force;
  - no Landlock (so no signal scope): verdicts that hang on signals are
    those of the fixtures' expect.json, test by test: a crash is `crashed`
    (the driver's crash handler passes the fault on with a signal to
    itself), an allocation bomb is `memory`, a submission that signals the
    grader and everyone else still gets full marks and the grader lives;
    and where the kernel gives the compiler a mount namespace, a submission
    that #includes /etc/passwd or /proc/self/environ does not compile and
    the report shows nothing of either.
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile


# Fixtures whose verdicts hang on signals (a crash handler's, abort()'s,
# the grader's own) or on what the compiler may read: without Landlock
# (and so without its signal scope) they must not change, and what the
# compiler reads from the host must not show.
NO_LANDLOCK_FIXTURES = (
    "sort-users/crashed-strcmp-null",
    "lru-cache/crashed-get-null-dereference",
    "sort-users/crashed-merge-sort-no-base-case",
    "hostile/memory-allocation-bomb",
    "hostile/passes-kill-parent-and-everyone",
    "sort-users/compile-error-include-passwd",
    "hostile/compile-error-include-etc-passwd",
    "hostile/compile-error-include-proc-environ",
)


def main():
    grader, without, repo = sys.argv[1:4]
    sub = os.path.join(repo, "fixtures", "sort-users", "passes-reference", "submission.c")
    errors = []

    def run(layer, *args, env=None):
        return subprocess.run([without, layer, grader] + list(args), capture_output=True,
                              text=True, timeout=300,
                              env=dict(os.environ, **env) if env else None)

    for layer in ("seccomp", "seccomp-load"):
        p = run(layer, "check", "sort-users", sub, "--format", "json")
        if p.returncode != 3:
            errors.append("without %s: check exited %d, not 3: %s" % (layer, p.returncode,
                                                                     p.stderr[:300]))
        if p.stdout.strip():
            errors.append("without %s: check printed a report: %r" % (layer, p.stdout[:200]))
        if "sandbox" not in p.stderr:
            errors.append("without %s: the message does not say the sandbox failed: %r" %
                          (layer, p.stderr[:300]))
        # The first sandbox is the compiler's: its filter is the step that failed.
        if layer == "seccomp-load" and "cannot set up the sandbox: seccomp: " not in p.stderr:
            errors.append("without %s: the message does not name the step: %r" %
                          (layer, p.stderr[:300]))

    tmp = tempfile.mkdtemp(prefix="grader-nocc-")
    try:
        notcc = os.path.join(tmp, "cc")
        with open(notcc, "w") as f:
            f.write("not a compiler\n")
        os.chmod(notcc, 0o644)
        env = dict(os.environ, GRADER_CC=notcc, GRADER_CACHE_DIR=os.path.join(tmp, "cache"))
        p = subprocess.run([grader, "check", "sort-users", sub, "--format", "json"],
                           capture_output=True, text=True, timeout=300, env=env)
        if p.returncode != 3 or p.stdout.strip():
            errors.append("a compiler that cannot start: check exited %d (not 3), stdout %r" %
                          (p.returncode, p.stdout[:200]))
        if "cannot start" not in p.stderr or "Permission denied" not in p.stderr:
            errors.append("a compiler that cannot start: the message does not say so: %r" %
                          p.stderr[:300])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    tmp = tempfile.mkdtemp(prefix="grader-nosandbox-")
    try:
        shutil.copy(sub, os.path.join(tmp, "alice.c"))
        p = run("seccomp", "batch", tmp, "--exercise", "sort-users", "-q")
        if p.returncode != 3:
            errors.append("without seccomp: batch exited %d, not 3: %s" % (p.returncode,
                                                                          p.stderr[:300]))
        try:
            with open(os.path.join(tmp, "grades", "grades.csv")) as f:
                rows = list(csv.DictReader(f))
            if [r["status"] for r in rows] != ["error"]:
                errors.append("without seccomp: batch rows %s, expected one 'error'" % rows)
        except OSError as e:
            errors.append("without seccomp: batch wrote no grades.csv (%s)" % e)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    for layer, absent in (("landlock", "landlock-fs"), ("userns", "mount-namespace")):
        p = run(layer, "check", "sort-users", sub, "--format", "json")
        if p.returncode != 0:
            errors.append("without %s: check exited %d: %s" % (layer, p.returncode,
                                                              p.stderr[:300]))
            continue
        iso = json.loads(p.stdout)["receipt"]["isolation"]
        if "seccomp" not in iso:
            errors.append("without %s: the receipt lacks seccomp: %s" % (layer, iso))
        if absent and absent in iso:
            errors.append("without %s: the receipt still claims %s: %s" % (layer, absent, iso))
        if json.loads(p.stdout)["score"] != json.loads(p.stdout)["max_score"]:
            errors.append("without %s: the reference did not get full marks" % layer)

    for fixture in NO_LANDLOCK_FIXTURES:
        d = os.path.join(repo, "fixtures", fixture)
        with open(os.path.join(d, "expect.json")) as f:
            expect = json.load(f)
        exercise = expect.get("exercise", fixture.split("/")[0])
        if exercise == "hostile":
            exercise = "sort-users"
        p = run("landlock", "check", exercise, os.path.join(d, "submission.c"),
                "--format", "json", "--seed", "4242", env=expect.get("env"))
        if p.returncode not in (0, 1):
            errors.append("without landlock: %s: check exited %d: %s" % (
                fixture, p.returncode, p.stderr[:300]))
            continue
        rep = json.loads(p.stdout)
        view = "mount-namespace" in rep["receipt"]["isolation"]
        for secret in expect.get("compile_output_lacks", []) + expect.get("report_lacks", []):
            if view and (secret in p.stdout or secret in p.stderr):
                errors.append("without landlock: %s: the report shows %r" % (fixture, secret))
        got = {t["name"]: t["status"] for t in rep["tests"]}
        want = expect["tests"]
        if got != want:
            diff = {k: (want.get(k), got.get(k)) for k in set(want) | set(got)
                    if want.get(k) != got.get(k)}
            errors.append("without landlock: %s: statuses differ (expected, got): %s" % (
                fixture, diff))

    if errors:
        print("FAIL:\n  " + "\n  ".join(errors))
        sys.exit(1)
    print("ok: no seccomp is exit 3 (check and batch), naming the failed step; a compiler "
          "that cannot start is exit 3; no Landlock or namespaces still grades; without "
          "Landlock, crashes, an allocation bomb and signals to the grader keep their "
          "verdicts, and the compiler's view shows nothing of the host")


if __name__ == "__main__":
    main()
