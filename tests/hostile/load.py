#!/usr/bin/env python3
"""Hostile submissions under load: one grader process, many at once.

usage: load.py GRADER FIXTURES_DIR [COUNT [JOBS]]

Makes a class of COUNT students (default 50), each handing in one of the
hostile fixtures (cycling through them), and grades it with
`grader batch --exercise sort-users -j JOBS` (default 4) under a private
TMPDIR, with a listener on the port the TCP fixture knows. It samples the
grader's open descriptors and resident memory (/proc/PID) while it runs,
then asserts:
  - every student's verdicts are those of the fixture's expect.json, and
    no output file holds a string a fixture's report_lacks lists (the
    canary secret put in the grader's environment, /etc/passwd lines);
  - the listener received no connection;
  - the grader's descriptors and memory stay flat: the fewest descriptors
    it holds in the last quarter of the run (when the runs in flight, which
    make spikes, are done) are no more than before its first run, and the
    most memory it holds in the second half of the run no more than in
    the first, each plus a small slack (a leak per submission would grow
    with the class); with
    GRADER_SANITIZED=1 in the environment (a grader built with
    GRADER_SANITIZE, whose allocator keeps freed blocks and every
    allocation's stack, so its resident memory grows by design) memory is
    printed, not asserted: LeakSanitizer checks for leaks there instead;
  - disk: the bytes and inodes in use in each running test's scratch
    directory (its tmpfs, read through /proc/PID/root), and the bytes under
    the private TMPDIR, sampled during the run, stay within the scratch
    limits (sort-users: 4 MiB, 4096 inodes) and TMPDIR_BOUND_KB, where the
    kernel allows mount namespaces (this test's own `unshare` probe); on a
    kernel that refuses them, disk use is bounded per file only, and the
    figures are printed, not asserted;
  - no process and no temporary file is left behind.
Fixtures of another exercise (expect.json "exercise") are left out.
Prints the figures it measured.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import kernel_kind  # noqa: E402

TCP_PORT = 47011
SEED = "4242"
FD_SLACK = 8
RSS_SLACK_KB = 32 * 1024
SCRATCH_KB = 4096          # sort-users: 4x its 1 MiB file limit
SCRATCH_INODES = 4096
# Build directories; no test's files land here. Each grading at once holds
# its builds (plain, and the memory check's, about 1.8 MB) until it ends, so
# 4 at once stay near 12 MB; builds left behind per submission (2.7 MB each)
# would pass this within the class of 50.
TMPDIR_BOUND_KB = 32 * 1024


def scratch_sample(grader_pid):
    """Peak use of the scratch tmpfs of each program the grader runs now."""
    kb = inodes = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            if ppid != grader_pid:
                continue
            st = os.statvfs("/proc/%s/root/scratch" % entry)
        except (OSError, ValueError, IndexError):
            continue
        kb = max(kb, (st.f_blocks - st.f_bfree) * st.f_frsize // 1024)
        inodes = max(inodes, st.f_files - st.f_ffree)
    return kb, inodes


def tree_kb(root):
    total = 0
    for dirpath, dirs, files in os.walk(root):
        for fn in files:
            try:
                total += os.lstat(os.path.join(dirpath, fn)).st_blocks * 512
            except OSError:
                pass
    return total // 1024


def proc_sample(pid):
    try:
        fds = len(os.listdir("/proc/%d/fd" % pid))
        with open("/proc/%d/status" % pid) as f:
            st = dict(line.split(":", 1) for line in f if ":" in line)
        return fds, int(st["VmRSS"].split()[0]), int(st["VmHWM"].split()[0])
    except (OSError, KeyError, ValueError):
        return None


def listen():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    for attempt in range(600):  # a fixture test may hold the port a moment
        try:
            s.bind(("127.0.0.1", TCP_PORT))
            break
        except OSError:
            if attempt == 599:
                raise
            time.sleep(0.1)
    s.listen(16)
    s.setblocking(False)
    return s


def leftovers(root):
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
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    jobs = sys.argv[4] if len(sys.argv) > 4 else "4"
    names = []
    for name in sorted(os.listdir(fixtures)):
        with open(os.path.join(fixtures, name, "expect.json")) as f:
            if json.load(f).get("exercise", "sort-users") == "sort-users":
                names.append(name)
    root = tempfile.mkdtemp(prefix="grader-load-")
    tmpdir = os.path.join(root, "tmp")
    cls = os.path.join(root, "class")
    os.mkdir(tmpdir)
    os.mkdir(cls)
    expected = {}
    secrets = set()
    env = dict(os.environ, TMPDIR=tmpdir, GRADER_CACHE_DIR=os.path.join(root, "cache"))
    for i in range(count):
        name = names[i % len(names)]
        student = "s%03d-%s" % (i, name)
        shutil.copy(os.path.join(fixtures, name, "submission.c"),
                    os.path.join(cls, student + ".c"))
        with open(os.path.join(fixtures, name, "expect.json")) as f:
            expect = json.load(f)
        expected[student] = kernel_kind.resolve_tests(expect["tests"])
        env.update(expect.get("env", {}))
        secrets.update(expect.get("report_lacks", []))
    errors = []
    listener = listen()
    samples = []
    disk = [0, 0, 0]  # scratch KiB, scratch inodes, TMPDIR KiB: peaks
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            [grader, "batch", cls, "--exercise", "sort-users", "-j", jobs,
             "--no-cache", "--seed", SEED, "-q"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        while proc.poll() is None:
            s = proc_sample(proc.pid)
            if s:
                samples.append(s)
            kb, inodes = scratch_sample(proc.pid)
            disk = [max(disk[0], kb), max(disk[1], inodes),
                    max(disk[2], tree_kb(tmpdir))]
            time.sleep(0.02)
        out, err = proc.communicate()
        wall = time.monotonic() - start
        if proc.returncode not in (0, 1):
            errors.append("grader batch exited %d: %s" % (proc.returncode, err.decode()[:500]))
        try:
            conn, peer = listener.accept()
            errors.append("the listener got a connection from %s" % (peer,))
            conn.close()
        except BlockingIOError:
            pass
        for student, want in sorted(expected.items()):
            path = os.path.join(cls, "grades", "reports", student, "sort-users.json")
            try:
                with open(path) as f:
                    rep = json.load(f)
            except (OSError, ValueError) as e:
                errors.append("%s: no report (%s)" % (student, e))
                continue
            got = {t["name"]: t["status"] for t in rep["tests"]}
            diff = kernel_kind.differences(want, got)
            if diff:
                errors.append("%s: verdicts differ (expected, got): %s" % (student, diff))
        for dirpath, _, files in os.walk(os.path.join(cls, "grades")):
            for fn in files:
                with open(os.path.join(dirpath, fn), "rb") as f:
                    data = f.read()
                for secret in secrets:
                    if secret.encode() in data:
                        errors.append("%s holds %r" % (fn, secret))
        if len(samples) >= 8:
            half = len(samples) // 2
            # The floor, not the peaks: runs in flight make spikes of a few
            # dozen (four students at once, crashes symbolized in a child
            # of their own), while a leak raises what is left when they are
            # done. The last quarter of the run drains to it.
            fd1 = min(s[0] for s in samples)
            fd2 = min(s[0] for s in samples[-max(1, len(samples) // 4):])
            rss1 = max(s[1] for s in samples[:half])
            rss2 = max(s[1] for s in samples[half:])
            hwm = samples[-1][2]
            print("descriptors: %d before the first run, %d at the fewest in the last"
                  " quarter (at most %d)" % (fd1, fd2, max(s[0] for s in samples)))
            print("resident memory: at most %d KiB in the first half, %d KiB in the second;"
                  " peak %d KiB" % (rss1, rss2, hwm))
            if fd2 > fd1 + FD_SLACK:
                errors.append("descriptors grow: %d then %d" % (fd1, fd2))
            if os.environ.get("GRADER_SANITIZED") == "1":
                print("sanitized grader: memory growth not asserted (LeakSanitizer checks leaks)")
            elif rss2 > rss1 + RSS_SLACK_KB:
                errors.append("memory grows: %d KiB then %d KiB" % (rss1, rss2))
        else:
            errors.append("too few samples of the grader (%d)" % len(samples))
        print("disk: at most %d KiB and %d inodes in one test's scratch; %d KiB under TMPDIR"
              % tuple(disk))
        if kernel_kind.mount_kind() != "mount-namespace":
            print("this kernel refuses mount namespaces: disk use is not bounded here")
        elif disk[0] > SCRATCH_KB or disk[1] > SCRATCH_INODES:
            errors.append("a test's scratch held %d KiB and %d inodes" % (disk[0], disk[1]))
        elif disk[2] > TMPDIR_BOUND_KB:
            errors.append("TMPDIR held %d KiB" % disk[2])
        time.sleep(0.1)
        left = leftovers(root)
        if left:
            errors.append("processes left behind: %s" % left)
        if os.listdir(tmpdir):
            errors.append("left in TMPDIR: %s" % os.listdir(tmpdir))
        print("graded %d hostile submissions with -j %s in %.1f s" % (count, jobs, wall))
    finally:
        listener.close()
        shutil.rmtree(root, ignore_errors=True)
    if errors:
        print("FAIL:\n  " + "\n  ".join(errors))
        sys.exit(1)
    print("ok: every verdict as expected, nothing left behind")


if __name__ == "__main__":
    main()
