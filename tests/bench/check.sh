#!/usr/bin/env bash
# Grading one submission against doing the same work bare.
#
# "grader" is `build/grader check EXERCISE SUBMISSION --no-sanitize` with the
# driver object and the reference cached. "bare" compiles the same
# submission with the same flags against the same driver object and runs
# every test's driver invocation once, directly, with no sandbox, no
# reference and no verdict. Target: grader within 1.2x of bare, under 0.5 s.
#
# The second pair adds the memory check to both: the grader's default
# grading, against bare work that also builds the submission with the
# sanitizers (against the sanitized driver object) and runs every test that
# is not a scaling test once more with that program.
#
# The bare builds use the linkers the grader picks (gold where binutils
# installed it; for the sanitized build mold where installed, one thread;
# GRADER_LD overrides both). Prints medians and ratios, then
# the cost of one sandboxed spawn next to fork+exec+wait.
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
sld=${GRADER_LD:-}
if [ -z "$sld" ] && command -v ld.mold >/dev/null; then sld=mold; fi
[ -z "$sld" ] && sld=$ld
[ "$ld" = default ] && ld=
[ "$sld" = default ] && sld=
python3 - "$exercise" "$submission" "$work" "$seed" "$ld" "$sld" <<'PY'
import glob, json, os, shlex, sys
ex, sub, work, seed, ld, sld = sys.argv[1:7]
spec = json.load(open(os.path.join("exercises", ex, "spec.json")))
obj = glob.glob(os.path.join(work, "cache", "driver-%s-*" % ex))[0]
sobj = glob.glob(os.path.join(work, "cache", "driver-sanitized-%s-*" % ex))[0]
hdr = spec.get("header", ex.replace("-", "_") + ".h")
link = ["-static"] if spec.get("static", not spec.get("libs")) else []
if ld:
    link.append("-fuse-ld=" + ld)
if spec.get("accounting"):
    link.append("-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,"
                "--wrap=strdup,--wrap=strndup,--wrap=aligned_alloc,--wrap=posix_memalign,"
                "--wrap=memalign,--wrap=valloc,--wrap=pvalloc,--wrap=reallocarray,"
                "--wrap=getline,--wrap=getdelim,--wrap=asprintf,--wrap=vasprintf,"
                "--wrap=realpath,--wrap=getcwd")
libs = ["-lcjson"] if spec.get("libs") else []
lines = ["set -e", "cd %s" % shlex.quote(work), "mkdir -p b/include s",
         "cp %s b/include/" % shlex.quote(os.path.abspath(os.path.join("exercises", ex, hdr))),
         "gcc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -pipe -Wall -Wextra -g1 -fno-omit-frame-pointer "
         "-fdiagnostics-color=never -fmax-errors=20 -Ib/include %s %s -o b/program %s -lm %s"
         % (shlex.quote(os.path.abspath(sub)), shlex.quote(obj), " ".join(link), " ".join(libs)),
         "cd s"]
def runs(program, tests):
    out = []
    for t in tests:
        args = " ".join(shlex.quote(a) for a in t.get("args", []))
        stdin = shlex.quote(os.path.abspath(os.path.join("exercises", ex, t["input"]))) \
            if "input" in t else "/dev/null"
        out.append("(exec -a %s %s %s - %s 3>/dev/null >/dev/null 2>&1 <%s) || true"
                   % (ex, program, seed, args, stdin))
    return out
lines += runs("../b/program", spec["tests"])
open(os.path.join(work, "bare.sh"), "w").write("\n".join(lines) + "\n")
# The same, and the memory check's share: the sanitized build, and a run of
# every test that is not a scaling test (the grader reruns those that passed).
wrap = [f for f in link if f.startswith("-Wl,--wrap")]
lines += ["cd ..",
          "gcc -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -Wall -Wextra -g1 -fno-omit-frame-pointer "
          "-fdiagnostics-color=never -fmax-errors=20 -fsanitize=address,undefined "
          "-fno-sanitize-recover=all -fno-sanitize=object-size,nonnull-attribute "
          "-Ib/include %s %s -o b/checked %s -static-libasan -static-libubsan -lm %s"
          % (shlex.quote(os.path.abspath(sub)), shlex.quote(sobj),
             " ".join(["-fuse-ld=" + sld] if sld else []) +
             (" -Wl,--no-fork,--threads=1" if sld == "mold" else "") + " " + " ".join(wrap),
             " ".join(libs)),
          "cd s"]
lines += runs("../b/checked", [t for t in spec["tests"] if not t.get("scaling")])
open(os.path.join(work, "bare-check.sh"), "w").write("\n".join(lines) + "\n")
PY

echo "== $exercise: $submission ($runs runs each, one command after the other; linkers: ${ld:-the default of the compiler}, sanitized ${sld:-the default of the compiler})"
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/hf.json" \
	-n grader "build/grader check $exercise $submission --seed $seed --no-sanitize" \
	-n bare "bash $work/bare.sh" \
	-n "grader, memory check" "build/grader check $exercise $submission --seed $seed" \
	-n "bare, memory check" "bash $work/bare-check.sh" >/dev/null 2>&1 || true
python3 - "$work/hf.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
for name in ("grader", "bare", "grader, memory check", "bare, memory check"):
    x = r[name]
    print("%-22s median %.3f s (min %.3f, max %.3f)" % (name + ":", x["median"], x["min"], x["max"]))
print("ratio grader/bare: %.2fx (target <= 1.20x; grader target < 0.5 s)"
      % (r["grader"]["median"] / r["bare"]["median"]))
print("ratio with the memory check: %.2fx"
      % (r["grader, memory check"]["median"] / r["bare, memory check"]["median"]))
PY
echo
echo "== one sandboxed spawn vs fork+exec+wait"
build/tests/spawn_bench build/tests/probe 1000
