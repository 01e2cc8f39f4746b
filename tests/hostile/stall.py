#!/usr/bin/env python3
"""A sandboxed program cannot stall the machine.

usage: stall.py GRADER FIXTURE_DIR

Grades FIXTURE_DIR (fixtures/hostile/forbidden-fcntl-lease: a user-registry
program that tries to hold a lease on the loader's cache and on libc, then
sleeps) with `grader check` in the background. While it runs, it starts a
dynamically linked program outside the sandbox (/bin/true) every 50 ms and
times it: every start must take less than 1 s (a held lease made every
program on the machine wait in its loader for the holder's wall limit).
Bounded: the grading gets 120 s, then it is killed and the test fails.
Two layers stop the attack (the cache is not in the run's view, and the
filter denies F_SETLEASE; unit/sandbox checks the filter alone): this test
fails only if both give way, the end-to-end promise the issue asks for.
"""
import os
import subprocess
import sys
import time

BOUND_S = 1.0
SEED = "4242"


def main():
    grader, fixture = sys.argv[1:3]
    proc = subprocess.Popen([grader, "check", "user-registry",
                             os.path.join(fixture, "submission.c"), "--seed", SEED],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    worst, starts = 0.0, 0
    deadline = time.monotonic() + 120
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            t0 = time.monotonic()
            subprocess.run(["/bin/true"], timeout=30)
            worst = max(worst, time.monotonic() - t0)
            starts += 1
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            proc.kill()
        err = proc.communicate()[1]
    print("%d starts of /bin/true while the lease attack was graded; slowest %.3f s"
          % (starts, worst))
    if proc.returncode not in (0, 1):
        print("FAIL: grader exited %s: %s" % (proc.returncode, err.decode()[:300]))
        sys.exit(1)
    if starts < 5:
        print("FAIL: the grading ended before the probe could run (%d starts)" % starts)
        sys.exit(1)
    if worst >= BOUND_S:
        print("FAIL: a program outside the sandbox took %.3f s to start" % worst)
        sys.exit(1)
    print("ok: no start waited")


if __name__ == "__main__":
    main()
