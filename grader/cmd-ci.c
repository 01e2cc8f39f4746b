/*
 * cmd-ci.c: grader ci: grades what a repository's grader.json names and
 * writes what the CI system shows (GitHub Actions, GitLab CI, or none).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "ci.h"
#include "cmd.h"
#include "grade.h"
#include "ref-cache.h"
#include "text-escape.h"
#include "report.h"
#include "spec.h"
#include "deliver.h"
#include "util.h"

static const char usage[] =
	"usage: grader ci [options]\n\n"
	"Grades a repository: every exercise its grader.json names, from the file\n"
	"grader.json gives, with the exercises and tests of this grader. Detects\n"
	"GitHub Actions (GITHUB_ACTIONS=true) and GitLab CI (GITLAB_CI=true) and\n"
	"writes what each shows; see docs/ci.md.\n\n"
	"  --repo DIR        the repository (default: $GITHUB_WORKSPACE in GitHub\n"
	"                    Actions, $CI_PROJECT_DIR in GitLab CI, else .)\n"
	"  --config FILE     the assignment file (default: grader.json in the repository)\n"
	"  --out DIR         report files: junit-<exercise>.xml, summary.md, summary.json\n"
	"                    (default: $RUNNER_TEMP/grader-reports in GitHub Actions,\n"
	"                    else grader-reports in the repository)\n"
	"  --gradescope FILE Gradescope's results.json of the whole assignment, each\n"
	"                    exercise's points times its weight (needs --config: the\n"
	"                    upload is the learner's)\n"
	"  --min-score N     pass when the weighted total reaches N points, or N% of\n"
	"                    the maximum with a '%' (default: every test must pass)\n"
	"  --seed N          seed of the randomized tests (default: grader.json's, else\n"
	"                    random)\n"
	"  --exercises DIR   exercises directory (default: $GRADER_EXERCISES)\n"
	"  -j N              tests run at once (default: one per core)\n"
	"  --no-sanitize     no memory check: the tests that pass are not run again\n"
	"                    under ASan and UBSan\n\n"
	"Webhook (each exercise's json report, its submission named\n"
	"<repository>@<commit>:<file> in CI):\n" WEBHOOK_USAGE "\n"
	"exit status: 0 passed, 1 graded and failed (below --min-score, or a test\n"
	"failed when there is none), 2 bad usage or input (no grader.json, an\n"
	"unknown exercise), 3 the grader failed, 4 (only with --webhook-strict)\n"
	"a report was not delivered\n";

struct ci_opts {
	const char *repo;
	const char *config;
	const char *out;
	const char *gradescope;
	struct grade_args ga;
	bool has_min;
	bool min_percent;
	double min_score;
	struct webhook_opts wo;
};

static int parse_args(int argc, char **argv, struct ci_opts *o)
{
	static const struct option opts[] = {
		{ "repo", required_argument, NULL, 'r' },
		{ "config", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "gradescope", required_argument, NULL, 'G' },
		{ "min-score", required_argument, NULL, 'm' },
		GRADE_OPTIONS,
		WEBHOOK_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct strbuf err = STRBUF_INIT;
	int c, ret = 0;

	while (!ret && (c = getopt_long(argc, argv, "j:", opts, NULL)) != -1) {
		if (c == 'r') {
			o->repo = optarg;
		} else if (c == 'c') {
			o->config = optarg;
		} else if (c == 'o') {
			o->out = optarg;
		} else if (c == 'G') {
			o->gradescope = optarg;
		} else if (c == 'm') {
			o->has_min = ci_min_score_parse(optarg, &o->min_score, &o->min_percent);
			if (!o->has_min) {
				strbuf_addf(&err, "--min-score: expected points (12, 12.5) or a "
					    "percentage (80%%), not '%s'", optarg);
				ret = -EINVAL;
			}
		} else if (grade_option(c)) {
			ret = grade_args_parse(&o->ga, c, optarg, &err);
		} else if (webhook_option(c)) {
			ret = webhook_opts_parse(&o->wo, c, optarg, &err);
		} else {
			fputs(usage, stderr);
			ret = -EINVAL;
		}
	}
	if (!ret && optind != argc) {
		fputs(usage, stderr);
		ret = -EINVAL;
	}
	if (err.len)
		error("%s", err.buf);
	strbuf_release(&err);
	return ret;
}

/*
 * What reports call the repository's files: paths relative to the CI
 * workspace (GitHub resolves an annotation's file= there), else as given.
 */
static char *display_prefix(const char *repo, const struct ci_env *env)
{
	char *real_repo = realpath(repo, NULL);
	char *real_ws = env->workspace ? realpath(env->workspace, NULL) : NULL;
	struct strbuf sb = STRBUF_INIT;

	if (real_repo && real_ws) {
		size_t n = strlen(real_ws);

		if (!strcmp(real_repo, real_ws))
			goto out;
		if (!strncmp(real_repo, real_ws, n) && real_repo[n] == '/') {
			strbuf_addf(&sb, "%s/", real_repo + n + 1);
			goto out;
		}
	}
	if (strcmp(repo, ".") && strcmp(repo, "./"))
		strbuf_addf(&sb, "%s%s", repo, repo[strlen(repo) - 1] == '/' ? "" : "/");
out:
	free(real_repo);
	free(real_ws);
	return strbuf_detach(&sb);
}

/*
 * Removes the report files of an earlier run, or files a learner committed
 * under those names: a CI system collects junit-*.xml by a glob, and only
 * this run's results may be in it.
 */
static int remove_stale(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 0;

	if (!d) {
		error("cannot open '%s': %s", dir, strerror(errno));
		return EXIT_GRADER;
	}
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		size_t len = strlen(n);
		/* Whatever CI's junit-*.xml would collect: junit-.xml too ("*" matches nothing). */
		bool junit = !strncmp(n, "junit-", 6) && len >= 10 && !strcmp(n + len - 4, ".xml");

		if (!junit && strcmp(n, "summary.md") && strcmp(n, "summary.json"))
			continue;
		/* unlinkat() removes a symbolic link itself, never what it points at. */
		if (unlinkat(dirfd(d), n, 0) < 0) {
			error("cannot remove '%s/%s': %s", dir, n, strerror(errno));
			ret = errno == EISDIR ? EXIT_USAGE : EXIT_GRADER;
			break;
		}
	}
	closedir(d);
	return ret;
}

/*
 * The reports directory: created if needed, and never reached through a
 * symbolic link (the repository is the learner's, and so is what it holds).
 */
static int prepare_out(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		error("cannot create '%s': %s", dir, strerror(errno));
		return EXIT_GRADER;
	}
	if (lstat(dir, &st) < 0) {
		error("cannot open '%s': %s", dir, strerror(errno));
		return EXIT_GRADER;
	}
	if (S_ISLNK(st.st_mode)) {
		error("'%s' is a symbolic link: refusing to write reports through it", dir);
		return EXIT_USAGE;
	}
	if (!S_ISDIR(st.st_mode)) {
		error("'%s' is not a directory", dir);
		return EXIT_USAGE;
	}
	return remove_stale(dir);
}

static int load_exercises(const struct assignment *a, const char *dir, struct exercise ***out)
{
	struct exercise **ex = xcalloc(a->nexercises + 1, sizeof(*ex));
	struct strbuf err = STRBUF_INIT;
	size_t i;
	int ret = 0;

	for (i = 0; i < a->nexercises; i++) {
		ret = exercise_load(dir, a->exercises[i].id, &ex[i], &err);
		if (ret) {
			error("%s", err.buf);
			ret = ret == -ENOENT || ret == -EINVAL ? EXIT_USAGE : EXIT_GRADER;
			break;
		}
	}
	strbuf_release(&err);
	*out = ex;
	return ret;
}

static void free_exercises(struct exercise **ex, size_t n)
{
	size_t i;

	if (!ex)
		return;
	for (i = 0; i < n; i++)
		exercise_free(ex[i]);
	free(ex);
}

/* Grades every exercise into run. 0, or an exit status when the grader failed. */
static int grade_all(struct ci_run *run, struct exercise **ex, const char *repo,
		     const char *prefix, const struct grade_opts *go)
{
	struct strbuf err = STRBUF_INIT, note = STRBUF_INIT;
	struct grade_opts shared = *go;
	struct grader g;
	char *cache;
	size_t i;
	int ret;

	ret = grader_open(&g, &err);
	if (ret) {
		error("%s", err.buf);
		strbuf_release(&err);
		return EXIT_GRADER;
	}
	/* Two files of one exercise share the reference's runs. */
	cache = build_cache_dir();
	shared.refs = ref_cache_new(cache);
	free(cache);
	go = &shared;
	for (i = 0; i < run->n; i++) {
		struct ci_result *res = &run->results[i];
		char *path = path_join(repo, res->ax->file);
		struct report r;

		res->path = path_join(prefix, res->ax->file);
		strbuf_reset(&note);
		strbuf_reset(&err);
		ret = ci_locate(repo, res->ax->file, &note);
		if (ret == -ENOENT || ret == -EINVAL) {
			ci_result_set_ungraded(res, ret == -ENOENT ? CELL_MISSING : CELL_INVALID,
					       note.buf, ex[i]);
			ret = 0;
		} else if (ret) {
			error("%s", note.buf);
		} else {
			ret = grade(&g, ex[i], path, go, &r, &err);
			if (ret == -EINVAL) {
				/* Unusable input (binary, too large): the learner's, not ours. */
				ci_result_set_ungraded(res, CELL_INVALID, err.buf, ex[i]);
				ret = 0;
			} else if (ret) {
				error("%s", err.buf);
			} else {
				/* Reports and annotations name it as the repository does. */
				free(r.submission);
				r.submission = xstrdup(res->path);
				ci_result_set_graded(res, &r);
			}
		}
		free(path);
		if (ret)
			break;
	}
	ref_cache_free(shared.refs);
	grader_close(&g);
	strbuf_release(&err);
	strbuf_release(&note);
	return ret ? EXIT_GRADER : 0;
}

static void put_total(struct strbuf *sb, const struct ci_run *run)
{
	char a[SCORE_BUF], b[SCORE_BUF];
	double score, max;

	ci_run_total(run, &score, &max);
	format_score(score, a);
	format_score(max, b);
	strbuf_addf(sb, "total %s/%s points", a, b);
	if (run->has_min) {
		format_score(ci_run_threshold(run), a);
		strbuf_addf(sb, " (pass mark %s)", a);
	}
	strbuf_addf(sb, ": %s", ci_run_passed(run) ? "passed" : "failed");
}

/* The log: one human report per exercise, and the total. */
static void print_log(const struct ci_run *run, FILE *f)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < run->n; i++) {
		const struct ci_result *res = &run->results[i];

		if (res->graded) {
			report_write_human(&res->report, f, NULL);
		} else {
			strbuf_reset(&sb);
			strbuf_add_visible(&sb, res->note, strlen(res->note), 400);
			fprintf(f, "%s: %s: %s\n", res->ax->id, cell_status_name(res->status),
				sb.buf);
		}
		fputc('\n', f);
	}
	strbuf_reset(&sb);
	put_total(&sb, run);
	fprintf(f, "%s\n", sb.buf);
	strbuf_release(&sb);
}

/*
 * GitHub Actions: the log between ::stop-commands:: and its token, so that
 * nothing in it is taken as a workflow command (the runner trims a line
 * before it looks for "::"); then the annotations, each a command the
 * grader chose.
 */
static void print_github(const struct ci_run *run, FILE *f)
{
	struct strbuf sb = STRBUF_INIT;
	char token[40];
	size_t i;

	/* Drawn after grading: nothing the submission printed can know it. */
	snprintf(token, sizeof(token), "grader-%016llx%016llx", (unsigned long long)random_u64(),
		 (unsigned long long)random_u64());
	fprintf(f, "::stop-commands::%s\n", token);
	print_log(run, f);
	fprintf(f, "::%s::\n", token);
	for (i = 0; i < run->n; i++) {
		const struct ci_result *res = &run->results[i];

		if (res->graded) {
			report_write_github(&res->report, f, NULL);
			continue;
		}
		strbuf_reset(&sb);
		strbuf_addstr(&sb, "::error file=");
		text_gh_property(&sb, res->path, 0);
		strbuf_addstr(&sb, ",title=");
		text_gh_property(&sb, res->ax->id, 200);
		strbuf_addf(&sb, ": %s::", cell_status_name(res->status));
		text_gh_data(&sb, res->note, 2000);
		fprintf(f, "%s\n", sb.buf);
	}
	fputs(ci_run_passed(run) ? "::notice title=" : "::error title=", f);
	strbuf_reset(&sb);
	text_gh_property(&sb, *run->a->name ? run->a->name : "grader", 200);
	fprintf(f, "%s::", sb.buf);
	strbuf_reset(&sb);
	put_total(&sb, run);
	fprintf(f, "%s\n", sb.buf);
	strbuf_release(&sb);
}

static int write_out(const char *dir, const char *name, const char *data, size_t len)
{
	char *path = path_join(dir, name);
	int ret = write_file_atomic(path, data, len, 0644);

	if (ret)
		error("cannot write '%s': %s", path, strerror(-ret));
	free(path);
	return ret;
}

static int write_junit(const char *dir, const struct ci_result *res)
{
	struct report_opts ro = { .weight = res->ax->weight };
	struct strbuf name = STRBUF_INIT;
	char *doc = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&doc, &len);
	int ret;

	if (!f) {
		error("out of memory");
		return -ENOMEM;
	}
	ret = report_write_junit(&res->report, f, &ro);
	if (fclose(f) != 0 && !ret)
		ret = -errno;
	/* Exercise ids are [a-z0-9_-] (assignment.c): safe in a file name. */
	strbuf_addf(&name, "junit-%s.xml", res->ax->id);
	if (ret)
		error("cannot write the junit report: %s", strerror(-ret));
	else
		ret = write_out(dir, name.buf, doc, len);
	free(doc);
	strbuf_release(&name);
	return ret;
}

static int append_out(const char *path, const char *data, size_t len)
{
	int ret = append_file(path, data, len);

	if (ret)
		error("cannot append to '%s': %s", path, strerror(-ret));
	return ret;
}

/* Gradescope's results.json of every exercise, weighted, to path. */
static int write_gradescope(const struct ci_run *run, const char *path)
{
	const struct report **reports = xcalloc(run->n + 1, sizeof(*reports));
	double *weights = xcalloc(run->n + 1, sizeof(double));
	char *doc = NULL;
	size_t i, len = 0;
	FILE *f = open_memstream(&doc, &len);
	int ret;

	if (!f) {
		error("out of memory");
		free(reports);
		free(weights);
		return -ENOMEM;
	}
	for (i = 0; i < run->n; i++) {
		reports[i] = &run->results[i].report;
		weights[i] = run->results[i].ax->weight;
	}
	ret = report_write_gradescope_assignment(reports, weights, run->n,
						 *run->a->name ? run->a->name : "grader", f);
	if (fclose(f) != 0 && !ret)
		ret = -errno;
	if (ret) {
		error("cannot write the gradescope report: %s", strerror(-ret));
	} else {
		ret = write_file_atomic(path, doc, len, 0644);
		if (ret)
			error("cannot write '%s': %s", path, strerror(-ret));
	}
	free(doc);
	free(reports);
	free(weights);
	return ret;
}

/* $GITHUB_OUTPUT: the step's outputs, one name=value a line. */
static int write_github_outputs(const struct ci_run *run, const char *path, const char *out)
{
	struct strbuf sb = STRBUF_INIT;
	char a[SCORE_BUF], b[SCORE_BUF];
	double score, max;
	int ret;

	ci_run_total(run, &score, &max);
	format_score(score, a);
	format_score(max, b);
	strbuf_addf(&sb, "score=%s\nmax_score=%s\npassed=%s\n", a, b,
		    ci_run_passed(run) ? "true" : "false");
	/* A directory name with a newline would add an output of its own. */
	if (!strchr(out, '\n') && !strchr(out, '\r'))
		strbuf_addf(&sb, "reports=%s\n", out);
	ret = append_out(path, sb.buf, sb.len);
	strbuf_release(&sb);
	return ret;
}

static int write_reports(const struct ci_run *run, const char *out)
{
	struct strbuf md = STRBUF_INIT;
	char *json;
	size_t i;
	int ret = 0;

	for (i = 0; i < run->n && !ret; i++)
		ret = write_junit(out, &run->results[i]);
	if (!ret) {
		ret = ci_run_markdown(run, &md);
		if (ret)
			error("cannot write the markdown report: %s", strerror(-ret));
	}
	if (!ret)
		ret = write_out(out, "summary.md", md.buf, md.len);
	if (!ret) {
		json = ci_run_json(run);
		if (!json) {
			error("out of memory");
			ret = -ENOMEM;
		} else {
			ret = write_out(out, "summary.json", json, strlen(json));
			free(json);
		}
	}
	if (!ret && run->env->system == CI_GITHUB && run->env->step_summary)
		ret = append_out(run->env->step_summary, md.buf, md.len);
	if (!ret && run->env->system == CI_GITHUB && run->env->output)
		ret = write_github_outputs(run, run->env->output, out);
	strbuf_release(&md);
	return ret;
}

/*
 * Delivers the json report of every graded exercise (deliver.h). Returns
 * the number not delivered; every problem is told on stderr, and none
 * changes a grade.
 */
static size_t deliver_all(const struct ci_run *run, const struct webhook_opts *wo)
{
	struct strbuf log = STRBUF_INIT, name = STRBUF_INIT;
	size_t i, failed = 0;

	for (i = 0; i < run->n; i++) {
		const struct ci_result *res = &run->results[i];
		struct report r = res->report;

		if (!res->graded)
			continue;
		/* The receiver learns whose work it is from the CI system, not the learner. */
		strbuf_reset(&name);
		if (run->env->repository && run->env->commit)
			strbuf_addf(&name, "%s@%s:", run->env->repository, run->env->commit);
		strbuf_addstr(&name, res->path);
		r.submission = name.buf;
		strbuf_reset(&log);
		if (!deliver_report(&r, wo, &log))
			failed++;
		error_lines(&log);
	}
	strbuf_release(&log);
	strbuf_release(&name);
	return failed;
}

int cmd_ci(int argc, char **argv)
{
	struct ci_opts o = { .wo = WEBHOOK_OPTS_INIT };
	struct ci_env env;
	struct ci_run run = { 0 };
	struct assignment a = ASSIGNMENT_INIT;
	struct strbuf err = STRBUF_INIT;
	struct exercise **ex = NULL;
	char *config = NULL, *out = NULL, *prefix = NULL;
	const char *repo;
	int ret, status = EXIT_USAGE;

	if (wants_help(argc, argv, usage))
		return 0;
	if (parse_args(argc, argv, &o))
		goto out;
	ci_env_detect(&env);
	/* Read now, and removed from the environment before anything runs. */
	if (webhook_opts_setup(&o.wo, false, &err)) {
		error("%s", err.buf);
		goto out;
	}
	repo = o.repo ? o.repo : env.workspace ? env.workspace : ".";
	/*
	 * On Gradescope the repository is the learner's upload: a grader.json
	 * in it would choose the exercises and weights of a grade that counts
	 * (an upload shipping one that names only the exercise it passes got
	 * full marks). The assignment comes from the autograder's own files.
	 */
	if (o.gradescope && !o.config) {
		error("--gradescope needs --config: the repository is the learner's upload, and "
		      "a grader.json in it would set the exercises and weights of the grade; "
		      "point --config at the autograder's own copy (on Gradescope "
		      "/autograder/source/grader.json)");
		goto out;
	}
	config = o.config ? xstrdup(o.config) : path_join(repo, ASSIGNMENT_FILE);
	if (o.out)
		out = xstrdup(o.out);
	else if (env.system == CI_GITHUB && env.runner_temp)
		out = path_join(env.runner_temp, "grader-reports");
	else
		out = path_join(repo, "grader-reports");

	ret = assignment_load(config, &a, &err);
	if (ret) {
		error("%s", err.buf);
		status = ret == -ENOMEM ? EXIT_GRADER : EXIT_USAGE;
		goto out;
	}
	status = load_exercises(&a, exercises_dir(o.ga.exercises), &ex);
	if (status)
		goto out;
	status = prepare_out(out);
	if (status)
		goto out;
	if (!o.ga.have_seed)
		o.ga.o.seed = a.has_seed ? a.seed : random_u64() % 1000000000ULL;
	o.ga.o.nofollow = true;

	ci_run_init(&run, &a, &env);
	run.has_min = o.has_min;
	run.min_percent = o.min_percent;
	run.min_score = o.min_score;
	prefix = display_prefix(repo, &env);
	status = grade_all(&run, ex, repo, prefix, &o.ga.o);
	if (status)
		goto out;

	if (env.system == CI_GITHUB)
		print_github(&run, stdout);
	else
		print_log(&run, stdout);
	if (fflush(stdout) != 0) {
		error("cannot write the report: %s", strerror(errno));
		status = EXIT_GRADER;
		goto out;
	}
	if (write_reports(&run, out) || (o.gradescope && write_gradescope(&run, o.gradescope))) {
		status = EXIT_GRADER;
		goto out;
	}
	status = ci_run_passed(&run) ? EXIT_PASSED : EXIT_FAILED;
	/* Delivery never changes the grade; only --webhook-strict makes it count. */
	if (o.wo.url && deliver_all(&run, &o.wo) && o.wo.strict)
		status = EXIT_UNDELIVERED;
out:
	ci_run_release(&run);
	free_exercises(ex, a.nexercises);
	assignment_release(&a);
	webhook_opts_release(&o.wo);
	strbuf_release(&err);
	free(config);
	free(out);
	free(prefix);
	return status;
}
