#!/usr/bin/env python3
"""The webhook against a real HTTP server on loopback (webhook_server.py).

usage: webhook.py GRADER SOURCE_DIR [CASE...]

Each case starts its own server and its own spool, grades the reference
solution of sort-users with --webhook, and checks what the server received
(signatures verified by Python's hmac module, and in case octokit by
GitHub's @octokit/webhooks-methods under node), what stayed in the spool and
what 'grader deliver' did with it. No result may be lost in any case.
Every wait is bounded: short webhook deadlines, subprocess timeouts, and a
server that stops by itself.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

GRADER = SRC = None
SKIPPED = False  # a case this machine cannot set up (exit 77 when nothing failed)
HERE = os.path.dirname(os.path.abspath(__file__))
SECRET = "s3cret: not the grader's to log"
REF = "exercises/sort-users/reference.c"
FAILURES = []


def fail(msg):
    FAILURES.append(msg)
    print("FAIL: " + msg)


def check(cond, msg):
    if not cond:
        fail(msg)
    return cond


def wait_for(pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    fail("timed out waiting for " + what)
    return None


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, tmp, actions=(), port=0, tls=None, secret=SECRET):
        self.dir = tempfile.mkdtemp(dir=tmp, prefix="server-")
        self.log = os.path.join(self.dir, "log.jsonl")
        self.script = os.path.join(self.dir, "script.json")
        self.port_file = os.path.join(self.dir, "port")
        self.set_actions(list(actions))
        cmd = [sys.executable, os.path.join(HERE, "webhook_server.py"),
               "--port-file", self.port_file, "--log", self.log, "--script", self.script,
               "--port", str(port), "--lifetime", "200"]
        if tls:
            cmd += ["--tls"] + list(tls)
        self.proc = subprocess.Popen(cmd, env=dict(os.environ, WEBHOOK_SECRET=secret))
        self.port = int(wait_for(lambda: os.path.exists(self.port_file) and
                                 open(self.port_file).read(), 20, "the server to listen") or 0)
        self.url = "%s://%s:%d/hook" % ("https" if tls else "http",
                                        "localhost" if tls else "127.0.0.1", self.port)

    def set_actions(self, actions):
        with open(self.script + ".tmp", "w") as f:
            json.dump(actions, f)
        os.rename(self.script + ".tmp", self.script)

    def requests(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [json.loads(l) for l in f if l.strip()]

    def accepted(self):
        return [r for r in self.requests() if r["status"] and 200 <= r["status"] < 300]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Case:
    def __init__(self, tmp, name):
        self.name = name
        self.dir = tempfile.mkdtemp(dir=tmp, prefix=name + "-")
        self.spool = os.path.join(self.dir, "spool")
        self.env = dict(os.environ, GRADER_SPOOL_DIR=self.spool, GRADER_WEBHOOK_SECRET=SECRET,
                        NO_COLOR="1")
        self.n = 0

    def check_cmd(self, url, extra=(), env=None):
        """Starts grader check with --webhook; returns (Popen, json report path)."""
        self.n += 1
        report = os.path.join(self.dir, "report-%d.json" % self.n)
        cmd = [GRADER, "check", "sort-users", REF, "--seed", "7", "--report",
               "json=" + report, "--webhook", url] + list(extra)
        proc = subprocess.Popen(cmd, cwd=SRC, env=env or self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        return proc, report

    def check_run(self, url, extra=(), env=None, timeout=120):
        proc, report = self.check_cmd(url, extra, env)
        out, err = proc.communicate(timeout=timeout)
        rep = None
        if os.path.exists(report):
            with open(report) as f:
                rep = json.load(f)
        return proc.returncode, out, err, rep, report

    def deliver(self, extra=(), env=None, timeout=120):
        proc = subprocess.run([GRADER, "deliver"] + list(extra), cwd=SRC, env=env or self.env,
                              capture_output=True, text=True, timeout=timeout)
        return proc.returncode, proc.stdout, proc.stderr

    def spooled(self):
        if not os.path.isdir(self.spool):
            return []
        return sorted(f[:-len(".report")] for f in os.listdir(self.spool)
                      if f.endswith(".report"))


def check_request(case, r, rep_path):
    """The request as the contract describes it, for the report in rep_path."""
    check(r["signature_ok"], "%s: signature did not verify" % case.name)
    check(r["event"] == "report", "%s: X-Grader-Event %r" % (case.name, r["event"]))
    check(r["content_type"] == "application/json", "%s: Content-Type %r" % (
        case.name, r["content_type"]))
    check((r["user_agent"] or "").startswith("grader/"), "%s: User-Agent %r" % (
        case.name, r["user_agent"]))
    with open(rep_path, "rb") as f:
        text = f.read()
    # The body is the json report exactly as --report json wrote it (less its newline).
    import hashlib
    check(r["body_sha256"] == hashlib.sha256(text.rstrip(b"\n")).hexdigest(),
          "%s: the body is not the json report" % case.name)
    rep = json.loads(text)
    check(r["id"] == rep["receipt"]["delivery_id"], "%s: X-Grader-Delivery %r, report %r" % (
        case.name, r["id"], rep["receipt"]["delivery_id"]))


def no_secret_in(case):
    for root, _, files in os.walk(case.spool):
        for f in files:
            with open(os.path.join(root, f), "rb") as fh:
                check(SECRET.encode() not in fh.read(), "%s: the secret is in the spool" % case.name)


# ---------------------------------------------------------------- cases

def case_accepted(tmp):
    case, srv = Case(tmp, "accepted"), Server(tmp)
    try:
        code, out, err, rep, path = case.check_run(srv.url, ["--webhook-deadline", "10"])
        check(code == 0, "accepted: exit %d: %s" % (code, err))
        check(err == "", "accepted: stderr %r" % err)
        reqs = srv.requests()
        if check(len(reqs) == 1, "accepted: %d requests" % len(reqs)):
            check_request(case, reqs[0], path)
            check(json.loads(reqs[0]["body"]) == rep, "accepted: body differs from the report")
        check(case.spooled() == [], "accepted: left in the spool: %s" % case.spooled())
    finally:
        srv.stop()


def case_down_then_up(tmp):
    case = Case(tmp, "down-then-up")
    port = free_port()
    proc, path = case.check_cmd("http://127.0.0.1:%d/hook" % port, ["--webhook-deadline", "20"])
    srv = None
    try:
        # Spooled before the first attempt: once it is there, the attempt is under way.
        wait_for(case.spooled, 60, "the report to be spooled")
        time.sleep(1.0)
        srv = Server(tmp, port=port)
        out, err = proc.communicate(timeout=60)
        check(proc.returncode == 0, "down-then-up: exit %d: %s" % (proc.returncode, err))
        check("after" in err and "attempts" in err, "down-then-up: no retry reported: %r" % err)
        acc = srv.accepted()
        if check(len(acc) == 1, "down-then-up: %d accepted" % len(acc)):
            check_request(case, acc[0], path)
        check(case.spooled() == [], "down-then-up: left in the spool")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if srv:
            srv.stop()


def case_500_then_200(tmp):
    case, srv = Case(tmp, "500-then-200"), Server(tmp, ["500", "503"])
    try:
        code, out, err, rep, path = case.check_run(srv.url, ["--webhook-deadline", "15"])
        check(code == 0, "500-then-200: exit %d: %s" % (code, err))
        reqs = srv.requests()
        check([r["status"] for r in reqs] == [500, 503, 200], "500-then-200: statuses %s" % (
            [r["status"] for r in reqs]))
        check(len({r["id"] for r in reqs}) == 1, "500-then-200: the id changed between attempts")
        for r in reqs:
            check_request(case, r, path)
        check(case.spooled() == [], "500-then-200: left in the spool")
    finally:
        srv.stop()


def case_429_retry_after(tmp):
    case, srv = Case(tmp, "429"), Server(tmp, ["429:1"])
    try:
        code, out, err, rep, path = case.check_run(srv.url, ["--webhook-deadline", "15"])
        check(code == 0, "429: exit %d: %s" % (code, err))
        reqs = srv.requests()
        if check([r["status"] for r in reqs] == [429, 200], "429: statuses %s" % (
                [r["status"] for r in reqs])):
            # Retry-After is a floor: the second attempt cannot come sooner.
            gap = reqs[1]["time"] - reqs[0]["time"]
            check(gap >= 0.95, "429: retried after %.2f s, Retry-After said 1 s" % gap)
        check(case.spooled() == [], "429: left in the spool")
        # A Retry-After past the deadline: no waiting in vain, the report is kept.
        srv.set_actions(["429:1", "200", "429:3600"])
        t0 = time.monotonic()
        code, out, err, rep, path = case.check_run(srv.url, ["--webhook-deadline", "5"])
        check(code == 0, "429: exit %d" % code)
        check("past the deadline" in err, "429: no word of the deadline: %r" % err)
        check(time.monotonic() - t0 < 60, "429: waited for a Retry-After past the deadline")
        check(case.spooled() == [rep["receipt"]["delivery_id"]], "429: not kept in the spool")
    finally:
        srv.stop()


def case_400(tmp):
    case, srv = Case(tmp, "400"), Server(tmp, ["400", "400"])
    try:
        code, out, err, rep1, path1 = case.check_run(srv.url, ["--webhook-deadline", "15"])
        check(code == 0, "400: the grade's exit status changed to %d" % code)
        check("rejected" in err and "HTTP 400" in err, "400: stderr %r" % err)
        check(len(srv.requests()) == 1, "400: retried (%d requests)" % len(srv.requests()))
        id1 = rep1["receipt"]["delivery_id"]
        check(case.spooled() == [id1], "400: not kept in the spool: %s" % case.spooled())
        code, out, err, rep2, path2 = case.check_run(srv.url, ["--webhook-strict"])
        check(code == 4, "400: --webhook-strict exited %d, expected 4" % code)
        id2 = rep2["receipt"]["delivery_id"]
        check(case.spooled() == sorted([id1, id2]), "400: spool %s" % case.spooled())
        no_secret_in(case)
        # The receiver is fixed: 'grader deliver' sends both, under their ids.
        code, out, err = case.deliver(["--webhook-deadline", "10"])
        check(code == 0, "400: deliver exited %d: %s" % (code, err))
        lines = out.splitlines()
        check(len(lines) == 2 and all(l.startswith("delivered ") for l in lines),
              "400: deliver said %r" % out)
        acc = srv.accepted()
        check(sorted(r["id"] for r in acc) == sorted([id1, id2]), "400: accepted %s" % (
            [r["id"] for r in acc]))
        for r in acc:
            check_request(case, r, path1 if r["id"] == id1 else path2)
        check(case.spooled() == [], "400: left in the spool after deliver")
        code, out, err = case.deliver()
        check(code == 0 and out == "", "400: a second deliver did %r (exit %d)" % (out, code))
    finally:
        srv.stop()


def case_never_answers(tmp):
    case, srv = Case(tmp, "hang"), Server(tmp, ["hang"])
    try:
        code, out, err, rep, path = case.check_run(srv.url, ["--webhook-deadline", "2"])
        check(code == 0, "hang: exit %d: %s" % (code, err))
        check("timed out" in err.lower() or "timeout" in err.lower(), "hang: stderr %r" % err)
        rid = rep["receipt"]["delivery_id"]
        check(case.spooled() == [rid], "hang: not kept in the spool")
        code, out, err = case.deliver(["--webhook-deadline", "10"])
        check(code == 0 and out.startswith("delivered " + rid), "hang: deliver: %r %r" % (out, err))
        check([r["id"] for r in srv.accepted()] == [rid], "hang: accepted %s" % srv.accepted())
        check(case.spooled() == [], "hang: left in the spool")
    finally:
        srv.stop()


def case_killed(tmp):
    case, srv = Case(tmp, "killed"), Server(tmp, ["hang"])
    proc = None
    try:
        proc, path1 = case.check_cmd(srv.url, ["--webhook-deadline", "60"])
        wait_for(srv.requests, 90, "the delivery to reach the server")
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        check(proc.returncode == -signal.SIGKILL, "killed: exit %s" % proc.returncode)
        with open(path1) as f:
            id1 = json.load(f)["receipt"]["delivery_id"]
        check(case.spooled() == [id1], "killed: spool %s" % case.spooled())
        # A second result that cannot be delivered now (the server errs).
        srv.set_actions(["hang"] + ["500"] * 50)
        code, out, err, rep2, path2 = case.check_run(srv.url, ["--webhook-deadline", "1.5"])
        check(code == 0, "killed: second grading exited %d" % code)
        id2 = rep2["receipt"]["delivery_id"]
        check(case.spooled() == sorted([id1, id2]), "killed: spool %s" % case.spooled())
        srv.set_actions(["hang"] + ["500"] * (len(srv.requests()) - 1))
        code, out, err = case.deliver(["--webhook-deadline", "10"])
        check(code == 0, "killed: deliver exited %d: %s %s" % (code, out, err))
        acc = srv.accepted()
        ids = [r["id"] for r in acc]
        check(sorted(ids) == sorted([id1, id2]),
              "killed: accepted ids %s, expected exactly one each of %s" % (ids, [id1, id2]))
        check({r["id"] for r in srv.requests()} == {id1, id2},
              "killed: the server saw ids %s" % {r["id"] for r in srv.requests()})
        for r in acc:
            check_request(case, r, path1 if r["id"] == id1 else path2)
        check(case.spooled() == [], "killed: left in the spool")
    finally:
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait()
        srv.stop()


def case_tls(tmp):
    d = tempfile.mkdtemp(dir=tmp, prefix="tls-")
    ca_key, ca, key, csr, crt, ext = (os.path.join(d, n) for n in (
        "ca.key", "ca.pem", "server.key", "server.csr", "server.pem", "ext.cnf"))
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    run = lambda *a: subprocess.run(["openssl"] + list(a), capture_output=True, check=True,
                                    timeout=60)
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca,
        "-days", "2", "-subj", "/CN=grader test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
        "-subj", "/CN=localhost")
    run("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
        "-out", crt, "-days", "2", "-extfile", ext)
    case, srv = Case(tmp, "tls"), Server(tmp, tls=(crt, key))
    try:
        # An unknown CA is refused at once and never retried.
        code, out, err, rep, path = case.check_run(srv.url, ["--webhook-deadline", "10"])
        check(code == 0, "tls: exit %d" % code)
        check("certificate" in err.lower(), "tls: an unknown CA was not refused: %r" % err)
        check(srv.requests() == [], "tls: a request got through without verification")
        rid = rep["receipt"]["delivery_id"]
        check(case.spooled() == [rid], "tls: not kept in the spool")
        code, out, err = case.deliver(["--webhook-ca", ca, "--webhook-deadline", "10"])
        check(code == 0 and out.startswith("delivered " + rid), "tls: deliver: %r %r" % (out, err))
        code, out, err, rep, path = case.check_run(srv.url, ["--webhook-ca", ca])
        check(code == 0 and err == "", "tls: with --webhook-ca: %d %r" % (code, err))
        acc = srv.accepted()
        check(len(acc) == 2, "tls: %d accepted" % len(acc))
        if acc:
            check_request(case, acc[-1], path)
        check(case.spooled() == [], "tls: left in the spool")
    finally:
        srv.stop()


def case_secret(tmp):
    case, srv = Case(tmp, "secret"), Server(tmp)
    try:
        env = dict(case.env)
        env.pop("GRADER_WEBHOOK_SECRET")
        code, out, err, rep, path = case.check_run(srv.url, env=env)
        check(code == 2 and "GRADER_WEBHOOK_SECRET" in err, "secret: none given: %d %r" % (
            code, err))
        check(srv.requests() == [] and case.spooled() == [], "secret: sent without a secret")
        secret_file = os.path.join(case.dir, "secret")
        with open(secret_file, "w") as f:
            f.write(SECRET + "\n")
        code, out, err, rep, path = case.check_run(
            srv.url, ["--webhook-secret-file", secret_file], env=env)
        check(code == 0 and err == "", "secret: from a file: %d %r" % (code, err))
        reqs = srv.requests()
        check(len(reqs) == 1 and reqs[0]["signature_ok"], "secret: file secret not used")
        # A receiver with another secret refuses (401): kept, never retried.
        other = Server(tmp, secret="another secret")
        try:
            code, out, err, rep, path = case.check_run(other.url, ["--webhook-deadline", "10"])
            check(code == 0 and "HTTP 401" in err, "secret: wrong secret: %d %r" % (code, err))
            check(len(other.requests()) == 1 and not other.requests()[0]["signature_ok"],
                  "secret: the receiver's verification did not fail")
            check(case.spooled() == [rep["receipt"]["delivery_id"]], "secret: not kept")
        finally:
            other.stop()
        # The sandboxed submission never sees the secret.
        sub = os.path.join(case.dir, "env.c")
        with open(sub, "w") as f:
            f.write('#include <stdio.h>\n#include <stdlib.h>\n#include "sort_users.h"\n'
                    'extern char **environ;\n'
                    'void sort_users(struct user *u, size_t n) { (void)u; (void)n;\n'
                    '  for (char **e = environ; e && *e; e++) printf("env %s\\n", *e);\n'
                    '  const char *s = getenv("GRADER_WEBHOOK_SECRET");\n'
                    '  printf("secret=%s\\n", s ? s : "(none)"); }\n')
        proc = subprocess.run([GRADER, "check", "sort-users", sub, "--format", "json",
                               "--webhook", srv.url, "--webhook-deadline", "5"],
                              cwd=SRC, env=case.env, capture_output=True, text=True, timeout=120)
        check(SECRET not in proc.stdout, "secret: the submission saw the secret")
        check("secret=(none)" in proc.stdout, "secret: the probe did not run: %r" %
              proc.stdout[:300])
        no_secret_in(case)
    finally:
        srv.stop()


def octokit(secret, checks):
    """@octokit/webhooks-methods' verify and sign on each check (octokit_verify.mjs)."""
    prefix = os.path.join(SRC, "ci", ".node")
    if not os.path.isdir(os.path.join(prefix, "node_modules", "@octokit", "webhooks-methods")):
        fail("octokit: @octokit/webhooks-methods is not installed: run ci/github/lint.sh "
             "--install (ci/bootstrap.sh does)")
        return None
    with open(os.path.join(HERE, "octokit_verify.mjs")) as f:
        script = f.read()
    proc = subprocess.run(["node", "--input-type=module", "--eval", script], cwd=prefix,
                          input=json.dumps({"secret": secret, "checks": checks}),
                          capture_output=True, text=True, timeout=60)
    if not check(proc.returncode == 0, "octokit: node exit %d: %s" % (
            proc.returncode, proc.stderr.strip()[-500:])):
        return None
    return json.loads(proc.stdout)


def case_octokit(tmp):
    """The signature the grader sent, verified by GitHub's own webhook code."""
    case, srv = Case(tmp, "octokit"), Server(tmp)
    try:
        code, out, err, rep, path = case.check_run(srv.url, ["--webhook-deadline", "10"])
        check(code == 0, "octokit: exit %d: %s" % (code, err))
        reqs = srv.requests()
        if not check(len(reqs) == 1, "octokit: %d requests" % len(reqs)):
            return
        check_request(case, reqs[0], path)  # the body is the report: its hash
        with open(path, "rb") as f:
            body = f.read().rstrip(b"\n").decode("utf-8")
        sig = reqs[0]["signature"]
        check(sig.startswith("sha256=") and len(sig) == 71, "octokit: signature %r" % sig)
        # One character of the score changed, a byte appended, a body cut short.
        tampered = [re.sub(r'("score":\s*)(\d)', r"\g<1>1\2", body, count=1), body + " ",
                    body[:-1]]
        check(all(t != body for t in tampered), "octokit: a tampered body is the body")
        checks = [{"payload": body, "signature": sig}]
        checks += [{"payload": t, "signature": sig} for t in tampered]
        got = octokit(SECRET, checks)
        if got is None:
            return
        check(got[0]["verify"] is True, "octokit: verify() refused the grader's signature")
        check(got[0]["sign"] == sig, "octokit: sign() gives %s, the grader sent %s" % (
            got[0]["sign"], sig))
        for t, g in zip(tampered, got[1:]):
            check(g["verify"] is False, "octokit: verify() accepted a tampered body")
        wrong = octokit(SECRET + "x", checks[:1])
        check(wrong is not None and wrong[0]["verify"] is False,
              "octokit: verify() accepted the signature under another secret")
    finally:
        srv.stop()


def libcurl_file():
    """The file libcurl.so.4 resolves to, from the loader's cache, or None."""
    for ldconfig in ("ldconfig", "/sbin/ldconfig"):
        try:
            out = subprocess.run([ldconfig, "-p"], capture_output=True, text=True).stdout
        except OSError:
            continue
        for line in out.splitlines():
            if line.strip().startswith("libcurl.so.4 ") and "=>" in line:
                return os.path.realpath(line.split("=>")[1].strip())
    return None


def case_no_libcurl(tmp):
    """libcurl missing: the grading stands, the report waits in the spool, the
    message says what to install; 'grader deliver' sends it once it is back."""
    global SKIPPED
    case = Case(tmp, "no-libcurl")
    lib = libcurl_file()
    hide = ["unshare", "-m", "sh", "-c", 'mount --bind /dev/null "$0" && exec "$@"', lib or ""]
    if not lib or subprocess.run(hide + ["true"], capture_output=True).returncode != 0:
        print("skip no-libcurl: cannot hide libcurl here (needs a mount namespace)")
        SKIPPED = True
        return
    srv = Server(tmp)
    try:
        report = os.path.join(case.dir, "report.json")
        proc = subprocess.run(hide + [GRADER, "check", "sort-users", REF, "--seed", "7",
                                      "--report", "json=" + report, "--webhook", srv.url,
                                      "--webhook-deadline", "10"],
                              cwd=SRC, env=case.env, capture_output=True, text=True, timeout=120)
        check(proc.returncode == 0, "no-libcurl: exit %d: %s" % (proc.returncode, proc.stderr))
        check("cannot load libcurl.so.4 (on Debian, install libcurl4)" in proc.stderr,
              "no-libcurl: no actionable message: %r" % proc.stderr)
        check("score 15/15" in proc.stdout, "no-libcurl: the grading is missing: %r" % proc.stdout)
        check(srv.requests() == [], "no-libcurl: the server heard %d requests" % len(srv.requests()))
        check(len(case.spooled()) == 1, "no-libcurl: spool %s" % case.spooled())
        code, out, err = case.deliver(["--webhook-deadline", "10"])
        check(code == 0, "no-libcurl: deliver exit %d: %s" % (code, err))
        acc = srv.accepted()
        if check(len(acc) == 1, "no-libcurl: %d accepted after deliver" % len(acc)):
            check_request(case, acc[0], report)
        check(case.spooled() == [], "no-libcurl: left in the spool after deliver")
    finally:
        srv.stop()


CASES = {
    "accepted": case_accepted,
    "down-then-up": case_down_then_up,
    "500-then-200": case_500_then_200,
    "429": case_429_retry_after,
    "400": case_400,
    "never-answers": case_never_answers,
    "killed": case_killed,
    "tls": case_tls,
    "secret": case_secret,
    "octokit": case_octokit,
    "no-libcurl": case_no_libcurl,
}


def main():
    global GRADER, SRC
    GRADER, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    names = sys.argv[3:] or list(CASES)
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            t0 = time.monotonic()
            before = len(FAILURES)
            CASES[name](tmp)
            print("%s %s (%.1f s)" % ("ok  " if len(FAILURES) == before else "FAIL", name,
                                      time.monotonic() - t0))
    if FAILURES:
        print("%d failure(s)" % len(FAILURES))
        return 1
    if SKIPPED:
        return 77
    print("all webhook cases passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
