/*
 * test_reports.c: the report writers' escaping, the webhook's retry policy
 * and the spool, on their own.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "text-escape.h"
#include "report.h"
#include "spool.h"
#include "deliver.h"
#include "webhook.h"
#include "util.h"

typedef void (*text_fn)(struct strbuf *sb, const char *s, size_t max);

static char *run(text_fn fn, const char *s, size_t max)
{
	struct strbuf sb = STRBUF_INIT;

	fn(&sb, s, max);
	return strbuf_detach(&sb);
}

static void xml_text(struct strbuf *sb, const char *s, size_t max)
{
	text_xml(sb, s, max, false);
}

static void xml_attr(struct strbuf *sb, const char *s, size_t max)
{
	text_xml(sb, s, max, true);
}

#define CHECK_TEXT(fn, in, max, want)                                          \
	do {                                                                   \
		char *got_ = run(fn, in, max);                                 \
		CHECK_STR(got_, want);                                         \
		free(got_);                                                    \
	} while (0)

static void test_clean(void)
{
	CHECK_TEXT(text_clean, "plain\ttext\n", 0, "plain\ttext\n");
	CHECK_TEXT(text_clean, "crlf\r\nbare\rcr", 0, "crlf\nbare\\x0dcr");
	CHECK_TEXT(text_clean, "\x1b[31mred\x7f", 0, "\\x1b[31mred\\x7f");
	/* Invalid UTF-8: a stray byte, an overlong, a surrogate, a cut sequence. */
	CHECK_TEXT(text_clean, "a\xff" "b\xc0\xaf" "c\xed\xa0\x80" "d\xe2\x82", 0,
		   "a\\xffb\\xc0\\xafc\\xed\\xa0\\x80d\\xe2\\x82");
	/* Kept: ordinary non-ASCII. Shown: C1 controls, bidi overrides, U+2028. */
	CHECK_TEXT(text_clean, "caf\xc3\xa9 \xe2\x82\xac", 0, "caf\xc3\xa9 \xe2\x82\xac");
	CHECK_TEXT(text_clean, "\xc2\x9b" "x\xe2\x80\xae" "y\xe2\x80\xa8", 0,
		   "\\u009bx\\u202ey\\u2028");
	/* Cut between characters, and said so. */
	CHECK_TEXT(text_clean, "abcdef", 3, "abc... (3 more bytes)");
	CHECK_TEXT(text_clean, "a\xc3\xa9z", 2, "a... (3 more bytes)");
	CHECK_TEXT(text_line, "one\ntwo\tthree", 0, "one\\ntwo\\tthree");
}

static void test_formats(void)
{
	CHECK_TEXT(xml_text, "</failure><x a=\"1\">]]>&'", 0,
		   "&lt;/failure&gt;&lt;x a=&quot;1&quot;&gt;]]&gt;&amp;&apos;");
	CHECK_TEXT(xml_text, "a\nb\x01", 0, "a&#10;b\\x01");
	CHECK_TEXT(xml_attr, "a\tb\nc", 0, "a&#9;b&#10;c");
	CHECK_TEXT(text_gh_data, "50%\r\n::error::x\n", 0, "50%25%0A::error::x%0A");
	CHECK_TEXT(text_gh_data, "a\rb", 0, "a\\x0db");
	CHECK_TEXT(text_gh_property, "a:b,c%d\ne", 0, "a%3Ab%2Cc%25d%0Ae");
	CHECK_TEXT(text_yaml, "say \"hi\"\\\n\tok", 0, "\"say \\\"hi\\\"\\\\\\n\\tok\"");
	CHECK_TEXT(text_md, "a|b <i>*_`[x](y)@z\nw", 0,
		   "a&#124;b &#60;i&#62;&#42;&#95;&#96;&#91;x&#93;&#40;y&#41;&#64;z<br>w");
	CHECK_TEXT(text_html, "<pre>&@x:[y]\n", 0,
		   "&lt;pre&gt;&amp;&#64;x&#58;&#91;y&#93;&#10;");
	/* "##[" (a runner command anywhere in a line) never survives. */
	CHECK_TEXT(text_gh_data, "x ##[add-mask]y ###", 0, "x #%23[add-mask]y #%23%23");
	CHECK_TEXT(xml_text, "##[error]", 0, "#&#35;[error]");
	CHECK_TEXT(text_yaml, "##vso[", 0, "\"#\\x23vso[\"");
	CHECK_TEXT(text_md, "##[", 0, "&#35;&#35;&#91;");
	{
		char *g = text_json_guard("{\"a\": \"##[x] ###\"}");

		CHECK_STR(g, "{\"a\": \"#\\u0023[x] #\\u0023\\u0023\"}");
		free(g);
	}
}

static void test_format_table(void)
{
	static const char *const names[] = { "human", "json", "junit", "tap", "gradescope",
					     "github", "markdown" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		const struct report_format *f = report_format_find(names[i]);

		CHECK(f != NULL);
		if (f) {
			CHECK_STR(f->name, names[i]);
			CHECK(f->write != NULL);
		}
		CHECK_CONTAINS(report_format_names, names[i]);
	}
	CHECK(report_format_find("xml") == NULL);
	CHECK(report_format_find("") == NULL);
}

/* Renders r in format name into an allocated string. */
static char *render(const struct report *r, const char *name)
{
	const struct report_format *fmt = report_format_find(name);
	struct report_opts o = { .color = false };
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);

	CHECK(fmt != NULL && f != NULL);
	if (fmt && f)
		CHECK_EQ(fmt->write(r, f, &o), 0);
	if (f)
		fclose(f);
	return data;
}

static void test_writers(void)
{
	static char *layers[] = { "seccomp", "landlock-fs" };
	struct test_report tests[] = {
		{ .name = "crashes", .status = ST_CRASHED, .max_score = 2,
		  .message = "killed by SIGSEGV", .hint = "", .output = "partial\n",
		  .visibility = VIS_VISIBLE },
		{ .name = "hiddentest", .status = ST_FAILED, .max_score = 3,
		  .message = "expected 42, got SECRET-DETAIL", .hint = "SECRET-HINT",
		  .output = "SECRET-OUTPUT", .visibility = VIS_HIDDEN },
		{ .name = "passes", .status = ST_PASSED, .score = 1, .max_score = 1,
		  .message = "", .hint = "", .output = "", .visibility = VIS_VISIBLE },
	};
	struct report r = {
		.exercise = "sort-users", .title = "t", .submission = "dir/sub.c",
		.sha256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		.score = 1, .max_score = 6, .compiled = true, .compile_output = "",
		.tests = tests, .ntests = ARRAY_SIZE(tests), .seed = 18446744073709551615ULL,
		.spec_hash = "fedcba", .compiler = "gcc 12", .delivery_id = "the-delivery-id",
		.timestamp = "2026-01-02T03:04:05Z", .layers = layers, .nlayers = 2,
	};
	static const char *const hides[] = { "junit", "tap", "github", "markdown", "human" };
	static const char *const all[] = { "json", "junit", "tap", "gradescope", "github",
					   "markdown" };
	size_t i;
	char *out;

	/* A hidden test's details stay out of what learners see... */
	for (i = 0; i < ARRAY_SIZE(hides); i++) {
		out = render(&r, hides[i]);
		CHECK_CONTAINS(out, "hiddentest");
		if (out && (strstr(out, "SECRET-") != NULL)) {
			fprintf(stderr, "%s shows a hidden test's details\n", hides[i]);
			check_failures++;
		}
		free(out);
	}
	/* ...and reach the tools that hide them themselves. */
	out = render(&r, "gradescope");
	CHECK_CONTAINS(out, "SECRET-DETAIL");
	CHECK_CONTAINS(out, "\"visibility\":\t\"hidden\"");
	free(out);
	/* The receipt, in every format that has room for it; the seed exactly. */
	for (i = 0; i < ARRAY_SIZE(all); i++) {
		out = render(&r, all[i]);
		if (strcmp(all[i], "markdown"))
			CHECK_CONTAINS(out, "the-delivery-id");
		else
			CHECK_CONTAINS(out, "the&#45;delivery&#45;id");
		CHECK_CONTAINS(out, "18446744073709551615");
		free(out);
	}
	out = render(&r, "junit");
	CHECK_CONTAINS(out, "<error message=\"killed by SIGSEGV\" type=\"crashed\">");
	CHECK_CONTAINS(out, "tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"0\"");
	CHECK_CONTAINS(out, "timestamp=\"2026-01-02T03:04:05\"");
	free(out);
	out = render(&r, "tap");
	CHECK_CONTAINS(out, "TAP version 13\n1..4\n");
	CHECK_CONTAINS(out, "not ok 2 - crashes\n");
	CHECK_CONTAINS(out, "ok 4 - passes\n");
	free(out);
	/* A compile error: one annotation with file and line, one failing TAP point. */
	r.compiled = false;
	r.compile_output = "sub.c:7:3: error: expected ';' before '}' token\n"
			   "    7 | x = 1 }\n"
			   "other.h:1:1: warning: w\n"
			   "collect2: error: ld returned 1 exit status\n";
	for (i = 0; i < ARRAY_SIZE(tests); i++)
		tests[i].status = ST_SKIPPED;
	out = render(&r, "github");
	CHECK_CONTAINS(out, "::error file=dir/sub.c,line=7,col=3,title=compile error::"
			    "expected ';' before '}' token\n");
	CHECK_CONTAINS(out, "::warning title=compiler warning::w\n");
	free(out);
	out = render(&r, "tap");
	CHECK_CONTAINS(out, "not ok 1 - compile\n");
	CHECK_CONTAINS(out, "ok 2 - crashes # SKIP");
	free(out);
}

/* Every status, and a memory error's place, read back from the json report as written. */
static void test_status_round_trip(void)
{
	struct crash_call call = { .function = "slot_of", .file = "lru.c", .line = 59 };
	struct crash_info crash = { .signal = "ASAN", .error = "heap-buffer-overflow",
				    .calls = &call, .ncalls = 1 };
	struct test_report tests[ST_COUNT];
	char names[ST_COUNT][16];
	struct report r = {
		.exercise = "lru-cache", .title = "t", .submission = "lru.c",
		.sha256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		.compiled = true, .compile_output = "", .tests = tests, .ntests = ST_COUNT,
		.spec_hash = "fedcba", .compiler = "gcc 12", .delivery_id = "d",
		.timestamp = "2026-01-02T03:04:05Z",
	};
	struct report back;
	struct strbuf err = STRBUF_INIT;
	char *out;
	int i;

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < ST_COUNT; i++) {
		snprintf(names[i], sizeof(names[i]), "t%d", i);
		tests[i] = (struct test_report){ .name = names[i], .status = (enum test_status)i,
						 .max_score = 1, .message = "", .hint = "",
						 .output = "", .visibility = VIS_VISIBLE };
	}
	tests[ST_MEMORY_ERROR].crash = &crash;
	out = render(&r, "json");
	CHECK(out != NULL);
	CHECK_CONTAINS(out, "\"error\":\t\"heap-buffer-overflow\"");
	if (report_parse(out, &back, &err)) {
		fprintf(stderr, "the json report does not read back: %s\n", strbuf_str(&err));
		check_failures++;
	} else {
		CHECK_EQ(back.ntests, ST_COUNT);
		for (i = 0; i < ST_COUNT && (size_t)i < back.ntests; i++)
			CHECK_EQ(back.tests[i].status, i);
		if (back.ntests == ST_COUNT && back.tests[ST_MEMORY_ERROR].crash) {
			CHECK_STR(back.tests[ST_MEMORY_ERROR].crash->signal, "ASAN");
			CHECK_STR(back.tests[ST_MEMORY_ERROR].crash->error,
				  "heap-buffer-overflow");
		} else {
			CHECK(0);
		}
		report_release(&back);
	}
	strbuf_release(&err);
	free(out);
}

static void test_retry_policy(void)
{
	int n;

	CHECK(webhook_status_retryable(408));
	CHECK(webhook_status_retryable(429));
	CHECK(webhook_status_retryable(500));
	CHECK(webhook_status_retryable(503));
	CHECK(webhook_status_retryable(599));
	CHECK(!webhook_status_retryable(400));
	CHECK(!webhook_status_retryable(401));
	CHECK(!webhook_status_retryable(404));
	CHECK(!webhook_status_retryable(301));
	CHECK(!webhook_status_retryable(200));
	/* Exponential, jittered within [base/2, base], capped. */
	CHECK_EQ(webhook_backoff_ms(1, 0), 250);
	CHECK_EQ(webhook_backoff_ms(1, 250), 500);
	CHECK_EQ(webhook_backoff_ms(2, 0), 500);
	CHECK_EQ(webhook_backoff_ms(3, 0), 1000);
	CHECK_EQ(webhook_backoff_ms(30, 0), 4000);
	for (n = 1; n < 40; n++) {
		long lo = webhook_backoff_ms(n, 0), hi = webhook_backoff_ms(n, UINT64_MAX);

		CHECK(lo > 0 && hi >= lo && hi <= 8000);
		CHECK(webhook_backoff_ms(n, random_u64()) <= 8000);
	}
	/* Retry-After: seconds or an HTTP date. */
	CHECK_EQ(webhook_retry_after_ms("1", 0), 1000);
	CHECK_EQ(webhook_retry_after_ms(" 120 \r\n", 0), 120000);
	CHECK_EQ(webhook_retry_after_ms("0", 0), 0);
	CHECK_EQ(webhook_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470), 10000);
	CHECK_EQ(webhook_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT", 1445412490), 0);
	CHECK_EQ(webhook_retry_after_ms("soon", 0), -1);
	CHECK_EQ(webhook_retry_after_ms("-5", 0), -1);
	CHECK_EQ(webhook_retry_after_ms("", 0), -1);
}

static void test_options(void)
{
	long ms = 0;
	char *u;

	CHECK(webhook_parse_seconds("30", &ms) && ms == 30000);
	CHECK(webhook_parse_seconds("1.5", &ms) && ms == 1500);
	CHECK(!webhook_parse_seconds("0", &ms));
	CHECK(!webhook_parse_seconds("-1", &ms));
	CHECK(!webhook_parse_seconds("3601", &ms));
	CHECK(!webhook_parse_seconds("10s", &ms));
	CHECK(!webhook_parse_seconds("nan", &ms));
	u = webhook_redacted_url("https://user:pw@example.org/hook?x=1");
	CHECK_STR(u, "https://***@example.org/hook?x=1");
	free(u);
	u = webhook_redacted_url("http://example.org/a@b");
	CHECK_STR(u, "http://example.org/a@b");
	free(u);
}

static void test_secret(const char *dir)
{
	struct strbuf s = STRBUF_INIT, err = STRBUF_INIT;
	char *file = path_join(dir, "secret");

	unsetenv("GRADER_WEBHOOK_SECRET");
	CHECK_EQ(webhook_secret(NULL, &s, &err), -ENOENT);
	CHECK_CONTAINS(err.buf, "no signing secret");
	setenv("GRADER_WEBHOOK_SECRET", "from env", 1);
	CHECK_EQ(webhook_secret(NULL, &s, &err), 0);
	CHECK_STR(s.buf, "from env");
	/* Read once, then gone: no child inherits it. */
	CHECK(getenv("GRADER_WEBHOOK_SECRET") == NULL);
	CHECK_EQ(write_file_atomic(file, "from file\r\n", 11, 0600), 0);
	setenv("GRADER_WEBHOOK_SECRET", "from env", 1);
	CHECK_EQ(webhook_secret(file, &s, &err), 0);
	CHECK_STR(s.buf, "from file");
	CHECK(getenv("GRADER_WEBHOOK_SECRET") == NULL);
	CHECK_EQ(write_file_atomic(file, "\n", 1, 0600), 0);
	CHECK_EQ(webhook_secret(file, &s, &err), -EINVAL);
	strbuf_reset(&err);
	CHECK_EQ(webhook_secret("/nonexistent/secret", &s, &err), -ENOENT);
	CHECK_CONTAINS(err.buf, "cannot read '/nonexistent/secret'");
	unlink(file);
	free(file);
	strbuf_release(&s);
	strbuf_release(&err);
}

/*
 * The options check, ci and deliver share: one parser, so one set of rules
 * and messages (a CA file kept absolute, whoever parsed it; one message
 * for a missing secret).
 */
static void test_webhook_opts(const char *dir)
{
	struct webhook_opts wo = WEBHOOK_OPTS_INIT;
	struct strbuf err = STRBUF_INIT;
	char *ca = path_join(dir, "ca.pem"), *cwd = getcwd(NULL, 0);

	CHECK(webhook_option(WEBHOOK_OPT_URL) && webhook_option(WEBHOOK_OPT_STRICT));
	CHECK(!webhook_option('j') && !webhook_option('?'));
	CHECK_EQ(webhook_opts_parse(&wo, WEBHOOK_OPT_URL, "ftp://x/", &err), -EINVAL);
	CHECK_CONTAINS(err.buf, "expected an http:// or https:// URL");
	CHECK_EQ(webhook_opts_parse(&wo, WEBHOOK_OPT_URL, "http://a b/", &err), -EINVAL);
	CHECK_EQ(webhook_opts_parse(&wo, WEBHOOK_OPT_URL, "https://h/hook", &err), 0);
	CHECK_EQ(webhook_opts_parse(&wo, WEBHOOK_OPT_DEADLINE, "2.5", &err), 0);
	CHECK_EQ(wo.deadline_ms, 2500);
	CHECK_EQ(webhook_opts_parse(&wo, WEBHOOK_OPT_DEADLINE, "0", &err), -EINVAL);
	CHECK_EQ(webhook_opts_parse(&wo, WEBHOOK_OPT_CA, "no-such-ca.pem", &err), -EINVAL);
	CHECK_EQ(write_file_atomic(ca, "x", 1, 0600), 0);
	CHECK_EQ(chdir(dir), 0);
	CHECK_EQ(webhook_opts_parse(&wo, WEBHOOK_OPT_CA, "ca.pem", &err), 0);
	CHECK_EQ(chdir(cwd), 0);
	CHECK(wo.ca_file && wo.ca_file[0] == '/');
	CHECK_EQ(webhook_opts_parse(&wo, WEBHOOK_OPT_STRICT, NULL, &err), 0);
	CHECK(wo.strict);

	unsetenv("GRADER_WEBHOOK_SECRET");
	strbuf_reset(&err);
	CHECK_EQ(webhook_opts_setup(&wo, false, &err), -EINVAL);
	CHECK_STR(err.buf, "no signing secret: set GRADER_WEBHOOK_SECRET or use "
			   "--webhook-secret-file FILE");
	/* Without a URL and unasked, nothing is needed, but the variable still goes. */
	wo.url = NULL;
	setenv("GRADER_WEBHOOK_SECRET", "s", 1);
	strbuf_reset(&err);
	CHECK_EQ(webhook_opts_setup(&wo, false, &err), 0);
	CHECK(getenv("GRADER_WEBHOOK_SECRET") == NULL);
	setenv("GRADER_WEBHOOK_SECRET", "s", 1);
	setenv("GRADER_SPOOL_DIR", dir, 1);
	CHECK_EQ(webhook_opts_setup(&wo, true, &err), 0);
	CHECK_STR(wo.secret.buf, "s");
	CHECK_STR(wo.spool, dir);
	unsetenv("GRADER_SPOOL_DIR");
	webhook_opts_release(&wo);
	unlink(ca);
	free(ca);
	free(cwd);
	strbuf_release(&err);
}

static void test_spool(const char *base)
{
	struct strbuf err = STRBUF_INIT;
	struct spool_entry e = SPOOL_ENTRY_INIT, f = SPOOL_ENTRY_INIT;
	char *dir = path_join(base, "a/b/spool"), **ids = NULL, *junk;
	static const char body[] = "{\"x\": \"line\\nnext\"}\n\n\0after NUL";
	size_t n = 0, i;
	struct stat st;
	pid_t pid;
	int status;

	CHECK(spool_valid_id("0f3c-AB-9"));
	CHECK(!spool_valid_id(""));
	CHECK(!spool_valid_id("../x"));
	CHECK(!spool_valid_id("a b"));
	CHECK_EQ(spool_list(dir, &ids, &n), 0); /* no directory yet: empty */
	CHECK_EQ(n, 0);

	e.id = xstrdup("1111-2222");
	e.url = xstrdup("http://127.0.0.1:9/hook");
	e.body = xmalloc(sizeof(body));
	memcpy(e.body, body, sizeof(body));
	e.body_len = sizeof(body) - 1;
	CHECK_EQ(spool_put(dir, &e, &err), 0);
	CHECK(e.lock_fd >= 0);
	CHECK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700);
	CHECK(stat(e.path, &st) == 0 && (st.st_mode & 0777) == 0600);

	/* Locked by its writer: another process cannot take it. */
	pid = fork();
	if (pid == 0) {
		struct spool_entry g = SPOOL_ENTRY_INIT;
		struct strbuf e2 = STRBUF_INIT;

		_exit(spool_load(dir, "1111-2222", &g, &e2) == -EAGAIN ? 0 : 1);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	spool_entry_release(&e);

	/* Released: it reads back byte for byte, and is then ours. */
	CHECK_EQ(spool_load(dir, "1111-2222", &f, &err), 0);
	CHECK_STR(f.url, "http://127.0.0.1:9/hook");
	CHECK(f.ca_file == NULL);
	CHECK(f.created != NULL);
	CHECK_EQ(f.body_len, sizeof(body) - 1);
	CHECK(f.body && !memcmp(f.body, body, sizeof(body) - 1));

	/* Files that are not entries are not listed; a torn temporary is ignored. */
	junk = path_join(dir, ".1111-3333.tmp.99");
	CHECK_EQ(write_file_atomic(junk, "grader-spool 1\nid 1", 19, 0600), 0);
	free(junk);
	junk = path_join(dir, "bad id.report");
	CHECK_EQ(write_file_atomic(junk, "x", 1, 0600), 0);
	free(junk);
	junk = path_join(dir, "2222-3333.report");
	CHECK_EQ(write_file_atomic(junk, "grader-spool 1\nid 2222-3333\nurl u\nlength 9\n\nshort", 49,
				   0600), 0);
	CHECK_EQ(spool_list(dir, &ids, &n), 0);
	CHECK_EQ(n, 2);
	if (n == 2) {
		CHECK_STR(ids[0], "1111-2222");
		CHECK_STR(ids[1], "2222-3333");
	}
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	{
		struct spool_entry g = SPOOL_ENTRY_INIT;

		strbuf_reset(&err);
		CHECK_EQ(spool_load(dir, "2222-3333", &g, &err), -EINVAL);
		CHECK_CONTAINS(err.buf, "length");
		spool_entry_release(&g);
	}
	unlink(junk);
	free(junk);

	CHECK_EQ(spool_remove(&f), 0);
	spool_entry_release(&f);
	CHECK_EQ(spool_load(dir, "1111-2222", &f, &err), -ENOENT);
	spool_entry_release(&f);
	free(dir);
	strbuf_release(&err);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	char *tmpl = path_join(tmp && *tmp ? tmp : "/tmp", "test_reports.XXXXXX");
	char *dir = mkdtemp(tmpl);

	if (!dir) {
		perror("mkdtemp");
		return 1;
	}
	test_clean();
	test_formats();
	test_format_table();
	test_writers();
	test_status_round_trip();
	test_retry_policy();
	test_options();
	test_secret(dir);
	test_webhook_opts(dir);
	test_spool(dir);
	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
		free(tmpl);
	}
	CHECK_DONE();
}
