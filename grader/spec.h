/*
 * spec.h: an exercise as loaded from its directory's spec.json.
 *
 * exercise_load() validates everything a run relies on, so that the rest of
 * the grader can trust the struct; its errors name the file and the field.
 * The exercise owns every string in it; exercise_free() releases all.
 */
#ifndef GRADER_SPEC_H
#define GRADER_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

enum visibility {
	VIS_VISIBLE,
	VIS_HIDDEN,         /* name and status shown; message and hint withheld */
	VIS_AFTER_DUE_DATE, /* as hidden, for tools that know the due date */
};

struct limits {
	uint64_t cpu_ms;
	uint64_t wall_ms;
	uint64_t memory_kb;
	uint64_t file_kb;
	uint64_t output_kb;
	uint64_t scratch_kb;     /* the scratch tmpfs; 0: 4x file_kb, at least 1 MiB */
	uint64_t scratch_inodes; /* files and directories in it; 0: 4096 */
};

struct scaling {
	bool on;
	double factor;          /* CPU limit: factor x the reference's CPU time */
	uint64_t floor_ms;      /* ... never below this */
	double memory_factor;   /* 0: memory not compared with the reference */
	uint64_t memory_floor_kb;
};

/* A file a test's program must leave in its scratch directory, judged here. */
struct test_file {
	char *name;         /* a plain file name */
	bool json;          /* compared as JSON by meaning; else byte for byte */
};

struct test {
	char *name;
	int points;
	enum visibility visibility;
	char **args;
	size_t nargs;
	char *input;        /* absolute path of the stdin file, or NULL */
	char *hint;         /* "" when none */
	char *inject_hint;  /* hint for a crash under failure injection */
	size_t *requires;   /* indexes of earlier tests */
	size_t nrequires;
	struct scaling scaling;
	struct limits limits; /* the exercise's, with this test's overrides */
	bool inject_alloc;
	bool sanitize;        /* the memory check reruns it when it passed ("sanitize") */
	struct test_file *files;
	size_t nfiles;
};

/*
 * A known mistake, as a program: when a failed test's observations equal
 * the mistake's, the learner made that mistake, and its hint applies.
 * Its program is reference.c with the mistake's patch applied (spec field
 * "patch", a unified diff whose description says the idea it gets wrong),
 * or a whole C file ("source") where a diff would be longer than the program.
 */
struct mistake {
	char *name;
	char *file;         /* absolute path of its patch or C file */
	bool patched;       /* file is a patch to reference.c */
	char *program;      /* the mistaken program's source, NUL-terminated */
	size_t program_len;
	char *hint;
	size_t *breaks;     /* indexes of the tests it fails, ascending */
	size_t nbreaks;
};

struct exercise {
	char *id;
	char *dir;
	char *title;
	char *header;       /* file name of the learner header, in dir */
	char *statement;    /* absolute path of the statement */
	char **libs;        /* pkg-config names */
	size_t nlibs;
	char **wraps;       /* C library functions the driver replaces (-Wl,--wrap=NAME) */
	size_t nwraps;
	bool static_link;
	bool accounting;
	bool sanitize;      /* the memory check runs (top-level "sanitize", default true) */
	struct limits limits;
	struct test *tests;
	size_t ntests;
	struct mistake *mistakes;
	size_t nmistakes;
	int max_score;
	char hash[65];      /* sha256 of everything that decides expected results */
};

/*
 * The exercises directory: opt, else $GRADER_EXERCISES, else the one this
 * binary ships with (datadir.h).
 */
const char *exercises_dir(const char *opt);

/*
 * Loads exercise id from dir. Returns 0; -ENOENT when there is no such
 * exercise; -EINVAL when its spec is malformed or a mistake's patch does
 * not apply to reference.c (err says where and why: the field, the
 * mistake, the hunk).
 */
int exercise_load(const char *dir, const char *id, struct exercise **out,
		  struct strbuf *err);
void exercise_free(struct exercise *ex);

/* Sorted ids of the exercises in dir; the caller frees each and the array. */
int exercise_ids(const char *dir, char ***ids, size_t *n);

/* The known mistake named name, or NULL. */
const struct mistake *exercise_mistake(const struct exercise *ex, const char *name);
/* Whether the mistake says it fails test idx (its breaks). */
bool mistake_breaks(const struct mistake *mk, size_t idx);

/* The learner header's file name for an id: "sort-users" -> "sort_users.h". */
char *exercise_header_name(const char *id);

#endif /* GRADER_SPEC_H */
