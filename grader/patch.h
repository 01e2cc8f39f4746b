/*
 * patch.h: applying a unified diff (diff -u) to one file's text, strictly.
 *
 * A known mistake of an exercise is a small diff against its reference.c,
 * applied when the exercise is loaded. Strictly means: every hunk applies
 * exactly where its header says, with no fuzz (each context and removed
 * line equals the text's line at that place, end of line included) and no
 * offset (its line numbers are the text's, counting what the hunks before
 * it added and removed); hunks come in order, and each holds exactly the
 * lines its header counts. Anything else is an error that says which hunk
 * and why, never a guess.
 *
 * The patch is read as untrusted input: numbers are bounded and checked
 * against the text, counts against the lines that follow, nothing is sized
 * by what a header claims, and a malformed patch is an error, not a crash.
 *
 * The layout accepted is GNU diff's and git's: any text before the first
 * line that starts with "--- " (the description, which patch tools ignore),
 * then "--- " and "+++ " lines (their file names are not read), then one or
 * more hunks: "@@ -a[,b] +c[,d] @@" with optional text after it, and lines
 * that start with ' ' (context; an empty line counts as an empty context
 * line), '-' (removed), '+' (added) or '\' ("\ No newline at end of file":
 * the line before it has no newline). One file only.
 */
#ifndef GRADER_PATCH_H
#define GRADER_PATCH_H

#include <stddef.h>

#include "strbuf.h"

/* Numbers in a hunk header have at most this many digits. */
#define PATCH_MAX_DIGITS 9

/*
 * The length of the patch's description: the bytes before its first line
 * that starts with "--- " (all of it when there is none).
 */
size_t patch_header_len(const char *patch, size_t len);

/*
 * Applies patch (patch_len bytes) to text (text_len bytes) and appends the
 * result to out. text_name names the text in messages ("reference.c").
 * Returns 0, or -EINVAL with err set to why, naming the hunk ("hunk 2
 * (@@ -10,6 +10,7 @@): ...") or the patch's line; out then holds part of
 * a result, which the caller discards.
 */
int patch_apply(const char *patch, size_t patch_len, const char *text, size_t text_len,
		const char *text_name, struct strbuf *out, struct strbuf *err);

#endif /* GRADER_PATCH_H */
