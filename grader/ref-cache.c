/*
 * ref-cache.c: the runs of trusted programs, computed once per batch, and
 * once per machine where they do not depend on the seed.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "ref-cache.h"
#include "version.h"
#include "util.h"

struct ref_entry {
	char key[65];
	bool ready;    /* false: a thread is running it (the claim) */
	struct sandbox_result res;
	struct obs obs;
	struct strbuf *files;
	bool *present;
	size_t nfiles;
};

struct ref_cache {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct ref_entry **entries;
	size_t n, alloc;
	size_t hits, stored, disk_hits;
	char *dir;
	char (*probed)[65];   /* keys of memory-check probes that passed */
	size_t nprobed, probed_alloc;
};

struct ref_cache *ref_cache_new(const char *dir)
{
	struct ref_cache *rc = xcalloc(1, sizeof(*rc));

	rc->dir = dir ? xstrdup(dir) : NULL;

	pthread_mutex_init(&rc->lock, NULL);
	pthread_cond_init(&rc->cond, NULL);
	return rc;
}

static void entry_free(struct ref_entry *e)
{
	size_t i;

	sandbox_result_release(&e->res);
	obs_release(&e->obs);
	for (i = 0; e->files && e->files[i].buf; i++)
		strbuf_release(&e->files[i]);
	free(e->files);
	free(e->present);
	free(e);
}

void ref_cache_free(struct ref_cache *rc)
{
	size_t i;

	if (!rc)
		return;
	for (i = 0; i < rc->n; i++)
		entry_free(rc->entries[i]);
	free(rc->entries);
	free(rc->probed);
	free(rc->dir);
	pthread_cond_destroy(&rc->cond);
	pthread_mutex_destroy(&rc->lock);
	free(rc);
}

void ref_cache_key(const struct ref_key_parts *p, bool seeded, char out[65])
{
	struct strbuf sb = STRBUF_INIT;

	/* NUL-separated: no field can pass itself off as two. */
	strbuf_addf(&sb, "ref-cache 2%c%s%c%s%c%s%c%s%c%s%c%s%llu%c%s%c%s%s", 0, p->exercise,
		    0, p->spec_hash, 0, p->driver_hash, 0, p->compiler, 0, GRADER_VERSION, 0,
		    seeded ? "seed " : "any seed", seeded ? (unsigned long long)p->seed : 0ULL,
		    0, p->test, 0, p->program ? "mistake " : "reference",
		    p->program ? p->program : "");
	sha256_hex(sb.buf, sb.len, out);
	strbuf_release(&sb);
}

static void copy_buf(struct sandbox_buf *to, const struct sandbox_buf *from)
{
	*to = *from;
	if (!from->data)
		return;
	to->data = xmalloc(from->len + 1);
	memcpy(to->data, from->data, from->len);
	to->data[from->len] = '\0';
}

/* The lines of from, pointing into base instead of old_base. */
static void copy_obs(struct obs *to, const struct obs *from, const char *old_base, char *base)
{
	size_t i;

	*to = *from;
	to->lines = from->n ? xcalloc(from->n, sizeof(char *)) : NULL;
	for (i = 0; i < from->n; i++)
		to->lines[i] = base + (from->lines[i] - old_base);
	if (from->fail)
		to->fail = base + (from->fail - old_base);
}

static void copy_files(struct strbuf **to, bool **to_present, const struct strbuf *from,
		       const bool *present, size_t n)
{
	size_t i;

	*to = NULL;
	*to_present = NULL;
	if (!from)
		return;
	*to = xcalloc(n + 1, sizeof(struct strbuf));
	*to_present = xcalloc(n ? n : 1, sizeof(bool));
	for (i = 0; i < n && from[i].buf; i++) {
		strbuf_grow(&(*to)[i], from[i].len);
		strbuf_add(&(*to)[i], from[i].buf, from[i].len);
	}
	if (present)
		memcpy(*to_present, present, n * sizeof(bool));
}

/* Deep copies: the observation lines point into each copy's own channel. */
static void copy_run(const struct ref_run *to, const struct ref_run *from)
{
	*to->res = *from->res;
	copy_buf(&to->res->out, &from->res->out);
	copy_buf(&to->res->err, &from->res->err);
	copy_buf(&to->res->channel, &from->res->channel);
	copy_obs(to->obs, from->obs, from->res->channel.data, to->res->channel.data);
	copy_files(to->files, to->present, *from->files, *from->present, from->nfiles);
}

static struct ref_entry *find(struct ref_cache *rc, const char *key, size_t *at)
{
	size_t i;

	for (i = 0; i < rc->n; i++) {
		if (!strcmp(rc->entries[i]->key, key)) {
			if (at)
				*at = i;
			return rc->entries[i];
		}
	}
	return NULL;
}

static struct ref_run view(struct ref_entry *e)
{
	struct ref_run v = { &e->res, &e->obs, &e->files, &e->present, e->nfiles };

	return v;
}

/*
 * On disk, a run is "<cache>/run-<key>": a header line with the format
 * and the SHA-256 of the rest, a line of numbers, then each buffer as a
 * line "<length> <flag>" and its bytes, then the observation lines as
 * offsets into the channel. The grader wrote it, but a file cut short, a
 * disk error or another version of the grader must read as a miss, never
 * as a run: every length and offset is checked against the file.
 */
#define RUN_MAGIC "grader-run 1 "
#define RUN_FILE_MAX (64u << 20)

static char *run_path(const char *dir, const char *key)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/run-%s", dir, key);
	return strbuf_detach(&sb);
}

static void put_buf(struct strbuf *sb, const char *data, size_t len, int flag)
{
	strbuf_addf(sb, "%zu %d\n", len, flag);
	if (len)
		strbuf_add(sb, data, len);
}

static void disk_store(const char *dir, const char *key, const struct ref_run *run)
{
	const struct sandbox_result *r = run->res;
	const struct obs *o = run->obs;
	struct strbuf body = STRBUF_INIT, file = STRBUF_INIT;
	char *path, sum[65];
	size_t i, nfiles = *run->files ? run->nfiles : 0;

	strbuf_addf(&body, "%d %d %d %d %.3f %.3f %ld %u\n", (int)r->outcome, r->exit_code,
		    r->term_signal, r->exec_errno, r->cpu_ms, r->wall_ms, r->peak_kb, r->layers);
	put_buf(&body, r->syscall_name, strnlen(r->syscall_name, sizeof(r->syscall_name) - 1), 0);
	put_buf(&body, r->out.data, r->out.len, r->out.truncated);
	put_buf(&body, r->err.data, r->err.len, r->err.truncated);
	put_buf(&body, r->channel.data, r->channel.len, r->channel.truncated);
	strbuf_addf(&body, "%zu %d %d %d %d %" PRIu64 " %zd\n", o->n, o->ended, o->too_many,
		    o->seeded, o->has_allocs, o->allocs,
		    o->fail ? (ssize_t)(o->fail - r->channel.data) : (ssize_t)-1);
	for (i = 0; i < o->n; i++)
		strbuf_addf(&body, "%zu\n", (size_t)(o->lines[i] - r->channel.data));
	strbuf_addf(&body, "%zu\n", nfiles);
	for (i = 0; i < nfiles; i++)
		put_buf(&body, (*run->files)[i].buf, (*run->files)[i].len, (*run->present)[i]);
	sha256_hex(body.buf, body.len, sum);
	strbuf_addf(&file, RUN_MAGIC "%s\n", sum);
	strbuf_add(&file, body.buf, body.len);
	path = run_path(dir, key);
	/* Quietly: without the copy on disk the next grading only runs it again. */
	if (file.len <= RUN_FILE_MAX)
		(void)write_file_atomic(path, file.buf, file.len, 0644);
	free(path);
	strbuf_release(&body);
	strbuf_release(&file);
}

struct reader {
	const char *p, *end;
};

/* The next line, NUL-terminated in a copy of at most 255 bytes; false at the end. */
static bool next_line(struct reader *rd, char *line, size_t cap)
{
	const char *nl = memchr(rd->p, '\n', (size_t)(rd->end - rd->p));
	size_t n;

	if (!nl || (size_t)(nl - rd->p) >= cap)
		return false;
	n = (size_t)(nl - rd->p);
	memcpy(line, rd->p, n);
	line[n] = '\0';
	rd->p = nl + 1;
	return true;
}

static bool get_buf(struct reader *rd, char **data, size_t *len, int *flag)
{
	char line[64], tail;
	size_t n;

	if (!next_line(rd, line, sizeof(line)) ||
	    sscanf(line, "%zu %d%c", &n, flag, &tail) != 2 || n > (size_t)(rd->end - rd->p))
		return false;
	*data = xmalloc(n + 1);
	memcpy(*data, rd->p, n);
	(*data)[n] = '\0';
	*len = n;
	rd->p += n;
	return true;
}

static bool get_size(struct reader *rd, size_t *v, size_t max)
{
	char line[32], tail;

	return next_line(rd, line, sizeof(line)) && sscanf(line, "%zu%c", v, &tail) == 1 &&
	       *v <= max;
}

static bool parse_entry(struct reader *rd, struct ref_entry *e)
{
	struct sandbox_result *r = &e->res;
	struct obs *o = &e->obs;
	char line[256], *name = NULL, tail;
	size_t i, len, nfiles;
	int outcome, flag, ended, too_many, seeded, has_allocs;
	ssize_t fail;

	r->workdir_fd = -1;
	if (!next_line(rd, line, sizeof(line)) ||
	    sscanf(line, "%d %d %d %d %lf %lf %ld %u%c", &outcome, &r->exit_code, &r->term_signal,
		   &r->exec_errno, &r->cpu_ms, &r->wall_ms, &r->peak_kb, &r->layers, &tail) != 8)
		return false;
	r->outcome = (enum sandbox_outcome)outcome;
	if (!get_buf(rd, &name, &len, &flag))
		return false;
	snprintf(r->syscall_name, sizeof(r->syscall_name), "%s", name);
	free(name);
	if (!get_buf(rd, &r->out.data, &r->out.len, &flag))
		return false;
	r->out.truncated = flag;
	if (!get_buf(rd, &r->err.data, &r->err.len, &flag))
		return false;
	r->err.truncated = flag;
	if (!get_buf(rd, &r->channel.data, &r->channel.len, &flag))
		return false;
	r->channel.truncated = flag;
	if (!next_line(rd, line, sizeof(line)) ||
	    sscanf(line, "%zu %d %d %d %d %" SCNu64 " %zd%c", &o->n, &ended, &too_many, &seeded,
		   &has_allocs, &o->allocs, &fail, &tail) != 7 ||
	    o->n > OBS_MAX_LINES || fail < -1 || (fail >= 0 && (size_t)fail >= r->channel.len + 1))
		return false;
	/* Only a run that did not depend on the seed is ever written. */
	o->ended = ended;
	o->too_many = too_many;
	o->seeded = seeded;
	o->has_allocs = has_allocs;
	if (o->seeded)
		return false;
	o->fail = fail >= 0 ? r->channel.data + fail : NULL;
	o->lines = o->n ? xcalloc(o->n, sizeof(char *)) : NULL;
	for (i = 0; i < o->n; i++) {
		size_t off;

		if (!get_size(rd, &off, r->channel.len))
			return false;
		o->lines[i] = r->channel.data + off;
	}
	if (!get_size(rd, &nfiles, 4096) || (nfiles && nfiles != e->nfiles))
		return false;
	if (nfiles) {
		e->files = xcalloc(nfiles + 1, sizeof(struct strbuf));
		e->present = xcalloc(nfiles, sizeof(bool));
	}
	for (i = 0; i < nfiles; i++) {
		char *data;

		if (!get_buf(rd, &data, &len, &flag))
			return false;
		strbuf_add(&e->files[i], data, len);
		if (!e->files[i].buf)
			strbuf_grow(&e->files[i], 1);
		free(data);
		e->present[i] = flag;
	}
	return rd->p == rd->end;
}

/* Fills the claimed entry e from disk; false (e untouched) on a miss. */
static bool disk_load(const char *dir, const char *key, struct ref_entry *e)
{
	struct strbuf file = STRBUF_INIT;
	struct ref_entry tmp = { .res.workdir_fd = -1 };
	char *path = run_path(dir, key), sum[65];
	const size_t head = strlen(RUN_MAGIC) + 65;
	struct reader rd;
	bool ok = false;

	if (read_file(path, RUN_FILE_MAX, true, &file) == 0 && file.len > head &&
	    !memcmp(file.buf, RUN_MAGIC, strlen(RUN_MAGIC)) && file.buf[head - 1] == '\n') {
		sha256_hex(file.buf + head, file.len - head, sum);
		rd.p = file.buf + head;
		rd.end = file.buf + file.len;
		tmp.nfiles = e->nfiles;
		ok = !memcmp(sum, file.buf + strlen(RUN_MAGIC), 64) && parse_entry(&rd, &tmp);
	}
	if (ok) {
		e->res = tmp.res;
		e->obs = tmp.obs;
		e->files = tmp.files;
		e->present = tmp.present;
	} else {
		sandbox_result_release(&tmp.res);
		obs_release(&tmp.obs);
		for (size_t i = 0; tmp.files && i < tmp.nfiles; i++)
			strbuf_release(&tmp.files[i]);
		free(tmp.files);
		free(tmp.present);
	}
	free(path);
	strbuf_release(&file);
	return ok;
}

bool ref_cache_get(struct ref_cache *rc, const struct ref_key_parts *p, const struct ref_run *out)
{
	struct ref_entry *e;
	char key[65], any[65];
	bool hit = false;

	ref_cache_key(p, true, key);
	pthread_mutex_lock(&rc->lock);
	while ((e = find(rc, key, NULL)) && !e->ready)
		pthread_cond_wait(&rc->cond, &rc->lock);
	if (e) {
		struct ref_run v = view(e);

		copy_run(out, &v);
		rc->hits++;
		pthread_mutex_unlock(&rc->lock);
		return true;
	}
	e = xcalloc(1, sizeof(*e));
	/* Not descriptor 0: a claim dropped unfilled releases this result. */
	e->res.workdir_fd = -1;
	memcpy(e->key, key, sizeof(e->key) - 1);
	e->nfiles = out->nfiles;
	if (rc->n == rc->alloc) {
		rc->alloc = rc->alloc ? rc->alloc * 2 : 64;
		rc->entries = xrealloc(rc->entries, rc->alloc * sizeof(*rc->entries));
	}
	rc->entries[rc->n++] = e;
	pthread_mutex_unlock(&rc->lock);

	/* Claimed: other askers wait while the disk is read. */
	ref_cache_key(p, false, any);
	if (rc->dir && disk_load(rc->dir, any, e)) {
		struct ref_run v = view(e);

		pthread_mutex_lock(&rc->lock);
		copy_run(out, &v);
		e->ready = true;
		rc->hits++;
		rc->disk_hits++;
		pthread_cond_broadcast(&rc->cond);
		pthread_mutex_unlock(&rc->lock);
		hit = true;
	}
	return hit;
}

void ref_cache_put(struct ref_cache *rc, const struct ref_key_parts *p, const struct ref_run *run)
{
	struct ref_entry *e;
	char key[65], any[65];

	ref_cache_key(p, true, key);
	pthread_mutex_lock(&rc->lock);
	e = find(rc, key, NULL);
	if (e && !e->ready) {
		struct ref_run v = view(e);

		e->nfiles = run->nfiles;
		v.nfiles = run->nfiles;
		copy_run(&v, run);
		e->ready = true;
		rc->stored++;
	}
	pthread_cond_broadcast(&rc->cond);
	pthread_mutex_unlock(&rc->lock);
	if (rc->dir && !run->obs->seeded) {
		ref_cache_key(p, false, any);
		disk_store(rc->dir, any, run);
	}
}

void ref_cache_drop(struct ref_cache *rc, const struct ref_key_parts *p)
{
	struct ref_entry *e;
	char key[65];
	size_t at;

	ref_cache_key(p, true, key);
	pthread_mutex_lock(&rc->lock);
	e = find(rc, key, &at);
	if (e && !e->ready) {
		rc->entries[at] = rc->entries[--rc->n];
		entry_free(e);
	}
	pthread_cond_broadcast(&rc->cond);
	pthread_mutex_unlock(&rc->lock);
}

void ref_cache_stats(struct ref_cache *rc, size_t *hits, size_t *stored, size_t *disk_hits)
{
	pthread_mutex_lock(&rc->lock);
	*hits = rc->hits;
	*stored = rc->stored;
	*disk_hits = rc->disk_hits;
	pthread_mutex_unlock(&rc->lock);
}

/* The probe's key: its program is the sanitized reference, which no mistake can be named. */
static void probe_key(const struct ref_key_parts *p, char out[65])
{
	struct ref_key_parts q = *p;

	q.program = "(the reference, sanitized)";
	ref_cache_key(&q, true, out);
}

bool ref_cache_probed(struct ref_cache *rc, const struct ref_key_parts *p)
{
	char key[65];
	bool found = false;
	size_t i;

	probe_key(p, key);
	pthread_mutex_lock(&rc->lock);
	for (i = 0; i < rc->nprobed && !found; i++)
		found = !strcmp(rc->probed[i], key);
	pthread_mutex_unlock(&rc->lock);
	return found;
}

void ref_cache_set_probed(struct ref_cache *rc, const struct ref_key_parts *p)
{
	char key[65];

	probe_key(p, key);
	pthread_mutex_lock(&rc->lock);
	if (rc->nprobed == rc->probed_alloc) {
		rc->probed_alloc = rc->probed_alloc ? rc->probed_alloc * 2 : 8;
		rc->probed = xrealloc(rc->probed, rc->probed_alloc * sizeof(*rc->probed));
	}
	memcpy(rc->probed[rc->nprobed++], key, sizeof(key));
	pthread_mutex_unlock(&rc->lock);
}
