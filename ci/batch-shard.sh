#!/usr/bin/env bash
# Grades this job's shard of a class: works out K/N from the environment of
# the engine running it, then runs
#   grader batch CLASS_DIR --shard K/N --out OUT_ROOT/shard-K [options]
# Afterwards one job runs: grader merge GRADEBOOK OUT_ROOT/shard-*
#
# usage: ci/batch-shard.sh CLASS_DIR OUT_ROOT [grader batch options...]
#
# Where K and N come from (the first that is set wins):
#   Kubernetes Indexed Job   K = $JOB_COMPLETION_INDEX (0-based),
#                            N = $GRADER_SHARDS (set it to .spec.completions)
#   Slurm job array          K = $SLURM_ARRAY_TASK_ID - $SLURM_ARRAY_TASK_MIN,
#                            N = $SLURM_ARRAY_TASK_COUNT (a contiguous --array=A-B);
#                            with $GRADER_SHARDS set: K = $SLURM_ARRAY_TASK_ID,
#                            N = $GRADER_SHARDS (to rerun one task: --array=3)
#   anything else, e.g. a GitHub Actions matrix
#                            K = $GRADER_SHARD_INDEX (0-based), N = $GRADER_SHARDS
# The grader binary is $GRADER, else `grader` on PATH. Exits 2 when the
# environment names no valid shard.
set -euo pipefail

die() {
	echo "batch-shard: $*" >&2
	exit 2
}

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

[ $# -ge 2 ] || die "usage: ci/batch-shard.sh CLASS_DIR OUT_ROOT [grader batch options...]"
class=$1
out_root=$2
shift 2

if [ -n "${JOB_COMPLETION_INDEX:-}" ]; then
	engine="kubernetes indexed job"
	k=$JOB_COMPLETION_INDEX
	n=${GRADER_SHARDS:-}
elif [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
	engine="slurm job array"
	is_uint "$SLURM_ARRAY_TASK_ID" || die "SLURM_ARRAY_TASK_ID '$SLURM_ARRAY_TASK_ID' is not a number"
	if [ -n "${GRADER_SHARDS:-}" ]; then
		# Told the count: the task id is the shard (--array=3 reruns shard 3).
		k=$SLURM_ARRAY_TASK_ID
		n=$GRADER_SHARDS
	else
		min=${SLURM_ARRAY_TASK_MIN:-0}
		n=${SLURM_ARRAY_TASK_COUNT:-}
		is_uint "$min" || die "SLURM_ARRAY_TASK_MIN '$min' is not a number"
		k=$((SLURM_ARRAY_TASK_ID - min))
		max=${SLURM_ARRAY_TASK_MAX:-}
		if is_uint "$max" && is_uint "${n:-x}" && [ $((max - min + 1)) -ne "$n" ]; then
			die "the array is not contiguous (--array=$min-$max with $n tasks): use --array=0-$((n - 1))"
		fi
	fi
elif [ -n "${GRADER_SHARD_INDEX:-}" ]; then
	engine="GRADER_SHARD_INDEX"
	k=$GRADER_SHARD_INDEX
	n=${GRADER_SHARDS:-}
else
	die "no shard in the environment: set JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or GRADER_SHARD_INDEX"
fi
is_uint "$k" || die "$engine: shard index '$k' is not a number"
is_uint "${n:-x}" || die "$engine: shard count '${n:-}' is not a number (set GRADER_SHARDS)"
if [ "$n" -lt 1 ] || [ "$k" -ge "$n" ]; then
	die "$engine: shard $k is not in 0..$((n - 1))"
fi

echo "batch-shard: $engine: shard $k of $n" >&2
exec "${GRADER:-grader}" batch "$class" --shard "$k/$n" --out "$out_root/shard-$k" "$@"
