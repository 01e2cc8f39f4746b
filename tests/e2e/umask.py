#!/usr/bin/env python3
"""A restrictive umask (root's is often 077) changes no verdict.

usage: umask.py GRADER REPO

As root, the grader's runs are nobody's: the programs it builds (and
caches) and the directories of each run's view must let nobody in, whatever
umask the grader was started with. With umask 077 and a fresh cache,
grades three times (the cache cold, then warm, then with its programs made
0700 as an older grader left them), with the memory check:
  - the reference of fib-generator (a static program) and of user-registry
    (a dynamic one, which needs the loader through the view) get full marks;
  - sort-users' crashed-strcmp-null crashes as its expect.json says, test
    by test (a crash, not a program that "could not start");
and the cache's programs are mode 0755 while its directory keeps the
umask's 0700.
"""
import json
import os
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import kernel_kind  # noqa: E402


def main():
    grader, repo = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    errors = []
    cases = [("fib-generator", os.path.join(repo, "exercises", "fib-generator", "reference.c"),
              None),
             ("user-registry", os.path.join(repo, "exercises", "user-registry", "reference.c"),
              None),
             ("sort-users", os.path.join(repo, "fixtures", "sort-users", "crashed-strcmp-null"),
              "fixture")]
    with tempfile.TemporaryDirectory(prefix="grader-umask-") as tmp:
        cache = os.path.join(tmp, "cache")
        env = dict(os.environ, GRADER_CACHE_DIR=cache)
        old = os.umask(0o077)
        try:
            for attempt in ("cold", "warm", "repaired"):
                if attempt == "repaired":
                    # As an older grader left them under umask 077: 0700.
                    for n in os.listdir(cache):
                        if n.startswith("reference-"):
                            os.chmod(os.path.join(cache, n), 0o700)
                for ex, path, kind in cases:
                    sub = os.path.join(path, "submission.c") if kind else path
                    p = subprocess.run([grader, "check", ex, sub, "--format", "json",
                                        "--seed", "4242"], capture_output=True, text=True,
                                       timeout=300, env=env)
                    if p.returncode not in (0, 1):
                        errors.append("%s %s: exit %d: %s" % (attempt, ex, p.returncode,
                                                              p.stderr[:300]))
                        continue
                    rep = json.loads(p.stdout)
                    if kind:
                        with open(os.path.join(path, "expect.json")) as f:
                            want = kernel_kind.resolve_tests(json.load(f)["tests"])
                        got = {t["name"]: t["status"] for t in rep["tests"]}
                        diff = kernel_kind.differences(want, got)
                        if diff:
                            errors.append("%s %s: statuses differ (expected, got): %s" % (
                                attempt, ex, diff))
                    elif rep["score"] != rep["max_score"]:
                        errors.append("%s %s: the reference got %d/%d: %s" % (
                            attempt, ex, rep["score"], rep["max_score"],
                            [t["message"][:120] for t in rep["tests"]
                             if t["status"] != "passed"][:2]))
        finally:
            os.umask(old)
        if stat.S_IMODE(os.stat(cache).st_mode) != 0o700:
            errors.append("the cache directory is mode %o, not the umask's 0700" %
                          stat.S_IMODE(os.stat(cache).st_mode))
        programs = [n for n in os.listdir(cache)
                    if n.startswith(("reference-", "mistake-"))]
        for n in programs:
            mode = stat.S_IMODE(os.stat(os.path.join(cache, n)).st_mode)
            if os.access(os.path.join(cache, n), os.X_OK) and mode != 0o755:
                errors.append("cached program %s is mode %o, not 0755" % (n, mode))
    if errors:
        print("FAIL:\n  " + "\n  ".join(errors))
        sys.exit(1)
    print("ok: under umask 077, references get full marks and a crash is a crash, cold, "
          "warm and with a cache left 0700; cached programs 0755 in a 0700 cache")


if __name__ == "__main__":
    main()
