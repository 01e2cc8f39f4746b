/*
 * elfcheck.c: the loader and libraries a program asks for, with libelf.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfcheck.h"
#include "util.h"

#if defined(__x86_64__)
#define MULTIARCH "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define MULTIARCH "aarch64-linux-gnu"
#else
#define MULTIARCH "unknown-linux-gnu"
#endif

/* Where the loader looks without /etc/ld.so.cache, which no run can see. */
static const char *const lib_dirs[] = {
	"/lib/" MULTIARCH, "/usr/lib/" MULTIARCH, "/lib64", "/usr/lib64", "/lib", "/usr/lib",
};

struct elf_file {
	int fd;
	Elf *e;
};

static int elf_file_open(const char *path, struct elf_file *f)
{
	f->e = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOSYS;
	f->fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (f->fd < 0)
		return -errno;
	f->e = elf_begin(f->fd, ELF_C_READ, NULL);
	if (!f->e || elf_kind(f->e) != ELF_K_ELF) {
		if (f->e)
			elf_end(f->e);
		close(f->fd);
		f->e = NULL;
		return -ENOEXEC;
	}
	return 0;
}

static void elf_file_close(struct elf_file *f)
{
	if (!f->e)
		return;
	elf_end(f->e);
	close(f->fd);
	f->e = NULL;
}

/*
 * The PT_INTERP entries: how many, and the first one's string as the
 * kernel reads it (up to its first NUL); *exact: that string is the whole
 * entry (nothing after its NUL). -ENOEXEC if one is malformed.
 */
static int read_interp(Elf *e, int *count, char **interp, bool *exact)
{
	size_t n, i, size;
	const char *raw = elf_rawfile(e, &size);

	*count = 0;
	*interp = NULL;
	if (!raw || elf_getphdrnum(e, &n) != 0)
		return -ENOEXEC;
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph))
			return -ENOEXEC;
		if (ph.p_type != PT_INTERP)
			continue;
		if (ph.p_filesz < 2 || ph.p_filesz > 4096 || ph.p_offset > size ||
		    ph.p_filesz > size - ph.p_offset)
			return -ENOEXEC;
		if (++*count == 1) {
			*interp = xstrndup(raw + ph.p_offset, ph.p_filesz);
			*exact = strlen(*interp) + 1 == ph.p_filesz;
		}
	}
	return 0;
}

/* Appends the DT_NEEDED names of e to names (owned strings). */
static void read_needed(Elf *e, char **names, size_t *n, size_t max)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t i;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC)
			continue;
		data = elf_getdata(scn, NULL);
		for (i = 0; data && sh.sh_entsize && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Dyn dyn;
			const char *name;

			if (!gelf_getdyn(data, (int)i, &dyn))
				break;
			if (dyn.d_tag != DT_NEEDED)
				continue;
			name = elf_strptr(e, sh.sh_link, dyn.d_un.d_val);
			if (name && *n < max && !strchr(name, '/'))
				names[(*n)++] = xstrdup(name);
		}
	}
}

/* The first of lib_dirs holding name, as a new string; NULL if none. */
static char *find_lib(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lib_dirs); i++) {
		struct strbuf p = STRBUF_INIT;
		struct stat st;

		strbuf_addf(&p, "%s/%s", lib_dirs[i], name);
		if (stat(p.buf, &st) == 0 && S_ISREG(st.st_mode))
			return strbuf_detach(&p);
		strbuf_release(&p);
	}
	return NULL;
}

static bool have_lib(const struct elf_needs *needs, const char *path)
{
	size_t i;

	for (i = 0; i < needs->nlibs; i++)
		if (!strcmp(needs->libs[i], path))
			return true;
	return false;
}

/*
 * Resolves names[0..*nnames) and, breadth first, each library's own needs,
 * each library once, into needs; frees the names. what: whose needs, for
 * the error.
 */
static int resolve_needed(struct elf_needs *needs, char **names, size_t nnames,
			  const char *what, struct strbuf *err)
{
	size_t done = 0, i;
	int ret = 0;

	while (done < nnames) {
		char *lib = find_lib(names[done]);
		struct elf_file f;

		if (!lib) {
			strbuf_addf(err, "the library '%s' that '%s' needs is in none of the "
				    "loader's default directories", names[done], what);
			ret = -ENOENT;
			break;
		}
		if (have_lib(needs, lib) || needs->nlibs == ELF_MAX_LIBS) {
			free(lib);
		} else {
			needs->libs[needs->nlibs++] = lib;
			if (elf_file_open(lib, &f) == 0) {
				read_needed(f.e, names, &nnames, ELF_MAX_LIBS);
				elf_file_close(&f);
			}
		}
		done++;
	}
	for (i = 0; i < nnames; i++)
		free(names[i]);
	return ret;
}

int elf_needs_of(const char *path, struct elf_needs *needs, struct strbuf *err)
{
	char *names[ELF_MAX_LIBS];
	size_t nnames = 0;
	struct elf_file f;
	bool exact;
	int count, ret;

	memset(needs, 0, sizeof(*needs));
	ret = elf_file_open(path, &f);
	if (ret) {
		strbuf_addf(err, "cannot read the program '%s': %s", path, strerror(-ret));
		return ret;
	}
	ret = read_interp(f.e, &count, &needs->interp, &exact);
	if (!ret)
		read_needed(f.e, names, &nnames, ELF_MAX_LIBS);
	elf_file_close(&f);
	if (ret) {
		strbuf_addf(err, "the program '%s' has a malformed ELF interpreter", path);
		elf_needs_release(needs);
		return ret;
	}
	ret = resolve_needed(needs, names, nnames, path, err);
	if (ret)
		elf_needs_release(needs);
	return ret;
}

bool elf_needs_add(struct elf_needs *needs, const char *name)
{
	char *names[ELF_MAX_LIBS];
	struct strbuf ignored = STRBUF_INIT;
	int ret;

	names[0] = xstrdup(name);
	ret = resolve_needed(needs, names, 1, name, &ignored);
	strbuf_release(&ignored);
	return ret == 0;
}

void elf_needs_release(struct elf_needs *needs)
{
	size_t i;

	free(needs->interp);
	for (i = 0; i < needs->nlibs; i++)
		free(needs->libs[i]);
	memset(needs, 0, sizeof(*needs));
}

/* The first DT_NEEDED name of e that resolves to none of needs' libraries; NULL if none. */
static char *foreign_library(Elf *e, const struct elf_needs *needs)
{
	char *names[ELF_MAX_LIBS], *bad = NULL;
	size_t n = 0, i;

	read_needed(e, names, &n, ELF_MAX_LIBS);
	for (i = 0; i < n; i++) {
		char *lib = bad ? NULL : find_lib(names[i]);

		if (!bad && (!lib || !have_lib(needs, lib))) {
			bad = names[i];
			names[i] = NULL;
		}
		free(lib);
		free(names[i]);
	}
	return bad;
}

bool elf_program_allowed(const char *path, const struct elf_needs *needs, struct strbuf *why)
{
	const char *interp = needs->interp;
	struct elf_file f;
	char *got = NULL, *lib = NULL;
	int count = 0, ret;
	bool ok = false, exact = false;

	ret = elf_file_open(path, &f);
	if (ret) {
		strbuf_addf(why, "the program the build produced cannot be read as an "
			    "ELF file (%s)", strerror(-ret));
		return false;
	}
	ret = read_interp(f.e, &count, &got, &exact);
	if (!ret && interp)
		lib = foreign_library(f.e, needs);
	elf_file_close(&f);
	if (ret)
		strbuf_addstr(why, "the program carries a malformed ELF interpreter entry "
			      "(PT_INTERP)");
	else if (!interp && count)
		strbuf_addstr(why, "the program carries an ELF interpreter (a .interp section) "
			      "in an exercise that links statically: tests run no loader");
	else if (interp && count != 1)
		strbuf_addf(why, "the program must name exactly one ELF interpreter, the "
			    "toolchain's loader '%s'", interp);
	else if (interp && (strcmp(got, interp) || !exact))
		strbuf_addf(why, "the program names a foreign ELF interpreter; tests run only "
			    "with the toolchain's loader '%s' (do not define a .interp section)",
			    interp);
	else if (lib)
		strbuf_addf(why, "the program needs the shared library '%s', which tests do not "
			    "provide: they provide the C library, the math library and the "
			    "exercise's own libraries", lib);
	else
		ok = true;
	free(got);
	free(lib);
	return ok;
}

bool elf_program_names(const char *path, const char *const *prefixes, struct strbuf *found)
{
	struct elf_file f;
	Elf_Scn *scn = NULL;
	bool any = false;

	if (elf_file_open(path, &f))
		return false;
	while ((scn = elf_nextscn(f.e, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !sh.sh_entsize)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			GElf_Sym sym;
			const char *name;
			size_t k;

			if (!gelf_getsym(data, (int)i, &sym))
				continue;
			name = elf_strptr(f.e, sh.sh_link, sym.st_name);
			if (!name)
				continue;
			for (k = 0; prefixes[k]; k++)
				if (!strncmp(name, prefixes[k], strlen(prefixes[k])))
					break;
			if (!prefixes[k] || (found->len && strstr(found->buf, name)))
				continue;
			if (found->len < 512)
				strbuf_addf(found, "%s'%s'", found->len ? ", " : "", name);
			any = true;
		}
	}
	elf_file_close(&f);
	return any;
}
