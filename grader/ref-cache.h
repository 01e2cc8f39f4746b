/*
 * ref-cache.h: the reference's runs, shared by every submission of a batch.
 *
 * With a fixed seed the reference solution observes the same thing for a
 * test whoever's submission it runs beside, so `grader batch` and
 * `grader ci` run it once per (test, seed) and hand every later grading a
 * copy; and a test whose driver draws no random number observes the same
 * under every seed, so its run is kept on disk, beside the build cache, for
 * every later `grader check` too. The cache is safe to use from any number
 * of threads. Its key covers everything that decides
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

/*
 * An empty cache, freed with ref_cache_free() (which accepts NULL). dir:
 * where runs that did not depend on the seed are kept between grader
 * processes (the build cache's directory), or NULL to keep runs in memory
 * only. A run whose driver drew random numbers ("!seeded") is shared
 * within the process only, under its seed.
 */
struct ref_cache *ref_cache_new(const char *dir);
void ref_cache_free(struct ref_cache *rc);

/* The key: 64 hex digits and a NUL; seeded false leaves the seed out. */
void ref_cache_key(const struct ref_key_parts *p, bool seeded, char out[65]);

/*
 * Looks the run up, in memory, then on disk. True: the stored run was
 * copied into the places out points at (the caller owns the copies and
 * frees them as it frees a run of its own: sandbox_result_release,
 * obs_release, each file's strbuf, the two arrays); out->nfiles must be
 * the test's number of files. False: no run is stored, and the caller
 * must now produce it and then call ref_cache_put() or ref_cache_drop()
 * with the same parts; other threads asking for them wait meanwhile
 * rather than run it too.
 */
bool ref_cache_get(struct ref_cache *rc, const struct ref_key_parts *p, const struct ref_run *out);

/* Stores a copy of run (claimed by ref_cache_get), on disk too when unseeded. */
void ref_cache_put(struct ref_cache *rc, const struct ref_key_parts *p, const struct ref_run *run);

/* Gives up a claim: the run failed. One waiter, if any, claims the key next. */
void ref_cache_drop(struct ref_cache *rc, const struct ref_key_parts *p);

/*
 * Whether the memory check's probe (the sanitized reference passing the
 * first test to rerun) passed in this process for these parts (program
 * is ignored), and recording that it did. Kept in memory only: whether the
 * sanitizers work is a fact about this machine, which a shared cache
 * directory could carry to another.
 */
bool ref_cache_probed(struct ref_cache *rc, const struct ref_key_parts *p);
void ref_cache_set_probed(struct ref_cache *rc, const struct ref_key_parts *p);

/* Runs served (from disk among them) and runs stored, for benchmarks and tests. */
void ref_cache_stats(struct ref_cache *rc, size_t *hits, size_t *stored, size_t *disk_hits);

#endif /* GRADER_REF_CACHE_H */
