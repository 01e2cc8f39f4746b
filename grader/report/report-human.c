/*
 * report-human.c: the terminal report, one line per test.
 */
#include <errno.h>
#include <string.h>

#include "report.h"
#include "util.h"

struct style {
	const char *ok, *bad, *dim, *bold, *off;
};

static const struct style plain = { "", "", "", "", "" };
static const struct style ansi = { "\033[32m", "\033[31m", "\033[2m", "\033[1m", "\033[0m" };

static const char *label(enum test_status s)
{
	switch (s) {
	case ST_PASSED: return "PASS ";
	case ST_FAILED: return "FAIL ";
	case ST_TIMEOUT: return "TIME ";
	case ST_MEMORY: return "MEM  ";
	case ST_CRASHED: return "CRASH";
	case ST_FORBIDDEN: return "DENY ";
	case ST_OUTPUT_LIMIT: return "OUT  ";
	case ST_SKIPPED: return "SKIP ";
	case ST_MEMORY_ERROR: return "MEMER";
	}
	return "?    ";
}

/* Prints text indented under a test; every line made visible. */
static void indented(FILE *f, const char *prefix, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		struct strbuf sb = STRBUF_INIT;
		const char *q;

		strbuf_add_visible(&sb, p, n, 400);
		/*
		 * A CI runner takes a line that starts with "::" (blanks aside)
		 * for a command ("##[" is already broken up by strbuf_add_visible).
		 */
		fputs(prefix, f);
		for (q = strbuf_str(&sb); *q; q++) {
			if (*q == ':' && q[1] == ':' && !prefix[strspn(prefix, " ")] &&
			    q == sb.buf + strspn(sb.buf, " "))
				fputs("\\x3a", f);
			else
				fputc(*q, f);
		}
		fputc('\n', f);
		strbuf_release(&sb);
		p += n + (nl ? 1 : 0);
	}
}

int report_write_human(const struct report *r, FILE *f, const struct report_opts *o)
{
	const struct style *st = o && o->color ? &ansi : &plain;
	size_t i, passed = 0, width = 4;

	{
		/* The file's name may come from a learner (a batch): shown escaped. */
		struct strbuf name = STRBUF_INIT;

		strbuf_add_visible(&name, r->submission, strlen(r->submission), 400);
		fprintf(f, "%s%s%s: %s\n", st->bold, r->exercise, st->off, strbuf_str(&name));
		strbuf_release(&name);
	}
	if (r->partial) {
		struct strbuf note = STRBUF_INIT;

		report_partial_note(r, &note);
		fprintf(f, "%s%s%s\n", st->bold, note.buf, st->off);
		strbuf_release(&note);
	}
	if (!r->compiled) {
		fprintf(f, "%scompile error%s: the tests were not run\n", st->bad, st->off);
		indented(f, "  ", r->compile_output);
	} else if (r->compile_output && *r->compile_output) {
		fprintf(f, "compiled with warnings:\n");
		indented(f, "  ", r->compile_output);
	}
	for (i = 0; i < r->ntests; i++)
		if (strlen(r->tests[i].name) > width)
			width = strlen(r->tests[i].name);
	for (i = 0; r->compiled && i < r->ntests; i++)
		if (r->tests[i].accounting) {
			fprintf(f, "%severy allocation is accounted: leaks, double frees and "
				"unchecked malloc results fail tests%s\n", st->dim, st->off);
			break;
		}
	for (i = 0; r->compiled && i < r->ntests; i++) {
		const struct test_report *t = &r->tests[i];
		const char *c = t->status == ST_PASSED ? st->ok :
				t->status == ST_SKIPPED ? st->dim : st->bad;

		if (t->status == ST_PASSED)
			passed++;
		fprintf(f, "  %s%s%s %-*s %3d/%-3d", c, label(t->status), st->off,
			(int)width, t->name, t->score, t->max_score);
		if (t->status != ST_SKIPPED)
			fprintf(f, " %8.1f ms", t->time_ms);
		if (t->accounting && t->injections)
			fprintf(f, "  %s(%d allocation failures injected)%s", st->dim,
				t->injections, st->off);
		fputc('\n', f);
		if (t->status == ST_PASSED)
			continue;
		if (t->visibility != VIS_VISIBLE) {
			fprintf(f, "        %s(details of this test are hidden)%s\n", st->dim, st->off);
			continue;
		}
		if (*t->message)
			indented(f, "        ", t->message);
		if (t->input && *t->input && t->status != ST_SKIPPED) {
			fprintf(f, "        %sthe test's input:%s\n", st->dim, st->off);
			indented(f, "          ", t->input);
		}
		if (*t->hint)
			fprintf(f, "        %shint:%s %s\n", st->bold, st->off, t->hint);
		if (*t->output && t->status != ST_SKIPPED) {
			fprintf(f, "        %syour program printed:%s\n", st->dim, st->off);
			indented(f, "          | ", t->output);
		}
	}
	fprintf(f, "%s%sscore %d/%d%s", st->bold, r->partial ? "partial " : "", r->score,
		r->max_score, st->off);
	if (r->compiled)
		fprintf(f, " (%zu of %zu tests passed)", passed, r->ntests);
	fprintf(f, " · seed %llu · %.0f ms\n", (unsigned long long)r->seed, r->wall_ms);
	return ferror(f) ? -EIO : 0;
}
