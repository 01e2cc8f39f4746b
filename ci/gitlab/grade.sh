#!/usr/bin/env bash
# The script of the GitLab CI job in ci/gitlab/grader.gitlab-ci.yml: installs
# the grader from this checkout (the pinned GRADER_REF) into GRADER_PREFIX
# (ci/install.sh: a clean build, cmake --install) unless one is there, then
# runs 'grader ci' on the project with the installed grader. 'grader ci' sees
# GITLAB_CI=true and writes grader-reports/junit-<exercise>.xml,
# summary.md and summary.json in $CI_PROJECT_DIR, and a plain log.
#
# Variables: GRADER_MIN_SCORE ("12", "80%"), GRADER_CONFIG (default
# grader.json in the project), GRADER_WEBHOOK_URL with GRADER_WEBHOOK_SECRET
# (a masked, protected CI/CD variable), GRADER_PREFIX (default: install/ in
# this checkout).
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
prefix=${GRADER_PREFIX:-$src/install}

if ! [ -x "$prefix/bin/grader" ] || ! "$prefix/bin/grader" --version >/dev/null 2>&1; then
	"$src/ci/bootstrap.sh" --deps
	"$src/ci/install.sh" "$prefix"
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
exec "$prefix/bin/grader" "${args[@]}"
