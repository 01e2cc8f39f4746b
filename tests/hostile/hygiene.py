#!/usr/bin/env python3
"""The grader leaves nothing behind after hostile submissions.

usage: hygiene.py GRADER FIXTURES_DIR

Grades every fixture in FIXTURES_DIR (fixtures/hostile) with `grader check`
under a private TMPDIR and asserts, after each one:
  - its verdicts are those of the fixture's expect.json (every test);
  - no process is left whose working directory or executable lies under
    the private directory (the sandboxed programs, the compilers);
  - the private TMPDIR is empty again (no grader-* directory);
  - while it ran, the grader never held more than FD_BOUND descriptors
    (sampled from /proc/PID/fd), so descriptors do not pile up per test.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import kernel_kind  # noqa: E402

FD_BOUND = 64
SEED = "4242"


def fds_of(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return 0


def leftovers(root):
    """Processes whose cwd or executable is under root."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        for link in ("cwd", "exe"):
            try:
                target = os.readlink("/proc/%s/%s" % (entry, link))
            except OSError:
                continue
            if target.startswith(root + "/"):
                found.append("%s (%s -> %s)" % (entry, link, target))
    return found


def main():
    grader, fixtures = sys.argv[1:3]
    root = tempfile.mkdtemp(prefix="grader-hygiene-")
    tmpdir = os.path.join(root, "tmp")
    os.mkdir(tmpdir)
    env = dict(os.environ, TMPDIR=tmpdir, GRADER_CACHE_DIR=os.path.join(root, "cache"))
    errors = []
    worst = 0
    try:
        for name in sorted(os.listdir(fixtures)):
            fixture = os.path.join(fixtures, name)
            with open(os.path.join(fixture, "expect.json")) as f:
                expect = json.load(f)
            run_env = dict(env)
            run_env.update(expect.get("env", {}))
            # Files, not pipes: nobody reads a pipe while the descriptors are
            # sampled, and a report past the pipe's 64 KiB would block.
            with tempfile.TemporaryFile() as fout, tempfile.TemporaryFile() as ferr:
                proc = subprocess.Popen(
                    [grader, "check", expect.get("exercise", "sort-users"),
                     os.path.join(fixture, "submission.c"),
                     "--format", "json", "--seed", SEED, "-j", "2"],
                    stdout=fout, stderr=ferr, env=run_env)
                most = 0
                while proc.poll() is None:
                    most = max(most, fds_of(proc.pid))
                    time.sleep(0.02)
                fout.seek(0)
                ferr.seek(0)
                out, err = fout.read(), ferr.read()
            worst = max(worst, most)
            if proc.returncode not in (0, 1):
                errors.append("%s: grader exited %d: %s" % (name, proc.returncode,
                                                              err.decode()[:300]))
                continue
            rep = json.loads(out)
            got = {t["name"]: t["status"] for t in rep["tests"]}
            want = kernel_kind.resolve_tests(expect["tests"])
            diff = kernel_kind.differences(want, got)
            if diff:
                errors.append("%s: verdicts differ (expected, got): %s" % (name, diff))
            if most > FD_BOUND:
                errors.append("%s: the grader held %d descriptors (bound %d)" %
                              (name, most, FD_BOUND))
            time.sleep(0.1)
            left = leftovers(root)
            if left:
                errors.append("%s: processes left behind: %s" % (name, left))
            stray = os.listdir(tmpdir)
            if stray:
                errors.append("%s: left in TMPDIR: %s" % (name, stray))
                for s in stray:
                    shutil.rmtree(os.path.join(tmpdir, s), ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if errors:
        print("FAIL:\n  " + "\n  ".join(errors))
        sys.exit(1)
    print("ok: %d fixtures, nothing left behind, at most %d descriptors open" %
          (len(os.listdir(fixtures)), worst))


if __name__ == "__main__":
    main()
