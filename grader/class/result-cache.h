/*
 * result-cache.h: graded results kept by content, so that regrading an
 * unchanged class costs a hash per submission.
 *
 * An entry is a json report, stored under a key that covers everything that
 * decides it: the submission's bytes and the name it is compiled as, the
 * exercise (its spec hash: spec, driver, reference, header, inputs), the
 * driver support files and flags, the grader's version, the compiler and the
 * seed. Changing a test changes the exercise's hash, so every submission of
 * that exercise is graded again; other exercises keep their entries.
 *
 * Entries are written to a unique temporary file and renamed into place, so
 * a grader killed at any moment leaves whole entries or none. Results that
 * depend on the machine's state (a grader failure) are never stored.
 */
#ifndef GRADER_RESULT_CACHE_H
#define GRADER_RESULT_CACHE_H

#ifndef GRADER_LAYER_CLASS
#error "a header of grader/class/, for that layer and those above it only: see \"Layers\" in CMakeLists.txt"
#endif

#include <stdint.h>

#include "spec.h"

#define RESULT_CACHE_MAX (16 << 20)

struct result_key_parts {
	const char *submission_sha256;
	const char *source_name;  /* the name the submission is compiled as */
	const struct exercise *ex;
	const char *driver_hash;  /* struct builder's */
	const char *compiler;     /* struct builder's cc_version */
	uint64_t seed;
	bool no_sanitize;         /* graded without the memory check */
};

/* The key: 64 hex digits and a NUL. */
void result_cache_key(const struct result_key_parts *p, char out[65]);

/* 0 and *json (allocated) for a stored entry; -ENOENT when there is none; -errno. */
int result_cache_get(const char *dir, const char *key, char **json);

/* Stores json under key. 0 or -errno; a failure only costs a regrade later. */
int result_cache_put(const char *dir, const char *key, const char *json);

#endif /* GRADER_RESULT_CACHE_H */
