#!/usr/bin/env bash
# Grading one submission against doing the same work bare.
#
# "grader" is `build/grader check EXERCISE SUBMISSION` with the driver object
# and the reference cached. "bare" compiles the same submission with the
# same flags against the same driver object and runs every test's driver
# invocation once, directly, with no sandbox, no reference and no verdict.
# The bare build uses the linker the grader picks (gold where binutils
# installed it; GRADER_LD overrides both). Prints medians and the ratio
# (target: grader within 1.2x of bare, under 0.5 s), then the cost of one sandboxed spawn next to fork+exec+wait.
#
# usage: tests/bench/check.sh [EXERCISE] [SUBMISSION] [RUNS]
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
seed=12345
build/grader check "$exercise" "$submission" --seed $seed >/dev/null || true

# The bare script: same compiler, flags, driver object, tests and seed.
ld=${GRADER_LD:-}
if [ -z "$ld" ] && command -v ld.gold >/dev/null; then ld=gold; fi
[ "$ld" = default ] && ld=
python3 - "$exercise" "$submission" "$work" "$seed" "$ld" <<'PY'
import glob, json, os, shlex, sys
ex, sub, work, seed, ld = sys.argv[1:6]
spec = json.load(open(os.path.join("exercises", ex, "spec.json")))
obj = glob.glob(os.path.join(work, "cache", "driver-%s-*" % ex))[0]
hdr = spec.get("header", ex.replace("-", "_") + ".h")
link = ["-static"] if spec.get("static", not spec.get("libs")) else []
if ld:
    link.append("-fuse-ld=" + ld)
if spec.get("accounting"):
    link.append("-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,"
                "--wrap=strdup,--wrap=strndup")
libs = ["-lcjson"] if spec.get("libs") else []
lines = ["set -e", "cd %s" % shlex.quote(work), "mkdir -p b/include s",
         "cp %s b/include/" % shlex.quote(os.path.abspath(os.path.join("exercises", ex, hdr))),
         "gcc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -pipe -Wall -Wextra "
         "-fdiagnostics-color=never -fmax-errors=20 -Ib/include %s %s -o b/program %s -lm %s"
         % (shlex.quote(os.path.abspath(sub)), shlex.quote(obj), " ".join(link), " ".join(libs)),
         "cd s"]
for t in spec["tests"]:
    args = " ".join(shlex.quote(a) for a in t.get("args", []))
    stdin = shlex.quote(os.path.abspath(os.path.join("exercises", ex, t["input"]))) \
        if "input" in t else "/dev/null"
    lines.append("(exec -a %s ../b/program %s - %s 3>/dev/null >/dev/null 2>&1 <%s) || true"
                 % (ex, seed, args, stdin))
open(os.path.join(work, "bare.sh"), "w").write("\n".join(lines) + "\n")
PY

echo "== $exercise: $submission ($runs runs each, one command after the other; linker: ${ld:-the compiler's own})"
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/hf.json" \
	-n grader "build/grader check $exercise $submission --seed $seed" \
	-n bare "bash $work/bare.sh" >/dev/null 2>&1 || true
python3 - "$work/hf.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
g, b = r["grader"], r["bare"]
gm, bm = g["median"], b["median"]
print("grader: median %.3f s (min %.3f, max %.3f)" % (gm, g["min"], g["max"]))
print("bare:   median %.3f s (min %.3f, max %.3f)" % (bm, b["min"], b["max"]))
print("ratio grader/bare: %.2fx (target <= 1.20x; grader target < 0.5 s)" % (gm / bm))
PY
echo
echo "== one sandboxed spawn vs fork+exec+wait"
build/tests/spawn_bench build/tests/probe 1000
