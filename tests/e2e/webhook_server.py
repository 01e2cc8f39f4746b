#!/usr/bin/env python3
"""A webhook receiver for the tests, on loopback, scriptable per case.

usage: webhook_server.py --port-file FILE --log FILE --script FILE
                         [--port N] [--tls CERT KEY] [--lifetime SECONDS]

The secret comes from $WEBHOOK_SECRET. Each request's signature is checked
with Python's own hmac module (not the grader's code): a bad or missing
signature is answered 401 whatever the script says.

--script names a JSON file holding a list of actions, taken one per request
in order; the file is re-read at every request, so a test may append
actions while the server runs. Once the list is used up, every request gets
"200". Actions:
  "200", "202", "400", "500", ...  answer with that status
  "429:N"                          429 with "Retry-After: N"
  "hang"                           read the request, record it, never answer
                                   (until the client goes away)
  "close"                          read the request, close without an answer

Every request is appended to --log as one JSON line: the time (monotonic),
the delivery id, the event, the user agent, the content type, whether the
signature verified (and the header itself), the action taken, the status sent (null when none) and
the sha256 of the body; the first line of a delivery's body is kept in full
as "body" for the first request of each id.

The port it listens on is written to --port-file once it accepts
connections. It stops on SIGTERM, or by itself after --lifetime seconds.
"""
import argparse
import hashlib
import hmac
import json
import os
import select
import signal
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {"taken": 0, "seen": set()}
ARGS = None
SECRET = b""
STOP = threading.Event()


def next_action():
    with LOCK:
        try:
            with open(ARGS.script) as f:
                actions = json.load(f)
        except (OSError, ValueError):
            actions = []
        i = STATE["taken"]
        STATE["taken"] += 1
        return actions[i] if i < len(actions) else "200"


def record(entry):
    with LOCK:
        with open(ARGS.log, "a") as f:
            f.write(json.dumps(entry) + "\n")
            f.flush()
            os.fsync(f.fileno())


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, headers=()):
        body = b'{"ok": %s}' % (b"true" if status < 300 else b"false")
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def wait_for_client_to_leave(self):
        sock = self.connection
        while not STOP.is_set():
            r, _, _ = select.select([sock], [], [], 0.2)
            if r:
                try:
                    if not sock.recv(1024):
                        return
                except OSError:
                    return

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length) if length else b""
        delivery = self.headers.get("X-Grader-Delivery")
        sig = self.headers.get("X-Grader-Signature-256", "")
        want = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
        sig_ok = bool(SECRET) and hmac.compare_digest(sig, want)
        action = next_action() if sig_ok else "401"
        entry = {
            "time": time.monotonic(),
            "path": self.path,
            "id": delivery,
            "event": self.headers.get("X-Grader-Event"),
            "user_agent": self.headers.get("User-Agent"),
            "content_type": self.headers.get("Content-Type"),
            "signature": sig,
            "signature_ok": sig_ok,
            "action": action,
            "body_sha256": hashlib.sha256(body).hexdigest(),
        }
        with LOCK:
            first = delivery not in STATE["seen"]
            STATE["seen"].add(delivery)
        if first:
            entry["body"] = body.decode("utf-8", errors="replace")
        if action == "hang":
            entry["status"] = None
            record(entry)
            self.wait_for_client_to_leave()
            self.close_connection = True
            return
        if action == "close":
            entry["status"] = None
            record(entry)
            self.close_connection = True
            return
        headers = []
        if action.startswith("429:"):
            headers.append(("Retry-After", action.split(":", 1)[1]))
            status = 429
        else:
            status = int(action)
        entry["status"] = status
        # Recorded before the answer leaves: a test that sees the answer sees the line.
        record(entry)
        self.answer(status, headers)


def main():
    global ARGS, SECRET
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--script", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--lifetime", type=float, default=300)
    ARGS = ap.parse_args()
    SECRET = os.environ.get("WEBHOOK_SECRET", "").encode()
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    server.daemon_threads = True
    if ARGS.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.tls[0], ARGS.tls[1])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)

    def stop(*_):
        STOP.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    timer = threading.Timer(ARGS.lifetime, stop)
    timer.daemon = True
    timer.start()
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, ARGS.port_file)
    server.serve_forever(poll_interval=0.1)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
