/*
 * result-cache.c: dir/<first two hex digits>/<key>.json, written atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "result-cache.h"
#include "version.h"
#include "util.h"

/* Bumped when what an entry holds changes meaning. */
#define RESULT_CACHE_FORMAT "grader-result 2" /* 2: results include the memory check */

void result_cache_key(const struct result_key_parts *p, char out[65])
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s\nsubmission %s\nname %s\nexercise %s %s\ndriver %s\n"
		    "grader %s\ncompiler %s\nseed %llu\nsanitize %d\n", RESULT_CACHE_FORMAT,
		    p->submission_sha256, p->source_name, p->ex->id, p->ex->hash,
		    p->driver_hash, GRADER_VERSION, p->compiler, (unsigned long long)p->seed,
		    !p->no_sanitize);
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
	char *path = entry_path(dir, key, true);
	int ret = write_file_atomic(path, json, strlen(json), 0644);

	free(path);
	return ret;
}
