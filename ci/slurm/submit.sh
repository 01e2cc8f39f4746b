#!/usr/bin/env bash
# Submits a class to Slurm: an array of N shard tasks, then the merge once
# every task has succeeded. Run from the grader's checkout (build/grader
# built, on a file system the compute nodes share).
#   ci/slurm/submit.sh CLASS_DIR OUT_ROOT [N [SBATCH_OPTION...]]
# N: shards, default 7. Each SBATCH_OPTION goes to both sbatch commands and
# wins over the scripts' #SBATCH lines: --partition=..., --account=..., and
# on nodes smaller than batch.sbatch asks for (4 CPUs, 8G) --cpus-per-task=...
# and --mem=...
set -euo pipefail
usage="usage: ci/slurm/submit.sh CLASS_DIR OUT_ROOT [N [SBATCH_OPTION...]]"
[ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
class=$1
out_root=$2
n=${3:-7}
shift $(($# < 3 ? $# : 3))
[[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "submit.sh: N must be a positive number" >&2; exit 2; }
for opt in "$@"; do
	[[ "$opt" == --?* ]] || { echo "submit.sh: '$opt' is not an sbatch option (--name=value)" >&2; exit 2; }
done
job=$(sbatch --parsable "$@" --array="0-$((n - 1))" --export="ALL,GRADER_SHARDS=$n" \
	ci/slurm/batch.sbatch "$class" "$out_root")
job=${job%%;*}
merge=$(sbatch --parsable "$@" --dependency="afterok:$job" ci/slurm/merge.sbatch "$out_root")
merge=${merge%%;*}
echo "grading: array job $job ($n shards); merge: job $merge -> $out_root/gradebook"
