#!/usr/bin/env python3
"""The man pages the build wrote (packaging/help-to-man.sh) carry the help,
and man renders them without a warning.

usage: man_pages.py GRADER MAN_DIR

MAN_DIR must hold exactly grader.1 and grader-<command>.1 for each command
of 'grader --help', each with its .1.gz. For each page: 'groff -ww -man -z'
and 'MANWIDTH=80 man --warnings -l' print nothing on stderr; the rendered
page says "grader-<command> - <the summary of 'grader --help'>"; and every
word of the help the page comes from is in the rendered page, in the same
order (headings lose their colon and may change case; a line may break
after a hyphen), so nothing of the help is lost or reordered.
"""
import gzip
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from help_vs_docs import commands, run_help  # noqa: E402


def render(page):
    env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8")
    env.pop("MAN_KEEP_FORMATTING", None)
    out = subprocess.run(["man", "--warnings", "-l", page], capture_output=True,
                         text=True, env=env, timeout=60)
    groff = subprocess.run(["groff", "-ww", "-man", "-z", page], capture_output=True,
                           text=True, timeout=60)
    problems = []
    if out.returncode != 0 or out.stderr.strip():
        problems.append("man --warnings: exit %d, %s" % (out.returncode, out.stderr.strip()))
    if groff.returncode != 0 or groff.stderr.strip():
        problems.append("groff -ww: exit %d, %s" % (groff.returncode, groff.stderr.strip()))
    return out.stdout, problems


def normal(word):
    return word.rstrip(":").casefold()


def missing_words(help_text, rendered):
    """The first word of help_text not found, in order, in rendered, or None."""
    # groff may break a line after a word's hyphen ("wall-" / "clock").
    have = [normal(w) for w in re.sub(r"(?<=\w-)\n\s+", "", rendered).split()]
    at = 0
    for line in help_text.splitlines():
        line = re.sub(r"^(usage|   or):", "", line)
        for w in line.split():
            w = normal(w)
            try:
                at = have.index(w, at) + 1
            except ValueError:
                return "%r (of the line %r)" % (w, line.strip())
    return None


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    grader, man_dir = sys.argv[1], sys.argv[2]
    top = run_help(grader)
    cmds = commands(top)
    summaries = {}
    for line in top.split("\ncommands:\n", 1)[1].split("\n\n", 1)[0].splitlines():
        name, summary = line.split(None, 1)
        summaries[name] = summary
    pages = {"grader": (top, None)}
    for c in cmds:
        pages["grader-" + c] = (run_help(grader, c), summaries[c])
    files = sorted(f for f in os.listdir(man_dir) if f.endswith(".1"))
    want = sorted(p + ".1" for p in pages)
    errors = []
    if files != want:
        errors.append("%s holds %s, expected %s" % (man_dir, files, want))
    for name, (help_text, summary) in sorted(pages.items()):
        path = os.path.join(man_dir, name + ".1")
        if not os.path.exists(path):
            continue
        with open(path, "rb") as f, gzip.open(path + ".gz") as z:
            if f.read() != z.read():
                errors.append("%s.gz is not %s compressed" % (path, path))
        rendered, problems = render(path)
        errors.extend("%s: %s" % (name, p) for p in problems)
        flat = " ".join(rendered.split())
        if summary and ("%s - %s" % (name, summary)) not in flat:
            errors.append("%s: NAME lacks %r" % (name, summary))
        lost = missing_words(help_text, rendered)
        if lost:
            errors.append("%s: the rendered page lacks, in the help's order, %s" % (name, lost))
    if errors:
        print("FAIL:\n  " + "\n  ".join(errors))
        return 1
    print("%d man pages: rendered without warnings, each with all of its help" % len(pages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
