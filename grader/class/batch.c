/*
 * batch.c: the worker pool of `grader batch`.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch.h"
#include "build.h"
#include "grade.h"
#include "ref-cache.h"
#include "result-cache.h"
#include "util.h"

#define TICK_MS 250
#define STOP_TICK_MS 20

struct job {
	struct gradebook_cell *cell;
	size_t exercise;
};

struct pool {
	struct gradebook *gb;
	const struct batch_opts *o;
	volatile sig_atomic_t *stop;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *jobs;
	size_t njobs, next;
	int running;          /* workers not finished */
	size_t graded;
	struct batch_progress p;
	struct ref_cache *refs; /* the reference's runs, shared by every grading */
};

static void key_of(const struct batch_opts *o, const struct exercise *ex, const char *sha,
		   const char *file, char key[65])
{
	char *name = build_source_name(file);
	struct result_key_parts parts = {
		.submission_sha256 = sha,
		.source_name = name,
		.ex = ex,
		.driver_hash = o->driver_hash,
		.compiler = o->compiler,
		.seed = o->seed,
		.no_sanitize = o->no_sanitize,
	};

	result_cache_key(&parts, key);
	free(name);
}

static void count(struct batch_progress *p, const struct gradebook_cell *c)
{
	p->done++;
	if (c->status == CELL_ERROR)
		p->errors++;
	else if (c->status != CELL_PASSED && c->status != CELL_PENDING)
		p->failing++;
}

/* Takes the cached result of a pending cell; false when there is none usable. */
static bool from_cache(const struct batch_opts *o, const struct gradebook_exercise *gex,
		       const struct exercise *ex, struct gradebook_cell *c)
{
	struct strbuf err = STRBUF_INIT;
	char key[65], *json;
	struct report probe;

	if (!o->cache_dir)
		return false;
	key_of(o, ex, c->sha256, c->file, key);
	if (result_cache_get(o->cache_dir, key, &json))
		return false;
	/* The same bytes from another student: the report names this one's file. */
	if (report_parse(json, &probe, &err) == 0) {
		if (strcmp(probe.submission, c->file)) {
			char *relabeled = report_json_relabel(json, c->file);

			free(json);
			json = relabeled;
		}
		report_release(&probe);
	}
	if (!json || gradebook_cell_set_report(c, gex, json, &err)) {
		c->status = CELL_PENDING; /* unusable: graded again */
		strbuf_release(&err);
		return false;
	}
	strbuf_release(&err);
	c->cached = true;
	return true;
}

static void set_note(struct gradebook_cell *c, enum cell_status st, const char *note)
{
	c->status = st;
	free(c->note);
	c->note = xstrdup(note);
}

/*
 * Grades one submission. Leaves it CELL_PENDING when the run was stopped
 * meanwhile: a killed sandbox is not the learner's failure.
 */
static void grade_one(struct pool *pl, struct grader *g, bool *open, const struct job *j)
{
	const struct batch_opts *o = pl->o;
	const struct exercise *ex = o->exercises[j->exercise];
	struct gradebook_cell *c = j->cell;
	struct grade_opts go = { .seed = o->seed, .jobs = 1, .nofollow = true,
				 .refs = pl->refs, .no_sanitize = o->no_sanitize };
	struct strbuf err = STRBUF_INIT;
	char *path = path_join(o->class_dir, c->file), *json;
	char key[65];
	struct report r;
	int attempt, ret = -EIO;

	for (attempt = 0; attempt < 2 && !*pl->stop; attempt++) {
		strbuf_reset(&err);
		if (!*open) {
			ret = grader_open(g, &err);
			if (ret)
				continue;
			*open = true;
		}
		ret = grade(g, ex, path, &go, &r, &err);
		if (ret == 0 || ret == -EINVAL)
			break;
		/* A grader failure: the next attempt gets a fresh sandbox and work directory. */
		grader_close(g);
		*open = false;
	}
	if (*pl->stop) {
		if (ret == 0)
			report_release(&r);
		goto out;
	}
	if (ret == -EINVAL) {
		set_note(c, CELL_INVALID, strbuf_str(&err));
		goto out;
	}
	if (ret) {
		set_note(c, CELL_ERROR, strbuf_str(&err));
		goto out;
	}
	free(r.submission);
	r.submission = xstrdup(c->file);
	json = report_json(&r);
	if (o->cache_dir) {
		key_of(o, ex, r.sha256, c->file, key);
		result_cache_put(o->cache_dir, key, json);
	}
	report_release(&r);
	strbuf_reset(&err);
	if (gradebook_cell_set_report(c, &pl->gb->exercises[j->exercise], json, &err))
		set_note(c, CELL_ERROR, strbuf_str(&err));
out:
	strbuf_release(&err);
	free(path);
}

static void *worker(void *arg)
{
	struct pool *pl = arg;
	struct grader g;
	bool open = false;

	pthread_mutex_lock(&pl->lock);
	while (!*pl->stop && pl->next < pl->njobs) {
		const struct job *j = &pl->jobs[pl->next++];

		pthread_mutex_unlock(&pl->lock);
		grade_one(pl, &g, &open, j);
		pthread_mutex_lock(&pl->lock);
		if (j->cell->status != CELL_PENDING) {
			count(&pl->p, j->cell);
			pl->graded++;
		}
		pthread_cond_broadcast(&pl->cond);
	}
	pl->running--;
	pthread_cond_broadcast(&pl->cond);
	pthread_mutex_unlock(&pl->lock);
	if (open)
		grader_close(&g);
	return NULL;
}

static void deadline(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void collect(struct pool *pl)
{
	struct gradebook *gb = pl->gb;
	size_t i, e;

	pl->jobs = xcalloc(gb->nstudents * gb->nexercises + 1, sizeof(*pl->jobs));
	for (i = 0; i < gb->nstudents; i++) {
		for (e = 0; e < gb->nexercises; e++) {
			struct gradebook_cell *c = &gb->students[i].cells[e];

			if (c->status != CELL_PENDING)
				continue;
			pl->p.total++;
			if (from_cache(pl->o, &gb->exercises[e], pl->o->exercises[e], c)) {
				pl->p.cached++;
				count(&pl->p, c);
				continue;
			}
			pl->jobs[pl->njobs].cell = c;
			pl->jobs[pl->njobs].exercise = e;
			pl->njobs++;
		}
	}
}

int batch_run(struct gradebook *gb, const struct batch_opts *o, volatile sig_atomic_t *stop,
	      batch_progress_fn fn, void *arg, struct batch_progress *out)
{
	struct pool pl = { .gb = gb, .o = o, .stop = stop };
	char *cache;
	pthread_t *threads;
	sigset_t all, old;
	double start;
	int i, n = 0, want;

	pthread_mutex_init(&pl.lock, NULL);
	pthread_cond_init(&pl.cond, NULL);
	cache = build_cache_dir();
	pl.refs = ref_cache_new(cache);
	free(cache);
	collect(&pl);
	want = o->jobs < 1 ? 1 : o->jobs;
	if ((size_t)want > pl.njobs)
		want = (int)pl.njobs;
	threads = xcalloc((size_t)want + 1, sizeof(*threads));
	start = now_ms() / 1e3;
	/* Signals go to this thread, whose handler sets *stop. */
	sigfillset(&all);
	pl.running = want;
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < want; i++)
		if (pthread_create(&threads[n], NULL, worker, &pl) == 0)
			n++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_mutex_lock(&pl.lock);
	pl.running -= want - n;
	if (n == 0 && pl.njobs) {
		/* No thread could start: grade here, without progress. */
		pl.running = 1;
		pthread_mutex_unlock(&pl.lock);
		worker(&pl);
		pthread_mutex_lock(&pl.lock);
	}
	for (;;) {
		struct timespec ts;
		struct batch_progress snap;
		bool stopping = *stop;

		pl.p.elapsed_s = now_ms() / 1e3 - start;
		pl.p.rate = pl.p.elapsed_s > 0 ? (double)pl.graded / pl.p.elapsed_s : 0;
		snap = pl.p;
		if (pl.running == 0)
			break;
		pthread_mutex_unlock(&pl.lock);
		if (stopping)
			sandbox_kill_all(); /* again and again: a grade() in flight starts new runs */
		if (fn)
			fn(&snap, false, arg);
		pthread_mutex_lock(&pl.lock);
		deadline(&ts, stopping ? STOP_TICK_MS : TICK_MS);
		pthread_cond_timedwait(&pl.cond, &pl.lock, &ts);
	}
	pthread_mutex_unlock(&pl.lock);
	for (i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	if (fn)
		fn(&pl.p, true, arg);
	if (out)
		*out = pl.p;
	free(pl.jobs);
	ref_cache_free(pl.refs);
	pthread_cond_destroy(&pl.cond);
	pthread_mutex_destroy(&pl.lock);
	return *stop ? -EINTR : 0;
}
