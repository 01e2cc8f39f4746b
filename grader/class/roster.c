/*
 * roster.c: scanning a class directory, through descriptors, without
 * following a symbolic link a student could have committed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "roster.h"
#include "util.h"

#define MAX_LISTED 5

static bool ends_with_c(const char *name)
{
	size_t n = strlen(name);

	return n > 2 && name[0] != '.' && !strcmp(name + n - 2, ".c");
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names ending in ".c" in the directory fd (not directories). */
static size_t list_c_files(int fd, char ***out)
{
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	int dup_fd = dup(fd);
	DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;

	*out = NULL;
	if (!d) {
		if (dup_fd >= 0)
			close(dup_fd);
		return 0;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		struct stat st;

		if (!ends_with_c(de->d_name))
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
			continue;
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 8;
			names = xrealloc(names, alloc * sizeof(char *));
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(char *), by_str);
	*out = names;
	return n;
}

static void free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void list_names(struct strbuf *sb, char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < MAX_LISTED; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", names[i]);
	if (n > MAX_LISTED)
		strbuf_addf(sb, " and %zu more", n - MAX_LISTED);
}

static void set_cell(struct gradebook_cell *c, enum cell_status st, const char *file,
		     struct strbuf *note)
{
	c->status = st;
	free(c->file);
	c->file = file ? xstrdup(file) : NULL;
	free(c->note);
	c->note = strbuf_detach(note);
}

/* Reads a regular file opened as fd into c: its hash, or why it is not a submission. */
static void read_submission(int fd, const char *shown, const char *file,
			    struct gradebook_cell *c)
{
	struct strbuf src = STRBUF_INIT, note = STRBUF_INIT;
	int err = 0;

	err = read_fd(fd, ROSTER_SOURCE_MAX, &src);
	err = err == -EFBIG ? 0 : -err; /* too large: said below */
	if (err) {
		strbuf_addf(&note, "cannot read '%s': %s", shown, strerror(err));
		set_cell(c, CELL_INVALID, file, &note);
	} else if (src.len > ROSTER_SOURCE_MAX) {
		strbuf_addf(&note, "'%s' is larger than 1 MiB: not a submission", shown);
		set_cell(c, CELL_INVALID, file, &note);
	} else if (src.len && memchr(src.buf, '\0', src.len)) {
		strbuf_addf(&note, "'%s' holds binary data: not a C source file", shown);
		set_cell(c, CELL_INVALID, file, &note);
	} else {
		sha256_hex(src.len ? src.buf : "", src.len, c->sha256);
		set_cell(c, CELL_PENDING, file, &note);
	}
	strbuf_release(&src);
	strbuf_release(&note);
}

/*
 * Checks the file at relative path rel below the directory dirfd, one
 * component at a time, and reads it. shown is rel as messages name it,
 * file the cell's path relative to the class directory.
 */
static void check_file(int dirfd, const char *rel, const char *file, struct gradebook_cell *c)
{
	struct strbuf note = STRBUF_INIT, part = STRBUF_INIT;
	const char *p = rel;
	int fd = dup(dirfd);
	struct stat st;

	while (fd >= 0) {
		const char *slash = strchr(p, '/');
		int next;

		strbuf_reset(&part);
		strbuf_add(&part, p, slash ? (size_t)(slash - p) : strlen(p));
		if (fstatat(fd, part.buf, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT || errno == ENOTDIR) {
				strbuf_addf(&note, "no file '%s'", rel);
				c->status = CELL_MISSING;
			} else {
				strbuf_addf(&note, "cannot read '%s': %s", rel, strerror(errno));
				c->status = CELL_INVALID;
			}
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			strbuf_addf(&note, "'%.*s' is a symbolic link: submit the file itself",
				    (int)(p - rel + (ptrdiff_t)part.len), rel);
			c->status = CELL_INVALID;
			break;
		}
		if (slash) {
			if (!S_ISDIR(st.st_mode)) {
				strbuf_addf(&note, "no file '%s'", rel);
				c->status = CELL_MISSING;
				break;
			}
			next = openat(fd, part.buf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			close(fd);
			fd = next;
			p = slash + 1;
			if (fd < 0) {
				strbuf_addf(&note, "cannot read '%s': %s", rel, strerror(errno));
				c->status = CELL_INVALID;
			}
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			strbuf_addf(&note, "'%s' is a directory, not a file", rel);
			c->status = CELL_INVALID;
			break;
		}
		if (!S_ISREG(st.st_mode)) {
			strbuf_addf(&note, "'%s' is not a regular file", rel);
			c->status = CELL_INVALID;
			break;
		}
		next = openat(fd, part.buf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (next < 0) {
			strbuf_addf(&note, "cannot read '%s': %s", rel, strerror(errno));
			c->status = CELL_INVALID;
			break;
		}
		read_submission(next, rel, file, c);
		close(next);
		close(fd);
		fd = -1;
		strbuf_release(&note);
		strbuf_release(&part);
		return;
	}
	if (fd >= 0)
		close(fd);
	set_cell(c, c->status, NULL, &note);
	strbuf_release(&part);
}

/* A student directory, open as fd: one cell per exercise. */
static void scan_student(int fd, const char *name, const struct gradebook *gb,
			 struct gradebook_student *s)
{
	struct strbuf note = STRBUF_INIT, file = STRBUF_INIT;
	size_t e;

	for (e = 0; e < gb->nexercises; e++) {
		const struct gradebook_exercise *ex = &gb->exercises[e];
		struct gradebook_cell *c = &s->cells[e];
		char **names;
		size_t n;

		if (ex->file) {
			strbuf_reset(&file);
			strbuf_addf(&file, "%s/%s", name, ex->file);
			check_file(fd, ex->file, file.buf, c);
			if (c->status == CELL_MISSING && !strchr(ex->file, '/')) {
				n = list_c_files(fd, &names);
				if (n) {
					strbuf_addf(&note, "%s (found: ", c->note);
					list_names(&note, names, n);
					strbuf_addch(&note, ')');
					set_cell(c, CELL_MISSING, NULL, &note);
				}
				free_names(names, n);
			}
			continue;
		}
		n = list_c_files(fd, &names);
		if (n == 0) {
			strbuf_addstr(&note, "no .c file");
			set_cell(c, CELL_MISSING, NULL, &note);
		} else if (n > 1) {
			strbuf_addf(&note, "%zu candidate files: ", n);
			list_names(&note, names, n);
			set_cell(c, CELL_AMBIGUOUS, NULL, &note);
		} else {
			strbuf_reset(&file);
			strbuf_addf(&file, "%s/%s", name, names[0]);
			check_file(fd, names[0], file.buf, c);
		}
		free_names(names, n);
	}
	strbuf_release(&note);
	strbuf_release(&file);
}

static struct gradebook_student *find_or_add(struct gradebook *gb, size_t *alloc,
					     const char *name, bool *existed)
{
	size_t i;

	/* Linear: a name appears at most twice (alice/ and alice.c), in readdir order. */
	for (i = 0; i < gb->nstudents; i++)
		if (!strcmp(gb->students[i].name, name)) {
			*existed = true;
			return &gb->students[i];
		}
	*existed = false;
	if (gb->nstudents == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 64;
		gb->students = xrealloc(gb->students, *alloc * sizeof(*gb->students));
	}
	gb->students[gb->nstudents].name = xstrdup(name);
	gb->students[gb->nstudents].cells = xcalloc(gb->nexercises, sizeof(struct gradebook_cell));
	return &gb->students[gb->nstudents++];
}

static void mark_all(const struct gradebook *gb, struct gradebook_student *s,
		     enum cell_status st, const char *fmt, const char *arg)
{
	size_t e;

	for (e = 0; e < gb->nexercises; e++) {
		struct strbuf note = STRBUF_INIT;

		strbuf_addf(&note, fmt, arg);
		set_cell(&s->cells[e], st, NULL, &note);
	}
}

static bool skipped(const struct stat *st, const struct roster_skip *skip, size_t nskip)
{
	size_t i;

	for (i = 0; i < nskip; i++)
		if (skip[i].dev == st->st_dev && skip[i].ino == st->st_ino)
			return true;
	return false;
}

/*
 * An earlier batch's output in the class directory (--out DIR/results one
 * day, DIR/grades the next): it holds a manifest, and never a .c file. A
 * student's directory with a file named batch.json is still a student's:
 * one that held {} there once vanished from every gradebook.
 */
static bool earlier_output(int fd)
{
	char **names;
	size_t n;

	if (faccessat(fd, GRADEBOOK_MANIFEST, F_OK, AT_SYMLINK_NOFOLLOW) != 0)
		return false;
	n = list_c_files(fd, &names);
	free_names(names, n);
	return n == 0;
}

/* One entry of the class directory: a student's directory, a flat file, or nothing. */
static void add_entry(int dirfd, const char *ent, struct gradebook *gb, size_t *alloc,
		      const struct roster_skip *skip, size_t nskip)
{
	struct gradebook_student *s;
	struct stat st, target;
	bool flat = gb->nexercises == 1, existed;
	struct strbuf name = STRBUF_INIT;
	int fd;

	if (fstatat(dirfd, ent, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		if (skipped(&st, skip, nskip))
			goto out;
		fd = openat(dirfd, ent, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0 && earlier_output(fd)) {
			fprintf(stderr, "grader batch: '%s/' is an earlier batch's output (it holds "
				"%s and no .c file): not a student\n", ent, GRADEBOOK_MANIFEST);
			close(fd);
			goto out;
		}
		s = find_or_add(gb, alloc, ent, &existed);
		if (existed)
			mark_all(gb, s, CELL_AMBIGUOUS, "both '%s/' and a flat .c file", ent);
		else if (fd < 0)
			mark_all(gb, s, CELL_INVALID, "cannot open '%s/'", ent);
		else
			scan_student(fd, ent, gb, s);
		if (fd >= 0)
			close(fd);
		goto out;
	}
	if (flat && ends_with_c(ent) && (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))) {
		strbuf_add(&name, ent, strlen(ent) - 2);
		s = find_or_add(gb, alloc, name.buf, &existed);
		if (existed)
			mark_all(gb, s, CELL_AMBIGUOUS, "both '%s/' and a flat .c file", name.buf);
		else
			check_file(dirfd, ent, ent, &s->cells[0]);
		goto out;
	}
	if (S_ISLNK(st.st_mode) && fstatat(dirfd, ent, &target, 0) == 0 &&
	    S_ISDIR(target.st_mode) && !skipped(&target, skip, nskip)) {
		s = find_or_add(gb, alloc, ent, &existed);
		mark_all(gb, s, existed ? CELL_AMBIGUOUS : CELL_INVALID,
			 "'%s' is a symbolic link, not a student's directory", ent);
	}
out:
	strbuf_release(&name);
}

int roster_scan(const char *dir, struct gradebook *gb, const struct roster_skip *skip,
		size_t nskip, struct strbuf *err)
{
	size_t alloc = gb->nstudents;
	struct dirent *de;
	int dirfd, ret = 0;
	DIR *d;

	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		ret = -errno;
		strbuf_addf(err, "cannot open the class directory '%s': %s", dir, strerror(errno));
		return ret;
	}
	d = fdopendir(dup(dirfd));
	if (!d) {
		ret = -errno;
		strbuf_addf(err, "cannot read '%s': %s", dir, strerror(errno));
		close(dirfd);
		return ret;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		add_entry(dirfd, de->d_name, gb, &alloc, skip, nskip);
	}
	closedir(d);
	close(dirfd);
	gradebook_sort(gb);
	return 0;
}

unsigned roster_shard_of(const char *student, unsigned nshards)
{
	unsigned char d[32];
	struct sha256 c;
	uint64_t v = 0;
	int i;

	sha256_init(&c);
	sha256_update(&c, student, strlen(student));
	sha256_final(&c, d);
	for (i = 0; i < 8; i++)
		v = v << 8 | d[i];
	return nshards ? (unsigned)(v % nshards) : 0;
}

void roster_keep_shard(struct gradebook *gb, unsigned k, unsigned n)
{
	size_t i, kept = 0, e;

	for (i = 0; i < gb->nstudents; i++) {
		struct gradebook_student *s = &gb->students[i];

		if (roster_shard_of(s->name, n) == k) {
			gb->students[kept++] = *s;
			continue;
		}
		for (e = 0; e < gb->nexercises; e++) {
			free(s->cells[e].file);
			free(s->cells[e].note);
		}
		free(s->cells);
		free(s->name);
	}
	gb->nstudents = kept;
	gb->shard = k;
	gb->nshards = n;
}
