/*
 * roster.h: finding a class's students and their submissions.
 *
 * A class directory holds one directory per student, DIR/<student>/, with
 * the files the assignment names; for an assignment of one exercise, a
 * flat DIR/<student>.c works too. Names starting with '.' are skipped, and
 * so are directories the caller lists (the output and the cache) and any
 * directory holding a batch manifest (an earlier output).
 *
 * Every student gets a row: a submission that is missing, ambiguous (two
 * candidates), a symbolic link (anywhere on its path), not a regular file,
 * unreadable, larger than 1 MiB or binary gets a cell saying so, and the
 * scan goes on. Nothing is followed through a symbolic link.
 */
#ifndef GRADER_ROSTER_H
#define GRADER_ROSTER_H

#ifndef GRADER_LAYER_CLASS
#error "a header of grader/class/, for that layer and those above it only: see \"Layers\" in CMakeLists.txt"
#endif

#include <sys/types.h>

#include "gradebook.h"

#define ROSTER_SOURCE_MAX (1 << 20)

struct roster_skip {
	dev_t dev;
	ino_t ino;
};

/*
 * Adds every student of the class directory dir to gb (whose exercises are
 * set): a cell is CELL_PENDING with its file and sha256 when there is a
 * submission to grade, else missing, ambiguous or invalid with a note.
 * Returns 0, or -errno when dir itself cannot be read (err set).
 */
int roster_scan(const char *dir, struct gradebook *gb, const struct roster_skip *skip,
		size_t nskip, struct strbuf *err);

/* The shard (0 to nshards - 1) a student belongs to: a hash of the name. */
unsigned roster_shard_of(const char *student, unsigned nshards);

/* Keeps only the students of shard k of n. */
void roster_keep_shard(struct gradebook *gb, unsigned k, unsigned n);

#endif /* GRADER_ROSTER_H */
