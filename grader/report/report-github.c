/*
 * report-github.c: GitHub Actions workflow commands.
 *
 * On stdout: an ::error or ::warning annotation per compiler diagnostic
 * (with file=, line= and col= when the diagnostic is about the
 * submission), an ::error per failed test and a ::notice with the score.
 * report_github_step_files() adds the markdown table to the job summary
 * and the score to the step's outputs.
 *
 * Every line written here is a command the grader chose: whatever the
 * submission printed is escaped by the runner's own rules (text-escape.h),
 * so a newline, a carriage return or a "::" in it never starts a command
 * of its own, and "##[" never appears.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "text-escape.h"
#include "report.h"
#include "util.h"

#define DATA_MAX 4000
#define OUTPUT_MAX 2000
#define ANNOTATIONS_MAX 10   /* GitHub shows at most 10 of each kind per step */

struct diagnostic {
	const char *file;
	size_t file_len;
	unsigned long line, col;
	bool error;
	const char *text;
	size_t text_len;
};

/* Digits [s, end) as a number; false unless all digits and not empty. */
static bool digits(const char *s, const char *end, unsigned long *out)
{
	unsigned long v = 0;

	if (s >= end || end - s > 9)
		return false;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*out = v;
	return true;
}

/*
 * Parses one line of compiler output, "FILE:LINE:COL: error: TEXT" or
 * "FILE:LINE: warning: TEXT" ("fatal error" counts as an error).
 */
static bool parse_diagnostic(const char *line, size_t len, struct diagnostic *d)
{
	static const struct {
		const char *tag;
		bool error;
	} kinds[] = { { ": fatal error: ", true }, { ": error: ", true }, { ": warning: ", false } };
	const char *end = line + len, *where = NULL, *c1, *c2;
	size_t i, taglen = 0;

	/* Source lines quoted under a diagnostic are indented. */
	if (len == 0 || line[0] == ' ')
		return false;
	/* The first tag: a learner's "#warning a: error: b" is a warning. */
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		const char *p = memmem(line, len, kinds[i].tag, strlen(kinds[i].tag));

		if (p && (!where || p < where)) {
			where = p;
			taglen = strlen(kinds[i].tag);
			d->error = kinds[i].error;
		}
	}
	if (!where)
		return false;
	/* where points at ": error: "; before it, FILE:LINE[:COL]. */
	c2 = where;
	c1 = c2 - 1;
	while (c1 > line && *c1 != ':')
		c1--;
	if (c1 <= line || !digits(c1 + 1, c2, &d->line))
		return false;
	d->col = 0;
	{
		const char *c0 = c1 - 1;

		while (c0 > line && *c0 != ':')
			c0--;
		if (c0 > line && digits(c0 + 1, c1, &d->col)) {
			d->col = d->line;
			digits(c0 + 1, c1, &d->line);
			c1 = c0;
		}
	}
	d->file = line;
	d->file_len = (size_t)(c1 - line);
	d->text = where + taglen;
	d->text_len = (size_t)(end - d->text);
	return d->file_len > 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static void annotate_compile(struct strbuf *sb, const struct report *r)
{
	const char *p = r->compile_output ? r->compile_output : "";
	const char *base = base_name(r->submission);
	unsigned counts[2] = { 0, 0 }, dropped = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		struct diagnostic d = { 0 };

		if (parse_diagnostic(p, len, &d)) {
			char *text = xmalloc(d.text_len + 1);

			memcpy(text, d.text, d.text_len);
			text[d.text_len] = '\0';
			if (counts[d.error]++ >= ANNOTATIONS_MAX) {
				dropped++;
			} else {
				strbuf_addstr(sb, d.error ? "::error " : "::warning ");
				/* Only the submission is a file of the learner's repository. */
				if (d.file_len == strlen(base) && !memcmp(d.file, base, d.file_len)) {
					strbuf_addstr(sb, "file=");
					text_gh_property(sb, r->submission, 0);
					strbuf_addf(sb, ",line=%lu,", d.line);
					if (d.col)
						strbuf_addf(sb, "col=%lu,", d.col);
				}
				strbuf_addstr(sb, d.error ? "title=compile error::" :
							    "title=compiler warning::");
				text_gh_data(sb, text, DATA_MAX);
				strbuf_addch(sb, '\n');
			}
			free(text);
		}
		p += len + (nl ? 1 : 0);
	}
	if (!r->compiled && counts[1] == 0) {
		strbuf_addstr(sb, "::error title=compile error::the submission does not compile%0A");
		text_gh_data(sb, r->compile_output ? r->compile_output : "", DATA_MAX);
		strbuf_addch(sb, '\n');
	}
	if (dropped)
		strbuf_addf(sb, "::warning title=compiler output::%u more diagnostics: see the "
				"job summary\n",
			    dropped);
}

static void annotate_test(struct strbuf *sb, const struct report *r, const struct test_report *t)
{
	struct strbuf title = STRBUF_INIT;

	strbuf_addf(&title, "%s: %s (%s, %d/%d)", r->exercise, t->name, test_status_name(t->status),
		    t->score, t->max_score);
	strbuf_addstr(sb, "::error ");
	/* A crash's place in the submission, when the learner's code crashed there. */
	if (t->visibility == VIS_VISIBLE) {
		const struct crash_call *k = crash_place(t->crash);

		if (k && k->line) {
			strbuf_addstr(sb, "file=");
			text_gh_property(sb, r->submission, 0);
			strbuf_addf(sb, ",line=%d,", k->line);
		}
	}
	strbuf_addstr(sb, "title=");
	text_gh_property(sb, title.buf, 400);
	strbuf_addstr(sb, "::");
	if (t->visibility != VIS_VISIBLE) {
		strbuf_addstr(sb, "details of this test are hidden");
	} else {
		text_gh_data(sb, t->message && *t->message ? t->message : test_status_name(t->status),
			     DATA_MAX);
		if (t->hint && *t->hint) {
			strbuf_addstr(sb, "%0A%0Ahint: ");
			text_gh_data(sb, t->hint, DATA_MAX);
		}
		if (t->output && *t->output) {
			strbuf_addstr(sb, "%0A%0Ayour program printed:%0A");
			text_gh_data(sb, t->output, OUTPUT_MAX);
		}
	}
	strbuf_addch(sb, '\n');
	strbuf_release(&title);
}

int report_write_github(const struct report *r, FILE *f, const struct report_opts *o)
{
	struct strbuf sb = STRBUF_INIT, note = STRBUF_INIT;
	size_t i, passed = 0;
	int ret;

	(void)o;
	annotate_compile(&sb, r);
	for (i = 0; i < r->ntests; i++) {
		const struct test_report *t = &r->tests[i];

		if (t->status == ST_PASSED)
			passed++;
		else if (t->status != ST_SKIPPED)
			annotate_test(&sb, r, t);
	}
	strbuf_addf(&note, "score %d/%d", r->score, r->max_score);
	if (r->compiled)
		strbuf_addf(&note, ", %zu of %zu tests passed", passed, r->ntests);
	else
		strbuf_addstr(&note, ", the submission does not compile");
	strbuf_addf(&note, " (seed %llu, delivery %s)", (unsigned long long)r->seed,
		    r->delivery_id ? r->delivery_id : "");
	if (r->partial) {
		strbuf_addstr(&note, "; ");
		report_partial_note(r, &note);
	}
	strbuf_addstr(&sb, "::notice title=");
	text_gh_property(&sb, r->exercise, 200);
	strbuf_addstr(&sb, "::");
	text_gh_data(&sb, note.buf, 0);
	strbuf_addch(&sb, '\n');

	fwrite(sb.buf, 1, sb.len, f);
	ret = ferror(f) ? -EIO : 0;
	strbuf_release(&sb);
	strbuf_release(&note);
	return ret;
}

/* The markdown report and a blank line, for the step summary; NULL if out of memory. */
static char *summary_markdown(const struct report *r, size_t *len)
{
	char *md = NULL;
	FILE *f = open_memstream(&md, len);
	int ret;

	if (!f)
		return NULL;
	ret = report_write_markdown(r, f, NULL);
	fputc('\n', f);
	if (fclose(f) != 0 || ret) {
		free(md);
		return NULL;
	}
	return md;
}

int report_github_step_files(const struct report *r, const char *summary_path,
			     const char *output_path, struct strbuf *err)
{
	struct strbuf out = STRBUF_INIT;
	const char *path = NULL;
	char *md = NULL;
	size_t len = 0;
	int ret = 0;

	if (summary_path && *summary_path) {
		path = summary_path;
		md = summary_markdown(r, &len);
		ret = md ? append_file(path, md, len) : -ENOMEM;
	}
	if (!ret && output_path && *output_path) {
		path = output_path;
		strbuf_addf(&out, "score=%d\nmax_score=%d\n", r->score, r->max_score);
		ret = append_file(path, out.buf, out.len);
	}
	if (ret)
		strbuf_addf(err, "cannot append to '%s': %s\n", path, strerror(-ret));
	free(md);
	strbuf_release(&out);
	return ret;
}
