/*
 * strbuf.h: a growable, always NUL-terminated byte buffer (after git's).
 *
 * A strbuf owns its bytes; strbuf_release() frees them and leaves an empty,
 * reusable buffer. strbuf_detach() hands the bytes to the caller.
 * Allocation failure aborts: the grader cannot grade without memory, and a
 * half-built report is worse than none.
 */
#ifndef GRADER_STRBUF_H
#define GRADER_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

#define STRBUF_INIT { NULL, 0, 0 }

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void strbuf_reset(struct strbuf *sb);
/* Empty string when nothing was added yet. */
const char *strbuf_str(const struct strbuf *sb);

/*
 * Appends s (n bytes) for display: control bytes and invalid UTF-8 as \xNN,
 * a trailing space or tab made visible, the second '#' of "##" as \x23 (no
 * CI log command can come out), at most max bytes of input; says
 * "... (N more bytes)" when cut.
 */
void strbuf_add_visible(struct strbuf *sb, const char *s, size_t n, size_t max);

/*
 * Appends s (n bytes) as valid UTF-8: every byte that does not belong to a
 * valid sequence becomes U+FFFD. For formats that must be UTF-8 (json, xml).
 */
void strbuf_add_utf8(struct strbuf *sb, const char *s, size_t n);
/* Whether s (n bytes) is valid UTF-8 by the rules of strbuf_add_utf8(), which keeps it as it is. */
bool utf8_valid(const char *s, size_t n);

#endif /* GRADER_STRBUF_H */
