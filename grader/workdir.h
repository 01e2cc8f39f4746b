/*
 * workdir.h: the grader's private temporary directory for one grading run:
 * build directories and one fresh scratch directory per test run.
 *
 * Nothing here follows a symbolic link a sandboxed program could have
 * planted: directories are walked through descriptors with O_NOFOLLOW and
 * entries removed with unlinkat (Judge0's CVE-2024-28185 was the opposite).
 */
#ifndef GRADER_WORKDIR_H
#define GRADER_WORKDIR_H

#include <stdatomic.h>

#include "strbuf.h"

struct workdir {
	char *path;
	atomic_uint next; /* for unique subdirectory names across threads */
};

/*
 * Creates a mode-0700 directory under $TMPDIR, else under /tmp, else under
 * /var/tmp: the first where programs may run (the grader runs what it
 * builds from there; a hardened /tmp is often mounted noexec). 0, or
 * -errno with a message for the user in err.
 */
int workdir_create(struct workdir *w, struct strbuf *err);
/* Whether programs may run from dir's file system (it is not mounted noexec). */
bool can_run_from(const char *dir);
/* A new, empty subdirectory "<prefix>-<n>"; NULL on failure (errno set). */
char *workdir_subdir(struct workdir *w, const char *prefix);
/* Removes the whole directory. */
void workdir_remove(struct workdir *w);

/* Removes path and everything beneath it without following links. 0 or -errno. */
int remove_tree(const char *path);

#endif /* GRADER_WORKDIR_H */
