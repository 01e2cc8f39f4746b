#!/usr/bin/env python3
"""ci/k8s/*.yaml against the Kubernetes API schema, offline
(ci/k8s/validate.js: kubernetes-models' validators and its declarations
under the TypeScript compiler, pinned in ci/.node by ci/github/lint.sh
--install). The shipped manifests must pass, and copies with one planted
error each must fail, naming the field: a misspelt field at the top of the
spec and deep in a container, a string for a number, a value outside an
enum, a missing required field, an unknown kind, broken YAML.

usage: k8s_validate.py SOURCE_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

FAILURES = []


def fail(msg):
    FAILURES.append(msg)
    print("FAIL: " + msg, flush=True)


def validate(src, *files):
    p = subprocess.run(["node", os.path.join(src, "ci/k8s/validate.js")] + list(files),
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout + p.stderr


def planted(batch, merge):
    """name -> (yaml text, what the output must say)."""
    def sub(text, old, new):
        assert old in text, old
        return text.replace(old, new, 1)
    return {
        "misspelt-field": (sub(batch, "  completions: 7", "  completion: 7"),
                           r"spec\.completion: .*'\"completion\"' does not exist in type 'IJobSpec'"),
        "misspelt-deep": (sub(batch, "workingDir: /opt/grader", "workDir: /opt/grader"),
                          r"spec\.template\.spec\.containers\[0\]\.workDir: .*does not exist "
                          r"in type 'IContainer'"),
        "string-for-number": (sub(batch, "parallelism: 7", 'parallelism: "7"'),
                              r"spec\.parallelism: must be integer"),
        "enum": (sub(batch, "completionMode: Indexed", "completionMode: Indexd"),
                 r"spec\.completionMode: must be equal to one of the allowed values"),
        "missing-required": (sub(merge, "containers:", "contianers:"),
                             r"spec\.template\.spec: must have required property containers"),
        "unknown-kind": (sub(merge, "kind: Job", "kind: Jobb"),
                         r'no Kubernetes schema for apiVersion "batch/v1", kind "Jobb"'),
        "broken-yaml": (merge + "  - [\n", r"broken-yaml\.yaml: "),
    }


def main():
    src = os.path.abspath(sys.argv[1])
    if not shutil.which("node"):
        fail("node is not installed (ci/bootstrap.sh installs nodejs)")
        sys.exit(1)
    shipped = sorted(os.path.join(src, "ci/k8s", f) for f in os.listdir(os.path.join(src, "ci/k8s"))
                     if f.endswith(".yaml"))
    code, out = validate(src, *shipped)
    print(out, end="")
    if code != 0:
        fail("the shipped manifests: exit %d" % code)
        sys.exit(1)
    for f in shipped:
        if not re.search(r"^ok: %s: Job " % re.escape(f), out, re.M):
            fail("%s: no ok line" % f)

    tmp = tempfile.mkdtemp(prefix="grader-k8s-")
    try:
        batch = open(os.path.join(src, "ci/k8s/batch-job.yaml")).read()
        merge = open(os.path.join(src, "ci/k8s/merge-job.yaml")).read()
        # Both in one file: each document is checked.
        both = os.path.join(tmp, "both.yaml")
        with open(both, "w") as f:
            f.write(batch + "---\n" + merge)
        code, out = validate(src, both)
        if code != 0 or len(re.findall(r"^ok: .*both\.yaml \(document [12]\): Job ", out, re.M)) != 2:
            fail("two documents in one file: exit %d: %s" % (code, out))
        # One run for all of them (tsc takes seconds to start): each file
        # must get its own error, and the valid file among them its ok.
        cases = planted(batch, merge)
        paths = []
        for name, (text, _) in cases.items():
            paths.append(os.path.join(tmp, name + ".yaml"))
            with open(paths[-1], "w") as f:
                f.write(text)
        code, out = validate(src, both, *paths)
        if code != 1:
            fail("planted errors: exit %d, expected 1:\n%s" % (code, out))
        for path, (name, (_, want)) in zip(paths, cases.items()):
            said = [x for x in out.splitlines() if x.startswith(path + ":")]
            if not any(re.search(want, x) for x in said):
                fail("planted %s: expected /%s/, got %s" % (name, want, said))
            else:
                print("caught %s: %s" % (name, said[0]))
        if len(re.findall(r"^ok: ", out, re.M)) != 2:
            fail("ok lines among the planted errors:\n" + out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if FAILURES:
        sys.exit(1)
    print("ok: ci/k8s/*.yaml valid against the Kubernetes schema; 7 planted errors caught")


if __name__ == "__main__":
    main()
