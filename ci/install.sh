#!/usr/bin/env bash
# Installs the grader from this checkout, for the CI recipes and images:
# builds it in a temporary directory (Release, without the tests), then
#   ci/install.sh PREFIX       cmake --install into PREFIX: PREFIX/bin/grader,
#                              its exercises and driver headers in
#                              PREFIX/share/grader (a prefix can be moved)
#   ci/install.sh --deb DIR    cpack -G DEB: DIR/grader_<version>_<arch>.deb,
#                              for 'apt install ./grader_*.deb'
# and removes the build: nothing runs from a build tree. Needs the build
# dependencies (ci/bootstrap.sh --deps), and dpkg-dev and file for --deb.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)

deb=
if [ "${1:-}" = "--deb" ]; then
	deb=1
	shift
fi
[ $# -eq 1 ] || { echo "usage: ci/install.sh PREFIX | ci/install.sh --deb DIR" >&2; exit 2; }
dest=$1
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

build=$(mktemp -d "${TMPDIR:-/tmp}/grader-build.XXXXXX")
trap 'rm -rf "$build"' EXIT
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DGRADER_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)"
if [ -n "$deb" ]; then
	(cd "$build" && cpack -G DEB -B "$build/package" >/dev/null)
	cp "$build"/package/grader_*.deb "$dest/"
	ls "$dest"/grader_*.deb
else
	cmake --install "$build" --prefix "$dest" >/dev/null
	"$dest/bin/grader" --version
fi
