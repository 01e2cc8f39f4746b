#!/usr/bin/env python3
"""A temporary directory on a noexec mount is the grader's problem, said so.

usage: noexec_tmp.py GRADER REPO

Hardened machines often mount /tmp noexec. The grader runs the programs it
builds from its temporary directory, so there every submission, the
reference solution included, would "crash" at its start with a score of 0.
In a mount namespace of its own (util-linux's unshare, as root), with a
noexec tmpfs, asserts:
  - TMPDIR on it: `grader check` of the reference exits 3, prints no report,
    and the message names TMPDIR and noexec;
  - TMPDIR unset and /tmp itself noexec (/tmp bound over itself, noexec,
    with what it holds still there; the grader run from a copy in
    /var/tmp, since a checkout under /tmp cannot run from there then): the
    grader builds under /var/tmp and the reference gets full marks (left
    out where /var/tmp is noexec too);
  - GRADER_CACHE_DIR on it: the cache is left aside and the reference gets
    full marks.
Skipped (exit 77) where it cannot make a mount namespace (not root).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile


def full_marks(what, p, errors):
    """The reference's grading p exited 0 with every point."""
    if p.returncode != 0:
        errors.append("%s: exit %d, not 0: %s" % (what, p.returncode, p.stderr[:300]))
        return
    rep = json.loads(p.stdout)
    if rep["score"] != rep["max_score"]:
        errors.append("%s: the reference got %d/%d" % (what, rep["score"], rep["max_score"]))


def main():
    grader, repo = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if os.geteuid() != 0:
        print("skip: mounting a noexec tmpfs takes root")
        sys.exit(77)
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"],
                           capture_output=True)
    if probe.returncode != 0:
        print("skip: no mount namespace here")
        sys.exit(77)
    sub = os.path.join(repo, "exercises", "fib-generator", "reference.c")
    errors = []
    with tempfile.TemporaryDirectory(prefix="grader-noexec-") as tmp:
        mnt = os.path.join(tmp, "mnt")
        os.mkdir(mnt)
        cache = os.path.join(tmp, "cache")

        def run(setup, env, program=grader):
            script = ("mount -t tmpfs -o noexec,size=64m grader-noexec %s && %s"
                      "exec \"$@\"" % (mnt, setup))
            full_env = dict(os.environ, GRADER_CACHE_DIR=cache,
                            GRADER_EXERCISES=os.path.join(repo, "exercises"),
                            GRADER_DRIVER_DIR=os.path.join(repo, "grader", "driver"))
            full_env.pop("TMPDIR", None)
            full_env.update(env)
            return subprocess.run(
                ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh",
                 program, "check", "fib-generator", sub, "--format", "json", "--seed", "7"],
                capture_output=True, text=True, timeout=300, env=full_env)

        p = run("", {"TMPDIR": mnt})
        if p.returncode != 3:
            errors.append("TMPDIR noexec: exit %d, not 3: %s" % (p.returncode, p.stderr[:300]))
        if p.stdout.strip():
            errors.append("TMPDIR noexec: a report was printed: %r" % p.stdout[:200])
        if "TMPDIR" not in p.stderr or "noexec" not in p.stderr:
            errors.append("TMPDIR noexec: the message names neither: %r" % p.stderr[:300])

        if os.statvfs("/var/tmp").f_flag & os.ST_NOEXEC:
            print("note: /var/tmp is noexec here: the /tmp case is left out")
        else:
            copy = tempfile.mkdtemp(prefix="grader-noexec-", dir="/var/tmp")
            try:
                shutil.copy(grader, os.path.join(copy, "grader"))
                p = run("mount --bind /tmp /tmp && mount -o remount,bind,noexec /tmp && ",
                        {}, program=os.path.join(copy, "grader"))
                full_marks("/tmp noexec", p, errors)
            finally:
                shutil.rmtree(copy, ignore_errors=True)
        full_marks("cache noexec", run("", {"GRADER_CACHE_DIR": os.path.join(mnt, "cache")}),
                   errors)
    if errors:
        print("FAIL:\n  " + "\n  ".join(errors))
        sys.exit(1)
    print("ok: a noexec TMPDIR is exit 3 that says so; a noexec /tmp falls back to /var/tmp; "
          "a noexec cache is left aside")


if __name__ == "__main__":
    main()
