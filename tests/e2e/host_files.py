#!/usr/bin/env python3
"""A submission changes nothing of the host, under a grader that owns it.

usage: host_files.py GRADER REPO

A grader running as an ordinary user runs programs as that user, who
usually owns the exercises too; what a program holds a descriptor of
(its stdin, once the exercise's own input file) it could fchmod. Grades
fixtures/hostile/passes-fchmod-its-stdin, which calls fchmod(fd, 0) on
descriptors 0 to 3 at every create, with a copy of the exercises owned by
the grading user (as root: an unprivileged uid of its own, through
setpriv), then checks that every file of the copy kept its mode and that
the reference still gets full marks.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

UID = 4242


def main():
    grader, repo = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    errors = []
    with tempfile.TemporaryDirectory(prefix="grader-host-files-") as tmp:
        os.chmod(tmp, 0o755)
        exercises = os.path.join(tmp, "exercises")
        shutil.copytree(os.path.join(repo, "exercises"), exercises)
        sub = os.path.join(tmp, "submission.c")
        shutil.copy(os.path.join(repo, "fixtures/hostile/passes-fchmod-its-stdin/submission.c"),
                    sub)
        prefix = []
        if os.geteuid() == 0:
            if not shutil.which("setpriv"):
                print("skipped: needs setpriv to grade as an unprivileged owner")
                return 77
            for d, dirs, files in os.walk(tmp):
                for n in dirs + files:
                    os.lchown(os.path.join(d, n), UID, UID)
            os.chown(tmp, UID, UID)
            prefix = ["setpriv", "--reuid=%d" % UID, "--regid=%d" % UID, "--clear-groups"]
        modes = {}
        for d, _, files in os.walk(exercises):
            for n in files:
                p = os.path.join(d, n)
                modes[p] = os.lstat(p).st_mode
        env = dict(os.environ, HOME=tmp, GRADER_CACHE_DIR=os.path.join(tmp, "cache"),
                   GRADER_EXERCISES=exercises, TMPDIR=tmp)
        for what, path in (("the hostile submission", sub),
                           ("the reference, after it", os.path.join(
                               exercises, "lru-cache", "reference.c"))):
            p = subprocess.run(prefix + [grader, "check", "lru-cache", path, "--seed", "7",
                                         "--format", "json"],
                               capture_output=True, text=True, env=env, timeout=300)
            if p.returncode != 0:
                errors.append("%s: exit %d: %s" % (what, p.returncode, p.stderr[-500:]))
                continue
            r = json.loads(p.stdout)
            if r["score"] != r["max_score"]:
                errors.append("%s: %s/%s" % (what, r["score"], r["max_score"]))
        for p, mode in modes.items():
            now = os.lstat(p).st_mode
            if now != mode:
                errors.append("%s: mode %o, was %o" % (os.path.relpath(p, tmp), now, mode))
    for e in errors[:20]:
        print("FAIL: " + e)
    if errors:
        return 1
    print("ok: no file of the host changed mode")
    return 0


if __name__ == "__main__":
    sys.exit(main())
