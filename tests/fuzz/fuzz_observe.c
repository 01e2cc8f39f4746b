/*
 * fuzz_observe.c: the observation stream a sandboxed program writes on
 * fd 3, parsed and compared (grader/observe.c). The input is split in two
 * streams, "want" and "got"; the first two bytes say where.
 *
 * Properties: parsing never reads past the buffer; a stream equals itself;
 * a difference message is valid UTF-8 and holds no control byte but '\n'.
 */
#include <string.h>

#include "fuzz_common.h"
#include "observe.h"
#include "strbuf.h"

static void check_message(const struct strbuf *msg)
{
	const unsigned char *u = (const unsigned char *)strbuf_str(msg);
	size_t i;

	FUZZ_ASSERT(fuzz_utf8_valid(u, msg->len));
	for (i = 0; i < msg->len; i++)
		FUZZ_ASSERT(u[i] == '\n' || (u[i] >= 0x20 && u[i] != 0x7f));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct obs want, got, again;
	struct strbuf msg = STRBUF_INIT;
	size_t split, i;
	char *a, *b, *c;

	if (size < 2)
		return 0;
	split = ((size_t)data[0] << 8 | data[1]) % (size - 1);
	data += 2;
	size -= 2;
	/* Exact-size copies, so that ASan sees a read past either end. */
	a = malloc(split + 1);
	b = malloc(size - split + 1);
	c = malloc(size - split + 1);
	if (!a || !b || !c)
		abort();
	memcpy(a, data, split);
	memcpy(b, data + split, size - split);
	memcpy(c, data + split, size - split);

	obs_parse(a, split, &want);
	obs_parse(b, size - split, &got);
	obs_parse(c, size - split, &again);
	for (i = 0; i < got.n; i++)
		FUZZ_ASSERT(strchr(got.lines[i], '\n') == NULL);
	FUZZ_ASSERT(obs_equal(&got, &again, &msg));
	FUZZ_ASSERT(msg.len == 0);
	if (!obs_equal(&want, &got, &msg))
		check_message(&msg);
	else
		FUZZ_ASSERT(want.n == got.n);

	strbuf_release(&msg);
	obs_release(&want);
	obs_release(&got);
	obs_release(&again);
	free(a);
	free(b);
	free(c);
	return 0;
}
