#!/usr/bin/env bash
# What a class's outputs cost: a rerun of `grader batch` on a class whose
# results are all in the cache grades nothing, so its time is the scan,
# the cache reads and the writing of every output (grades.csv, summary.json,
# report.html, the LMS files, a page per student and per test, the regrade
# audit against the run already in OUT). This tree's grader beside an
# earlier commit's, on the same class, with hyperfine.
#
# The class: STUDENTS students (default 200), each with a sort-users and a
# fib-generator submission taken in turn from the fixtures that hold a
# submission.c (timeouts left out), so a few distinct files: each grader
# first grades a class of one student per distinct pair, which fills its
# cache, then the whole class once (from the cache), before the timing.
#
# The old grader is built from BASE (default: the merge-base with main) in
# a temporary directory (git archive), or taken from OLD_GRADER=path.
#
# usage: [BASE=rev] [OLD_GRADER=path] [RUNS=n] tests/bench/outputs.sh [STUDENTS]
set -euo pipefail
cd "$(dirname "$0")/../.."
students=${1:-200}
runs=${RUNS:-10}
new=${GRADER:-build/grader}
[ -x "$new" ] || { echo "build first: ci/bootstrap.sh"; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (ci/bootstrap.sh)"; exit 2; }
new=$(realpath "$new")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

old=${OLD_GRADER:-}
if [ -z "$old" ]; then
	base=${BASE:-$(git merge-base HEAD main)}
	echo "building the old grader from $(git rev-parse --short "$base")"
	mkdir "$work/old-src"
	git archive "$base" | tar -x -C "$work/old-src"
	cmake -S "$work/old-src" -B "$work/old-build" >/dev/null
	cmake --build "$work/old-build" --target grader -j"$(nproc)" >/dev/null
	old=$work/old-build/grader
fi
old=$(realpath "$old")

mapfile -t sorts < <(ls -d fixtures/sort-users/*/submission.c | grep -v /timeout-)
mapfile -t fibs < <(ls -d fixtures/fib-generator/*/submission.c | grep -v /timeout-)
mkdir "$work/class"
printf '{"name": "bench", "exercises": [{"id": "sort-users", "weight": 0.5}, {"id": "fib-generator"}]}\n' \
	>"$work/class/grader.json"
for ((i = 0; i < students; i++)); do
	d=$(printf '%s/class/student%04d' "$work" "$i")
	mkdir "$d"
	cp "${sorts[i % ${#sorts[@]}]}" "$d/sort_users.c"
	cp "${fibs[i % ${#fibs[@]}]}" "$d/fib_generator.c"
done
echo "class: $students students, ${#sorts[@]} + ${#fibs[@]} distinct submissions"
distinct=$((${#sorts[@]} > ${#fibs[@]} ? ${#sorts[@]} : ${#fibs[@]}))
mkdir "$work/seed"
cp "$work/class/grader.json" "$work/seed/"
for ((i = 0; i < distinct && i < students; i++)); do
	cp -r "$(printf '%s/class/student%04d' "$work" "$i")" "$work/seed/"
done

for g in old new; do
	exe=$old
	[ $g = new ] && exe=$new
	echo "warming $g: grading $distinct students, then the class from the cache"
	"$exe" batch "$work/seed" --out "$work/seed-$g" --cache "$work/cache-$g" -q >/dev/null || true
	"$exe" batch "$work/class" --out "$work/out-$g" --cache "$work/cache-$g" -q >/dev/null || true
done

# Exit status 1 is the class's (some student failed), not the run's: -i.
hyperfine -i --warmup 1 --runs "$runs" -N \
	-n "old: cached rerun" "$old batch $work/class --out $work/out-old --cache $work/cache-old -q" \
	-n "new: cached rerun" "$new batch $work/class --out $work/out-new --cache $work/cache-new -q"

for g in old new; do
	printf '%s output: %s files, %s\n' "$g" "$(find "$work/out-$g" -type f | wc -l)" \
		"$(du -sh "$work/out-$g" | cut -f1)"
done
