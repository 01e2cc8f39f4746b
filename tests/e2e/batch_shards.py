#!/usr/bin/env python3
"""The shard arithmetic of the ci/ recipes, run locally: each engine's
environment is mimicked (a Kubernetes Indexed Job's JOB_COMPLETION_INDEX,
a Slurm array's SLURM_ARRAY_* through a stand-in sbatch that runs
ci/slurm/submit.sh's tasks, a GitHub Actions matrix's values), the recipe's
own command runs with the real grader (with --list, so nothing is graded),
and every student must land in exactly one shard, for N = 1, 3 and 7.

usage: batch_shards.py GRADER SOURCE_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from batch_lib import check, read  # noqa: E402

FAKE_SBATCH = r'''#!/usr/bin/env python3
# A stand-in for sbatch: runs an array job's tasks one after the other with
# the variables Slurm sets, and only records a dependent job.
import os, subprocess, sys
args, env, array, script, deps = sys.argv[1:], dict(os.environ), None, None, None
rest = []
for a in args:
    if script is None and a.startswith("--array="):
        array = a.split("=", 1)[1]
    elif script is None and a.startswith("--export="):
        for kv in a.split("=", 1)[1].split(","):
            if "=" in kv:
                k, v = kv.split("=", 1)
                env[k] = v
    elif script is None and a.startswith("--dependency="):
        deps = a
    elif script is None and a.startswith("--"):
        pass
    elif script is None:
        script = a
    else:
        rest.append(a)
log = open(os.environ["FAKE_SBATCH_LOG"], "a")
jobid = str(1000 + sum(1 for _ in open(os.environ["FAKE_SBATCH_LOG"])))
if deps:
    log.write("dependent %s %s\n" % (deps, script))
    print(jobid)
    sys.exit(0)
lo, hi = (int(x) for x in array.split("-"))
for task in range(lo, hi + 1):
    e = dict(env, SLURM_JOB_ID=jobid, SLURM_ARRAY_JOB_ID=jobid, SLURM_ARRAY_TASK_ID=str(task),
             SLURM_ARRAY_TASK_MIN=str(lo), SLURM_ARRAY_TASK_MAX=str(hi),
             SLURM_ARRAY_TASK_COUNT=str(hi - lo + 1), SLURM_CPUS_PER_TASK="1",
             SLURM_SUBMIT_DIR=os.getcwd())
    p = subprocess.run(["bash", script] + rest, env=e, capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stderr)
        sys.exit(1)
    with open(os.environ["FAKE_SBATCH_OUT"], "a") as f:
        f.write(p.stdout)
    log.write("task %d\n" % task)
print(jobid)
'''


class Env:
    def __init__(self, grader, src, tmp):
        self.src, self.tmp = src, tmp
        self.cls = os.path.join(tmp, "class")
        self.res = os.path.join(tmp, "results")
        # The recipes run `grader batch ...`; this one adds --list.
        self.wrapper = os.path.join(tmp, "grader-list")
        with open(self.wrapper, "w") as f:
            f.write('#!/bin/sh\nexec "%s" "$@" --list\n' % grader)
        os.chmod(self.wrapper, 0o755)
        self.bin = os.path.join(tmp, "bin")
        os.mkdir(self.bin)
        sb = os.path.join(self.bin, "sbatch")
        with open(sb, "w") as f:
            f.write(FAKE_SBATCH)
        os.chmod(sb, 0o755)

    def base_env(self, **extra):
        e = {"PATH": self.bin + ":" + os.environ.get("PATH", "/usr/bin:/bin"),
             "HOME": self.tmp, "GRADER": self.wrapper}
        for k in ("GRADER_EXERCISES", "GRADER_CACHE_DIR", "TMPDIR"):
            if k in os.environ:
                e[k] = os.environ[k]
        e.update({k: str(v) for k, v in extra.items()})
        return e


def run_sh(cmd, env, cwd):
    p = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
    return p


def k8s(e, n):
    """The Indexed Job of ci/k8s/batch-job.yaml, with n completions."""
    y = read(os.path.join(e.src, "ci/k8s/batch-job.yaml"))
    comp = re.search(r"^\s*completions:\s*(\d+)", y, re.M).group(1)
    par = re.search(r"^\s*parallelism:\s*(\d+)", y, re.M).group(1)
    shards = re.search(r'name: GRADER_SHARDS\s*\n\s*value:\s*"(\d+)"', y).group(1)
    check(comp == par == shards, "batch-job.yaml: completions %s, parallelism %s, "
          "GRADER_SHARDS %s must agree" % (comp, par, shards))
    check(re.search(r"^\s*completionMode:\s*Indexed", y, re.M), "not an Indexed Job")
    cmd = json.loads(re.search(r"^\s*command:\s*(\[.*\])\s*$", y, re.M).group(1))
    workdir = re.search(r"^\s*workingDir:\s*(\S+)", y, re.M).group(1)
    check(workdir == "/opt/grader", "workingDir " + workdir)
    cmd = [c.replace("/class", e.cls).replace("/results", e.res) for c in cmd]
    out = []
    for i in range(n):
        p = run_sh(cmd, e.base_env(JOB_COMPLETION_INDEX=i, GRADER_SHARDS=n,
                                   KUBERNETES_SERVICE_HOST="10.0.0.1"), e.src)
        check(p.returncode == 0, "k8s index %d/%d: exit %d: %s" % (i, n, p.returncode, p.stderr))
        out.append(p.stdout.split("\n")[:-1])
    return out


def slurm(e, n):
    """ci/slurm/submit.sh CLASS OUT n, through the stand-in sbatch."""
    log, outf = os.path.join(e.tmp, "sbatch.log"), os.path.join(e.tmp, "sbatch.out")
    for f in (log, outf):
        open(f, "w").close()
    env = e.base_env(FAKE_SBATCH_LOG=log, FAKE_SBATCH_OUT=outf)
    p = run_sh(["bash", "ci/slurm/submit.sh", e.cls, e.res, str(n)], env, e.src)
    check(p.returncode == 0, "submit.sh %d: exit %d: %s" % (n, p.returncode, p.stderr))
    lines = read(log).splitlines()
    check(sum(1 for x in lines if x.startswith("task ")) == n, "tasks run: %s" % lines)
    check(any(x.startswith("dependent --dependency=afterok:") and "merge.sbatch" in x
              for x in lines), "no merge after the array: %s" % lines)
    # One list per task: split the concatenated output by re-running nothing;
    # the union is what matters, duplicates show up in it.
    return [read(outf).split("\n")[:-1]]


def slurm_one_based(e, n):
    """sbatch --array=1-n batch.sbatch without GRADER_SHARDS: MIN is subtracted."""
    out = []
    for task in range(1, n + 1):
        env = e.base_env(SLURM_ARRAY_JOB_ID=77, SLURM_ARRAY_TASK_ID=task,
                         SLURM_ARRAY_TASK_MIN=1, SLURM_ARRAY_TASK_MAX=n,
                         SLURM_ARRAY_TASK_COUNT=n, SLURM_CPUS_PER_TASK=1,
                         SLURM_SUBMIT_DIR=e.src)
        p = run_sh(["bash", "ci/slurm/batch.sbatch", e.cls, e.res], env, e.src)
        check(p.returncode == 0, "slurm task %d/%d: %s" % (task, n, p.stderr))
        out.append(p.stdout.split("\n")[:-1])
    return out


def github(e, n):
    """The matrix of ci/github/batch-matrix.yml, with n values."""
    y = read(os.path.join(e.src, "ci/github/batch-matrix.yml"))
    m = re.search(r"^\s*shard:\s*\[([0-9,\s]+)\]", y, re.M)
    check(m, "batch-matrix.yml: no matrix.shard list")
    values = [int(v) for v in m.group(1).split(",")]
    check(values == list(range(len(values))), "matrix.shard must be 0..N-1: %s" % values)
    check("GRADER_SHARD_INDEX: ${{ matrix.shard }}" in y and
          "GRADER_SHARDS: ${{ strategy.job-total }}" in y, "batch-matrix.yml: shard env")
    check("grader/ci/batch-shard.sh course/class shards" in y, "batch-matrix.yml: command")
    out = []
    for v in range(n):  # the workflow with its list cut or grown to n values
        p = run_sh(["bash", "ci/batch-shard.sh", e.cls, e.res, "-j", "1"],
                   e.base_env(GITHUB_ACTIONS="true", GRADER_SHARD_INDEX=v, GRADER_SHARDS=n),
                   e.src)
        check(p.returncode == 0, "github shard %d/%d: %s" % (v, n, p.stderr))
        out.append(p.stdout.split("\n")[:-1])
    return out


def main():
    grader, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    tmp = tempfile.mkdtemp(prefix="grader-shards-")
    try:
        e = Env(grader, src, tmp)
        os.mkdir(e.cls)
        with open(os.path.join(e.cls, "grader.json"), "w") as f:
            json.dump({"exercises": [{"id": "sort-users"}]}, f)
        names = ["s%03d" % i for i in range(53)] + ["Zoë", "a b", "x,y", "UPPER", "_u"]
        for nm in names:
            os.mkdir(os.path.join(e.cls, nm))
        p = subprocess.run([grader, "batch", e.cls, "--list"], capture_output=True, text=True)
        check(p.returncode == 0, "--list: " + p.stderr)
        everyone = p.stdout.split("\n")[:-1]
        check(sorted(everyone) == sorted(names), "--list of the class: %s" % everyone)
        for engine in (k8s, slurm, slurm_one_based, github):
            for n in (1, 3, 7):
                lists = engine(e, n)
                got = [s for lst in lists for s in lst]
                dups = sorted(set(s for s in got if got.count(s) > 1))
                check(not dups, "%s N=%d: in two shards: %s" % (engine.__name__, n, dups))
                check(sorted(got) == sorted(everyone), "%s N=%d: %d of %d students" %
                      (engine.__name__, n, len(set(got)), len(everyone)))
                if len(lists) > 1:
                    sizes = [len(x) for x in lists]
                    check(min(sizes) > 0, "%s N=%d: an empty shard %s" %
                          (engine.__name__, n, sizes))
        # Environments that name no valid shard are refused, never guessed.
        bad = [dict(JOB_COMPLETION_INDEX=7, GRADER_SHARDS=7), dict(JOB_COMPLETION_INDEX=0),
               dict(SLURM_ARRAY_TASK_ID=4, SLURM_ARRAY_TASK_MIN=0, SLURM_ARRAY_TASK_MAX=12,
                    SLURM_ARRAY_TASK_COUNT=7), dict(GRADER_SHARD_INDEX="x", GRADER_SHARDS=3),
               dict()]
        for extra in bad:
            p = run_sh(["bash", "ci/batch-shard.sh", e.cls, e.res], e.base_env(**extra), src)
            check(p.returncode == 2, "%s: exit %d, expected 2" % (extra, p.returncode))
        # submit.sh passes sbatch options after N, and refuses anything else
        # there before submitting a thing.
        log = os.path.join(tmp, "sbatch.log")
        for args in (["0"], ["3", "stray"], ["3", "-p"]):
            open(log, "w").close()
            p = run_sh(["bash", "ci/slurm/submit.sh", e.cls, e.res] + args,
                       e.base_env(FAKE_SBATCH_LOG=log, FAKE_SBATCH_OUT=log), src)
            check(p.returncode == 2 and not read(log),
                  "submit.sh %s: exit %d, expected 2 and no job" % (args, p.returncode))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("ok: shard arithmetic of the k8s, slurm and github recipes")


if __name__ == "__main__":
    main()
