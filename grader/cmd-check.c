/*
 * cmd-check.c: grader check EXERCISE FILE.c
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "grade.h"
#include "ref-cache.h"
#include "report.h"
#include "spec.h"
#include "spool.h"
#include "webhook.h"
#include "util.h"

static const char usage[] =
	"usage: grader check EXERCISE FILE.c [options]\n\n"
	"Grades one submission: builds it with the exercise's driver, runs every\n"
	"test in a sandbox and compares with the reference solution.\n\n"
	"  --format FORMAT   report on stdout (default human); FORMAT is one of\n"
	"                    human, json, junit, tap, gradescope, github, markdown\n"
	"  --report FORMAT=FILE\n"
	"                    also write a report to FILE (repeatable); all come\n"
	"                    from the same grading run\n"
	"  --seed N          seed of the randomized tests (default: random; the\n"
	"                    report shows it, and --seed N reproduces the run)\n"
	"  --exercises DIR   exercises directory (default: $GRADER_EXERCISES)\n"
	"  -j N              tests run at once (default: one per core)\n\n"
	"Webhook (the json report, POSTed and signed with HMAC-SHA256):\n"
	"  --webhook URL     deliver the report to URL; it is spooled first and\n"
	"                    kept until a 2xx answer ('grader deliver' re-sends)\n"
	"  --webhook-secret-file FILE\n"
	"                    the signing secret (default: $GRADER_WEBHOOK_SECRET;\n"
	"                    never on the command line)\n"
	"  --webhook-ca FILE CA certificates for a private CA (TLS is always verified)\n"
	"  --webhook-deadline SECONDS\n"
	"                    give up retrying after this long (default 30)\n"
	"  --webhook-strict  exit 4 when the report was not delivered\n\n"
	"With the github format, the markdown table is appended to\n"
	"$GITHUB_STEP_SUMMARY and score= and max_score= to $GITHUB_OUTPUT.\n\n"
	"exit status: 0 all tests passed, 1 something failed (a compile error\n"
	"included), 2 bad usage or input, 3 the grader failed, 4 (only with\n"
	"--webhook-strict) graded but the report was not delivered\n";

#define REPORTS_MAX 16

struct report_file {
	const struct report_format *format;
	const char *path;
};

struct webhook_opts {
	const char *url;
	const char *secret_file;
	const char *ca_file;
	long deadline_ms;
	bool strict;
};

static int parse_report_file(const char *arg, struct report_file *rf)
{
	const char *eq = strchr(arg, '=');
	char *name;

	if (!eq || !eq[1]) {
		error("--report: expected FORMAT=FILE, not '%s'", arg);
		return -1;
	}
	name = xstrdup(arg);
	name[eq - arg] = '\0';
	rf->format = report_format_find(name);
	rf->path = eq + 1;
	if (!rf->format)
		error("unknown format '%s' (expected %s)", name, report_format_names);
	free(name);
	return rf->format ? 0 : -1;
}

/* An http or https URL without blanks or control characters. */
static bool valid_url(const char *url)
{
	const char *p;

	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		return false;
	for (p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

/*
 * A regular file (or a new one) is replaced atomically; a device or a pipe
 * (/dev/stderr, a process substitution) is written to as it is.
 */
static int write_report_data(const char *path, const char *data, size_t len)
{
	struct stat st;
	FILE *f;
	int ret = 0;

	if (stat(path, &st) < 0 || S_ISREG(st.st_mode))
		return write_file_atomic(path, data, len, 0644);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	if (fwrite(data, 1, len, f) != len)
		ret = -EIO;
	if (fclose(f) != 0 && !ret)
		ret = -errno;
	return ret;
}

/* Renders one report into memory, then writes it to path. */
static int write_report_file(const struct report *r, const struct report_file *rf)
{
	struct report_opts ro = { .color = false };
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);
	int ret;

	if (!f) {
		ret = -errno;
		error("cannot write the %s report: %s", rf->format->name, strerror(-ret));
		return ret;
	}
	ret = rf->format->write(r, f, &ro);
	if (fclose(f) != 0 && !ret)
		ret = -EIO;
	if (!ret)
		ret = write_report_data(rf->path, data, len);
	if (ret)
		error("cannot write '%s': %s", rf->path, strerror(-ret));
	free(data);
	return ret;
}

/*
 * Spools the json report, then delivers it. Returns true when delivered;
 * every problem is told on stderr, and none changes the grade.
 */
static bool deliver(const struct report *r, const struct webhook_opts *wo,
		    const struct strbuf *secret, const char *dir)
{
	struct spool_entry e = SPOOL_ENTRY_INIT;
	struct webhook_result res;
	struct strbuf err = STRBUF_INIT;
	char *url = webhook_redacted_url(wo->url);
	bool spooled, delivered = false;
	int ret;

	e.id = xstrdup(r->delivery_id);
	e.url = xstrdup(wo->url);
	e.ca_file = wo->ca_file ? xstrdup(wo->ca_file) : NULL;
	e.created = xstrdup(r->timestamp);
	e.body = report_json(r);
	e.body_len = strlen(e.body);
	/* Spooled before the first attempt: a kill from here on loses nothing. */
	spooled = spool_put(dir, &e, &err) == 0;
	if (!spooled)
		error("webhook: %s; delivering without a spooled copy", err.buf);
	ret = webhook_deliver_entry(&e, secret->buf, secret->len, wo->deadline_ms, &res);
	if (ret) {
		error("webhook: cannot set up libcurl: %s", strerror(-ret));
	} else if (res.outcome == WEBHOOK_DELIVERED) {
		delivered = true;
		if (*res.reason)
			error("webhook: delivery %s: %s", e.id, res.reason);
		else if (res.attempts > 1)
			error("webhook: delivered %s to %s after %d attempts", e.id, url,
			      res.attempts);
	} else {
		error("webhook: delivery %s to %s %s: %s", e.id, url,
		      res.outcome == WEBHOOK_REJECTED ? "was rejected" : "failed", res.reason);
		if (spooled)
			error("webhook: kept in '%s'; 'grader deliver' sends it again", e.path);
	}
	spool_entry_release(&e);
	strbuf_release(&err);
	free(url);
	return delivered;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "report", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "exercises", required_argument, NULL, 'e' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "webhook", required_argument, NULL, 'W' },
		{ "webhook-secret-file", required_argument, NULL, 'S' },
		{ "webhook-ca", required_argument, NULL, 'C' },
		{ "webhook-deadline", required_argument, NULL, 'D' },
		{ "webhook-strict", no_argument, NULL, 'X' },
		{ NULL, 0, NULL, 0 },
	};
	struct grade_opts o = { 0 };
	struct strbuf err = STRBUF_INIT, secret = STRBUF_INIT;
	const char *dir_opt = NULL;
	const struct report_format *format = report_format_find("human");
	struct report_file files[REPORTS_MAX];
	struct webhook_opts wo = { .deadline_ms = WEBHOOK_DEADLINE_MS };
	struct report_opts ro;
	size_t nfiles = 0, i;
	struct exercise *ex = NULL;
	char *spool = NULL, *ca_file = NULL;
	struct grader g;
	struct report r;
	uint64_t jobs;
	bool have_seed = false, github;
	int c, ret, status;

	if (wants_help(argc, argv, usage))
		return 0;
	while ((c = getopt_long(argc, argv, "j:", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			format = report_format_find(optarg);
			if (!format) {
				error("unknown format '%s' (expected %s)", optarg, report_format_names);
				status = EXIT_USAGE;
				goto out;
			}
			break;
		case 'r':
			if (nfiles == REPORTS_MAX) {
				error("--report: at most %d reports", REPORTS_MAX);
				status = EXIT_USAGE;
				goto out;
			}
			if (parse_report_file(optarg, &files[nfiles])) {
				status = EXIT_USAGE;
				goto out;
			}
			nfiles++;
			break;
		case 's':
			if (!parse_u64(optarg, &o.seed)) {
				error("--seed: expected a non-negative integer, not '%s'", optarg);
				status = EXIT_USAGE;
				goto out;
			}
			have_seed = true;
			break;
		case 'e':
			dir_opt = optarg;
			break;
		case 'j':
			if (!parse_u64(optarg, &jobs) || jobs < 1 || jobs > 64) {
				error("-j: expected a number from 1 to 64, not '%s'", optarg);
				status = EXIT_USAGE;
				goto out;
			}
			o.jobs = (int)jobs;
			break;
		case 'W':
			if (!valid_url(optarg)) {
				error("--webhook: expected an http:// or https:// URL, not '%s'", optarg);
				status = EXIT_USAGE;
				goto out;
			}
			wo.url = optarg;
			break;
		case 'S':
			wo.secret_file = optarg;
			break;
		case 'C':
			/* Absolute: 'grader deliver' may run from anywhere. */
			free(ca_file);
			ca_file = realpath(optarg, NULL);
			if (!ca_file) {
				error("--webhook-ca: cannot read '%s': %s", optarg, strerror(errno));
				status = EXIT_USAGE;
				goto out;
			}
			wo.ca_file = ca_file;
			break;
		case 'D':
			if (!webhook_parse_seconds(optarg, &wo.deadline_ms)) {
				error("--webhook-deadline: expected seconds (at most 3600), not '%s'",
				      optarg);
				status = EXIT_USAGE;
				goto out;
			}
			break;
		case 'X':
			wo.strict = true;
			break;
		default:
			fputs(usage, stderr);
			status = EXIT_USAGE;
			goto out;
		}
	}
	if (argc - optind != 2) {
		fputs(usage, stderr);
		status = EXIT_USAGE;
		goto out;
	}
	if (!have_seed)
		o.seed = random_u64() % 1000000000ULL;
	/* Read now, and removed from the environment before anything runs. */
	status = webhook_setup(wo.url, wo.secret_file, &secret, &spool);
	if (status)
		goto out;

	ret = exercise_load(exercises_dir(dir_opt), argv[optind], &ex, &err);
	if (ret) {
		error("%s", err.buf);
		status = ret == -ENOENT || ret == -EINVAL ? EXIT_USAGE : EXIT_GRADER;
		goto out;
	}
	ret = grader_open(&g, &err);
	if (ret) {
		error("%s", err.buf);
		status = EXIT_GRADER;
		goto out_exercise;
	}
	/* The reference's runs that no seed changes are kept for the next check. */
	o.refs = ref_cache_new(g.builder.cache_dir);
	ret = grade(&g, ex, argv[optind + 1], &o, &r, &err);
	ref_cache_free(o.refs);
	o.refs = NULL;
	if (ret) {
		error("%s", err.buf);
		status = ret == -EINVAL ? EXIT_USAGE : EXIT_GRADER;
		goto out_grader;
	}
	status = report_exit_code(&r);
	github = format == report_format_find("github");
	for (i = 0; i < nfiles; i++) {
		if (write_report_file(&r, &files[i]))
			status = EXIT_GRADER;
		github = github || files[i].format == report_format_find("github");
	}
	ro.color = use_color(stdout);
	if (format->write(&r, stdout, &ro) || fflush(stdout) != 0) {
		error("cannot write the report: %s", strerror(errno));
		status = EXIT_GRADER;
	}
	if (github) {
		strbuf_reset(&err);
		if (report_github_step_files(&r, getenv("GITHUB_STEP_SUMMARY"),
					     getenv("GITHUB_OUTPUT"), &err)) {
			error("%s", err.buf);
			status = EXIT_GRADER;
		}
	}
	/* Delivery never changes the grade; only --webhook-strict makes it count. */
	if (wo.url && !deliver(&r, &wo, &secret, spool) && wo.strict && status != EXIT_GRADER)
		status = EXIT_UNDELIVERED;
	report_release(&r);
out_grader:
	grader_close(&g);
out_exercise:
	exercise_free(ex);
out:
	free(spool);
	free(ca_file);
	strbuf_release(&err);
	strbuf_release(&secret);
	return status;
}
