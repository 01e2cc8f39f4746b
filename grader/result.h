/*
 * result.h: the result of grading one submission (struct report), as
 * grade() fills it and every report format (report/report.h) reads it.
 */
#ifndef GRADER_RESULT_H
#define GRADER_RESULT_H

#include <stdbool.h>
#include <stdint.h>

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
	ST_MEMORY_ERROR, /* right results, but ASan or UBSan found an error */
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

#endif /* GRADER_RESULT_H */
