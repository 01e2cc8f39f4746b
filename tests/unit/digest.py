#!/usr/bin/env python3
"""grader/digest.c against the openssl tool.

usage: digest.py DIGEST_TOOL

Every input (empty, one byte, the lengths around SHA-256's 55/56 and 64
byte boundaries, 1 MiB of random bytes, every byte value) is hashed by
digest_tool four ways (streamed from the file, in memory in one call, and
in chunks of 1, 63, 64, 65 and 4096 bytes) and each must equal
`openssl dgst -sha256`. Its HMAC-SHA256 under each key (empty, short, one
block, longer than a block, binary) must equal `openssl dgst -sha256
-hmac KEY` for the text keys and `openssl mac ... HMAC` with the key in
hex for every key.
"""
import os
import random
import subprocess
import sys
import tempfile

TOOL = None
FAILURES = []


def fail(msg):
    FAILURES.append(msg)
    print("FAIL: " + msg)


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, timeout=60)
    if p.returncode != 0:
        fail("%s: exit %d: %s" % (" ".join(cmd[:4]), p.returncode,
                                  p.stderr.decode(errors="replace").strip()))
        return None
    return p.stdout.decode().strip()


def first_word_lower(out):
    return out.split()[0].lower() if out else None


def inputs():
    rng = random.Random(16)
    yield "empty", b""
    yield "one byte", b"a"
    for n in (55, 56, 57, 63, 64, 65, 119, 120, 128):
        yield "%d bytes" % n, bytes(rng.randrange(32, 127) for _ in range(n))
    yield "every byte value", bytes(range(256)) * 3 + b"\0\0\xff"
    yield "1 MiB random", rng.randbytes(1 << 20)


KEYS = [
    ("empty key", b""),
    ("short key", b"s3cret"),
    ("one-block key", b"k" * 64),
    ("key longer than a block", bytes(range(33, 124)) + b"x" * 40),
    ("binary key", b"\0\x01\xff\x80key\0"),
]


def main():
    global TOOL
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    TOOL = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="digest-") as tmp:
        keyfiles = []
        for i, (kname, key) in enumerate(KEYS):
            kf = os.path.join(tmp, "key-%d" % i)
            with open(kf, "wb") as f:
                f.write(key)
            keyfiles.append((kname, key, kf))
        checked = 0
        for i, (name, data) in enumerate(inputs()):
            path = os.path.join(tmp, "input-%d" % i)
            with open(path, "wb") as f:
                f.write(data)
            want = first_word_lower(run(["openssl", "dgst", "-sha256", "-r", path]))
            if not want or len(want) != 64:
                fail("%s: openssl dgst gave %r" % (name, want))
                continue
            ways = [("streamed", [TOOL, "sha256", path])]
            for n in (0, 1, 63, 64, 65, 4096):
                ways.append(("chunks of %d" % n if n else "one call",
                             [TOOL, "sha256-chunks", path, str(n)]))
            for how, cmd in ways:
                got = run(cmd)
                checked += 1
                if got != want:
                    fail("%s, %s: sha256 %s, openssl dgst %s" % (name, how, got, want))
            for kname, key, kf in keyfiles:
                got = run([TOOL, "hmac", kf, path])
                oracles = [("openssl mac", ["openssl", "mac", "-digest", "SHA256", "-macopt",
                                            "hexkey:" + key.hex(), "-in", path, "HMAC"])]
                if b"\0" not in key and all(32 <= c < 127 for c in key):
                    oracles.append(("openssl dgst -hmac", ["openssl", "dgst", "-sha256",
                                                           "-hmac", key.decode(), "-r", path]))
                for oname, ocmd in oracles:
                    want_mac = first_word_lower(run(ocmd))
                    checked += 1
                    if not want_mac or got != want_mac:
                        fail("%s, %s: hmac %s, %s %s" % (name, kname, got, oname, want_mac))
    if FAILURES:
        print("%d of %d comparisons failed" % (len(FAILURES), checked))
        return 1
    print("%d digests and HMACs equal openssl's" % checked)
    return 0


if __name__ == "__main__":
    sys.exit(main())
