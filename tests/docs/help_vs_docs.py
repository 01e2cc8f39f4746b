#!/usr/bin/env python3
"""Every command, option and environment variable the built grader's help
names must be written somewhere in README.md or docs/*.md.

usage: help_vs_docs.py GRADER SOURCE_DIR

Reads `grader --help` for the commands, then `grader <command> --help` for
each one's options (`--long`, and `-x` where an option line starts with
it) and the `$VARIABLES` it mentions. A command counts as documented when
the docs say `grader <command>`; an option or a variable when the docs
name it as a whole word (`--exercise` is not found inside `--exercises`).
Fails listing every name that is missing, with the help that names it.
"""
import pathlib
import re
import subprocess
import sys

LONG = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)")
SHORT = re.compile(r"^\s+(-[A-Za-z])\b")
VARIABLE = re.compile(r"\$([A-Z][A-Z0-9_]+)")


def run_help(grader, *args):
    p = subprocess.run([grader, *args, "--help"], capture_output=True, text=True,
                       timeout=30)
    if p.returncode != 0:
        sys.exit(f"'grader {' '.join(args + ('--help',))}' exited {p.returncode}: "
                 f"{p.stderr.strip()}")
    return p.stdout


def commands(top_help):
    """The names listed under 'commands:' in `grader --help`."""
    names, inside = [], False
    for line in top_help.splitlines():
        if line.strip() == "commands:":
            inside = True
        elif inside and not line.strip():
            break
        elif inside:
            names.append(line.split()[0])
    return names


def names_in(help_text):
    """Options and environment variables a help text names."""
    found = set(LONG.findall(help_text)) | set(VARIABLE.findall(help_text))
    for line in help_text.splitlines():
        m = SHORT.match(line)
        if m:
            found.add(m.group(1))
    return found


def documented(docs, name):
    return re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", docs) is not None


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    grader, src = sys.argv[1], pathlib.Path(sys.argv[2])
    pages = [src / "README.md"] + sorted((src / "docs").glob("*.md"))
    docs = "\n".join(p.read_text(encoding="utf-8") for p in pages)

    top = run_help(grader)
    cmds = commands(top)
    if not cmds:
        sys.exit("found no commands in 'grader --help'")

    missing = []  # (what, where it is named)
    wanted = {}   # option or variable -> the helps that name it
    for name in names_in(top):
        wanted.setdefault(name, []).append("grader --help")
    for cmd in cmds:
        if not re.search(r"\bgrader " + re.escape(cmd) + r"\b", docs):
            missing.append((f"grader {cmd}", "grader --help"))
        for name in names_in(run_help(grader, cmd)):
            wanted.setdefault(name, []).append(f"grader {cmd} --help")
    for name in sorted(wanted):
        if not documented(docs, name):
            missing.append((name, ", ".join(wanted[name])))

    checked = len(cmds) + len(wanted)
    if missing:
        print(f"{len(missing)} of {checked} names in the help are in no page of "
              f"README.md or docs/*.md:")
        for what, where in missing:
            print(f"  {what}  (named by {where})")
        return 1
    print(f"{len(cmds)} commands and {len(wanted)} options and variables: all documented "
          f"in {len(pages)} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
