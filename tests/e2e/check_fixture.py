#!/usr/bin/env python3
"""Grades one fixture and asserts every expectation in its expect.json.

usage: check_fixture.py GRADER EXERCISE FIXTURE_DIR [--seed N]

expect.json keys: compile ("ok"/"error"), full_score (bool), tests
({name: status}, every test of the exercise), hints ({name: substring}),
messages ({name: substring}), absent_paths (files that must not exist
after grading), compile_output_lacks (substrings that must not appear
anywhere in the report).
"""
import json
import os
import subprocess
import sys


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def main():
    grader, exercise, fixture = sys.argv[1:4]
    seed = "4242"
    if "--seed" in sys.argv:
        seed = sys.argv[sys.argv.index("--seed") + 1]
    with open(os.path.join(fixture, "expect.json")) as f:
        expect = json.load(f)
    for p in expect.get("absent_paths", []):
        if os.path.lexists(p):
            os.unlink(p)
    sub = os.path.join(fixture, "submission.c")
    proc = subprocess.run([grader, "check", exercise, sub, "--format", "json",
                           "--seed", seed], capture_output=True, text=True,
                          timeout=170)
    if proc.returncode not in (0, 1):
        fail("grader exited %d: %s" % (proc.returncode, proc.stderr))
    try:
        rep = json.loads(proc.stdout)
    except ValueError as e:
        fail("report is not JSON (%s): %r" % (e, proc.stdout[:500]))
    errors = []
    want_compile = expect.get("compile", "ok")
    if rep["compile"]["status"] != want_compile:
        errors.append("compile: expected %s, got %s (%s)" % (
            want_compile, rep["compile"]["status"], rep["compile"]["output"][:300]))
    got = {t["name"]: t for t in rep["tests"]}
    want = expect.get("tests", {})
    if set(want) != set(got):
        errors.append("expect.json lists tests %s but the exercise has %s" % (
            sorted(set(want) ^ set(got)), sorted(got)))
    for name, status in want.items():
        t = got.get(name)
        if t and t["status"] != status:
            errors.append("%s: expected %s, got %s: %s" % (
                name, status, t["status"], t["message"][:400]))
    for name, sub_s in expect.get("hints", {}).items():
        t = got.get(name)
        if t and sub_s not in t["hint"]:
            errors.append("%s: hint lacks %r: %r" % (name, sub_s, t["hint"]))
    for name, sub_s in expect.get("messages", {}).items():
        t = got.get(name)
        if t and sub_s not in t["message"]:
            errors.append("%s: message lacks %r: %r" % (name, sub_s, t["message"]))
    full = rep["score"] == rep["max_score"]
    if "full_score" in expect and expect["full_score"] != full:
        errors.append("full_score: expected %s, got %d/%d" % (
            expect["full_score"], rep["score"], rep["max_score"]))
    want_rc = 0 if full and rep["compile"]["status"] == "ok" else 1
    if proc.returncode != want_rc:
        errors.append("exit status: expected %d, got %d" % (want_rc, proc.returncode))
    for p in expect.get("absent_paths", []):
        if os.path.lexists(p):
            errors.append("%s exists: the submission wrote outside its scratch directory" % p)
    for s in expect.get("compile_output_lacks", []):
        if s in proc.stdout:
            errors.append("the report contains %r" % s)
    if errors:
        fail("%s:\n  " % fixture + "\n  ".join(errors))
    print("ok: %s %d/%d" % (fixture, rep["score"], rep["max_score"]))


if __name__ == "__main__":
    main()
