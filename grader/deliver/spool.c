/*
 * spool.c: reports waiting for webhook delivery.
 *
 * An entry is DIR/<id>.report:
 *   grader-spool 1
 *   id <delivery id>
 *   url <url>
 *   ca <CA file>          (only when one was given)
 *   created <UTC time>
 *   length <body bytes>
 *   <empty line>
 *   <body, exactly as signed and sent>
 * It is written as DIR/.<id>.tmp.<pid>, locked, synced and renamed, so the
 * name appears complete and already locked by its writer.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "spool.h"
#include "util.h"

#define SPOOL_MAGIC "grader-spool 1\n"
#define SUFFIX ".report"

char *spool_dir(void)
{
	const char *env = getenv("GRADER_SPOOL_DIR");
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (env && *env)
		return xstrdup(env);
	if (xdg && *xdg == '/')
		return path_join(xdg, "grader/spool");
	if (home && *home)
		return path_join(home, ".local/state/grader/spool");
	return NULL;
}

bool spool_valid_id(const char *id)
{
	size_t i;

	for (i = 0; id[i]; i++) {
		char c = id[i];

		if (i >= 64 || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				 (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	return i > 0;
}

static char *entry_path(const char *dir, const char *id)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/%s%s", dir, id, SUFFIX);
	return strbuf_detach(&sb);
}

int spool_put(const char *dir, struct spool_entry *e, struct strbuf *err)
{
	struct strbuf tmp = STRBUF_INIT, head = STRBUF_INIT;
	char stamp[32];
	int fd, dfd, ret;

	if (!spool_valid_id(e->id)) {
		strbuf_addf(err, "'%s' is not a delivery id", e->id);
		return -EINVAL;
	}
	ret = mkdir_p(dir, 0700);
	if (ret) {
		strbuf_addf(err, "cannot create the spool directory '%s': %s", dir, strerror(-ret));
		return ret;
	}
	free(e->path);
	e->path = entry_path(dir, e->id);
	strbuf_addf(&tmp, "%s/.%s.tmp.%ld", dir, e->id, (long)getpid());
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		ret = -errno;
		strbuf_addf(err, "cannot write '%s': %s", tmp.buf, strerror(errno));
		goto out;
	}
	/* Locked before it has its name: nobody else can deliver it meanwhile. */
	if (flock(fd, LOCK_EX) < 0) {
		ret = -errno;
		strbuf_addf(err, "cannot lock '%s': %s", tmp.buf, strerror(errno));
		goto out_close;
	}
	if (!e->created) {
		format_utc(stamp, sizeof(stamp), (long long)time(NULL));
		e->created = xstrdup(stamp);
	}
	strbuf_addf(&head, SPOOL_MAGIC "id %s\nurl %s\n", e->id, e->url);
	if (e->ca_file)
		strbuf_addf(&head, "ca %s\n", e->ca_file);
	strbuf_addf(&head, "created %s\nlength %zu\n\n", e->created, e->body_len);
	ret = write_all(fd, head.buf, head.len);
	if (!ret)
		ret = write_all(fd, e->body, e->body_len);
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	if (!ret && rename(tmp.buf, e->path) < 0)
		ret = -errno;
	if (ret) {
		strbuf_addf(err, "cannot write '%s': %s", e->path, strerror(-ret));
		goto out_close;
	}
	/* The rename itself must survive a crash too. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	e->lock_fd = fd;
	goto out;
out_close:
	unlink(tmp.buf);
	close(fd);
out:
	strbuf_release(&tmp);
	strbuf_release(&head);
	return ret;
}

static int compare_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int spool_list(const char *dir, char ***ids, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t alloc = 0;

	*ids = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name), slen = strlen(SUFFIX);
		char *id;

		if (len <= slen || strcmp(de->d_name + len - slen, SUFFIX))
			continue;
		id = xstrdup(de->d_name);
		id[len - slen] = '\0';
		if (!spool_valid_id(id)) {
			free(id);
			continue;
		}
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			*ids = xrealloc(*ids, alloc * sizeof(**ids));
		}
		(*ids)[(*n)++] = id;
	}
	closedir(d);
	if (*n)
		qsort(*ids, *n, sizeof(**ids), compare_str);
	return 0;
}

/* Where the value of header key (klen bytes) goes; NULL for "length" or unknown keys. */
static char **field(struct spool_entry *e, const char *key, size_t klen)
{
	static const char *const names[] = { "id", "url", "ca", "created" };
	char **dsts[] = { &e->id, &e->url, &e->ca_file, &e->created };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (klen == strlen(names[i]) && !memcmp(key, names[i], klen))
			return dsts[i];
	return NULL;
}

/* Parses the header lines and the body of an entry; err says what is wrong. */
static int parse_entry(const char *text, size_t len, struct spool_entry *e, struct strbuf *err)
{
	const char *p = text, *end = text + len;
	uint64_t length = UINT64_MAX;
	const char *problem = NULL;

	if (len < strlen(SPOOL_MAGIC) || memcmp(text, SPOOL_MAGIC, strlen(SPOOL_MAGIC))) {
		strbuf_addstr(err, "not a spool entry");
		return -EINVAL;
	}
	p += strlen(SPOOL_MAGIC);
	while (!problem) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *sp;
		char *value, **dst;

		if (!nl) {
			problem = "truncated header";
			break;
		}
		if (nl == p) {
			p = nl + 1;
			break;
		}
		sp = memchr(p, ' ', (size_t)(nl - p));
		if (!sp) {
			problem = "malformed header line";
			break;
		}
		value = xmalloc((size_t)(nl - sp));
		memcpy(value, sp + 1, (size_t)(nl - sp - 1));
		value[nl - sp - 1] = '\0';
		dst = field(e, p, (size_t)(sp - p));
		if (dst) {
			free(*dst);
			*dst = value;
			value = NULL;
		} else if (sp - p == 6 && !memcmp(p, "length", 6) && !parse_u64(value, &length)) {
			problem = "malformed length";
		}
		free(value);
		p = nl + 1;
	}
	if (!problem && (!e->id || !e->url))
		problem = "no id or url";
	if (!problem && length != (uint64_t)(end - p))
		problem = "body length differs";
	if (problem) {
		strbuf_addstr(err, problem);
		return -EINVAL;
	}
	e->body_len = (size_t)(end - p);
	e->body = xmalloc(e->body_len + 1);
	memcpy(e->body, p, e->body_len);
	e->body[e->body_len] = '\0';
	return 0;
}

int spool_load(const char *dir, const char *id, struct spool_entry *e, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	struct stat a, b;
	int fd, ret;

	spool_entry_release(e);
	if (!spool_valid_id(id))
		return -EINVAL;
	e->path = entry_path(dir, id);
	fd = open(e->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		ret = errno == EWOULDBLOCK ? -EAGAIN : -errno;
		goto out_close;
	}
	/* Delivered and removed between our open and our lock? */
	if (fstat(fd, &a) < 0 || stat(e->path, &b) < 0 || a.st_ino != b.st_ino ||
	    a.st_dev != b.st_dev) {
		ret = -ENOENT;
		goto out_close;
	}
	ret = read_fd(fd, SPOOL_BODY_MAX + 4096, &text);
	if (ret == -EFBIG)
		strbuf_addstr(err, "larger than a report can be");
	if (!ret)
		ret = parse_entry(text.buf ? text.buf : "", text.len, e, err);
	if (!ret && strcmp(e->id, id)) {
		strbuf_addstr(err, "its id differs from its file name");
		ret = -EINVAL;
	}
	if (ret)
		goto out_close;
	e->lock_fd = fd;
	strbuf_release(&text);
	return 0;
out_close:
	close(fd);
	strbuf_release(&text);
	return ret;
}

int spool_remove(struct spool_entry *e)
{
	if (!e->path)
		return -EINVAL;
	return unlink(e->path) < 0 ? -errno : 0;
}

void spool_entry_release(struct spool_entry *e)
{
	if (e->lock_fd >= 0)
		close(e->lock_fd);
	free(e->id);
	free(e->url);
	free(e->ca_file);
	free(e->created);
	free(e->body);
	free(e->path);
	e->id = e->url = e->ca_file = e->created = e->body = e->path = NULL;
	e->body_len = 0;
	e->lock_fd = -1;
}
