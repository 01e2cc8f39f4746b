/*
 * workdir.c: temporary directories, and removing them safely.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "util.h"
#include "workdir.h"

bool can_run_from(const char *dir)
{
	struct statvfs vfs;

	return statvfs(dir, &vfs) == 0 && !(vfs.f_flag & ST_NOEXEC);
}

int workdir_create(struct workdir *w, struct strbuf *err)
{
	static const char *const bases[] = { "/tmp", "/var/tmp" };
	const char *tmp = getenv("TMPDIR");
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (tmp && *tmp) {
		if (!can_run_from(tmp)) {
			strbuf_addf(err, "TMPDIR (%s) is on a file system mounted noexec, and "
				    "the grader runs the programs it builds from its temporary "
				    "directory: set TMPDIR to a directory where programs may run",
				    tmp);
			return -EACCES;
		}
	} else {
		for (tmp = NULL, i = 0; !tmp && i < sizeof(bases) / sizeof(*bases); i++)
			if (can_run_from(bases[i]))
				tmp = bases[i];
		if (!tmp) {
			strbuf_addstr(err, "/tmp and /var/tmp are mounted noexec, and the grader "
					   "runs the programs it builds from its temporary "
					   "directory: set TMPDIR to a directory where programs "
					   "may run");
			return -EACCES;
		}
	}
	strbuf_addf(&sb, "%s/grader-XXXXXX", tmp);
	if (!mkdtemp(sb.buf)) {
		int ret = -errno;

		strbuf_addf(err, "cannot create a temporary directory under %s: %s", tmp,
			    strerror(errno));
		strbuf_release(&sb);
		return ret;
	}
	w->path = strbuf_detach(&sb);
	atomic_init(&w->next, 0);
	return 0;
}

char *workdir_subdir(struct workdir *w, const char *prefix)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/%s-%u", w->path, prefix, atomic_fetch_add(&w->next, 1));
	if (mkdir(sb.buf, 0700) < 0) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

/*
 * One pass over the directory open on dfd: removes its files and its empty
 * subdirectories. Returns 0 when it is empty, 1 with *child set to the
 * name of a subdirectory that is not (the caller descends into it), or a
 * negative errno. A subdirectory is made searchable and readable first: a
 * program may have created it with mode 0300.
 */
static int empty_pass(int dfd, char *child, size_t len)
{
	int dup_fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0), ret = 0;
	struct dirent *e;
	DIR *d;

	if (dup_fd < 0)
		return -errno;
	d = fdopendir(dup_fd);
	if (!d) {
		ret = -errno;
		close(dup_fd);
		return ret;
	}
	while (!ret && (e = readdir(d))) {
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (!S_ISDIR(st.st_mode)) {
			if (unlinkat(dfd, e->d_name, 0) < 0 && errno != ENOENT)
				ret = -errno;
			continue;
		}
		if (unlinkat(dfd, e->d_name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			continue;
		if (errno != ENOTEMPTY && errno != EEXIST) {
			ret = -errno;
		} else if (strlen(e->d_name) < len) {
			fchmodat(dfd, e->d_name, 0700, 0);
			memcpy(child, e->d_name, strlen(e->d_name) + 1);
			ret = 1;
		} else {
			ret = -ENAMETOOLONG;
		}
	}
	closedir(d);
	return ret;
}

/*
 * Empties the directory open on dfd, whatever its depth, with two
 * descriptors at most: a sandboxed program can nest directories far
 * deeper than a recursion (or a descriptor per level) could follow. It
 * walks down into the first non-empty subdirectory and back up through
 * "..", which is safe because every program that could change the tree
 * is gone by now, and symbolic links are never followed.
 */
static int empty_dir(int dfd)
{
	char child[NAME_MAX + 1];
	unsigned long depth = 0;
	int cur = dfd, ret;

	for (;;) {
		int next;

		ret = empty_pass(cur, child, sizeof(child));
		if (ret < 0)
			break;
		if (ret == 1) {
			next = openat(cur, child, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			depth++;
		} else if (depth == 0) {
			break; /* dfd itself is empty */
		} else {
			/* Back up; the next pass removes the directory just emptied. */
			next = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			depth--;
		}
		if (next < 0) {
			ret = -errno;
			break;
		}
		if (cur != dfd)
			close(cur);
		cur = next;
	}
	if (cur != dfd)
		close(cur);
	return ret;
}

int remove_tree(const char *path)
{
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int ret;

	if (dfd < 0)
		return errno == ENOENT ? 0 : -errno;
	ret = empty_dir(dfd);
	close(dfd);
	if (rmdir(path) < 0 && !ret)
		ret = -errno;
	return ret;
}

void workdir_remove(struct workdir *w)
{
	if (!w->path)
		return;
	remove_tree(w->path);
	free(w->path);
	w->path = NULL;
}
