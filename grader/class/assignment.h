/*
 * assignment.h: an assignment file, grader.json: which exercises make up an
 * assignment, the file each one is submitted as, their weights and the seed.
 * Read by `grader batch` (and by `grader ci`).
 *
 *   {
 *     "name": "Week 3",                        optional, shown in reports
 *     "seed": 20240917,                        optional, 0 to 2^53
 *     "exercises": [
 *       { "id": "sort-users" },                file: sort_users.c, weight: 1
 *       { "id": "lru-cache", "file": "src/lru.c", "weight": 2 }
 *     ]
 *   }
 *
 * "file" is a relative path inside a student's directory (or a repository):
 * no "..", no leading "/"; by default the exercise id with '-' turned into
 * '_' and ".c" (what `grader init` writes). "weight" (default 1, 0 to 1000)
 * multiplies the exercise's points in a total. Keys of an exercise entry are
 * checked; other top-level keys are left to the tools that read them.
 *
 * The struct owns every string in it; assignment_release() frees them all.
 */
#ifndef GRADER_ASSIGNMENT_H
#define GRADER_ASSIGNMENT_H

#ifndef GRADER_LAYER_CLASS
#error "a header of grader/class/, for that layer and those above it only: see \"Layers\" in CMakeLists.txt"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define ASSIGNMENT_FILE "grader.json"

struct assignment_exercise {
	char *id;
	char *file;       /* NULL: any one *.c file (batch --exercise without a file name) */
	double weight;
};

struct assignment {
	char *name;       /* "" when not given */
	struct assignment_exercise *exercises;
	size_t nexercises;
	bool has_seed;
	uint64_t seed;
};

#define ASSIGNMENT_INIT { NULL, NULL, 0, false, 0 }

/*
 * Reads and validates the assignment file at path. Returns 0; -ENOENT when
 * there is no such file; -EINVAL when it is malformed (err names the file and
 * the field); another -errno when it cannot be read (err says why).
 */
int assignment_load(const char *path, struct assignment *a, struct strbuf *err);

/* An assignment of one exercise, any *.c file, weight 1 (batch --exercise). */
void assignment_single(struct assignment *a, const char *id);

/* The default submission file name of an exercise: "sort-users" -> "sort_users.c". */
char *assignment_default_file(const char *id);

/* The exercise entry for id, or NULL. */
const struct assignment_exercise *assignment_find(const struct assignment *a, const char *id);

void assignment_release(struct assignment *a);

#endif /* GRADER_ASSIGNMENT_H */
