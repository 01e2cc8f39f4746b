/*
 * test_grader_modules.c: the grader's modules that need no sandbox.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "digest.h"
#include "elfcheck.h"
#include "jsondiff.h"
#include "observe.h"
#include "ref-cache.h"
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

/*
 * The memory check's reports: the first "!sanitizer" line, before or after
 * "end" (a report at exit), and the last "!crash"; after "end", nothing
 * else is kept, and nothing of them is compared.
 */
static void test_observe_sanitizer(void)
{
	char a[] = "x=1\n!sanitizer asan heap-buffer-overflow read 8\n!crash 0 10 20 0 1 30\n"
		   "!sanitizer ubsan forged 1 1 f.c\nend\n";
	char b[] = "x=1\nend\ny=2\n!sanitizer ubsan signed-integer-overflow 12 5 lru.c\n"
		   "!crash 0 0 20 0 1 30\n!fail late\n";
	char c[] = "x=1\nend\n";
	struct obs oa, ob, oc;
	struct strbuf msg = STRBUF_INIT;

	obs_parse(a, sizeof(a) - 1, &oa);
	obs_parse(b, sizeof(b) - 1, &ob);
	obs_parse(c, sizeof(c) - 1, &oc);
	CHECK_STR(oa.sanitizer, "asan heap-buffer-overflow read 8");
	CHECK_STR(oa.crash, "0 10 20 0 1 30");
	CHECK_STR(ob.sanitizer, "ubsan signed-integer-overflow 12 5 lru.c");
	CHECK_STR(ob.crash, "0 0 20 0 1 30");
	CHECK(ob.fail == NULL);
	CHECK_EQ(ob.n, 1);
	CHECK(oc.sanitizer == NULL);
	CHECK(obs_equal(&ob, &oc, &msg));
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

static void write_in(const char *dir, const char *name, const char *text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/ex/%s", dir, name);
	write_text(path, text);
}

/* Loads dir/ex with spec; returns exercise_load's status, the error in err. */
static int load_with(const char *dir, const char *spec, struct exercise **ex,
		     struct strbuf *err)
{
	write_in(dir, "spec.json", spec);
	strbuf_reset(err);
	*ex = NULL;
	return exercise_load(dir, "ex", ex, err);
}

#define SPEC_WITH(mistake)                                                       \
	"{\"title\": \"t\", \"tests\": [{\"name\": \"a\", \"points\": 1}], "        \
	"\"mistakes\": [{\"name\": \"m\", \"breaks\": [\"a\"], \"hint\": \"h\", " mistake "}]}"

/*
 * A mistake given as a patch is reference.c patched, at load time; one that
 * no longer applies fails the load naming the mistake and the hunk; the
 * exercise's hash (the build cache's key) covers the patched program.
 */
static void test_spec_mistakes(void)
{
	static const char patch[] = "Wrong: two is shouted.\n--- reference.c\n+++ reference.c\n"
				    "@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n";
	char dir[] = "/tmp/test-mistakes-XXXXXX";
	char path[256], hash[65];
	struct strbuf err = STRBUF_INIT;
	struct exercise *ex = NULL;

	if (!mkdtemp(dir))
		return;
	snprintf(path, sizeof(path), "%s/ex", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/ex/mistakes", dir);
	mkdir(path, 0755);
	write_in(dir, "ex.h", "/* header */\n");
	write_in(dir, "reference.c", "one\ntwo\nthree\n");
	write_in(dir, "mistakes/m.patch", patch);

	CHECK_EQ(load_with(dir, SPEC_WITH("\"patch\": \"mistakes/m.patch\""), &ex, &err), 0);
	if (ex) {
		CHECK_EQ(ex->nmistakes, 1);
		CHECK(ex->mistakes[0].patched);
		CHECK_STR(ex->mistakes[0].program, "one\nTWO\nthree\n");
		CHECK_EQ(ex->mistakes[0].program_len, 14);
		CHECK_CONTAINS(ex->mistakes[0].file, "/ex/mistakes/m.patch");
		CHECK(exercise_mistake(ex, "m") == &ex->mistakes[0]);
		CHECK(exercise_mistake(ex, "n") == NULL);
		memcpy(hash, ex->hash, sizeof(hash));
		exercise_free(ex);
	}
	/* The hash covers the program: not the patch's wording, but what it makes. */
	write_in(dir, "mistakes/m.patch", "Wrong: two in capitals.\n--- reference.c\n"
		 "+++ reference.c\n@@ -2 +2 @@\n-two\n+TWO\n");
	CHECK_EQ(load_with(dir, SPEC_WITH("\"patch\": \"mistakes/m.patch\""), &ex, &err), 0);
	if (ex) {
		CHECK_STR(ex->hash, hash);
		exercise_free(ex);
	}
	write_in(dir, "mistakes/m.patch", "Wrong: two capitalised.\n--- reference.c\n"
		 "+++ reference.c\n@@ -2 +2 @@\n-two\n+Two\n");
	CHECK_EQ(load_with(dir, SPEC_WITH("\"patch\": \"mistakes/m.patch\""), &ex, &err), 0);
	if (ex) {
		CHECK_STR(ex->mistakes[0].program, "one\nTwo\nthree\n");
		CHECK(strcmp(ex->hash, hash) != 0);
		exercise_free(ex);
	}
	write_in(dir, "mistakes/m.patch", patch);
	/* A whole-file mistake is its file. */
	write_in(dir, "mistakes/m.c", "int m;\n");
	CHECK_EQ(load_with(dir, SPEC_WITH("\"source\": \"mistakes/m.c\""), &ex, &err), 0);
	if (ex) {
		CHECK(!ex->mistakes[0].patched);
		CHECK_STR(ex->mistakes[0].program, "int m;\n");
		exercise_free(ex);
	}

	/* reference.c changed under the patch. */
	write_in(dir, "reference.c", "one\n2\nthree\n");
	CHECK_EQ(load_with(dir, SPEC_WITH("\"patch\": \"mistakes/m.patch\""), &ex, &err), -EINVAL);
	CHECK_CONTAINS(err.buf, "spec.json: mistakes[0].patch: mistake 'm': mistakes/m.patch "
			"does not apply to reference.c: hunk 1 (@@ -1,3 +1,3 @@): line 2 of "
			"reference.c does not match line 6 of the patch");
	write_in(dir, "reference.c", "one\ntwo\nthree\n");

	/* A patch without its description, both fields, neither, a path outside. */
	write_in(dir, "mistakes/m.patch", strstr(patch, "---"));
	CHECK_EQ(load_with(dir, SPEC_WITH("\"patch\": \"mistakes/m.patch\""), &ex, &err), -EINVAL);
	CHECK_CONTAINS(err.buf, "mistakes[0].patch: mistake 'm': mistakes/m.patch: expected a "
			"sentence or two before the first '---' line");
	CHECK_EQ(load_with(dir, SPEC_WITH("\"patch\": \"mistakes/m.patch\", "
					  "\"source\": \"mistakes/m.c\""), &ex, &err), -EINVAL);
	CHECK_CONTAINS(err.buf, "mistakes[0]: expected \"patch\" or \"source\", not both");
	CHECK_EQ(load_with(dir, SPEC_WITH("\"x\": 1"), &ex, &err), -EINVAL);
	CHECK_CONTAINS(err.buf, "mistakes[0].patch: missing");
	CHECK_EQ(load_with(dir, SPEC_WITH("\"patch\": \"../ex/mistakes/m.patch\""), &ex, &err),
		 -EINVAL);
	CHECK_CONTAINS(err.buf, "mistakes[0].patch: expected a relative path inside");
	CHECK_EQ(load_with(dir, SPEC_WITH("\"patch\": \"mistakes/none.patch\""), &ex, &err),
		 -EINVAL);
	CHECK_CONTAINS(err.buf, "mistakes[0].patch: no such file");
	CHECK_EQ(load_with(dir, SPEC_WITH("\"patch\": 3"), &ex, &err), -EINVAL);
	CHECK_CONTAINS(err.buf, "mistakes[0].patch: expected a string");

	strbuf_release(&err);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	CHECK_EQ(system(path), 0);
}

#define WANT_DOC "[{\"user_id\": 1, \"name\": \"a\", \"roles\": [\"x\"]}]"

static void test_jsondiff(void)
{
	static const char want[] = WANT_DOC;
	/* len 0: strlen(got); otherwise got holds a NUL. */
	static const struct {
		const char *got, *msg;
		size_t len;
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
		/* One document and JSON whitespace only: what follows it is not ignored. */
		{ " \t\r\n" WANT_DOC " \t\r\n", NULL },
		{ WANT_DOC "\n}]", "not valid JSON (3 bytes after the end of the JSON document, "
				  "at byte 45 of 48: \\n}])" },
		{ WANT_DOC "\n\0", "2 bytes after the end of the JSON document, at byte 45 of 47: "
				  "\\n\\x00)", sizeof(WANT_DOC "\n\0") - 1 },
		{ WANT_DOC WANT_DOC, "45 bytes after the end of the JSON document" },
		{ WANT_DOC "\f", "(1 byte after the end of the JSON document, at byte 45 of 46: "
				  "\\x0c)" },
		{ "\xef\xbb\xbf" WANT_DOC, "byte 0 of 48, 0xef, comes before the JSON document" },
		{ "\n\x01" WANT_DOC, "byte 1 of 47, 0x01, comes before the JSON document" },
		/* Control bytes cJSON lets pass: raw inside a string, or between values. */
		{ "[{\"user_id\": 1, \"name\": \"a\", \"roles\": [\"x\ny\"]}]",
		  "a raw control byte 0x0a inside a string, at byte 41 of 47" },
		{ "[{\"user_id\": 1, \"name\": \"a\\\"\t\", \"roles\": [\"x\"]}]",
		  "a raw control byte 0x09 inside a string, at byte 28" },
		{ "[{\"user_id\": 1,\x01 \"name\": \"a\", \"roles\": [\"x\"]}]",
		  "a raw control byte 0x01 between values, at byte 15 of 46" },
		{ "[{\"user_id\": 1, \"name\": \"a\\n\\\"\", \"roles\": [\"x\"]}]",
		  "[0].name: expected \"a\", got \"a\\n\\\"\"" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf msg = STRBUF_INIT;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].got);
		bool same = json_equal(want, strlen(want), cases[i].got, len, &msg);

		CHECK_EQ(same, cases[i].msg == NULL);
		if (cases[i].msg)
			CHECK_CONTAINS(msg.buf, cases[i].msg);
		strbuf_release(&msg);
	}
}

#undef WANT_DOC

/* A run as grade.c keeps one: a channel parsed in place, two files. */
static void fake_run(struct sandbox_result *res, struct obs *obs, struct strbuf **files,
		     bool **present, const char *channel)
{
	memset(res, 0, sizeof(*res));
	res->workdir_fd = -1;
	res->cpu_ms = 12.5;
	res->channel.data = xstrdup(channel);
	res->channel.len = strlen(channel);
	obs_parse(res->channel.data, res->channel.len, obs);
	*files = xcalloc(3, sizeof(struct strbuf));
	*present = xcalloc(2, sizeof(bool));
	strbuf_addstr(&(*files)[0], "[1, 2]");
	strbuf_grow(&(*files)[1], 0);
	(*present)[0] = true;
}

static void release_run(struct sandbox_result *res, struct obs *obs, struct strbuf *files,
			bool *present)
{
	size_t i;

	sandbox_result_release(res);
	obs_release(obs);
	for (i = 0; files && files[i].buf; i++)
		strbuf_release(&files[i]);
	free(files);
	free(present);
}

struct claimer {
	struct ref_cache *rc;
	const struct ref_key_parts *key;
	bool hit;
};

static void *claim_main(void *arg)
{
	struct claimer *c = arg;
	struct sandbox_result res;
	struct obs obs;
	struct strbuf *files = NULL;
	bool *present = NULL;
	struct ref_run out = { &res, &obs, &files, &present, 2 };

	c->hit = ref_cache_get(c->rc, c->key, &out);
	if (c->hit)
		release_run(&res, &obs, files, present);
	else
		ref_cache_drop(c->rc, c->key);
	return NULL;
}

/* The run fake_run made, as a hit gives it back. */
static void check_copy(const struct sandbox_result *got, const struct obs *gobs,
		       const struct strbuf *gfiles, const bool *gpresent)
{
	CHECK_EQ(gobs->n, 2);
	CHECK_STR(gobs->lines[1], "b");
	CHECK(gobs->lines[0] >= got->channel.data &&
	      gobs->lines[0] < got->channel.data + got->channel.len);
	CHECK(gobs->ended);
	CHECK_STR(gobs->fail, "half-linked");
	CHECK_STR(gfiles[0].buf, "[1, 2]");
	CHECK(gfiles[1].buf && !gfiles[2].buf);
	CHECK(gpresent[0] && !gpresent[1]);
	CHECK(got->cpu_ms == 12.5);
	CHECK_EQ(got->workdir_fd, -1);
}

static void test_ref_cache_keys(void)
{
	struct ref_key_parts parts = { "sort-users", "aa", "bb", "gcc 12.2.0", 7, "ties", NULL };
	char k1[65], k2[65];

	ref_cache_key(&parts, true, k1);
	parts.seed = 8;
	ref_cache_key(&parts, true, k2);
	CHECK(strcmp(k1, k2) != 0);
	/* Unseeded, the seed is not part of the key. */
	ref_cache_key(&parts, false, k1);
	parts.seed = 7;
	ref_cache_key(&parts, false, k2);
	CHECK_STR(k1, k2);
	ref_cache_key(&parts, true, k1);
	CHECK(strcmp(k1, k2) != 0);
	parts.compiler = "gcc 13.1.0";
	ref_cache_key(&parts, true, k2);
	CHECK(strcmp(k1, k2) != 0);
	parts.compiler = "gcc 12.2.0";
	ref_cache_key(&parts, true, k2);
	CHECK_STR(k1, k2);
	/* A known mistake's run of the same test is another entry. */
	parts.program = "unstable-sort";
	ref_cache_key(&parts, true, k2);
	CHECK(strcmp(k1, k2) != 0);
}

static void test_ref_cache(void)
{
	struct ref_key_parts parts = { "sort-users", "aa", "bb", "gcc 12.2.0", 7, "ties", NULL };
	struct ref_key_parts other = parts;
	struct ref_cache *rc = ref_cache_new(NULL);
	struct sandbox_result res, got;
	struct obs obs, gobs;
	struct strbuf *files, *gfiles = NULL;
	bool *present, *gpresent = NULL;
	struct ref_run run = { &res, &obs, &files, &present, 2 };
	struct ref_run out = { &got, &gobs, &gfiles, &gpresent, 2 };
	struct claimer waiter = { rc, &parts, false };
	size_t hits, stored, disk;
	pthread_t th;

	/* A miss is a claim: a second asker waits until it is settled. */
	CHECK(!ref_cache_get(rc, &parts, &out));
	CHECK_EQ(pthread_create(&th, NULL, claim_main, &waiter), 0);
	fake_run(&res, &obs, &files, &present, "a\n!fail half-linked\nb\nend\n");
	ref_cache_put(rc, &parts, &run);
	pthread_join(th, NULL);
	CHECK(waiter.hit);
	release_run(&res, &obs, files, present);

	/* A hit is a deep copy whose lines point into its own channel. */
	CHECK(ref_cache_get(rc, &parts, &out));
	check_copy(&got, &gobs, gfiles, gpresent);
	release_run(&got, &gobs, gfiles, gpresent);

	/* A dropped claim stores nothing: the next asker runs it. */
	other.test = "other";
	CHECK(!ref_cache_get(rc, &other, &out));
	ref_cache_drop(rc, &other);
	waiter.key = &other;
	claim_main(&waiter);
	CHECK(!waiter.hit);
	ref_cache_stats(rc, &hits, &stored, &disk);
	CHECK_EQ(hits, 2);
	CHECK_EQ(stored, 1);
	CHECK_EQ(disk, 0);

	/* A probe that passed is remembered for its parts only, and is no run. */
	CHECK(!ref_cache_probed(rc, &parts));
	ref_cache_set_probed(rc, &parts);
	CHECK(ref_cache_probed(rc, &parts));
	CHECK(!ref_cache_probed(rc, &other));
	other = parts;
	other.seed = 8;
	CHECK(!ref_cache_probed(rc, &other));
	other = parts;
	other.spec_hash = "ab";
	CHECK(!ref_cache_probed(rc, &other));
	CHECK(!ref_cache_get(rc, &other, &out));
	ref_cache_drop(rc, &other);
	ref_cache_free(rc);
}

/* Flips one byte of the only run-* file in dir, or cuts it short. */
static void spoil_run_file(const char *dir, bool cut)
{
	char cmd[PATH_MAX + 128];

	if (cut)
		snprintf(cmd, sizeof(cmd), "f=$(ls %s/run-*) && head -c -7 $f > $f.t && mv $f.t $f",
			 dir);
	else
		snprintf(cmd, sizeof(cmd),
			 "f=$(ls %s/run-*) && printf X | dd of=$f bs=1 seek=120 conv=notrunc "
			 "2>/dev/null", dir);
	CHECK_EQ(system(cmd), 0);
}

static void test_ref_cache_disk(void)
{
	struct ref_key_parts parts = { "lru-cache", "aa", "bb", "gcc 12.2.0", 7, "basic", NULL };
	char dir[] = "/tmp/ref-cache-XXXXXX", cmd[PATH_MAX];
	struct sandbox_result res, got;
	struct obs obs, gobs;
	struct strbuf *files, *gfiles = NULL;
	bool *present, *gpresent = NULL;
	struct ref_run run = { &res, &obs, &files, &present, 2 };
	struct ref_run out = { &got, &gobs, &gfiles, &gpresent, 2 };
	struct ref_cache *rc;
	size_t hits, stored, disk;
	int round;

	CHECK(mkdtemp(dir) != NULL);
	/* A run that drew no random number is kept on disk, for any seed. */
	rc = ref_cache_new(dir);
	CHECK(!ref_cache_get(rc, &parts, &out));
	fake_run(&res, &obs, &files, &present, "a\n!fail half-linked\nb\nend\n");
	ref_cache_put(rc, &parts, &run);
	release_run(&res, &obs, files, present);
	ref_cache_free(rc);

	rc = ref_cache_new(dir);
	parts.seed = 99;
	CHECK(ref_cache_get(rc, &parts, &out));
	check_copy(&got, &gobs, gfiles, gpresent);
	release_run(&got, &gobs, gfiles, gpresent);
	ref_cache_stats(rc, &hits, &stored, &disk);
	CHECK_EQ(disk, 1);
	ref_cache_free(rc);

	/* A seeded run stays in memory: another process runs it again. */
	parts.test = "random";
	rc = ref_cache_new(dir);
	CHECK(!ref_cache_get(rc, &parts, &out));
	fake_run(&res, &obs, &files, &present, "!seeded\na\nb\nend\n");
	ref_cache_put(rc, &parts, &run);
	release_run(&res, &obs, files, present);
	ref_cache_free(rc);
	rc = ref_cache_new(dir);
	CHECK(!ref_cache_get(rc, &parts, &out));
	ref_cache_drop(rc, &parts);
	ref_cache_free(rc);

	/* A file changed or cut short reads as a miss, never as a run. */
	parts.test = "basic";
	for (round = 0; round < 2; round++) {
		spoil_run_file(dir, round == 1);
		rc = ref_cache_new(dir);
		CHECK(!ref_cache_get(rc, &parts, &out));
		ref_cache_drop(rc, &parts);
		ref_cache_free(rc);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_EQ(system(cmd), 0);
}

/* A build directory's files: written whole, never over a file or through a link. */
static void test_write_file_scratch(void)
{
	char dir[] = "/tmp/scratch-XXXXXX", path[PATH_MAX], link[PATH_MAX], target[PATH_MAX];
	struct strbuf sb = STRBUF_INIT;
	struct stat st;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/a.c", dir);
	snprintf(link, sizeof(link), "%s/link.c", dir);
	snprintf(target, sizeof(target), "%s/target", dir);
	CHECK_EQ(write_file_scratch(path, "int x;\n", 7, 0644), 0);
	CHECK_EQ(read_file(path, 1024, false, &sb), 0);
	CHECK_STR(sb.buf, "int x;\n");
	CHECK_EQ(stat(path, &st), 0);
	CHECK_EQ(st.st_mode & 0777, 0644);
	CHECK_EQ(write_file_scratch(path, "y", 1, 0644), -EEXIST);
	strbuf_reset(&sb);
	CHECK_EQ(read_file(path, 1024, false, &sb), 0);
	CHECK_STR(sb.buf, "int x;\n");
	CHECK_EQ(symlink(target, link), 0);
	CHECK_EQ(write_file_scratch(link, "y", 1, 0644), -EEXIST);
	CHECK(access(target, F_OK) != 0);
	unlink(link);
	unlink(path);
	CHECK_EQ(rmdir(dir), 0);
	strbuf_release(&sb);
}

/*
 * A claim dropped before any run filled it (the reference failed) must not
 * close descriptor 0: the unfilled result once held workdir_fd 0, so every
 * drop closed whatever fd 0 was, in a batch another thread's pidfd, whose
 * sandbox then waited forever.
 */
static void test_ref_cache_drop_keeps_fd0(void)
{
	struct ref_key_parts parts = { "sort-users", "aa", "bb", "gcc 12.2.0", 7, "crash", NULL };
	struct ref_cache *rc = ref_cache_new(NULL);
	struct sandbox_result got;
	struct obs gobs;
	struct strbuf *gfiles = NULL;
	bool *gpresent = NULL;
	struct ref_run out = { &got, &gobs, &gfiles, &gpresent, 0 };
	int keep = dup(0), null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	CHECK(null >= 0);
	CHECK_EQ(dup2(null, 0), 0);
	CHECK(!ref_cache_get(rc, &parts, &out));
	ref_cache_drop(rc, &parts);
	CHECK(fcntl(0, F_GETFD) >= 0);
	ref_cache_free(rc);
	CHECK(fcntl(0, F_GETFD) >= 0);
	if (keep >= 0) {
		dup2(keep, 0);
		close(keep);
	}
	close(null);
}

/* Builds dir/name from a one-line C program with gcc and extra link switches. */
static void build_tiny(const char *dir, const char *name, const char *text, const char *link)
{
	char cmd[PATH_MAX * 3];

	snprintf(cmd, sizeof(cmd), "cd %s && printf '%%s\\n' '%s' > %s.c && "
		 "gcc -O0 %s.c -o %s %s 2>&1", dir, text, name, name, name, link);
	CHECK_EQ(system(cmd), 0);
}

/*
 * A dynamic submission may need the libraries the reference needs, and the
 * math library every build links; any other is refused by name. Before,
 * a submission that called floor() found no libm in its view and every
 * test ended with the loader's exit status 127.
 */
static void test_elf_trusted_libraries(void)
{
	char dir[] = "/tmp/elfcheck-XXXXXX", path[PATH_MAX];
	struct elf_needs needs;
	struct strbuf err = STRBUF_INIT, why = STRBUF_INIT;

	CHECK(mkdtemp(dir) != NULL);
	build_tiny(dir, "plain", "int main(void) { return 0; }", "");
	build_tiny(dir, "math", "#include <math.h>\nint main(int c, char **v) "
		   "{ (void)v; return (int)floor(c / 3.0); }", "-Wl,--as-needed -lm");
	build_tiny(dir, "cjson", "const char *cJSON_Version(void);\nint main(void) "
		   "{ return !cJSON_Version(); }", "-lcjson");
	snprintf(path, sizeof(path), "%s/plain", dir);
	CHECK_EQ(elf_needs_of(path, &needs, &err), 0);
	CHECK(needs.interp != NULL);
	snprintf(path, sizeof(path), "%s/math", dir);
	CHECK(!elf_program_allowed(path, &needs, &why));
	CHECK_CONTAINS(why.buf, "needs the shared library 'libm.so.6'");
	CHECK(elf_needs_add(&needs, "libm.so.6"));
	strbuf_reset(&why);
	CHECK(elf_program_allowed(path, &needs, &why));
	snprintf(path, sizeof(path), "%s/cjson", dir);
	CHECK(!elf_program_allowed(path, &needs, &why));
	CHECK_CONTAINS(why.buf, "'libcjson.so.1', which tests do not provide");
	CHECK(!elf_needs_add(&needs, "libnot-installed.so.9"));
	elf_needs_release(&needs);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	CHECK_EQ(system(path), 0);
	strbuf_release(&err);
	strbuf_release(&why);
}

int main(void)
{
	test_elf_trusted_libraries();
	test_ref_cache_drop_keeps_fd0();
	test_write_file_scratch();
	test_jsondiff();
	test_sha256();
	test_visible();
	test_observe();
	test_observe_sanitizer();
	test_spec_errors();
	test_spec_mistakes();
	test_ref_cache_keys();
	test_ref_cache();
	test_ref_cache_disk();
	CHECK_DONE();
}
