/*
 * report-junit.c: JUnit XML, as the test reporters of Jenkins, GitLab and
 * GitHub read it (tests/data/junit.xsd describes what is written).
 *
 * One testsuite per submission, one testcase per test plus a first one,
 * "compile", so that a submission that does not build is a failing CI job
 * rather than a row of skipped tests. A wrong result is a <failure>; a
 * crash or a denied system call is an <error>; a test not run is
 * <skipped>. The receipt goes into the suite's <properties>. Every string
 * is entity-escaped (no CDATA, so "]]>" is only text).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "text-escape.h"
#include "version.h"
#include "util.h"

#define MESSAGE_ATTR_MAX 200
#define BODY_MAX 16384

enum outcome { OUT_PASS, OUT_FAILURE, OUT_ERROR, OUT_SKIPPED };

static enum outcome outcome_of(enum test_status s)
{
	switch (s) {
	case ST_PASSED: return OUT_PASS;
	case ST_SKIPPED: return OUT_SKIPPED;
	case ST_CRASHED:
	case ST_MEMORY_ERROR:
	case ST_FORBIDDEN: return OUT_ERROR;
	default: return OUT_FAILURE;
	}
}

static void put_property(struct strbuf *sb, const char *name, const char *value)
{
	strbuf_addf(sb, "      <property name=\"%s\" value=\"", name);
	text_xml(sb, value ? value : "", 0, true);
	strbuf_addstr(sb, "\"/>\n");
}

static void put_score_property(struct strbuf *sb, const char *name, double v)
{
	char buf[SCORE_BUF];

	format_score(v, buf);
	put_property(sb, name, buf);
}

static void put_properties(struct strbuf *sb, const struct report *r, const struct report_opts *o)
{
	char num[32];
	size_t i;
	struct strbuf layers = STRBUF_INIT;

	strbuf_addstr(sb, "    <properties>\n");
	put_property(sb, "submission", r->submission);
	snprintf(num, sizeof(num), "%d", r->score);
	put_property(sb, "score", num);
	snprintf(num, sizeof(num), "%d", r->max_score);
	put_property(sb, "max_score", num);
	if (o && o->weight > 0) {
		put_score_property(sb, "weight", o->weight);
		put_score_property(sb, "weighted_score", o->weight * r->score);
		put_score_property(sb, "weighted_max_score", o->weight * r->max_score);
	}
	put_property(sb, "submission_sha256", r->sha256);
	if (r->partial) {
		struct strbuf note = STRBUF_INIT;

		report_partial_note(r, &note);
		put_property(sb, "partial", note.buf);
		strbuf_release(&note);
	}
	put_property(sb, "spec_sha256", r->spec_hash);
	put_property(sb, "grader_version", GRADER_VERSION);
	put_property(sb, "compiler", r->compiler);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)r->seed);
	put_property(sb, "seed", num);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)r->limits.cpu_ms);
	put_property(sb, "limits.cpu_ms", num);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)r->limits.wall_ms);
	put_property(sb, "limits.wall_ms", num);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)r->limits.memory_kb);
	put_property(sb, "limits.memory_kb", num);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)r->limits.file_kb);
	put_property(sb, "limits.file_kb", num);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)r->limits.output_kb);
	put_property(sb, "limits.output_kb", num);
	for (i = 0; i < r->nlayers; i++)
		strbuf_addf(&layers, "%s%s", i ? " " : "", r->layers[i]);
	put_property(sb, "isolation", strbuf_str(&layers));
	put_property(sb, "delivery_id", r->delivery_id);
	put_property(sb, "timestamp", r->timestamp);
	strbuf_addstr(sb, "    </properties>\n");
	strbuf_release(&layers);
}

/* The message attribute: the first line of the message, or the status. */
static void put_message_attr(struct strbuf *sb, const struct test_report *t)
{
	const char *msg = t->message && *t->message ? t->message : test_status_name(t->status);
	const char *nl = strchr(msg, '\n');
	char *first = xstrdup(msg);

	if (nl)
		first[nl - msg] = '\0';
	if (t->visibility != VIS_VISIBLE)
		strbuf_addf(sb, "%s (details of this test are hidden)", test_status_name(t->status));
	else
		text_xml(sb, first, MESSAGE_ATTR_MAX, true);
	free(first);
}

static void put_testcase(struct strbuf *sb, const struct report *r, const struct test_report *t)
{
	enum outcome out = outcome_of(t->status);
	static const char *const tags[] = { "", "failure", "error", "skipped" };
	bool shown = t->visibility == VIS_VISIBLE;

	strbuf_addstr(sb, "    <testcase name=\"");
	text_xml(sb, t->name, 0, true);
	strbuf_addstr(sb, "\" classname=\"");
	text_xml(sb, r->exercise, 0, true);
	strbuf_addf(sb, "\" time=\"%.3f\"", out == OUT_SKIPPED ? 0.0 : t->time_ms / 1000.0);
	if (out == OUT_PASS && !(shown && t->output && *t->output)) {
		strbuf_addstr(sb, "/>\n");
		return;
	}
	strbuf_addstr(sb, ">\n");
	if (out == OUT_SKIPPED) {
		strbuf_addstr(sb, "      <skipped message=\"");
		put_message_attr(sb, t);
		strbuf_addstr(sb, "\"/>\n");
	} else if (out != OUT_PASS) {
		strbuf_addf(sb, "      <%s message=\"", tags[out]);
		put_message_attr(sb, t);
		strbuf_addf(sb, "\" type=\"%s\">", test_status_name(t->status));
		if (shown) {
			text_xml(sb, t->message ? t->message : "", BODY_MAX, false);
			if (t->hint && *t->hint) {
				strbuf_addstr(sb, "\n\nhint: ");
				text_xml(sb, t->hint, BODY_MAX, false);
			}
			strbuf_addstr(sb, "\n\n");
		}
		strbuf_addf(sb, "%s, %d/%d points, %.1f ms CPU (limit %.1f ms)</%s>\n",
			    test_status_name(t->status), t->score, t->max_score, t->time_ms,
			    t->limit_ms, tags[out]);
	}
	if (shown && out != OUT_SKIPPED && t->output && *t->output) {
		strbuf_addstr(sb, "      <system-out>");
		text_xml(sb, t->output, BODY_MAX, false);
		strbuf_addstr(sb, "</system-out>\n");
	}
	strbuf_addstr(sb, "    </testcase>\n");
}

static void put_compile_case(struct strbuf *sb, const struct report *r)
{
	const char *out = r->compile_output ? r->compile_output : "";

	strbuf_addstr(sb, "    <testcase name=\"compile\" classname=\"");
	text_xml(sb, r->exercise, 0, true);
	strbuf_addstr(sb, "\" time=\"0.000\"");
	if (r->compiled && !*out) {
		strbuf_addstr(sb, "/>\n");
		return;
	}
	strbuf_addstr(sb, ">\n");
	if (!r->compiled) {
		strbuf_addstr(sb, "      <error message=\"the submission does not compile\" "
				  "type=\"compile_error\">");
		text_xml(sb, out, BODY_MAX, false);
		strbuf_addf(sb, "</error>\n");
	} else {
		strbuf_addstr(sb, "      <system-out>");
		text_xml(sb, out, BODY_MAX, false);
		strbuf_addstr(sb, "</system-out>\n");
	}
	strbuf_addstr(sb, "    </testcase>\n");
}

int report_write_junit(const struct report *r, FILE *f, const struct report_opts *o)
{
	struct strbuf sb = STRBUF_INIT, cases = STRBUF_INIT, head = STRBUF_INIT;
	size_t i, counts[4] = { 0 };
	char stamp[32];
	int ret;

	counts[r->compiled ? OUT_PASS : OUT_ERROR]++;
	put_compile_case(&cases, r);
	for (i = 0; i < r->ntests; i++) {
		counts[outcome_of(r->tests[i].status)]++;
		put_testcase(&cases, r, &r->tests[i]);
	}
	/* JUnit timestamps carry no zone (Jenkins' schema); ours is UTC. */
	snprintf(stamp, sizeof(stamp), "%s", r->timestamp ? r->timestamp : "");
	if (*stamp && stamp[strlen(stamp) - 1] == 'Z')
		stamp[strlen(stamp) - 1] = '\0';
	strbuf_addf(&head, "tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
			   "time=\"%.3f\"",
		    r->ntests + 1, counts[OUT_FAILURE], counts[OUT_ERROR], counts[OUT_SKIPPED],
		    r->wall_ms / 1000.0);

	strbuf_addstr(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	strbuf_addf(&sb, "<testsuites name=\"grader\" %s>\n", head.buf);
	strbuf_addstr(&sb, "  <testsuite name=\"");
	text_xml(&sb, r->exercise, 0, true);
	strbuf_addf(&sb, "\" %s", head.buf);
	if (*stamp) {
		strbuf_addstr(&sb, " timestamp=\"");
		text_xml(&sb, stamp, 0, true);
		strbuf_addch(&sb, '"');
	}
	strbuf_addstr(&sb, ">\n");
	put_properties(&sb, r, o);
	strbuf_add(&sb, cases.buf, cases.len);
	strbuf_addstr(&sb, "  </testsuite>\n</testsuites>\n");

	fwrite(sb.buf, 1, sb.len, f);
	ret = ferror(f) ? -EIO : 0;
	strbuf_release(&sb);
	strbuf_release(&cases);
	strbuf_release(&head);
	return ret;
}
