/*
 * workdir.c: temporary directories, and removing them safely.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "workdir.h"

#define MAX_DEPTH 64

int workdir_create(struct workdir *w)
{
	const char *tmp = getenv("TMPDIR");
	struct strbuf sb = STRBUF_INIT;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	strbuf_addf(&sb, "%s/grader-XXXXXX", tmp);
	if (!mkdtemp(sb.buf)) {
		int ret = -errno;
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

/* Empties the directory open on dfd; depth bounds a hostile nesting. */
static int empty_dir(int dfd, int depth)
{
	DIR *d;
	struct dirent *e;
	int ret = 0;

	if (depth > MAX_DEPTH) {
		close(dfd);
		return -ELOOP;
	}
	d = fdopendir(dfd);
	if (!d) {
		ret = -errno;
		close(dfd);
		return ret;
	}
	while ((e = readdir(d))) {
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), e->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0) {
				int r = empty_dir(sub, depth + 1);
				if (r && !ret)
					ret = r;
			}
			if (unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) < 0 && !ret)
				ret = -errno;
		} else if (unlinkat(dirfd(d), e->d_name, 0) < 0 && !ret) {
			ret = -errno;
		}
	}
	closedir(d);
	return ret;
}

int remove_tree(const char *path)
{
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int ret;

	if (dfd < 0)
		return errno == ENOENT ? 0 : -errno;
	ret = empty_dir(dfd, 0);
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
