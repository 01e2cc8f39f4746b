#!/usr/bin/env bash
# Grading a class, this tree's grader against an earlier commit's, side by
# side in one run on the same generated class.
#
# The class: STUDENTS students (default 30), each with one submission per
# exercise of EXERCISES (default: sort-users lru-cache user-registry), taken
# in turn from the exercise's fixtures (mostly wrong ones, as a real class)
# and made unique by a comment, so the result cache could not share work
# between students (it is off anyway: --no-cache). The timeout fixtures are
# left out: they measure the limits rather than the batch.
#
# The old grader is built from BASE (default: the merge-base with main, or
# HEAD~1 when HEAD is on main) in a temporary `git worktree`, or taken from
# OLD_GRADER=path. Both binaries get their own build cache, warmed before
# the measurement (driver objects, references, known mistakes). Each round
# grades the class with both, in alternating order; the table gives the
# medians over ROUNDS rounds (default 1) of wall time, submissions per
# second and CPU seconds (the grader and its sandboxes) per submission.
# Last, the gradebooks must be identical: every student's score and status
# (grades.csv) and every test's status, score and hint in every report.
#
# NEW_FLAGS adds options to the new grader's `grader batch`: an old grader
# from before the memory check is compared fairly with
# NEW_FLAGS=--no-sanitize (the same work, and the same gradebook).
#
# usage: [BASE=rev] [OLD_GRADER=path] [ROUNDS=n] [EXERCISES="a b"] [NEW_FLAGS=...]
#        tests/bench/batch.sh [STUDENTS] [JOBS]
set -euo pipefail
cd "$(dirname "$0")/../.."
students=${1:-30}
jobs=${2:-$(nproc)}
rounds=${ROUNDS:-1}
exercises=${EXERCISES:-sort-users lru-cache user-registry}
new=${GRADER:-build/grader}
[ -x "$new" ] || { echo "build first: ci/bootstrap.sh"; exit 2; }
new=$(realpath "$new")

work=$(mktemp -d)
cleanup() {
	if [ -d "$work/old-src" ]; then
		git worktree remove --force "$work/old-src" >/dev/null 2>&1 || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

old=${OLD_GRADER:-}
if [ -z "$old" ]; then
	base=${BASE:-$(git merge-base HEAD main 2>/dev/null || git rev-parse HEAD~1)}
	[ "$(git rev-parse "$base")" = "$(git rev-parse HEAD)" ] && base=HEAD~1
	echo "building the old grader from $(git rev-parse --short "$base") ($(git log -1 --format=%s "$base" | cut -c1-60))"
	git worktree add --detach "$work/old-src" "$base" >/dev/null 2>&1
	cmake -S "$work/old-src" -B "$work/old-build" >/dev/null
	cmake --build "$work/old-build" --target grader -j"$(nproc)" >/dev/null
	old=$work/old-build/grader
fi
old=$(realpath "$old")

mkdir "$work/class"
{
	printf '{"name": "bench", "exercises": ['
	sep=
	for ex in $exercises; do printf '%s{"id": "%s"}' "$sep" "$ex"; sep=', '; done
	printf ']}\n'
} >"$work/class/grader.json"
for ex in $exercises; do
	mapfile -t fx < <(ls fixtures/"$ex" | grep -v '^timeout-')
	for i in $(seq 1 "$students"); do
		d=$work/class/$(printf 'student%04d' "$i")
		mkdir -p "$d"
		f=${fx[$(( (i - 1) % ${#fx[@]} ))]}
		{ python3 tests/fixture_source.py "$new" "$ex" "fixtures/$ex/$f"
		  printf '\n/* student %d */\n' "$i"; } >"$d/${ex//-/_}.c"
	done
done

# Builds outside the measurement: drivers, references and known mistakes.
for name in old new; do
	bin=$old
	[ $name = new ] && bin=$new
	for ex in $exercises; do
		wrong=$(ls fixtures/"$ex" | grep '^fails-' | head -1)
		python3 tests/fixture_source.py "$new" "$ex" "fixtures/$ex/$wrong" >"$work/wrong.c"
		for s in exercises/"$ex"/reference.c "$work/wrong.c"; do
			GRADER_CACHE_DIR=$work/cache-$name "$bin" check "$ex" "$s" >/dev/null 2>&1 || true
		done
	done
done

python3 - "$old" "$new" "$work" "$jobs" "$students" "$rounds" "${NEW_FLAGS:-}" <<'PY'
import csv, glob, json, os, resource, statistics, subprocess, sys, time

old, new, work, jobs, students, rounds, new_flags = sys.argv[1:8]
students, rounds = int(students), int(rounds)
cls = os.path.join(work, "class")
nsub = sum(1 for _ in glob.glob(os.path.join(cls, "*", "*.c")))

def run(name, binary, rnd):
    out = os.path.join(work, "out-%s-%d" % (name, rnd))
    env = dict(os.environ, GRADER_CACHE_DIR=os.path.join(work, "cache-" + name))
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    extra = new_flags.split() if name == "new" else []
    p = subprocess.run([binary, "batch", cls, "--no-cache", "--out", out, "-j", jobs, "-q"] + extra,
                       capture_output=True, text=True, env=env)
    wall = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode not in (0, 1):
        sys.exit("%s: exit %d: %s" % (name, p.returncode, p.stderr))
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return wall, cpu, out

res = {"old": [], "new": []}
for rnd in range(rounds):
    order = [("old", old), ("new", new)] if rnd % 2 == 0 else [("new", new), ("old", old)]
    for name, binary in order:
        res[name].append(run(name, binary, rnd))

print("class: %d students x %d exercises = %d submissions, -j %s, %d cores, %d round%s%s"
      % (students, nsub // max(1, students), nsub, jobs, os.cpu_count(), rounds,
         "" if rounds == 1 else "s", "; new with " + new_flags if new_flags else ""))
print("%-5s %10s %12s %14s" % ("", "wall s", "subs/s", "CPU s/sub"))
med = {}
for name in ("old", "new"):
    wall = statistics.median(r[0] for r in res[name])
    cpu = statistics.median(r[1] for r in res[name])
    med[name] = (wall, cpu)
    print("%-5s %10.1f %12.2f %14.2f" % (name, wall, nsub / wall, cpu / nsub))
print("new/old: wall %.2fx, CPU per submission %.2fx"
      % (med["new"][0] / med["old"][0], med["new"][1] / med["old"][1]))

def gradebook(out):
    rows = {}
    with open(os.path.join(out, "grades.csv")) as f:
        for row in csv.DictReader(f):
            rows[row["student"]] = (row["score"], row["max_score"], row["status"])
    tests = {}
    for path in sorted(glob.glob(os.path.join(out, "reports", "*", "*.json"))):
        r = json.load(open(path))
        key = os.path.relpath(path, out)
        tests[key] = [(t["name"], t["status"], t["score"], t.get("hint", ""))
                      for t in r.get("tests", [])]
    return rows, tests

a, b = gradebook(res["old"][0][2]), gradebook(res["new"][0][2])
diffs = [k for k in sorted(set(a[0]) | set(b[0])) if a[0].get(k) != b[0].get(k)]
diffs += [k for k in sorted(set(a[1]) | set(b[1])) if a[1].get(k) != b[1].get(k)]
if diffs:
    print("gradebooks DIFFER (%d): %s" % (len(diffs), ", ".join(diffs[:10])))
    for k in diffs[:3]:
        src = 0 if k in a[0] or k in b[0] else 1
        print("  old %s: %s" % (k, a[src].get(k)))
        print("  new %s: %s" % (k, b[src].get(k)))
    # What changed, test by test: a verdict changed on purpose shows here.
    changes = {}
    for k in sorted(set(a[1]) | set(b[1])):
        old_t = {t[0]: t for t in a[1].get(k, [])}
        new_t = {t[0]: t for t in b[1].get(k, [])}
        for name in sorted(set(old_t) | set(new_t)):
            o, n = old_t.get(name), new_t.get(name)
            if o == n:
                continue
            what = "hint" if o and n and o[1] == n[1] else "%s -> %s" % (
                o[1] if o else "-", n[1] if n else "-")
            ex = os.path.basename(k).rsplit(".", 1)[0]
            changes.setdefault((ex, name, what), []).append(k.split(os.sep)[1])
    print("per test (exercise, test, change: students):")
    for (ex, name, what), who in sorted(changes.items()):
        print("  %-14s %-28s %-26s %d: %s" % (ex, name, what, len(who), " ".join(who[:4])))
    sys.exit(1)
print("gradebooks identical: %d students, %d reports (scores, statuses, hints)"
      % (len(a[0]), len(a[1])))
PY
