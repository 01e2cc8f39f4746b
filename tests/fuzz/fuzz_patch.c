/*
 * fuzz_patch.c: the strict unified-diff applier (grader/patch.c) on
 * hostile patches. The input is a text, a NUL byte, then a patch (no NUL:
 * all of it is the patch, applied to a small fixed text).
 *
 * Properties: it returns 0 or -EINVAL and never reads past either buffer
 * (exact-size copies, for ASan); a refusal says why, in printable UTF-8 on
 * one line; a patch that applies gives the same result twice.
 */
#include <errno.h>
#include <string.h>

#include "fuzz_common.h"
#include "patch.h"
#include "strbuf.h"

static const char fixed[] = "one\ntwo\nthree\nfour\nfive\nsix\nseven\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t text_len = nul ? (size_t)(nul - data) : sizeof(fixed) - 1;
	size_t patch_len = nul ? size - text_len - 1 : size;
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT, err = STRBUF_INIT;
	char *text = malloc(text_len ? text_len : 1), *patch = malloc(patch_len ? patch_len : 1);
	int ret;

	if (!text || !patch)
		abort();
	memcpy(text, nul ? (const char *)data : fixed, text_len);
	memcpy(patch, nul ? nul + 1 : data, patch_len);

	ret = patch_apply(patch, patch_len, text, text_len, "reference.c", &out, &err);
	FUZZ_ASSERT(ret == 0 || ret == -EINVAL);
	if (ret) {
		const unsigned char *u = (const unsigned char *)strbuf_str(&err);
		size_t i;

		FUZZ_ASSERT(err.len > 0);
		FUZZ_ASSERT(fuzz_utf8_valid(u, err.len));
		for (i = 0; i < err.len; i++)
			FUZZ_ASSERT(u[i] >= 0x20 && u[i] != 0x7f);
	} else {
		strbuf_reset(&err);
		FUZZ_ASSERT(patch_apply(patch, patch_len, text, text_len, "reference.c", &again,
					&err) == 0);
		FUZZ_ASSERT(again.len == out.len && !memcmp(again.buf, out.buf, out.len));
	}
	FUZZ_ASSERT(patch_header_len(patch, patch_len) <= patch_len);

	strbuf_release(&out);
	strbuf_release(&again);
	strbuf_release(&err);
	free(text);
	free(patch);
	return 0;
}
