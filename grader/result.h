/*
 * report.h: the result of grading one submission, as every report format
 * sees it. The grader fills it; writers only read it.
 */
#ifndef GRADER_REPORT_H
#define GRADER_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "spec.h"

#define REPORT_SCHEMA_VERSION 1

enum test_status {
	ST_PASSED,
	ST_FAILED,
	ST_TIMEOUT,
	ST_MEMORY,
	ST_CRASHED,
	ST_FORBIDDEN,
	ST_OUTPUT_LIMIT,
	ST_SKIPPED,
};

struct test_report {
	char *name;
	enum test_status status;
	int score;
	int max_score;
	double time_ms;        /* CPU time of the submission's run */
	long memory_kb;        /* its peak resident memory */
	double limit_ms;       /* the CPU limit it ran under */
	double reference_ms;   /* the reference's CPU time, same run (the slowest
				  of its runs when a timeout was checked again) */
	int reference_runs;    /* runs of the reference behind reference_ms */
	double reference_wall_ms; /* the reference's first run: wall time, */
	long reference_kb;     /* peak memory */
	size_t reference_output; /* and bytes printed */
	char *message;         /* "" when passed */
	char *hint;            /* "" when none */
	char *output;          /* what the program printed, capped; never parsed */
	enum visibility visibility;
	bool accounting;       /* ran with allocation accounting */
	int injections;        /* failure-injection runs made */
};

struct report {
	char *exercise;
	char *title;
	char *submission;      /* as given on the command line */
	char *sha256;          /* of the submission's bytes */
	int score;
	int max_score;
	bool compiled;
	char *compile_output;
	struct test_report *tests;
	size_t ntests;
	uint64_t seed;
	/* The receipt: what reproduces and verifies this report. */
	char *spec_hash;
	char *compiler;
	char *delivery_id;
	char *timestamp;
	char **layers;
	size_t nlayers;
	struct limits limits;
	double wall_ms;
};

const char *test_status_name(enum test_status s);
void report_release(struct report *r);
/* 0 all passed, 1 something failed (compile errors included). */
int report_exit_code(const struct report *r);

/* Writers. Each returns 0, or -errno when the stream failed. */
int report_write_human(const struct report *r, FILE *f, bool color);
/* The json report, allocated; see the contract and docs/report.schema.json. */
char *report_json(const struct report *r);

/*
 * The report formats, by name, each written from the same struct report.
 * How to add one: write report-<name>.c with a writer of the type below
 * (untrusted text goes through report-text.h), declare it here, add it to
 * the table in report.c and describe it in docs/reports-and-webhook.md.
 */
struct report_opts {
	bool color;     /* human: ANSI colours */
};

struct report_format {
	const char *name;
	int (*write)(const struct report *r, FILE *f, const struct report_opts *o);
};

/* The format called name, or NULL. */
const struct report_format *report_format_find(const char *name);
/* The names, for messages: "human, json, junit, ...". */
extern const char report_format_names[];

/* The writers of the table; each returns 0, or -errno when f failed. */
int report_write_human_fmt(const struct report *r, FILE *f, const struct report_opts *o);
int report_write_json(const struct report *r, FILE *f, const struct report_opts *o);
int report_write_junit(const struct report *r, FILE *f, const struct report_opts *o);
int report_write_tap(const struct report *r, FILE *f, const struct report_opts *o);
int report_write_gradescope(const struct report *r, FILE *f, const struct report_opts *o);
int report_write_github(const struct report *r, FILE *f, const struct report_opts *o);
int report_write_markdown(const struct report *r, FILE *f, const struct report_opts *o);

/*
 * The rest of the github format, for a GitHub Actions step: appends the
 * markdown table to summary_path ($GITHUB_STEP_SUMMARY) and "score=" and
 * "max_score=" lines to output_path ($GITHUB_OUTPUT); either may be NULL.
 * Returns 0, or -errno with err naming the file.
 */
int report_github_step_files(const struct report *r, const char *summary_path,
			     const char *output_path, struct strbuf *err);

#endif /* GRADER_REPORT_H */
