#!/usr/bin/env bash
# SHA-256 and HMAC-SHA256 through grader/digest.c (libcrypto): figures, no
# assertions. Median wall time of RUNS runs over a SIZE MiB file of random
# bytes, and the throughput it gives, for: the file streamed in 64 KiB
# blocks (sha256_update_file, as spec and driver files are hashed); the
# file read into memory and hashed in one call (sha256_hex, as submissions
# and cache keys are); HMAC-SHA256 of it (as a webhook body is signed); and
# `openssl dgst -sha256`, the same library behind its own tool, for scale.
# Reading the file is part of every figure.
#
# usage: [DIGEST_TOOL=build/tests/digest_tool] tests/bench/digest.sh [RUNS] [SIZE_MIB]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-9}
size=${2:-256}
tool=${DIGEST_TOOL:-build/tests/digest_tool}
[ -x "$tool" ] || { echo "build first: cmake --build build --target digest_tool"; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -c $((size << 20)) /dev/urandom >"$tmp/data"
printf 'a webhook secret' >"$tmp/key"

median_ms() { # median_ms COMMAND...: median wall time of RUNS runs, in ms
	local i t0 t1
	for ((i = 0; i < runs; i++)); do
		t0=$(date +%s%N)
		"$@" >/dev/null || { echo "failed: $*" >&2; exit 1; }
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000))
	done | sort -n | awk '{a[NR] = $1} END {printf "%.1f", a[int((NR + 1) / 2)] / 1000}'
}

cat "$tmp/data" >/dev/null # in the page cache for every run
printf '%-34s %10s %10s\n' "$size MiB, median of $runs" "ms" "MiB/s"
row() { # row LABEL COMMAND...
	local label=$1 ms
	shift
	ms=$(median_ms "$@")
	awk -v l="$label" -v ms="$ms" -v mib="$size" 'BEGIN {printf "%-34s %10s %10.0f\n", l, ms, mib * 1000 / ms}'
}
row "sha256, streamed (64 KiB blocks)" "$tool" sha256 "$tmp/data"
row "sha256, in memory, one call" "$tool" sha256-chunks "$tmp/data" 0
row "hmac-sha256, in memory" "$tool" hmac "$tmp/key" "$tmp/data"
row "openssl dgst -sha256" openssl dgst -sha256 "$tmp/data"
