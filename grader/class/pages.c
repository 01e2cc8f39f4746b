/*
 * pages.c: a page per student and per test, beside report.html
 * (students/<name>.html, tests/<exercise>/<test>.html; html.h names the
 * files). A student's page answers "why did I lose points?": each
 * exercise's score, and every test with its status, message, hint, input
 * and output, and the compiler's output. A test's page says who did not
 * pass it, grouped by the hint they got.
 *
 * A test that is not visible (hidden, after_due_date) shows its name,
 * status and points only, as every report format does. Everything a
 * submission or its author wrote goes through text_html() or html_esc().
 */
#include <stdlib.h>
#include <string.h>

#include "gradebook.h"
#include "html.h"
#include "roster.h"
#include "text-escape.h"
#include "util.h"

#define TEXT_MAX 16384

/* A block of untrusted text under a label; nothing when s is empty. */
static void text_block(struct strbuf *sb, const char *cls, const char *label, const char *s)
{
	if (!s || !*s)
		return;
	strbuf_addf(sb, "<div class=\"%s\"><span class=\"note\">%s</span><pre>", cls, label);
	text_html(sb, s, TEXT_MAX);
	strbuf_addstr(sb, "</pre></div>");
}

static void test_row(struct strbuf *sb, const char *exercise, const struct test_report *t)
{
	bool shown = t->visibility == VIS_VISIBLE;

	strbuf_addstr(sb, "<tr class=\"test\" data-test=\"");
	html_esc(sb, t->name);
	strbuf_addf(sb, "\" data-status=\"%s\" data-visibility=\"%s\"><td>",
		    test_status_name(t->status), shown ? "visible" : "hidden");
	html_test_link(sb, "../", exercise, t->name);
	strbuf_addstr(sb, "</td><td>");
	html_badge(sb, test_status_name(t->status));
	strbuf_addf(sb, "</td><td class=\"num\">%d/%d</td><td>", t->score, t->max_score);
	if (!shown) {
		strbuf_addstr(sb, "<p class=\"hidden\">details of this test are hidden</p>");
	} else {
		text_block(sb, "message", "result", t->message);
		if (t->hint && *t->hint) {
			strbuf_addstr(sb, "<p class=\"hint\"><b>hint:</b> ");
			text_html(sb, t->hint, TEXT_MAX);
			strbuf_addstr(sb, "</p>");
		}
		if (t->status != ST_SKIPPED) {
			text_block(sb, "input", "the test's input", t->input);
			text_block(sb, "output", "the program printed", t->output);
		}
	}
	strbuf_addstr(sb, "</td></tr>\n");
}

static void exercise_section(struct strbuf *sb, const struct gradebook_exercise *ex,
			     const struct gradebook_cell *c)
{
	double v;
	bool has = gradebook_cell_score(ex, c, &v);
	size_t t;

	strbuf_addstr(sb, "<section class=\"exercise\" data-exercise=\"");
	html_esc(sb, ex->id);
	strbuf_addf(sb, "\" data-status=\"%s\" data-score=\"", cell_status_name(c->status));
	if (has)
		html_score(sb, v);
	strbuf_addstr(sb, "\"><h2>");
	html_esc(sb, ex->id);
	strbuf_addstr(sb, "</h2><p class=\"sub\">");
	html_esc(sb, ex->title);
	strbuf_addstr(sb, "</p><p>");
	html_badge(sb, cell_status_name(c->status));
	if (c->graded)
		strbuf_addf(sb, " &#183; %d/%d points", c->report.score, c->report.max_score);
	strbuf_addstr(sb, " &#183; <span class=\"weighted\">");
	if (has)
		html_score(sb, v);
	else
		strbuf_addstr(sb, "&#8212;");
	strbuf_addstr(sb, " / ");
	html_score(sb, ex->weight * ex->max_score);
	strbuf_addstr(sb, "</span>");
	if (ex->weight != 1.0) {
		strbuf_addstr(sb, " (weight ");
		html_score(sb, ex->weight);
		strbuf_addstr(sb, ")");
	}
	strbuf_addstr(sb, "</p>\n");
	if (c->note && *c->note) {
		strbuf_addstr(sb, "<p class=\"note cell-note\">");
		html_esc(sb, c->note);
		strbuf_addstr(sb, "</p>\n");
	}
	if (!c->graded) {
		strbuf_addstr(sb, "</section>\n");
		return;
	}
	if (c->report.compile_output && *c->report.compile_output) {
		strbuf_addstr(sb, "<h3>The compiler said</h3><pre class=\"compile-output\">");
		text_html(sb, c->report.compile_output, TEXT_MAX);
		strbuf_addstr(sb, "</pre>\n");
	}
	strbuf_addstr(sb, "<table class=\"tests\"><thead><tr><th>Test</th><th>Status</th>"
		      "<th class=\"num\">Points</th><th>Details</th></tr></thead><tbody>\n");
	for (t = 0; t < c->report.ntests; t++)
		test_row(sb, ex->id, &c->report.tests[t]);
	strbuf_addstr(sb, "</tbody></table></section>\n");
}

char *gradebook_student_page(const struct gradebook *gb, const struct gradebook_student *s)
{
	const struct roster_entry *p = roster_file_find(gb->roster, s->name);
	struct strbuf sb = STRBUF_INIT, title = STRBUF_INIT;
	enum cell_status status;
	double total, max;
	bool has = gradebook_total(gb, s, &total, &max, &status);
	size_t e;

	strbuf_addstr(&title, s->name);
	if (gb->name && *gb->name)
		strbuf_addf(&title, " \xc2\xb7 %s", gb->name);
	html_begin(&sb, title.buf);
	strbuf_addstr(&sb, "<p class=\"note\"><a class=\"up\" href=\"../report.html\">"
		      "&#8592; the class</a></p>\n<h1 id=\"student\" data-student=\"");
	html_esc(&sb, s->name);
	strbuf_addstr(&sb, "\">");
	html_esc(&sb, s->name);
	strbuf_addstr(&sb, "</h1>\n");
	if (p && (*p->name || *p->section)) {
		strbuf_addstr(&sb, "<p class=\"sub\" id=\"identity\">");
		html_esc(&sb, p->name);
		if (*p->name && *p->section)
			strbuf_addstr(&sb, " &#183; ");
		html_esc(&sb, p->section);
		strbuf_addstr(&sb, "</p>\n");
	}
	strbuf_addstr(&sb, "<dl id=\"overview\"><div><dt>Score</dt><dd id=\"score\" "
		      "data-score=\"");
	if (has)
		html_score(&sb, total);
	strbuf_addstr(&sb, "\">");
	if (has)
		html_score(&sb, total);
	else
		strbuf_addstr(&sb, "&#8212;");
	strbuf_addstr(&sb, " / ");
	html_score(&sb, max);
	strbuf_addstr(&sb, "</dd></div><div><dt>Status</dt><dd id=\"status\">");
	html_badge(&sb, cell_status_name(status));
	strbuf_addstr(&sb, "</dd></div></dl>\n");
	for (e = 0; e < gb->nexercises; e++)
		exercise_section(&sb, &gb->exercises[e], &s->cells[e]);
	html_end(&sb);
	strbuf_release(&title);
	return strbuf_detach(&sb);
}

struct group {
	const char *hint;   /* "" for no hint; borrowed from a report */
	size_t count;
};

static int by_size(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (!*x->hint != !*y->hint)
		return *x->hint ? -1 : 1; /* "no hint" last */
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->hint, y->hint);
}

/* The distinct hints of the students who did not pass test t, largest group first. */
static struct group *groups_of(const struct gradebook *gb, size_t e, size_t t, bool shown,
			       size_t *n)
{
	struct group *g = xcalloc(gb->nstudents + 1, sizeof(*g));
	size_t i, j;

	*n = 0;
	for (i = 0; i < gb->nstudents; i++) {
		const struct gradebook_cell *c = &gb->students[i].cells[e];
		const char *hint;

		if (!c->graded || c->report.tests[t].status == ST_PASSED)
			continue;
		hint = shown && c->report.tests[t].hint ? c->report.tests[t].hint : "";
		for (j = 0; j < *n && strcmp(g[j].hint, hint); j++)
			;
		if (j == *n)
			g[(*n)++].hint = hint;
		g[j].count++;
	}
	if (*n > 1)
		qsort(g, *n, sizeof(*g), by_size);
	return g;
}

static void not_passed(struct strbuf *sb, const struct gradebook *gb, size_t e, size_t t,
		       bool shown)
{
	size_t ngroups, k, i;
	struct group *g = groups_of(gb, e, t, shown, &ngroups);

	for (k = 0; k < ngroups; k++) {
		strbuf_addstr(sb, "<div class=\"group\" data-hint=\"");
		html_esc(sb, g[k].hint);
		strbuf_addf(sb, "\" data-count=\"%zu\"><h3>", g[k].count);
		if (!shown)
			strbuf_addstr(sb, "Details of this test are hidden");
		else if (*g[k].hint)
			text_html(sb, g[k].hint, TEXT_MAX);
		else
			strbuf_addstr(sb, "No known mistake matched");
		strbuf_addf(sb, " <span class=\"note\">(%zu)</span></h3><ul>\n", g[k].count);
		for (i = 0; i < gb->nstudents; i++) {
			const struct gradebook_student *s = &gb->students[i];
			const struct gradebook_cell *c = &s->cells[e];
			const struct test_report *tr;

			if (!c->graded)
				continue;
			tr = &c->report.tests[t];
			if (tr->status == ST_PASSED ||
			    strcmp(shown && tr->hint ? tr->hint : "", g[k].hint))
				continue;
			strbuf_addstr(sb, "<li class=\"not-passed\" data-student=\"");
			html_esc(sb, s->name);
			strbuf_addf(sb, "\" data-status=\"%s\">", test_status_name(tr->status));
			html_student_link(sb, "../../", s->name);
			strbuf_addch(sb, ' ');
			html_badge(sb, test_status_name(tr->status));
			if (shown && tr->message && *tr->message) {
				strbuf_addstr(sb, "<pre class=\"message\">");
				text_html(sb, tr->message, TEXT_MAX);
				strbuf_addstr(sb, "</pre>");
			}
			strbuf_addstr(sb, "</li>\n");
		}
		strbuf_addstr(sb, "</ul></div>\n");
	}
	free(g);
}

char *gradebook_test_page(const struct gradebook *gb, size_t e, size_t t)
{
	const struct gradebook_exercise *ex = &gb->exercises[e];
	struct strbuf sb = STRBUF_INIT, title = STRBUF_INIT;
	size_t i, graded = 0, passed = 0;
	bool shown = true;

	for (i = 0; i < gb->nstudents; i++) {
		const struct gradebook_cell *c = &gb->students[i].cells[e];

		if (!c->graded)
			continue;
		graded++;
		passed += c->report.tests[t].status == ST_PASSED;
		/* Every report of one exercise agrees on its tests' visibility (its spec). */
		shown = c->report.tests[t].visibility == VIS_VISIBLE;
	}
	strbuf_addf(&title, "%s/%s", ex->id, ex->tests[t].name);
	if (gb->name && *gb->name)
		strbuf_addf(&title, " \xc2\xb7 %s", gb->name);
	html_begin(&sb, title.buf);
	strbuf_addstr(&sb, "<p class=\"note\"><a class=\"up\" href=\"../../report.html\">"
		      "&#8592; the class</a></p>\n<h1 id=\"test\" data-exercise=\"");
	html_esc(&sb, ex->id);
	strbuf_addstr(&sb, "\" data-test=\"");
	html_esc(&sb, ex->tests[t].name);
	strbuf_addstr(&sb, "\">");
	html_esc(&sb, ex->id);
	strbuf_addstr(&sb, " / ");
	html_esc(&sb, ex->tests[t].name);
	strbuf_addf(&sb, "</h1>\n<p class=\"sub\">%d point%s &#183; %s &#183; passed by "
		    "<span id=\"passed-count\">%zu</span> of <span id=\"graded-count\">%zu"
		    "</span> graded submissions</p>\n", ex->tests[t].max_score,
		    ex->tests[t].max_score == 1 ? "" : "s", shown ? "visible" : "hidden", passed,
		    graded);
	strbuf_addf(&sb, "<section id=\"not-passed\" data-count=\"%zu\"><h2>Did not pass</h2>\n",
		    graded - passed);
	if (!shown)
		strbuf_addstr(&sb, "<p class=\"hidden\">A hidden test: its messages and hints "
			      "are not shown.</p>\n");
	if (graded == passed)
		strbuf_addstr(&sb, "<p>Nobody.</p>\n");
	not_passed(&sb, gb, e, t, shown);
	strbuf_addf(&sb, "</section>\n<section id=\"passed\" data-count=\"%zu\"><h2>Passed</h2>"
		    "<ul>\n", passed);
	for (i = 0; i < gb->nstudents; i++) {
		const struct gradebook_cell *c = &gb->students[i].cells[e];

		if (!c->graded || c->report.tests[t].status != ST_PASSED)
			continue;
		strbuf_addstr(&sb, "<li class=\"passed\" data-student=\"");
		html_esc(&sb, gb->students[i].name);
		strbuf_addstr(&sb, "\">");
		html_student_link(&sb, "../../", gb->students[i].name);
		strbuf_addstr(&sb, "</li>\n");
	}
	strbuf_addstr(&sb, "</ul></section>\n");
	html_end(&sb);
	strbuf_release(&title);
	return strbuf_detach(&sb);
}
