/*
 * result-cache.c: dir/<first two hex digits>/<key>.json, written atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "result-cache.h"
#include "sha256.h"
#include "util.h"

#ifndef GRADER_VERSION
#define GRADER_VERSION "0.0.0"
#endif

/* Bumped when what an entry holds changes meaning. */
#define RESULT_CACHE_FORMAT "grader-result 1"

static atomic_uint tmp_counter;

void result_cache_key(const struct result_key_parts *p, char out[65])
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s\nsubmission %s\nname %s\nexercise %s %s\ndriver %s\n"
		    "grader %s\ncompiler %s\nseed %llu\n", RESULT_CACHE_FORMAT,
		    p->submission_sha256, p->source_name, p->ex->id, p->ex->hash,
		    p->driver_hash, GRADER_VERSION, p->compiler, (unsigned long long)p->seed);
	sha256_hex(sb.buf, sb.len, out);
	strbuf_release(&sb);
}

static char *entry_path(const char *dir, const char *key, bool make_dir)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/%.2s", dir, key);
	if (make_dir)
		mkdir(sb.buf, 0755);
	strbuf_addf(&sb, "/%s.json", key);
	return strbuf_detach(&sb);
}

int result_cache_get(const char *dir, const char *key, char **json)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = entry_path(dir, key, false);
	int ret = read_file(path, RESULT_CACHE_MAX, true, &sb);

	free(path);
	*json = NULL;
	if (ret) {
		strbuf_release(&sb);
		return ret;
	}
	*json = strbuf_detach(&sb);
	return 0;
}

int result_cache_put(const char *dir, const char *key, const char *json)
{
	struct strbuf tmp = STRBUF_INIT;
	char *path = entry_path(dir, key, true);
	size_t len = strlen(json);
	const char *p = json;
	int fd, ret = 0;

	/* Unique per process and thread: two workers may store the same key at once. */
	strbuf_addf(&tmp, "%s.tmp.%ld.%u", path, (long)getpid(),
		    atomic_fetch_add(&tmp_counter, 1));
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && rename(tmp.buf, path) < 0)
		ret = -errno;
	if (ret)
		unlink(tmp.buf);
out:
	strbuf_release(&tmp);
	free(path);
	return ret;
}
