/*
 * report-markdown.c: a GitHub-flavoured markdown table, for a pull-request
 * comment or a job summary (the github format appends it to
 * $GITHUB_STEP_SUMMARY).
 *
 * What a submission printed is shown inside <code> or <pre> with every
 * character that markdown or HTML could act on written as a character
 * reference (text-escape.h): no table cell breaks, no tag, link, image or
 * @mention comes out of it. The receipt is the footer.
 */
#include <errno.h>

#include "report.h"
#include "text-escape.h"
#include "version.h"
#include "util.h"

#define CELL_MAX 600
#define OUTPUT_MAX 3000

static const char *icon(enum test_status s)
{
	switch (s) {
	case ST_PASSED: return "\u2705";   /* white heavy check mark */
	case ST_SKIPPED: return "\u23ed\ufe0f"; /* next track */
	default: return "\u274c";          /* cross mark */
	}
}

static void put_details(struct strbuf *sb, const struct test_report *t)
{
	if (t->status == ST_PASSED)
		return;
	if (t->visibility != VIS_VISIBLE) {
		strbuf_addstr(sb, "<i>details of this test are hidden</i>");
		return;
	}
	if (t->message && *t->message) {
		strbuf_addstr(sb, "<code>");
		text_md(sb, t->message, CELL_MAX);
		strbuf_addstr(sb, "</code>");
	}
	if (t->hint && *t->hint) {
		strbuf_addstr(sb, "<br><b>hint:</b> ");
		text_md(sb, t->hint, CELL_MAX);
	}
}

static void put_pre(struct strbuf *sb, const char *summary_html, const char *text)
{
	strbuf_addf(sb, "<details><summary>%s</summary>\n\n<pre>", summary_html);
	text_html(sb, text, OUTPUT_MAX);
	strbuf_addstr(sb, "</pre>\n\n</details>\n\n");
}

static void put_receipt(struct strbuf *sb, const struct report *r)
{
	size_t i;

	strbuf_addstr(sb, "<sub>receipt: submission ");
	text_md(sb, r->submission, 400);
	strbuf_addstr(sb, " sha256 ");
	text_md(sb, r->sha256, 80);
	strbuf_addstr(sb, " \u00b7 spec sha256 ");
	text_md(sb, r->spec_hash ? r->spec_hash : "", 80);
	strbuf_addf(sb, " \u00b7 grader %s \u00b7 ", GRADER_VERSION);
	text_md(sb, r->compiler ? r->compiler : "", 200);
	strbuf_addf(sb, " \u00b7 seed %llu \u00b7 limits: CPU %llu ms, wall %llu ms, memory %llu KiB, "
			"files %llu KiB, output %llu KiB \u00b7 isolation:",
		    (unsigned long long)r->seed, (unsigned long long)r->limits.cpu_ms,
		    (unsigned long long)r->limits.wall_ms, (unsigned long long)r->limits.memory_kb,
		    (unsigned long long)r->limits.file_kb, (unsigned long long)r->limits.output_kb);
	for (i = 0; i < r->nlayers; i++) {
		strbuf_addch(sb, ' ');
		text_md(sb, r->layers[i], 80);
	}
	strbuf_addstr(sb, " \u00b7 delivery ");
	text_md(sb, r->delivery_id ? r->delivery_id : "", 80);
	strbuf_addstr(sb, " \u00b7 ");
	text_md(sb, r->timestamp ? r->timestamp : "", 80);
	strbuf_addstr(sb, "</sub>\n");
}

/* The document, shared with the github format's step summary. */
static void markdown(struct strbuf *sb, const struct report *r)
{
	size_t i, passed = 0;

	for (i = 0; i < r->ntests; i++)
		passed += r->tests[i].status == ST_PASSED;
	strbuf_addf(sb, "### %s ", report_exit_code(r) == 0 ? icon(ST_PASSED) : icon(ST_FAILED));
	text_md(sb, r->exercise, 200);
	strbuf_addf(sb, ": %d/%d\n\n", r->score, r->max_score);
	strbuf_addstr(sb, "<code>");
	text_md(sb, r->submission, 400);
	strbuf_addstr(sb, "</code>: ");
	if (r->compiled)
		strbuf_addf(sb, "%zu of %zu tests passed", passed, r->ntests);
	else
		strbuf_addstr(sb, "**does not compile**: no test was run");
	strbuf_addf(sb, " \u00b7 seed %llu\n\n", (unsigned long long)r->seed);
	if (r->partial) {
		struct strbuf note = STRBUF_INIT;

		report_partial_note(r, &note);
		strbuf_addstr(sb, "**");
		text_md(sb, note.buf, 2000);
		strbuf_addstr(sb, "**\n\n");
		strbuf_release(&note);
	}
	if (r->compile_output && *r->compile_output)
		put_pre(sb, r->compiled ? "compiler warnings" : "compiler errors", r->compile_output);
	if (r->compiled) {
		strbuf_addstr(sb, "| | test | points | CPU time | details |\n"
				  "|:-:|---|--:|--:|---|\n");
		for (i = 0; i < r->ntests; i++) {
			const struct test_report *t = &r->tests[i];

			strbuf_addf(sb, "| %s %s | ", icon(t->status), test_status_name(t->status));
			text_md(sb, t->name, 200);
			strbuf_addf(sb, " | %d/%d | ", t->score, t->max_score);
			if (t->status != ST_SKIPPED)
				strbuf_addf(sb, "%.1f ms", t->time_ms);
			strbuf_addstr(sb, " | ");
			put_details(sb, t);
			strbuf_addstr(sb, " |\n");
		}
		strbuf_addch(sb, '\n');
		for (i = 0; i < r->ntests; i++) {
			const struct test_report *t = &r->tests[i];
			struct strbuf title = STRBUF_INIT;

			if (t->status == ST_PASSED || t->status == ST_SKIPPED ||
			    t->visibility != VIS_VISIBLE || !t->output || !*t->output)
				continue;
			strbuf_addstr(&title, "output of ");
			text_html(&title, t->name, 200);
			put_pre(sb, title.buf, t->output);
			strbuf_release(&title);
		}
	}
	put_receipt(sb, r);
}

int report_write_markdown(const struct report *r, FILE *f, const struct report_opts *o)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	(void)o;
	markdown(&sb, r);
	fwrite(sb.buf, 1, sb.len, f);
	ret = ferror(f) ? -EIO : 0;
	strbuf_release(&sb);
	return ret;
}
