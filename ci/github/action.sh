#!/usr/bin/env bash
# The steps of the GitHub Action (ci/github/action.yml), as a script that
# runs anywhere: the YAML only calls it.
#
#   action.sh prepare   install the Debian packages; print the install prefix
#                       and the cache key as step outputs
#   action.sh build     install the grader into $GRADER_PREFIX unless it is
#                       there (ci/install.sh: a clean build, cmake --install)
#   action.sh grade     run 'grader ci' with the action's inputs (INPUT_* below)
#
# The grader's source is this script's own checkout: the commit that the
# workflow's "uses: OWNER/grader/ci/github@<sha>" pins, downloaded by the
# runner outside the workspace. Nothing here reads the learner's repository
# except 'grader ci', which compiles and runs the learner's files sandboxed.
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)

out() { # out NAME VALUE: a step output (or stdout outside Actions)
	if [ -n "${GITHUB_OUTPUT:-}" ]; then
		printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
	else
		printf '%s=%s\n' "$1" "$2"
	fi
}

# The cache key: what the installed grader depends on. The source by content
# (not by ref name, which can move), the system and the compiler. Not the
# path: an installed prefix finds its exercises wherever it is restored.
cache_key() {
	local tree os cc
	tree=$(cd "$src" && find . \( -name 'build*' -o -name .git -o -name node_modules \
		-o -name .node \) -prune -o -type f -print0 | LC_ALL=C sort -z |
		xargs -0 sha256sum | sha256sum | cut -c1-32)
	# shellcheck disable=SC1091
	os=$( . /etc/os-release && echo "${ID:-linux}-${VERSION_ID:-0}")
	cc=$(cc --version 2>/dev/null | head -n1 | sha256sum | cut -c1-8)
	echo "grader-$os-$(uname -m)-$cc-$tree"
}

prepare() {
	"$src/ci/bootstrap.sh" --deps
	out prefix "${GRADER_PREFIX:-${RUNNER_TEMP:-/tmp}/grader}"
	out key "$(cache_key)"
}

build() {
	local prefix=${GRADER_PREFIX:?GRADER_PREFIX: the install prefix}
	if [ -x "$prefix/bin/grader" ] && "$prefix/bin/grader" --version >/dev/null 2>&1; then
		echo "grader: using the cached install in $prefix"
		return
	fi
	"$src/ci/install.sh" "$prefix"
}

grade() {
	local prefix=${GRADER_PREFIX:?GRADER_PREFIX: the install prefix}
	local ws=${GITHUB_WORKSPACE:-$PWD}
	local args=(ci --repo "$ws/${INPUT_REPOSITORY_PATH:-.}")
	cd "$ws"
	[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
	[ -n "${INPUT_MIN_SCORE:-}" ] && args+=(--min-score "$INPUT_MIN_SCORE")
	[ -n "${GRADER_REPORTS:-}" ] && args+=(--out "$GRADER_REPORTS")
	if [ -n "${INPUT_WEBHOOK_URL:-}" ]; then
		# A composite action cannot read secrets: the workflow maps the
		# secret into an environment variable of this name on the step.
		local name=${INPUT_WEBHOOK_SECRET_NAME:-GRADER_WEBHOOK_SECRET}
		if ! [[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
			echo "::error title=grader::webhook-secret-name is not a variable name"
			exit 2
		fi
		if [ -z "${!name:-}" ]; then
			echo "::error title=grader::webhook-url is set but \$$name is empty: map the" \
				"secret on the step (env: $name: \${{ secrets.$name }})"
			exit 2
		fi
		GRADER_WEBHOOK_SECRET=${!name}
		# Only the grader holds it, and it drops it from its environment.
		[ "$name" = GRADER_WEBHOOK_SECRET ] || unset "$name"
		export GRADER_WEBHOOK_SECRET
		args+=(--webhook "$INPUT_WEBHOOK_URL")
	fi
	exec "$prefix/bin/grader" "${args[@]}"
}

case "${1:-}" in
prepare) prepare ;;
build) build ;;
grade) grade ;;
*) echo "usage: $0 prepare|build|grade" >&2; exit 2 ;;
esac
