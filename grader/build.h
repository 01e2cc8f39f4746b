/*
 * build.h: compiling programs in the compile sandbox, with a cache.
 *
 * Three things are built per exercise: the driver object and the reference
 * program (both cached, keyed by their sources, the compiler and the flags)
 * and, per grading, the submission linked with the driver object. The
 * learner's compile sees only the toolchain, a copy of the exercise header
 * and its own build directory: never the reference, the exercise directory
 * or the cache.
 */
#ifndef GRADER_BUILD_H
#define GRADER_BUILD_H

#include <pthread.h>
#include <stdbool.h>

#include "sandbox.h"
#include "spec.h"
#include "strbuf.h"
#include "workdir.h"

struct builder {
	struct sandbox *sb;
	struct workdir *wd;
	char *cc;          /* absolute path of the compiler */
	char *cc_version;  /* "gcc 12.2.0" */
	char *cache_dir;   /* NULL: nothing is cached */
	char *linker;      /* for -fuse-ld: "gold", or NULL: the compiler's own */
	char *linker_sanitized; /* the memory check's build's: "mold", "gold", NULL */
	char driver_hash[65];
	/* pkg-config's answers, asked once per process ("--libs libcjson" -> flags). */
	pthread_mutex_t pkg_lock;
	struct builder_pkg {
		char *query;
		char *answer;
	} *pkg;
	size_t npkg;
};

struct build {
	bool ok;           /* false: a compile error, see output */
	char *exe;         /* the program, when ok */
	char *output;      /* the compiler's messages, capped */
	double ms;         /* wall time of the compile */
	bool cached;
	char *dir;         /* the build directory, removed by build_release(); or NULL */
};

/* 0, or -errno with err set (no compiler, no sandbox). */
/*
 * The build cache's directory, made if missing (malloc'd; NULL when
 * GRADER_CACHE_DIR=off or it cannot be made): GRADER_CACHE_DIR, else
 * $XDG_CACHE_HOME/grader, else ~/.cache/grader.
 */
char *build_cache_dir(void);
/* Where grader_driver.h and grader_alloc.h are: $GRADER_DRIVER_DIR, else datadir_driver(). */
const char *build_driver_dir(void);
/*
 * The headers in build_driver_dir() a driver may include, NULL-terminated:
 * each is hashed into every cached build's key and copied into a replay.
 */
extern const char *const build_driver_headers[];

int builder_init(struct builder *b, struct sandbox *sb, struct workdir *wd,
		 struct strbuf *err);
void builder_release(struct builder *b);

/*
 * Builds the submission whose bytes are src, shown in messages as name.
 * Returns 0 with out->ok telling whether it compiled; -errno when the
 * grader failed (err set). out is released with build_release().
 */
int build_submission(struct builder *b, const struct exercise *ex,
		     const struct strbuf *src, const char *name,
		     struct build *out, struct strbuf *err);
/* Builds (or finds in the cache) the reference; a compile error is a grader error. */
int build_reference(struct builder *b, const struct exercise *ex,
		    struct build *out, struct strbuf *err);
/*
 * The memory check's builds: the same with -fsanitize=address,undefined
 * (dynamic, whatever the exercise says: the sanitizers' runtimes need the
 * loader), and a driver whose hooks report on the channel (grader_driver.h).
 * Build the plain submission first: only its program is checked for the
 * sanitizers' hook names, which the sanitized one defines.
 */
/*
 * The memory check's compiler switches, one per macro (the replay's ASan
 * build uses them too): ASan and UBSan, stopping at the first report.
 * Bounds are ASan's to check (it names a read or a write, and the block);
 * a null pointer with a size of 0 (qsort(NULL, 0, ...)) breaks only a
 * nonnull attribute, and C2y makes it defined: not a memory error.
 */
#define BUILD_SANITIZE "-fsanitize=address,undefined"
/*
 * The accounting's link switch (grader_driver/grader_alloc.h): the
 * allocator, and the C library's functions that hand the caller a block
 * it allocated itself, to free.
 */
#define BUILD_WRAP_FLAGS                                                                   \
	"-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup,"         \
	"--wrap=strndup,--wrap=aligned_alloc,--wrap=posix_memalign,--wrap=memalign,"      \
	"--wrap=valloc,--wrap=pvalloc,--wrap=reallocarray,--wrap=getline,"                \
	"--wrap=getdelim,--wrap=asprintf,--wrap=vasprintf,--wrap=realpath,--wrap=getcwd"
#define BUILD_SANITIZE_STOP "-fno-sanitize-recover=all"
#define BUILD_SANITIZE_LEFT_OUT "-fno-sanitize=object-size,nonnull-attribute"

int build_submission_sanitized(struct builder *b, const struct exercise *ex,
			       const struct strbuf *src, const char *name,
			       struct build *out, struct strbuf *err);
int build_reference_sanitized(struct builder *b, const struct exercise *ex,
			      struct build *out, struct strbuf *err);
/* Builds (or finds in the cache) the program of known mistake i. */
int build_mistake(struct builder *b, const struct exercise *ex, size_t i,
		  struct build *bd, struct strbuf *err);
void build_release(struct build *bd);

/* The name a submission is compiled as: its base name if plain, else "submission.c". */
char *build_source_name(const char *path);

#endif /* GRADER_BUILD_H */
