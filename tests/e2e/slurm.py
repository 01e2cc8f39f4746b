#!/usr/bin/env python3
"""ci/slurm/ on a real Slurm cluster of one node, started by this test.

usage: slurm.py GRADER SOURCE_DIR

munged, slurmctld and slurmd run in the foreground as this process's
children, from a slurm.conf written into a temporary directory: loopback
ports chosen free at run time, the node's CPUs and memory as `slurmd -C`
reads them from the machine, state, spool, logs, pid files and munge's key
and socket in the temporary directory; nothing of a system Slurm or munge
is read or touched. The class (4 students, 6 submissions from the fixtures)
is submitted through ci/slurm/submit.sh: an array of 3 shard tasks and the
merge job that depends on it (afterok). Once the merge has run (bounded
wait), its gradebook must equal a single `grader batch` of the same class
byte for byte (grades.csv, tests.csv, summary.json but its run object,
batch.json, report.html); each json report must equal the single run's
except what is measured (times, memory, the receipt), and byte for byte
the report a single run gives from the shards' caches.

Every daemon is stopped by its pid (TERM, then KILL), also when the test
fails; the daemons die with this process if it is killed (PR_SET_PDEATHSIG),
and, this process being a child subreaper, slurmstepd and job processes
that outlive their parents come back to it: none may be left. A daemon that
cannot start (no name resolving to loopback, a port taken, a bad key) fails
the test with the tail of its log. Exits 77 only when not root: slurmd runs
jobs as their owner, which takes root (CI runs as root).
"""
import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from batch_lib import comparable, expect, fail, make_class, read, run, same_gradebook  # noqa: E402

SHARDS = 3
JOB_BOUND = 180  # seconds for the array and the merge to finish
START_BOUND = 30  # seconds for each daemon to answer
STOP_BOUND = 15  # seconds between TERM and KILL
ALARM = 480  # seconds before the test gives up and cleans up (ctest: 600)

# Distinct bytes in every submission (a shared cache entry would make two
# students' reports carry one receipt); one missing student. Names chosen
# so that each of the 3 shards has a student (alice 2, dave 1, erin and judy 0).
STUDENTS = {
    "alice": ("passes-reference", "passes-reference"),
    "dave": ("fails-ascending-score", "fails-off-by-one"),
    "erin": ("compile-error-include-passwd", "passes-fixed-table"),
    "judy": (None, None),
}
# Reasons a pending job gives when it will never run on this cluster.
STUCK = {"PartitionConfig", "PartitionNodeLimit", "PartitionTimeLimit", "BadConstraints",
         "DependencyNeverSatisfied", "JobHeldAdmin", "JobHeldUser"}
MEASURED = ("time_ms", "memory_kb", "reference_ms", "limit_ms", "wall_ms", "receipt")
TOOLS = ("munged", "mungekey", "munge", "unmunge", "slurmctld", "slurmd", "sbatch",
         "scontrol", "sinfo", "squeue", "scancel")

PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36
libc = ctypes.CDLL(None, use_errno=True)


def die_with_parent():
    """In the child before exec: SIGKILL when the test process goes."""
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class Cluster:
    def __init__(self, tmp):
        self.tmp = tmp
        self.daemons = []  # (name, Popen, log path)
        self.conf = os.path.join(tmp, "slurm.conf")
        self.sock = os.path.join(tmp, "munge", "munge.sock")
        self.env = dict(os.environ, SLURM_CONF=self.conf)
        for k in [k for k in self.env if k.startswith(("SLURM_", "SBATCH_", "SQUEUE_"))]:
            if k != "SLURM_CONF":
                del self.env[k]

    def log_tail(self, path, n=25):
        try:
            lines = read(path).splitlines()
        except OSError as e:
            return "(no log: %s)" % e
        return "\n".join("    " + x for x in lines[-n:])

    def start(self, name, argv, log):
        out = open(os.path.join(self.tmp, name + ".out"), "w")
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, env=self.env, cwd=self.tmp,
                             preexec_fn=die_with_parent)
        out.close()
        self.daemons.append((name, p, log))
        return p

    def cannot(self, name, why):
        """Fails the test with why and the daemon's own words."""
        msg = "slurm cannot start: %s: %s" % (name, why)
        for n, p, log in self.daemons:
            if n == name:
                out = os.path.join(self.tmp, n + ".out")
                msg += "\n  %s (pid %d, %s), its output:\n%s" % (
                    n, p.pid, "running" if p.poll() is None else "exit %s" % p.returncode,
                    self.log_tail(out))
                # The daemons copy their log to their output in the foreground.
                if log and os.path.exists(log) and os.path.getsize(out) < 200:
                    msg += "\n  %s:\n%s" % (os.path.basename(log), self.log_tail(log))
        fail(msg)

    def wait_ready(self, name, ready):
        proc = [p for n, p, _ in self.daemons if n == name][0]
        end = time.monotonic() + START_BOUND
        why = "did not answer in %d s" % START_BOUND
        while time.monotonic() < end:
            if proc.poll() is not None:
                why = "exited early (status %s)" % proc.returncode
                break
            if ready():
                return
            time.sleep(0.2)
        self.cannot(name, why)

    def q(self, *argv, timeout=20):
        return subprocess.run(list(argv), env=self.env, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)

    def cancel_jobs(self):
        """Cancels what is still queued or running (after a failure), so that
        no slurmstepd outlives slurmd."""
        if not any(n == "slurmd" and p.poll() is None for n, p, _ in self.daemons):
            return
        ids = self.q("squeue", "--noheader", "--format", "%i").stdout.split()
        if ids:
            self.q("scancel", "--full", *ids)
            end = time.monotonic() + STOP_BOUND
            while time.monotonic() < end and self.q("squeue", "--noheader").stdout.strip():
                time.sleep(0.2)

    def stop(self):
        """TERM then KILL, by pid, in the reverse order of starting."""
        try:
            self.cancel_jobs()
        except (OSError, subprocess.SubprocessError) as e:
            print("slurm: scancel: %s" % e)
        for name, p, _ in reversed(self.daemons):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=STOP_BOUND)
                except subprocess.TimeoutExpired:
                    print("slurm: %s (pid %d) still there %d s after SIGTERM: SIGKILL" %
                          (name, p.pid, STOP_BOUND))
                    p.kill()
                    p.wait(timeout=STOP_BOUND)
        self.daemons = []


def loopback_name():
    """This host's name when it resolves to loopback, else localhost."""
    for name in (socket.gethostname().split(".")[0], "localhost"):
        try:
            addrs = {a[4][0] for a in socket.getaddrinfo(name, None, socket.AF_INET)}
        except socket.gaierror:
            continue
        if addrs and all(a.startswith("127.") for a in addrs):
            return name
    fail("slurm cannot start: neither %r nor 'localhost' resolves to 127.0.0.0/8 only "
         "(/etc/hosts)" % socket.gethostname())


def free_ports(n):
    """n distinct loopback ports that nothing listens on now, on any address."""
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def node_hardware():
    """CPUs, sockets, cores, threads and memory as slurmd reads them."""
    p = subprocess.run(["slurmd", "-C"], capture_output=True, text=True, timeout=30,
                       env=dict(os.environ, SLURM_CONF="/nonexistent"))
    fields = dict(re.findall(r"(\w+)=(\S+)", p.stdout))
    keys = ("CPUs", "Boards", "SocketsPerBoard", "CoresPerSocket", "ThreadsPerCore", "RealMemory")
    if p.returncode != 0 or any(k not in fields for k in keys):
        fail("slurmd -C: exit %d: %s%s" % (p.returncode, p.stdout, p.stderr))
    return " ".join("%s=%s" % (k, fields[k]) for k in keys)


def write_conf(c, node, hw, ctld_port, slurmd_port):
    t = c.tmp
    for d in ("state", "spool", "logs"):
        os.mkdir(os.path.join(t, d))
    conf = """\
# A one-node cluster for tests/e2e/slurm.py: everything on loopback and in
# this directory.
ClusterName=gradertest
SlurmctldHost={node}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={sock}
StateSaveLocation={t}/state
SlurmdSpoolDir={t}/spool
SlurmctldPidFile={t}/slurmctld.pid
SlurmdPidFile={t}/slurmd.pid
SlurmctldLogFile={t}/slurmctld.log
SlurmdLogFile={t}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
MailProg=/bin/true
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName={node} NodeAddr=127.0.0.1 {hw} State=UNKNOWN
PartitionName=grader Nodes={node} Default=YES MaxTime=INFINITE State=UP
""".format(node=node, ctld_port=ctld_port, slurmd_port=slurmd_port, sock=c.sock, t=t, hw=hw)
    with open(c.conf, "w") as f:
        f.write(conf)


def start_cluster(c, node):
    t = c.tmp
    # munged wants its socket's directory searchable by all, its key private.
    mdir = os.path.join(t, "munge")
    os.mkdir(mdir, 0o755)
    key = os.path.join(mdir, "munge.key")
    p = subprocess.run(["mungekey", "--create", "--keyfile", key], capture_output=True,
                       text=True, timeout=30)
    if p.returncode != 0:
        fail("mungekey: exit %d: %s" % (p.returncode, p.stderr))
    mlog = os.path.join(mdir, "munged.log")
    c.start("munged", ["munged", "--foreground", "--socket", c.sock, "--key-file", key,
                       "--log-file", mlog, "--pid-file", os.path.join(mdir, "munged.pid"),
                       "--seed-file", os.path.join(mdir, "munged.seed")], mlog)

    def munge_ok():
        m = subprocess.run(["munge", "--socket", c.sock, "--no-input"], capture_output=True,
                           timeout=10)
        if m.returncode != 0:
            return False
        u = subprocess.run(["unmunge", "--socket", c.sock], input=m.stdout,
                           capture_output=True, timeout=10)
        return u.returncode == 0
    c.wait_ready("munged", munge_ok)

    c.start("slurmctld", ["slurmctld", "-D", "-f", c.conf],
            os.path.join(t, "slurmctld.log"))
    c.wait_ready("slurmctld", lambda: c.q("scontrol", "ping").returncode == 0 and
                 "is UP" in c.q("scontrol", "ping").stdout)

    c.start("slurmd", ["slurmd", "-D", "-f", c.conf, "-N", node],
            os.path.join(t, "slurmd.log"))

    def node_idle():
        s = c.q("sinfo", "--noheader", "--nodes", node, "--format", "%T")
        return s.returncode == 0 and s.stdout.strip() == "idle"
    c.wait_ready("slurmd", node_idle)


def listening(pid):
    """The local addresses of the TCP sockets pid listens on."""
    inodes = set()
    fd_dir = "/proc/%d/fd" % pid
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue
        m = re.match(r"socket:\[(\d+)\]", target)
        if m:
            inodes.add(m.group(1))
    found = []
    for table, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
        try:
            lines = read(table).splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if f[3] != "0A" or f[9] not in inodes:  # 0A: LISTEN
                continue
            addr, port = f[1].split(":")
            if v6:
                raw = bytes.fromhex(addr)
                raw = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                ip = socket.inet_ntop(socket.AF_INET6, raw)
            else:
                ip = socket.inet_ntoa(bytes.fromhex(addr)[::-1])
            found.append((ip, int(port, 16)))
    return found


def check_loopback(c, ports):
    for name, p, _ in c.daemons:
        socks = listening(p.pid)
        for ip, port in socks:
            if not (ip.startswith("127.") or ip == "::1"):
                fail("%s listens on %s:%d, not loopback" % (name, ip, port))
        if name != "munged":
            want = ports[name]
            if (("127.0.0.1", want) not in socks):
                fail("%s does not listen on 127.0.0.1:%d: %s" % (name, want, socks))


def job_fields(c, jobid):
    """scontrol's one-line record of each job (an array gives one per task)."""
    p = c.q("scontrol", "--oneliner", "show", "job", str(jobid))
    if p.returncode != 0:
        return []
    jobs = []
    for line in p.stdout.splitlines():
        if line.strip():
            jobs.append(dict(re.findall(r"(\w+)=(\S*)", line)))
    return jobs


def cluster_report(c, jobs):
    out = []
    for j in jobs:
        for rec in job_fields(c, j):
            out.append("  job %s: %s %s exit %s dependency %s" % (
                rec.get("JobId"), rec.get("JobState"), rec.get("Reason"), rec.get("ExitCode"),
                rec.get("Dependency")))
    logs = os.path.join(c.tmp, "logs")
    for f in sorted(os.listdir(logs)):
        out.append("  %s:\n%s" % (f, c.log_tail(os.path.join(logs, f), 15)))
    out.append("  slurmctld.log:\n" + c.log_tail(os.path.join(c.tmp, "slurmctld.log"), 15))
    out.append("  slurmd.log:\n" + c.log_tail(os.path.join(c.tmp, "slurmd.log"), 15))
    return "\n".join(out)


def submit_and_wait(c, grader, src, cls, results):
    """ci/slurm/submit.sh CLASS RESULTS 3, sized for this node; returns the
    array's and the merge's job ids once the merge has completed."""
    env = dict(c.env, GRADER=grader)
    logs = os.path.join(c.tmp, "logs")
    p = subprocess.run(["bash", "ci/slurm/submit.sh", cls, results, str(SHARDS),
                        "--cpus-per-task=1", "--mem=1G", "--time=10",
                        "--output=%s/%%x-%%j.log" % logs],
                       cwd=src, env=env, capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    expect(p, 0, "ci/slurm/submit.sh")
    m = re.search(r"array job (\d+) \((\d+) shards\); merge: job (\d+) -> (.*)/gradebook$",
                  p.stdout.strip())
    if not m or m.group(2) != str(SHARDS) or m.group(4) != results:
        fail("submit.sh said: " + p.stdout + p.stderr)
    array, merge = m.group(1), m.group(3)

    dep = job_fields(c, merge)
    if not dep or not dep[0].get("Dependency", "").startswith("afterok:%s_*" % array):
        fail("the merge does not wait for the array (afterok): %s" % dep)

    end = time.monotonic() + JOB_BOUND
    while True:
        tasks, mj = job_fields(c, array), job_fields(c, merge)
        states = [t.get("JobState") for t in tasks] + [j.get("JobState") for j in mj]
        bad = [s for s in states if s in ("FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL",
                                          "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE")]
        stuck = sorted({j.get("Reason") for j in tasks + mj} & STUCK)
        if bad or stuck:
            fail("a job %s (%s):\n%s" % ("failed" if bad else "can never run", bad or stuck,
                                         cluster_report(c, [array, merge])))
        if mj and mj[0].get("JobState") == "COMPLETED":
            break
        if time.monotonic() > end:
            fail("the jobs did not finish in %d s:\n%s" % (JOB_BOUND,
                                                          cluster_report(c, [array, merge])))
        time.sleep(0.5)

    tasks = job_fields(c, array)
    ids = sorted(int(t["ArrayTaskId"]) for t in tasks)
    if ids != list(range(SHARDS)):
        fail("array tasks %s, expected 0..%d" % (ids, SHARDS - 1))
    for t in tasks:
        if t.get("JobState") != "COMPLETED" or t.get("ExitCode") != "0:0":
            fail("task %s: %s exit %s" % (t.get("ArrayTaskId"), t.get("JobState"),
                                          t.get("ExitCode")))
    merge_start = job_fields(c, merge)[0]["StartTime"]
    last_end = max(t["EndTime"] for t in tasks)
    if merge_start < last_end:  # ISO times compare as strings
        fail("the merge started at %s, before the last task ended (%s)" %
             (merge_start, last_end))
    # Each task graded its own shard (batch-shard.sh says which).
    seen = []
    for t in tasks:
        log = read(os.path.join(logs, "grader-batch-%s.log" % t["JobId"]))
        m = re.search(r"batch-shard: slurm job array: shard (\d+) of (\d+)", log)
        g = re.search(r"^graded (\d+) students?", log, re.M)
        if not m or m.group(2) != str(SHARDS) or not g or g.group(1) == "0":
            fail("task %s graded no shard of %d students: %s" %
                 (t["ArrayTaskId"], SHARDS, log[-2000:]))
        seen.append(int(m.group(1)))
    if sorted(seen) != list(range(SHARDS)):
        fail("shards graded: %s" % sorted(seen))
    return array, merge


def without_measures(v):
    if isinstance(v, dict):
        return {k: without_measures(x) for k, x in v.items() if k not in MEASURED}
    if isinstance(v, list):
        return [without_measures(x) for x in v]
    return v


def reports(out):
    found = {}
    root = os.path.join(out, "reports")
    for d, _, files in os.walk(root):
        for f in files:
            found[os.path.relpath(os.path.join(d, f), root)] = read(os.path.join(d, f))
    return found


def compare(grader, cls, results, tmp):
    merged = os.path.join(results, "gradebook")
    single = os.path.join(tmp, "single")
    p = run(grader, "batch", cls, "--out", single, "-j", "2", "-q")
    expect(p, 1, "the single batch")
    same_gradebook(single, merged, "the Slurm run vs a single grader batch")
    if read(os.path.join(single, "report.html")) != read(os.path.join(merged, "report.html")):
        fail("report.html differs between the Slurm run and a single grader batch")
    want_rows = len(STUDENTS)
    rows = comparable(merged)["grades.csv"].splitlines()[1:]
    if len(rows) != want_rows:
        fail("the merged grades.csv has %d rows, expected %d" % (len(rows), want_rows))

    a, b = reports(single), reports(merged)
    if sorted(a) != sorted(b) or len(a) != 6:
        fail("reports: single run %s, Slurm run %s" % (sorted(a), sorted(b)))
    for name in a:
        if without_measures(json.loads(a[name])) != without_measures(json.loads(b[name])):
            fail("reports/%s differs beyond its measures" % name)

    # A single run from the shards' caches: every report byte for byte.
    union = os.path.join(tmp, "union-cache")
    for k in range(SHARDS):
        shard_cache = os.path.join(results, "shard-%d" % k, "cache")
        if os.path.isdir(shard_cache):
            shutil.copytree(shard_cache, union, dirs_exist_ok=True)
    replay = os.path.join(tmp, "replay")
    p = run(grader, "batch", cls, "--out", replay, "--cache", union, "-q")
    expect(p, 1, "the single batch from the shards' caches")
    if "6 submissions, 6 from the cache" not in p.stdout:
        fail("the shards' caches do not hold the class: " + p.stdout)
    same_gradebook(replay, merged, "the Slurm run vs a single batch from its caches")
    c = reports(replay)
    for name in c:
        if c[name] != b[name]:
            fail("reports/%s: the Slurm run's differs from the single run's" % name)


def leftovers(tmp, kill):
    """Processes left: our children (slurmstepd and job processes re-parent
    to us) and any process naming the temporary directory; with kill, our
    children among them are killed."""
    me, found = os.getpid(), []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == me:
            continue
        try:
            stat = read("/proc/%s/stat" % pid)
            cmd = read("/proc/%s/cmdline" % pid).replace("\0", " ").strip()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        state = stat.rsplit(")", 1)[1].split()[0]
        if state == "Z" and ppid == me:
            try:
                os.waitpid(int(pid), os.WNOHANG)
            except ChildProcessError:
                pass
            continue
        if ppid == me or tmp in cmd:
            found.append("%s: %s" % (pid, cmd or stat[:60]))
            if kill and ppid == me:  # ours to end: reported, then killed
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
    return found


def main():
    grader, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if os.geteuid() != 0:
        print("skipped: slurmd runs each job as its owner and needs root for that; "
              "run this test as root (CI does)")
        sys.exit(77)
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        fail("not installed: %s (ci/bootstrap.sh --deps installs slurmctld, slurmd, "
             "slurm-client and munge)" % " ".join(missing))
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        fail("prctl(PR_SET_CHILD_SUBREAPER): errno %d" % ctypes.get_errno())
    # A TERM, or our own bound, runs the cleanup below before ctest's
    # TIMEOUT (600 s) would kill this process alone.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("FAIL: killed by SIGTERM"))
    signal.signal(signal.SIGALRM, lambda *_: sys.exit("FAIL: over %d s" % ALARM))
    signal.alarm(ALARM)

    tmp = tempfile.mkdtemp(prefix="grader-slurm-")
    os.chmod(tmp, 0o755)  # munged: its socket's path must be searchable by all
    c = Cluster(tmp)
    ok = False
    try:
        node = loopback_name()
        hw = node_hardware()
        ctld_port, slurmd_port = free_ports(2)
        write_conf(c, node, hw, ctld_port, slurmd_port)
        start_cluster(c, node)
        check_loopback(c, {"slurmctld": ctld_port, "slurmd": slurmd_port})
        print("slurm: node %s (%s), slurmctld on 127.0.0.1:%d, slurmd on 127.0.0.1:%d" %
              (node, hw, ctld_port, slurmd_port), flush=True)

        cls = make_class(grader, src, os.path.join(tmp, "class"), students=STUDENTS)
        results = os.path.join(tmp, "results")
        t0 = time.monotonic()
        array, merge = submit_and_wait(c, grader, src, cls, results)
        print("slurm: array job %s (%d tasks) and merge job %s completed in %.1f s" %
              (array, SHARDS, merge, time.monotonic() - t0), flush=True)
        compare(grader, cls, results, tmp)
        ok = True
    finally:
        signal.alarm(0)
        c.stop()
        end = time.monotonic() + 5  # a slurmstepd may still be exiting
        while leftovers(tmp, False) and time.monotonic() < end:
            time.sleep(0.2)
        procs = leftovers(tmp, True)
        shutil.rmtree(tmp, ignore_errors=True)
        if procs:
            fail("processes left after stopping the cluster:\n  " + "\n  ".join(procs))
    if ok:
        print("ok: ci/slurm/submit.sh on a real Slurm: %d shards and the merge give the "
              "single run's gradebook; no daemon left" % SHARDS)


if __name__ == "__main__":
    main()
