#!/usr/bin/env python3
"""Every report format, from one grading run, checked by the tools that read it.

usage: reports.py GRADER SOURCE_DIR [--update-golden]

- json: validated against docs/report.schema.json (python3-jsonschema);
- junit: validated against tests/data/junit.xsd (xmllint), then parsed;
- tap: as written, run through prove (Debian 12's Test::Harness 3.44 reads
  TAP version 13) and parsed by Perl's TAP::Parser and by npm's tap-parser
  (TAP 14, strict): the plan, every test's ok or not ok, the failures;
- gradescope: the fields Gradescope reads, with their types;
- github: every stdout line parsed the way GitHub's runner parses log lines,
  plus the step summary and step outputs files;
- markdown: the table;
- all of them carry the same receipt (one run, one delivery id);
- golden files (tests/data/golden/) for json, junit, tap and markdown, with
  times, ids, hashes of the spec and the toolchain normalised;
- the hostile fixture (fixtures/hostile-output): what it prints, its
  compiler warning and its failure message appear escaped in every format,
  never as a workflow command, broken XML, a JSON break or a TAP line.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import jsonschema

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import fixture_source  # noqa: E402

GRADER = SRC = TMP = None
UPDATE = False
FAILURES = []
SEED = "4242"
FORMATS = ["human", "json", "junit", "tap", "gradescope", "github", "markdown"]


def fail(msg):
    FAILURES.append(msg)
    print("FAIL: " + msg)


def check(cond, msg):
    if not cond:
        fail(msg)
    return cond


def grade(submission, name, fmt="human", extra=(), env_extra=None, cwd=None):
    """Runs grader check once with every format to a file; returns paths and stdout."""
    out = os.path.join(TMP, name)
    os.makedirs(out, exist_ok=True)
    paths = {f: os.path.join(out, "report." + f) for f in FORMATS}
    summary = os.path.join(out, "step-summary.md")
    outputs = os.path.join(out, "step-outputs")
    env = dict(os.environ, GITHUB_STEP_SUMMARY=summary, GITHUB_OUTPUT=outputs, NO_COLOR="1")
    env.pop("GRADER_WEBHOOK_SECRET", None)
    env.update(env_extra or {})
    cmd = [GRADER, "check", "sort-users", submission, "--seed", SEED, "--format", fmt]
    for f in FORMATS:
        cmd += ["--report", "%s=%s" % (f, paths[f])]
    cmd += list(extra)
    proc = subprocess.run(cmd, cwd=cwd or SRC, env=env, capture_output=True, timeout=150)
    return proc, paths, summary, outputs


def read(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8")


# ---------------------------------------------------------------- json

def check_json(path, schema):
    text = read(path)
    try:
        rep = json.loads(text)
    except ValueError as e:
        fail("%s is not JSON: %s" % (path, e))
        return None
    try:
        jsonschema.Draft7Validator(schema).validate(rep)
    except jsonschema.ValidationError as e:
        fail("%s does not match docs/report.schema.json: %s at %s" % (
            path, e.message, list(e.absolute_path)))
    return rep


# ---------------------------------------------------------------- junit

def check_junit(path, rep):
    proc = subprocess.run(["xmllint", "--noout", "--schema",
                           os.path.join(SRC, "tests/data/junit.xsd"), path],
                          capture_output=True, text=True, timeout=30)
    check(proc.returncode == 0, "junit %s does not validate: %s" % (path, proc.stderr))
    root = ET.parse(path).getroot()
    suites = root.findall("testsuite")
    if not check(len(suites) == 1, "junit: one testsuite expected"):
        return root
    cases = suites[0].findall("testcase")
    check(len(cases) == len(rep["tests"]) + 1, "junit: %d testcases for %d tests" % (
        len(cases), len(rep["tests"])))
    check(cases[0].get("name") == "compile", "junit: first testcase is not compile")
    compile_err = cases[0].find("error")
    check((compile_err is not None) == (rep["compile"]["status"] == "error"),
          "junit: compile testcase does not match the compile status")
    kinds = {"passed": None, "failed": "failure", "timeout": "failure",
             "memory": "failure", "output_limit": "failure", "crashed": "error",
             "forbidden": "error", "skipped": "skipped", "memory_error": "error"}
    for case, t in zip(cases[1:], rep["tests"]):
        check(case.get("name") == t["name"], "junit: testcase %s vs %s" % (
            case.get("name"), t["name"]))
        children = [c.tag for c in case if c.tag in ("failure", "error", "skipped")]
        want = kinds[t["status"]]
        check(children == ([want] if want else []), "junit: %s (%s) has %s" % (
            t["name"], t["status"], children))
    props = {p.get("name"): p.get("value") for p in suites[0].iter("property")}
    for key in ("submission_sha256", "spec_sha256", "grader_version", "compiler", "seed",
                "isolation", "delivery_id", "timestamp", "limits.cpu_ms"):
        check(key in props, "junit: no property %s" % key)
    check(props.get("delivery_id") == rep["receipt"]["delivery_id"],
          "junit: delivery_id differs from the json report's")
    check(props.get("submission_sha256") == rep["sha256"], "junit: sha256 differs")
    counts = {k: int(suites[0].get(k)) for k in ("tests", "failures", "errors", "skipped")}
    check(counts["tests"] == len(cases), "junit: tests= %d" % counts["tests"])
    return root


# ---------------------------------------------------------------- tap

PERL_TAP = r"""
use strict; use warnings; use TAP::Parser; use JSON::PP;
open(my $fh, '<:raw', $ARGV[0]) or die "$ARGV[0]: $!";
my $text = do { local $/; <$fh> };
my $p = TAP::Parser->new({ tap => $text });
my (@tests, @yaml, @comments, @other);
while (my $r = $p->next) {
    if ($r->is_test) {
        push @tests, { number => $r->number, ok => ($r->is_actual_ok ? 1 : 0),
                       description => $r->description, directive => $r->directive,
                       explanation => $r->explanation };
    } elsif ($r->is_yaml) {
        push @yaml, { test => scalar(@tests), data => $r->data };
    } elsif ($r->is_comment) {
        push @comments, $r->comment;
    } elsif (!$r->is_plan && !$r->is_version) {
        push @other, $r->raw;
    }
}
print JSON::PP->new->canonical->encode({ tests => \@tests, yaml => \@yaml,
    comments => \@comments, other => \@other, planned => $p->tests_planned,
    failed => [ $p->failed ], passed => [ $p->passed ], errors => [ $p->parse_errors ],
    version => $p->version });
"""


def prove_ranges(numbers):
    """Test numbers as prove's summary lists them: "2, 4-6, 9"."""
    out, i = [], 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        out.append(str(numbers[i]) if i == j else "%d-%d" % (numbers[i], numbers[j]))
        i = j + 1
    return ", ".join(out)


def check_prove(path, names, failed):
    """prove (Test::Harness; Debian 12 has 3.44) reads the file as written."""
    proc = subprocess.run(["prove", "-v", "--exec", "cat", path], capture_output=True,
                          text=True, timeout=60)
    out = proc.stdout
    check("Parse errors" not in out, "prove: parse errors: %s" % out[-2000:])
    check((proc.returncode == 0) == (not failed), "prove exited %d for a report with %d "
          "failure(s)" % (proc.returncode, len(failed)))
    if failed:
        check(re.search(r"\(Wstat: \d+ Tests: %d Failed: %d\)" % (len(names), len(failed)), out),
              "prove: not 'Tests: %d Failed: %d': %s" % (len(names), len(failed), out[-800:]))
        check(re.search(r"(?m)^\s+Failed tests?:\s+%s$" % re.escape(prove_ranges(failed)), out),
              "prove: failed tests are not %s: %s" % (prove_ranges(failed), out[-800:]))
    else:
        check("All tests successful." in out and "Tests=%d," % len(names) in out,
              "prove: not all %d tests successful: %s" % (len(names), out[-800:]))


def check_tap_parser_npm(path, rep, names, oks, failed):
    """tap-parser from npm (a TAP 14 parser; pinned, installed into ci/.node), strict."""
    tool = os.path.join(SRC, "ci", ".node", "node_modules", ".bin", "tap-parser")
    if not check(os.path.exists(tool), "tap-parser is not installed: run ci/github/lint.sh "
                 "--install (ci/bootstrap.sh does)"):
        return
    with open(path, "rb") as f:
        proc = subprocess.run([tool, "--json=0", "--strict"], stdin=f, capture_output=True,
                              timeout=60)
    # It exits 1 for a stream that fails, as prove does.
    if not check(proc.returncode == (1 if failed else 0) and proc.stdout,
                 "tap-parser: exit %d for %d failure(s): %s" % (
                     proc.returncode, len(failed), proc.stderr.decode(errors="replace")[-500:])):
        return
    events = json.loads(proc.stdout)
    kinds = [e[0] for e in events]
    check(events[:1] == [["version", 13]], "tap-parser: version %s" % events[:1])
    plans = [e[1] for e in events if e[0] == "plan"]
    check(len(plans) == 1 and plans[0]["start"] == 1 and plans[0]["end"] == len(names),
          "tap-parser: plan %s for %d tests" % (plans, len(names)))
    for bad in ("extra", "bailout"):
        check(bad not in kinds, "tap-parser: %s events: %s" % (
            bad, [e for e in events if e[0] == bad][:3]))
    asserts = [e[1] for e in events if e[0] == "assert"]
    check([a["id"] for a in asserts] == list(range(1, len(names) + 1)),
          "tap-parser: test ids %s" % [a["id"] for a in asserts])
    check([a["name"] for a in asserts] == names, "tap-parser: names %s" % [
        a["name"] for a in asserts])
    check([a["ok"] for a in asserts] == oks, "tap-parser: ok %s, expected %s" % (
        [a["ok"] for a in asserts], oks))
    statuses = [rep["compile"]["status"]] + [t["status"] for t in rep["tests"]]
    for a, st in zip(asserts, statuses):
        check(bool(a.get("skip")) == (st == "skipped"), "tap-parser: %s skip %r for %s" % (
            a["name"], a.get("skip"), st))
        if not a["ok"]:
            check(isinstance(a.get("diag"), dict), "tap-parser: %s fails without a YAML "
                  "block" % a["name"])
        if isinstance(a.get("diag"), dict):
            check(a["diag"].get("status") == st, "tap-parser: %s YAML status %r, report %r" % (
                a["name"], a["diag"].get("status"), st))
    done = [e[1] for e in events if e[0] == "complete"]
    if not check(len(done) == 1, "tap-parser: %d complete events" % len(done)):
        return
    res = done[0]
    check(res["count"] == len(names) and res["fail"] == len(failed) and
          res["ok"] == (not failed), "tap-parser: count %d, fail %d, ok %s; expected %d, %d" % (
              res["count"], res["fail"], res["ok"], len(names), len(failed)))
    check([f.get("id") for f in res["failures"]] == failed,
          "tap-parser: failures %s, expected %s" % ([f.get("id") for f in res["failures"]],
                                                    failed))
    check(not [f for f in res["failures"] if f.get("tapError")], "tap-parser: parse errors %s"
          % [f["tapError"] for f in res["failures"] if f.get("tapError")])


def check_tap(path, rep):
    """The stream as written, read by prove, TAP::Parser and npm's tap-parser."""
    text = read(path)
    check(text.startswith("TAP version 13\n"), "tap: does not start with 'TAP version 13'")
    names = ["compile"] + [t["name"] for t in rep["tests"]]
    oks = [rep["compile"]["status"] == "ok"] + [
        t["status"] in ("passed", "skipped") for t in rep["tests"]]
    failed = [i + 1 for i, ok in enumerate(oks) if not ok]
    check_prove(path, names, failed)
    check_tap_parser_npm(path, rep, names, oks, failed)
    proc = subprocess.run(["perl", "-e", PERL_TAP, path], capture_output=True, text=True,
                          timeout=60)
    if not check(proc.returncode == 0, "TAP::Parser: %s" % proc.stderr):
        return None
    tap = json.loads(proc.stdout)
    check(tap["version"] == 13, "TAP::Parser: version %s" % tap["version"])
    check(not tap["errors"], "TAP::Parser errors: %s" % tap["errors"])
    check(not tap["other"], "tap: lines that are not TAP: %s" % tap["other"][:5])
    check(tap["planned"] == len(names), "tap: plan %s for %d tests" % (tap["planned"], len(names)))
    check([t["number"] for t in tap["tests"]] == list(range(1, len(names) + 1)),
          "tap: test numbers %s" % [t["number"] for t in tap["tests"]])
    check([t["description"] for t in tap["tests"]] == ["- " + n for n in names],
          "tap: descriptions %s" % [t["description"] for t in tap["tests"]])
    check([bool(t["ok"]) for t in tap["tests"]] == oks, "TAP::Parser: ok %s, expected %s" % (
        [t["ok"] for t in tap["tests"]], oks))
    check(tap["failed"] == failed, "TAP::Parser: failed %s, expected %s" % (tap["failed"], failed))
    check(len(tap["passed"]) == len(names) - len(failed), "TAP::Parser: %d passed of %d" % (
        len(tap["passed"]), len(names)))
    for t, r in zip(tap["tests"][1:], rep["tests"]):
        want_dir = "SKIP" if r["status"] == "skipped" else ""
        check((t["directive"] or "") == want_dir, "tap: %s directive %r" % (
            r["name"], t["directive"]))
    check(any(re.match(r"^(# )?delivery_id %s$" % rep["receipt"]["delivery_id"], c)
              for c in tap["comments"]), "tap: no delivery_id comment in %s" % tap["comments"])
    return tap


# ---------------------------------------------------------------- gradescope

def check_gradescope(path, rep):
    try:
        gs = json.loads(read(path))
    except ValueError as e:
        fail("gradescope: not JSON: %s" % e)
        return None
    check(gs.get("score") == rep["score"], "gradescope: score")
    check(gs.get("max_score") == rep["max_score"], "gradescope: max_score")
    tests = gs.get("tests", [])
    check(len(tests) == len(rep["tests"]) + 1, "gradescope: %d tests" % len(tests))
    for t in tests:
        for key, typ in (("name", str), ("score", (int, float)), ("max_score", (int, float)),
                         ("status", str), ("output", str), ("visibility", str)):
            check(isinstance(t.get(key), typ), "gradescope: test %s: %s" % (t.get("name"), key))
        check(t.get("status") in ("passed", "failed"), "gradescope: status %s" % t.get("status"))
        check(t.get("visibility") in ("visible", "hidden", "after_due_date", "after_published"),
              "gradescope: visibility %s" % t.get("visibility"))
    check(sum(t["score"] for t in tests) == rep["score"], "gradescope: test scores do not add up")
    extra = gs.get("extra_data", {})
    check(extra.get("delivery_id") == rep["receipt"]["delivery_id"], "gradescope: delivery_id")
    check(extra.get("submission_sha256") == rep["sha256"], "gradescope: sha256")
    return gs


# ---------------------------------------------------------------- github

def runner_lines(text):
    """Lines as the runner reads them: CR, LF and CRLF all end a line."""
    return re.split(r"\r\n|\r|\n", text)


def runner_command(line):
    """What GitHub's runner makes of one log line: (command, props, data) or None.

    The '::' form must start the line once leading blanks are trimmed; the
    older '##[' form is found anywhere in the line."""
    s = line.lstrip()
    if s.startswith("::"):
        end = s.find("::", 2)
        if end < 0:
            return None
        info = s[2:end]
        name, _, props = info.partition(" ")
        return (name, props, s[end + 2:])
    i = line.find("##[")
    if i >= 0 and "]" in line[i:]:
        return (line[i + 3:line.index("]", i)].split(" ")[0], "", "")
    return None


def unescape_data(s):
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(s):
    return (s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
            .replace("%2C", ",").replace("%25", "%"))


def github_commands(text):
    cmds = []
    for line in runner_lines(text):
        c = runner_command(line)
        if c:
            cmds.append((line, c))
    return cmds


def check_github(stdout, summary, outputs, rep):
    lines = [l for l in runner_lines(stdout) if l]
    cmds = []
    for line in lines:
        m = re.match(r"^::(error|warning|notice)( ([^:]*))?::(.*)$", line)
        if not check(m is not None, "github: a stdout line is not an annotation: %r" % line[:200]):
            continue
        c = runner_command(line)
        check(c is not None and c[0] == m.group(1), "github: the runner reads %r as %r" % (
            line[:100], c))
        props = {}
        for kv in (m.group(3) or "").split(","):
            if kv:
                k, _, v = kv.partition("=")
                props[k] = unescape_property(v)
        cmds.append((m.group(1), props, unescape_data(m.group(4))))
    notices = [c for c in cmds if c[0] == "notice"]
    check(len(notices) == 1 and "score %d/%d" % (rep["score"], rep["max_score"]) in notices[0][2],
          "github: one notice with the score")
    check(rep["receipt"]["delivery_id"] in notices[0][2] if notices else False,
          "github: the notice lacks the delivery id")
    failing = [t for t in rep["tests"] if t["status"] not in ("passed", "skipped")]
    test_errors = [c for c in cmds if c[0] == "error" and "file" not in c[1] and
                   c[1].get("title", "").startswith(rep["exercise"] + ": ")]
    check(len(test_errors) == len(failing), "github: %d test errors for %d failing tests" % (
        len(test_errors), len(failing)))
    check(read(outputs) == "score=%d\nmax_score=%d\n" % (rep["score"], rep["max_score"]),
          "github: $GITHUB_OUTPUT holds %r" % read(outputs))
    md = read(summary)
    if rep["compile"]["status"] == "ok":
        check("| test | points |" in md, "github: no table in $GITHUB_STEP_SUMMARY")
    else:
        check("does not compile" in md, "github: $GITHUB_STEP_SUMMARY lacks the compile error")
    return cmds


# ---------------------------------------------------------------- markdown

def check_markdown(path, rep):
    md = read(path)
    rows = [l for l in md.splitlines() if l.startswith("| ") and " | " in l]
    check(len(rows) == (len(rep["tests"]) + 1 if rep["compile"]["status"] == "ok" else 0),
          "markdown: %d table rows for %d tests" % (len(rows), len(rep["tests"])))
    for row in rows[1:]:
        # Five cells: no text may add a column.
        cells = re.split(r"(?<!\\)\|", row)
        check(len(cells) == 7, "markdown: a row has %d cells: %r" % (len(cells) - 2, row[:200]))
    check(rep["receipt"]["delivery_id"].replace("-", "&#45;") in md, "markdown: no delivery id")
    return md


# ---------------------------------------------------------------- every format

def check_all(submission, name, schema, want_exit, cwd=None):
    proc, paths, summary, outputs = grade(submission, name, fmt="github", cwd=cwd)
    stdout = proc.stdout.decode("utf-8")
    check(proc.returncode == want_exit, "%s: exit %d, expected %d: %s" % (
        name, proc.returncode, want_exit, proc.stderr.decode(errors="replace")))
    for f in FORMATS:
        if not check(os.path.exists(paths[f]), "%s: no %s report" % (name, f)):
            return None
    rep = check_json(paths["json"], schema)
    if rep is None:
        return None
    res = {"json": rep, "paths": paths, "stdout": stdout}
    res["junit"] = check_junit(paths["junit"], rep)
    res["tap"] = check_tap(paths["tap"], rep)
    res["gradescope"] = check_gradescope(paths["gradescope"], rep)
    res["github"] = check_github(stdout, summary, outputs, rep)
    res["markdown"] = check_markdown(paths["markdown"], rep)
    human = read(paths["human"])
    check("score %d/%d" % (rep["score"], rep["max_score"]) in human, "human: no score line")
    # One run: the file and stdout github reports are the same but for nothing.
    check(read(paths["github"]) == stdout, "%s: --format github and --report github differ" % name)
    return res


# ---------------------------------------------------------------- golden files

def normalise(fmt, text):
    if fmt == "json":
        rep = json.loads(text)
        r = rep["receipt"]
        for k in ("spec_sha256", "compiler", "delivery_id", "timestamp", "grader_version"):
            r[k] = "<%s>" % k
        r["isolation"] = ["<layers>"]
        rep["grader_version"] = "<grader_version>"
        rep["wall_ms"] = 0
        for t in rep["tests"]:
            t["time_ms"] = t["memory_kb"] = t["reference_ms"] = 0
            if t["limit_ms"] != r["limits"]["cpu_ms"]:
                t["limit_ms"] = "<scaled>"
        return json.dumps(rep, indent=4, ensure_ascii=False) + "\n"
    subs = [
        (r'time="[0-9.]+"', 'time="<t>"'),
        (r'timestamp="[^"]*"', 'timestamp="<timestamp>"'),
        (r'(name="(spec_sha256|compiler|isolation|delivery_id|timestamp|grader_version)" '
         r'value=)"[^"]*"', r'\1"<\2>"'),
        (r'[0-9.]+ ms CPU \(limit [0-9.]+ ms\)', '<t> ms CPU (limit <l> ms)'),
        (r'(?m)^# (spec_sha256|compiler|isolation|delivery_id|timestamp) .*$', r'# \1 <\1>'),
        (r'(?m)^# grader [0-9.]+:', '# grader <version>:'),
        (r'(?m)^  (time_ms|limit_ms): [0-9.]+$', r'  \1: <t>'),
        (r'\| [0-9.]+ ms \|', '| <t> ms |'),
        (r'(?m)^<sub>receipt: .*</sub>$', '<sub>receipt: <receipt></sub>'),
    ]
    for pat, rep in subs:
        text = re.sub(pat, rep, text)
    return text


def check_golden(paths):
    for fmt, ext in (("json", "json"), ("junit", "xml"), ("tap", "tap"), ("markdown", "md")):
        got = normalise(fmt, read(paths[fmt]))
        golden = os.path.join(SRC, "tests/data/golden/fails-ascending-score.%s" % ext)
        if UPDATE:
            os.makedirs(os.path.dirname(golden), exist_ok=True)
            with open(golden, "w") as f:
                f.write(got)
            print("updated " + os.path.relpath(golden, SRC))
            continue
        try:
            want = read(golden)
        except FileNotFoundError:
            fail("no golden file %s (run with --update-golden)" % golden)
            continue
        if got != want:
            import difflib
            diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                "golden", "now", n=2))
            fail("%s report differs from %s (if intended: reports.py GRADER SRC "
                 "--update-golden):\n%s" % (fmt, os.path.relpath(golden, SRC), diff[:4000]))


# ---------------------------------------------------------------- hostile output

HOSTILE_COMMANDS = ["::error::pwned", "::add-mask::x", "::stop-commands::t",
                    "::warning::indented-pwned", "##[error]v1-pwned", "##[add-mask]Failed",
                    "##vso[task.complete", "</failure><x>", "]]>", "not ok 1 - fake",
                    "# TODO", "Bail out! pwned"]


def check_hostile(res):
    rep = res["json"]
    paths = res["paths"]
    out = next(t["output"] for t in rep["tests"] if t["output"])
    for h in HOSTILE_COMMANDS:
        check(h in out, "json: the output lacks %r (the fixture changed?)" % h)
    check("::error file=x,line=1::pwned-by-warning" in rep["compile"]["output"],
          "json: the compiler warning is not in the report")
    single = next(t for t in rep["tests"] if t["name"] == "single")
    check(single["status"] == "failed" and "::error::n ]]></x>" in single["message"],
          "json: the hostile name is not in the failure message")
    # No format, printed in a CI log, ever runs a command the submission wrote.
    for f in FORMATS:
        text = read(paths[f])
        for line in runner_lines(text):
            c = runner_command(line)
            if f == "github" and c and re.match(r"^::(error|warning|notice) ", line):
                continue
            check(c is None, "%s: the runner would run %r from line %r" % (f, c, line[:160]))
            check("\x1b" not in line, "%s: a raw escape character" % f)
        check("##[" not in text and "##vso[" not in text, "%s: '##[' in the report" % f)
    # Escaped, yet all there: the decoded values hold the hostile text.
    cmds = res["github"]
    test_error = next((c for c in cmds if "single" in c[1].get("title", "")), None)
    if check(test_error is not None, "github: no annotation for the failing test"):
        for h in HOSTILE_COMMANDS[:4]:
            check(h in test_error[2], "github: the annotation lost %r" % h)
    warn = [c for c in cmds if c[0] == "warning" and c[1].get("file")]
    check(any(c[1]["file"] == "fixtures/hostile-output/submission.c" and c[1].get("line") == "14"
              and "col" in c[1] and "::error file=x,line=1::pwned-by-warning" in c[2]
              for c in warn), "github: no warning annotation with file, line and col: %s" % warn)
    root = res["junit"]
    outs = [e.text or "" for e in root.iter("system-out")]
    check(any("</failure><x>" in o and "]]>" in o and "::add-mask::x" in o for o in outs),
          "junit: the output did not survive escaping")
    check(not list(root.iter("x")), "junit: an element <x> was injected")
    failure = [e for e in root.iter("failure")]
    check(len(failure) == 1 and "::error::n ]]></x>" in (failure[0].text or ""),
          "junit: the failure lost the hostile name")
    tap = res["tap"]
    if tap:
        outputs = [y["data"].get("output", "") for y in tap["yaml"] if isinstance(y["data"], dict)]
        check(any("not ok 1 - fake" in o and "Bail out! pwned" in o and "# TODO" in o
                  for o in outputs), "tap: the output did not survive in the YAML block")
        check(all(not t["directive"] or t["directive"] == "SKIP" for t in tap["tests"]),
              "tap: a TODO directive crept in")
    gs = res["gradescope"]
    if gs:
        check(any("::error::pwned" in t["output"] and "</failure><x>" in t["output"]
                  for t in gs["tests"]), "gradescope: the output is missing")
    md = res["markdown"]
    for bad in ("<x>", "</failure>", "<img", "@everyone", "](http", "::error"):
        check(bad not in md, "markdown: %r appears raw" % bad)
    check("&#60;img src&#61;x" in md or "&lt;img src=x" in md, "markdown: the output is missing")
    human = read(paths["human"])
    check("\\x1b[31mred" in human, "human: the escape character is not made visible")


# ---------------------------------------------------------------- command line

def check_usage():
    ref = "exercises/sort-users/reference.c"
    for args, want, what in (
            (["--report", "json"], 2, "--report without ="),
            (["--report", "yaml=x"], 2, "--report with an unknown format"),
            (["--format", "xml"], 2, "--format with an unknown format"),
            (["--report", "json=%s/no/such/dir/r.json" % TMP], 3, "--report to a missing dir")):
        proc = subprocess.run([GRADER, "check", "sort-users", ref, "--seed", SEED] + args,
                              cwd=SRC, capture_output=True, text=True, timeout=150)
        check(proc.returncode == want, "%s: exit %d, expected %d (%s)" % (
            what, proc.returncode, want, proc.stderr.strip()))
        check(proc.stderr.startswith("grader: "), "%s: no 'grader: ' message" % what)


def check_stream():
    """--report to a device writes into it, and leaves the device alone."""
    proc = subprocess.run([GRADER, "check", "sort-users", "exercises/sort-users/reference.c",
                           "--seed", SEED, "--format", "json", "--report", "tap=/dev/stderr"],
                          cwd=SRC, capture_output=True, text=True, timeout=150)
    check(proc.returncode == 0, "tap=/dev/stderr: exit %d" % proc.returncode)
    check(proc.stderr.startswith("TAP version 13\n"), "tap=/dev/stderr: %r" % proc.stderr[:80])
    check(json.loads(proc.stdout)["score"] > 0, "tap=/dev/stderr: no json on stdout")


def main():
    global GRADER, SRC, TMP, UPDATE
    GRADER, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    UPDATE = "--update-golden" in sys.argv
    with open(os.path.join(SRC, "docs/report.schema.json")) as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    with tempfile.TemporaryDirectory() as tmp:
        TMP = tmp
        # A known mistake's program, written under TMP at the fixture's own
        # path: the reports name the submission as given, golden files too.
        fails = "fixtures/sort-users/fails-ascending-score"
        fixture_source.submission(GRADER, os.path.join(SRC, fails), "sort-users",
                                  work=os.path.join(TMP, "fixtures"))
        res = check_all(fails + "/submission.c", "fails", schema, 1, cwd=TMP)
        if res:
            check_golden(res["paths"])
        check_all("exercises/sort-users/reference.c", "reference", schema, 0)
        res = check_all("fixtures/sort-users/compile-error-include-passwd/submission.c",
                        "compile-error", schema, 1)
        if res:
            errs = [c for c in res["github"] if c[0] == "error" and c[1].get("file")]
            check(any(c[1]["file"].endswith("compile-error-include-passwd/submission.c") and
                      c[1].get("line") == "2" and c[1].get("col") == "10" for c in errs),
                  "github: no compile error annotation with file, line and col: %s" % errs)
            check(bool(res["tap"]) and res["tap"]["tests"][:1] and
                  res["tap"]["tests"][0]["ok"] == 0, "tap: compile is ok")
        res = check_all("fixtures/hostile-output/submission.c", "hostile", schema, 1)
        if res:
            check_hostile(res)
        check_usage()
        check_stream()
    if FAILURES:
        print("%d failure(s)" % len(FAILURES))
        return 1
    print("all report checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
