/*
 * Driver for user-registry. The first test argument names a scenario; the
 * rest, if any, are its parameters. Every scenario reports each call it
 * makes, as "op N call(args) -> result", and dumps the registry where the
 * state matters:
 *
 *   basic, invalid-id, invalid-name, invalid-email, invalid-role, order,
 *   dup-id, dup-email, rejected, case, remove, reuse-email, set-name,
 *   roles, roles-once, calls-order, copied, list
 *                          fixed calls on small registries
 *   churn N                N seeded random calls on a small pool of ids and
 *                          emails, with a dump every 500 calls
 *   save-format, save-escapes, roundtrip N, save-atomic N, save-io-error
 *                          saves; the driver reads the file back with its
 *                          own JSON parser and describes what it holds
 *   load-file [save|empty] standard input (a test file) becomes reg.json,
 *                          which is loaded over a registry that has users
 *   load-missing, load-bad KIND
 *                          failed loads: the registry must not change
 *   load-large N           N users generated into reg.json, then loaded
 *   scale N M              N adds, then M lookups by id and M by email
 *   leaks, leaks-errors    many calls (the second: only failing ones)
 *   alloc                  a short run made for allocation failures: every
 *                          call is checked against the state it left
 *
 * Every run ends with the allocation report. The driver's own allocations
 * (buffers, its JSON parsing, its checks in the alloc scenario) are made
 * with tracking off, so that only the learner's code is counted and failed.
 * cJSON allocates through the wrapped malloc and free (cJSON_InitHooks), so
 * that the text and trees a learner gets from it are tracked like the rest.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "grader_alloc.h"
#include "grader_driver.h"
#include "grader_json.h"
#include "user_registry.h"

#define LINE_CAP 4000
#define DUMP_MAX 400     /* larger registries are summed up, not listed */
#define SHOW_ROLES 16
#define FNV_INIT 0xcbf29ce484222325ULL
#define FILE_NAME "reg.json"

struct line {
	char buf[LINE_CAP];
	size_t len;
};

static long op;

/* -- Output helpers ----------------------------------------------------- */

static void line_init(struct line *l)
{
	l->len = 0;
	l->buf[0] = '\0';
}

static __attribute__((format(printf, 2, 3))) void lp(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len + 1 >= LINE_CAP)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, LINE_CAP - l->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	l->len += (size_t)n;
	if (l->len >= LINE_CAP)
		l->len = LINE_CAP - 1;
}

/* Appends s quoted as a C string, or NULL. */
static void lq(struct line *l, const char *s)
{
	char q[600];

	if (!s) {
		lp(l, "NULL");
		return;
	}
	gd_quote(q, sizeof(q), s, strlen(s));
	lp(l, "%s", q);
}

static void emit(struct line *l)
{
	gd_obs("%s", l->buf);
}

static const char *st_str(reg_status s)
{
	static char other[32];

	switch (s) {
	case REG_OK: return "REG_OK";
	case REG_INVALID_ID: return "REG_INVALID_ID";
	case REG_INVALID_NAME: return "REG_INVALID_NAME";
	case REG_INVALID_EMAIL: return "REG_INVALID_EMAIL";
	case REG_INVALID_ROLE: return "REG_INVALID_ROLE";
	case REG_DUPLICATE_ID: return "REG_DUPLICATE_ID";
	case REG_DUPLICATE_EMAIL: return "REG_DUPLICATE_EMAIL";
	case REG_NOT_FOUND: return "REG_NOT_FOUND";
	case REG_IO_ERROR: return "REG_IO_ERROR";
	case REG_CORRUPT: return "REG_CORRUPT";
	case REG_NO_MEMORY: return "REG_NO_MEMORY";
	}
	snprintf(other, sizeof(other), "status %d", (int)s);
	return other;
}

static void driver_fail(const char *why)
{
	gd_obs("!fail driver: %s", why);
	gd_end();
	exit(2);
}

/* -- Driver memory, never tracked or failed ----------------------------- */

static bool tracking;

/*
 * Turns tracking on or off and returns the previous state. The compiler
 * barriers matter: gcc takes malloc and free for the C library's, which
 * cannot read the tracking flag, and would otherwise drop or move the
 * stores around the driver's own calls to them.
 */
static bool track(bool on)
{
	bool was = tracking;

	__asm__ __volatile__("" ::: "memory");
	tracking = on;
	ga_track(on);
	__asm__ __volatile__("" ::: "memory");
	return was;
}

static void *drv_alloc(size_t n)
{
	bool was = track(false);
	void *p = malloc(n ? n : 1);

	track(was);
	if (!p)
		driver_fail("out of memory");
	return p;
}

static void drv_free(void *p)
{
	bool was = track(false);

	free(p);
	track(was);
}

static char *drv_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *c = drv_alloc(n);

	memcpy(c, s, n);
	return c;
}

/* cJSON inside the shared library allocates through these, so that its
 * blocks are seen by the same (wrapped) malloc and free as the learner's. */
static void *hook_malloc(size_t n)
{
	return malloc(n);
}

static void hook_free(void *p)
{
	free(p);
}

/* -- Hashing ------------------------------------------------------------ */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
	return fnv(h, s ? s : "\x01NULL", s ? strlen(s) + 1 : 6);
}

static uint64_t fnv_user_fields(uint64_t h, int id, const char *name, const char *email)
{
	char num[24];

	snprintf(num, sizeof(num), "%d", id);
	h = fnv_str(h, num);
	h = fnv_str(h, name);
	return fnv_str(h, email);
}

/* -- Describing users and registries ------------------------------------ */

static void describe_user(struct line *l, const user *u)
{
	size_t n, i;

	if (!u) {
		lp(l, "NULL");
		return;
	}
	lp(l, "id=%d name=", user_id(u));
	lq(l, user_name(u));
	lp(l, " email=");
	lq(l, user_email(u));
	n = user_role_count(u);
	lp(l, " roles=[");
	for (i = 0; i < n && i < SHOW_ROLES; i++) {
		if (i)
			lp(l, ",");
		lq(l, user_role(u, i));
	}
	if (n > SHOW_ROLES)
		lp(l, ",... %zu roles", n);
	lp(l, "]");
}

static uint64_t hash_user(uint64_t h, const user *u)
{
	size_t n = user_role_count(u), i;

	h = fnv_user_fields(h, user_id(u), user_name(u), user_email(u));
	for (i = 0; i < n; i++)
		h = fnv_str(h, user_role(u, i));
	return fnv(h, "\n", 1);
}

/* Lists all users into a driver buffer; *got is what list returned. */
static const user **list_all(const registry *r, size_t *count, size_t *got)
{
	size_t n = registry_count(r);
	const user **out = drv_alloc((n + 1) * sizeof(*out));

	*count = n;
	*got = registry_list(r, out, n);
	if (*got > n)
		*got = n;
	return out;
}

/*
 * Prints the registry: its count, then every user in list order, each
 * followed by a note when looking the user up by id or email disagrees.
 * Larger registries get one checksum line instead of the users.
 */
static void dump(const registry *r, const char *tag)
{
	size_t n, got, i;
	const user **all = list_all(r, &n, &got);
	uint64_t h = FNV_INIT;
	size_t bad_id = 0, bad_email = 0;

	if (got != n)
		gd_obs("%s: count %zu, but list(r, out, %zu) returned %zu", tag, n, n, got);
	else
		gd_obs("%s: count %zu", tag, n);
	for (i = 0; i < got; i++) {
		const user *u = all[i];
		bool id_ok = registry_get_by_id(r, user_id(u)) == u;
		bool email_ok = user_email(u) && registry_get_by_email(r, user_email(u)) == u;

		if (n <= DUMP_MAX) {
			struct line l;

			line_init(&l);
			lp(&l, "%s: [%zu] ", tag, i);
			describe_user(&l, u);
			if (!id_ok)
				lp(&l, " BUT get_by_id(%d) gives another user or NULL", user_id(u));
			if (!email_ok)
				lp(&l, " BUT get_by_email of this email gives another user or NULL");
			emit(&l);
		} else {
			h = hash_user(h, u);
			bad_id += !id_ok;
			bad_email += !email_ok;
		}
	}
	if (n > DUMP_MAX)
		gd_obs("%s: list checksum %016" PRIx64 ", users not found by their id: %zu, by their email: %zu",
		       tag, h, bad_id, bad_email);
	drv_free(all);
}

/* A fingerprint of everything the registry shows, for before/after checks. */
static uint64_t state_hash(const registry *r)
{
	size_t n, got, i;
	const user **all = list_all(r, &n, &got);
	uint64_t h = fnv(FNV_INIT, &n, sizeof(n));

	h = fnv(h, &got, sizeof(got));
	for (i = 0; i < got; i++)
		h = hash_user(h, all[i]);
	drv_free(all);
	return h;
}

/* -- Calls, each reported as one line ------------------------------------ */

static void roles_str(struct line *l, const char *const *roles, size_t n)
{
	size_t i;

	if (!roles) {
		lp(l, "NULL, %zu", n);
		return;
	}
	lp(l, "[");
	for (i = 0; i < n; i++) {
		if (i)
			lp(l, ",");
		lq(l, roles[i]);
	}
	lp(l, "], %zu", n);
}

static registry *do_create(void)
{
	registry *r;

	ga_op("op %ld create()", ++op);
	r = registry_create();
	gd_obs("op %ld create() -> %s", op, r ? "registry" : "NULL");
	return r;
}

static void do_destroy(registry *r)
{
	ga_op("op %ld destroy()", ++op);
	registry_destroy(r);
	gd_obs("op %ld destroy()", op);
}

static reg_status do_add(registry *r, int id, const char *name, const char *email,
			 const char *const *roles, size_t n)
{
	struct line l;
	reg_status st;

	line_init(&l);
	lp(&l, "op %ld add(%d, ", ++op, id);
	lq(&l, name);
	lp(&l, ", ");
	lq(&l, email);
	lp(&l, ", ");
	roles_str(&l, roles, n);
	lp(&l, ")");
	ga_op("%s", l.buf);
	st = registry_add(r, id, name, email, roles, n);
	lp(&l, " -> %s", st_str(st));
	emit(&l);
	return st;
}

static reg_status do_remove(registry *r, int id)
{
	reg_status st;

	ga_op("op %ld remove(%d)", ++op, id);
	st = registry_remove(r, id);
	gd_obs("op %ld remove(%d) -> %s", op, id, st_str(st));
	return st;
}

static reg_status do_id_str(registry *r, const char *what, int id, const char *s)
{
	struct line l;
	reg_status st;

	line_init(&l);
	lp(&l, "op %ld %s(%d, ", ++op, what, id);
	lq(&l, s);
	lp(&l, ")");
	ga_op("%s", l.buf);
	if (strcmp(what, "set_name") == 0)
		st = registry_set_name(r, id, s);
	else if (strcmp(what, "add_role") == 0)
		st = registry_add_role(r, id, s);
	else
		st = registry_remove_role(r, id, s);
	lp(&l, " -> %s", st_str(st));
	emit(&l);
	return st;
}

static reg_status do_set_name(registry *r, int id, const char *name)
{
	return do_id_str(r, "set_name", id, name);
}

static reg_status do_add_role(registry *r, int id, const char *role)
{
	return do_id_str(r, "add_role", id, role);
}

static reg_status do_remove_role(registry *r, int id, const char *role)
{
	return do_id_str(r, "remove_role", id, role);
}

static const user *show_by_id(const registry *r, int id)
{
	struct line l;
	const user *u;

	ga_op("op %ld get_by_id(%d)", ++op, id);
	u = registry_get_by_id(r, id);
	line_init(&l);
	lp(&l, "op %ld get_by_id(%d) -> ", op, id);
	describe_user(&l, u);
	emit(&l);
	return u;
}

static const user *show_by_email(const registry *r, const char *email)
{
	struct line l;
	const user *u;

	line_init(&l);
	lp(&l, "op %ld get_by_email(", ++op);
	lq(&l, email);
	lp(&l, ")");
	ga_op("%s", l.buf);
	u = registry_get_by_email(r, email);
	lp(&l, " -> ");
	describe_user(&l, u);
	emit(&l);
	return u;
}

static void show_count(const registry *r)
{
	gd_obs("op %ld count() -> %zu", ++op, registry_count(r));
}

static reg_status do_save(const registry *r, const char *path)
{
	reg_status st;

	ga_op("op %ld save_json(\"%s\")", ++op, path);
	st = registry_save_json(r, path);
	gd_obs("op %ld save_json(\"%s\") -> %s", op, path, st_str(st));
	return st;
}

static reg_status do_load(registry *r, const char *path)
{
	reg_status st;

	ga_op("op %ld load_json(\"%s\")", ++op, path);
	st = registry_load_json(r, path);
	gd_obs("op %ld load_json(\"%s\") -> %s", op, path, st_str(st));
	return st;
}

/* Creates a registry or ends the run: nothing can be tested without one. */
static registry *must_create(void)
{
	registry *r = do_create();

	if (!r) {
		track(false);
		ga_report_leaks();
		ga_report_bad_frees();
		ga_report_count();
		gd_end();
		exit(0);
	}
	return r;
}

/* -- Files -------------------------------------------------------------- */

static void write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		driver_fail("cannot create a file in the scratch directory");
	while (len > 0) {
		ssize_t w = write(fd, data, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			driver_fail("cannot write a file in the scratch directory");
		data += w;
		len -= (size_t)w;
	}
	close(fd);
}

/* Reads a whole file into a driver buffer; NULL if it cannot be opened. */
static char *read_file(const char *path, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	int fd = open(path, O_RDONLY);
	char *buf;

	if (fd < 0)
		return NULL;
	buf = drv_alloc(cap + 1);
	for (;;) {
		ssize_t got;

		if (n == cap) {
			char *bigger = drv_alloc(cap * 2 + 1);

			memcpy(bigger, buf, n);
			drv_free(buf);
			buf = bigger;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

struct file_sum {
	bool exists;
	size_t size;
	uint64_t hash;
};

static struct file_sum file_sum(const char *path)
{
	struct file_sum s = { false, 0, 0 };
	char *data = read_file(path, &s.size);

	if (data) {
		s.exists = true;
		s.hash = fnv(FNV_INIT, data, s.size);
		drv_free(data);
	}
	return s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in the scratch directory, sorted, as a NULL-terminated driver array. */
static char **scratch_names(void)
{
	size_t n = 0, cap = 16;
	char **names = drv_alloc(cap * sizeof(*names));
	DIR *d = opendir(".");
	struct dirent *e;

	if (!d)
		driver_fail("cannot list the scratch directory");
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n + 1 == cap) {
			char **bigger = drv_alloc(cap * 2 * sizeof(*names));

			memcpy(bigger, names, n * sizeof(*names));
			drv_free(names);
			names = bigger;
			cap *= 2;
		}
		names[n++] = drv_strdup(e->d_name);
	}
	closedir(d);
	names[n] = NULL;
	qsort(names, n, sizeof(*names), cmp_str);
	return names;
}

static void free_names(char **names)
{
	size_t i;

	for (i = 0; names[i]; i++)
		drv_free(names[i]);
	drv_free(names);
}

static bool has_name(char **names, const char *name)
{
	size_t i;

	for (i = 0; names[i]; i++) {
		if (strcmp(names[i], name) == 0)
			return true;
	}
	return false;
}

/* -- Reading a saved file with the driver's own parser -------------------- */

static void describe_value(struct line *l, const cJSON *v, int depth)
{
	const cJSON *c;
	bool first = true;

	if (!v) {
		lp(l, "(missing)");
	} else if (cJSON_IsNumber(v)) {
		lp(l, "%.17g", v->valuedouble);
	} else if (cJSON_IsString(v)) {
		lq(l, v->valuestring);
	} else if (cJSON_IsTrue(v)) {
		lp(l, "true");
	} else if (cJSON_IsFalse(v)) {
		lp(l, "false");
	} else if (cJSON_IsNull(v)) {
		lp(l, "null");
	} else if (depth > 3) {
		lp(l, "...");
	} else if (cJSON_IsArray(v)) {
		lp(l, "[");
		cJSON_ArrayForEach(c, v) {
			lp(l, first ? "" : ",");
			describe_value(l, c, depth + 1);
			first = false;
		}
		lp(l, "]");
	} else if (cJSON_IsObject(v)) {
		lp(l, "{");
		cJSON_ArrayForEach(c, v) {
			lp(l, first ? "" : ",");
			lq(l, c->string);
			lp(l, ":");
			describe_value(l, c, depth + 1);
			first = false;
		}
		lp(l, "}");
	} else {
		lp(l, "(invalid)");
	}
}

static void describe_keys(struct line *l, const cJSON *obj)
{
	const char *keys[64];
	const cJSON *c;
	size_t n = 0, i;

	cJSON_ArrayForEach(c, obj) {
		if (n < 64)
			keys[n++] = c->string ? c->string : "";
	}
	qsort(keys, n, sizeof(*keys), cmp_str);
	lp(l, "keys=");
	for (i = 0; i < n; i++)
		lp(l, "%s%s", i ? "," : "", keys[i]);
}

/* The user id of a file entry, or 0 if it has none that is an int. */
static int entry_id(const cJSON *e)
{
	const cJSON *v = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "user_id") : NULL;
	double d;

	if (!cJSON_IsNumber(v))
		return 0;
	d = v->valuedouble;
	if (!(d >= 1 && d <= INT_MAX) || d != (double)(int)d)
		return 0;
	return (int)d;
}

/* Hash of a file entry in the same form as hash_user, if well formed. */
static uint64_t hash_entry(uint64_t h, const cJSON *e)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
	const cJSON *email = cJSON_GetObjectItemCaseSensitive(e, "email");
	const cJSON *roles = cJSON_GetObjectItemCaseSensitive(e, "roles");
	const cJSON *c;

	h = fnv_user_fields(h, entry_id(e), cJSON_IsString(name) ? name->valuestring : "\x02",
			    cJSON_IsString(email) ? email->valuestring : "\x02");
	cJSON_ArrayForEach(c, roles)
		h = fnv_str(h, cJSON_IsString(c) ? c->valuestring : "\x02");
	return fnv(h, "\n", 1);
}

static void free_doc(cJSON *doc)
{
	bool was = track(false);

	cJSON_Delete(doc);
	track(was);
}

/*
 * The JSON value that is the whole of a file, or NULL with why saying what
 * else is there (nothing when the value itself does not parse). cJSON alone
 * stops after the first value and skips a byte order mark and any byte up
 * to 0x20 before it: a learner's own reader may take "[...] junk" for a
 * registry, the format does not, so only JSON whitespace may surround it,
 * and no control byte JSON forbids may be in it (grader_json.h).
 */
static cJSON *parse_document(const char *data, size_t size, struct line *why)
{
	static const char starts[] = "{[\"-0123456789tfn";
	const char *end = NULL;
	size_t first = 0, off;
	char q[80];
	cJSON *doc;
	bool was, in_string = false;

	while (first < size && gj_space(data[first]))
		first++;
	was = track(false);
	doc = cJSON_ParseWithLengthOpts(data, size, &end, false);
	track(was);
	if (!doc)
		return NULL;
	if (first < size && !memchr(starts, data[first], sizeof(starts) - 1)) {
		lp(why, ": byte %zu, 0x%02x, comes before the JSON document", first,
		   (unsigned char)data[first]);
		goto fail;
	}
	off = (size_t)(end - data);
	while (off < size && gj_space(data[off]))
		off++;
	if (off < size) {
		off = (size_t)(end - data);
		gd_quote(q, sizeof(q), end, size - off);
		lp(why, ": %zu byte%s after the end of the JSON document, at byte %zu: %s",
		   size - off, size - off == 1 ? "" : "s", off, q);
		goto fail;
	}
	off = gj_stray_control(data, (size_t)(end - data), &in_string);
	if (off < (size_t)(end - data)) {
		lp(why, ": a raw control byte 0x%02x %s, at byte %zu: JSON writes it escaped",
		   (unsigned char)data[off], in_string ? "inside a string" : "between values", off);
		goto fail;
	}
	return doc;
fail:
	free_doc(doc);
	return NULL;
}

static cJSON *parse_file(const char *path, size_t *size, bool *exists, struct line *why)
{
	char *data = read_file(path, size);
	cJSON *doc;

	*exists = data != NULL;
	if (!data)
		return NULL;
	doc = parse_document(data, *size, why);
	drv_free(data);
	return doc;
}

/*
 * Describes what a saved file holds, entry by entry in file order, as the
 * driver's own JSON parser sees it: the keys of each entry and the values
 * of the four fields. The format does not matter, the content does.
 */
static void describe_file(const char *path, const char *tag)
{
	size_t size = 0, n, i = 0;
	bool exists, ascending = true;
	struct line why;
	cJSON *doc;
	const cJSON *e;
	int last = 0;
	uint64_t h = FNV_INIT;

	line_init(&why);
	doc = parse_file(path, &size, &exists, &why);
	if (!exists) {
		gd_obs("%s: %s does not exist", tag, path);
		return;
	}
	if (!doc) {
		gd_obs("%s: %s is not valid JSON (%zu bytes)%s", tag, path, size, why.buf);
		return;
	}
	if (!cJSON_IsArray(doc)) {
		gd_obs("%s: %s holds a JSON value that is not an array", tag, path);
		free_doc(doc);
		return;
	}
	n = (size_t)cJSON_GetArraySize(doc);
	cJSON_ArrayForEach(e, doc) {
		int id = entry_id(e);

		if (id <= last)
			ascending = false;
		last = id;
	}
	gd_obs("%s: %s is an array of %zu users, ids ascending: %s", tag, path, n,
	       ascending ? "yes" : "no");
	cJSON_ArrayForEach(e, doc) {
		if (n <= DUMP_MAX) {
			struct line l;

			line_init(&l);
			lp(&l, "%s: file[%zu] ", tag, i);
			if (cJSON_IsObject(e)) {
				describe_keys(&l, e);
				lp(&l, " user_id=");
				describe_value(&l, cJSON_GetObjectItemCaseSensitive(e, "user_id"), 0);
				lp(&l, " name=");
				describe_value(&l, cJSON_GetObjectItemCaseSensitive(e, "name"), 0);
				lp(&l, " email=");
				describe_value(&l, cJSON_GetObjectItemCaseSensitive(e, "email"), 0);
				lp(&l, " roles=");
				describe_value(&l, cJSON_GetObjectItemCaseSensitive(e, "roles"), 0);
			} else {
				lp(&l, "not an object: ");
				describe_value(&l, e, 0);
			}
			emit(&l);
		} else {
			h = hash_entry(h, e);
		}
		i++;
	}
	if (n > DUMP_MAX)
		gd_obs("%s: file checksum %016" PRIx64, tag, h);
	free_doc(doc);
}

/*
 * Hash of a saved file's content in the form of state_hash, for checks
 * under allocation failures; 0 if the file is missing or not an array.
 */
static uint64_t file_state_hash(const char *path)
{
	size_t size, n, got;
	bool exists;
	struct line why;
	cJSON *doc;
	const cJSON *e;
	uint64_t h;

	line_init(&why);
	doc = parse_file(path, &size, &exists, &why);
	if (!cJSON_IsArray(doc)) {
		free_doc(doc);
		return 0;
	}
	n = got = (size_t)cJSON_GetArraySize(doc);
	h = fnv(FNV_INIT, &n, sizeof(n));
	h = fnv(h, &got, sizeof(got));
	cJSON_ArrayForEach(e, doc)
		h = hash_entry(h, e);
	free_doc(doc);
	return h;
}

/* -- Small fixed scenarios ------------------------------------------------ */

static const char *const R_ADMIN[] = { "admin", "editor" };
static const char *const R_VIEW[] = { "viewer" };

/* Three users most scenarios start from. */
static void add_three(registry *r)
{
	do_add(r, 101, "Alice Smith", "alice@example.org", R_ADMIN, 2);
	do_add(r, 102, "Bob Johnson", "bob@example.org", R_VIEW, 1);
	do_add(r, 7, "Carol", "carol@sub.example.net", NULL, 0);
}

static void scenario_basic(void)
{
	const user *out[8];
	registry *r = must_create();
	const user *u;
	size_t n, i;

	show_count(r);
	gd_obs("op %ld list(max 8) on an empty registry -> %zu", ++op, registry_list(r, out, 8));
	show_by_id(r, 1);
	show_by_email(r, "alice@example.org");
	add_three(r);
	show_count(r);
	show_by_id(r, 101);
	show_by_id(r, 102);
	show_by_id(r, 7);
	show_by_email(r, "alice@example.org");
	show_by_email(r, "bob@example.org");
	show_by_email(r, "carol@sub.example.net");
	show_by_id(r, 0);
	show_by_id(r, -101);
	show_by_id(r, 999);
	show_by_email(r, "nobody@example.org");
	u = registry_get_by_id(r, 101);
	if (u) {
		gd_obs("user 101: role_count %zu, role(0) %s, role(1) %s", user_role_count(u),
		       user_role(u, 0) ? user_role(u, 0) : "NULL",
		       user_role(u, 1) ? user_role(u, 1) : "NULL");
		gd_obs("user 101: has_role(\"admin\") %s, has_role(\"editor\") %s, has_role(\"viewer\") %s",
		       user_has_role(u, "admin") ? "true" : "false",
		       user_has_role(u, "editor") ? "true" : "false",
		       user_has_role(u, "viewer") ? "true" : "false");
	}
	n = registry_list(r, out, 8);
	gd_obs("op %ld list(max 8) -> %zu", ++op, n);
	for (i = 0; i < n && i < 8; i++) {
		struct line l;

		line_init(&l);
		lp(&l, "  out[%zu] ", i);
		describe_user(&l, out[i]);
		emit(&l);
	}
	do_destroy(r);
	ga_op("destroy(NULL)");
	registry_destroy(NULL);
	gd_obs("destroy(NULL) returned");
}

/* After a rejected add: the count and both lookups must be unchanged. */
static void after_reject(const registry *r, int id, const char *email)
{
	struct line l;

	line_init(&l);
	lp(&l, "  after: count %zu, get_by_id(%d) -> ", registry_count(r), id);
	describe_user(&l, id > 0 ? registry_get_by_id(r, id) : NULL);
	if (email) {
		lp(&l, ", get_by_email(");
		lq(&l, email);
		lp(&l, ") -> ");
		describe_user(&l, registry_get_by_email(r, email));
	}
	emit(&l);
}

static void scenario_invalid_id(void)
{
	static const int ids[] = { 0, -1, -42, INT_MIN };
	registry *r = must_create();
	size_t i;

	add_three(r);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		do_add(r, ids[i], "Dan", "dan@example.org", R_VIEW, 1);
		after_reject(r, ids[i], "dan@example.org");
	}
	do_add(r, 1, "Dan", "dan@example.org", R_VIEW, 1);
	do_add(r, INT_MAX, "Max", "max@example.org", NULL, 0);
	dump(r, "final");
	do_destroy(r);
}

static void scenario_invalid_name(void)
{
	registry *r = must_create();

	add_three(r);
	do_add(r, 5, NULL, "dan@example.org", R_VIEW, 1);
	after_reject(r, 5, "dan@example.org");
	do_add(r, 5, "", "dan@example.org", R_VIEW, 1);
	after_reject(r, 5, "dan@example.org");
	do_add(r, 5, " ", "dan@example.org", R_VIEW, 1);
	do_add(r, 6, "D", "d@example.org", NULL, 0);
	dump(r, "final");
	do_destroy(r);
}

static void scenario_invalid_email(void)
{
	static const char *const bad[] = {
		"", "nobody", "nobody.example.org", "ann@@example.org", "a@b@c",
		"@example.org", "ann@", "@", "@@", "ann@example.org@",
	};
	static const char *const good[] = {
		"a@b", "first.last+tag@sub.example.org", "x y@z", "ann@example.org",
	};
	registry *r = must_create();
	size_t i;

	add_three(r);
	do_add(r, 50, "Nil", NULL, R_VIEW, 1);
	after_reject(r, 50, NULL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		do_add(r, 50 + (int)i, "Eve", bad[i], R_VIEW, 1);
		after_reject(r, 50 + (int)i, bad[i]);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		do_add(r, 80 + (int)i, "Good", good[i], NULL, 0);
	dump(r, "final");
	do_destroy(r);
}

static void scenario_invalid_role(void)
{
	static const char *const null_second[] = { "admin", NULL };
	static const char *const empty_first[] = { "", "admin" };
	static const char *const empty_last[] = { "admin", "editor", "" };
	static const char *const only_null[] = { NULL };
	registry *r = must_create();

	add_three(r);
	do_add(r, 20, "Dan", "dan@example.org", null_second, 2);
	after_reject(r, 20, "dan@example.org");
	do_add(r, 20, "Dan", "dan@example.org", empty_first, 2);
	after_reject(r, 20, "dan@example.org");
	do_add(r, 20, "Dan", "dan@example.org", empty_last, 3);
	after_reject(r, 20, "dan@example.org");
	do_add(r, 20, "Dan", "dan@example.org", only_null, 1);
	after_reject(r, 20, "dan@example.org");
	/* Only the first nroles entries count. */
	do_add(r, 21, "Fay", "fay@example.org", only_null, 0);
	do_add(r, 22, "Gus", "gus@example.org", empty_last, 2);
	do_add(r, 23, "Hal", "hal@example.org", NULL, 0);
	dump(r, "final");
	do_destroy(r);
}

static void scenario_order(void)
{
	static const char *const bad_role[] = { "ok", "" };
	static const char *const null_role[] = { NULL };
	static const char *const ok_role[] = { "ok" };
	registry *r = must_create();

	do_add(r, 1, "Ann", "ann@example.org", NULL, 0);
	do_add(r, 0, NULL, NULL, null_role, 1);
	do_add(r, -5, "", "nobody", bad_role, 2);
	do_add(r, 1, "", "ann@example.org", ok_role, 1);
	do_add(r, 2, NULL, "nobody", null_role, 1);
	do_add(r, 1, "Bob", "nobody", bad_role, 2);
	do_add(r, 2, "Bob", NULL, null_role, 1);
	do_add(r, 1, "Bob", "ann@example.org", bad_role, 2);
	do_add(r, 2, "Bob", "bob@example.org", null_role, 1);
	do_add(r, 1, "Bob", "ann@example.org", ok_role, 1);
	do_add(r, 1, "Bob", "bob@example.org", ok_role, 1);
	dump(r, "final");
	do_destroy(r);
}

static void scenario_dup_id(void)
{
	registry *r = must_create();

	add_three(r);
	do_add(r, 101, "Other Person", "other@example.org", R_VIEW, 1);
	after_reject(r, 101, "other@example.org");
	do_add(r, 7, "Carol Two", "carol2@example.org", NULL, 0);
	after_reject(r, 7, "carol2@example.org");
	dump(r, "final");
	do_destroy(r);
}

static void scenario_dup_email(void)
{
	registry *r = must_create();

	add_three(r);
	do_add(r, 200, "Alice Clone", "alice@example.org", R_VIEW, 1);
	after_reject(r, 200, "alice@example.org");
	do_add(r, 201, "Bob Clone", "bob@example.org", NULL, 0);
	after_reject(r, 201, "bob@example.org");
	do_add(r, 201, "Bob Real", "bob.real@example.org", NULL, 0);
	after_reject(r, 201, "bob.real@example.org");
	dump(r, "final");
	do_destroy(r);
}

static void scenario_rejected(void)
{
	static const char *const bad_role[] = { "" };
	registry *r = must_create();
	uint64_t before;

	add_three(r);
	before = state_hash(r);
	do_add(r, 0, "Zed", "zed@example.org", NULL, 0);
	after_reject(r, 0, "zed@example.org");
	do_add(r, 300, "", "zed@example.org", NULL, 0);
	after_reject(r, 300, "zed@example.org");
	do_add(r, 300, "Zed", "zed.example.org", NULL, 0);
	after_reject(r, 300, "zed.example.org");
	do_add(r, 300, "Zed", "zed@example.org", bad_role, 1);
	after_reject(r, 300, "zed@example.org");
	do_add(r, 102, "Zed", "zed@example.org", NULL, 0);
	after_reject(r, 102, "zed@example.org");
	do_add(r, 300, "Zed", "carol@sub.example.net", NULL, 0);
	after_reject(r, 300, "carol@sub.example.net");
	gd_obs("registry unchanged by the rejected calls: %s", state_hash(r) == before ? "yes" : "no");
	do_add(r, 300, "Zed", "zed@example.org", NULL, 0);
	dump(r, "final");
	do_destroy(r);
}

static void scenario_case(void)
{
	registry *r = must_create();

	do_add(r, 1, "Ann Upper", "Ann@Example.org", NULL, 0);
	do_add(r, 2, "Ann Lower", "ann@example.org", NULL, 0);
	do_add(r, 3, "Ann Shout", "ANN@EXAMPLE.ORG", NULL, 0);
	show_by_email(r, "Ann@Example.org");
	show_by_email(r, "ann@example.org");
	show_by_email(r, "ANN@EXAMPLE.ORG");
	show_by_email(r, "ann@Example.org");
	do_remove(r, 2);
	show_by_email(r, "Ann@Example.org");
	show_by_email(r, "ANN@EXAMPLE.ORG");
	dump(r, "final");
	do_destroy(r);
}

static void scenario_remove(void)
{
	const user *out[4];
	registry *r = must_create();

	add_three(r);
	do_add(r, 55, "Dan", "dan@example.org", NULL, 0);
	do_remove(r, 102);
	show_by_id(r, 102);
	show_by_email(r, "bob@example.org");
	show_count(r);
	do_remove(r, 102);
	do_remove(r, 0);
	do_remove(r, -102);
	do_remove(r, 999);
	dump(r, "after removing 102");
	do_remove(r, 7);
	do_remove(r, 101);
	do_remove(r, 55);
	show_count(r);
	gd_obs("op %ld list(max 4) -> %zu", ++op, registry_list(r, out, 4));
	show_by_email(r, "alice@example.org");
	do_add(r, 102, "Bob Back", "bob@example.org", R_VIEW, 1);
	dump(r, "final");
	do_destroy(r);
}

static void scenario_reuse_email(void)
{
	registry *r = must_create();
	int i, holder;

	add_three(r);
	do_remove(r, 101);
	show_by_email(r, "alice@example.org");
	do_add(r, 500, "Alice Again", "alice@example.org", R_VIEW, 1);
	show_by_email(r, "alice@example.org");
	show_by_id(r, 101);
	do_remove(r, 500);
	do_add(r, 101, "Alice Third", "alice@example.org", NULL, 0);
	show_by_email(r, "alice@example.org");
	/* The same email moves from id to id. */
	for (i = 0, holder = 101; i < 6; i++) {
		do_remove(r, holder);
		holder = 600 + i;
		do_add(r, holder, "Mover", "alice@example.org", NULL, 0);
		show_by_email(r, "alice@example.org");
	}
	do_remove(r, 102);
	do_add(r, 102, "Bob Swap", "bob.new@example.org", NULL, 0);
	show_by_email(r, "bob@example.org");
	do_add(r, 103, "Bob Old Email", "bob@example.org", NULL, 0);
	dump(r, "final");
	do_destroy(r);
}

static void scenario_set_name(void)
{
	registry *r = must_create();

	add_three(r);
	do_set_name(r, 101, "Alice M. Smith");
	show_by_id(r, 101);
	show_by_email(r, "alice@example.org");
	do_set_name(r, 101, NULL);
	do_set_name(r, 101, "");
	do_set_name(r, 0, "Zero");
	do_set_name(r, -101, "Negative");
	do_set_name(r, 999, "Nobody");
	do_set_name(r, 7, "Carol Renamed");
	do_set_name(r, 7, "Carol Renamed Twice");
	dump(r, "final");
	do_destroy(r);
}

static void show_roles(const registry *r, int id)
{
	const user *u = registry_get_by_id(r, id);
	struct line l;

	line_init(&l);
	lp(&l, "  user %d: ", id);
	describe_user(&l, u);
	if (u)
		lp(&l, " role_count %zu", user_role_count(u));
	emit(&l);
}

static void show_has(const registry *r, int id, const char *role)
{
	const user *u = registry_get_by_id(r, id);
	struct line l;

	line_init(&l);
	lp(&l, "  user %d has_role(", id);
	lq(&l, role);
	lp(&l, ") -> %s", u ? (user_has_role(u, role) ? "true" : "false") : "no user");
	emit(&l);
}

static void scenario_roles(void)
{
	static const char *const start[] = { "viewer", "editor" };
	registry *r = must_create();

	do_add(r, 1, "Ann", "ann@example.org", start, 2);
	show_roles(r, 1);
	do_add_role(r, 1, "admin");
	show_roles(r, 1);
	do_add_role(r, 1, "editor");
	show_roles(r, 1);
	do_remove_role(r, 1, "viewer");
	show_roles(r, 1);
	do_remove_role(r, 1, "viewer");
	do_remove_role(r, 1, "auditor");
	show_roles(r, 1);
	do_add_role(r, 1, "viewer");
	show_roles(r, 1);
	show_has(r, 1, "admin");
	show_has(r, 1, "Admin");
	show_has(r, 1, "auditor");
	show_has(r, 1, "edit");
	do_add_role(r, 1, NULL);
	do_add_role(r, 1, "");
	do_remove_role(r, 1, NULL);
	do_remove_role(r, 1, "");
	do_add_role(r, 0, "x");
	do_add_role(r, 9, "x");
	do_remove_role(r, -1, "x");
	do_remove_role(r, 9, "x");
	do_remove_role(r, 1, "editor");
	do_remove_role(r, 1, "admin");
	do_remove_role(r, 1, "viewer");
	show_roles(r, 1);
	do_add_role(r, 1, "z");
	do_add_role(r, 1, "a");
	do_add_role(r, 1, "m");
	dump(r, "final");
	do_destroy(r);
}

static void scenario_roles_once(void)
{
	static const char *const dups[] = { "a", "b", "a", "c", "b", "a" };
	static const char *const twice[] = { "x", "x" };
	static const char *const order[] = { "zeta", "alpha", "mid", "alpha" };
	registry *r = must_create();

	do_add(r, 1, "Ann", "ann@example.org", dups, 6);
	show_roles(r, 1);
	do_add(r, 2, "Bob", "bob@example.org", twice, 2);
	show_roles(r, 2);
	do_add(r, 3, "Cyd", "cyd@example.org", order, 4);
	show_roles(r, 3);
	do_add_role(r, 1, "a");
	do_add_role(r, 2, "x");
	do_add_role(r, 2, "y");
	do_add_role(r, 2, "y");
	do_remove_role(r, 1, "a");
	show_has(r, 1, "a");
	dump(r, "final");
	do_destroy(r);
}

static void scenario_calls_order(void)
{
	registry *r = must_create();

	do_add(r, 1, "Ann", "ann@example.org", NULL, 0);
	do_set_name(r, 0, NULL);
	do_set_name(r, -3, "");
	do_set_name(r, 99, NULL);
	do_set_name(r, 99, "");
	do_add_role(r, 0, NULL);
	do_add_role(r, -1, "");
	do_add_role(r, 99, NULL);
	do_add_role(r, 99, "");
	do_remove_role(r, 0, "");
	do_remove_role(r, -8, NULL);
	do_remove_role(r, 99, NULL);
	do_remove_role(r, 99, "");
	do_remove(r, 0);
	do_remove(r, -1);
	dump(r, "final");
	do_destroy(r);
}

/* A driver copy of s that the driver will scribble over and free. */
static char *scratch_copy(const char *s)
{
	size_t n = strlen(s) + 1;
	char *c = drv_alloc(n < 48 ? 48 : n);

	memcpy(c, s, n);
	return c;
}

static void scribble(char *s)
{
	size_t n = strlen(s);

	memset(s, '#', n);
	drv_free(s);
}

static void scenario_copied(void)
{
	static const char doc[] =
		"[{\"user_id\": 40, \"name\": \"From File\", \"email\": \"file@example.org\","
		" \"roles\": [\"reader\", \"writer\"]}]";
	registry *r = must_create();
	registry *r2;
	char *name = scratch_copy("Alice Smith");
	char *email = scratch_copy("alice@example.org");
	char *role0 = scratch_copy("admin");
	char *role1 = scratch_copy("editor");
	const char *roles[2];
	char *s;

	roles[0] = role0;
	roles[1] = role1;
	do_add(r, 1, name, email, roles, 2);
	scribble(name);
	scribble(email);
	scribble(role0);
	scribble(role1);
	s = scratch_copy("Bob");
	do_add(r, 2, s, "bob@example.org", NULL, 0);
	scribble(s);
	s = scratch_copy("Alice M. Smith");
	do_set_name(r, 1, s);
	scribble(s);
	s = scratch_copy("viewer");
	do_add_role(r, 1, s);
	scribble(s);
	s = scratch_copy("editor");
	do_remove_role(r, 1, s);
	scribble(s);
	s = scratch_copy("alice@example.org");
	show_by_email(r, s);
	scribble(s);
	show_by_id(r, 1);
	show_by_email(r, "alice@example.org");
	show_by_email(r, "bob@example.org");
	dump(r, "after the driver overwrote and freed its strings");
	r2 = must_create();
	write_file(FILE_NAME, doc, sizeof(doc) - 1);
	do_load(r2, FILE_NAME);
	dump(r2, "loaded (the parsed document is gone by now)");
	do_destroy(r2);
	do_destroy(r);
}

static void show_list(const registry *r, size_t max)
{
	size_t n = registry_count(r), cap = (n > max ? n : max) + 4, got, i;
	const user **out = drv_alloc(cap * sizeof(*out));
	const user *sentinel = (const user *)&op;
	struct line l;
	bool untouched = true;

	for (i = 0; i < cap; i++)
		out[i] = sentinel;
	got = registry_list(r, out, max);
	line_init(&l);
	lp(&l, "op %ld list(max %zu) -> %zu:", ++op, max, got);
	for (i = 0; i < got && i < cap; i++)
		lp(&l, " %d", out[i] && out[i] != sentinel ? user_id(out[i]) : -1);
	emit(&l);
	for (i = got < cap ? got : cap; i < cap; i++)
		untouched = untouched && out[i] == sentinel;
	gd_obs("  out[] beyond the users written is untouched: %s", untouched ? "yes" : "no");
	drv_free(out);
}

static void scenario_list(void)
{
	static const int ids[] = { 50, 3, INT_MAX, 1, 999, 12, 100000, 2, 77, 31, 8, 64 };
	int order[12];
	registry *r = must_create();
	size_t i;

	for (i = 0; i < 12; i++)
		order[i] = ids[i];
	for (i = 11; i > 0; i--) {
		size_t j = gd_rand_below(i + 1);
		int t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	show_list(r, 5);
	for (i = 0; i < 12; i++) {
		char name[32], email[48];

		snprintf(name, sizeof(name), "User %d", order[i]);
		snprintf(email, sizeof(email), "u%d@example.org", order[i]);
		do_add(r, order[i], name, email, NULL, 0);
	}
	show_list(r, 0);
	show_list(r, 1);
	show_list(r, 5);
	show_list(r, 11);
	show_list(r, 12);
	show_list(r, 20);
	do_remove(r, 1);
	do_remove(r, 12);
	show_list(r, 3);
	do_add(r, 4, "User 4", "u4@example.org", NULL, 0);
	show_list(r, 3);
	show_list(r, 100);
	do_destroy(r);
}

/* -- Random calls on a small pool ----------------------------------------- */

/* Picks n distinct entries of pool (size m) in random order. */
static void pick_roles(const char **out, size_t n, const char *const *pool, size_t m)
{
	const char *tmp[8];
	size_t i;

	for (i = 0; i < m; i++)
		tmp[i] = pool[i];
	for (i = 0; i < n; i++) {
		size_t j = i + gd_rand_below(m - i);
		const char *t = tmp[i];

		tmp[i] = tmp[j];
		tmp[j] = t;
		out[i] = tmp[i];
	}
}

/*
 * The driver keeps the email of every id it saw added, so that an add
 * with an id in use gets a fresh email: each rejected add has one reason.
 */
static void scenario_churn(void)
{
	static const char *const pool[] = { "a", "b", "c", "d" };
	long n = gd_arg_ll(1, 1000), i;
	bool present[31] = { false };
	registry *r = must_create();

	for (i = 1; i <= n; i++) {
		int id = (int)gd_rand_below(30) + 1;
		char name[32], email[48];
		uint64_t pick = gd_rand_below(100);

		snprintf(name, sizeof(name), "Name %ld", i);
		snprintf(email, sizeof(email), "p%d@churn.example", (int)gd_rand_below(30));
		if (pick < 40) {
			const char *roles[4];
			size_t nroles = gd_rand_below(5);

			pick_roles(roles, nroles, pool, 4);
			if (present[id])
				snprintf(email, sizeof(email), "fresh%ld@churn.example", i);
			if (do_add(r, id, name, email, roles, nroles) == REG_OK)
				present[id] = true;
		} else if (pick < 65) {
			if (do_remove(r, id) == REG_OK)
				present[id] = false;
		} else if (pick < 72) {
			do_set_name(r, id, name);
		} else if (pick < 80) {
			do_add_role(r, id, pool[gd_rand_below(4)]);
		} else if (pick < 86) {
			do_remove_role(r, id, pool[gd_rand_below(4)]);
		} else if (pick < 93) {
			const user *u = registry_get_by_email(r, email);

			gd_obs("op %ld get_by_email(\"%s\") -> %d", ++op, email, u ? user_id(u) : 0);
		} else {
			const user *u = registry_get_by_id(r, id);

			gd_obs("op %ld get_by_id(%d) -> %s", ++op, id,
			       u && user_email(u) ? user_email(u) : "NULL");
		}
		if (i % 500 == 0) {
			char tag[32];

			snprintf(tag, sizeof(tag), "after call %ld", i);
			dump(r, tag);
		}
	}
	dump(r, "final");
	do_destroy(r);
}

/* -- Saving --------------------------------------------------------------- */

static void scenario_save_format(void)
{
	static const char *const three[] = { "ops", "dev", "qa" };
	registry *r = must_create();

	do_save(r, FILE_NAME);
	describe_file(FILE_NAME, "empty registry");
	do_add(r, 30, "Thirty", "thirty@example.org", three, 3);
	do_add(r, 4, "Four Four", "four@example.org", NULL, 0);
	do_add(r, 17, "Seventeen", "seventeen@example.org", R_VIEW, 1);
	do_add(r, 9, "Nine", "nine@example.org", R_ADMIN, 2);
	do_add(r, INT_MAX, "Max", "max@example.org", NULL, 0);
	do_save(r, FILE_NAME);
	describe_file(FILE_NAME, "five users");
	do_remove(r, 17);
	do_set_name(r, 30, "Thirty Renamed");
	do_add_role(r, 4, "new");
	do_save(r, FILE_NAME);
	describe_file(FILE_NAME, "saved again over the first file");
	do_destroy(r);
}

static void scenario_save_escapes(void)
{
	static const char *const odd_roles[] = { "ops/\"eu\"", "a\\b", "tab\there" };
	registry *r = must_create();
	registry *r2;

	do_add(r, 1, "Zo\xc3\xab \xc3\x9cnal", "zoe@example.org", NULL, 0);
	do_add(r, 2, "Quote \"Q\" O'Neil", "q+tag@example.org", odd_roles, 3);
	do_add(r, 3, "back\\slash and /slash", "back@example.org", NULL, 0);
	do_add(r, 4, "line one\nline two\r\n", "lines@example.org", NULL, 0);
	do_add(r, 5, "ctl \x01\x1f\x7f end", "ctl@example.org", NULL, 0);
	do_add(r, 6, "\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x99\x82", "utf8@example.org", NULL, 0);
	do_save(r, FILE_NAME);
	describe_file(FILE_NAME, "saved");
	r2 = must_create();
	do_load(r2, FILE_NAME);
	dump(r2, "loaded back");
	do_destroy(r2);
	do_destroy(r);
}

static void add_random_users(registry *r, long n, int name_len)
{
	static const char *const pool[] = { "admin", "editor", "viewer", "ops", "billing" };
	long i;

	for (i = 0; i < n; i++) {
		int id = (int)gd_rand_below(1000000) + 1;
		const char *roles[3];
		char name[512], email[64];
		size_t nroles = gd_rand_below(4);
		int len = 4 + (int)gd_rand_below((uint64_t)name_len), c;

		if (len > (int)sizeof(name) - 1)
			len = (int)sizeof(name) - 1;
		for (c = 0; c < len; c++)
			name[c] = (char)('a' + gd_rand_below(26));
		name[0] = (char)(name[0] - 'a' + 'A');
		name[len] = '\0';
		snprintf(email, sizeof(email), "%.8s.%d@example.org", name, id);
		pick_roles(roles, nroles, pool, 5);
		ga_op("add random user %ld", i);
		if (registry_add(r, id, name, email, roles, nroles) != REG_OK)
			continue;
	}
}

static void scenario_roundtrip(void)
{
	long n = gd_arg_ll(1, 200);
	registry *r = must_create();
	registry *r2;

	add_random_users(r, n, 30);
	dump(r, "built");
	do_save(r, FILE_NAME);
	r2 = must_create();
	do_add(r2, 1, "Will Be Replaced", "replaced@example.org", NULL, 0);
	do_load(r2, FILE_NAME);
	gd_obs("loaded registry equals the saved one: %s", state_hash(r) == state_hash(r2) ? "yes" : "no");
	dump(r2, "loaded");
	do_destroy(r2);
	do_destroy(r);
}

static void scenario_save_atomic(void)
{
	long n = gd_arg_ll(1, 400);
	registry *r = must_create();
	struct file_sum first, now;
	char **before, **after;
	size_t i;
	bool new_files = false;
	struct line l;

	add_three(r);
	do_save(r, FILE_NAME);
	describe_file(FILE_NAME, "first save");
	first = file_sum(FILE_NAME);
	before = scratch_names();
	add_random_users(r, n, 400);
	show_count(r);
	do_save(r, FILE_NAME);
	now = file_sum(FILE_NAME);
	gd_obs("reg.json intact after the failed save: %s",
	       now.exists && first.exists && now.size == first.size && now.hash == first.hash ? "yes" : "no");
	describe_file(FILE_NAME, "after the failed save");
	after = scratch_names();
	line_init(&l);
	lp(&l, "files left behind by the failed save:");
	for (i = 0; after[i]; i++) {
		if (!has_name(before, after[i])) {
			lp(&l, " ");
			lq(&l, after[i]);
			new_files = true;
		}
	}
	if (!new_files)
		lp(&l, " none");
	emit(&l);
	free_names(before);
	free_names(after);
	do_destroy(r);
}

static void scenario_save_io_error(void)
{
	registry *r = must_create();
	char **names;
	struct line l;
	size_t i;

	add_three(r);
	do_save(r, "no-such-dir/reg.json");
	do_save(r, "");
	names = scratch_names();
	line_init(&l);
	lp(&l, "scratch directory holds:");
	for (i = 0; names[i]; i++) {
		lp(&l, " ");
		lq(&l, names[i]);
	}
	if (!names[0])
		lp(&l, " nothing");
	emit(&l);
	free_names(names);
	do_save(r, FILE_NAME);
	describe_file(FILE_NAME, "saved");
	do_destroy(r);
}

/* -- Loading -------------------------------------------------------------- */

/* Users that load tests start from; a load replaces them all. */
static void add_old_users(registry *r)
{
	do_add(r, 900, "Keep Me", "keep@example.org", R_ADMIN, 2);
	do_add(r, 2, "Old Two", "old.two@example.org", R_VIEW, 1);
	do_add(r, 901, "Also Kept", "also@example.org", NULL, 0);
}

static void scenario_load_file(void)
{
	size_t len;
	char *data;
	registry *r = must_create();

	track(false);
	data = gd_read_stdin(&len);
	track(true);
	write_file(FILE_NAME, data, len);
	drv_free(data);
	add_old_users(r);
	do_load(r, FILE_NAME);
	dump(r, "loaded");
	show_by_id(r, 900);
	show_by_email(r, "keep@example.org");
	show_by_email(r, "old.two@example.org");
	if (strcmp(gd_arg(1), "save") == 0) {
		do_save(r, "out.json");
		describe_file("out.json", "saved again");
	}
	if (strcmp(gd_arg(1), "empty") == 0) {
		write_file(FILE_NAME, "[]", 2);
		do_load(r, FILE_NAME);
		dump(r, "after loading []");
	}
	do_destroy(r);
}

static void scenario_load_missing(void)
{
	registry *r = must_create();

	add_old_users(r);
	dump(r, "before");
	do_load(r, "missing.json");
	dump(r, "after");
	do_load(r, "no-such-dir/missing.json");
	dump(r, "after");
	do_destroy(r);
}

struct bad_doc {
	const char *kind;
	const char *text;
	size_t len; /* 0: strlen(text) */
};

#define FIRST "{\"user_id\": 1, \"name\": \"Ann\", \"email\": \"ann@example.org\", \"roles\": [\"admin\"]}, "

static const struct bad_doc bad_docs[] = {
	{ "not-json", "", 0 },
	{ "not-json", " \n\t ", 0 },
	{ "not-json", "[" FIRST "{\"user_id\": 2, \"name\": \"Bob\", \"email\": \"bob@exa", 0 },
	{ "not-json", "[" FIRST, 0 },
	{ "not-json", "[" FIRST "{\"user_id\": 2, \"name\": \"Bob\", \"email\": \"bob@example.org\"}", 0 },
	{ "not-json", "user_id,name,email\n1,Ann,ann@example.org\n", 0 },
	{ "not-json", "[{user_id: 1, name: 'Ann', email: 'ann@example.org'}]", 0 },
	{ "not-json", "\x00\x01\xff[{", 5 },
	{ "wrong-types", "{\"user_id\": 1, \"name\": \"Ann\", \"email\": \"ann@example.org\", \"roles\": []}", 0 },
	{ "wrong-types", "null", 0 },
	{ "wrong-types", "[1, 2, 3]", 0 },
	{ "wrong-types", "[" FIRST "[2, \"Bob\", \"bob@example.org\"]]", 0 },
	{ "wrong-types", "[" FIRST "{\"user_id\": \"2\", \"name\": \"Bob\", \"email\": \"bob@example.org\"}]", 0 },
	{ "wrong-types", "[" FIRST "{\"user_id\": 2.5, \"name\": \"Bob\", \"email\": \"bob@example.org\"}]", 0 },
	{ "wrong-types", "[" FIRST "{\"user_id\": 3000000000, \"name\": \"Bob\", \"email\": \"bob@example.org\"}]", 0 },
	{ "wrong-types", "[" FIRST "{\"user_id\": true, \"name\": \"Bob\", \"email\": \"bob@example.org\"}]", 0 },
	{ "wrong-types", "[" FIRST "{\"user_id\": 2, \"name\": 42, \"email\": \"bob@example.org\"}]", 0 },
	{ "wrong-types", "[" FIRST "{\"user_id\": 2, \"name\": null, \"email\": \"bob@example.org\"}]", 0 },
	{ "wrong-types", "[" FIRST "{\"user_id\": 2, \"name\": \"Bob\", \"email\": [\"bob@example.org\"]}]", 0 },
	{ "wrong-types", "[" FIRST "{\"user_id\": 2, \"name\": \"Bob\", \"email\": \"bob@example.org\", \"roles\": \"admin\"}]", 0 },
	{ "wrong-types", "[" FIRST "{\"user_id\": 2, \"name\": \"Bob\", \"email\": \"bob@example.org\", \"roles\": [\"admin\", 7]}]", 0 },
	{ "wrong-types", "[" FIRST "{\"user_id\": 2, \"name\": \"Bob\", \"email\": \"bob@example.org\", \"roles\": {\"admin\": true}}]", 0 },
	{ "missing-keys", "[" FIRST "{\"name\": \"Bob\", \"email\": \"bob@example.org\", \"roles\": []}]", 0 },
	{ "missing-keys", "[" FIRST "{\"user_id\": 2, \"email\": \"bob@example.org\", \"roles\": []}]", 0 },
	{ "missing-keys", "[" FIRST "{\"user_id\": 2, \"name\": \"Bob\", \"roles\": []}]", 0 },
	{ "missing-keys", "[" FIRST "{}]", 0 },
	{ "missing-keys", "[" FIRST "{\"User_ID\": 2, \"Name\": \"Bob\", \"Email\": \"bob@example.org\"}]", 0 },
	{ "invalid-values", "[" FIRST "{\"user_id\": 0, \"name\": \"Bob\", \"email\": \"bob@example.org\"}]", 0 },
	{ "invalid-values", "[" FIRST "{\"user_id\": -7, \"name\": \"Bob\", \"email\": \"bob@example.org\"}]", 0 },
	{ "invalid-values", "[" FIRST "{\"user_id\": 2, \"name\": \"\", \"email\": \"bob@example.org\"}]", 0 },
	{ "invalid-values", "[" FIRST "{\"user_id\": 2, \"name\": \"Bob\", \"email\": \"bob@example.org\", \"roles\": [\"admin\", \"\"]}]", 0 },
	{ "invalid-email", "[" FIRST "{\"user_id\": 2, \"name\": \"Bob\", \"email\": \"\"}]", 0 },
	{ "invalid-email", "[" FIRST "{\"user_id\": 2, \"name\": \"Bob\", \"email\": \"bob.example.org\"}]", 0 },
	{ "invalid-email", "[" FIRST "{\"user_id\": 2, \"name\": \"Bob\", \"email\": \"bob@@example.org\"}]", 0 },
	{ "invalid-email", "[" FIRST "{\"user_id\": 2, \"name\": \"Bob\", \"email\": \"b@o@b\"}]", 0 },
	{ "invalid-email", "[" FIRST "{\"user_id\": 2, \"name\": \"Bob\", \"email\": \"@example.org\"}]", 0 },
	{ "invalid-email", "[" FIRST "{\"user_id\": 2, \"name\": \"Bob\", \"email\": \"bob@\"}]", 0 },
	{ "roles-null", "[" FIRST "{\"user_id\": 2, \"name\": \"Bob\", \"email\": \"bob@example.org\", \"roles\": null}]", 0 },
	{ "roles-null", "[{\"user_id\": 2, \"name\": \"Bob\", \"email\": \"bob@example.org\", \"roles\": null}]", 0 },
	{ "duplicate-ids", "[" FIRST "{\"user_id\": 1, \"name\": \"Bob\", \"email\": \"bob@example.org\"}]", 0 },
	{ "duplicate-ids", "[{\"user_id\": 5, \"name\": \"E\", \"email\": \"e@example.org\"}, " FIRST
			   "{\"user_id\": 3, \"name\": \"C\", \"email\": \"c@example.org\"}, "
			   "{\"user_id\": 5, \"name\": \"F\", \"email\": \"f@example.org\"}]", 0 },
	{ "duplicate-emails", "[" FIRST "{\"user_id\": 2, \"name\": \"Bob\", \"email\": \"ann@example.org\"}]", 0 },
	{ "duplicate-emails", "[{\"user_id\": 9, \"name\": \"Ann 9\", \"email\": \"Ann@example.org\"}, " FIRST
			      "{\"user_id\": 3, \"name\": \"Ann 3\", \"email\": \"Ann@example.org\"}]", 0 },
};

static void scenario_load_bad(void)
{
	const char *kind = gd_arg(1);
	registry *r = must_create();
	size_t i, k = 0;

	add_old_users(r);
	dump(r, "before");
	for (i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		const struct bad_doc *d = &bad_docs[i];
		size_t len = d->len ? d->len : strlen(d->text);
		char q[512];
		char tag[32];

		if (strcmp(d->kind, kind) != 0)
			continue;
		gd_quote(q, sizeof(q), d->text, len);
		gd_obs("file %zu: %s", ++k, q);
		write_file(FILE_NAME, d->text, len);
		do_load(r, FILE_NAME);
		snprintf(tag, sizeof(tag), "after file %zu", k);
		dump(r, tag);
	}
	if (k == 0)
		driver_fail("unknown kind of bad document");
	do_destroy(r);
}

/* Appends to a growing driver buffer. */
struct buf {
	char *data;
	size_t len, cap;
};

static __attribute__((format(printf, 2, 3))) void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			driver_fail("formatting failed");
		if ((size_t)n < b->cap - b->len)
			break;
		{
			char *bigger = drv_alloc(b->cap * 2 + (size_t)n);

			memcpy(bigger, b->data, b->len);
			drv_free(b->data);
			b->data = bigger;
			b->cap = b->cap * 2 + (size_t)n;
		}
	}
	b->len += (size_t)n;
}

/* Distinct positive ids in a scattered order: odd multipliers are bijective mod 2^31. */
static int large_id(long i)
{
	return (int)(((uint32_t)(i + 1) * 2654435761u) & 0x7fffffffu);
}

static void scenario_load_large(void)
{
	static const char *const pool[] = { "admin", "editor", "viewer", "ops", "billing", "support" };
	long n = gd_arg_ll(1, 10000), i;
	struct buf b = { NULL, 0, 1 << 20 };
	registry *r = must_create();
	const user *out[5];
	size_t got, k;

	b.data = drv_alloc(b.cap);
	bprintf(&b, "[\n");
	for (i = 0; i < n; i++) {
		int id = large_id(i);
		int len = 30 + (int)gd_rand_below(90), c;
		char pad[128];
		size_t nroles = gd_rand_below(4);

		for (c = 0; c < len; c++)
			pad[c] = (char)('a' + gd_rand_below(26));
		pad[len] = '\0';
		if (i % 3 == 0)
			bprintf(&b, "  {\"email\": \"large.%ld@d%ld.example\", \"user_id\": %d, \"name\": \"Large %s\"",
				i, i % 97, id, pad);
		else
			bprintf(&b, "  {\"user_id\": %d, \"name\": \"Large %s\", \"email\": \"large.%ld@d%ld.example\"",
				id, pad, i, i % 97);
		if (i % 5 != 4) {
			bprintf(&b, ", \"roles\": [");
			for (k = 0; k < nroles; k++)
				bprintf(&b, "%s\"%s\"", k ? ", " : "", pool[(size_t)(i + (long)k) % 6]);
			bprintf(&b, "]");
		}
		bprintf(&b, "}%s\n", i + 1 < n ? "," : "");
	}
	bprintf(&b, "]\n");
	write_file(FILE_NAME, b.data, b.len);
	gd_obs("reg.json: %ld users, %zu bytes", n, b.len);
	drv_free(b.data);
	add_old_users(r);
	do_load(r, FILE_NAME);
	dump(r, "loaded");
	for (k = 0; k < 12; k++) {
		long j = (long)gd_rand_below((uint64_t)n);
		char email[64];

		show_by_id(r, large_id(j));
		snprintf(email, sizeof(email), "large.%ld@d%ld.example", j, j % 97);
		show_by_email(r, email);
	}
	show_by_email(r, "keep@example.org");
	got = registry_list(r, out, 5);
	for (k = 0; k < got && k < 5; k++) {
		struct line l;

		line_init(&l);
		lp(&l, "lowest id %zu: ", k);
		describe_user(&l, out[k]);
		emit(&l);
	}
	do_destroy(r);
}

/* -- Scaling ------------------------------------------------------------ */

static uint64_t mix(uint64_t h, uint64_t x)
{
	h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

static void scenario_scale(void)
{
	static const char *const pool[] = { "admin", "editor", "viewer" };
	long n = gd_arg_ll(1, 100000), m = gd_arg_ll(2, 200000), i;
	registry *r = must_create();
	uint64_t h = 0;
	long fails = 0;
	const user *out[3];
	size_t got, k;

	for (i = 0; i < n; i++) {
		char name[32], email[48];
		reg_status st;

		snprintf(name, sizeof(name), "User %ld", i);
		snprintf(email, sizeof(email), "user%ld@scale.example", i);
		if (i % 10000 == 0)
			ga_op("adds %ld..%ld", i, i + 9999);
		st = registry_add(r, large_id(i), name, email, pool, (size_t)(i % 4));
		if (st != REG_OK && fails++ == 0)
			gd_obs("add %ld (id %d) -> %s", i, large_id(i), st_str(st));
	}
	gd_obs("%ld adds, %ld not REG_OK; count %zu", n, fails, registry_count(r));
	for (i = 1; i <= m; i++) {
		long j = (long)gd_rand_below((uint64_t)n + (uint64_t)n / 4);
		const user *u = registry_get_by_id(r, large_id(j));

		h = mix(h, u ? (uint64_t)user_id(u) : 0);
		if (i % 50000 == 0)
			gd_obs("get_by_id calls 1..%ld: checksum %016" PRIx64, i, h);
	}
	for (i = 1; i <= m; i++) {
		long j = (long)gd_rand_below((uint64_t)n + (uint64_t)n / 4);
		char email[48];
		const user *u;

		snprintf(email, sizeof(email), "user%ld@scale.example", j);
		u = registry_get_by_email(r, email);
		h = mix(h, u ? (uint64_t)user_id(u) : 0);
		if (i % 50000 == 0)
			gd_obs("get_by_email calls 1..%ld: checksum %016" PRIx64, i, h);
	}
	got = registry_list(r, out, 3);
	for (k = 0; k < got && k < 3; k++) {
		struct line l;

		line_init(&l);
		lp(&l, "lowest id %zu: ", k);
		describe_user(&l, out[k]);
		emit(&l);
	}
	registry_destroy(r);
	gd_obs("destroyed");
}

/* -- Memory --------------------------------------------------------------- */

static void scenario_leaks(void)
{
	static const char *const many[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j" };
	registry *r = must_create();
	registry *r2;
	int i;

	for (i = 1; i <= 60; i++) {
		char name[32], email[48];

		snprintf(name, sizeof(name), "Leak Test %d", i);
		snprintf(email, sizeof(email), "leak%d@example.org", i);
		ga_op("add(%d)", i);
		registry_add(r, i, name, email, many, (size_t)(i % 11));
	}
	for (i = 1; i <= 60; i += 3) {
		ga_op("set_name(%d)", i);
		registry_set_name(r, i, "Renamed");
		ga_op("add_role(%d)", i);
		registry_add_role(r, i, "extra");
		ga_op("remove_role(%d)", i);
		registry_remove_role(r, i, "a");
	}
	for (i = 2; i <= 60; i += 4)
		do_remove(r, i);
	show_count(r);
	do_save(r, FILE_NAME);
	r2 = must_create();
	do_add(r2, 1, "Replaced", "replaced@example.org", many, 3);
	do_load(r2, FILE_NAME);
	do_load(r2, FILE_NAME);
	dump(r2, "loaded twice");
	do_destroy(r2);
	do_destroy(r);
}

/*
 * Error paths only; their statuses are other tests' business, so that
 * this one reports nothing but what is left allocated.
 */
static void scenario_leaks_errors(void)
{
	static const char *const bad_role[] = { "ok", "" };
	registry *r = must_create();
	size_t i;

	add_three(r);
	ga_op("rejected adds");
	registry_add(r, 0, "X", "x@example.org", NULL, 0);
	registry_add(r, 5, "", "x@example.org", NULL, 0);
	registry_add(r, 5, "X", "x.example.org", NULL, 0);
	registry_add(r, 5, "X", "x@example.org", bad_role, 2);
	registry_add(r, 101, "X", "x@example.org", R_ADMIN, 2);
	registry_add(r, 5, "X", "alice@example.org", R_ADMIN, 2);
	ga_op("rejected calls on users");
	registry_set_name(r, 99, "X");
	registry_add_role(r, 99, "x");
	registry_add_role(r, 101, "admin");
	registry_remove_role(r, 99, "x");
	registry_remove(r, 99);
	ga_op("load(\"missing.json\")");
	registry_load_json(r, "missing.json");
	for (i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		const struct bad_doc *d = &bad_docs[i];

		write_file(FILE_NAME, d->text, d->len ? d->len : strlen(d->text));
		ga_op("load of bad file %zu (%s)", i + 1, d->kind);
		registry_load_json(r, FILE_NAME);
	}
	ga_op("save(\"no-such-dir/reg.json\")");
	registry_save_json(r, "no-such-dir/reg.json");
	gd_obs("%zu failed loads, then a failed save", sizeof(bad_docs) / sizeof(bad_docs[0]) + 1);
	do_destroy(r);
}

/*
 * Under allocation failures every call may fail, but never halfway: the
 * checks below turn any disagreement into a !fail line.
 */
static void check_consistent(const registry *r, const char *after)
{
	size_t n, got, i;
	const user **all = list_all(r, &n, &got);

	if (got != n)
		gd_obs("!fail after %s: count is %zu but list returned %zu", after, n, got);
	for (i = 0; i < got; i++) {
		const user *u = all[i];

		if (i > 0 && user_id(all[i - 1]) >= user_id(u))
			gd_obs("!fail after %s: list is not in ascending id", after);
		if (registry_get_by_id(r, user_id(u)) != u)
			gd_obs("!fail after %s: listed user %d is not found by its id", after, user_id(u));
		if (!user_email(u) || registry_get_by_email(r, user_email(u)) != u)
			gd_obs("!fail after %s: listed user %d is not found by its email", after, user_id(u));
	}
	drv_free(all);
}

/* The driver's own checks are not the calls under test: nothing in them is failed or counted. */
static uint64_t quiet_state_hash(const registry *r)
{
	bool was = track(false);
	uint64_t h = state_hash(r);

	track(was);
	return h;
}

static void check_failed_call(const registry *r, reg_status st, uint64_t before, const char *what)
{
	bool was;

	if (st != REG_OK && quiet_state_hash(r) != before)
		gd_obs("!fail %s returned %s but changed the registry", what, st_str(st));
	was = track(false);
	check_consistent(r, what);
	track(was);
}

static void scenario_alloc(void)
{
	static const char doc[] =
		"[{\"user_id\": 8, \"name\": \"Hal\", \"email\": \"hal@example.org\", \"roles\": [\"ops\", \"dev\"]},"
		" {\"user_id\": 3, \"name\": \"Ida\", \"email\": \"ida@example.org\"}]";
	static const char *const roles[] = { "admin", "editor", "viewer", "auditor" };
	static const char *const names[] = { "Ann", "Bob", "Cyd" };
	static const char *const emails[] = { "ann@example.org", "bob@example.org", "cyd@example.org" };
	registry *r = do_create();
	struct file_sum saved;
	uint64_t before;
	reg_status st;
	const user *u;
	int i;

	if (!r)
		return;
	for (i = 0; i < 3; i++) {
		before = quiet_state_hash(r);
		st = do_add(r, i + 1, names[i], emails[i], roles + i, 2);
		check_failed_call(r, st, before, "add");
		if (st == REG_OK && (!registry_get_by_id(r, i + 1) || !registry_get_by_email(r, emails[i])))
			gd_obs("!fail add returned REG_OK but the user is missing");
	}
	before = quiet_state_hash(r);
	st = do_set_name(r, 1, "Ann Renamed");
	check_failed_call(r, st, before, "set_name");
	u = registry_get_by_id(r, 1);
	if (st == REG_OK && (!u || !user_name(u) || strcmp(user_name(u), "Ann Renamed") != 0))
		gd_obs("!fail set_name returned REG_OK but the name is not the new one");
	before = quiet_state_hash(r);
	st = do_add_role(r, 2, "ops");
	check_failed_call(r, st, before, "add_role");
	u = registry_get_by_id(r, 2);
	if (st == REG_OK && (!u || !user_has_role(u, "ops")))
		gd_obs("!fail add_role returned REG_OK but the role is missing");
	before = quiet_state_hash(r);
	st = do_remove_role(r, 2, "viewer");
	check_failed_call(r, st, before, "remove_role");
	before = quiet_state_hash(r);
	st = do_remove(r, 3);
	check_failed_call(r, st, before, "remove");
	if (st == REG_OK && registry_get_by_id(r, 3))
		gd_obs("!fail remove returned REG_OK but the user is still there");

	before = quiet_state_hash(r);
	st = do_save(r, FILE_NAME);
	saved = file_sum(FILE_NAME);
	if (st == REG_OK && file_state_hash(FILE_NAME) != before)
		gd_obs("!fail save returned REG_OK but the file does not hold the registry");
	check_failed_call(r, st, before, "save");
	if (st == REG_OK) {
		struct file_sum now;

		before = quiet_state_hash(r);
		st = do_add(r, 4, "Dee", "dee@example.org", NULL, 0);
		check_failed_call(r, st, before, "add");
		before = quiet_state_hash(r);
		st = do_save(r, FILE_NAME);
		now = file_sum(FILE_NAME);
		if (st != REG_OK && (!now.exists || now.size != saved.size || now.hash != saved.hash))
			gd_obs("!fail save returned %s but the file saved before is not intact", st_str(st));
		if (st == REG_OK && file_state_hash(FILE_NAME) != before)
			gd_obs("!fail save returned REG_OK but the file does not hold the registry");
	}

	write_file(FILE_NAME, doc, sizeof(doc) - 1);
	before = quiet_state_hash(r);
	st = do_load(r, FILE_NAME);
	check_failed_call(r, st, before, "load");
	if (st == REG_OK && registry_count(r) != 2)
		gd_obs("!fail load returned REG_OK but the registry does not hold the file");
	do_destroy(r);
}

/* The driver's state as a fresh process has it, for ga_main's runs in one process. */
static void reset(void)
{
	op = 0;
	track(false);
}

static int test(void)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} scenarios[] = {
		{ "basic", scenario_basic },
		{ "invalid-id", scenario_invalid_id },
		{ "invalid-name", scenario_invalid_name },
		{ "invalid-email", scenario_invalid_email },
		{ "invalid-role", scenario_invalid_role },
		{ "order", scenario_order },
		{ "dup-id", scenario_dup_id },
		{ "dup-email", scenario_dup_email },
		{ "rejected", scenario_rejected },
		{ "case", scenario_case },
		{ "remove", scenario_remove },
		{ "reuse-email", scenario_reuse_email },
		{ "set-name", scenario_set_name },
		{ "roles", scenario_roles },
		{ "roles-once", scenario_roles_once },
		{ "calls-order", scenario_calls_order },
		{ "copied", scenario_copied },
		{ "list", scenario_list },
		{ "churn", scenario_churn },
		{ "save-format", scenario_save_format },
		{ "save-escapes", scenario_save_escapes },
		{ "roundtrip", scenario_roundtrip },
		{ "save-atomic", scenario_save_atomic },
		{ "save-io-error", scenario_save_io_error },
		{ "load-file", scenario_load_file },
		{ "load-missing", scenario_load_missing },
		{ "load-bad", scenario_load_bad },
		{ "load-large", scenario_load_large },
		{ "scale", scenario_scale },
		{ "leaks", scenario_leaks },
		{ "leaks-errors", scenario_leaks_errors },
		{ "alloc", scenario_alloc },
	};
	const char *what = gd_arg(0);
	size_t i;

	track(true);
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (strcmp(what, scenarios[i].name) == 0)
			break;
	}
	if (i == sizeof(scenarios) / sizeof(scenarios[0]))
		driver_fail("unknown scenario");
	scenarios[i].run();
	track(false);
	ga_report_leaks();
	ga_report_bad_frees();
	ga_report_count();
	return 0;
}

/*
 * The test's input, for the grader's "describe" (grader_driver.h): the file
 * a load test reads, line by line; else the scenario, whose calls the
 * observation lines name one by one. No learner call.
 */
static void describe(void)
{
	size_t len, i = 0;
	char *in = gd_read_stdin(&len);
	int a;

	gd_write("!input\n", 7);
	if (len)
		gd_obs("the file to load (%zu bytes):", len);
	while (i < len) {
		char *nl = memchr(in + i, '\n', len - i);
		size_t k = nl ? (size_t)(nl - (in + i)) : len - i;

		gd_obs("%.*s", (int)k, in + i);
		i += k + 1;
	}
	free(in);
	if (len)
		return;
	gd_obs("scenario '%s', the calls its observation lines name one by one", gd_arg(0));
	for (a = 1; *gd_arg(a); a++)
		gd_obs("argument %d: %s", a, gd_arg(a));
}

int main(int argc, char **argv)
{
	cJSON_Hooks hooks = { hook_malloc, hook_free };

	gd_init(argc, argv);
	if (gd_describing()) {
		describe();
		gd_end();
		return 0;
	}
	/* A save larger than the file size limit must fail with EFBIG, not kill the run. */
	signal(SIGXFSZ, SIG_IGN);
	cJSON_InitHooks(&hooks);
	return ga_main(test, reset);
}
