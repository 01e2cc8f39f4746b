/*
 * report.h: the report formats, each written from the same struct report
 * (result.h): the human text, the json report, junit, tap, gradescope,
 * github and markdown, by name (report_format_find()).
 */
#ifndef GRADER_REPORT_H
#define GRADER_REPORT_H

#ifndef GRADER_LAYER_REPORT
#error "a header of grader/report/, for that layer and those above it only: see \"Layers\" in CMakeLists.txt"
#endif

#include <stdbool.h>
#include <stdio.h>

#include "result.h"
#include "strbuf.h"

/* The json report, allocated; see the contract and docs/report.schema.json. */
char *report_json(const struct report *r);
/*
 * Parses a json report (the contract's, section 3) into r, to be released
 * with report_release(). 0 or -EINVAL (err set).
 */
int report_parse(const char *json, struct report *r, struct strbuf *err);
/* json with its "submission" replaced, allocated; NULL if json is not an object. */
char *report_json_relabel(const char *json, const char *submission);

/*
 * The report formats, by name, each written from the same struct report.
 * How to add one: write report-<name>.c with a writer of the type below
 * (untrusted text goes through text-escape.h), declare it here, add it to
 * the table in report.c and describe it in docs/reports-and-webhook.md.
 */
struct report_opts {
	bool color;     /* human: ANSI colours */
	/*
	 * The exercise's weight in an assignment (grader ci), > 0; 0 when there
	 * is none. junit then adds the properties weight, weighted_score and
	 * weighted_max_score, written by format_score().
	 */
	double weight;
};

struct report_format {
	const char *name;
	int (*write)(const struct report *r, FILE *f, const struct report_opts *o);
};

/* The format called name, or NULL. */
const struct report_format *report_format_find(const char *name);
/*
 * For a partial run (check --test), the sentence every format shows:
 * "partial run of a, b (and the tests they require): 3 tests ran; this is
 * not a grade". Nothing when r is not partial.
 */
void report_partial_note(const struct report *r, struct strbuf *sb);

/* The names, for messages: "human, json, junit, ...". */
extern const char report_format_names[];

/* Sets *f to the format called name: 0, or -EINVAL with err saying why. */
int report_format_parse(const char *name, const struct report_format **f, struct strbuf *err);

#define REPORT_FILES_MAX 16

/* The reports a command writes to files (--report FORMAT=FILE, repeatable). */
struct report_files {
	struct {
		const struct report_format *format;
		const char *path; /* points into the argument it was parsed from */
	} file[REPORT_FILES_MAX];
	size_t n;
};

/* Adds "FORMAT=FILE" to rf. 0, or -EINVAL with err saying why. */
int report_files_add(struct report_files *rf, const char *arg, struct strbuf *err);

/* Whether one of the files is in format f. */
bool report_files_have(const struct report_files *rf, const struct report_format *f);

/*
 * Writes r to every file of rf, each rendered in memory first: a regular
 * file (or a new one) is replaced atomically, a device or a pipe
 * (/dev/stderr, a process substitution) is written to as it is. Returns
 * 0, or -errno when some file failed, with a line in err for each.
 */
int report_files_write(const struct report_files *rf, const struct report *r,
		       struct strbuf *err);

/* The writers of the table; each returns 0, or -errno when f failed. */
/* The human text; o may be NULL (no colour). */
int report_write_human(const struct report *r, FILE *f, const struct report_opts *o);
int report_write_json(const struct report *r, FILE *f, const struct report_opts *o);
int report_write_junit(const struct report *r, FILE *f, const struct report_opts *o);
int report_write_tap(const struct report *r, FILE *f, const struct report_opts *o);
int report_write_gradescope(const struct report *r, FILE *f, const struct report_opts *o);
/*
 * Gradescope's results.json for an assignment of n exercises (grader ci):
 * the tests of every report, named "<exercise>/<test>", each scored times
 * its exercise's weight; the score is their sum, the weighted total.
 * Scores are written by format_score(). title heads the output.
 */
int report_write_gradescope_assignment(const struct report *const *r, const double *weight,
				       size_t n, const char *title, FILE *f);
int report_write_github(const struct report *r, FILE *f, const struct report_opts *o);
int report_write_markdown(const struct report *r, FILE *f, const struct report_opts *o);

/*
 * The rest of the github format, for a GitHub Actions step: appends the
 * markdown table to summary_path ($GITHUB_STEP_SUMMARY) and "score=" and
 * "max_score=" lines to output_path ($GITHUB_OUTPUT); either may be NULL.
 * Returns 0, or -errno with a line in err naming the file.
 */
int report_github_step_files(const struct report *r, const char *summary_path,
			     const char *output_path, struct strbuf *err);


#endif /* GRADER_REPORT_H */
