/*
 * test_grader_modules.c: the grader's modules that need no sandbox.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "jsondiff.h"
#include "observe.h"
#include "sha256.h"
#include "spec.h"
#include "strbuf.h"
#include "util.h"

static void test_sha256(void)
{
	char hex[65];

	sha256_hex("", 0, hex);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* RFC 4231, test case 2. */
	hmac_sha256_hex("Jefe", 4, "what do ya want for nothing?", 28, hex);
	CHECK_STR(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void test_visible(void)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add_visible(&sb, "a b\t\x01 ", 6, 100);
	CHECK_STR(sb.buf, "a b\\t\\x01\\x20");
	strbuf_reset(&sb);
	strbuf_add_visible(&sb, "abcdef", 6, 3);
	CHECK_STR(sb.buf, "abc... (3 more bytes)");
	strbuf_reset(&sb);
	strbuf_add_visible(&sb, "caf\xc3\xa9 \xff", 7, 100);
	CHECK_STR(sb.buf, "caf\xc3\xa9 \\xff");
	strbuf_release(&sb);
}

static void test_observe(void)
{
	char a[] = "x=1\n!allocs 7\ny=2\nend\nafter\n", b[] = "x=1\ny=3 \nend\n";
	char c[] = "x=1\n!fail size 3 > capacity 2\ny=2\n";
	struct obs oa, ob, oc;
	struct strbuf msg = STRBUF_INIT;

	obs_parse(a, sizeof(a) - 1, &oa);
	obs_parse(b, sizeof(b) - 1, &ob);
	obs_parse(c, sizeof(c) - 1, &oc);
	CHECK_EQ(oa.n, 2);
	CHECK(oa.ended);
	CHECK(oa.has_allocs);
	CHECK_EQ(oa.allocs, 7);
	CHECK(!oc.ended);
	CHECK_STR(oc.fail, "size 3 > capacity 2");
	CHECK(obs_equal(&oa, &oa, &msg));
	CHECK(!obs_equal(&oa, &ob, &msg));
	CHECK_CONTAINS(msg.buf, "observation 2 of 2");
	CHECK_CONTAINS(msg.buf, "expected: y=2");
	CHECK_CONTAINS(msg.buf, "got:      y=3\\x20");
	obs_release(&oa);
	obs_release(&ob);
	obs_release(&oc);
	strbuf_release(&msg);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* A malformed spec is an error naming the file and the field, never a crash. */
static void test_spec_errors(void)
{
	static const struct {
		const char *spec, *want;
	} cases[] = {
		{ "{", "not valid JSON" },
		{ "[]", "(top level): expected an object" },
		{ "{\"title\": 3}", "title: expected a string" },
		{ "{\"title\": \"t\", \"tests\": []}", "tests: expected an array of 1 to 500" },
		{ "{\"title\": \"t\", \"tests\": [{\"name\": \"a\"}]}", "tests[0].points: missing" },
		{ "{\"title\": \"t\", \"tests\": [{\"name\": \"a\", \"points\": -1}]}",
		  "tests[0].points: expected an integer from 1" },
		{ "{\"title\": \"t\", \"tests\": [{\"name\": \"a\", \"points\": 1}, "
		  "{\"name\": \"a\", \"points\": 1}]}", "tests[1].name: a test of that name" },
		{ "{\"title\": \"t\", \"tests\": [{\"name\": \"a\", \"points\": 1, "
		  "\"requires\": [\"b\"]}]}", "tests[0].requires: names a test" },
		{ "{\"title\": \"t\", \"tests\": [{\"name\": \"a\", \"points\": 1, "
		  "\"input\": \"../../etc/passwd\"}]}", "tests[0].input: expected a relative path" },
		{ "{\"title\": \"t\", \"limits\": {\"cpu_ms\": \"x\"}, \"tests\": "
		  "[{\"name\": \"a\", \"points\": 1}]}", "limits.cpu_ms: expected an integer" },
		{ "{\"title\": \"t\", \"tests\": [{\"name\": \"a\", \"points\": 1, "
		  "\"visibility\": \"secret\"}]}", "tests[0].visibility: expected" },
	};
	char dir[] = "/tmp/test-spec-XXXXXX";
	char path[256];
	size_t i;

	if (!mkdtemp(dir))
		return;
	snprintf(path, sizeof(path), "%s/ex", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/ex/ex.h", dir);
	write_text(path, "/* header */\n");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf err = STRBUF_INIT;
		struct exercise *ex = NULL;

		snprintf(path, sizeof(path), "%s/ex/spec.json", dir);
		write_text(path, cases[i].spec);
		CHECK_EQ(exercise_load(dir, "ex", &ex, &err), -EINVAL);
		CHECK_CONTAINS(err.buf, "spec.json");
		CHECK_CONTAINS(err.buf, cases[i].want);
		strbuf_release(&err);
	}
	{
		struct strbuf err = STRBUF_INIT;
		struct exercise *ex = NULL;

		CHECK_EQ(exercise_load(dir, "nope", &ex, &err), -ENOENT);
		CHECK_EQ(exercise_load(dir, "../ex", &ex, &err), -ENOENT);
		strbuf_release(&err);
	}
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	CHECK_EQ(system(path), 0);
}

static void test_jsondiff(void)
{
	static const char want[] = "[{\"user_id\": 1, \"name\": \"a\", \"roles\": [\"x\"]}]";
	static const struct {
		const char *got, *msg;
	} cases[] = {
		{ "[{\"name\": \"a\", \"roles\": [\"x\"], \"user_id\": 1.0}]", NULL },
		{ "[{\"user_id\": 2, \"name\": \"a\", \"roles\": [\"x\"]}]",
		  "[0].user_id: expected 1, got 2" },
		{ "[{\"user_id\": \"1\", \"name\": \"a\", \"roles\": [\"x\"]}]",
		  "[0].user_id: expected a number, got a string" },
		{ "[{\"user_id\": 1, \"name\": \"a\"}]", "[0].roles: missing" },
		{ "[{\"user_id\": 1, \"name\": \"a\", \"roles\": [\"x\"], \"id\": 1}]",
		  "[0].id: a key the expected document does not have" },
		{ "[{\"user_id\": 1, \"name\": \"a\", \"roles\": []}]",
		  "[0].roles: expected 1 elements, got 0" },
		{ "[{\"user_id\": 1, ", "not valid JSON" },
		{ "", "not valid JSON" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf msg = STRBUF_INIT;
		bool same = json_equal(want, strlen(want), cases[i].got, strlen(cases[i].got), &msg);

		CHECK_EQ(same, cases[i].msg == NULL);
		if (cases[i].msg)
			CHECK_CONTAINS(msg.buf, cases[i].msg);
		strbuf_release(&msg);
	}
}

int main(void)
{
	test_jsondiff();
	test_sha256();
	test_visible();
	test_observe();
	test_spec_errors();
	CHECK_DONE();
}
