#!/usr/bin/env bash
# Reports and webhook deliveries: figures, no assertions.
#
# 1. The cost of writing every report format: median wall time of
#    'grader check' with --format json alone, then with all seven formats
#    (six of them into files), RUNS times each, on a submission whose tests
#    are quick (so the reports are a visible share of the run).
# 2. Webhook throughput on loopback: COUNT spooled reports (copies of one
#    real report under fresh delivery ids) sent by one 'grader deliver' to
#    tests/e2e/webhook_server.py, which verifies every signature; prints
#    deliveries per second and the mean time per delivery.
#
# usage: [GRADER=path/to/grader] tests/bench/reports.sh [RUNS] [COUNT]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-10}
count=${2:-200}
grader=${GRADER:-build/grader}
[ -x "$grader" ] || { echo "build first: ci/bootstrap.sh"; exit 2; }
tmp=$(mktemp -d)
server=
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
sub=$tmp/submission.c
python3 tests/fixture_source.py "$grader" sort-users fixtures/sort-users/fails-ascending-score >"$sub"

median_ms() { # median_ms COMMAND...: median wall time of RUNS runs, in ms
	local i t0 t1
	for ((i = 0; i < runs; i++)); do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000))
	done | sort -n | awk '{a[NR] = $1} END {printf "%.1f", a[int((NR + 1) / 2)] / 1000}'
}

"$grader" check sort-users "$sub" --format json >/dev/null || true # warm the cache
one=$(median_ms "$grader" check sort-users "$sub" --seed 1 --format json)
all=$(median_ms "$grader" check sort-users "$sub" --seed 1 --format github \
	--report "human=$tmp/r.txt" --report "json=$tmp/r.json" --report "junit=$tmp/r.xml" \
	--report "tap=$tmp/r.tap" --report "gradescope=$tmp/results.json" \
	--report "markdown=$tmp/r.md")
echo "check, json only:        $one ms (median of $runs)"
echo "check, all 7 formats:    $all ms (median of $runs)"

export WEBHOOK_SECRET=bench-secret GRADER_WEBHOOK_SECRET=bench-secret
echo '[]' >"$tmp/script.json"
python3 tests/e2e/webhook_server.py --port-file "$tmp/port" --log "$tmp/log.jsonl" \
	--script "$tmp/script.json" --lifetime 600 &
server=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port")
"$grader" check sort-users "$sub" --report "json=$tmp/report.json" >/dev/null || true
mkdir -p "$tmp/spool"
python3 - "$tmp/report.json" "$tmp/spool" "$port" "$count" <<'PY'
import json, os, sys, uuid
report, spool, port, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rep = json.load(open(report))
for _ in range(count):
    rep["receipt"]["delivery_id"] = str(uuid.uuid4())
    body = json.dumps(rep, indent="\t").encode()
    head = ("grader-spool 1\nid %s\nurl http://127.0.0.1:%s/hook\ncreated x\nlength %d\n\n"
            % (rep["receipt"]["delivery_id"], port, len(body))).encode()
    with open(os.path.join(spool, rep["receipt"]["delivery_id"] + ".report"), "wb") as f:
        f.write(head + body)
PY
t0=$(date +%s%N)
GRADER_SPOOL_DIR=$tmp/spool "$grader" deliver >"$tmp/deliver.out" || true
t1=$(date +%s%N)
ok=$(grep -c '^delivered ' "$tmp/deliver.out" || true)
verified=$(grep -c '"signature_ok": true' "$tmp/log.jsonl" || true)
awk -v n="$ok" -v v="$verified" -v ns=$((t1 - t0)) -v c="$count" 'BEGIN {
	s = ns / 1e9
	printf "deliver: %d of %d delivered (%d signatures verified) in %.2f s: %.0f/s, %.1f ms each\n",
		n, c, v, s, n / s, s * 1000 / (n ? n : 1)
}'
