#!/usr/bin/env python3
"""The grader installed and moved, or packaged and unpacked, from a clean
build, grading with its source tree out of reach.

usage: install.py MODE SOURCE_DIR BUILD_DIR

  install  'ci/install.sh T/a' (a clean build, 'cmake --install' into T/a,
           the build removed), then T/a moved to T/b: the files are where
           docs/installing.md says, and T/b/bin/grader grades, and writes a
           --replay kit that reproduces a test outside the sandbox.
  package  'ci/install.sh --deb T/pkg' (a clean build, 'cpack -G DEB'): the
           package's name, version (grader/version.h) and dependencies, no
           error or warning from lintian; then 'dpkg -x' into T/root, and
           T/root/usr/bin/grader grades.
  build-tree  the tree's own grader copied to D/bin/grader, next to a
           D/share/grader/exercises holding one planted exercise: with D
           outside the build tree, 'grader list' lists the planted exercise
           alone; with D inside it, the checkout's exercises and not the
           planted one (a build tree's grader never takes its exercises
           from what lies next to it).

"Grades": 'grader list' lists every exercise of the checkout, and copies of
a few fixtures (a known mistake with its hints, a crash located in the
learner's code, an exercise that links cJSON) are graded by
tests/e2e/check_fixture.py, which asserts every status and hint. Then the
same files are laid over the host's /usr/local (install) or /usr
(package) by a read-only overlay, as an install there would put them, and
fixtures/hostile/compile-error-include-installed-reference, which
#includes the installed reference solution, must not compile. The
grader runs in a mount namespace of its own (util-linux's unshare, as
root) where the checkout and BUILD_DIR are empty tmpfs mounts, with its
working directory, cache and fixtures in T and no GRADER_EXERCISES or
GRADER_DRIVER_DIR: a grader that read anything of the checkout, its
exercises or driver headers, finds nothing there and fails. Not root:
install and package are skipped (exit 77), as .ci/run runs as root.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# A known mistake and its hints (the patches), a crash symbolized in the
# learner's file (the driver headers), cJSON through pkg-config.
FIXTURES = [
    ("sort-users", "fails-unstable-sort"),
    ("lru-cache", "crashed-get-null-dereference"),
    ("user-registry", "passes-second-design"),
]
# A submission that includes the installed reference solution.
INSTALLED_REFERENCE = ("hostile", "compile-error-include-installed-reference")
# Runtime needs the package must declare, beside what dpkg-shlibdeps finds.
DEPENDS = ["gcc", "libc6-dev", "pkg-config", "libcjson-dev", "libc6", "libcjson1",
           "libcurl4", "libelf1", "libdw1", "libseccomp2"]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(cmd, **kw):
    kw.setdefault("timeout", 240)
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        fail("%s exited %d:\n%s%s" % (" ".join(cmd), proc.returncode, proc.stdout,
                                       proc.stderr))
    return proc.stdout


def inside(path, d):
    return os.path.commonpath([os.path.realpath(path), os.path.realpath(d)]) == \
        os.path.realpath(d)


def commands(grader_help):
    """The commands 'grader --help' lists under 'commands:'."""
    block = grader_help.split("\ncommands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines()]


def check_layout(prefix, src, grader_help):
    """The files docs/installing.md promises under prefix."""
    want = ["bin/grader", "share/grader/driver/grader_driver.h",
            "share/grader/driver/grader_alloc.h", "share/grader/driver/grader_json.h",
            "share/doc/grader/README.md",
            "share/doc/grader/docs/learners.md", "share/man/man1/grader.1.gz"]
    exercises = sorted(e for e in os.listdir(os.path.join(src, "exercises"))
                       if os.path.isfile(os.path.join(src, "exercises", e, "spec.json")))
    for e in exercises:
        for f in os.listdir(os.path.join(src, "exercises", e)):
            want.append("share/grader/exercises/%s/%s" % (e, f))
    for c in commands(grader_help):
        want.append("share/man/man1/grader-%s.1.gz" % c)
    missing = [w for w in want if not os.path.exists(os.path.join(prefix, w))]
    if missing:
        fail("%s lacks %s" % (prefix, ", ".join(missing)))
    print("ok: %s holds the binary, %d exercises, the driver headers, docs and "
          "%d man pages" % (prefix, len(exercises), len(commands(grader_help)) + 1))
    return exercises


def hiding_wrapper(tmp, grader, src, build, overlay=None):
    """A script that runs grader with src and build hidden under empty tmpfs
    mounts, in tmp; check_fixture.py runs it as its grader. overlay, a pair
    (PREFIX, TARGET), first lays PREFIX over TARGET (a read-only overlayfs
    on the host's TARGET): the files are where an install there puts them,
    and nothing of the host changes."""
    steps = []
    if overlay:
        steps.append("mount -t overlay grader -o lowerdir=%s:%s %s" % (
            shlex.quote(overlay[0]), shlex.quote(overlay[1]), shlex.quote(overlay[1])))
    hidden = sorted({os.path.realpath(src), os.path.realpath(build)}, key=len,
                    reverse=True)  # the deeper first: the other could cover it
    steps += ["mount -t tmpfs -o size=64k,mode=0755 hidden %s" % shlex.quote(d)
              for d in hidden]
    steps += ["test ! -e %s" % shlex.quote(os.path.join(src, "CMakeLists.txt")),
              "cd %s" % shlex.quote(tmp), "exec %s \"$@\"" % shlex.quote(grader)]
    path = os.path.join(tmp, "grader-hidden-source")
    with open(path, "w") as f:
        f.write("#!/bin/sh\n# %s, with the checkout and the build tree out of reach.\n"
                "exec unshare --mount --propagation private -- sh -ec %s grader \"$@\"\n"
                % (grader, shlex.quote("; ".join(steps))))
    os.chmod(path, 0o755)
    return path


def grade(tmp, grader, src, build, exercises, fixtures=FIXTURES, overlay=None):
    """grader lists the exercises and grades the fixtures, source hidden."""
    wrapper = hiding_wrapper(tmp, grader, src, build, overlay)
    env = {k: v for k, v in os.environ.items()
           if k not in ("GRADER_EXERCISES", "GRADER_DRIVER_DIR")}
    env["GRADER_CACHE_DIR"] = os.path.join(tmp, "cache")
    env["TMPDIR"] = tmp
    listed = run([wrapper, "list"], env=env, cwd=tmp)
    got = sorted(line.split()[0] for line in listed.splitlines() if line.strip())
    if got != exercises:
        fail("%s list: expected %s, got %s" % (grader, exercises, got))
    print("ok: %s list, source hidden: %s" % (grader, " ".join(got)))
    for exercise, name in fixtures:
        copy = os.path.join(tmp, "fixtures", exercise, name)
        if not os.path.exists(copy):
            shutil.copytree(os.path.join(src, "fixtures", exercise, name), copy)
        out = run([sys.executable, os.path.join(HERE, "check_fixture.py"), wrapper,
                   "sort-users" if exercise == "hostile" else exercise, copy],
                  env=env, cwd=tmp)
        print(out.strip())


def replay(tmp, grader, src, build, prefix):
    """--replay writes a kit from the installed exercise and driver headers,
    and the kit's run.sh finds the grader's observations, byte for byte."""
    wrapper = hiding_wrapper(tmp, grader, src, build)
    kit = os.path.join(tmp, "replay")
    reference = os.path.join(prefix, "share", "grader", "exercises", "sort-users",
                             "reference.c")
    proc = subprocess.run([wrapper, "check", "sort-users", reference, "--test", "empty",
                           "--replay", kit], capture_output=True, text=True, timeout=240,
                          env=dict(os.environ, GRADER_CACHE_DIR=os.path.join(tmp, "cache")))
    if proc.returncode != 1:  # a partial run (--test) exits 1 at best
        fail("check --replay exited %d: %s" % (proc.returncode, proc.stderr))
    for f in ("grader_driver.h", "grader_alloc.h", "grader_json.h", "driver.c", "sort_users.h",
              "run.sh"):
        if not os.path.exists(os.path.join(kit, f)):
            fail("the replay kit lacks %s" % f)
    out = run([os.path.join(kit, "run.sh")], cwd=kit)
    if "byte for byte" not in out:
        fail("the replay kit's run.sh: %s" % out)
    print("ok: check --replay wrote a kit from the installed data; run.sh reproduces the run")


def mode_install(tmp, src, build, grader_help):
    first, moved = os.path.join(tmp, "a"), os.path.join(tmp, "b")
    run([os.path.join(src, "ci", "install.sh"), first], timeout=600)
    os.rename(first, moved)
    exercises = check_layout(moved, src, grader_help)
    grade(tmp, os.path.join(moved, "bin", "grader"), src, build, exercises)
    replay(tmp, os.path.join(moved, "bin", "grader"), src, build, moved)
    # Where 'cmake --install' puts it by default: the reference solutions in
    # /usr/local/share/grader, out of a submission's reach.
    grade(tmp, "/usr/local/bin/grader", src, build, exercises, [INSTALLED_REFERENCE],
          (moved, "/usr/local"))


def mode_package(tmp, src, build, grader_help):
    with open(os.path.join(src, "grader", "version.h")) as f:
        version = re.search(r'#define GRADER_VERSION "([^"]+)"', f.read()).group(1)
    out = os.path.join(tmp, "pkg")
    run([os.path.join(src, "ci", "install.sh"), "--deb", out], timeout=600)
    debs = [f for f in os.listdir(out) if f.endswith(".deb")]
    if len(debs) != 1 or not debs[0].startswith("grader_%s_" % version):
        fail("expected one grader_%s_<arch>.deb in %s, got %s" % (version, out, debs))
    deb = os.path.join(out, debs[0])
    fields = {k: run(["dpkg-deb", "-f", deb, k]).strip()
              for k in ("Package", "Version", "Depends", "Maintainer")}
    if fields["Package"] != "grader" or fields["Version"] != version:
        fail("control: %s" % fields)
    have = {d.strip().split()[0] for d in fields["Depends"].split(",")}
    lacking = [d for d in DEPENDS if d not in have]
    if lacking:
        fail("Depends lacks %s: %s" % (lacking, fields["Depends"]))
    print("ok: %s, Depends: %s" % (debs[0], fields["Depends"]))
    # Errors and warnings both fail; informational tags are printed.
    lint = subprocess.run(["lintian", "--fail-on", "error,warning", "--display-info", deb],
                          capture_output=True, text=True, timeout=600)
    print(lint.stdout.strip() or "lintian: no tags")
    if lint.returncode != 0:
        fail("lintian exited %d:\n%s%s" % (lint.returncode, lint.stdout, lint.stderr))
    print("ok: lintian finds no error or warning")
    root = os.path.join(tmp, "root")
    run(["dpkg", "-x", deb, root])
    exercises = check_layout(os.path.join(root, "usr"), src, grader_help)
    grade(tmp, os.path.join(root, "usr", "bin", "grader"), src, build, exercises)
    # As apt installs it: the reference solutions in /usr/share/grader, out
    # of a submission's reach.
    grade(tmp, "/usr/bin/grader", src, build, exercises, [INSTALLED_REFERENCE],
          (os.path.join(root, "usr"), "/usr"))


def listed_by_copy(grader, d, src):
    """The exercises a copy of grader at d/bin/grader lists, with a planted
    exercise in d/share/grader/exercises."""
    os.makedirs(os.path.join(d, "bin"))
    shutil.copy2(grader, os.path.join(d, "bin", "grader"))
    shutil.copytree(os.path.join(src, "exercises", "fib-generator"),
                    os.path.join(d, "share", "grader", "exercises", "planted-exercise"))
    env = {k: v for k, v in os.environ.items() if k != "GRADER_EXERCISES"}
    out = run([os.path.join(d, "bin", "grader"), "list"], env=env, cwd=d)
    return sorted(line.split()[0] for line in out.splitlines() if line.strip())


def mode_build_tree(tmp, src, build):
    grader = os.path.join(build, "grader")
    real = sorted(e for e in os.listdir(os.path.join(src, "exercises"))
                  if os.path.isfile(os.path.join(src, "exercises", e, "spec.json")))
    got = listed_by_copy(grader, os.path.join(tmp, "outside"), src)
    if got != ["planted-exercise"]:
        fail("a copy outside the build tree lists %s, not the exercise next to it" % got)
    print("ok: a copy outside the build tree lists the exercises next to it: %s" % got)
    inside_dir = tempfile.mkdtemp(prefix="datadir-probe-", dir=build)
    try:
        got = listed_by_copy(grader, inside_dir, src)
    finally:
        shutil.rmtree(inside_dir, ignore_errors=True)
    if got != real:
        fail("a copy inside the build tree lists %s, expected the checkout's %s" % (got, real))
    print("ok: a copy inside the build tree lists the checkout's: %s" % " ".join(got))


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("install", "package", "build-tree"):
        sys.exit(__doc__)
    mode, src, build = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    if mode == "build-tree":
        tmp = tempfile.mkdtemp(prefix="grader-build-tree-")
        try:
            mode_build_tree(tmp, src, build)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return 0
    if os.geteuid() != 0:
        print("skip: hiding the source tree takes 'unshare --mount', run as root (.ci/run)")
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix="grader-%s-" % mode)
    try:
        if inside(tmp, src) or inside(tmp, build):
            fail("the temporary directory %s is inside the tree it must hide" % tmp)
        grader_help = run([os.path.join(build, "grader"), "--help"])  # the tree's own
        (mode_install if mode == "install" else mode_package)(tmp, src, build, grader_help)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
