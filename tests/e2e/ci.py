#!/usr/bin/env python3
"""End-to-end tests of `grader ci`, in simulated CI runs.

usage: ci.py SCENARIO GRADER SOURCE_DIR

Each scenario builds a sample learner repository in a temporary directory
(a grader.json naming two exercises: sort-users with the reference
solution, fib-generator with a compile error on line 7), sets the
environment variables a CI system sets, points the files it names at
temporary files, and runs the grader through the scripts the GitHub Action
and the GitLab template run (ci/github/action.sh, ci/gitlab/grade.sh), as
they run it: installed ('cmake --install' of GRADER's build tree into a
temporary prefix).

  github    annotations (file= and line= of the compile error), the job
            summary's table, score/max_score outputs, junit files (xmllint),
            the exit status following --min-score (points and percentages)
  gitlab    the junit files where the template's artifacts:reports:junit
            glob finds them, a plain log, stale junit files removed
  hostile   a submission whose output, warnings and file names carry
            workflow commands, XML and markdown: read as GitHub's runner
            reads a log, nothing becomes a command; every report stays valid
  webhook   the action's webhook-secret-name mapping: signed POSTs to a
            local receiver, naming the repository and commit; the secret
            never printed
  inputs    bad input and learner tricks: no grader.json, an unknown
            exercise, a missing file, symbolic links to the grader's own
            reference solution, a reports directory that is a link
"""
import glob
import hashlib
import hmac
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import xml.dom.minidom

import yaml

FIB_BROKEN = """#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include "fib_generator.h"

/* The struct on line 7 lacks a semicolon. */
struct fib_gen { uint64_t a, b; uint64_t left }
"""
FIB_LINE = 7

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)
    return cond


class Env:
    def __init__(self, grader, src):
        self.grader = grader
        self.src = src
        self.tmp = tempfile.mkdtemp(prefix="grader-ci-test-")
        # The action and the template run an installed grader: this build's,
        # installed into a prefix of the test's own (GRADER_PREFIX).
        self.prefix = os.path.join(self.tmp, "prefix")
        subprocess.run(["cmake", "--install", os.path.dirname(os.path.abspath(grader)),
                        "--prefix", self.prefix], check=True, capture_output=True, timeout=120)

    def repo(self, name, files, config=None):
        """A learner repository: files maps relative paths to text."""
        root = os.path.join(self.tmp, name)
        os.makedirs(root)
        if config is None:
            config = {"name": "Week 3", "exercises": [
                {"id": "sort-users"},
                {"id": "fib-generator", "file": "src/fib.c", "weight": 2}]}
        if config is not False:
            files = dict(files, **{"grader.json": json.dumps(config)})
        for rel, text in files.items():
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
                f.write(text)
        return root

    def reference(self, exercise):
        with open(os.path.join(self.src, "exercises", exercise, "reference.c")) as f:
            return f.read()

    def base_env(self):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("GITHUB_", "GITLAB_", "CI_", "RUNNER_", "INPUT_"))
               and k not in ("CI", "GRADER_WEBHOOK_SECRET")}
        env["NO_COLOR"] = "1"
        return env

    def github_env(self, workspace, **extra):
        files = {}
        for name in ("summary", "output"):
            fd, files[name] = tempfile.mkstemp(dir=self.tmp, prefix=name + "-")
            os.close(fd)
        runner_temp = tempfile.mkdtemp(dir=self.tmp, prefix="runner-temp-")
        env = self.base_env()
        env.update({
            "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": workspace,
            "GITHUB_STEP_SUMMARY": files["summary"], "GITHUB_OUTPUT": files["output"],
            "RUNNER_TEMP": runner_temp, "GITHUB_REPOSITORY": "octo/week3",
            "GITHUB_SHA": "4f2a9c1e0b7d4a6f8e3c2b1a09876543210fedcb",
            "GRADER_PREFIX": self.prefix,
            "GRADER_REPORTS": os.path.join(runner_temp, "grader-reports"),
        })
        env.update(extra)
        return env

    def run(self, argv, env, cwd=None):
        p = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, timeout=240)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode(
            "utf-8", "replace")

    def action(self, env, cwd):
        return self.run([os.path.join(self.src, "ci/github/action.sh"), "grade"], env, cwd)


# GitHub's runner, as far as commands go: a line (trimmed of whitespace) that
# starts with "::" is a command "::name key=value,...::data"; "##[" anywhere
# in a line is an old-style command; ::stop-commands::TOKEN stops all
# commands until a line "::TOKEN::".
COMMAND = re.compile(r"^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$")


def unescape_data(s):
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_prop(s):
    return unescape_data(s).replace("%3A", ":").replace("%2C", ",")


def runner_commands(stdout):
    """The commands GitHub's runner would act on, as (name, props, data)."""
    commands, stopped = [], None
    for raw in stdout.split("\n"):
        check("\r" not in raw, "a carriage return in the log: %r" % raw[:80])
        line = raw.strip()
        if stopped is not None:
            if line == "::%s::" % stopped:
                stopped = None
            continue
        check("##[" not in raw, "an old-style ##[ command in the log: %r" % raw[:120])
        if not line.startswith("::"):
            continue
        m = COMMAND.match(line)
        if not check(m, "a malformed command line: %r" % line[:120]):
            continue
        props = {}
        for kv in (m.group(2) or "").split(","):
            if "=" in kv:
                k, v = kv.split("=", 1)
                props[k] = unescape_prop(v)
        name, data = m.group(1), unescape_data(m.group(3))
        commands.append((name, props, data))
        if name == "stop-commands":
            stopped = m.group(3)
    check(stopped is None, "commands were stopped and never resumed")
    return commands


def check_commands_are_ours(commands, exercises, assignment):
    """Only annotations with titles the grader writes, and its one stop-commands."""
    stops = [c for c in commands if c[0] == "stop-commands"]
    check(len(stops) == 1 and re.fullmatch(r"grader-[0-9a-f]{32}", stops[0][2]),
          "stop-commands: expected the grader's one token, got %r" % stops)
    for name, props, data in commands:
        if name == "stop-commands":
            continue
        check(name in ("error", "warning", "notice"), "a %r command from the log" % name)
        title = props.get("title", "")
        ours = (title in ("compile error", "compiler warning", "compiler output", assignment)
                or title in exercises
                or any(title.startswith(e + ": ") for e in exercises))
        check(ours, "an annotation the grader did not write: %r %r" % (title, data[:80]))
        check(set(props) <= {"file", "line", "col", "title"},
              "unexpected annotation properties %r" % props)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def outputs(path):
    out = {}
    for line in read(path).splitlines():
        k, _, v = line.partition("=")
        out[k] = v
    return out


def check_junit(paths, xsd):
    check(paths, "no junit file")
    for p in paths:
        argv = ["xmllint", "--noout"]
        if os.path.exists(xsd):
            argv += ["--schema", xsd]
        r = subprocess.run(argv + [p], capture_output=True, text=True)
        check(r.returncode == 0, "%s: xmllint: %s" % (p, r.stderr.strip()[:400]))


def check_markdown_table(md):
    """Every row of a table has as many cells as its header: no cell broke."""
    header = None
    for line in md.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = line.count("|")
        if header is None:
            header = cells
        else:
            check(cells == header, "a table row with %d bars, header %d: %r"
                  % (cells, header, line[:120]))


def sample(e, name="learner"):
    return e.repo(name, {"sort_users.c": e.reference("sort-users"), "src/fib.c": FIB_BROKEN})


def scenario_github(e):
    ws = sample(e)
    env = e.github_env(ws)
    code, out, err = e.action(env, ws)
    check(code == 1, "github: exit %d, expected 1 (a compile error); stderr: %s" % (code, err))
    commands = runner_commands(out)
    check_commands_are_ours(commands, ["sort-users", "fib-generator"], "Week 3")
    errors = [c for c in commands if c[0] == "error" and c[1].get("title") == "compile error"]
    check(errors, "github: no compile error annotation")
    for _, props, data in errors:
        check(props.get("file") == "src/fib.c", "github: file= %r, expected src/fib.c"
              % props.get("file"))
        check(props.get("line") == str(FIB_LINE), "github: line= %r, expected %d"
              % (props.get("line"), FIB_LINE))
    notices = {c[1].get("title"): c[2] for c in commands if c[0] == "notice"}
    check("sort-users" in notices, "github: no notice for sort-users: %r" % notices)

    summary = json.loads(read(os.path.join(env["GRADER_REPORTS"], "summary.json")))
    by_id = {x["id"]: x for x in summary["exercises"]}
    check(by_id["sort-users"]["status"] == "passed", "github: sort-users %r"
          % by_id["sort-users"]["status"])
    check(by_id["fib-generator"]["status"] == "compile_error", "github: fib-generator %r"
          % by_id["fib-generator"]["status"])
    s_max = by_id["sort-users"]["max_score"]
    f_max = by_id["fib-generator"]["max_score"]
    check(s_max > 0 and f_max > 0, "github: max scores %r %r" % (s_max, f_max))
    want_max = s_max + 2 * f_max

    o = outputs(env["GITHUB_OUTPUT"])
    check(o.get("score") == str(s_max), "github: score output %r, expected %d"
          % (o.get("score"), s_max))
    check(o.get("max_score") == str(want_max), "github: max_score output %r, expected %d"
          % (o.get("max_score"), want_max))
    check(o.get("passed") == "false", "github: passed output %r" % o.get("passed"))
    check(o.get("reports") == env["GRADER_REPORTS"], "github: reports output %r"
          % o.get("reports"))

    md = read(env["GITHUB_STEP_SUMMARY"])
    check("| | exercise | file | status | points | weight |" in md,
          "github: the summary has no exercise table")
    check(re.search(r"\| \S+ \| sort&#45;users \|.*\| passed \| %d/%d \| 1 \|" % (s_max, s_max),
                    md), "github: the summary's sort-users row")
    check(re.search(r"\| \S+ \| fib&#45;generator \|.*\| compile_error \| 0/%d \| 2 \|"
                    % f_max, md), "github: the summary's fib-generator row")
    check("%d/%d points" % (s_max, want_max) in md, "github: the summary's total")
    check_markdown_table(md)
    check(md == read(os.path.join(env["GRADER_REPORTS"], "summary.md")),
          "github: summary.md differs from the step summary")
    check_junit(sorted(glob.glob(os.path.join(env["GRADER_REPORTS"], "junit-*.xml"))),
                os.path.join(e.src, "tests/data/junit.xsd"))
    doc = xml.dom.minidom.parse(os.path.join(env["GRADER_REPORTS"],
                                             "junit-fib-generator.xml"))
    check(doc.getElementsByTagName("error"), "github: the fib junit has no <error>")

    # --min-score: points and percentages of the weighted maximum.
    pct = 100.0 * s_max / want_max
    for value, want in ((str(s_max), 0), (str(s_max + 1), 1), ("%d%%" % int(pct), 0),
                        ("%d%%" % (int(pct) + 1), 1), ("0", 0)):
        env = e.github_env(ws, INPUT_MIN_SCORE=value)
        code, out, err = e.action(env, ws)
        check(code == want, "github: --min-score %s: exit %d, expected %d; %s"
              % (value, code, want, err))
        o = outputs(env["GITHUB_OUTPUT"])
        check(o.get("passed") == ("true" if want == 0 else "false"),
              "github: --min-score %s: passed=%r" % (value, o.get("passed")))
        check(o.get("score") == str(s_max), "github: --min-score %s: score=%r"
              % (value, o.get("score")))
    code, out, err = e.action(e.github_env(ws, INPUT_MIN_SCORE="lots"), ws)
    check(code == 2 and "--min-score" in err, "github: a bad --min-score: exit %d, %s"
          % (code, err))

    # A repository in a subdirectory of the workspace: file= is relative to the workspace.
    env = e.github_env(e.tmp, INPUT_REPOSITORY_PATH="learner")
    code, out, err = e.action(env, e.tmp)
    files = {c[1].get("file") for c in runner_commands(out)
             if c[1].get("title") == "compile error"}
    check(files == {"learner/src/fib.c"}, "github: file= in a subdirectory: %r" % files)


def scenario_gitlab(e):
    ws = sample(e)
    with open(os.path.join(e.src, "ci/gitlab/grader.gitlab-ci.yml")) as f:
        template = yaml.safe_load(f)
    job = template["grade"]
    pattern = job["artifacts"]["reports"]["junit"]
    check(job["artifacts"]["when"] == "always", "gitlab: artifacts are not kept on failure")
    # A stale or planted junit file must not reach the merge request.
    os.makedirs(os.path.join(ws, "grader-reports"))
    for planted in ("junit-bonus.xml", "junit-.xml"):
        with open(os.path.join(ws, "grader-reports", planted), "w") as f:
            f.write('<testsuites><testsuite name="bonus" tests="1"/></testsuites>')
    env = e.base_env()
    env.update({"CI": "true", "GITLAB_CI": "true", "CI_PROJECT_DIR": ws,
                "CI_PROJECT_PATH": "course/alice", "CI_COMMIT_SHA": "0" * 40,
                "GRADER_PREFIX": e.prefix, "GRADER_MIN_SCORE": ""})
    code, out, err = e.run([os.path.join(e.src, "ci/gitlab/grade.sh")], env, cwd=e.tmp)
    check(code == 1, "gitlab: exit %d, expected 1; stderr: %s" % (code, err))
    found = sorted(os.path.basename(p) for p in glob.glob(os.path.join(ws, pattern)))
    check(found == ["junit-fib-generator.xml", "junit-sort-users.xml"],
          "gitlab: %s finds %r" % (pattern, found))
    check_junit([os.path.join(ws, "grader-reports", f) for f in found],
                os.path.join(e.src, "tests/data/junit.xsd"))
    for path in job["artifacts"]["paths"]:
        check(os.path.isdir(os.path.join(ws, path)), "gitlab: artifact path %s" % path)
    check("fib.c:%d:" % FIB_LINE in out, "gitlab: the log lacks the compiler's line")
    check(not any(l.strip().startswith("::") for l in out.splitlines()),
          "gitlab: workflow commands in a GitLab log")
    check("total " in out and "failed" in out, "gitlab: the log has no total")
    summary = json.loads(read(os.path.join(ws, "grader-reports", "summary.json")))
    check(summary["ci"] == "gitlab" and summary["repository"] == "course/alice",
          "gitlab: summary.json ci/repository %r %r" % (summary["ci"], summary["repository"]))
    # The script's variables: a pass mark.
    env["GRADER_MIN_SCORE"] = "0"
    code, out, err = e.run([os.path.join(e.src, "ci/gitlab/grade.sh")], env, cwd=e.tmp)
    check(code == 0, "gitlab: GRADER_MIN_SCORE=0: exit %d; %s" % (code, err))


def scenario_hostile(e):
    with open(os.path.join(e.src, "fixtures/hostile-output/submission.c"),
              encoding="utf-8", errors="surrogateescape") as f:
        hostile = f.read()
    # Compiler output whose lines start with commands: #line renames the file.
    fib = ('#line 1 "::add-mask::x"\n'
           '#warning "::stop-commands::zzz"\n'
           '#line 1 "::error file=README.md,line=1::forged"\n'
           '#error "##[error]old-style </failure><x> | cell | <img src=x> @everyone"\n')
    ws = e.repo("hostile", {"sort_users.c": hostile, "src/fib.c": fib}, config={
        "name": "::error::Week <b>3</b> | x", "exercises": [
            {"id": "sort-users"}, {"id": "fib-generator", "file": "src/fib.c"}]})
    env = e.github_env(ws)
    code, out, err = e.action(env, ws)
    check(code == 1, "hostile: exit %d, expected 1; stderr: %s" % (code, err[-2000:]))
    commands = runner_commands(out)
    check_commands_are_ours(commands, ["sort-users", "fib-generator"],
                            "::error::Week <b>3</b> | x")
    check(not [c for c in commands if c[0] == "add-mask"], "hostile: an add-mask command")
    check("pwned" in out, "hostile: the learner's output is not in the log at all")
    reports = env["GRADER_REPORTS"]
    md = read(env["GITHUB_STEP_SUMMARY"])
    for bad in ("<img", "<x>", "<b>3", "@everyone", "](http", "##["):
        check(bad not in md, "hostile: %r in the markdown summary" % bad)
    check_markdown_table(md)
    check_junit(sorted(glob.glob(os.path.join(reports, "junit-*.xml"))),
                os.path.join(e.src, "tests/data/junit.xsd"))
    summary = json.loads(read(os.path.join(reports, "summary.json")))
    check(summary["assignment"] == "::error::Week <b>3</b> | x", "hostile: the json's name")
    by_id = {x["id"]: x for x in summary["exercises"]}
    check(by_id["sort-users"]["status"] == "failed", "hostile: sort-users %r"
          % by_id["sort-users"]["status"])
    check(by_id["fib-generator"]["status"] == "compile_error", "hostile: fib %r"
          % by_id["fib-generator"]["status"])
    # The same in a GitLab log: nothing a terminal would act on.
    genv = e.base_env()
    genv.update({"GITLAB_CI": "true", "CI_PROJECT_DIR": ws, "GRADER_PREFIX": e.prefix})
    code, out, err = e.run([os.path.join(e.src, "ci/gitlab/grade.sh")], genv, cwd=e.tmp)
    check(code == 1, "hostile (gitlab): exit %d" % code)
    check("\x1b" not in out and "\r" not in out, "hostile (gitlab): escape bytes in the log")
    check_junit(sorted(glob.glob(os.path.join(ws, "grader-reports", "junit-*.xml"))),
                os.path.join(e.src, "tests/data/junit.xsd"))


class Receiver(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Receiver.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def scenario_webhook(e):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        ws = sample(e)
        key = "course-key-" + os.urandom(8).hex()
        url = "http://127.0.0.1:%d/hooks/grader" % server.server_address[1]
        env = e.github_env(ws, INPUT_WEBHOOK_URL=url, INPUT_WEBHOOK_SECRET_NAME="COURSE_KEY",
                           COURSE_KEY=key,
                           GRADER_SPOOL_DIR=os.path.join(e.tmp, "spool"))
        code, out, err = e.action(env, ws)
        check(code == 1, "webhook: exit %d, expected 1; %s" % (code, err))
        check(key not in out and key not in err, "webhook: the secret was printed")
        check(len(Receiver.received) == 2, "webhook: %d deliveries, expected 2"
              % len(Receiver.received))
        names = set()
        for headers, body in Receiver.received:
            sig = headers.get("X-Grader-Signature-256", "")
            want = "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
            check(hmac.compare_digest(sig, want), "webhook: a bad signature %r" % sig)
            names.add(json.loads(body)["submission"])
        sha = env["GITHUB_SHA"]
        check(names == {"octo/week3@%s:sort_users.c" % sha, "octo/week3@%s:src/fib.c" % sha},
              "webhook: submissions %r" % names)
        # Under pull_request_target, GITHUB_REPOSITORY and GITHUB_SHA are the
        # base's: the signed report names the pull request's head instead.
        event = os.path.join(e.tmp, "event.json")
        head = "9" * 40
        with open(event, "w") as f:
            json.dump({"pull_request": {"number": 17, "title": "::error::x", "head": {
                "sha": head, "ref": "main", "repo": {"full_name": "learner/week3"}}}}, f)
        Receiver.received.clear()
        env = e.github_env(ws, INPUT_WEBHOOK_URL=url, INPUT_WEBHOOK_SECRET_NAME="COURSE_KEY",
                           COURSE_KEY=key, GRADER_SPOOL_DIR=os.path.join(e.tmp, "spool"),
                           GITHUB_EVENT_NAME="pull_request_target", GITHUB_EVENT_PATH=event)
        code, out, err = e.action(env, ws)
        check(code == 1, "webhook (pull request): exit %d; %s" % (code, err))
        names = {json.loads(body)["submission"] for _, body in Receiver.received}
        check(names == {"learner/week3@%s:sort_users.c" % head,
                        "learner/week3@%s:src/fib.c" % head},
              "webhook (pull request): submissions %r" % names)
        summary = json.loads(read(os.path.join(env["GRADER_REPORTS"], "summary.json")))
        check(summary["pull_request"] == 17 and summary["repository"] == "learner/week3"
              and summary["commit"] == head, "webhook (pull request): summary.json %r"
              % {k: summary[k] for k in ("pull_request", "repository", "commit")})
        # A URL without the secret on the step is refused before grading.
        env = e.github_env(ws, INPUT_WEBHOOK_URL=url, INPUT_WEBHOOK_SECRET_NAME="COURSE_KEY")
        code, out, err = e.action(env, ws)
        check(code == 2 and "COURSE_KEY" in out, "webhook: no secret: exit %d, %s"
              % (code, out))
        env = e.github_env(ws, INPUT_WEBHOOK_URL=url, INPUT_WEBHOOK_SECRET_NAME="A;B")
        code, out, err = e.action(env, ws)
        check(code == 2, "webhook: a bad secret name: exit %d" % code)
    finally:
        server.shutdown()


def scenario_inputs(e):
    grader = e.grader
    env = e.base_env()
    empty = e.repo("empty", {}, config=False)
    code, out, err = e.run([grader, "ci", "--repo", empty], env)
    check(code == 2 and "no assignment file" in err, "inputs: no grader.json: %d %s"
          % (code, err))
    bad = e.repo("unknown", {}, config={"exercises": [{"id": "no-such-exercise"}]})
    code, out, err = e.run([grader, "ci", "--repo", bad], env)
    check(code == 2 and "no-such-exercise" in err, "inputs: unknown exercise: %d %s"
          % (code, err))
    code, out, err = e.run([grader, "ci", "--repo", bad, "extra"], env)
    check(code == 2, "inputs: an extra argument: %d" % code)
    # Gradescope's upload is the learner's: its grader.json never sets the grade.
    upload = e.repo("upload", {"fib.c": e.reference("fib-generator")},
                    config={"exercises": [{"id": "fib-generator", "file": "fib.c",
                                           "weight": 100}]})
    results = os.path.join(e.tmp, "results.json")
    code, out, err = e.run([grader, "ci", "--repo", upload, "--gradescope", results], env)
    check(code == 2 and "--gradescope needs --config" in err and not os.path.exists(results),
          "inputs: --gradescope without --config: %d %s" % (code, err))

    # Links to the grader's own reference solutions are not submissions.
    tricks = e.repo("tricks", {"elsewhere/fib.c": e.reference("fib-generator")}, config={
        "exercises": [{"id": "sort-users"}, {"id": "fib-generator", "file": "src/fib.c"},
                      {"id": "lru-cache"}]})
    os.symlink(os.path.join(tricks, "elsewhere"), os.path.join(tricks, "src"))
    os.symlink(os.path.join(e.src, "exercises/lru-cache/reference.c"),
               os.path.join(tricks, "lru_cache.c"))
    code, out, err = e.run([grader, "ci", "--repo", tricks], env)
    check(code == 1, "inputs: tricks: exit %d, expected 1; %s" % (code, err))
    summary = json.loads(read(os.path.join(tricks, "grader-reports", "summary.json")))
    by_id = {x["id"]: x for x in summary["exercises"]}
    check(by_id["sort-users"]["status"] == "missing", "inputs: missing: %r"
          % by_id["sort-users"])
    for ex in ("fib-generator", "lru-cache"):
        check(by_id[ex]["status"] == "invalid" and "symbolic link" in by_id[ex]["note"],
              "inputs: a link graded: %r" % by_id[ex])
        check(by_id[ex]["score"] == 0 and by_id[ex]["report"] is None,
              "inputs: a link scored: %r" % by_id[ex]["score"])
    check(summary["score"] == 0 and summary["passed"] is False, "inputs: tricks total")
    check(len(glob.glob(os.path.join(tricks, "grader-reports", "junit-*.xml"))) == 3,
          "inputs: one junit file per exercise, graded or not")
    check("missing" in out and "symbolic link" in out, "inputs: the log: %s" % out)

    # Reports are never written through a link the learner committed.
    linked = e.repo("linked", {"sort_users.c": e.reference("sort-users")},
                    config={"exercises": [{"id": "sort-users"}]})
    target = os.path.join(e.tmp, "target")
    os.makedirs(target)
    os.symlink(target, os.path.join(linked, "grader-reports"))
    code, out, err = e.run([grader, "ci", "--repo", linked], env)
    check(code == 2 and "symbolic link" in err, "inputs: reports through a link: %d %s"
          % (code, err))
    check(os.listdir(target) == [], "inputs: a report was written through the link")


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    scenario, grader, src = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    e = Env(grader, os.path.abspath(src))
    try:
        globals()["scenario_" + scenario](e)
    finally:
        shutil.rmtree(e.tmp, ignore_errors=True)
    if failures:
        print("%d checks failed" % len(failures))
        return 1
    print("ci %s: all checks passed" % scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main())
