/*
 * Wrong on purpose: load empties the registry first, as the chapter's
 * Python does, so a missing or corrupt file leaves it empty instead of
 * unchanged.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "user_registry.h"

#define MIN_CAPACITY 16
#define MAX_FILE_BYTES ((size_t)1 << 30)

struct user {
	int id;
	char *name;
	char *email;
	char **roles;
	size_t nroles;
	size_t roles_cap;
};

struct registry {
	struct user **by_id;    /* cap slots, NULL when empty */
	struct user **by_email; /* cap slots, NULL when empty */
	size_t cap;             /* a power of two, or 0 before the first add */
	size_t count;
};

static char *copy_string(const char *s)
{
	size_t n = strlen(s) + 1;
	char *c = malloc(n);

	if (c)
		memcpy(c, s, n);
	return c;
}

static size_t hash_id(int id)
{
	uint64_t h = (uint64_t)(unsigned int)id * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h ^ (h >> 29));
}

static size_t hash_email(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return (size_t)(h ^ (h >> 32));
}

static bool valid_text(const char *s)
{
	return s && *s;
}

/* Exactly one '@', with at least one byte before it and one after it. */
static bool valid_email(const char *s)
{
	const char *at;

	if (!s)
		return false;
	at = strchr(s, '@');
	return at && at != s && at[1] && !strchr(at + 1, '@');
}

static size_t id_slot(const struct registry *r, int id)
{
	size_t mask = r->cap - 1;
	size_t i = hash_id(id) & mask;

	while (r->by_id[i] && r->by_id[i]->id != id)
		i = (i + 1) & mask;
	return i;
}

static size_t email_slot(const struct registry *r, const char *email)
{
	size_t mask = r->cap - 1;
	size_t i = hash_email(email) & mask;

	while (r->by_email[i] && strcmp(r->by_email[i]->email, email) != 0)
		i = (i + 1) & mask;
	return i;
}

static struct user *find_id(const struct registry *r, int id)
{
	return r->cap ? r->by_id[id_slot(r, id)] : NULL;
}

static struct user *find_email(const struct registry *r, const char *email)
{
	return r->cap ? r->by_email[email_slot(r, email)] : NULL;
}

/* Removes slot i of a linear-probing table, shifting later entries back. */
static void table_delete(struct user **t, size_t cap, size_t i, bool by_email)
{
	size_t mask = cap - 1;
	size_t j = i;

	t[i] = NULL;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!t[j])
			return;
		home = (by_email ? hash_email(t[j]->email) : hash_id(t[j]->id)) & mask;
		/* Entry j may move to the hole i only if i lies on its probe path. */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			t[i] = t[j];
			t[j] = NULL;
			i = j;
		}
	}
}

/* Makes room for one more user; on failure nothing has changed. */
static reg_status reserve_one(struct registry *r)
{
	struct user **ids, **emails;
	size_t cap, i;

	if ((r->count + 1) * 2 <= r->cap)
		return REG_OK;
	cap = r->cap ? r->cap * 2 : MIN_CAPACITY;
	ids = calloc(cap, sizeof(*ids));
	emails = calloc(cap, sizeof(*emails));
	if (!ids || !emails) {
		free(ids);
		free(emails);
		return REG_NO_MEMORY;
	}
	for (i = 0; i < r->cap; i++) {
		struct user *u = r->by_id[i];
		size_t k;

		if (!u)
			continue;
		for (k = hash_id(u->id) & (cap - 1); ids[k]; k = (k + 1) & (cap - 1))
			;
		ids[k] = u;
		for (k = hash_email(u->email) & (cap - 1); emails[k]; k = (k + 1) & (cap - 1))
			;
		emails[k] = u;
	}
	free(r->by_id);
	free(r->by_email);
	r->by_id = ids;
	r->by_email = emails;
	r->cap = cap;
	return REG_OK;
}

static void user_free(struct user *u)
{
	size_t i;

	if (!u)
		return;
	for (i = 0; i < u->nroles; i++)
		free(u->roles[i]);
	free(u->roles);
	free(u->name);
	free(u->email);
	free(u);
}

static size_t role_index(const struct user *u, const char *role)
{
	size_t i;

	for (i = 0; i < u->nroles; i++) {
		if (strcmp(u->roles[i], role) == 0)
			return i;
	}
	return SIZE_MAX;
}

/* Appends a copy of role unless it is already held. */
static reg_status user_push_role(struct user *u, const char *role)
{
	char *copy;

	if (role_index(u, role) != SIZE_MAX)
		return REG_OK;
	if (u->nroles == u->roles_cap) {
		size_t cap = u->roles_cap ? u->roles_cap * 2 : 4;
		char **roles = realloc(u->roles, cap * sizeof(*roles));

		if (!roles)
			return REG_NO_MEMORY;
		u->roles = roles;
		u->roles_cap = cap;
	}
	copy = copy_string(role);
	if (!copy)
		return REG_NO_MEMORY;
	u->roles[u->nroles++] = copy;
	return REG_OK;
}

static struct user *user_new(int id, const char *name, const char *email,
			     const char *const *roles, size_t nroles)
{
	struct user *u = calloc(1, sizeof(*u));
	size_t i;

	if (!u)
		return NULL;
	u->id = id;
	u->name = copy_string(name);
	u->email = copy_string(email);
	if (!u->name || !u->email)
		goto fail;
	for (i = 0; i < nroles; i++) {
		if (user_push_role(u, roles[i]) != REG_OK)
			goto fail;
	}
	return u;
fail:
	user_free(u);
	return NULL;
}

registry *registry_create(void)
{
	return calloc(1, sizeof(struct registry));
}

static void registry_release(struct registry *r)
{
	size_t i;

	for (i = 0; i < r->cap; i++)
		user_free(r->by_id[i]);
	free(r->by_id);
	free(r->by_email);
}

void registry_destroy(registry *r)
{
	if (!r)
		return;
	registry_release(r);
	free(r);
}

reg_status registry_add(registry *r, int id, const char *name, const char *email,
			const char *const *roles, size_t nroles)
{
	struct user *u;
	size_t i;

	if (id <= 0)
		return REG_INVALID_ID;
	if (!valid_text(name))
		return REG_INVALID_NAME;
	if (!valid_email(email))
		return REG_INVALID_EMAIL;
	if (nroles && !roles)
		return REG_INVALID_ROLE;
	for (i = 0; i < nroles; i++) {
		if (!valid_text(roles[i]))
			return REG_INVALID_ROLE;
	}
	if (find_id(r, id))
		return REG_DUPLICATE_ID;
	if (find_email(r, email))
		return REG_DUPLICATE_EMAIL;
	if (reserve_one(r) != REG_OK)
		return REG_NO_MEMORY;
	u = user_new(id, name, email, roles, nroles);
	if (!u)
		return REG_NO_MEMORY;
	r->by_id[id_slot(r, id)] = u;
	r->by_email[email_slot(r, email)] = u;
	r->count++;
	return REG_OK;
}

reg_status registry_remove(registry *r, int id)
{
	struct user *u;

	if (id <= 0)
		return REG_INVALID_ID;
	u = find_id(r, id);
	if (!u)
		return REG_NOT_FOUND;
	table_delete(r->by_id, r->cap, id_slot(r, id), false);
	table_delete(r->by_email, r->cap, email_slot(r, u->email), true);
	r->count--;
	user_free(u);
	return REG_OK;
}

const user *registry_get_by_id(const registry *r, int id)
{
	return id > 0 ? find_id(r, id) : NULL;
}

const user *registry_get_by_email(const registry *r, const char *email)
{
	return email ? find_email(r, email) : NULL;
}

size_t registry_count(const registry *r)
{
	return r->count;
}

static int cmp_user_id(const void *a, const void *b)
{
	int x = (*(const struct user *const *)a)->id;
	int y = (*(const struct user *const *)b)->id;

	return (x > y) - (x < y);
}

/* Restores the max-heap (largest id on top) below position i. */
static void sift_down(const user **h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, big = i;
		const user *t;

		if (l < n && h[l]->id > h[big]->id)
			big = l;
		if (l + 1 < n && h[l + 1]->id > h[big]->id)
			big = l + 1;
		if (big == i)
			return;
		t = h[i];
		h[i] = h[big];
		h[big] = t;
		i = big;
	}
}

/*
 * Keeps the max lowest ids in a max-heap built in out itself, so that
 * listing needs no memory of its own, then sorts them.
 */
size_t registry_list(const registry *r, const user **out, size_t max)
{
	size_t n = 0, i;

	if (max == 0)
		return 0;
	for (i = 0; i < r->cap; i++) {
		const user *u = r->by_id[i];

		if (!u)
			continue;
		if (n < max) {
			out[n++] = u;
			if (n == max) {
				size_t k;

				for (k = n / 2; k-- > 0;)
					sift_down(out, n, k);
			}
		} else if (u->id < out[0]->id) {
			out[0] = u;
			sift_down(out, n, 0);
		}
	}
	qsort(out, n, sizeof(*out), cmp_user_id);
	return n;
}

int user_id(const user *u)
{
	return u->id;
}

const char *user_name(const user *u)
{
	return u->name;
}

const char *user_email(const user *u)
{
	return u->email;
}

size_t user_role_count(const user *u)
{
	return u->nroles;
}

const char *user_role(const user *u, size_t i)
{
	return i < u->nroles ? u->roles[i] : NULL;
}

bool user_has_role(const user *u, const char *role)
{
	return role && role_index(u, role) != SIZE_MAX;
}

reg_status registry_set_name(registry *r, int id, const char *name)
{
	struct user *u;
	char *copy;

	if (id <= 0)
		return REG_INVALID_ID;
	if (!valid_text(name))
		return REG_INVALID_NAME;
	u = find_id(r, id);
	if (!u)
		return REG_NOT_FOUND;
	copy = copy_string(name);
	if (!copy)
		return REG_NO_MEMORY;
	free(u->name);
	u->name = copy;
	return REG_OK;
}

reg_status registry_add_role(registry *r, int id, const char *role)
{
	struct user *u;

	if (id <= 0)
		return REG_INVALID_ID;
	if (!valid_text(role))
		return REG_INVALID_ROLE;
	u = find_id(r, id);
	if (!u)
		return REG_NOT_FOUND;
	return user_push_role(u, role);
}

reg_status registry_remove_role(registry *r, int id, const char *role)
{
	struct user *u;
	size_t i;

	if (id <= 0)
		return REG_INVALID_ID;
	if (!valid_text(role))
		return REG_INVALID_ROLE;
	u = find_id(r, id);
	if (!u)
		return REG_NOT_FOUND;
	i = role_index(u, role);
	if (i == SIZE_MAX)
		return REG_OK;
	free(u->roles[i]);
	memmove(u->roles + i, u->roles + i + 1, (u->nroles - i - 1) * sizeof(*u->roles));
	u->nroles--;
	return REG_OK;
}

/* Builds the document: an array of users in ascending id. NULL if out of memory. */
static cJSON *registry_to_json(const registry *r)
{
	const user **users = NULL;
	cJSON *doc = cJSON_CreateArray();
	size_t n, i;

	if (!doc)
		return NULL;
	if (r->count) {
		users = malloc(r->count * sizeof(*users));
		if (!users)
			goto fail;
	}
	n = registry_list(r, users, r->count);
	for (i = 0; i < n; i++) {
		const user *u = users[i];
		cJSON *obj = cJSON_CreateObject();
		cJSON *roles;
		size_t k;

		if (!obj)
			goto fail;
		cJSON_AddItemToArray(doc, obj);
		if (!cJSON_AddNumberToObject(obj, "user_id", u->id) ||
		    !cJSON_AddStringToObject(obj, "name", u->name) ||
		    !cJSON_AddStringToObject(obj, "email", u->email))
			goto fail;
		roles = cJSON_AddArrayToObject(obj, "roles");
		if (!roles)
			goto fail;
		for (k = 0; k < u->nroles; k++) {
			cJSON *s = cJSON_CreateString(u->roles[k]);

			if (!s)
				goto fail;
			cJSON_AddItemToArray(roles, s);
		}
	}
	free(users);
	return doc;
fail:
	free(users);
	cJSON_Delete(doc);
	return NULL;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

reg_status registry_save_json(const registry *r, const char *path)
{
	reg_status st = REG_IO_ERROR;
	cJSON *doc = registry_to_json(r);
	char *text = NULL, *tmp = NULL;
	size_t plen = strlen(path);
	int fd = -1;
	bool ok;

	if (!doc)
		return REG_NO_MEMORY;
	text = cJSON_Print(doc);
	cJSON_Delete(doc);
	/* The temporary file sits beside the target, so rename cannot cross file systems. */
	tmp = malloc(plen + 5);
	if (!text || !tmp) {
		st = REG_NO_MEMORY;
		goto out;
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp", 5);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		goto out;
	ok = write_all(fd, text, strlen(text)) && write_all(fd, "\n", 1) && fsync(fd) == 0;
	if (close(fd) != 0)
		ok = false;
	if (ok && rename(tmp, path) == 0)
		st = REG_OK;
	else
		unlink(tmp);
out:
	free(tmp);
	cJSON_free(text);
	return st;
}

/* Reads the whole file into a NUL-terminated buffer. */
static reg_status read_file(const char *path, char **data, size_t *len)
{
	reg_status st = REG_IO_ERROR;
	size_t cap = 4096, n = 0;
	char *buf = NULL;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return errno == ENOENT ? REG_NOT_FOUND : REG_IO_ERROR;
	buf = malloc(cap + 1);
	if (!buf) {
		st = REG_NO_MEMORY;
		goto out;
	}
	for (;;) {
		ssize_t got;

		if (n == cap) {
			char *bigger;

			if (cap >= MAX_FILE_BYTES)
				goto out;
			bigger = realloc(buf, cap * 2 + 1);
			if (!bigger) {
				st = REG_NO_MEMORY;
				goto out;
			}
			buf = bigger;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto out;
		if (got == 0)
			break;
		n += (size_t)got;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	buf = NULL;
	st = REG_OK;
out:
	free(buf);
	close(fd);
	return st;
}

static bool json_int(const cJSON *item, int *out)
{
	double d;

	if (!cJSON_IsNumber(item))
		return false;
	d = item->valuedouble;
	if (!(d >= (double)INT_MIN && d <= (double)INT_MAX) || d != (double)(int)d)
		return false;
	*out = (int)d;
	return true;
}

/* Adds one user object of the document to r; anything invalid is REG_CORRUPT. */
static reg_status add_json_user(registry *r, const cJSON *obj)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(obj, "name");
	const cJSON *email = cJSON_GetObjectItemCaseSensitive(obj, "email");
	const cJSON *roles = cJSON_GetObjectItemCaseSensitive(obj, "roles");
	const cJSON *role;
	const char **list = NULL;
	size_t nroles = 0;
	reg_status st;
	int id;

	if (!cJSON_IsObject(obj) ||
	    !json_int(cJSON_GetObjectItemCaseSensitive(obj, "user_id"), &id) ||
	    !cJSON_IsString(name) || !cJSON_IsString(email))
		return REG_CORRUPT;
	if (roles) {
		int n;

		if (!cJSON_IsArray(roles))
			return REG_CORRUPT;
		n = cJSON_GetArraySize(roles);
		if (n > 0) {
			list = malloc((size_t)n * sizeof(*list));
			if (!list)
				return REG_NO_MEMORY;
		}
		cJSON_ArrayForEach(role, roles) {
			if (!cJSON_IsString(role)) {
				free(list);
				return REG_CORRUPT;
			}
			list[nroles++] = role->valuestring;
		}
	}
	st = registry_add(r, id, name->valuestring, email->valuestring, list, nroles);
	free(list);
	if (st != REG_OK && st != REG_NO_MEMORY)
		st = REG_CORRUPT;
	return st;
}

reg_status registry_load_json(registry *r, const char *path)
{
	struct registry swap;
	registry *fresh = NULL;
	const cJSON *item;
	cJSON *doc = NULL;
	char *data = NULL;
	size_t len = 0;
	reg_status st;

	registry_release(r);
	memset(r, 0, sizeof(*r));
	st = read_file(path, &data, &len);
	if (st != REG_OK)
		return st;
	doc = cJSON_ParseWithLength(data, len);
	free(data);
	if (!cJSON_IsArray(doc)) {
		st = REG_CORRUPT;
		goto out;
	}
	fresh = registry_create();
	if (!fresh) {
		st = REG_NO_MEMORY;
		goto out;
	}
	cJSON_ArrayForEach(item, doc) {
		st = add_json_user(fresh, item);
		if (st != REG_OK)
			goto out;
	}
	/* Only now, with the whole file valid, does the registry change. */
	swap = *r;
	*r = *fresh;
	*fresh = swap;
	st = REG_OK;
out:
	registry_destroy(fresh);
	cJSON_Delete(doc);
	return st;
}
