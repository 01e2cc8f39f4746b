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

#include "gradebook.h"
#include "lms.h"
#include "util.h"

#define MAX_HINTS_SHOWN 10
#define HIST_W 640
#define HIST_H 260
#define HIST_TOP 24
#define HIST_BOTTOM 40
#define HIST_LEFT 20
#define BAR_W 240

static const char css[] =
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;"
	"color:#1d2330;background:#f6f7f9}"
	"main{max-width:1100px;margin:0 auto;padding:24px}"
	"h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 10px}"
	"section{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:4px 20px 18px;"
	"margin-top:18px}"
	".sub{color:#5b6475;margin:0 0 12px}"
	"#overview{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0 0;padding:0}"
	"#overview div{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:10px 16px;"
	"min-width:110px}"
	"#overview dt{font-size:12px;color:#5b6475;text-transform:uppercase;letter-spacing:.04em}"
	"#overview dd{margin:0;font-size:22px;font-weight:600}"
	"table{border-collapse:collapse;width:100%}"
	"th,td{text-align:left;padding:5px 10px;border-bottom:1px solid #eceef2;vertical-align:top}"
	"th{font-size:12px;color:#5b6475;text-transform:uppercase;letter-spacing:.04em}"
	"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	".bar{fill:#3d6fd8}.count{font-size:13px;fill:#1d2330}.label{font-size:12px;fill:#5b6475}"
	".axis{stroke:#9aa3b2}.track{fill:#e8ebf0}.pass-bar{fill:#2f9e66}"
	".st{display:inline-block;padding:0 8px;border-radius:10px;font-size:13px}"
	".st-passed{background:#dcf3e6;color:#17623c}.st-failed{background:#fde7d6;color:#8a3d06}"
	".st-compile_error{background:#fbdada;color:#8f1d1d}"
	".st-missing,.st-ambiguous,.st-invalid{background:#ece4fb;color:#4b2a8c}"
	".st-error,.st-pending{background:#1d2330;color:#fff}"
	"ol#hints li{margin:6px 0}.where{color:#5b6475;font-size:13px}"
	".note{color:#5b6475;font-size:13px}";

static void esc(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': strbuf_addstr(sb, "&amp;"); break;
		case '<': strbuf_addstr(sb, "&lt;"); break;
		case '>': strbuf_addstr(sb, "&gt;"); break;
		case '"': strbuf_addstr(sb, "&quot;"); break;
		case '\'': strbuf_addstr(sb, "&#39;"); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				strbuf_addstr(sb, "\xef\xbf\xbd"); /* U+FFFD */
			else
				strbuf_addch(sb, *s);
		}
	}
}

static void score(struct strbuf *sb, double v)
{
	char buf[SCORE_BUF];

	format_score(v, buf);
	strbuf_addstr(sb, buf);
}

static void overview(struct strbuf *sb, const struct gradebook *gb,
		     const struct gradebook_stats *st)
{
	strbuf_addstr(sb, "<dl id=\"overview\">");
	strbuf_addf(sb, "<div><dt>Students</dt><dd id=\"students-count\">%zu</dd></div>",
		    gb->nstudents);
	strbuf_addstr(sb, "<div><dt>Mean</dt><dd id=\"mean\">");
	score(sb, st->mean);
	strbuf_addstr(sb, "</dd></div><div><dt>Median</dt><dd id=\"median\">");
	score(sb, st->median);
	strbuf_addstr(sb, "</dd></div><div><dt>Out of</dt><dd id=\"max-score\">");
	score(sb, st->max_score);
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
			esc(sb, ex->id);
			strbuf_addstr(sb, "\" data-test=\"");
			esc(sb, ex->tests[t].name);
			strbuf_addf(sb, "\" data-passed=\"%zu\" data-graded=\"%zu\" "
				    "data-rate=\"%.1f\"><td>", es->passed[t], es->graded, rate);
			esc(sb, ex->id);
			strbuf_addstr(sb, "</td><td>");
			esc(sb, ex->tests[t].name);
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
		esc(sb, h->exercise);
		strbuf_addstr(sb, ": ");
		esc(sb, h->tests);
		strbuf_addstr(sb, "</span><br>");
		esc(sb, h->text);
		strbuf_addstr(sb, "</li>\n");
	}
	strbuf_addstr(sb, "</ol></section>\n");
}

static void status_badge(struct strbuf *sb, enum cell_status s)
{
	strbuf_addf(sb, "<span class=\"st st-%s\">%s</span>", cell_status_name(s),
		    cell_status_name(s));
}

static void students(struct strbuf *sb, const struct gradebook *gb)
{
	size_t i, e;

	strbuf_addstr(sb, "<section id=\"students\"><h2>Students</h2>\n"
		      "<table id=\"student-table\"><thead><tr><th>Student</th>"
		      "<th class=\"num\">Score</th><th>Status</th>");
	for (e = 0; e < gb->nexercises; e++) {
		strbuf_addstr(sb, "<th>");
		esc(sb, gb->exercises[e].id);
		strbuf_addstr(sb, "</th>");
	}
	strbuf_addstr(sb, "<th>Note</th></tr></thead><tbody>\n");
	for (i = 0; i < gb->nstudents; i++) {
		const struct gradebook_student *s = &gb->students[i];
		enum cell_status status;
		double total, max;
		bool has = gradebook_total(gb, s, &total, &max, &status);

		strbuf_addstr(sb, "<tr class=\"student\" data-student=\"");
		esc(sb, s->name);
		strbuf_addf(sb, "\" data-status=\"%s\" data-score=\"", cell_status_name(status));
		if (has)
			score(sb, total);
		strbuf_addstr(sb, "\"><td>");
		esc(sb, s->name);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		if (has)
			score(sb, total);
		else
			strbuf_addstr(sb, "&#8212;");
		strbuf_addstr(sb, " / ");
		score(sb, max);
		strbuf_addstr(sb, "</td><td>");
		status_badge(sb, status);
		strbuf_addstr(sb, "</td>");
		for (e = 0; e < gb->nexercises; e++) {
			const struct gradebook_cell *c = &s->cells[e];

			strbuf_addstr(sb, "<td>");
			if (c->graded)
				strbuf_addf(sb, "%d/%d ", c->report.score, c->report.max_score);
			status_badge(sb, c->status);
			strbuf_addstr(sb, "</td>");
		}
		strbuf_addstr(sb, "<td class=\"note\">");
		for (e = 0; e < gb->nexercises; e++) {
			if (!s->cells[e].note || !*s->cells[e].note)
				continue;
			esc(sb, s->cells[e].note);
			strbuf_addstr(sb, " ");
		}
		strbuf_addstr(sb, "</td></tr>\n");
	}
	strbuf_addstr(sb, "</tbody></table></section>\n");
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
		esc(sb, gb->students[i].name);
		strbuf_addstr(sb, "</li>");
	}
	if (!unmapped)
		strbuf_addstr(sb, "<li class=\"none\">none</li>");
	strbuf_addstr(sb, "</ul>\n<h3>In the roster, not in the class</h3><ul id=\"not-in-class\">");
	for (i = 0; i < n; i++) {
		strbuf_addstr(sb, "<li class=\"absent\">");
		esc(sb, extra[i]->student);
		if (*extra[i]->name) {
			strbuf_addstr(sb, " (");
			esc(sb, extra[i]->name);
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

	strbuf_addstr(&sb, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
		      "'none'; style-src 'unsafe-inline'\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
		      "<title>");
	esc(&sb, title);
	strbuf_addf(&sb, "</title>\n<style>%s</style></head>\n<body><main>\n<h1>", css);
	esc(&sb, title);
	strbuf_addstr(&sb, "</h1><p class=\"sub\">");
	for (e = 0; e < gb->nexercises; e++) {
		if (e)
			strbuf_addstr(&sb, ", ");
		esc(&sb, gb->exercises[e].id);
		if (gb->exercises[e].weight != 1.0) {
			strbuf_addstr(&sb, " &#215;");
			score(&sb, gb->exercises[e].weight);
		}
	}
	strbuf_addf(&sb, " &#183; seed %llu &#183; grader ", (unsigned long long)gb->seed);
	esc(&sb, gb->grader_version);
	strbuf_addstr(&sb, ", ");
	esc(&sb, gb->compiler);
	strbuf_addstr(&sb, "</p>\n");
	overview(&sb, gb, st);
	histogram(&sb, st);
	pass_rates(&sb, gb, st);
	hints(&sb, st);
	students(&sb, gb);
	roster(&sb, gb);
	strbuf_addstr(&sb, "</main></body></html>\n");
	return strbuf_detach(&sb);
}
