#!/usr/bin/env bash
# What a hostile submission costs to grade, next to a plain one, side by side:
# 50,000 directories (stopped at the scratch tmpfs's inode limit) and a disk
# fill (stopped at its size) against the sort-users reference. Target: at
# most 2x. Prints hyperfine's means and ratios; asserts nothing.
#
# usage: tests/bench/hostile.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-10}
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)"; exit 2; }
[ -x build/grader ] || { echo "build first: ci/bootstrap.sh"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GRADER_CACHE_DIR=$work/cache
check="build/grader check sort-users --seed 4242"
# Exit status 1 (a failed test) is not an error here: -i.
hyperfine -N -i -w 2 -r "$runs" \
	-n plain "$check exercises/sort-users/reference.c" \
	-n 50k-directories "$check fixtures/hostile/passes-50k-directories/submission.c" \
	-n fills-scratch "$check fixtures/hostile/passes-fills-scratch/submission.c"
