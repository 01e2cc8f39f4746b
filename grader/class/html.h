/*
 * html.h: what the class's pages share (class-page.c: report.html;
 * pages.c: a page per student and per test): the page's head with its
 * Content Security Policy and style sheet, escaping, scores, status
 * badges, and the file names the pages link to.
 *
 * Every page is self-contained: inline CSS, no script, a policy that
 * forbids every fetch, so it reads the same offline and nothing a student
 * wrote can run in it.
 */
#ifndef GRADER_HTML_H
#define GRADER_HTML_H

#ifndef GRADER_LAYER_CLASS
#error "a header of grader/class/, for that layer and those above it only: see \"Layers\" in CMakeLists.txt"
#endif

#include "strbuf.h"

/* The doctype, the head (policy, title, style) and <body><main>; title is escaped. */
void html_begin(struct strbuf *sb, const char *title);
void html_end(struct strbuf *sb);

/*
 * s as HTML text or attribute value: & < > " ' as references, control
 * characters and bytes that are not valid UTF-8 as U+FFFD.
 */
void html_esc(struct strbuf *sb, const char *s);
/* A score, as format_score() writes it. */
void html_score(struct strbuf *sb, double v);
/* A status badge: <span class="st st-failed">failed</span>. */
void html_badge(struct strbuf *sb, const char *status);

/*
 * The file name of a student's or a test's page, without ".html": lower-case
 * letters, digits and '-' as they are, every other byte as '_' and two hex
 * digits ("<Ann>" is "_3c_41nn_3e"). Only [a-z0-9_-] and '~': safe in a
 * path and in an href as it is, never hidden or "..", the same on a file
 * system that ignores case, and different for different names. A name
 * whose encoding would be longer than HTML_NAME_MAX keeps its start and
 * ends in '~' and a hash of the whole name.
 */
#define HTML_NAME_MAX 160
void html_page_name(struct strbuf *sb, const char *name);

/* The link of a page from report.html: "students/<name>.html", "tests/<exercise>/<test>.html". */
void html_student_href(struct strbuf *sb, const char *student);
void html_test_href(struct strbuf *sb, const char *exercise, const char *test);
/*
 * An <a> to a student's or a test's page, named by it; up is the way from
 * the page that links ("" from report.html, "../../" from a test's page).
 */
void html_student_link(struct strbuf *sb, const char *up, const char *student);
void html_test_link(struct strbuf *sb, const char *up, const char *exercise, const char *test);

#endif /* GRADER_HTML_H */
