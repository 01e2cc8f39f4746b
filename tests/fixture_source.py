"""The program a fixture grades.

A fixture is fixtures/<exercise>/<outcome>/ with an expect.json and either
a submission.c, or, when the fixture is a known mistake of the exercise, no
submission.c and "mistake": NAME in expect.json: its program is then the
exercise's reference.c with the mistake's patch applied, as
`grader show EXERCISE --mistake NAME` prints it. That program is written to
<work>/<exercise>/<outcome>/submission.c, so that it is graded under the
same file name as a fixture's own submission.c.

From a shell: fixture_source.py GRADER EXERCISE FIXTURE_DIR prints the
program to stdout.
"""
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile

_work = None


def _default_work():
    global _work
    if _work is None:
        _work = tempfile.mkdtemp(prefix="grader-fixtures-")
        atexit.register(shutil.rmtree, _work, True)
    return _work


def mistake_of(fixture_dir):
    """The name of the known mistake the fixture is, or None."""
    with open(os.path.join(fixture_dir, "expect.json")) as f:
        return json.load(f).get("mistake")


def materialize(grader, exercise, mistake, path):
    """Writes the program of a known mistake to path; raises if the grader cannot."""
    proc = subprocess.run([grader, "show", exercise, "--mistake", mistake],
                          capture_output=True, timeout=60)
    if proc.returncode != 0:
        raise RuntimeError("grader show %s --mistake %s exited %d: %s" % (
            exercise, mistake, proc.returncode, proc.stderr.decode(errors="replace")))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(proc.stdout)
    return path


def submission(grader, fixture_dir, exercise=None, work=None):
    """Path of the submission the fixture grades (exercise: default, its parent's name)."""
    fixture_dir = os.path.normpath(fixture_dir)
    own = os.path.join(fixture_dir, "submission.c")
    mistake = mistake_of(fixture_dir)
    if mistake is None:
        return own
    if os.path.lexists(own):
        raise RuntimeError("%s names mistake %r and also holds a submission.c" % (
            fixture_dir, mistake))
    outcome = os.path.basename(fixture_dir)
    if exercise is None:
        exercise = os.path.basename(os.path.dirname(fixture_dir))
    path = os.path.join(work or _default_work(), exercise, outcome, "submission.c")
    return materialize(grader, exercise, mistake, path)


def main():
    grader, exercise, fixture_dir = sys.argv[1:4]
    with open(submission(grader, fixture_dir, exercise), "rb") as f:
        sys.stdout.buffer.write(f.read())


if __name__ == "__main__":
    main()
