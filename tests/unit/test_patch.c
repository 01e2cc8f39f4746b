/*
 * test_patch.c: the strict unified-diff applier (grader/patch.c), on
 * patches as diff writes them and on malformed and hostile ones.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "patch.h"
#include "strbuf.h"
#include "util.h"

static const char abc[] = "one\ntwo\nthree\nfour\nfive\nsix\nseven\n";

/* Applies patch to text; returns the status, the result or the error in *got. */
static int apply(const char *text, const char *patch, struct strbuf *got)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	int ret = patch_apply(patch, strlen(patch), text, strlen(text), "reference.c", &out,
			      &err);

	strbuf_reset(got);
	strbuf_addstr(got, strbuf_str(ret ? &err : &out));
	if (ret && !err.len)
		strbuf_addstr(got, "(an error without a message)");
	strbuf_release(&out);
	strbuf_release(&err);
	return ret;
}

#define APPLIES(text, patch, want)                                     \
	do {                                                           \
		struct strbuf g_ = STRBUF_INIT;                        \
		CHECK_EQ(apply(text, patch, &g_), 0);                  \
		CHECK_STR(g_.buf, want);                               \
		strbuf_release(&g_);                                   \
	} while (0)

#define REFUSES(text, patch, why)                                      \
	do {                                                           \
		struct strbuf g_ = STRBUF_INIT;                        \
		CHECK_EQ(apply(text, patch, &g_), -EINVAL);            \
		CHECK_CONTAINS(g_.buf, why);                           \
		strbuf_release(&g_);                                   \
	} while (0)

static void test_applies(void)
{
	/* As diff -u writes it, with a description before it. */
	APPLIES(abc,
		"Wrong: the third line is shouted.\n"
		"--- reference.c\t2026-01-01 00:00:00\n"
		"+++ mistakes/x.c\t2026-01-01 00:00:00\n"
		"@@ -1,5 +1,5 @@\n"
		" one\n two\n-three\n+THREE\n four\n five\n",
		"one\ntwo\nTHREE\nfour\nfive\nsix\nseven\n");
	/* Two hunks, the second placed after what the first added; a heading. */
	APPLIES(abc,
		"--- a/reference.c\n+++ b/reference.c\n"
		"@@ -1,2 +1,3 @@\n one\n+one and a half\n two\n"
		"@@ -6,2 +7,1 @@ int main(void)\n six\n-seven\n",
		"one\none and a half\ntwo\nthree\nfour\nfive\nsix\n");
	/* Without context (diff -U0): an insertion names the line it follows. */
	APPLIES(abc, "--- a\n+++ b\n@@ -0,0 +1 @@\n+zero\n",
		"zero\none\ntwo\nthree\nfour\nfive\nsix\nseven\n");
	APPLIES(abc, "--- a\n+++ b\n@@ -7,0 +8,2 @@\n+eight\n+nine\n",
		"one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\n");
	APPLIES(abc, "--- a\n+++ b\n@@ -2,5 +1,0 @@\n-two\n-three\n-four\n-five\n-six\n",
		"one\nseven\n");
	APPLIES("a\n", "--- a\n+++ b\n@@ -1 +0,0 @@\n-a\n", "");
	APPLIES("", "--- a\n+++ b\n@@ -0,0 +1 @@\n+a\n", "a\n");
	/* An empty line stands for an empty context line whose blank was trimmed. */
	APPLIES("a\n\nb\n", "--- a\n+++ b\n@@ -1,3 +1,3 @@\n a\n\n-b\n+B\n", "a\n\nB\n");
	/* A patch file that does not end with a newline after its marker. */
	APPLIES("a\nb", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
		"+c\n\\ No newline at end of file", "a\nc");
}

static void test_no_newline_markers(void)
{
	/* The last line gains a newline, loses it, keeps lacking it. */
	APPLIES("a\nb", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
		"+b\n", "a\nb\n");
	APPLIES("a\nb\n", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n"
		"\\ No newline at end of file\n", "a\nb");
	APPLIES("a\nb", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n-a\n+A\n b\n"
		"\\ No newline at end of file\n", "A\nb");
	/* The marker on a line that is not the text's last: the newlines differ. */
	REFUSES("a\nb\n", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n"
		"\\ No newline at end of file\n+c\n", "differ in their newline");
	/* No marker where the text's last line has no newline. */
	REFUSES("a\nb", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n",
		"differ in their newline");
	/* A line added without a newline, with more lines after it. */
	REFUSES("a\nb\nc\n", "--- a\n+++ b\n@@ -1 +1 @@\n-a\n+A\n"
		"\\ No newline at end of file\n", "more lines follow it");
	REFUSES("a\nb\n", "--- a\n+++ b\n@@ -1,2 +1,4 @@\n a\n+x\n"
		"\\ No newline at end of file\n+y\n b\n", "more lines follow it");
	/* Lines added after a last line that has no newline, without saying so. */
	REFUSES("a\nb", "--- a\n+++ b\n@@ -2,0 +3 @@\n+c\n", "the last line of reference.c");
	/* Markers that follow nothing, twice, or an empty line. */
	REFUSES("a\n", "--- a\n+++ b\n@@ -1 +1 @@\n\\ No newline at end of file\n-a\n+b\n",
		"follows no line");
	REFUSES("a", "--- a\n+++ b\n@@ -1 +1 @@\n-a\n\\ No newline\n\\ No newline\n+b\n",
		"follows no line");
	REFUSES("a\n\n", "--- a\n+++ b\n@@ -2 +2 @@\n-\n\\ No newline\n+b\n",
		"an empty line cannot lack");
}

static void test_malformed(void)
{
	REFUSES(abc, "", "not a unified diff");
	REFUSES(abc, "Only a description.\n", "not a unified diff");
	REFUSES(abc, "--- a\n", "line 2 of the patch: expected a '+++ ' line");
	REFUSES(abc, "text\n--- a\n@@ -1 +1 @@\n", "line 3 of the patch: expected a '+++ ' line");
	REFUSES(abc, "--- a\n+++ b\n", "no hunk");
	REFUSES(abc, "--- a\n+++ b\n@@ -1 +1\n-one\n+ONE\n", "expected a hunk header");
	REFUSES(abc, "--- a\n+++ b\n@@ -x +1 @@\n-one\n+ONE\n", "expected a hunk header");
	REFUSES(abc, "--- a\n+++ b\n@@ -1 +1 @@x\n-one\n+ONE\n", "expected a hunk header");
	REFUSES(abc, "--- a\n+++ b\n@@ -1,-1 +1 @@\n-one\n+ONE\n", "expected a hunk header");
	REFUSES(abc, "--- a\n+++ b\n@@ -1 +1 @@\r\n-one\n+ONE\n", "expected a hunk header");
	REFUSES(abc, "--- a\n+++ b\ngarbage\n", "line 3 of the patch: expected a hunk header");
	/* Text after the last hunk. */
	REFUSES(abc, "--- a\n+++ b\n@@ -1 +1 @@\n-one\n+ONE\n-- \n2.39\n",
		"line 6 of the patch: expected a hunk header");
	/* A second file. */
	REFUSES(abc, "--- a\n+++ b\n@@ -1 +1 @@\n-one\n+ONE\n--- c\n+++ d\n@@ -1 +1 @@\n-a\n+b\n",
		"a second file");
	REFUSES(abc, "--- a\n+++ b\n@@ -1 +1 @@\n one\n", "changes nothing");
	REFUSES(abc, "--- a\n+++ b\n@@ -1,0 +1,0 @@\n", "changes nothing");
	/* Cut short in the middle of a line. */
	REFUSES(abc, "--- a\n+++ b\n@@ -1 +1 @@\n-one\n+ONE", "ends in the middle of a line");
	REFUSES("one", "--- a\n+++ b\n@@ -1 +1 @@\n-one", "ends in the middle of a line");
}

static void test_counts_that_lie(void)
{
	/* Fewer lines than counted, at the end of the patch or before the next hunk. */
	REFUSES(abc, "--- a\n+++ b\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n",
		"the patch ends after 2 of its 3 old lines and 2 of its 3 new lines");
	REFUSES(abc, "--- a\n+++ b\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n@@ -5 +5 @@\n-five\n+5\n",
		"found the next hunk");
	/* More lines than counted. */
	REFUSES(abc, "--- a\n+++ b\n@@ -1 +1 @@\n-one\n-two\n+ONE\n", "more old lines");
	REFUSES(abc, "--- a\n+++ b\n@@ -1 +1 @@\n-one\n+ONE\n+TWO\n", "expected a hunk header");
	REFUSES(abc, "--- a\n+++ b\n@@ -1,2 +1 @@\n+ONE\n+TWO\n-one\n-two\n", "more new lines");
	/* Counts far beyond the patch are not trusted for anything, memory included. */
	REFUSES(abc, "--- a\n+++ b\n@@ -1,999999999 +1,999999999 @@\n-one\n+ONE\n",
		"the patch ends after 1 of its 999999999 old lines");
}

static void test_numbers(void)
{
	REFUSES(abc, "--- a\n+++ b\n@@ -1234567890 +1 @@\n-one\n+ONE\n", "at most 9 digits");
	REFUSES(abc, "--- a\n+++ b\n@@ -1 +18446744073709551617 @@\n-one\n+ONE\n",
		"at most 9 digits");
	REFUSES(abc, "--- a\n+++ b\n@@ -999999999 +999999999 @@\n-one\n+ONE\n",
		"past the end of reference.c, which has 7 lines");
	REFUSES(abc, "--- a\n+++ b\n@@ -7,2 +7,2 @@\n-seven\n-eight\n+7\n+8\n",
		"past the end of reference.c");
	REFUSES(abc, "--- a\n+++ b\n@@ -8,0 +8 @@\n+eight\n", "past the end");
	REFUSES(abc, "--- a\n+++ b\n@@ -0 +0 @@\n-one\n+ONE\n", "cannot start at line 0");
	REFUSES(abc, "--- a\n+++ b\n@@ -1 +0 @@\n-one\n+ONE\n", "cannot start at line 0");
}

static void test_strict_position(void)
{
	/* Context that does not match: the hunk, both line numbers and both texts. */
	REFUSES(abc, "--- a\n+++ b\n@@ -1,3 +1,3 @@\n one\n-TWO\n+2\n three\n",
		"hunk 1 (@@ -1,3 +1,3 @@): line 2 of reference.c does not match line 5 of "
		"the patch: reference.c has 'two', the patch 'TWO'");
	/* The right lines one line off: no offset is tolerated ... */
	REFUSES(abc, "--- a\n+++ b\n@@ -2,3 +2,3 @@\n one\n-two\n+2\n three\n",
		"line 2 of reference.c does not match");
	/* ... not in the new line numbers either. */
	REFUSES(abc, "--- a\n+++ b\n@@ -1,3 +2,3 @@\n one\n-two\n+2\n three\n",
		"its new line number is 2, but the hunks before it put it at 1");
	REFUSES(abc, "--- a\n+++ b\n@@ -1,2 +1,3 @@\n one\n+1.5\n two\n"
		"@@ -5 +5 @@\n-five\n+5\n", "its new line number is 5, but the hunks before it "
		"put it at 6");
	/* Hunks out of order or overlapping. */
	REFUSES(abc, "--- a\n+++ b\n@@ -5 +5 @@\n-five\n+5\n@@ -1 +1 @@\n-one\n+1\n",
		"hunk 2 (@@ -1 +1 @@): it starts inside or before the hunk before it");
	REFUSES(abc, "--- a\n+++ b\n@@ -1,2 +1,2 @@\n-one\n+1\n two\n@@ -2 +2 @@\n-two\n+2\n",
		"hunk 2 (@@ -2 +2 @@): it starts inside or before");
	/* Less context on one side anchors the hunk to that end of the file (patch(1)). */
	REFUSES(abc, "--- a\n+++ b\n@@ -2,2 +2,2 @@\n-two\n+2\n three\n",
		"must start at line 1");
	REFUSES(abc, "--- a\n+++ b\n@@ -1,2 +1,2 @@\n one\n-two\n+2\n",
		"must end at the last line of reference.c, which has 7 lines");
	APPLIES(abc, "--- a\n+++ b\n@@ -6,2 +6,2 @@\n six\n-seven\n+7\n",
		"one\ntwo\nthree\nfour\nfive\nsix\n7\n");
	/* Carriage returns are bytes like any other: a CRLF patch does not match. */
	REFUSES(abc, "--- a\n+++ b\n@@ -1 +1 @@\n-one\r\n+ONE\r\n", "does not match");
}

static void test_hostile(void)
{
	static const char patch[] = "--- a\n+++ b\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n"
				    "\\ No newline at end of file\n@@ -7 +7 @@\n-seven\n+7\n";
	uint64_t x = 88172645463325252ULL;
	size_t i;

	{
		static const char nul[] = "--- a\n+++ b\n@@ -1 +1 @@\n-o\0ne\n+x\n";
		struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

		CHECK_EQ(patch_apply(nul, sizeof(nul) - 1, abc, strlen(abc), "reference.c", &out,
				     &err), -EINVAL);
		CHECK_CONTAINS(err.buf, "NUL byte");
		strbuf_release(&out);
		strbuf_release(&err);
	}
	/*
	 * Every prefix of a patch, and many with one byte changed, against
	 * the text and a text without a newline at its end: 0 or -EINVAL with
	 * a message, never a crash (ci/sanitize.sh runs this under ASan).
	 */
	for (i = 0; i < 20000; i++) {
		struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
		char buf[sizeof(patch)];
		size_t len = sizeof(patch) - 1;
		const char *text = i & 1 ? abc : "one\ntwo\nthree";
		int ret;

		memcpy(buf, patch, sizeof(patch));
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (i < len)
			len = i;
		else
			buf[x % len] = "\n\\ -+@,0123456789a\0"[(x >> 32) % 20];
		ret = patch_apply(buf, len, text, strlen(text), "reference.c", &out, &err);
		CHECK(ret == 0 || ret == -EINVAL);
		CHECK(ret == 0 || err.len > 0);
		strbuf_release(&out);
		strbuf_release(&err);
	}
}

static void test_header(void)
{
	static const char p[] = "Wrong: says so.\nSecond line.\n--- a\n+++ b\n";

	CHECK_EQ(patch_header_len(p, strlen(p)), 29);
	CHECK_EQ(patch_header_len("--- a\n", 6), 0);
	CHECK_EQ(patch_header_len("no diff\n", 8), 8);
	/* "---" alone or "----" does not start the diff. */
	CHECK_EQ(patch_header_len("---\n----\n--- a\n", 15), 9);
}

int main(void)
{
	test_applies();
	test_no_newline_markers();
	test_malformed();
	test_counts_that_lie();
	test_numbers();
	test_strict_position();
	test_hostile();
	test_header();
	CHECK_DONE();
}
