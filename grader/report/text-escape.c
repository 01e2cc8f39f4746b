/*
 * text-escape.c: untrusted text made safe for each report format.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "text-escape.h"
#include "util.h"

/* The length of the valid UTF-8 sequence at s and its code point; 0 if none. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Characters that reorder, hide or break lines of the text around them. */
static bool is_hidden_control(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f ||
	       (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	       c == 0xfeff || c == 0xfffe || c == 0xffff;
}

void text_clean(struct strbuf *sb, const char *s, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), end = max && max < n ? max : n, i = 0;

	while (i < end) {
		uint32_t c;
		size_t k = utf8_decode(u + i, n - i, &c);

		if (k == 0) {
			strbuf_addf(sb, "\\x%02x", u[i]);
			k = 1;
		} else if (i + k > end) {
			break;
		} else if (c == '\r' && i + 1 < n && u[i + 1] == '\n') {
			/* A CRLF line ending is a line ending. */
		} else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
			strbuf_addf(sb, "\\x%02x", (unsigned)c);
		} else if (is_hidden_control(c)) {
			strbuf_addf(sb, "\\u%04x", (unsigned)c);
		} else {
			strbuf_add(sb, u + i, k);
		}
		i += k;
	}
	if (i < n)
		strbuf_addf(sb, "... (%zu more bytes)", n - i);
}

void text_line(struct strbuf *sb, const char *s, size_t max)
{
	struct strbuf clean = STRBUF_INIT;
	const char *p;

	text_clean(&clean, s, max);
	for (p = strbuf_str(&clean); *p; p++) {
		if (*p == '\n')
			strbuf_addstr(sb, "\\n");
		else if (*p == '\t')
			strbuf_addstr(sb, "\\t");
		else if (*p == '#' && p > clean.buf && p[-1] == '#')
			strbuf_addstr(sb, "\\x23"); /* no "##[" */
		else
			strbuf_addch(sb, *p);
	}
	strbuf_release(&clean);
}

/*
 * The escapers share one loop: clean the text, then ask the format for the
 * replacement of each byte (NULL: the byte itself). A '#' right after a '#'
 * is always replaced, so "##[" never survives.
 */
typedef const char *(*escape_fn)(unsigned char c, bool after_hash, char tmp[16]);

static void escape(struct strbuf *sb, const char *s, size_t max, escape_fn fn)
{
	struct strbuf clean = STRBUF_INIT;
	const char *p;
	char tmp[16];
	bool after_hash = false;

	text_clean(&clean, s, max);
	for (p = strbuf_str(&clean); *p; p++) {
		const char *rep = fn((unsigned char)*p, after_hash, tmp);

		if (rep)
			strbuf_addstr(sb, rep);
		else
			strbuf_addch(sb, *p);
		after_hash = *p == '#';
	}
	strbuf_release(&clean);
}

/*
 * Newlines too are character references: a parser reads them back as
 * newlines, and a report printed in a CI log never has a line that starts
 * with the submission's text (where "::error::" would be a command).
 */
static const char *xml_char(unsigned char c, bool after_hash, char tmp[16])
{
	(void)tmp;
	switch (c) {
	case '\n': return "&#10;";
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&apos;";
	case '#': return after_hash ? "&#35;" : NULL;
	}
	return NULL;
}

/* Attribute values are normalised by XML parsers: keep tabs. */
static const char *xml_attr_char(unsigned char c, bool after_hash, char tmp[16])
{
	if (c == '\t')
		return "&#9;";
	return xml_char(c, after_hash, tmp);
}

void text_xml(struct strbuf *sb, const char *s, size_t max, bool attr)
{
	escape(sb, s, max, attr ? xml_attr_char : xml_char);
}

/*
 * Also '@', ':', '[' and ']' as references: a renderer that links
 * mentions or URLs in text finds neither in what a submission printed.
 */
static const char *html_char(unsigned char c, bool after_hash, char tmp[16])
{
	switch (c) {
	case '\'': return "&#39;";
	case '@': return "&#64;";
	case ':': return "&#58;";
	case '[': return "&#91;";
	case ']': return "&#93;";
	}
	return xml_char(c, after_hash, tmp);
}

void text_html(struct strbuf *sb, const char *s, size_t max)
{
	escape(sb, s, max, html_char);
}

static const char *gh_data_char(unsigned char c, bool after_hash, char tmp[16])
{
	(void)tmp;
	switch (c) {
	case '%': return "%25";
	case '\r': return "%0D";
	case '\n': return "%0A";
	case '#': return after_hash ? "%23" : NULL;
	}
	return NULL;
}

static const char *gh_property_char(unsigned char c, bool after_hash, char tmp[16])
{
	if (c == ':')
		return "%3A";
	if (c == ',')
		return "%2C";
	return gh_data_char(c, after_hash, tmp);
}

void text_gh_data(struct strbuf *sb, const char *s, size_t max)
{
	escape(sb, s, max, gh_data_char);
}

void text_gh_property(struct strbuf *sb, const char *s, size_t max)
{
	escape(sb, s, max, gh_property_char);
}

static const char *yaml_char(unsigned char c, bool after_hash, char tmp[16])
{
	(void)tmp;
	switch (c) {
	case '\\': return "\\\\";
	case '"': return "\\\"";
	case '\n': return "\\n";
	case '\t': return "\\t";
	case '#': return after_hash ? "\\x23" : NULL;
	}
	return NULL;
}

void text_yaml(struct strbuf *sb, const char *s, size_t max)
{
	strbuf_addch(sb, '"');
	escape(sb, s, max, yaml_char);
	strbuf_addch(sb, '"');
}

static const char *md_char(unsigned char c, bool after_hash, char tmp[16])
{
	(void)after_hash;
	if (c == '\n')
		return "<br>";
	if (c < 0x80 && c > ' ' && !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') &&
	    !(c >= 'A' && c <= 'Z')) {
		snprintf(tmp, 16, "&#%u;", c);
		return tmp;
	}
	return NULL;
}

void text_md(struct strbuf *sb, const char *s, size_t max)
{
	escape(sb, s, max, md_char);
}

char *text_json_guard(const char *json)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	for (p = json; *p; p++) {
		if (*p == '#' && p > json && p[-1] == '#')
			strbuf_addstr(&sb, "\\u0023");
		else
			strbuf_addch(&sb, *p);
	}
	return strbuf_detach(&sb);
}
