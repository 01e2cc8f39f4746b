#!/usr/bin/env python3
"""report.html in a real browser: headless Chromium loads the page of a
graded class; the DOM it built must show the histogram and the pass rates
with the numbers of grades.csv and tests.csv, and a screenshot must show
the bars (their colours, in the right amounts).

Then the pages beside it (students/, tests/): every link of every page
resolves to a file of the output, every name on report.html is a link,
each student's page shows the statuses of tests.csv and grades.csv, a
hidden test's details appear nowhere, and in the DOM Chromium builds of
every page there is no script, no event handler attribute and no element
the grader did not write (a student named "<img src=x onerror=...>" and
fixtures/hostile-output's output stay text).

usage: batch_html.py GRADER SOURCE_DIR
"""
import html.parser
import json
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
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
    "<img src=x onerror=alert(1)>": "hostile-output",  # and its output too
}
HOSTILE_DIR = "fixtures/hostile-output"
HIDDEN_TEST = "stable-full-ties"  # gus fails it: its hint must not show

# The elements the grader writes; any other in a DOM came from a student.
TAGS = {"html", "head", "meta", "title", "style", "body", "main", "p", "a", "h1", "h2", "h3",
        "dl", "dt", "dd", "div", "section", "table", "thead", "tbody", "tr", "th", "td",
        "span", "pre", "b", "ul", "ol", "li", "br", "svg", "g", "rect", "text", "line"}


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


class Browser:
    """One headless Chromium driven over the DevTools protocol on a pipe
    (--remote-debugging-pipe: messages in on fd 3, out on fd 4, each ended
    by a NUL): it loads page after page and hands back the DOM it built,
    without a process per page. Stopped by close(), by its pid."""

    def __init__(self, profile):
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if not exe:
            fail("chromium is not installed (ci/bootstrap.sh installs it)")
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()

        def fds():
            a, b = os.dup(to_r), os.dup(from_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        # The pipes' other ends are not inheritable (os.pipe), so Chromium
        # holds fds 3 and 4 only.
        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", "--user-data-dir=" + profile, "about:blank"],
            preexec_fn=fds, close_fds=False, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, HOME=profile))
        os.close(to_r)
        os.close(from_w)
        self.w, self.r, self.buf, self.id, self.events = to_w, from_r, b"", 0, []
        try:
            target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            self.session = self.send("Target.attachToTarget",
                                     {"targetId": target, "flatten": True})["sessionId"]
            self.send("Page.enable", session=self.session)
        except BaseException:
            self.close()  # fail() exits: the browser must not outlive the test
            raise

    def _read(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.r], [], [], left)[0]:
                fail("chromium did not answer in time")
            data = os.read(self.r, 1 << 20)
            if not data:
                fail("chromium closed its pipe (exit %s)" % self.proc.poll())
            self.buf += data
        msg, _, self.buf = self.buf.partition(b"\0")
        return json.loads(msg)

    def send(self, method, params=None, session=None, timeout=60):
        self.id += 1
        msg = {"id": self.id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            m = self._read(deadline)
            if m.get("id") == self.id:
                if "error" in m:
                    fail("chromium: %s: %s" % (method, m["error"]))
                return m["result"]
            self.events.append(m)

    def dom(self, path, timeout=60):
        """The DOM of the page at path, once loaded, as HTML."""
        self.events = []
        self.send("Page.navigate", {"url": "file://" + path}, session=self.session)
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(self._read(deadline))
        root = self.send("DOM.getDocument", {"depth": -1}, session=self.session)["root"]
        return self.send("DOM.getOuterHTML", {"nodeId": root["nodeId"]},
                         session=self.session)["outerHTML"]

    def close(self):
        try:
            os.write(self.w, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
            self.proc.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        os.close(self.w)
        os.close(self.r)


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


class Links(html.parser.HTMLParser):
    """Every element with its attributes, in order, and the text inside each <a>."""

    def __init__(self):
        super().__init__()
        self.elements = []
        self.links = []  # (href, text, attrs)
        self._a = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag == "a":
            self._a = [a.get("href"), "", a]

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        if self._a is not None:
            self._a[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._a is not None:
            self.links.append(tuple(self._a))
            self._a = None


def parse(text):
    p = Links()
    p.feed(text)
    p.close()
    return p


def all_pages(out):
    pages = [os.path.join(out, "report.html")]
    for d in ("students", "tests"):
        for root, _, files in os.walk(os.path.join(out, d)):
            pages += [os.path.join(root, f) for f in sorted(files)]
    return pages


def check_links(out, pages):
    """Every href of every page: a relative path to a file inside out."""
    targets = set()
    for page in pages:
        for href, text, _ in parse(read(page)).links:
            check(href and re.fullmatch(r"[a-z0-9_~./-]+\.html", href),
                  "%s: an unexpected href %r" % (page, href))
            path = os.path.normpath(os.path.join(os.path.dirname(page),
                                                 urllib.parse.unquote(href)))
            check(path.startswith(out + os.sep), "%s: %r leads out of the output" % (page, href))
            check(os.path.isfile(path), "%s: %r (%s) leads nowhere" % (page, href, text))
            targets.add(path)
    return targets


def check_dom(page, dom_text):
    """The DOM Chromium built: the grader's elements only, no script, no handler."""
    dom = parse(dom_text)
    for tag, attrs in dom.elements:
        check(tag in TAGS, "%s: a <%s> element in the DOM" % (page, tag))
        for name in attrs:
            check(not name.startswith("on"), "%s: an event handler %s on <%s>" %
                  (page, name, tag))
        for name in ("href", "src", "action", "style"):
            v = attrs.get(name) or ""
            check("javascript:" not in v.lower(), "%s: javascript: in %s" % (page, name))
    heads = [a for t, a in dom.elements if t == "meta" and a.get("http-equiv")]
    check(any("default-src 'none'" in (a.get("content") or "") for a in heads),
          "%s: no content security policy" % page)
    return dom


def check_pages(out, profile, grades, tests):
    pages = all_pages(out)
    names = [r["student"] for r in grades]
    check(len([p for p in pages if "/students/" in p]) == len(names),
          "%d student pages for %d students" % (len(pages), len(names)))
    targets = check_links(out, pages)
    check(all(p in targets for p in pages[1:]), "a page no link leads to: %s" %
          sorted(set(pages[1:]) - targets))

    # Every name on report.html is a link: the student table's and the pass rates'.
    report = parse(read(os.path.join(out, "report.html")))
    linked = {text for _, text, a in report.links if a.get("class") == "student-link"}
    check(set(names) <= linked, "students without a link: %s" % (set(names) - linked))
    test_names = tests[0][2:]
    linked_tests = {text for _, text, a in report.links if a.get("class") == "test-link"}
    check({t.split("/", 1)[1] for t in test_names} <= linked_tests, "tests without a link")

    by_student = {r[0]: dict(zip(tests[0], r)) for r in tests[1:]}
    status_of = {r["student"]: r for r in grades}
    hidden_seen = 0
    browser = Browser(profile + "-cdp")
    try:
        doms = {page: browser.dom(page) for page in pages}
    finally:
        browser.close()
    for page in pages:
        dom = check_dom(page, doms[page])
        if "/students/" not in page:
            continue
        who = [a["data-student"] for t, a in dom.elements if a.get("id") == "student"]
        check(len(who) == 1 and who[0] in status_of, "%s: whose page? %s" % (page, who))
        name = who[0]
        sections = [a for t, a in dom.elements if "exercise" in (a.get("class") or "").split()]
        check([s["data-status"] for s in sections] == [status_of[name]["status"]],
              "%s: exercise status %s, grades.csv says %s" %
              (page, [s["data-status"] for s in sections], status_of[name]["status"]))
        rows = [a for t, a in dom.elements if t == "tr" and a.get("class") == "test"]
        want = {k.split("/", 1)[1]: v for k, v in by_student[name].items() if "/" in k and v}
        got = {r["data-test"]: r["data-status"] for r in rows}
        check(got == want, "%s: statuses %s, tests.csv says %s" % (page, got, want))
        hidden_seen += check_hidden(page, read(page))
    check(hidden_seen > 0, "no student page holds the hidden test")
    page = os.path.join(out, "tests", "sort-users", HIDDEN_TEST + ".html")
    text = read(page)
    check('class="message"' not in text and 'data-hint=""' in text and "hidden" in text,
          "%s: the hidden test shows details" % page)
    # The hostile student's page: its output is there, as text.
    hostile = [p for p in pages if "/students/_3cimg" in p]
    check(len(hostile) == 1, "the hostile student's page: %s" % hostile)
    text = read(hostile[0])
    check("&lt;img src=x onerror=alert(1)&gt;" in text and "<img" not in text,
          "the hostile name is not escaped")
    check("pwned" in text, "the hostile output is not shown at all")
    print("ok: %d pages, every link resolves, statuses as tests.csv, DOMs inert" % len(pages))


def check_hidden(page, text):
    """The hidden test's row shows its status and points, nothing more."""
    rows = re.findall(r'<tr class="test" data-test="%s".*?</tr>' % HIDDEN_TEST, text, re.S)
    for row in rows:
        check('data-visibility="hidden"' in row and "details of this test are hidden" in row,
              "%s: the hidden test's row: %s" % (page, row[:300]))
        for cls in ("message", "hint", "input", "output"):
            check('class="%s"' % cls not in row, "%s: the hidden test shows its %s" %
                  (page, cls))
    return len(rows)


def main():
    grader, src = os.path.abspath(sys.argv[1]), sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="grader-html-")
    try:
        cls = os.path.join(tmp, "class")
        os.makedirs(cls)
        for name, fx in CLASS.items():
            path = (os.path.join(src, HOSTILE_DIR, "submission.c") if fx == "hostile-output"
                    else fixture_source.submission(
                        grader, os.path.join(src, "fixtures/sort-users", fx), "sort-users"))
            shutil.copy(path, os.path.join(cls, name + ".c"))
        os.mkdir(os.path.join(cls, "jo"))  # missing: a row, no pass-rate input
        # One hidden test: the same exercise, with that test's visibility changed.
        exdir = os.path.join(tmp, "exercises")
        shutil.copytree(os.path.join(src, "exercises", "sort-users"),
                        os.path.join(exdir, "sort-users"))
        spec_path = os.path.join(exdir, "sort-users", "spec.json")
        with open(spec_path) as f:
            spec = json.load(f)
        hidden = [t for t in spec["tests"] if t["name"] == HIDDEN_TEST]
        check(len(hidden) == 1, "no test %s" % HIDDEN_TEST)
        hidden[0]["visibility"] = "hidden"
        with open(spec_path, "w") as f:
            json.dump(spec, f)
        out = os.path.join(tmp, "out")
        p = run(grader, "batch", cls, "--exercise", "sort-users", "--out", out, "-j", "2",
                "--exercises", exdir)
        expect(p, 1, "batch")
        page = read(os.path.join(out, "report.html"))
        low = page.lower()
        elements = parse(page).elements
        check(not any(t in ("script", "link", "img", "iframe") or "src" in a
                      for t, a in elements) and "@import" not in low and "url(" not in low,
              "the page loads something")
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
        check_pages(out, profile, grades, tests)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
