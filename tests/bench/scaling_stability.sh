#!/usr/bin/env bash
# Is a scaling verdict stable on a loaded machine? Grades each fixture RUNS
# times while two busy loops load both cores, and counts the statuses of
# one scaling test. A correct O(1) cache must pass every time, an O(n) one
# must fail every time. Prints counts; the verdict is for a human to read.
#
# usage: [GRADER=path/to/grader] tests/bench/scaling_stability.sh [RUNS] [EXERCISE TEST FIXTURE...]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-20}
shift || true
if [ $# -lt 3 ]; then
	set -- lru-cache scale-million-ops passes-reference passes-second-design fails-linear-scan
fi
exercise=$1 test=$2
shift 2
grader=${GRADER:-build/grader}
[ -x "$grader" ] || { echo "build first: ci/bootstrap.sh"; exit 2; }

load_pids=()
stop_load() { for p in "${load_pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap stop_load EXIT
for _ in 1 2; do
	sh -c 'while :; do :; done' &
	load_pids+=($!)
done
echo "load: ${#load_pids[@]} busy loops (pids ${load_pids[*]}); $runs runs per fixture"

for fixture in "$@"; do
	declare -A count=()
	for ((i = 0; i < runs; i++)); do
		# Exit status 1 (a test failed) is an answer here, not an error.
		status=$( ("$grader" check "$exercise" "fixtures/$exercise/$fixture/submission.c" \
			--format json --seed $((1000 + i)) || true) |
			python3 -c "import json,sys; r=json.load(sys.stdin); print([t['status'] for t in r['tests'] if t['name']=='$test'][0])")
		count[$status]=$(( ${count[$status]:-0} + 1 ))
	done
	line="$fixture:"
	for s in "${!count[@]}"; do line+=" $s=${count[$s]}"; done
	echo "$line"
	unset count
done
