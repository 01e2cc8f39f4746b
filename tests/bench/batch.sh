#!/usr/bin/env bash
# Grading a class: a generated class of STUDENTS students (default 200),
# each a fixture of sort-users (correct, wrong, hostile, broken) made unique
# by a comment, so the result cache cannot share work between students.
# Prints submissions per second, CPU utilisation (the grader's and its
# sandboxes' CPU time over wall time x cores, and how often /proc/stat saw
# every core busy), then the time of a rerun of the unchanged class, which
# comes from the cache (target: under 2 s for 200 students).
#
# The timeout fixtures are left out: they spend seconds sleeping or
# burning a CPU limit, which measures the limits rather than the batch.
#
# usage: [GRADER=path/to/grader] tests/bench/batch.sh [STUDENTS] [JOBS]
set -euo pipefail
cd "$(dirname "$0")/../.."
students=${1:-200}
jobs=${2:-$(nproc)}
grader=${GRADER:-build/grader}
[ -x "$grader" ] || { echo "build first: ci/bootstrap.sh"; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GRADER_CACHE_DIR=$work/build-cache

fixtures=(passes-reference passes-qsort-with-index-tiebreak fails-ascending-score
	fails-name-descending fails-unstable-sort fails-overflowing-comparator
	fails-missing-scores-as-zero fails-case-insensitive-names fails-name-copy-truncated
	fails-exit0-fake-pass forbidden-fork fails-write-outside-scratch
	compile-error-include-passwd)
mkdir "$work/class"
echo '{"name": "bench", "exercises": [{"id": "sort-users"}]}' >"$work/class/grader.json"
for i in $(seq 1 "$students"); do
	d=$work/class/$(printf 'student%04d' "$i")
	mkdir "$d"
	fx=${fixtures[$(( (i - 1) % ${#fixtures[@]} ))]}
	{ cat "fixtures/sort-users/$fx/submission.c"; printf '\n/* student %d */\n' "$i"; } >"$d/sort_users.c"
done
# The reference and the driver are built once, outside the measurement.
"$grader" check sort-users exercises/sort-users/reference.c >/dev/null

python3 - "$grader" "$work/class" "$jobs" "$students" <<'PY'
import os, resource, subprocess, sys, threading, time

grader, cls, jobs, students = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ncpu = os.cpu_count()

def cpu_times():
    """Per-CPU (busy, total) jiffies from /proc/stat."""
    out = []
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("cpu") and line[3].isdigit():
                v = [int(x) for x in line.split()[1:]]
                idle = v[3] + v[4]
                out.append((sum(v) - idle, sum(v)))
    return out

samples, stop = [], threading.Event()
def sampler():
    prev = cpu_times()
    while not stop.wait(0.5):
        cur = cpu_times()
        samples.append([(b1 - b0) / max(1, t1 - t0) for (b0, t0), (b1, t1) in zip(prev, cur)])
        prev = cur

def run(label):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run([grader, "batch", cls, "-j", jobs, "-q"], capture_output=True, text=True)
    wall = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode not in (0, 1):
        sys.exit("%s: exit %d: %s" % (label, p.returncode, p.stderr))
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return wall, cpu, p.stdout.strip().splitlines()[0]

t = threading.Thread(target=sampler)
t.start()
wall, cpu, line = run("cold")
stop.set()
t.join()
print("class: %d students, -j %s, %d cores" % (students, jobs, ncpu))
print("cold:   %s" % line)
print("        %.1f s wall, %.2f submissions/s" % (wall, students / wall))
print("        CPU: %.1f s (grader and sandboxes) = %.0f%% of %d cores x wall" %
      (cpu, 100 * cpu / (wall * ncpu), ncpu))
if samples:
    all_busy = sum(1 for s in samples if min(s) >= 0.8) / len(samples)
    mean = sum(sum(s) / len(s) for s in samples) / len(samples)
    print("        /proc/stat (whole machine): mean %.0f%% busy; every core >= 80%% busy "
          "in %.0f%% of %d half-second samples" % (100 * mean, 100 * all_busy, len(samples)))
wall2, cpu2, line2 = run("cached")
print("cached: %s" % line2)
print("        rerun of the unchanged class: %.2f s (target: under 2 s)" % wall2)
PY
