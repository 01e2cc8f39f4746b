#!/usr/bin/env bash
# Runs the libFuzzer harnesses for longer than ctest does.
#   tests/fuzz/run.sh [-t SECONDS] [-b BUILD_DIR] [--update-corpus] [TARGET...]
# TARGET is spec, observe, report, assignment, patch, roster (default: all, one after another). The
# build directory (default build-fuzz) is configured and built with clang
# and GRADER_FUZZ=ON if needed. New inputs go to BUILD_DIR/tests/fuzz/new-*;
# --update-corpus merges the ones that add coverage into
# tests/fuzz/corpus/TARGET (minimised with -merge=1) for a commit.
# A crash leaves its input in BUILD_DIR/tests/fuzz/ and ends with status 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

seconds=600
build=build-fuzz
update=0
targets=()
while [ $# -gt 0 ]; do
	case "$1" in
	-t) seconds="$2"; shift 2 ;;
	-b) build="$2"; shift 2 ;;
	--update-corpus) update=1; shift ;;
	-h|--help) sed -n '2,10p' "$0"; exit 0 ;;
	*) targets+=("$1"); shift ;;
	esac
done
[ ${#targets[@]} -gt 0 ] || targets=(spec observe report assignment patch roster)

if [ ! -f "$build/CMakeCache.txt" ]; then
	CC=clang cmake -S . -B "$build" -DGRADER_FUZZ=ON >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/#/fuzz_}" >/dev/null

status=0
for t in "${targets[@]}"; do
	bin="$build/tests/fuzz/fuzz_$t"
	new="$build/tests/fuzz/new-$t"
	mkdir -p "$new"
	echo "== fuzz_$t: ${seconds}s"
	if ! (cd "$build/tests/fuzz" &&
	      "./fuzz_$t" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		"new-$t" "$root/tests/fuzz/corpus/$t" 2>"fuzz_$t.log"); then
		status=1
		echo "fuzz_$t found a problem: see $build/tests/fuzz/fuzz_$t.log"
	fi
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' \
		"$build/tests/fuzz/fuzz_$t.log" || true
	if [ "$update" = 1 ]; then
		"$bin" -merge=1 "tests/fuzz/corpus/$t" "$new" 2>/dev/null
	fi
done
exit $status
