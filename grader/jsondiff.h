/*
 * jsondiff.h: comparing two JSON documents by meaning: objects as sets of
 * keys, arrays in order, numbers by value. For files a test leaves behind,
 * judged by the grader rather than by the learner's own reader.
 */
#ifndef GRADER_JSONDIFF_H
#define GRADER_JSONDIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/*
 * True when got means what want means. Otherwise msg receives where they
 * first differ ("[3].email: expected \"a@b\", got \"a@c\"") or why got is
 * not JSON: each must be exactly one JSON value, with nothing but JSON
 * whitespace around it (no second value, no NUL, no other bytes after it).
 * want is trusted (the reference's); got is not.
 */
bool json_equal(const char *want, size_t wlen, const char *got, size_t glen,
		struct strbuf *msg);

#endif /* GRADER_JSONDIFF_H */
