/*
 * grade.h: grading one submission against one exercise.
 *
 * The submission and the reference run the same driver on the same inputs
 * in the same sandbox; the verdict compares their observations here, in the
 * grader's process, where the submission cannot reach.
 */
#ifndef GRADER_GRADE_H
#define GRADER_GRADE_H

#include <stdbool.h>
#include <stdint.h>

#include "build.h"
#include "ref-cache.h"
#include "result.h"
#include "sandbox.h"
#include "select.h"
#include "spec.h"
#include "workdir.h"

/*
 * Each reading of the reference (CPU, wall-clock time, memory, output) must
 * fit this many times under the learner's limit, or the exercise is not
 * sound on this machine and grading fails (exit 3).
 */
#define GRADER_HEADROOM 5

/*
 * The wall-clock limit a run gets for a CPU limit and the spec's wall limit:
 * sleepers are caught by the idle limit, so the wall limit only has to leave
 * a CPU-bound program its CPU time on a loaded machine.
 */
uint64_t run_wall_ms(uint64_t cpu_ms, uint64_t wall_ms);

struct grader {
	struct sandbox *sb;
	struct workdir wd;
	struct builder builder;
};

struct grade_opts {
	uint64_t seed;
	int jobs;        /* tests run at once; 0: one per core */
	bool nofollow;   /* refuse a submission that is a symbolic link */
	struct ref_cache *refs; /* NULL, or the reference's runs shared by a batch */
	const struct test_selection *sel; /* NULL: every test; else those it runs */
	bool keep_channels;     /* fill each test's observed and expected (result.h) */
	bool no_sanitize;       /* no memory check (ASan, UBSan) of the passed tests */
};

/* Sets up the sandbox, a private work directory and the compiler. 0 or -errno (err set). */
int grader_open(struct grader *g, struct strbuf *err);
void grader_close(struct grader *g);

/*
 * Grades the file at path and fills r (released with report_release()).
 * Returns 0 when graded, whatever the score; -EINVAL when the submission is
 * unusable input (missing, unreadable, not text; err says why); another
 * negative errno when the grader itself failed (err says why).
 */
int grade(struct grader *g, const struct exercise *ex, const char *path,
	  const struct grade_opts *o, struct report *r, struct strbuf *err);

#endif /* GRADER_GRADE_H */
