/*
 * patch.c: a strict unified-diff applier (see patch.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "patch.h"
#include "util.h"

/* How much of a line an error message shows. */
#define SHOWN_BYTES 120

/* A line: len counts its '\n', when it has one. */
struct line {
	const char *p;
	size_t len;
};

/* The patch, read line by line; lineno is the line last read, from 1. */
struct reader {
	const char *buf;
	size_t len, off;
	size_t lineno;
};

/* One line of a hunk's body. */
struct body_line {
	char kind;      /* ' ', '-' or '+' */
	const char *p;  /* the line without its kind */
	size_t len;     /* with its '\n', unless a marker said it has none */
	bool cut;       /* a "\ No newline" marker followed it */
	size_t lineno;  /* in the patch */
};

struct hunk {
	size_t number;  /* from 1 */
	struct line head;
	size_t old_start, old_count, new_start, new_count;
	struct body_line *lines;
	size_t n, alloc;
};

/* The text as lines: line i is [off[i], off[i + 1]). */
struct text {
	const char *buf;
	const char *name;
	size_t *off;
	size_t n;
};

/* What has been written to out so far. */
struct output {
	struct strbuf *sb;
	size_t lines;
	bool open;            /* its last line has no newline: nothing may follow */
	size_t open_lineno;   /* the patch line that made it so */
};

static bool starts_with(const struct line *l, const char *prefix)
{
	size_t n = strlen(prefix);

	return l->len >= n && !memcmp(l->p, prefix, n);
}

static bool reader_peek(const struct reader *r, struct line *l)
{
	const char *nl;

	if (r->off >= r->len)
		return false;
	l->p = r->buf + r->off;
	nl = memchr(l->p, '\n', r->len - r->off);
	l->len = nl ? (size_t)(nl - l->p) + 1 : r->len - r->off;
	return true;
}

static void reader_skip(struct reader *r, const struct line *l)
{
	r->off += l->len;
	r->lineno++;
}

static bool reader_next(struct reader *r, struct line *l)
{
	if (!reader_peek(r, l))
		return false;
	reader_skip(r, l);
	return true;
}

/* Appends a line for a message: visible bytes, without its newline, cut. */
static void add_shown(struct strbuf *sb, const char *p, size_t len)
{
	if (len && p[len - 1] == '\n')
		len--;
	strbuf_addch(sb, '\'');
	strbuf_add_visible(sb, p, len, SHOWN_BYTES);
	strbuf_addch(sb, '\'');
}

static int hunk_error(struct strbuf *err, const struct hunk *h, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int hunk_error(struct strbuf *err, const struct hunk *h, const char *fmt, ...)
{
	va_list ap;

	strbuf_addf(err, "hunk %zu (", h->number);
	strbuf_add_visible(err, h->head.p, h->head.len && h->head.p[h->head.len - 1] == '\n'
			   ? h->head.len - 1 : h->head.len, SHOWN_BYTES);
	strbuf_addstr(err, "): ");
	va_start(ap, fmt);
	strbuf_vaddf(err, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A number of at most PATCH_MAX_DIGITS digits, so that sums never overflow. */
static bool parse_number(const char **s, const char *end, size_t *v)
{
	size_t n = 0, digits = 0;

	while (*s < end && **s >= '0' && **s <= '9') {
		if (++digits > PATCH_MAX_DIGITS)
			return false;
		n = n * 10 + (size_t)(**s - '0');
		(*s)++;
	}
	*v = n;
	return digits > 0;
}

/* "a" or "a,b"; b is 1 when absent. */
static bool parse_range(const char **s, const char *end, size_t *start, size_t *count)
{
	if (!parse_number(s, end, start))
		return false;
	*count = 1;
	if (*s < end && **s == ',') {
		(*s)++;
		return parse_number(s, end, count);
	}
	return true;
}

/* "@@ -a[,b] +c[,d] @@", then the end of the line or a space and any text. */
static bool parse_hunk_head(const struct line *l, struct hunk *h)
{
	const char *s = l->p, *end = l->p + l->len;

	if (end > s && end[-1] == '\n')
		end--;
	if (end - s < 4 || memcmp(s, "@@ -", 4))
		return false;
	s += 4;
	if (!parse_range(&s, end, &h->old_start, &h->old_count))
		return false;
	if (end - s < 2 || memcmp(s, " +", 2))
		return false;
	s += 2;
	if (!parse_range(&s, end, &h->new_start, &h->new_count))
		return false;
	if (end - s < 3 || memcmp(s, " @@", 3))
		return false;
	s += 3;
	return s == end || *s == ' ';
}

/* "\ No newline at end of file": the line before it ends without one. */
static int take_marker(struct hunk *h, const struct reader *r, struct strbuf *err)
{
	struct body_line *b = h->n ? &h->lines[h->n - 1] : NULL;

	if (!b || b->cut)
		return hunk_error(err, h, "line %zu of the patch: a '\\' line that follows no "
				  "line of the hunk", r->lineno);
	if (b->len < 2)
		return hunk_error(err, h, "line %zu of the patch: an empty line cannot lack "
				  "its newline", b->lineno);
	b->len--;
	b->cut = true;
	return 0;
}

static int push_line(struct hunk *h, const struct line *l, const struct reader *r,
		     struct strbuf *err)
{
	struct body_line *b;

	if (l->p[l->len - 1] != '\n')
		return hunk_error(err, h, "line %zu of the patch: the patch ends in the middle "
				  "of a line (cut short?)", r->lineno);
	if (h->n == h->alloc) {
		h->alloc = h->alloc ? h->alloc * 2 : 16;
		h->lines = xrealloc(h->lines, h->alloc * sizeof(*h->lines));
	}
	b = &h->lines[h->n++];
	b->lineno = r->lineno;
	b->cut = false;
	if (l->p[0] == '\n') {
		/* An empty line: a context line whose blank was trimmed. */
		b->kind = ' ';
		b->p = l->p;
		b->len = 1;
	} else {
		b->kind = l->p[0];
		b->p = l->p + 1;
		b->len = l->len - 1;
	}
	return 0;
}

/*
 * Reads the lines of a hunk whose header was just read: exactly as many
 * old (' ', '-') and new (' ', '+') lines as it counts, with the markers
 * among and after them. Grows with the lines read, never with the counts.
 */
static int read_body(struct reader *r, struct hunk *h, struct strbuf *err)
{
	size_t old_seen = 0, new_seen = 0;
	struct line l;
	int ret = 0;

	h->n = 0;
	while (!ret && (old_seen < h->old_count || new_seen < h->new_count)) {
		char kind;

		if (!reader_peek(r, &l))
			return hunk_error(err, h, "the patch ends after %zu of its %zu old lines "
					  "and %zu of its %zu new lines", old_seen, h->old_count,
					  new_seen, h->new_count);
		kind = l.p[0];
		if (kind == '\\') {
			reader_skip(r, &l);
			ret = take_marker(h, r, err);
			continue;
		}
		if (kind != ' ' && kind != '-' && kind != '+' && kind != '\n')
			return hunk_error(err, h, "line %zu of the patch: expected a line that "
					  "starts with ' ', '-' or '+' (the header counts %zu old "
					  "and %zu new lines; %zu and %zu came), found %s",
					  r->lineno + 1, h->old_count, h->new_count, old_seen,
					  new_seen, starts_with(&l, "@@") ? "the next hunk" : "other text");
		if (kind != '+' && old_seen++ == h->old_count)
			return hunk_error(err, h, "line %zu of the patch: more old lines (' ', '-') "
					  "than the %zu the header counts", r->lineno + 1, h->old_count);
		if (kind != '-' && new_seen++ == h->new_count)
			return hunk_error(err, h, "line %zu of the patch: more new lines (' ', '+') "
					  "than the %zu the header counts", r->lineno + 1, h->new_count);
		reader_skip(r, &l);
		ret = push_line(h, &l, r, err);
	}
	/* A marker may follow the hunk's last line. */
	if (!ret && reader_peek(r, &l) && l.p[0] == '\\') {
		reader_skip(r, &l);
		ret = take_marker(h, r, err);
	}
	return ret;
}

static int output_add(struct output *o, const char *p, size_t len)
{
	if (o->open)
		return -1;
	strbuf_add(o->sb, p, len);
	o->lines++;
	o->open = !len || p[len - 1] != '\n';
	return 0;
}

static int open_error(struct strbuf *err, const struct hunk *h, const struct output *o,
		      const struct text *t)
{
	if (h)
		hunk_error(err, h, "%s", "");
	if (o->open_lineno)
		strbuf_addf(err, "line %zu of the patch is marked as having no newline at the "
			    "end of the file, but more lines follow it", o->open_lineno);
	else
		strbuf_addf(err, "the last line of %s has no newline, but the patch adds lines "
			    "after it without saying so ('\\ No newline at end of file')", t->name);
	return -EINVAL;
}

/* Copies the text's lines [from, to) unchanged; h: the hunk they precede, or NULL. */
static int copy_lines(const struct text *t, size_t from, size_t to, struct output *o,
		      const struct hunk *h, struct strbuf *err)
{
	if (from < to && o->open)
		return open_error(err, h, o, t);
	if (from < to) {
		strbuf_add(o->sb, t->buf + t->off[from], t->off[to] - t->off[from]);
		o->lines += to - from;
		o->open = t->buf[t->off[to] - 1] != '\n';
		o->open_lineno = 0;
	}
	return 0;
}

static int mismatch(struct strbuf *err, const struct hunk *h, const struct text *t,
		    size_t i, const struct body_line *b)
{
	const char *tp = t->buf + t->off[i];
	size_t tl = t->off[i + 1] - t->off[i];
	size_t a = tl && tp[tl - 1] == '\n' ? tl - 1 : tl;
	size_t c = b->len && b->p[b->len - 1] == '\n' ? b->len - 1 : b->len;

	if (a == c && !memcmp(tp, b->p, a))
		return hunk_error(err, h, "line %zu of %s and line %zu of the patch differ in "
				  "their newline: one of them is the last line of a file that "
				  "does not end with a newline", i + 1, t->name, b->lineno);
	hunk_error(err, h, "line %zu of %s does not match line %zu of the patch: %s has ",
		   i + 1, t->name, b->lineno, t->name);
	add_shown(err, tp, tl);
	strbuf_addstr(err, ", the patch ");
	add_shown(err, b->p, b->len);
	return -EINVAL;
}

/*
 * diff gives every hunk the same context before and after, except at the
 * ends of the file: a hunk with less context before than after starts at
 * the first line, one with less after than before ends at the last line.
 * patch(1) holds hunks to that, and so does this.
 */
static int check_anchors(const struct text *t, const struct hunk *h, size_t start,
			 struct strbuf *err)
{
	size_t before = 0, after = 0;

	while (before < h->n && h->lines[before].kind == ' ')
		before++;
	if (before == h->n)
		return hunk_error(err, h, "it changes nothing");
	while (after < h->n - before && h->lines[h->n - 1 - after].kind == ' ')
		after++;
	if (before < after && start != 0)
		return hunk_error(err, h, "it has less context before its change than after, "
				  "so it must start at line 1 of %s", t->name);
	if (after < before && start + h->old_count != t->n)
		return hunk_error(err, h, "it has less context after its change than before, "
				  "so it must end at the last line of %s, which has %zu lines",
				  t->name, t->n);
	return 0;
}

/*
 * Applies one hunk after the text's lines [0, *pos) were dealt with.
 * diff's convention: an empty range (count 0) names the line after which
 * it sits, a non-empty one its first line.
 */
static int apply_hunk(const struct text *t, const struct hunk *h, size_t *pos,
		      struct output *o, struct strbuf *err)
{
	size_t start, want, i, cur;
	int ret;

	if ((h->old_count && !h->old_start) || (h->new_count && !h->new_start))
		return hunk_error(err, h, "a range that holds lines cannot start at line 0");
	start = h->old_count ? h->old_start - 1 : h->old_start;
	if (start < *pos)
		return hunk_error(err, h, "it starts inside or before the hunk before it "
				  "(hunks come in order and do not overlap)");
	if (start > t->n || h->old_count > t->n - start)
		return hunk_error(err, h, "it reaches past the end of %s, which has %zu lines",
				  t->name, t->n);
	ret = copy_lines(t, *pos, start, o, h, err);
	if (ret)
		return ret;
	want = h->new_count ? h->new_start - 1 : h->new_start;
	if (want != o->lines)
		return hunk_error(err, h, "its new line number is %zu, but the hunks before it "
				  "put it at %zu (no offset is allowed)", h->new_start,
				  o->lines + (h->new_count ? 1 : 0));
	ret = check_anchors(t, h, start, err);
	if (ret)
		return ret;
	cur = start;
	for (i = 0; i < h->n; i++) {
		const struct body_line *b = &h->lines[i];

		if (b->kind != '+') {
			size_t tl = t->off[cur + 1] - t->off[cur];

			if (tl != b->len || memcmp(t->buf + t->off[cur], b->p, tl))
				return mismatch(err, h, t, cur, b);
			cur++;
		}
		if (b->kind != '-') {
			if (output_add(o, b->p, b->len))
				return open_error(err, h, o, t);
			if (o->open)
				o->open_lineno = b->lineno;
		}
	}
	*pos = cur;
	return 0;
}

static void text_index(struct text *t, const char *buf, size_t len)
{
	size_t n = 0, i;
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		n++;
		p = nl ? nl + 1 : end;
	}
	t->buf = buf;
	t->n = n;
	t->off = xmalloc((n + 1) * sizeof(*t->off));
	for (i = 0, p = buf; i < n; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		t->off[i] = (size_t)(p - buf);
		p = nl ? nl + 1 : end;
	}
	t->off[n] = len;
}

size_t patch_header_len(const char *patch, size_t len)
{
	struct reader r = { patch, len, 0, 0 };
	struct line l;

	while (reader_peek(&r, &l)) {
		if (starts_with(&l, "--- "))
			return r.off;
		reader_skip(&r, &l);
	}
	return len;
}

int patch_apply(const char *patch, size_t patch_len, const char *text, size_t text_len,
		const char *text_name, struct strbuf *out, struct strbuf *err)
{
	struct reader r = { patch, patch_len, 0, 0 };
	struct text t = { 0 };
	struct output o = { out, 0, false, 0 };
	struct hunk h = { 0 };
	struct line l;
	size_t pos = 0, dashes;
	bool found = false;
	int ret = 0;

	if (memchr(patch, '\0', patch_len)) {
		strbuf_addstr(err, "the patch holds a NUL byte: not a text diff");
		return -EINVAL;
	}
	/* The description: everything before the first "--- " line. */
	while (!found && reader_next(&r, &l))
		found = starts_with(&l, "--- ");
	if (!found) {
		strbuf_addstr(err, "no line starts with '--- ': not a unified diff");
		return -EINVAL;
	}
	dashes = r.lineno;
	if (!reader_next(&r, &l) || !starts_with(&l, "+++ ")) {
		strbuf_addf(err, "line %zu of the patch: expected a '+++ ' line after the "
			    "'--- ' line", dashes + 1);
		return -EINVAL;
	}
	t.name = text_name;
	text_index(&t, text, text_len);
	while (!ret && reader_next(&r, &l)) {
		if (starts_with(&l, "--- ")) {
			strbuf_addf(err, "line %zu of the patch: a second file: the patch may "
				    "change %s only", r.lineno, text_name);
			ret = -EINVAL;
			break;
		}
		if (!parse_hunk_head(&l, &h)) {
			strbuf_addf(err, "line %zu of the patch: expected a hunk header "
				    "\"@@ -LINE,COUNT +LINE,COUNT @@\" (numbers of at most %d "
				    "digits), found ", r.lineno, PATCH_MAX_DIGITS);
			add_shown(err, l.p, l.len);
			ret = -EINVAL;
			break;
		}
		h.number++;
		h.head = l;
		ret = read_body(&r, &h, err);
		if (!ret)
			ret = apply_hunk(&t, &h, &pos, &o, err);
	}
	if (!ret && !h.number) {
		strbuf_addstr(err, "the patch has no hunk");
		ret = -EINVAL;
	}
	if (!ret)
		ret = copy_lines(&t, pos, t.n, &o, NULL, err);
	free(h.lines);
	free(t.off);
	return ret;
}
