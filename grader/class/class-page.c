/*
 * class-page.c: the class page, report.html: one self-contained page for
 * an instructor with the score distribution, per-test pass rates, the most
 * common hints and the table of students. Inline CSS and inline SVG only; a Content Security
 * Policy forbids every fetch and every script, so the page works offline
 * and a student's name cannot run anything (every text is escaped too).
 *
 * The numbers are also in data-* attributes, for tests and for tools.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "gradebook.h"
#include "html.h"
#include "lms.h"
#include "util.h"

#define MAX_HINTS_SHOWN 10
#define HIST_W 640
#define HIST_H 260
#define HIST_TOP 24
#define HIST_BOTTOM 40
#define HIST_LEFT 20
#define BAR_W 240

static void overview(struct strbuf *sb, const struct gradebook *gb,
		     const struct gradebook_stats *st)
{
	strbuf_addstr(sb, "<dl id=\"overview\">");
	strbuf_addf(sb, "<div><dt>Students</dt><dd id=\"students-count\">%zu</dd></div>",
		    gb->nstudents);
	strbuf_addstr(sb, "<div><dt>Mean</dt><dd id=\"mean\">");
	html_score(sb, st->mean);
	strbuf_addstr(sb, "</dd></div><div><dt>Median</dt><dd id=\"median\">");
	html_score(sb, st->median);
	strbuf_addstr(sb, "</dd></div><div><dt>Out of</dt><dd id=\"max-score\">");
	html_score(sb, st->max_score);
	strbuf_addf(sb, "</dd></div><div><dt>All passed</dt><dd id=\"all-passed\">%zu</dd></div>",
		    st->status_count[CELL_PASSED]);
	strbuf_addf(sb, "<div><dt>Need a look</dt><dd id=\"attention\">%zu</dd></div>",
		    st->status_count[CELL_MISSING] + st->status_count[CELL_AMBIGUOUS] +
			    st->status_count[CELL_INVALID] + st->status_count[CELL_ERROR] +
			    st->status_count[CELL_PENDING]);
	strbuf_addstr(sb, "</dl>\n");
}

static void histogram(struct strbuf *sb, const struct gradebook_stats *st)
{
	const int plot_h = HIST_H - HIST_TOP - HIST_BOTTOM;
	const int slot = (HIST_W - 2 * HIST_LEFT) / GRADEBOOK_BINS;
	size_t top = 1;
	int i;

	for (i = 0; i < GRADEBOOK_BINS; i++)
		if (st->histogram[i] > top)
			top = st->histogram[i];
	strbuf_addf(sb, "<section id=\"distribution\"><h2>Score distribution</h2>"
		    "<p class=\"sub\">Students by total score, in tenths of the maximum "
		    "(%zu with a total).</p>\n", st->scored);
	strbuf_addf(sb, "<svg id=\"histogram\" xmlns=\"http://www.w3.org/2000/svg\" "
		    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
		    "aria-label=\"score distribution\">\n", HIST_W, HIST_H, HIST_W, HIST_H);
	for (i = 0; i < GRADEBOOK_BINS; i++) {
		int from = i * 100 / GRADEBOOK_BINS, to = (i + 1) * 100 / GRADEBOOK_BINS;
		int h = (int)lround((double)st->histogram[i] * plot_h / (double)top);
		int x = HIST_LEFT + i * slot + 6, w = slot - 12;
		int y = HIST_TOP + plot_h - h;

		strbuf_addf(sb, "<g class=\"bin\" data-from=\"%d\" data-to=\"%d\" "
			    "data-count=\"%zu\">", from, to, st->histogram[i]);
		strbuf_addf(sb, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" "
			    "height=\"%d\"/>", x, y, w, h);
		strbuf_addf(sb, "<text class=\"count\" x=\"%d\" y=\"%d\" "
			    "text-anchor=\"middle\">%zu</text>", x + w / 2, y - 6,
			    st->histogram[i]);
		strbuf_addf(sb, "<text class=\"label\" x=\"%d\" y=\"%d\" "
			    "text-anchor=\"middle\">%d&#8211;%d%%</text></g>\n", x + w / 2,
			    HIST_TOP + plot_h + 18, from, to);
	}
	strbuf_addf(sb, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>",
		    HIST_LEFT, HIST_TOP + plot_h, HIST_W - HIST_LEFT, HIST_TOP + plot_h);
	strbuf_addstr(sb, "</svg></section>\n");
}

static void pass_rates(struct strbuf *sb, const struct gradebook *gb,
		       const struct gradebook_stats *st)
{
	size_t e, t;

	strbuf_addstr(sb, "<section id=\"tests\"><h2>Pass rate per test</h2>"
		      "<p class=\"sub\">Among the submissions that were graded (compile "
		      "errors count as not passed).</p>\n<table id=\"pass-rates\"><thead><tr>"
		      "<th>Exercise</th><th>Test</th><th>Passed</th><th class=\"num\">Rate</th>"
		      "<th class=\"num\">Of</th></tr></thead><tbody>\n");
	for (e = 0; e < gb->nexercises; e++) {
		const struct gradebook_exercise *ex = &gb->exercises[e];
		const struct gradebook_exercise_stats *es = &st->ex[e];

		for (t = 0; t < ex->ntests; t++) {
			double rate = es->graded ? 100.0 * (double)es->passed[t] /
							   (double)es->graded
						 : 0;

			strbuf_addstr(sb, "<tr class=\"pass-rate\" data-exercise=\"");
			html_esc(sb, ex->id);
			strbuf_addstr(sb, "\" data-test=\"");
			html_esc(sb, ex->tests[t].name);
			strbuf_addf(sb, "\" data-passed=\"%zu\" data-graded=\"%zu\" "
				    "data-rate=\"%.1f\"><td>", es->passed[t], es->graded, rate);
			html_esc(sb, ex->id);
			strbuf_addstr(sb, "</td><td>");
			html_test_link(sb, "", ex->id, ex->tests[t].name);
			strbuf_addf(sb, "</td><td><svg width=\"%d\" height=\"14\" "
				    "xmlns=\"http://www.w3.org/2000/svg\"><rect class=\"track\" "
				    "width=\"%d\" height=\"14\" rx=\"3\"/><rect class=\"pass-bar\" "
				    "width=\"%ld\" height=\"14\" rx=\"3\"/></svg></td>", BAR_W, BAR_W,
				    lround(rate * BAR_W / 100.0));
			strbuf_addf(sb, "<td class=\"num\">%.0f%%</td><td class=\"num\">%zu/%zu"
				    "</td></tr>\n", rate, es->passed[t], es->graded);
		}
	}
	strbuf_addstr(sb, "</tbody></table></section>\n");
}

static void hints(struct strbuf *sb, const struct gradebook_stats *st)
{
	struct strbuf test = STRBUF_INIT;
	const char *p;
	size_t i;

	strbuf_addstr(sb, "<section id=\"common-hints\"><h2>Most common hints</h2>"
		      "<p class=\"sub\">The known mistakes behind failing tests, by how many "
		      "submissions made them.</p>\n");
	if (!st->nhints)
		strbuf_addstr(sb, "<p id=\"no-hints\">No failing test matched a known "
			      "mistake.</p>");
	strbuf_addstr(sb, "<ol id=\"hints\">\n");
	for (i = 0; i < st->nhints && i < MAX_HINTS_SHOWN; i++) {
		const struct gradebook_hint *h = &st->hints[i];

		strbuf_addf(sb, "<li class=\"hint\" data-count=\"%zu\"><b>%zu&#215;</b> "
			    "<span class=\"where\">", h->count, h->count);
		html_esc(sb, h->exercise);
		strbuf_addstr(sb, ": ");
		/* "one, two": test names never hold a comma (spec.c). */
		for (p = h->tests; *p;) {
			const char *comma = strstr(p, ", ");
			size_t len = comma ? (size_t)(comma - p) : strlen(p);

			strbuf_reset(&test);
			strbuf_add(&test, p, len);
			html_test_link(sb, "", h->exercise, test.buf);
			p += len;
			if (comma) {
				strbuf_addstr(sb, ", ");
				p += 2;
			}
		}
		strbuf_addstr(sb, "</span><br>");
		html_esc(sb, h->text);
		strbuf_addstr(sb, "</li>\n");
	}
	strbuf_addstr(sb, "</ol></section>\n");
	strbuf_release(&test);
}

static void students(struct strbuf *sb, const struct gradebook *gb)
{
	size_t i, e;

	strbuf_addstr(sb, "<section id=\"students\"><h2>Students</h2>\n"
		      "<table id=\"student-table\"><thead><tr><th>Student</th>"
		      "<th class=\"num\">Score</th><th>Status</th>");
	for (e = 0; e < gb->nexercises; e++) {
		strbuf_addstr(sb, "<th>");
		html_esc(sb, gb->exercises[e].id);
		strbuf_addstr(sb, "</th>");
	}
	strbuf_addstr(sb, "<th>Note</th></tr></thead><tbody>\n");
	for (i = 0; i < gb->nstudents; i++) {
		const struct gradebook_student *s = &gb->students[i];
		enum cell_status status;
		double total, max;
		bool has = gradebook_total(gb, s, &total, &max, &status);

		strbuf_addstr(sb, "<tr class=\"student\" data-student=\"");
		html_esc(sb, s->name);
		strbuf_addf(sb, "\" data-status=\"%s\" data-score=\"", cell_status_name(status));
		if (has)
			html_score(sb, total);
		strbuf_addstr(sb, "\"><td>");
		html_student_link(sb, "", s->name);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		if (has)
			html_score(sb, total);
		else
			strbuf_addstr(sb, "&#8212;");
		strbuf_addstr(sb, " / ");
		html_score(sb, max);
		strbuf_addstr(sb, "</td><td>");
		html_badge(sb, cell_status_name(status));
		strbuf_addstr(sb, "</td>");
		for (e = 0; e < gb->nexercises; e++) {
			const struct gradebook_cell *c = &s->cells[e];

			strbuf_addstr(sb, "<td>");
			if (c->graded)
				strbuf_addf(sb, "%d/%d ", c->report.score, c->report.max_score);
			html_badge(sb, cell_status_name(c->status));
			strbuf_addstr(sb, "</td>");
		}
		strbuf_addstr(sb, "<td class=\"note\">");
		for (e = 0; e < gb->nexercises; e++) {
			if (!s->cells[e].note || !*s->cells[e].note)
				continue;
			html_esc(sb, s->cells[e].note);
			strbuf_addstr(sb, " ");
		}
		strbuf_addstr(sb, "</td></tr>\n");
	}
	strbuf_addstr(sb, "</tbody></table></section>\n");
}

/* After an earlier run in the same directory: what changed, and why. */
static void changes(struct strbuf *sb, const struct gradebook *gb)
{
	const struct changes *ch = gb->changes;
	struct strbuf cause = STRBUF_INIT;
	size_t i;

	if (!ch || !ch->previous)
		return;
	strbuf_addf(sb, "<section id=\"changes\" data-count=\"%zu\"><h2>Changes since the last "
		    "run</h2>\n<p class=\"sub\">Results that differ from the earlier run in this "
		    "directory, and what differs in their inputs (changes.csv).</p>\n", ch->n);
	if (!ch->n) {
		strbuf_addstr(sb, "<p id=\"no-changes\">No result changed.</p></section>\n");
		return;
	}
	strbuf_addstr(sb, "<table id=\"change-table\"><thead><tr><th>Student</th><th>Exercise</th>"
		      "<th class=\"num\">Score</th><th>Status</th><th>Tests</th><th>Cause</th>"
		      "</tr></thead><tbody>\n");
	for (i = 0; i < ch->n; i++) {
		const struct change *r = &ch->rows[i];

		strbuf_reset(&cause);
		changes_cause_names(r->causes, &cause);
		strbuf_addstr(sb, "<tr class=\"change\" data-student=\"");
		html_esc(sb, r->student);
		strbuf_addstr(sb, "\" data-exercise=\"");
		html_esc(sb, r->exercise);
		strbuf_addf(sb, "\" data-cause=\"%s\"><td>", cause.buf);
		/* A student of the earlier run only has no page any more. */
		if (*r->new_status)
			html_student_link(sb, "", r->student);
		else
			html_esc(sb, r->student);
		strbuf_addstr(sb, "</td><td>");
		html_esc(sb, r->exercise);
		strbuf_addf(sb, "</td><td class=\"num\">%s &#8594; %s</td><td>",
			    *r->old_score ? r->old_score : "&#8212;",
			    *r->new_score ? r->new_score : "&#8212;");
		html_esc(sb, *r->old_status ? r->old_status : "none");
		strbuf_addstr(sb, " &#8594; ");
		html_esc(sb, *r->new_status ? r->new_status : "none");
		strbuf_addstr(sb, "</td><td class=\"note\">");
		html_esc(sb, r->tests);
		strbuf_addf(sb, "</td><td>%s</td></tr>\n", cause.buf);
	}
	strbuf_addstr(sb, "</tbody></table></section>\n");
	strbuf_release(&cause);
}

/* With a roster: who has no LMS identity, and who is in the roster but not in the class. */
static void roster(struct strbuf *sb, const struct gradebook *gb)
{
	const struct roster_entry **extra;
	size_t i, n, unmapped = 0;

	if (!gb->roster)
		return;
	extra = lms_not_in_class(gb, &n);
	strbuf_addstr(sb, "<section id=\"roster\"><h2>Roster</h2>\n<p class=\"sub\">Students "
		      "in the class with no roster entry are in the LMS files under their "
		      "directory's name, with no LMS identity; roster entries with no student "
		      "directory are in none of the files.</p>\n<h3>Not in the roster</h3>"
		      "<ul id=\"not-in-roster\">");
	for (i = 0; i < gb->nstudents; i++) {
		if (roster_file_find(gb->roster, gb->students[i].name))
			continue;
		unmapped++;
		strbuf_addstr(sb, "<li class=\"unmapped\">");
		html_student_link(sb, "", gb->students[i].name);
		strbuf_addstr(sb, "</li>");
	}
	if (!unmapped)
		strbuf_addstr(sb, "<li class=\"none\">none</li>");
	strbuf_addstr(sb, "</ul>\n<h3>In the roster, not in the class</h3><ul id=\"not-in-class\">");
	for (i = 0; i < n; i++) {
		strbuf_addstr(sb, "<li class=\"absent\">");
		html_esc(sb, extra[i]->student);
		if (*extra[i]->name) {
			strbuf_addstr(sb, " (");
			html_esc(sb, extra[i]->name);
			strbuf_addstr(sb, ")");
		}
		strbuf_addstr(sb, "</li>");
	}
	if (!n)
		strbuf_addstr(sb, "<li class=\"none\">none</li>");
	strbuf_addstr(sb, "</ul></section>\n");
	free(extra);
}

char *gradebook_html(const struct gradebook *gb, const struct gradebook_stats *st)
{
	struct strbuf sb = STRBUF_INIT;
	const char *title = gb->name && *gb->name ? gb->name : "Grades";
	size_t e;

	html_begin(&sb, title);
	strbuf_addstr(&sb, "<h1>");
	html_esc(&sb, title);
	strbuf_addstr(&sb, "</h1><p class=\"sub\">");
	for (e = 0; e < gb->nexercises; e++) {
		if (e)
			strbuf_addstr(&sb, ", ");
		html_esc(&sb, gb->exercises[e].id);
		if (gb->exercises[e].weight != 1.0) {
			strbuf_addstr(&sb, " &#215;");
			html_score(&sb, gb->exercises[e].weight);
		}
	}
	strbuf_addf(&sb, " &#183; seed %llu &#183; grader ", (unsigned long long)gb->seed);
	html_esc(&sb, gb->grader_version);
	strbuf_addstr(&sb, ", ");
	html_esc(&sb, gb->compiler);
	strbuf_addstr(&sb, "</p>\n");
	overview(&sb, gb, st);
	changes(&sb, gb);
	histogram(&sb, st);
	pass_rates(&sb, gb, st);
	hints(&sb, st);
	students(&sb, gb);
	roster(&sb, gb);
	html_end(&sb);
	return strbuf_detach(&sb);
}
