/*
 * fuzz_common.h: what the libFuzzer harnesses share: checks that abort
 * (libFuzzer records the input), and UTF-8 validation for the properties
 * every report must keep.
 */
#ifndef GRADER_FUZZ_COMMON_H
#define GRADER_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__,      \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Whether s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
static inline bool fuzz_utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t len, k;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		i += len;
	}
	return true;
}

/* Splits data on NUL bytes: the next field, or "" past the end. */
struct fuzz_reader {
	const uint8_t *p;
	size_t left;
};

static inline char *fuzz_take_string(struct fuzz_reader *r)
{
	size_t n = 0;
	char *s;

	while (n < r->left && r->p[n])
		n++;
	s = malloc(n + 1);
	if (!s)
		abort();
	for (size_t i = 0; i < n; i++)
		s[i] = (char)r->p[i];
	s[n] = '\0';
	if (n < r->left)
		n++; /* the NUL */
	r->p += n;
	r->left -= n;
	return s;
}

static inline unsigned fuzz_take_byte(struct fuzz_reader *r)
{
	if (!r->left)
		return 0;
	r->left--;
	return *r->p++;
}

#endif /* GRADER_FUZZ_COMMON_H */
