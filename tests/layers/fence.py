#!/usr/bin/env python3
"""OpenSSL's libcrypto stays fenced into grader/digest.c.

usage: fence.py SOURCE_DIR LIBCRYPTO_SO FILE...

FILE are the grader's static libraries and object files. Two checks:
no source file under grader/ or sandbox/ but grader/digest.c includes an
OpenSSL header; and no object but digest.c's (by name, in any of FILE)
refers to a symbol that LIBCRYPTO_SO exports, whatever header declared it.
Exit 0 when both hold, 1 naming every file that breaks one.
"""
import os
import re
import subprocess
import sys

FENCE_SOURCE = "grader/digest.c"
FENCE_OBJECT = "digest.c.o"


def nm(args):
    out = subprocess.run(["nm"] + args, capture_output=True, text=True, check=True).stdout
    return out.splitlines()


def exported(lib):
    """The symbols a shared library defines, without their versions."""
    names = set()
    for line in nm(["-D", "--defined-only", lib]):
        parts = line.split()
        if len(parts) == 3:
            names.add(parts[2].split("@")[0])
    return names


def undefined_by_object(path):
    """{object name: undefined symbols} for an archive or a single object."""
    refs = {}
    for line in nm(["-A", "--undefined-only", path]):
        # "lib.a:obj.o:                 U name" or "obj.o:                 U name"
        where, _, rest = line.rpartition(":")
        obj = os.path.basename(where.split(":")[-1]) if where else os.path.basename(path)
        parts = rest.split()
        if len(parts) == 2 and parts[0] == "U":
            refs.setdefault(obj, set()).add(parts[1])
    return refs


def main():
    if len(sys.argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    src, lib, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    bad = []

    include = re.compile(r'^\s*#\s*include\s*[<"]openssl/', re.M)
    for top in ("grader", "sandbox"):
        for root, _, names in os.walk(os.path.join(src, top)):
            for n in sorted(names):
                if not n.endswith((".c", ".h")):
                    continue
                path = os.path.join(root, n)
                rel = os.path.relpath(path, src)
                with open(path, encoding="utf-8", errors="replace") as f:
                    if include.search(f.read()) and rel != FENCE_SOURCE:
                        bad.append("%s includes an OpenSSL header" % rel)

    crypto = exported(lib)
    if not crypto:
        print("fence.py: %s exports nothing: not libcrypto?" % lib, file=sys.stderr)
        return 2
    seen = False
    for path in files:
        for obj, syms in sorted(undefined_by_object(path).items()):
            used = sorted(syms & crypto)
            if obj == FENCE_OBJECT:
                seen = seen or bool(used)
            elif used:
                bad.append("%s (in %s) calls libcrypto: %s" % (
                    obj, os.path.basename(path), ", ".join(used[:5])))
    if not seen:
        bad.append("%s calls nothing in libcrypto: is the fence checking the right files?"
                   % FENCE_OBJECT)
    for b in bad:
        print("FAIL: " + b)
    if not bad:
        print("libcrypto is called from %s only, in %d files" % (FENCE_OBJECT, len(files)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
