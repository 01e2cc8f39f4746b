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
	double reference_ms;   /* the reference's CPU time, same run */
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

#endif /* GRADER_REPORT_H */
