#!/usr/bin/env python3
"""The red team's forged full score, replayed: a program whose ELF
interpreter is the cached reference program.

usage: forged_interp.py GRADER

Grades the sort-users reference once with a private cache, finds the cached
reference program there (as an attacker derives its path from public data),
then grades a sort_users that calls abort() and carries an .interp section
naming that file, for a static exercise (sort-users) and a dynamic one
(user-registry, whose cached reference is named the same way). Before, the
kernel ran the reference as the "interpreter" and it answered every test:
15/15. Each must now be a compile error scored 0, exit 1, with a report.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

SORT = """#include <stdlib.h>
#include "sort_users.h"
__attribute__((used, section(".interp"))) static const char interp[] = "%s";
void sort_users(struct user *users, size_t n) { (void)users; (void)n; abort(); }
"""


def grade(grader, env, exercise, path):
    p = subprocess.run([grader, "check", exercise, path, "--format", "json", "--seed", "7"],
                       capture_output=True, text=True, env=env, timeout=300)
    return p.returncode, p.stdout, p.stderr


def main():
    grader = sys.argv[1]
    repo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    root = tempfile.mkdtemp(prefix="grader-forged-")
    env = dict(os.environ, GRADER_CACHE_DIR=os.path.join(root, "cache"))
    errors = []
    try:
        for exercise in ("sort-users", "user-registry"):
            rc, _, err = grade(grader, env, exercise,
                               os.path.join(repo, "exercises", exercise, "reference.c"))
            if rc != 0:
                errors.append("%s: the reference did not pass (%d): %s" % (exercise, rc, err))
                continue
            refs = glob.glob(os.path.join(root, "cache", "reference-%s-*" % exercise))
            if not refs:
                errors.append("%s: no cached reference program found" % exercise)
                continue
            target = refs[0]
            if os.path.isdir(target):
                files = [f for f in glob.glob(os.path.join(target, "*")) if os.access(f, os.X_OK)]
                target = files[0] if files else target
            src = os.path.join(root, "forged-%s.c" % exercise)
            with open(src, "w") as f:
                if exercise == "sort-users":
                    f.write(SORT % target)
                else:
                    with open(os.path.join(repo, "fixtures", "hostile",
                                           "compile-error-foreign-loader", "submission.c")) as g:
                        f.write(g.read().replace("/lib/x86_64-linux-gnu/libc.so.6", target))
            rc, out, err = grade(grader, env, exercise, src)
            if rc != 1:
                errors.append("%s: exit %d, expected 1: %s" % (exercise, rc, err[:300]))
                continue
            rep = json.loads(out)
            if rep["score"] != 0 or rep["compile"]["status"] != "error":
                errors.append("%s: forged program scored %d/%d, compile %s" % (
                    exercise, rep["score"], rep["max_score"], rep["compile"]["status"]))
            if "ELF interpreter" not in rep["compile"]["output"]:
                errors.append("%s: the compile output does not say why: %r" % (
                    exercise, rep["compile"]["output"][:300]))
            print("%s: interpreter %s refused, score %d/%d" % (
                exercise, os.path.basename(target), rep["score"], rep["max_score"]))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if errors:
        print("FAIL:\n  " + "\n  ".join(errors))
        sys.exit(1)
    print("ok: no interpreter of the submission's choosing runs")


if __name__ == "__main__":
    main()
