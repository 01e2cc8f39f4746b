#!/usr/bin/env bash
# The whole test suite again, with the grader built under AddressSanitizer
# and UndefinedBehaviorSanitizer (GRADER_SANITIZE=ON): any report of either
# fails the test that triggered it. Then, with clang, the libFuzzer
# harnesses (GRADER_FUZZ=ON) and their short runs (ctest -L fuzz).
#   ci/sanitize.sh                 both
#   ci/sanitize.sh --no-fuzz       the sanitizer suite only
# Build directories: build-asan and build-fuzz (override with
# SANITIZE_BUILD and FUZZ_BUILD). Packages: ci/bootstrap.sh --deps.
set -euo pipefail
cd "$(dirname "$0")/.."

asan=${SANITIZE_BUILD:-build-asan}
fuzz=${FUZZ_BUILD:-build-fuzz}
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON

# Abort at the first report, with a stack; leaks are errors too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

echo "== the test suite under ASan and UBSan ($asan)"
cmake -S . -B "$asan" -DGRADER_SANITIZE=ON -DGRADER_WERROR=$werror >/dev/null
cmake --build "$asan" -j"$(nproc)" >/dev/null
ctest --test-dir "$asan" --output-on-failure -j2

[ "${1:-}" = "--no-fuzz" ] && exit 0
if ! command -v clang >/dev/null; then
	echo "clang is not installed: skipping the fuzzers (ci/bootstrap.sh installs it)"
	exit 0
fi
echo "== the fuzzers' short runs ($fuzz)"
CC=clang cmake -S . -B "$fuzz" -DGRADER_FUZZ=ON -DGRADER_WERROR=$werror >/dev/null
cmake --build "$fuzz" -j"$(nproc)" >/dev/null
ctest --test-dir "$fuzz" --output-on-failure -j2 -L fuzz
