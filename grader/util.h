/*
 * util.h: small helpers every grader file uses. Included last-but-one;
 * banned.h comes after every system header.
 */
#ifndef GRADER_UTIL_H
#define GRADER_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "strbuf.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation that aborts with a message on failure: see strbuf.h. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* The first max bytes of s at most, up to its NUL, as a new string. */
char *xstrndup(const char *s, size_t max);

/*
 * Reads a whole file of at most cap bytes into *out (NUL-terminated, the
 * caller frees). Returns 0, -EFBIG when larger than cap, or -errno.
 * Never follows a symlink in the last component when nofollow is set.
 */
int read_file(const char *path, size_t cap, bool nofollow, struct strbuf *out);

/* Reads what remains of fd, at most cap bytes: 0, -EFBIG beyond cap, or -errno. */
int read_fd(int fd, size_t cap, struct strbuf *out);
/* Writes all of data to fd, retrying short writes. 0 or -errno. */
int write_all(int fd, const void *data, size_t len);

/* Writes data to path through a temporary file and rename(2). */
int write_file_atomic(const char *path, const void *data, size_t len, int mode);
/*
 * As write_file_atomic, but a file already at path stays: for caches whose
 * entries, once in place, are never replaced (a sandbox rule names the inode).
 */
int write_file_once(const char *path, const void *data, size_t len, int mode);
/*
 * As write_file_once, for a program: mode 0755 whatever the umask, since a
 * root grader's runs are nobody's, who must be able to run it.
 */
int write_program_once(const char *path, const void *data, size_t len);

/*
 * Creates path (it must not exist) and writes data, with no fsync and no
 * rename: for a file in a directory of the grader's own that no crash needs
 * to keep (a build directory). 0 or -errno.
 */
int write_file_scratch(const char *path, const void *data, size_t len, int mode);

/* Appends data to path, creating the file (mode 0644) if needed. 0 or -errno. */
int append_file(const char *path, const void *data, size_t len);

/*
 * Creates dir and every missing directory above it, with mode (mkdir -p).
 * Returns 0 when dir is a directory at the end, else -errno.
 */
int mkdir_p(const char *dir, mode_t mode);

/* "dir/name", allocated. */
char *path_join(const char *dir, const char *name);

/*
 * Whether path, taken from a spec or an assignment file, names something
 * inside the directory it is resolved from: 1 to 200 bytes, relative, no
 * empty, "." or ".." component, no trailing '/', no control character and
 * no backslash. Symbolic links are the caller's to refuse.
 */
bool valid_relative_path(const char *path);

/*
 * A score as every output writes it (csv, json, junit, gradescope, html, the
 * LMS files, the terminal): at most four decimals, no trailing zero, never
 * "-0": "7", "7.5", "4.6667". Weighted scores are sums of doubles (0.1 * 3
 * is 0.30000000000000004); rounding once, here, makes every file agree to
 * the byte. buf holds SCORE_BUF bytes.
 */
#define SCORE_BUF 48
void format_score(double v, char buf[SCORE_BUF]);

/* Seconds since the epoch as "2026-11-23T21:19:07Z". */
void format_utc(char *buf, size_t len, long long epoch);

/* Milliseconds on the monotonic clock: for durations and deadlines only. */
double now_ms(void);

/* 64 random bits from the kernel. */
uint64_t random_u64(void);

/* Parses a decimal unsigned 64-bit number; false if s is not one. */
bool parse_u64(const char *s, uint64_t *out);

#include "banned.h"

#endif /* GRADER_UTIL_H */
