#!/usr/bin/env bash
# Where the build of one submission goes.
#
# Builds the submission the way `grader check` does (same flags, same
# cached driver object), unsandboxed, and times each step side by side in
# one run with hyperfine: the compile alone (cc1 + as: `gcc -O2 -c`), the
# link alone with each linker installed (ld.bfd, gold, mold), and the
# compile and link in one command as the grader runs it. Then the memory
# check's link (the sanitizers' static runtimes) with gold and with mold,
# as grader/build.c runs mold (one thread, no fork). Last, `gcc -time`
# splits one build into its passes (user + system CPU seconds).
#
# usage: tests/bench/build.sh [EXERCISE] [SUBMISSION] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
exercise=${1:-sort-users}
submission=${2:-exercises/$exercise/reference.c}
runs=${3:-20}
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)"; exit 2; }
[ -x build/grader ] || { echo "build first: ci/bootstrap.sh"; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GRADER_CACHE_DIR=$work/cache
build/grader check "$exercise" "$submission" --seed 1 >/dev/null || true

eval "$(python3 - "$exercise" "$work" <<'PY'
import glob, json, os, shlex, sys
ex, work = sys.argv[1:3]
spec = json.load(open(os.path.join("exercises", ex, "spec.json")))
obj = glob.glob(os.path.join(work, "cache", "driver-%s-*" % ex))[0]
sobj = glob.glob(os.path.join(work, "cache", "driver-sanitized-%s-*" % ex))[0]
hdr = spec.get("header", ex.replace("-", "_") + ".h")
link = ["-static"] if spec.get("static", not spec.get("libs")) else []
if spec.get("accounting"):
    link.append("-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,"
                "--wrap=strdup,--wrap=strndup,--wrap=aligned_alloc,--wrap=posix_memalign,"
                "--wrap=memalign,--wrap=valloc,--wrap=pvalloc,--wrap=reallocarray,"
                "--wrap=getline,--wrap=getdelim,--wrap=asprintf,--wrap=vasprintf,"
                "--wrap=realpath,--wrap=getcwd")
libs = ["-lcjson"] if spec.get("libs") else []
print("obj=%s" % shlex.quote(obj))
print("sobj=%s" % shlex.quote(sobj))
print("slink=%s" % shlex.quote(" ".join([l for l in link if l != "-static"] + ["-lm"] + libs)))
print("hdr=%s" % shlex.quote(os.path.join("exercises", ex, hdr)))
print("link=%s" % shlex.quote(" ".join(link + ["-lm"] + libs)))
PY
)"
mkdir -p "$work/b/include"
cp "$hdr" "$work/b/include/"
cp "$submission" "$work/b/s.c"
cp "$obj" "$work/b/driver.o"
cp "$sobj" "$work/b/driver-sanitized.o"
cd "$work/b"
cflags="-std=c11 -D_POSIX_C_SOURCE=200809L -O2 -pipe -Wall -Wextra -fdiagnostics-color=never -fmax-errors=20 -Iinclude"
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-sanitize=object-size,nonnull-attribute"
gcc $cflags -c s.c -o s.o
gcc ${cflags/-O2/-O1} $san -c s.c -o s-sanitized.o

cmds=(-n "compile (gcc -O2 -c)" "gcc $cflags -c s.c -o s.o"
      -n "link, ld.bfd" "gcc s.o driver.o -o p -fuse-ld=bfd $link")
command -v ld.gold >/dev/null && cmds+=(-n "link, gold" "gcc s.o driver.o -o p -fuse-ld=gold $link")
command -v ld.mold >/dev/null &&
	cmds+=(-n "link, mold" "gcc s.o driver.o -o p -fuse-ld=mold -Wl,--no-fork,--threads=1 $link")
cmds+=(-n "compile + link, ld.bfd" "gcc $cflags s.c driver.o -o p -fuse-ld=bfd $link")
command -v ld.gold >/dev/null && cmds+=(-n "compile + link, gold" "gcc $cflags s.c driver.o -o p -fuse-ld=gold $link")
sl="gcc $san s-sanitized.o driver-sanitized.o -o ps -static-libasan -static-libubsan $slink"
command -v ld.gold >/dev/null && cmds+=(-n "sanitized link, gold" "$sl -fuse-ld=gold")
command -v ld.mold >/dev/null && cmds+=(-n "sanitized link, mold" "$sl -fuse-ld=mold -Wl,--no-fork,--threads=1")

echo "== $exercise: $submission ($runs runs each, $(nproc) cores)"
hyperfine -N --warmup 2 --runs "$runs" --export-json hf.json "${cmds[@]}" >/dev/null 2>&1
python3 - hf.json <<'PY'
import json, sys
rs = json.load(open(sys.argv[1]))["results"]
base = rs[0]["median"]
print("%-26s %8s %8s %8s  %s" % ("step", "median", "user", "system", "x compile"))
for r in rs:
    print("%-26s %7.3fs %7.3fs %7.3fs  %5.2fx" % (r["command"], r["median"], r["user"],
                                                r["system"], r["median"] / base))
PY
echo
echo "== gcc -time, one build with the grader's linker (CPU seconds per pass)"
ld=
command -v ld.gold >/dev/null && ld=-fuse-ld=gold
gcc -time $cflags s.c driver.o -o p $ld $link 2>&1 | awk '{ printf "  %-10s user %ss  system %ss\n", $2, $3, $4 }'
