/*
 * report-tap.c: TAP (testanything.org), for prove and every harness that
 * reads TAP.
 *
 * The stream says "TAP version 13": it uses nothing that only version 14
 * has (no subtests, no pragmas), a TAP 14 parser reads a version 13 stream,
 * and Test::Harness before 3.48 (Debian 12's prove is 3.44) stops at a
 * version 14 line. A '#' in a description is escaped as "\#", which both
 * versions read.
 *
 * Test point 1 is "compile", so that a submission that does not build
 * fails the stream instead of skipping every test. The receipt is a block
 * of comments after the plan; details of a test go into its YAML block,
 * every string a one-line double-quoted scalar: no line that learner text
 * produced can start a TAP line of its own.
 */
#include <errno.h>
#include <string.h>

#include "report.h"
#include "text-escape.h"
#include "version.h"
#include "util.h"

#define YAML_MAX 16384

/* A description or a directive's reason: one line, '#' and '\' escaped. */
static void put_description(struct strbuf *sb, const char *s)
{
	struct strbuf line = STRBUF_INIT;
	const char *p;

	text_line(&line, s, 400);
	for (p = strbuf_str(&line); *p; p++) {
		if (*p == '#' || *p == '\\')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *p);
	}
	strbuf_release(&line);
}

static void put_comment(struct strbuf *sb, const char *key, const char *value)
{
	strbuf_addf(sb, "# %s ", key);
	text_line(sb, value ? value : "", 400);
	strbuf_addch(sb, '\n');
}

static void put_receipt(struct strbuf *sb, const struct report *r)
{
	size_t i;

	strbuf_addf(sb, "# grader %s: %s, score %d/%d\n", GRADER_VERSION, r->exercise, r->score,
		    r->max_score);
	put_comment(sb, "submission", r->submission);
	put_comment(sb, "submission_sha256", r->sha256);
	put_comment(sb, "spec_sha256", r->spec_hash);
	put_comment(sb, "compiler", r->compiler);
	strbuf_addf(sb, "# seed %llu\n", (unsigned long long)r->seed);
	strbuf_addf(sb, "# limits cpu_ms=%llu wall_ms=%llu memory_kb=%llu file_kb=%llu "
			"output_kb=%llu\n",
		    (unsigned long long)r->limits.cpu_ms, (unsigned long long)r->limits.wall_ms,
		    (unsigned long long)r->limits.memory_kb, (unsigned long long)r->limits.file_kb,
		    (unsigned long long)r->limits.output_kb);
	strbuf_addstr(sb, "# isolation");
	for (i = 0; i < r->nlayers; i++)
		strbuf_addf(sb, " %s", r->layers[i]);
	strbuf_addch(sb, '\n');
	put_comment(sb, "delivery_id", r->delivery_id);
	put_comment(sb, "timestamp", r->timestamp);
}

static void put_yaml_string(struct strbuf *sb, const char *key, const char *value)
{
	strbuf_addf(sb, "  %s: ", key);
	text_yaml(sb, value ? value : "", YAML_MAX);
	strbuf_addch(sb, '\n');
}

static void put_compile(struct strbuf *sb, const struct report *r)
{
	const char *out = r->compile_output ? r->compile_output : "";

	strbuf_addf(sb, "%s 1 - compile\n", r->compiled ? "ok" : "not ok");
	if (r->compiled && !*out)
		return;
	strbuf_addstr(sb, "  ---\n");
	strbuf_addf(sb, "  status: %s\n", r->compiled ? "ok" : "error");
	if (!r->compiled)
		strbuf_addstr(sb, "  message: \"the submission does not compile\"\n");
	put_yaml_string(sb, "output", out);
	strbuf_addstr(sb, "  ...\n");
}

static void put_test(struct strbuf *sb, const struct test_report *t, size_t number)
{
	bool shown = t->visibility == VIS_VISIBLE;

	strbuf_addf(sb, "%s %zu - ", t->status == ST_PASSED || t->status == ST_SKIPPED ?
				      "ok" : "not ok", number);
	put_description(sb, t->name);
	if (t->status == ST_SKIPPED) {
		strbuf_addstr(sb, " # SKIP ");
		put_description(sb, t->message && *t->message ? t->message : "not run");
		strbuf_addch(sb, '\n');
		return;
	}
	strbuf_addch(sb, '\n');
	if (t->status == ST_PASSED && !(shown && t->output && *t->output))
		return;
	strbuf_addstr(sb, "  ---\n");
	strbuf_addf(sb, "  status: %s\n", test_status_name(t->status));
	if (t->status != ST_PASSED)
		strbuf_addstr(sb, "  severity: fail\n");
	strbuf_addf(sb, "  score: %d\n  max_score: %d\n", t->score, t->max_score);
	strbuf_addf(sb, "  time_ms: %.1f\n  limit_ms: %.1f\n", t->time_ms, t->limit_ms);
	if (shown) {
		if (t->message && *t->message)
			put_yaml_string(sb, "message", t->message);
		if (t->hint && *t->hint)
			put_yaml_string(sb, "hint", t->hint);
		if (t->output && *t->output)
			put_yaml_string(sb, "output", t->output);
	} else {
		strbuf_addstr(sb, "  message: \"details of this test are hidden\"\n");
	}
	strbuf_addstr(sb, "  ...\n");
}

int report_write_tap(const struct report *r, FILE *f, const struct report_opts *o)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int ret;

	(void)o;
	strbuf_addf(&sb, "TAP version 13\n1..%zu\n", r->ntests + 1);
	put_receipt(&sb, r);
	if (r->partial) {
		struct strbuf note = STRBUF_INIT;

		report_partial_note(r, &note);
		put_comment(&sb, "partial", note.buf);
		strbuf_release(&note);
	}
	put_compile(&sb, r);
	for (i = 0; i < r->ntests; i++)
		put_test(&sb, &r->tests[i], i + 2);
	fwrite(sb.buf, 1, sb.len, f);
	ret = ferror(f) ? -EIO : 0;
	strbuf_release(&sb);
	return ret;
}
