#!/usr/bin/env python3
"""A memory check that cannot work on this machine stops the grading.

usage: memory_check_probe.py GRADER REPO

Before its results count, the memory check runs the exercise's reference
solution, built with the sanitizers, on the first test it reruns. Here a
copy of fib-generator whose reference has a signed overflow that only
UBSan sees stands for a machine where that run cannot pass (no sanitizer
runtime, a kernel ASan cannot map its shadow on). Asserts:
  - `grader check` of a correct submission exits 3, prints no report, and
    says that the check does not work here, naming the reference, the
    test and --no-sanitize; whatever the reruns beside the probe found is
    never reported (a correct submission is not called a memory error);
  - the same with --no-sanitize grades as usual: exit 0, full score;
  - `grader batch` marks the student "error" (exit 3), not a score.
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    grader, repo = sys.argv[1:3]
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        exercises = os.path.join(tmp, "exercises")
        os.mkdir(exercises)
        ex = os.path.join(exercises, "fib-generator")
        shutil.copytree(os.path.join(repo, "exercises", "fib-generator"), ex)
        ref = os.path.join(ex, "reference.c")
        with open(ref) as f:
            text = f.read()
        # The known mistakes are patches of the reference: left out here.
        spec_path = os.path.join(ex, "spec.json")
        spec = json.load(open(spec_path))
        spec.pop("mistakes", None)
        with open(spec_path, "w") as f:
            json.dump(spec, f)
        # Wraps in the plain build (the result is thrown away); UBSan stops it.
        text += ("\n__attribute__((constructor)) static void probe_overflow(void)\n{\n"
                 "\tvolatile int x = 2147483647;\n\n\tx += 1;\n}\n")
        with open(ref, "w") as f:
            f.write(text)
        sub = os.path.join(repo, "exercises", "fib-generator", "reference.c")
        env = dict(os.environ, GRADER_EXERCISES=exercises)

        p = subprocess.run([grader, "check", "fib-generator", sub, "--format", "json"],
                           capture_output=True, text=True, env=env, timeout=300)
        if p.returncode != 3:
            errors.append("check exited %d, not 3: %s" % (p.returncode, p.stderr[:400]))
        if p.stdout.strip():
            errors.append("check printed a report: %r" % p.stdout[:300])
        for words in ("the memory check does not work here", "reference solution",
                      "--no-sanitize", "in test '"):
            if words not in p.stderr:
                errors.append("the message lacks %r: %r" % (words, p.stderr[:400]))

        p = subprocess.run([grader, "check", "fib-generator", sub, "--format", "json",
                            "--no-sanitize"], capture_output=True, text=True, env=env,
                           timeout=300)
        if p.returncode != 0:
            errors.append("--no-sanitize exited %d, not 0: %s" % (p.returncode, p.stderr[:400]))
        else:
            r = json.loads(p.stdout)
            if r["score"] != r["max_score"]:
                errors.append("--no-sanitize scored %d of %d" % (r["score"], r["max_score"]))

        cls = os.path.join(tmp, "class")
        os.makedirs(os.path.join(cls, "ada"))
        shutil.copy(sub, os.path.join(cls, "ada", "fib_gen.c"))
        with open(os.path.join(cls, "grader.json"), "w") as f:
            json.dump({"name": "probe", "exercises": [{"id": "fib-generator",
                                                       "file": "fib_gen.c"}]}, f)
        out = os.path.join(tmp, "out")
        p = subprocess.run([grader, "batch", cls, "--out", out, "--no-cache", "-q"],
                           capture_output=True, text=True, env=env, timeout=300)
        if p.returncode != 3:
            errors.append("batch exited %d, not 3: %s" % (p.returncode, p.stderr[:400]))
        rows = list(csv.DictReader(open(os.path.join(out, "grades.csv")))) \
            if os.path.exists(os.path.join(out, "grades.csv")) else []
        if [r["status"] for r in rows] != ["error"]:
            errors.append("batch's grades.csv: %r, not one row with status error" % rows)

    for e in errors:
        print("FAIL:", e)
    if errors:
        sys.exit(1)
    print("ok: a memory check that cannot work stops the grading (check, batch); "
          "--no-sanitize grades")


if __name__ == "__main__":
    main()
