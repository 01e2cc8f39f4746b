/*
 * strbuf.c: growable byte buffers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "util.h"

void strbuf_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->alloc = 0;
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	strbuf_init(sb);
}

char *strbuf_detach(struct strbuf *sb)
{
	char *s;

	strbuf_grow(sb, 0);
	s = sb->buf;
	strbuf_init(sb);
	return s;
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want = sb->len + extra + 1;

	if (want <= sb->alloc)
		return;
	if (want < sb->alloc * 2)
		want = sb->alloc * 2;
	if (want < 64)
		want = 64;
	sb->buf = xrealloc(sb->buf, want);
	sb->alloc = want;
	sb->buf[sb->len] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	strbuf_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

const char *strbuf_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

/*
 * Length of the valid UTF-8 sequence at s, or 0. Overlong forms, UTF-16
 * surrogates and code points past U+10FFFF are invalid (RFC 3629): strict
 * decoders of a report would reject them.
 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	if (len > n)
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

void strbuf_add_visible(struct strbuf *sb, const char *s, size_t n, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t end = n < max ? n : max, trail = end, i = 0;

	/* Trailing blanks are where "looks the same" hides. */
	while (trail > 0 && (u[trail - 1] == ' ' || u[trail - 1] == '\t'))
		trail--;
	while (i < end) {
		size_t k;

		if (u[i] == '\n') {
			strbuf_addstr(sb, "\\n");
		} else if (u[i] == '\t') {
			strbuf_addstr(sb, "\\t");
		} else if (u[i] == '\r') {
			strbuf_addstr(sb, "\\r");
		} else if (u[i] == ' ' && i >= trail) {
			strbuf_addstr(sb, "\\x20");
		} else if (u[i] == '#' && i > 0 && u[i - 1] == '#') {
			/* No "##[": CI runners take it for a log command in any line. */
			strbuf_addstr(sb, "\\x23");
		} else if (u[i] < 0x20 || u[i] == 0x7f) {
			strbuf_addf(sb, "\\x%02x", u[i]);
		} else if (u[i] < 0x80) {
			strbuf_addch(sb, (char)u[i]);
		} else if ((k = utf8_len(u + i, end - i)) > 0) {
			strbuf_add(sb, u + i, k);
			i += k;
			continue;
		} else {
			strbuf_addf(sb, "\\x%02x", u[i]);
		}
		i++;
	}
	if (n > max)
		strbuf_addf(sb, "... (%zu more bytes)", n - max);
}

void strbuf_add_utf8(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if (u[i] < 0x80) {
			strbuf_addch(sb, (char)u[i]);
			i++;
		} else if ((k = utf8_len(u + i, n - i)) > 0) {
			strbuf_add(sb, u + i, k);
			i += k;
		} else {
			strbuf_addstr(sb, "\xef\xbf\xbd"); /* U+FFFD */
			i++;
		}
	}
}

bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if (u[i] < 0x80)
			k = 1;
		else if ((k = utf8_len(u + i, n - i)) == 0)
			return false;
		i += k;
	}
	return true;
}
