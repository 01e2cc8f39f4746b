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
#define ST_COUNT (ST_MEMORY_ERROR + 1) /* how many statuses there are */

/*
 * Where a crashed test's program crashed, as far as its stack showed it
 * (grader/symbolize.c). Feedback only: the program wrote the stack, so
 * none of this decides a verdict.
 */
struct crash_call {
	char *function;        /* never NULL; "" when unknown */
	char *file;            /* the submission's name as the learner knows it,
				  or "" outside the submission */
	int line;              /* 0 when unknown */
};

struct crash_info {
	char *signal;          /* "SIGSEGV"; "ASAN" or "UBSAN" for a memory error */
	char *error;           /* a memory error's kind ("heap-buffer-overflow"), or NULL */
	bool stack_overflow;
	struct crash_call *calls; /* calls[0]: where it crashed; then its callers */
	size_t ncalls;
	size_t omitted_at;     /* calls before this index were shown before the gap */
	unsigned long omitted; /* frames of a deep recursion not shown; 0: none */
};

void crash_info_free(struct crash_info *c);
/* Where in the learner's code it crashed: the innermost call with a file, or NULL. */
const struct crash_call *crash_place(const struct crash_info *c);

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
	struct crash_info *crash; /* NULL: not crashed, or no location known */
	/*
	 * What the driver said of the test's input (a visible test that did
	 * not pass; capped, a cut says where), else NULL.
	 */
	char *input;
	/*
	 * The observation channel (fd 3) of the submission's run and of the
	 * reference's, byte for byte as the grader read them (capped at
	 * OBS_KEPT_MAX, "observed_cut" then set); NULL unless grading was
	 * asked to keep them (grade_opts.keep_channels).
	 */
	char *observed, *expected;
	size_t observed_len, expected_len;
	bool observed_cut;
};

#define OBS_KEPT_MAX (1u << 20)

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
	/* A partial run (check --test): only some tests ran; never a grade. */
	bool partial;
	char **selected;       /* the tests named by --test (not what they require) */
	size_t nselected;
};

const char *test_status_name(enum test_status s);
void report_release(struct report *r);
/*
 * 0 all passed, 1 something failed (compile errors included), or the run
 * was partial: only a run of every test can say that all passed.
 */
int report_exit_code(const struct report *r);

#endif /* GRADER_RESULT_H */
