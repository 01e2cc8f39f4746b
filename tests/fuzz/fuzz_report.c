/*
 * fuzz_report.c: every report writer fed hostile strings. The input fills a
 * struct report: fields split on NUL bytes, a few bytes for statuses and
 * numbers. What a learner controls (compile output, messages, program
 * output, the submission's name in a batch) gets the raw bytes; what an
 * instructor writes (test names, hints, titles) gets them made printable.
 *
 * Properties, for every format in the report_format table: no writer
 * crashes or fails; the output is valid UTF-8 with no control byte but
 * '\n' and '\t' (no escape sequence, no carriage return to overwrite a
 * line; the human format with colour excepted; DEL allowed in json) and
 * no CI log command ("##[", "##vso[", or a "::" line that is not one of
 * the workflow commands the writers emit); json and gradescope parse, and
 * the json report carries each learner string intact when it is plain
 * text, as valid UTF-8 otherwise.
 */
#include <cjson/cJSON.h>
#include <string.h>

#include "fuzz_common.h"
#include "report.h"

#define MAX_TESTS 8

/* Instructor text: printable ASCII, and none of the markers checked below. */
static char *trusted(struct fuzz_reader *r)
{
	char *s = fuzz_take_string(r);
	size_t i;

	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f || s[i] == '#' ||
		    s[i] == ':')
			s[i] = '?';
	return s;
}

static void fill(struct report *r, const uint8_t *data, size_t size)
{
	struct fuzz_reader rd = {data, size};
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

/*
 * Whether a report carries s as got: exactly, when s is plain text (valid
 * UTF-8, no control byte but '\n' and '\t'); else as some valid UTF-8.
 */
static bool same_text(const char *got, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\t') || s[i] == 0x7f)
			break;
	if (i == n && fuzz_utf8_valid((const unsigned char *)s, n))
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
	FUZZ_ASSERT(same_text(cJSON_GetObjectItem(root, "submission")->valuestring, r->submission));
	FUZZ_ASSERT(same_text(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(root, "compile"), "output")->valuestring,
	    r->compile_output));
	tests = cJSON_GetObjectItem(root, "tests");
	FUZZ_ASSERT(cJSON_GetArraySize(tests) == (int)r->ntests);
	cJSON_ArrayForEach(t, tests)
	{
		FUZZ_ASSERT(
		    same_text(cJSON_GetObjectItem(t, "message")->valuestring, r->tests[i].message));
		FUZZ_ASSERT(
		    same_text(cJSON_GetObjectItem(t, "output")->valuestring, r->tests[i].output));
		i++;
	}
	cJSON_Delete(root);
	free(text);
}

/*
 * A line starting with "::" is a GitHub workflow command. The writers emit
 * only these; any other (::set-output, ::add-mask, ::stop-commands) could
 * only come from learner text that started a line.
 */
static void check_command(const char *name, const char *cmd, size_t len)
{
	static const char *const known[] = {"error", "warning",	 "notice",
					    "group", "endgroup", "debug"};
	size_t n = strcspn(cmd, " :\n"), k;

	if (n > len)
		n = len;
	for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
		if (n == strlen(known[k]) && !memcmp(cmd, known[k], n))
			return;
	fprintf(stderr, "format %s: a workflow command the writer never emits: ::%.*s\n", name,
		(int)n, cmd);
	FUZZ_ASSERT(!"a workflow command from learner text");
}

static void check_text(const char *name, const char *text, size_t len, bool color)
{
	const unsigned char *u = (const unsigned char *)text;
	bool data = !strcmp(name, "json") || !strcmp(name, "gradescope");
	size_t i;

	FUZZ_ASSERT(fuzz_utf8_valid(u, len));
	if (strstr(text, "##[") || strstr(text, "##vso[")) {
		const char *at = strstr(text, "##[") ? strstr(text, "##[") : strstr(text, "##vso[");
		const char *from = at - text > 60 ? at - 60 : text;

		fprintf(stderr, "format %s: a CI log command in: %.80s\n", name, from);
		FUZZ_ASSERT(!"\"##[\" in a report");
	}
	for (i = 0; i < len; i++) {
		if (color && u[i] == 0x1b && !strcmp(name, "human"))
			continue;
		/* JSON escapes C0 controls and may carry DEL as it is (RFC 8259). */
		if ((u[i] < 0x20 && u[i] != '\n' && u[i] != '\t') || (u[i] == 0x7f && !data)) {
			fprintf(stderr, "format %s: byte 0x%02x at %zu\n", name, u[i], i);
			FUZZ_ASSERT(!"a control byte in a report");
		}
		if ((i == 0 || u[i - 1] == '\n') && u[i] == ':' && i + 1 < len && u[i + 1] == ':')
			check_command(name, text + i + 2, len - i - 2);
	}
}

static void check_formats(const struct report *r, bool color)
{
	const char *p = report_format_names;

	while (*p) {
		char name[32];
		size_t n = strcspn(p, ", ");
		const struct report_format *fmt;
		/* With colour, also an exercise's weight (junit's weighted properties). */
		struct report_opts o = {.color = color, .weight = color ? 0.3333 : 0};
		char *text = NULL;
		size_t len = 0;
		FILE *f;

		FUZZ_ASSERT(n < sizeof(name));
		memcpy(name, p, n);
		name[n] = '\0';
		p += n;
		p += strspn(p, ", ");
		fmt = report_format_find(name);
		FUZZ_ASSERT(fmt != NULL);
		f = open_memstream(&text, &len);
		FUZZ_ASSERT(f != NULL);
		FUZZ_ASSERT(fmt->write(r, f, &o) == 0);
		fclose(f);
		check_text(name, text, len, color);
		if (!strcmp(name, "json") || !strcmp(name, "gradescope")) {
			cJSON *root = cJSON_Parse(text);

			FUZZ_ASSERT(root != NULL);
			cJSON_Delete(root);
		}
		free(text);
	}
}

/* Gradescope's results.json of an assignment: the report twice, weighted. */
static void check_assignment(const struct report *r)
{
	const struct report *rs[2] = {r, r};
	const double weights[2] = {0.5, 0.3333};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cJSON *root;

	FUZZ_ASSERT(f != NULL);
	FUZZ_ASSERT(report_write_gradescope_assignment(rs, weights, 2, "fuzz", f) == 0);
	fclose(f);
	check_text("gradescope", text, len, false);
	root = cJSON_Parse(text);
	FUZZ_ASSERT(root != NULL);
	cJSON_Delete(root);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report r;

	fill(&r, data, size);
	check_json(&r);
	check_formats(&r, false);
	check_formats(&r, true);
	check_assignment(&r);
	report_release(&r);
	return 0;
}
