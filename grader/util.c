/*
 * util.c: allocation, files, paths, time, randomness.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static void out_of_memory(size_t n)
{
	fprintf(stderr, "grader: out of memory (%zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		out_of_memory(n);
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = xmalloc(n);

	memcpy(d, s, n);
	return d;
}

char *xstrndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *d = xmalloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

int read_fd(int fd, size_t cap, struct strbuf *out)
{
	for (;;) {
		ssize_t n;

		strbuf_grow(out, 65536);
		n = read(fd, out->buf + out->len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		out->len += (size_t)n;
		out->buf[out->len] = '\0';
		if (out->len > cap)
			return -EFBIG;
	}
}

int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int read_file(const char *path, size_t cap, bool nofollow, struct strbuf *out)
{
	int fd, ret = 0;
	struct stat st;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (nofollow ? O_NOFOLLOW : 0));
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto out_close;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL; /* a device or fifo could block or never end */
		goto out_close;
	}
	ret = read_fd(fd, cap, out);
out_close:
	close(fd);
	return ret;
}

static int write_file_renaming(const char *path, const void *data, size_t len, int mode,
			       bool noreplace, bool exact_mode)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd, ret = 0;

	/* Unique per writer: threads of one process may write the same path. */
	strbuf_addf(&tmp, "%s.tmp.%ld.%llx", path, (long)getpid(),
		    (unsigned long long)random_u64());
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	ret = exact_mode && fchmod(fd, (mode_t)mode) < 0 ? -errno : 0;
	if (!ret)
		ret = write_all(fd, data, len);
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && noreplace &&
	    renameat2(AT_FDCWD, tmp.buf, AT_FDCWD, path, RENAME_NOREPLACE) < 0)
		ret = errno == EEXIST ? 1 : -errno; /* 1: another writer was first */
	else if (!ret && !noreplace && rename(tmp.buf, path) < 0)
		ret = -errno;
	if (ret)
		unlink(tmp.buf);
	if (ret > 0)
		ret = 0;
out:
	strbuf_release(&tmp);
	return ret;
}

int write_file_atomic(const char *path, const void *data, size_t len, int mode)
{
	return write_file_renaming(path, data, len, mode, false, false);
}

int write_file_once(const char *path, const void *data, size_t len, int mode)
{
	return write_file_renaming(path, data, len, mode, true, false);
}

int write_program_once(const char *path, const void *data, size_t len)
{
	return write_file_renaming(path, data, len, 0755, true, true);
}

/* Writes data to fd and closes it. 0 or -errno. */
static int write_and_close(int fd, const void *data, size_t len)
{
	int ret = write_all(fd, data, len);

	if (close(fd) < 0 && !ret)
		ret = -errno;
	return ret;
}

int write_file_scratch(const char *path, const void *data, size_t len, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	int ret;

	if (fd < 0)
		return -errno;
	ret = write_and_close(fd, data, len);
	if (ret)
		unlink(path);
	return ret;
}

int append_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);

	return fd < 0 ? -errno : write_and_close(fd, data, len);
}

int mkdir_p(const char *dir, mode_t mode)
{
	char *p = xstrdup(dir), *s;
	struct stat st;
	int ret = 0;

	/* A parent that cannot be made is left to the last mkdir to report. */
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(p, mode);
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		ret = -errno;
	else if (stat(p, &st) < 0)
		ret = -errno;
	else if (!S_ISDIR(st.st_mode))
		ret = -ENOTDIR;
	free(p);
	return ret;
}

char *path_join(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, dir);
	if (sb.len && sb.buf[sb.len - 1] != '/')
		strbuf_addch(&sb, '/');
	strbuf_addstr(&sb, name);
	return strbuf_detach(&sb);
}

bool valid_relative_path(const char *path)
{
	const char *p = path;

	if (!*path || *path == '/' || strlen(path) > 200)
		return false;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
		if (*p == '/')
			p++;
		if (slash && !*p)
			return false; /* a trailing slash names a directory */
	}
	for (p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return false;
	return true;
}

void format_score(double v, char buf[SCORE_BUF])
{
	size_t n;

	if (!isfinite(v) || fabs(v) < 0.00005)
		v = 0;
	snprintf(buf, SCORE_BUF, "%.4f", v);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

void format_utc(char *buf, size_t len, long long epoch)
{
	time_t t = (time_t)epoch;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

uint64_t random_u64(void)
{
	uint64_t v = 0;

	if (getrandom(&v, sizeof(v), 0) != sizeof(v)) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		v = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
	}
	return v;
}

bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}
