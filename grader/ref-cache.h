/*
 * ref-cache.h: the reference's runs, shared by every submission of a batch.
 *
 * With a fixed seed the reference solution observes the same thing for a
 * test whoever's submission it runs beside, so `grader batch` and
 * `grader ci` run it once per (test, seed) and hand every later grading a
 * copy. The cache lives in memory, in one grader process, and is safe to
 * use from any number of threads. Its key covers everything that decides
 * the run: the exercise (its spec hash: spec, driver, reference, inputs),
 * the driver support files and flags, the compiler, the grader's version,
 * the seed, the test and the program (the reference or a known mistake,
 * whose runs mistake matching compares). Only runs that ended as they
 * should are kept: a run the machine spoiled (killed, out of time on a
 * loaded host) is never replayed. A scaling test does not come here: the reference's CPU time,
 * measured beside the submission, is its yardstick.
 */
#ifndef GRADER_REF_CACHE_H
#define GRADER_REF_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "observe.h"
#include "sandbox.h"
#include "strbuf.h"

struct ref_cache;

struct ref_key_parts {
	const char *exercise;     /* the exercise id */
	const char *spec_hash;    /* struct exercise's hash */
	const char *driver_hash;  /* struct builder's */
	const char *compiler;     /* struct builder's cc_version */
	uint64_t seed;
	const char *test;         /* the test's name */
	const char *program;      /* NULL: the reference; else a known mistake's name */
};

/* One run of the reference as the grader keeps it; NULL arrays when nfiles is 0. */
struct ref_run {
	struct sandbox_result *res;
	struct obs *obs;          /* its lines point into res->channel.data */
	struct strbuf **files;    /* nfiles + 1 entries, the last with a NULL buf */
	bool **present;
	size_t nfiles;
};

/* An empty cache, freed with ref_cache_free() (which accepts NULL). */
struct ref_cache *ref_cache_new(void);
void ref_cache_free(struct ref_cache *rc);

/* The key: 64 hex digits and a NUL. */
void ref_cache_key(const struct ref_key_parts *p, char out[65]);

/*
 * Looks key up. True: the stored run was copied into the places out points
 * at (the caller owns the copies and frees them as it frees a run of its
 * own: sandbox_result_release, obs_release, each file's strbuf, the two
 * arrays). False: no run is stored, and the caller must now produce it and
 * then call ref_cache_put() or ref_cache_drop() with the same key; other
 * threads asking for that key wait meanwhile rather than run it too.
 */
bool ref_cache_get(struct ref_cache *rc, const char *key, const struct ref_run *out);

/* Stores a copy of run under key (claimed by ref_cache_get) and wakes the waiters. */
void ref_cache_put(struct ref_cache *rc, const char *key, const struct ref_run *run);

/* Gives up a claim: the run failed. One waiter, if any, claims the key next. */
void ref_cache_drop(struct ref_cache *rc, const char *key);

/* Runs served from the cache and runs stored, for benchmarks and tests. */
void ref_cache_stats(struct ref_cache *rc, size_t *hits, size_t *stored);

#endif /* GRADER_REF_CACHE_H */
