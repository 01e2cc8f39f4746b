/*
 * result-cache.c: dir/<first two hex digits>/<key>.entry, written
 * atomically, each entry signed (no json file: a line comes first).
 *
 * The key of an entry is no secret (anyone can compute it from a
 * submission's bytes), and the cache may lie where a student can write: a
 * student named "grades" is the default OUT, whose cache/ then holds what
 * that student put there, and a planted entry for another student's file
 * gave that student full marks. So an entry is "hmac-sha256 <hex>\n" then
 * the report, the HMAC keyed by a secret of this user's own (the build
 * cache's result-cache.key, made once, mode 0600; in memory only when the
 * build cache is off): an entry that does not verify is a miss, graded again.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "digest.h"
#include "result-cache.h"
#include "version.h"
#include "util.h"

/* Bumped when what an entry holds changes meaning. */
#define RESULT_CACHE_FORMAT "grader-result 3" /* 2: the memory check; 3: signed entries */
#define SECRET_LEN 32
#define SECRET_FILE "result-cache.key"
#define MAC_PREFIX "hmac-sha256 "

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
	strbuf_addf(&sb, "/%s.entry", key);
	return strbuf_detach(&sb);
}

static unsigned char secret[SECRET_LEN];
static pthread_once_t secret_once = PTHREAD_ONCE_INIT;

static bool read_secret(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	bool ok;

	if (fd < 0)
		return false;
	/* Only a key no one else could have written or read. */
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
	     !(st.st_mode & 077) && read(fd, secret, SECRET_LEN) == SECRET_LEN;
	close(fd);
	return ok;
}

/* The user's key: read, or made once (link() lets one of two racing graders win). */
static void load_secret(void)
{
	char *dir = build_cache_dir(), *path = NULL, *tmp = NULL;
	size_t i;

	for (i = 0; i < SECRET_LEN; i += sizeof(uint64_t)) {
		uint64_t r = random_u64();

		memcpy(secret + i, &r, sizeof(r));
	}
	if (!dir || mkdir_p(dir, 0700))
		goto out;
	path = path_join(dir, SECRET_FILE);
	if (read_secret(path))
		goto out;
	{
		struct strbuf t = STRBUF_INIT;

		strbuf_addf(&t, "%s.%ld.%llx", path, (long)getpid(),
			    (unsigned long long)random_u64());
		tmp = strbuf_detach(&t);
	}
	if (write_file_scratch(tmp, (const char *)secret, SECRET_LEN, 0600) == 0) {
		/* Lost the race: the winner's key; unreadable or foreign: this run's own. */
		if (link(tmp, path) < 0)
			read_secret(path);
		unlink(tmp);
	}
out:
	free(tmp);
	free(path);
	free(dir);
}

static void mac_of(const char *json, size_t len, char out[65])
{
	pthread_once(&secret_once, load_secret);
	hmac_sha256_hex(secret, SECRET_LEN, json, len, out);
}

int result_cache_get(const char *dir, const char *key, char **json)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = entry_path(dir, key, false), want[65];
	const size_t head = strlen(MAC_PREFIX) + 64 + 1;
	unsigned diff = 0;
	size_t i;
	int ret = read_file(path, RESULT_CACHE_MAX, true, &sb);

	free(path);
	*json = NULL;
	if (!ret && (sb.len < head || strncmp(sb.buf, MAC_PREFIX, strlen(MAC_PREFIX)) ||
		     sb.buf[head - 1] != '\n'))
		ret = -EBADMSG;
	if (!ret) {
		mac_of(sb.buf + head, sb.len - head, want);
		for (i = 0; i < 64; i++)
			diff |= (unsigned)(want[i] ^ sb.buf[strlen(MAC_PREFIX) + i]);
		if (diff)
			ret = -EBADMSG; /* not written by this user's grader */
	}
	if (ret) {
		strbuf_release(&sb);
		return ret;
	}
	*json = xstrdup(sb.buf + head);
	strbuf_release(&sb);
	return 0;
}

int result_cache_put(const char *dir, const char *key, const char *json)
{
	char *path = entry_path(dir, key, true), mac[65];
	struct strbuf sb = STRBUF_INIT;
	int ret;

	mac_of(json, strlen(json), mac);
	strbuf_addf(&sb, MAC_PREFIX "%s\n%s", mac, json);
	ret = write_file_atomic(path, sb.buf, sb.len, 0644);
	strbuf_release(&sb);
	free(path);
	return ret;
}
