#!/usr/bin/env python3
"""report.html in a real browser: headless Chromium loads the page of a
graded class; the DOM it built must show the histogram and the pass rates
with the numbers of grades.csv and tests.csv, and a screenshot must show
the bars (their colours, in the right amounts).

usage: batch_html.py GRADER SOURCE_DIR
"""
import html.parser
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from batch_lib import (check, csv_dicts, csv_rows, expect, fail, fixture_source,  # noqa: E402
                       read, run)

BAR = (0x3d, 0x6f, 0xd8)       # .bar in class-page.c
PASS_BAR = (0x2f, 0x9e, 0x66)  # .pass-bar
WIDTH, HEIGHT = 1000, 1100

CLASS = {
    "ana": "passes-reference",
    "ben": "passes-qsort-with-index-tiebreak",
    "cy": "fails-ascending-score",
    "dee": "fails-name-descending",
    "eli": "fails-overflowing-comparator",
    "fox": "compile-error-include-passwd",
    "gus": "fails-unstable-sort",
    "hal": "fails-missing-scores-as-zero",
    "<i>ivy": "passes-reference",  # markup in a name stays text
}


def chromium(args, profile):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        fail("chromium is not installed (ci/bootstrap.sh installs it)")
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run", "--user-data-dir=" + profile] + args
    env = dict(os.environ, HOME=profile)
    p = subprocess.run(cmd, capture_output=True, timeout=120, env=env,
                       stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        fail("chromium exited %d: %s" % (p.returncode, p.stderr.decode(errors="replace")[-2000:]))
    return p.stdout.decode()


class Dom(html.parser.HTMLParser):
    """Collects the elements the checks look at, with their attributes and text."""

    def __init__(self):
        super().__init__()
        self.elements = []  # (tag, attrs)
        self.stack = []
        self.text = {}      # id -> text

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag not in ("meta", "br", "rect", "line", "link", "img", "input"):
            self.stack.append(a.get("id"))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if self.stack and tag not in ("meta", "br", "rect", "line"):
            self.stack.pop()

    def handle_data(self, data):
        for i in self.stack:
            if i:
                self.text[i] = self.text.get(i, "") + data

    def having(self, cls):
        return [a for t, a in self.elements if cls in (a.get("class") or "").split()]


def png_pixels(path):
    """(width, height, rows of RGB tuples) of an 8-bit RGB or RGBA PNG."""
    data = read(path, "rb")
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG")
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    check(depth == 8 and ctype in (2, 6), "PNG type %d/%d" % (depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def main():
    grader, src = os.path.abspath(sys.argv[1]), sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="grader-html-")
    try:
        cls = os.path.join(tmp, "class")
        os.makedirs(cls)
        for name, fx in CLASS.items():
            shutil.copy(fixture_source.submission(
                grader, os.path.join(src, "fixtures/sort-users", fx), "sort-users"),
                os.path.join(cls, name + ".c"))
        os.mkdir(os.path.join(cls, "jo"))  # missing: a row, no pass-rate input
        out = os.path.join(tmp, "out")
        p = run(grader, "batch", cls, "--exercise", "sort-users", "--out", out, "-j", "2")
        expect(p, 1, "batch")
        page = read(os.path.join(out, "report.html"))
        low = page.lower()
        check("<script" not in low and " src=" not in low and "<link" not in low and
              "@import" not in low and "url(" not in low, "the page loads something")
        check("default-src 'none'" in page, "no content security policy")
        check("&lt;i&gt;ivy" in page and "<i>ivy" not in page, "name not escaped")

        grades = csv_dicts(os.path.join(out, "grades.csv"))
        tests = csv_rows(os.path.join(out, "tests.csv"))
        hist = [0] * 10
        for r in grades:
            if r["score"] != "":
                hist[min(9, int(float(r["score"]) * 10 // float(r["max_score"])))] += 1
        graded = [r for r in tests[1:] if any(r[2:])]
        passed = {h: sum(1 for r in graded if r[i] == "passed")
                  for i, h in enumerate(tests[0]) if i >= 2}

        profile = os.path.join(tmp, "profile")
        os.mkdir(profile)
        url = "file://" + os.path.join(out, "report.html")
        dom = Dom()
        dom.feed(chromium(["--dump-dom", url], profile))
        bins = dom.having("bin")
        check(len(bins) == 10, "%d histogram bins" % len(bins))
        got = [int(b["data-count"]) for b in bins]
        check(got == hist, "histogram %s, grades.csv says %s" % (got, hist))
        check(sum(got) == len(grades) - 0, "histogram total %d" % sum(got))
        check(len(dom.having("bar")) == 10, "bars")
        rates = dom.having("pass-rate")
        check(len(rates) == len(passed), "%d pass-rate rows for %d tests" %
              (len(rates), len(passed)))
        for r in rates:
            key = r["data-exercise"] + "/" + r["data-test"]
            check(int(r["data-passed"]) == passed[key] and
                  int(r["data-graded"]) == len(graded),
                  "%s: %s/%s, tests.csv says %d/%d" % (key, r["data-passed"],
                                                       r["data-graded"], passed[key],
                                                       len(graded)))
            want = round(100.0 * passed[key] / len(graded), 1)
            check(abs(float(r["data-rate"]) - want) < 0.05, "%s: rate %s" % (key, r["data-rate"]))
        check(len(dom.having("hint")) > 0, "no common hints shown")
        check(len(dom.having("student")) == len(grades), "student table rows")
        check(dom.text.get("students-count", "").strip() == str(len(grades)),
              "overview: %r" % dom.text.get("students-count"))

        shot = os.path.join(tmp, "shot.png")
        chromium(["--screenshot=" + shot, "--window-size=%d,%d" % (WIDTH, HEIGHT),
                  "--hide-scrollbars", url], profile)
        w, h, bpp, rows = png_pixels(shot)
        check((w, h) == (WIDTH, HEIGHT), "screenshot is %dx%d" % (w, h))
        colours, bar, pass_bar = set(), 0, 0
        for row in rows:
            for x in range(0, w * bpp, bpp):
                px = (row[x], row[x + 1], row[x + 2])
                colours.add(px)
                if px == BAR:
                    bar += 1
                elif px == PASS_BAR:
                    pass_bar += 1
        check(len(colours) > 50, "a blank screenshot (%d colours)" % len(colours))
        # The tallest bar is 196 px high and about 40 wide; every bar counts.
        check(bar > 2000, "histogram bars not visible: %d px" % bar)
        check(pass_bar > 500, "pass-rate bars not visible: %d px" % pass_bar)
        print("ok: report.html in chromium: %d bins, %d tests, %d bar px, %d pass px" %
              (len(bins), len(rates), bar, pass_bar))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
