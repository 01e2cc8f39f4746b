#!/usr/bin/env python3
"""Grades one fixture and asserts every expectation in its expect.json.

usage: check_fixture.py GRADER EXERCISE FIXTURE_DIR [--seed N]

The fixture's program is its submission.c or, when expect.json names a
known mistake of the exercise ("mistake": NAME, and no submission.c), the
mistake's program as `grader show EXERCISE --mistake NAME` prints it
(tests/fixture_source.py).

expect.json keys: compile ("ok"/"error"), full_score (bool), tests
({name: status, or a list of statuses when two limits race}, every test
of the exercise), hints ({name: substring}),
messages ({name: substring}), crashes ({name: where it crashed}: the
test's json "crash" must have these signal, function, file, stack_overflow
and line (a list: any of them, for a stack overflow, which runs out at any
instruction of the recursion), calls_include ([{function, line}] that must
be in its chain of calls), and its message must name "function
(file:line)"; null: the test must claim no crash location; on a
memory_error test, "crash" says where the sanitizer found the error:
signal "ASAN" or "UBSAN", and error, its kind), without_memory_check
({full_score, tests}: what grading with --no-sanitize must say: a memory
error that passes by luck passes there),
Where the kernel decides the outcome, a test's status or message may be
an object keyed by kernel kind, e.g. {"ia32": "forbidden", "no-ia32":
"crashed"}: tests/kernel_kind.py finds the kind by its own probe. absent_paths (files that must not exist
after grading), compile_output_lacks (substrings that must not appear
anywhere in the report).

Hostile fixtures (fixtures/hostile/) may also use: compile_output_has
(substrings the compiler's output must hold: why it failed; a list among
them holds alternatives, one of which must appear, e.g. the wording of
ld.bfd and of gold for one link error); outputs ({name:
substring} of what the program printed, e.g. the error an attack got);
env ({NAME: value} added to the grader's own environment, e.g. a canary
secret); report_lacks (substrings that must appear neither in the report
nor on the grader's stderr); tcp_listener (true: a listener on
127.0.0.1:47011, the port the submission knows, must receive no
connection); needs_layers (isolation layers, as the report's receipt
names them, without which the expectations do not hold: the test is
skipped, exit 77, on a kernel that lacks one; a list among them is
alternatives, any one of which will do); isolation_has (layers the
receipt must name, e.g. per kernel kind). An outputs value, and a
compile_output_has entry, may be an object keyed by isolation layer,
{"mount-namespace": "...", "otherwise": "..."}: the first layer the
receipt names decides (null: nothing to assert there). The receipt's claim of a
mount namespace is checked against this test's own probe of the kernel.
"""
import json
import os
import socket
import subprocess
import sys
import time

import jsonschema

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import fixture_source  # noqa: E402
import kernel_kind  # noqa: E402

TCP_PORT = 47011
SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                      "report.schema.json")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check_crash(name, t, want):
    """Where a test crashed, as the report says it in "crash" and the message."""
    crash = t.get("crash")
    if not crash:
        return ["%s: no crash location in the report: %r" % (name, t["message"][:400])]
    errors = []
    for key in ("signal", "error", "function", "file", "stack_overflow"):
        if key in want and crash.get(key) != want[key]:
            errors.append("%s: crash %s: expected %r, got %r" % (name, key, want[key], crash[key]))
    lines = want["line"] if isinstance(want.get("line"), list) else [want.get("line")]
    if "line" in want and crash["line"] not in lines:
        errors.append("%s: crash line: expected %s, got %d" % (name, lines, crash["line"]))
    for call in want.get("calls_include", []):
        if not any(c["function"] == call["function"] and c["line"] == call["line"]
                   for c in crash["calls"]):
            errors.append("%s: the calls lack %r: %r" % (name, call, crash["calls"]))
    place = "%s (%s:%d)" % (crash["function"], crash["file"], crash["line"])
    if place not in t["message"]:
        errors.append("%s: message lacks %r: %r" % (name, place, t["message"][:400]))
    return errors


def main():
    grader, exercise, fixture = sys.argv[1:4]
    seed = "4242"
    if "--seed" in sys.argv:
        seed = sys.argv[sys.argv.index("--seed") + 1]
    with open(os.path.join(fixture, "expect.json")) as f:
        expect = json.load(f)
    for p in expect.get("absent_paths", []):
        if os.path.lexists(p):
            os.unlink(p)
    listener = None
    if expect.get("tcp_listener"):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        for attempt in range(600):  # another run of this fixture may hold the port
            try:
                listener.bind(("127.0.0.1", TCP_PORT))
                break
            except OSError:
                if attempt == 599:
                    raise
                time.sleep(0.1)
        listener.listen(16)
        listener.setblocking(False)
    env = dict(os.environ)
    env.update(expect.get("env", {}))
    try:
        sub = fixture_source.submission(grader, fixture, exercise)
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as e:
        fail("cannot make the fixture's program: %s" % e)
    proc = subprocess.run([grader, "check", exercise, sub, "--format", "json",
                           "--seed", seed], capture_output=True, text=True,
                          timeout=170, env=env)
    if proc.returncode not in (0, 1):
        fail("grader exited %d: %s" % (proc.returncode, proc.stderr))
    try:
        rep = json.loads(proc.stdout)
    except ValueError as e:
        fail("report is not JSON (%s): %r" % (e, proc.stdout[:500]))
    errors = []
    # Every json report the tests see matches the published schema.
    with open(SCHEMA) as f:
        for e in jsonschema.Draft7Validator(json.load(f)).iter_errors(rep):
            errors.append("report does not match docs/report.schema.json: %s at %s" % (
                e.message, list(e.absolute_path)))
    have_layers = set(rep.get("receipt", {}).get("isolation", []))
    missing = [l for l in expect.get("needs_layers", [])
               if not any(a in have_layers for a in (l if isinstance(l, list) else [l]))]
    if missing:
        print("skip: %s needs isolation layers %s" % (fixture, missing))
        sys.exit(77)
    for layer in kernel_kind.resolve(expect.get("isolation_has", [])):
        if layer not in have_layers:
            errors.append("the receipt's isolation lacks %r on this %s kernel: %s" % (
                layer, kernel_kind.kind(), sorted(have_layers)))
    if listener is not None:
        try:
            conn, peer = listener.accept()
            errors.append("the listener on port %d got a connection from %s" %
                          (TCP_PORT, peer))
            conn.close()
        except BlockingIOError:
            pass
        listener.close()
    want_compile = expect.get("compile", "ok")
    if rep["compile"]["status"] != want_compile:
        errors.append("compile: expected %s, got %s (%s)" % (
            want_compile, rep["compile"]["status"], rep["compile"]["output"][:300]))
    got = {t["name"]: t for t in rep["tests"]}
    want = kernel_kind.resolve_tests(expect.get("tests", {}))
    if set(want) != set(got):
        errors.append("expect.json lists tests %s but the exercise has %s" % (
            sorted(set(want) ^ set(got)), sorted(got)))
    for name, status in want.items():
        t = got.get(name)
        # A list: any of these statuses (a verdict two limits race for).
        allowed = status if isinstance(status, list) else [status]
        if t and t["status"] not in allowed:
            errors.append("%s: expected %s, got %s: %s" % (
                name, status, t["status"], t["message"][:400]))
    for name, sub_s in expect.get("hints", {}).items():
        t = got.get(name)
        if t and sub_s not in t["hint"]:
            errors.append("%s: hint lacks %r: %r" % (name, sub_s, t["hint"]))
    for name, sub_s in kernel_kind.resolve_tests(expect.get("messages", {})).items():
        t = got.get(name)
        if t and sub_s not in t["message"]:
            errors.append("%s: message lacks %r: %r" % (name, sub_s, t["message"]))
    for name, want_crash in expect.get("crashes", {}).items():
        t = got.get(name)
        if t and want_crash is None:
            if "crash" in t:
                errors.append("%s: a crash location was claimed: %r" % (name, t["crash"]))
        elif t:
            errors.extend(check_crash(name, t, want_crash))
    # What the same grading says without the memory check: a memory error
    # that passes by luck passes there.
    plain = expect.get("without_memory_check")
    if plain is not None:
        p2 = subprocess.run([grader, "check", exercise, sub, "--format", "json", "--seed", seed,
                             "--no-sanitize"], capture_output=True, text=True, timeout=170,
                            env=env)
        try:
            rep2 = json.loads(p2.stdout)
        except ValueError:
            rep2 = None
            errors.append("--no-sanitize: no json report (exit %d): %r" % (
                p2.returncode, p2.stderr[:300]))
        if rep2 is not None:
            got2 = {t["name"]: t["status"] for t in rep2["tests"]}
            for name, status in plain.get("tests", {}).items():
                if got2.get(name) != status:
                    errors.append("--no-sanitize: %s: expected %s, got %s" % (
                        name, status, got2.get(name)))
            full2 = rep2["score"] == rep2["max_score"]
            if "full_score" in plain and plain["full_score"] != full2:
                errors.append("--no-sanitize: full_score: expected %s, got %d/%d" % (
                    plain["full_score"], rep2["score"], rep2["max_score"]))
            if "memory_error" in got2.values():
                errors.append("--no-sanitize: a memory_error without the memory check")
    full = rep["score"] == rep["max_score"]
    if "full_score" in expect and expect["full_score"] != full:
        errors.append("full_score: expected %s, got %d/%d" % (
            expect["full_score"], rep["score"], rep["max_score"]))
    want_rc = 0 if full and rep["compile"]["status"] == "ok" else 1
    if proc.returncode != want_rc:
        errors.append("exit status: expected %d, got %d" % (want_rc, proc.returncode))
    for p in expect.get("absent_paths", []):
        if os.path.lexists(p):
            errors.append("%s exists: the submission wrote outside its scratch directory" % p)
    for s in expect.get("compile_output_lacks", []):
        if s in proc.stdout:
            errors.append("the report contains %r" % s)
    for s in expect.get("compile_output_has", []):
        if isinstance(s, dict):
            s = next((v for k, v in s.items() if k in have_layers), s["otherwise"])
        alternatives = s if isinstance(s, list) else [s]
        if not any(a in rep["compile"]["output"] for a in alternatives):
            errors.append("compile output lacks %s: %r" % (" or ".join(map(repr, alternatives)),
                                                           rep["compile"]["output"][:400]))
    for s in expect.get("report_lacks", []):
        if s in proc.stdout or s in proc.stderr:
            errors.append("the report or the grader's stderr contains %r" % s)
    view_here = kernel_kind.mount_kind() == "mount-namespace"
    if view_here != ("mount-namespace" in have_layers):
        errors.append("this kernel %s mount namespaces, but the receipt says %s" % (
            "allows" if view_here else "refuses", sorted(have_layers)))
    for name, sub_s in expect.get("outputs", {}).items():
        t = got.get(name)
        if isinstance(sub_s, dict):
            sub_s = next((v for k, v in sub_s.items() if k in have_layers),
                         sub_s["otherwise"])
        if t and sub_s is not None and sub_s not in t["output"]:
            errors.append("%s: output lacks %r: %r" % (name, sub_s, t["output"][:400]))
    if errors:
        fail("%s:\n  " % fixture + "\n  ".join(errors))
    print("ok: %s %d/%d" % (fixture, rep["score"], rep["max_score"]))


if __name__ == "__main__":
    main()
