/*
 * batch.h: grading a class's pending submissions in parallel.
 *
 * Each worker thread owns one struct grader (its own sandbox handle, work
 * directory and compiler) and grades one submission at a time with one
 * test at a time, so -j N means N submissions at once. Results go through
 * the result cache (result-cache.h): a cached result is taken as is, a new
 * one is stored before it counts as done, so a batch killed at any moment
 * and started again ends with the same gradebook.
 *
 * A grader failure on a submission (grade() returning a negative errno
 * other than -EINVAL) is retried once with a fresh grader; a second failure
 * makes the cell CELL_ERROR, with the reason in its note and no score.
 */
#ifndef GRADER_BATCH_H
#define GRADER_BATCH_H

#ifndef GRADER_LAYER_CLASS
#error "a header of grader/class/, for that layer and those above it only: see \"Layers\" in CMakeLists.txt"
#endif

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gradebook.h"
#include "spec.h"

struct batch_opts {
	const char *class_dir;
	const char *cache_dir;           /* NULL: no result cache */
	const struct exercise *const *exercises; /* one per gradebook exercise */
	uint64_t seed;
	int jobs;                        /* submissions at once, >= 1 */
	const char *driver_hash;         /* for cache keys: struct builder's */
	const char *compiler;
	bool no_sanitize;                /* grade_opts' */
};

struct batch_progress {
	size_t total;     /* submissions: cached and to grade */
	size_t done;      /* cached included */
	size_t cached;
	size_t failing;   /* done and not passed (errors excluded) */
	size_t errors;
	double elapsed_s; /* since grading began */
	double rate;      /* submissions graded per second, cache hits excluded */
};

/* Called from the calling thread, about every interval; final set on the last call. */
typedef void (*batch_progress_fn)(const struct batch_progress *p, bool final, void *arg);

/*
 * Grades every CELL_PENDING cell of gb: from the cache when it holds the
 * result, else with grade(). *stop (set by a signal handler, which should
 * also call sandbox_kill_all()) stops the run: no new submission starts,
 * running sandboxes are killed until the workers are idle, and a submission
 * that was running is left CELL_PENDING (its result is not trusted).
 * Returns 0, or -EINTR when stopped. p receives the last progress figures.
 */
int batch_run(struct gradebook *gb, const struct batch_opts *o, volatile sig_atomic_t *stop,
	      batch_progress_fn fn, void *arg, struct batch_progress *p);

#endif /* GRADER_BATCH_H */
