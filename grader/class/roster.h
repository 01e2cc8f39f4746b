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

/*
 * The roster file (roster-file.c): who the class's students are in the
 * LMS, as an instructor gives it with --roster FILE. A CSV file whose
 * header names its columns, in any order (case and spaces do not matter):
 *
 *   student   the student's directory name in the class (required)
 *   name      the display name            lms_id   the LMS's user id
 *   email     the e-mail address or login  section  the section
 *   sis_id    the SIS user id (optional)
 *
 * An unknown column, a student named twice or a row with more fields than
 * the header is an error. The roster owns its strings;
 * roster_file_release() frees them.
 */
struct roster_entry {
	char *student;
	char *name;
	char *lms_id;
	char *sis_id;
	char *email;
	char *section;
};

struct roster_file {
	struct roster_entry *entries; /* sorted by student, bytewise */
	size_t n;
};

#define ROSTER_FILE_MAX (16 << 20)

/*
 * Reads the roster file at path. Returns 0; -EINVAL when it is malformed
 * (err names the file, the line and the column); -EFBIG beyond
 * ROSTER_FILE_MAX; another -errno when it cannot be read.
 */
int roster_file_load(const char *path, struct roster_file *rf, struct strbuf *err);
void roster_file_release(struct roster_file *rf);
/* The entry of the student whose directory is student, or NULL. */
const struct roster_entry *roster_file_find(const struct roster_file *rf, const char *student);

#endif /* GRADER_ROSTER_H */
