#!/usr/bin/env bash
# Submits a class to Slurm: an array of N shard tasks, then the merge once
# every task has succeeded. Run from the grader's checkout (build/grader
# built, on a file system the compute nodes share).
#   ci/slurm/submit.sh CLASS_DIR OUT_ROOT [N]      (N: shards, default 7)
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: ci/slurm/submit.sh CLASS_DIR OUT_ROOT [N]" >&2; exit 2; }
n=${3:-7}
[[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "submit.sh: N must be a positive number" >&2; exit 2; }
job=$(sbatch --parsable --array="0-$((n - 1))" --export="ALL,GRADER_SHARDS=$n" \
	ci/slurm/batch.sbatch "$1" "$2")
job=${job%%;*}
merge=$(sbatch --parsable --dependency="afterok:$job" ci/slurm/merge.sbatch "$2")
echo "grading: array job $job ($n shards); merge: job $merge -> $2/gradebook"
