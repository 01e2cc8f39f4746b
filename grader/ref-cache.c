/*
 * ref-cache.c: the reference's runs, computed once per batch.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ref-cache.h"
#include "sha256.h"
#include "util.h"

#ifndef GRADER_VERSION
#define GRADER_VERSION "0.0.0"
#endif

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
	size_t hits, stored;
};

struct ref_cache *ref_cache_new(void)
{
	struct ref_cache *rc = xcalloc(1, sizeof(*rc));

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
	pthread_cond_destroy(&rc->cond);
	pthread_mutex_destroy(&rc->lock);
	free(rc);
}

void ref_cache_key(const struct ref_key_parts *p, char out[65])
{
	struct strbuf sb = STRBUF_INIT;

	/* NUL-separated: no field can pass itself off as two. */
	strbuf_addf(&sb, "ref-cache 2%c%s%c%s%c%s%c%s%c%s%c%llu%c%s%c%s%s", 0, p->exercise,
		    0, p->spec_hash, 0, p->driver_hash, 0, p->compiler, 0, GRADER_VERSION, 0,
		    (unsigned long long)p->seed, 0, p->test, 0,
		    p->program ? "mistake " : "reference", p->program ? p->program : "");
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

bool ref_cache_get(struct ref_cache *rc, const char *key, const struct ref_run *out)
{
	struct ref_entry *e;
	bool hit = false;

	pthread_mutex_lock(&rc->lock);
	while ((e = find(rc, key, NULL)) && !e->ready)
		pthread_cond_wait(&rc->cond, &rc->lock);
	if (e) {
		struct ref_run v = view(e);

		copy_run(out, &v);
		rc->hits++;
		hit = true;
	} else {
		e = xcalloc(1, sizeof(*e));
		memcpy(e->key, key, sizeof(e->key) - 1);
		if (rc->n == rc->alloc) {
			rc->alloc = rc->alloc ? rc->alloc * 2 : 64;
			rc->entries = xrealloc(rc->entries, rc->alloc * sizeof(*rc->entries));
		}
		rc->entries[rc->n++] = e;
	}
	pthread_mutex_unlock(&rc->lock);
	return hit;
}

void ref_cache_put(struct ref_cache *rc, const char *key, const struct ref_run *run)
{
	struct ref_entry *e;

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
}

void ref_cache_drop(struct ref_cache *rc, const char *key)
{
	struct ref_entry *e;
	size_t at;

	pthread_mutex_lock(&rc->lock);
	e = find(rc, key, &at);
	if (e && !e->ready) {
		rc->entries[at] = rc->entries[--rc->n];
		entry_free(e);
	}
	pthread_cond_broadcast(&rc->cond);
	pthread_mutex_unlock(&rc->lock);
}

void ref_cache_stats(struct ref_cache *rc, size_t *hits, size_t *stored)
{
	pthread_mutex_lock(&rc->lock);
	*hits = rc->hits;
	*stored = rc->stored;
	pthread_mutex_unlock(&rc->lock);
}
