#!/usr/bin/env bash
# Is a scaling verdict stable on a loaded machine? On a scaling test with
# factor 6 (lru-cache scale-500k-ops), a submission 4x slower than the
# reference must pass every time and one 20x slower must fail every time.
#
# The slow submissions are the reference itself with a calibrated spin in
# every operation: calibrated first on the machine as it is, then graded
# RUNS times each while two busy loops (started here, stopped by pid) load
# both cores. Prints the statuses, the slowdowns measured and the limits
# enforced; exits 1 when a verdict was not the expected one every time.
#
# usage: [GRADER=path/to/grader] tests/bench/scaling_stability.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-20}
exercise=lru-cache test=scale-500k-ops
grader=${GRADER:-build/grader}
[ -x "$grader" ] || { echo "build first: ci/bootstrap.sh"; exit 2; }

work=$(mktemp -d)
load_pids=()
stop_load() {
	for p in "${load_pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap stop_load EXIT

# The reference's functions (its source pasted in), renamed, behind a spin
# of $1 iterations per call.
slow_submission() {
	cat > "$work/slow-$1.c" <<EOF
#define lru_create ref_lru_create
#define lru_get ref_lru_get
#define lru_put ref_lru_put
#define lru_remove ref_lru_remove
#define lru_size ref_lru_size
#define lru_destroy ref_lru_destroy
EOF
	cat "exercises/$exercise/reference.c" >> "$work/slow-$1.c"
	cat >> "$work/slow-$1.c" <<EOF
#undef lru_create
#undef lru_get
#undef lru_put
#undef lru_remove
#undef lru_size
#undef lru_destroy

static volatile unsigned long sink;

static void spin(void)
{
	for (unsigned long i = 0; i < $1UL; i++)
		sink += i;
}

lru_cache *lru_create(size_t capacity) { return ref_lru_create(capacity); }
bool lru_get(lru_cache *c, int key, int *value) { spin(); return ref_lru_get(c, key, value); }
void lru_put(lru_cache *c, int key, int value) { spin(); ref_lru_put(c, key, value); }
bool lru_remove(lru_cache *c, int key) { spin(); return ref_lru_remove(c, key); }
size_t lru_size(const lru_cache *c) { return ref_lru_size(c); }
void lru_destroy(lru_cache *c) { ref_lru_destroy(c); }
EOF
	echo "$work/slow-$1.c"
}

# "status cpu_ms reference_ms limit_ms" of the test, one grading.
grade_once() {
	local sub=$1 seed=$2
	shift 2
	("$grader" check "$exercise" "$sub" --format json --seed "$seed" "$@" || true) |
		python3 -c "
import json, sys
r = json.load(sys.stdin)
t = [t for t in r['tests'] if t['name'] == '$test'][0]
print(t['status'], t['time_ms'], t['reference_ms'], t['limit_ms'])"
}

# Calibration, on a copy of the exercise whose factor is 100 (so that a
# slow submission runs to its end): the slowdown grows with the spin, not
# quite linearly, so each target is approached in a few proportional steps.
mkdir "$work/exercises"
cp -r "exercises/$exercise" "$work/exercises/"
python3 - "$work/exercises/$exercise/spec.json" "$test" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
for t in spec["tests"]:
    if t["name"] == sys.argv[2]:
        t["scaling"]["factor"] = 100
json.dump(spec, open(sys.argv[1], "w"))
PY
ratio_of() {
	local best=1000
	for seed in 1 2 3; do
		read -r st cpu ref lim < <(grade_once "$(slow_submission "$1")" $seed \
			--exercises "$work/exercises")
		best=$(python3 -c "print(min($best, $cpu / $ref))")
	done
	echo "$best"
}
calibrate() { # TARGET: prints a spin that gives about TARGET x
	local target=$1 spin=200 r k
	for k in 1 2 3 4 5; do
		r=$(ratio_of "$spin")
		echo "  spin $spin -> ${r}x (target ${target}x)" >&2
		python3 -c "import sys; sys.exit(abs($r - $target) / $target < 0.08)" || break
		spin=$(python3 -c "print(max(1, int($spin * ($target - 1) / max(0.05, $r - 1))))")
	done
	echo "$spin"
}
spin4=$(calibrate 4)
spin20=$(calibrate 20)
echo "calibrated (unloaded, best of 3): spin $spin4 for 4x, spin $spin20 for 20x"
for _ in 1 2; do
	sh -c 'while :; do :; done' &
	load_pids+=($!)
done
echo "load: ${#load_pids[@]} busy loops (pids ${load_pids[*]}); $runs runs each"

bad=0
for want in "4 passed" "20 failing"; do
	read -r slow expect <<<"$want"
	spin=$([ "$slow" = 4 ] && echo "$spin4" || echo "$spin20")
	sub=$(slow_submission "$spin")
	declare -A count=()
	limits=""
	for ((i = 0; i < runs; i++)); do
		read -r st cpu ref lim < <(grade_once "$sub" $((1000 + i)))
		count[$st]=$((${count[$st]:-0} + 1))
		limits+=" $lim"
		if [ "$expect" = passed ] && [ "$st" != passed ]; then bad=1; fi
		if [ "$expect" = failing ] && [ "$st" = passed ]; then bad=1; fi
	done
	line="${slow}x slower:"
	for s in "${!count[@]}"; do line+=" $s=${count[$s]}"; done
	echo "$line"
	echo "  limits enforced (ms):$limits"
	unset count
done
[ $bad = 0 ] && echo "ok: 4x passed every time, 20x failed every time" ||
	echo "FAIL: a verdict changed between runs"
exit $bad
