#!/usr/bin/env bash
# The script of the GitLab CI job in ci/gitlab/grader.gitlab-ci.yml: builds
# the grader from this checkout (the pinned GRADER_REF) unless GRADER_BUILD
# already holds one, then runs 'grader ci' on the project. 'grader ci' sees
# GITLAB_CI=true and writes grader-reports/junit-<exercise>.xml,
# summary.md and summary.json in $CI_PROJECT_DIR, and a plain log.
#
# Variables: GRADER_MIN_SCORE ("12", "80%"), GRADER_CONFIG (default
# grader.json in the project), GRADER_WEBHOOK_URL with GRADER_WEBHOOK_SECRET
# (a masked, protected CI/CD variable), GRADER_BUILD.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${GRADER_BUILD:-$src/build-gitlab}

if ! [ -x "$build/grader" ] || ! "$build/grader" --version >/dev/null 2>&1; then
	"$src/ci/bootstrap.sh" --deps
	cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$build" --target grader -j"$(nproc)"
fi

args=(ci)
[ -n "${GRADER_CONFIG:-}" ] && args+=(--config "$GRADER_CONFIG")
[ -n "${GRADER_MIN_SCORE:-}" ] && args+=(--min-score "$GRADER_MIN_SCORE")
if [ -n "${GRADER_WEBHOOK_URL:-}" ]; then
	if [ -z "${GRADER_WEBHOOK_SECRET:-}" ]; then
		echo "grade.sh: GRADER_WEBHOOK_URL is set but GRADER_WEBHOOK_SECRET is empty" \
			"(it is given only to pipelines of protected branches)" >&2
		exit 2
	fi
	args+=(--webhook "$GRADER_WEBHOOK_URL")
fi
cd "${CI_PROJECT_DIR:-.}"
exec "$build/grader" "${args[@]}"
