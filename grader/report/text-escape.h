/*
 * text-escape.h: untrusted text (what a submission printed, the compiler's
 * output about it, its file name) made safe for each report format.
 *
 * Every function appends to sb. text_clean() is the common first step: it
 * turns any bytes into valid UTF-8 with only '\n' and '\t' as control
 * characters; the others then escape what is special in their format.
 * Each also breaks up "##", so that no report ever carries the "##["
 * (GitHub) or "##vso[" (Azure) log commands that CI runners honour
 * anywhere in a line.
 */
#ifndef GRADER_TEXT_ESCAPE_H
#define GRADER_TEXT_ESCAPE_H

#ifndef GRADER_LAYER_REPORT
#error "a header of grader/report/, for that layer and those above it only: see \"Layers\" in CMakeLists.txt"
#endif

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/*
 * Appends at most max bytes of s (0: all of it), then "... (N more bytes)"
 * when cut. Invalid UTF-8, C0 controls other than '\n' and '\t', DEL, C1
 * controls, bidi overrides and U+2028/U+2029 become visible text ("\x1b",
 * "\u202e"); "\r\n" becomes "\n". Cuts only between characters.
 */
void text_clean(struct strbuf *sb, const char *s, size_t max);

/* As text_clean(), on one line: '\n' and '\t' shown as "\n" and "\t". */
void text_line(struct strbuf *sb, const char *s, size_t max);

/*
 * XML character data (attr false) or an attribute value (attr true).
 * Newlines become "&#10;", so that learner text never starts a line.
 */
void text_xml(struct strbuf *sb, const char *s, size_t max, bool attr);

/*
 * HTML text, e.g. inside <pre>: & < > " ' @ : [ ] and newlines as
 * character references.
 */
void text_html(struct strbuf *sb, const char *s, size_t max);

/*
 * GitHub workflow commands: the data after "::" (% CR LF escaped) and a
 * property value (also ':' and ','), by the runner's own escaping rules.
 */
void text_gh_data(struct strbuf *sb, const char *s, size_t max);
void text_gh_property(struct strbuf *sb, const char *s, size_t max);

/* A YAML double-quoted scalar on one line, quotes included. */
void text_yaml(struct strbuf *sb, const char *s, size_t max);

/*
 * Markdown inline text that no markdown or HTML syntax can come out of:
 * every ASCII punctuation character as a numeric character reference,
 * newlines as <br>. Safe inside a table cell.
 */
void text_md(struct strbuf *sb, const char *s, size_t max);

/*
 * A JSON text with every '#' that follows a '#' written as "\u0023", which
 * decodes to the same value: outside strings, JSON has no '#'. Allocated;
 * the caller frees it.
 */
char *text_json_guard(const char *json);

#endif /* GRADER_TEXT_ESCAPE_H */
