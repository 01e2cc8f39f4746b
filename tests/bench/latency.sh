#!/usr/bin/env bash
# The latency budget of `grader check`: how long a learner waits.
#
# Grades every fixture of every exercise (fixtures/<exercise>/*/: its
# submission.c, or the known mistake it names), one at a time, RUNS times each
# (default 3), and right beside each grading a bare `gcc -O2 -c` of the
# same file (the least any feedback can cost). Per exercise it prints the
# median, p90 and worst of the grading's wall time (each fixture's median
# over its runs) and of its ratio to the bare compile of the same file.
# Target: median <= 4x the bare compile, worst <= 10x.
#
# The memory check (the passed tests rerun under ASan and UBSan) is part of
# a default grading; each fixture is also graded with --no-sanitize right
# beside, and the last columns give that median and the check's share.
#
# Fixtures whose grading stops a test at a time limit are listed apart,
# with that test's limit and runs: their time is the limit they run into
# (CPU or idle; a scaling test's limit, tried three times before a timeout
# stands, so that a noisy machine cannot fail a correct program), which no
# speed-up of the grader may shorten. Which ones they are is read from a
# json report of the same grading (a test with status "timeout"), not
# from their names.
# The build cache (driver objects, references, known mistakes) is warmed
# first, as on any machine that graded once.
#
# usage: [GRADER=path] tests/bench/latency.sh [RUNS] [EXERCISE...]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
shift || true
grader=${GRADER:-build/grader}
[ -x "$grader" ] || { echo "build first: ci/bootstrap.sh"; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GRADER_CACHE_DIR=$work/cache

python3 - "$grader" "$work" "$runs" "$@" <<'PY'
import glob, json, os, re, statistics, subprocess, sys, time

sys.path.insert(0, "tests")
import fixture_source

grader, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
exercises = sys.argv[4:] or sorted(
    d for d in os.listdir("fixtures") if os.path.isdir(os.path.join("exercises", d)))

def wall(cmd, cwd=None):
    t0 = time.monotonic()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
    return time.monotonic() - t0

def timed_out(cmd):
    """The tests a grading stopped at a time limit: (name, limit ms, runs)."""
    p = subprocess.run(cmd + ["--format", "json"], capture_output=True, text=True)
    try:
        tests = json.loads(p.stdout)["tests"]
    except (ValueError, KeyError):
        return []
    out = []
    for t in tests:
        if t["status"] == "timeout":
            m = re.search(r"ran (\d+) times", t.get("message", ""))
            out.append((t["name"], t.get("limit_ms") or 0, int(m.group(1)) if m else 1))
    return out

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

print("%d run%s per fixture, %d cores; wall seconds, and the ratio to a bare gcc -O2 -c"
      % (runs, "" if runs == 1 else "s", os.cpu_count()))
print("%-14s %3s | %6s %6s %6s | %6s | %7s %7s %7s | %7s %6s" %
      ("exercise", "n", "median", "p90", "worst", "bare", "x med", "x p90", "x worst",
       "no-san", "check"))
slow = []
for ex in exercises:
    subs = [fixture_source.submission(grader, os.path.dirname(e), ex, work)
            for e in sorted(glob.glob(os.path.join("fixtures", ex, "*", "expect.json")))]
    if not subs:
        continue
    inc = "-I" + os.path.join("exercises", ex)
    # Warm the build cache: a correct and a wrong submission build everything.
    for s in subs[:1] + [os.path.join("exercises", ex, "reference.c")]:
        wall([grader, "check", ex, s, "--seed", "1"])
    rows = []
    for s in subs:
        name = os.path.basename(os.path.dirname(s))
        g, b, n = [], [], []
        for _ in range(runs):
            b.append(wall(["gcc", "-O2", inc, "-c", s, "-o", os.path.join(work, "bare.o")]))
            g.append(wall([grader, "check", ex, s, "--seed", "1"]))
            n.append(wall([grader, "check", ex, s, "--seed", "1", "--no-sanitize"]))
        gm, bm, nm = statistics.median(g), statistics.median(b), statistics.median(n)
        limited = timed_out([grader, "check", ex, s, "--seed", "1"])
        if limited:
            slow.append((ex, name, gm, bm, limited))
        else:
            rows.append((name, gm, bm, gm / bm, nm))
    times = [r[1] for r in rows]
    ratios = [r[3] for r in rows]
    worst = max(rows, key=lambda r: r[1])
    nosan = statistics.median(r[4] for r in rows)
    print("%-14s %3d | %6.2f %6.2f %6.2f | %6.3f | %6.1fx %6.1fx %6.1fx | %7.2f %+5.0f%%"
          "   worst: %s" %
          (ex, len(rows), statistics.median(times), pct(times, 90), max(times),
           statistics.median(r[2] for r in rows), statistics.median(ratios), pct(ratios, 90),
           max(ratios), nosan, 100 * (statistics.median(times) / nosan - 1), worst[0]))
if slow:
    print("stopped at a time limit (their time is the limit they hit):")
    for ex, name, gm, bm, limited in slow:
        groups = {}
        for t, ms, runs in limited:
            groups.setdefault((ms, runs), []).append(t)
        print("  %-14s %-30s %6.2f s (%5.1fx)   %s" % (
            ex, name, gm, gm / bm, "; ".join(
                "%s: %.0f ms CPU x %d run%s" % (
                    ts[0] if len(ts) == 1 else "%d tests" % len(ts), ms, runs,
                    "" if runs == 1 else "s")
                for (ms, runs), ts in groups.items())))
PY
