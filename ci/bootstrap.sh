#!/usr/bin/env bash
# The README's first command: installs what is missing (Debian 12 packages,
# as root or through sudo), builds build/grader, and grades a sample.
#   ci/bootstrap.sh            everything
#   ci/bootstrap.sh --deps     only the packages
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(gcc libc6-dev make cmake pkg-config libseccomp-dev libcjson-dev
	libcurl4-openssl-dev libssl-dev libelf-dev libdw-dev python3 procps
	clang libclang-rt-14-dev # clang + libFuzzer/sanitizer runtimes: ci/sanitize.sh, tests/fuzz
	libxml2-utils python3-yaml shellcheck nodejs # grader ci's tests and ci/github/lint.sh
	python3-jsonschema perl openssl # report tests: json schema, junit xsd (xmllint), prove, TLS webhook, openssl dgst
	chromium # grader batch's report.html, opened headless by tests/e2e/batch_html.py
	dpkg-dev file lintian man-db groff-base # cpack -G DEB and lintian (tests/e2e/install.py), man (tests/docs/man_pages.py)
	slurmctld slurmd slurm-client munge # tests/e2e/slurm.py: a one-node cluster of its own
	mold # the memory check's link (grader/build.c pick_linker)
	hyperfine) # tests/bench/*.sh
# npm installs the linters and the tests' npm tools (below, not with --deps);
# Debian's nodejs leaves it to a package of its own, other builds of nodejs
# bring it.
[ "${1:-}" = "--deps" ] || command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}"
	sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ "${1:-}" = "--deps" ] && exit 0
ci/github/lint.sh --install # the linters, octokit and tap-parser, pinned, into ci/.node

werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
cmake -S . -B build -DGRADER_WERROR=$werror >/dev/null
cmake --build build -j"$(nproc)"
echo
echo "grading a sample: the reference solution of sort-users"
build/grader check sort-users exercises/sort-users/reference.c
