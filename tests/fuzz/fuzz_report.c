/*
 * fuzz_report.c: the report writers fed hostile strings. The input fills a
 * struct report: fields split on NUL bytes, a few bytes for statuses and
 * numbers. What a learner controls (compile output, messages, program
 * output, the submission's name in a batch) gets the raw bytes; what an
 * instructor writes (test names, hints, titles) gets them too, made
 * printable.
 *
 * Properties: no writer crashes; the json report is valid UTF-8, parses,
 * and carries each learner string (made valid UTF-8) intact; the human
 * report without colour holds no control byte but '\n' (no escape
 * sequence, no carriage return to overwrite a line) and is valid UTF-8.
 */
#include <cjson/cJSON.h>
#include <string.h>

#include "fuzz_common.h"
#include "report.h"

#define MAX_TESTS 8

/* Instructor text: printable ASCII and valid UTF-8 only. */
static char *trusted(struct fuzz_reader *r)
{
	char *s = fuzz_take_string(r);
	size_t i;

	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			s[i] = '?';
	return s;
}

static void fill(struct report *r, const uint8_t *data, size_t size)
{
	struct fuzz_reader rd = { data, size };
	size_t i;

	memset(r, 0, sizeof(*r));
	r->exercise = trusted(&rd);
	r->title = trusted(&rd);
	r->submission = fuzz_take_string(&rd);
	r->sha256 = trusted(&rd);
	r->compiled = fuzz_take_byte(&rd) & 1;
	r->compile_output = fuzz_take_string(&rd);
	r->seed = (uint64_t)fuzz_take_byte(&rd) << 56 | fuzz_take_byte(&rd);
	r->spec_hash = trusted(&rd);
	r->compiler = trusted(&rd);
	r->delivery_id = trusted(&rd);
	r->timestamp = trusted(&rd);
	r->ntests = fuzz_take_byte(&rd) % (MAX_TESTS + 1);
	r->tests = calloc(r->ntests + 1, sizeof(*r->tests));
	for (i = 0; i < r->ntests; i++) {
		struct test_report *t = &r->tests[i];
		unsigned b = fuzz_take_byte(&rd);

		t->name = trusted(&rd);
		t->status = (enum test_status)(b % (ST_SKIPPED + 1));
		t->visibility = (enum visibility)((b >> 4) % 3);
		t->accounting = b & 0x80;
		t->max_score = (int)fuzz_take_byte(&rd);
		t->score = t->status == ST_PASSED ? t->max_score : 0;
		t->time_ms = fuzz_take_byte(&rd) * 10.5;
		t->memory_kb = (long)fuzz_take_byte(&rd) << 10;
		t->injections = (int)fuzz_take_byte(&rd);
		t->message = fuzz_take_string(&rd);
		t->hint = trusted(&rd);
		t->output = fuzz_take_string(&rd);
		r->score += t->score;
		r->max_score += t->max_score;
	}
	r->nlayers = 2;
	r->layers = calloc(2, sizeof(char *));
	r->layers[0] = strdup("seccomp");
	r->layers[1] = trusted(&rd);
}

/* The string a report must carry for s: s, with invalid UTF-8 replaced. */
static bool same_text(const char *got, const char *s)
{
	size_t n = strlen(s);

	if (fuzz_utf8_valid((const unsigned char *)s, n))
		return !strcmp(got, s);
	return fuzz_utf8_valid((const unsigned char *)got, strlen(got));
}

static void check_json(const struct report *r)
{
	char *text = report_json(r);
	cJSON *root, *tests, *t;
	size_t i = 0;

	FUZZ_ASSERT(fuzz_utf8_valid((const unsigned char *)text, strlen(text)));
	root = cJSON_Parse(text);
	FUZZ_ASSERT(root != NULL);
	FUZZ_ASSERT(same_text(cJSON_GetObjectItem(root, "submission")->valuestring,
			      r->submission));
	FUZZ_ASSERT(same_text(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "compile"),
						  "output")->valuestring,
			      r->compile_output));
	tests = cJSON_GetObjectItem(root, "tests");
	FUZZ_ASSERT(cJSON_GetArraySize(tests) == (int)r->ntests);
	cJSON_ArrayForEach(t, tests) {
		FUZZ_ASSERT(same_text(cJSON_GetObjectItem(t, "message")->valuestring,
				      r->tests[i].message));
		FUZZ_ASSERT(same_text(cJSON_GetObjectItem(t, "output")->valuestring,
				      r->tests[i].output));
		i++;
	}
	cJSON_Delete(root);
	free(text);
}

static void check_human(const struct report *r, bool color)
{
	char *text = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);

	FUZZ_ASSERT(f != NULL);
	FUZZ_ASSERT(report_write_human(r, f, color) == 0);
	fclose(f);
	if (!color) {
		const unsigned char *u = (const unsigned char *)text;

		FUZZ_ASSERT(fuzz_utf8_valid(u, len));
		for (i = 0; i < len; i++)
			FUZZ_ASSERT(u[i] == '\n' || (u[i] >= 0x20 && u[i] != 0x7f));
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report r;

	fill(&r, data, size);
	check_json(&r);
	check_human(&r, false);
	check_human(&r, true);
	report_release(&r);
	return 0;
}
