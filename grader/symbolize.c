/*
 * symbolize.c: a crashed program's stack, from raw addresses to the
 * learner's functions, files and lines, with libdw (elfutils).
 *
 * The addresses come from the program (grader_driver.h's crash handler)
 * and are hostile: the line is parsed strictly and bounded, the load
 * address must be page-aligned (and zero for a program that is not PIE),
 * and an address outside the program's executable segments ends the
 * chain. No separate debug file is ever looked for: the program's own
 * sections are all that is read.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "symbolize.h"
#include "util.h"

#define HEAD_MAX 48   /* GD_CRASH_HEAD */
#define TAIL_MAX 16   /* GD_CRASH_TAIL */
#define SCAN_MAX 16   /* GD_CRASH_SCAN */
#define CALLS_MAX 128 /* frames shown, inlined ones included */
#define CALLS_TAIL 48 /* ... of which kept for the outermost frames */
#define SEGS_MAX 16
#define OVERFLOW_REACH 65536 /* a fault this close to the stack pointer: the stack ran out */

struct raw_stack {
	int sig;
	uint64_t addr, sp, start;
	unsigned long depth;
	uint64_t head[HEAD_MAX], tail[TAIL_MAX], scan[SCAN_MAX];
	size_t nhead, ntail, nscan;
};

const char *crash_signal_name(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGFPE: return "SIGFPE";
	case SIGILL: return "SIGILL";
	case SIGABRT: return "SIGABRT";
	default: return NULL;
	}
}

/* One token of 1 to 16 lowercase hex digits, then a space or the end. */
static bool take_hex(const char **p, uint64_t *v)
{
	const char *s = *p;
	int n = 0;

	*v = 0;
	for (; (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'); s++, n++) {
		if (n == 16)
			return false;
		*v = *v << 4 | (uint64_t)(*s <= '9' ? *s - '0' : *s - 'a' + 10);
	}
	if (!n || (*s && *s != ' '))
		return false;
	*p = *s ? s + 1 : s;
	return true;
}

static bool take_dec(const char **p, unsigned long *v)
{
	const char *s = *p;
	int n = 0;

	*v = 0;
	for (; *s >= '0' && *s <= '9'; s++, n++) {
		if (n == 18)
			return false;
		*v = *v * 10 + (unsigned long)(*s - '0');
	}
	if (!n || (*s && *s != ' '))
		return false;
	*p = *s ? s + 1 : s;
	return true;
}

static bool parse_stack(const char *line, struct raw_stack *rs)
{
	const char *p = line;
	unsigned long sig;
	uint64_t v;

	memset(rs, 0, sizeof(*rs));
	if (strnlen(line, CRASH_LINE_MAX + 1) > CRASH_LINE_MAX)
		return false;
	if (!take_dec(&p, &sig) || sig > 64 || !take_hex(&p, &rs->addr) ||
	    !take_hex(&p, &rs->sp) || !take_hex(&p, &rs->start) || !take_dec(&p, &rs->depth))
		return false;
	rs->sig = (int)sig;
	while (*p && *p != '-' && *p != '+') {
		if (rs->nhead == HEAD_MAX || !take_hex(&p, &v))
			return false;
		rs->head[rs->nhead++] = v;
	}
	if (*p == '-') {
		if (p[1] != ' ')
			return false;
		p += 2;
		while (*p && *p != '+') {
			if (rs->ntail == TAIL_MAX || !take_hex(&p, &v))
				return false;
			rs->tail[rs->ntail++] = v;
		}
	}
	if (*p == '+') {
		if (p[1] != ' ')
			return false;
		p += 2;
		while (*p) {
			if (rs->nscan == SCAN_MAX || !take_hex(&p, &v))
				return false;
			rs->scan[rs->nscan++] = v;
		}
	}
	return rs->nhead > 0 && rs->depth >= rs->nhead + rs->ntail;
}

struct program {
	Dwfl *dwfl;
	Dwfl_Module *mod;
	uint64_t bias; /* where it ran minus where it was linked */
	struct { GElf_Addr lo, hi; } seg[SEGS_MAX];
	size_t nseg;
};

/* Debug information is the program's own: no search of the host's files. */
static int no_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
			Dwarf_Addr base, const char *file_name, const char *debuglink_file,
			GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	(void)mod, (void)userdata, (void)modname, (void)base, (void)file_name;
	(void)debuglink_file, (void)debuglink_crc, (void)debuginfo_file_name;
	return -1;
}

static const Dwfl_Callbacks callbacks = {
	.find_debuginfo = no_debuginfo,
};

/* The link-time address of __executable_start, or of the first segment. */
static bool link_start(struct program *pg, Elf *elf, uint64_t *out)
{
	int i, n = dwfl_module_getsymtab(pg->mod);
	size_t k, nph;

	for (i = 1; i < n; i++) {
		GElf_Sym sym;
		const char *name = dwfl_module_getsym(pg->mod, i, &sym, NULL);

		if (name && !strcmp(name, "__executable_start")) {
			*out = sym.st_value;
			return true;
		}
	}
	if (elf_getphdrnum(elf, &nph))
		return false;
	for (k = 0; k < nph; k++) {
		GElf_Phdr ph;

		if (gelf_getphdr(elf, (int)k, &ph) && ph.p_type == PT_LOAD) {
			*out = ph.p_vaddr & ~(uint64_t)0xfff;
			return true;
		}
	}
	return false;
}

static bool program_open(struct program *pg, const char *exe, uint64_t start)
{
	GElf_Addr bias;
	GElf_Ehdr eh;
	Elf *elf;
	size_t k, nph;
	uint64_t link;

	memset(pg, 0, sizeof(*pg));
	pg->dwfl = dwfl_begin(&callbacks);
	if (!pg->dwfl)
		return false;
	dwfl_report_begin(pg->dwfl);
	pg->mod = dwfl_report_elf(pg->dwfl, "program", exe, -1, 0, false);
	dwfl_report_end(pg->dwfl, NULL, NULL);
	if (!pg->mod)
		return false;
	elf = dwfl_module_getelf(pg->mod, &bias);
	if (!elf || bias != 0 || !gelf_getehdr(elf, &eh) || elf_getphdrnum(elf, &nph) ||
	    !link_start(pg, elf, &link))
		return false;
	pg->bias = start - link;
	if ((pg->bias & 0xfff) || (eh.e_type != ET_DYN && pg->bias))
		return false;
	for (k = 0; k < nph && pg->nseg < SEGS_MAX; k++) {
		GElf_Phdr ph;

		if (gelf_getphdr(elf, (int)k, &ph) && ph.p_type == PT_LOAD && (ph.p_flags & PF_X)) {
			pg->seg[pg->nseg].lo = ph.p_vaddr;
			pg->seg[pg->nseg++].hi = ph.p_vaddr + ph.p_memsz;
		}
	}
	return pg->nseg > 0;
}

static void program_close(struct program *pg)
{
	if (pg->dwfl)
		dwfl_end(pg->dwfl);
}

/* The link-time address of a run-time one, if it lies in the program's code. */
static bool in_text(const struct program *pg, uint64_t addr, GElf_Addr *out)
{
	uint64_t a = addr - pg->bias;
	size_t i;

	for (i = 0; i < pg->nseg; i++)
		if (a >= pg->seg[i].lo && a < pg->seg[i].hi) {
			*out = a;
			return true;
		}
	return false;
}

enum frame_kind { FRAME_LEARNER, FRAME_DRIVER, FRAME_LIBRARY };

struct frame {
	const char *function;
	const char *file;
	int line;
	enum frame_kind kind;
};

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_name, &a) ? dwarf_formstring(&a) : NULL;
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path;
}

static enum frame_kind kind_of(const char *file, const char *source_name)
{
	if (!file)
		return FRAME_LIBRARY;
	return !strcmp(base_name(file), source_name) ? FRAME_LEARNER : FRAME_DRIVER;
}

/*
 * The frames at one address, innermost first: the function the address is
 * in, and each function that function was inlined into, at the line of
 * the inlined call. pc is a return address unless exact (the faulting
 * instruction): the call before it is what is looked up.
 */
static size_t frames_at(struct program *pg, GElf_Addr pc, bool exact, const char *source_name,
			struct frame *out, size_t max)
{
	Dwarf_Addr lookup = exact ? pc : pc - 1, cubias;
	Dwarf_Die *cu = dwfl_module_addrdie(pg->mod, lookup, &cubias), *scopes = NULL;
	Dwfl_Line *ln = dwfl_module_getsrc(pg->mod, lookup);
	Dwarf_Files *files = NULL;
	const char *file = NULL;
	size_t n = 0, nfiles = 0;
	int line = 0, nscopes, i;

	if (ln)
		file = dwfl_lineinfo(ln, NULL, &line, NULL, NULL, NULL);
	if (!cu || !file) {
		const char *sym = dwfl_module_addrname(pg->mod, lookup);

		out[0] = (struct frame){ sym ? sym : "", NULL, 0, FRAME_LIBRARY };
		return 1;
	}
	if (dwarf_getsrcfiles(cu, &files, &nfiles))
		files = NULL;
	/*
	 * dwarf_getscopes lists an inlined function's abstract scopes; the
	 * chain of concrete ones, the inlined calls and then the function
	 * they sit in, comes from its innermost function scope.
	 */
	nscopes = dwarf_getscopes(cu, lookup - cubias, &scopes);
	for (i = 0; i < nscopes; i++) {
		int tag = dwarf_tag(&scopes[i]);

		if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine) {
			Dwarf_Die inner = scopes[i];

			free(scopes);
			scopes = NULL;
			nscopes = dwarf_getscopes_die(&inner, &scopes);
			break;
		}
	}
	for (i = 0; i < nscopes && n < max; i++) {
		int tag = dwarf_tag(&scopes[i]);
		Dwarf_Attribute a;
		Dwarf_Word w;

		if (tag != DW_TAG_subprogram && tag != DW_TAG_inlined_subroutine)
			continue;
		out[n++] = (struct frame){ die_name(&scopes[i]), file, line,
					   kind_of(file, source_name) };
		if (!out[n - 1].function)
			out[n - 1].function = "";
		if (tag == DW_TAG_subprogram)
			break;
		/* Inlined: its caller is the next scope out, at the call's place. */
		file = NULL;
		line = 0;
		if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_file, &a), &w) == 0 && files)
			file = dwarf_filesrc(files, (size_t)w, NULL, NULL);
		if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line, &a), &w) == 0)
			line = (int)w;
		if (!file)
			break;
	}
	free(scopes);
	if (!n) {
		const char *sym = dwfl_module_addrname(pg->mod, lookup);

		out[n++] = (struct frame){ sym ? sym : "", file, line, kind_of(file, source_name) };
	}
	return n;
}

static void add_call(struct crash_info *c, const struct frame *f, const char *source_name)
{
	struct crash_call *k;

	c->calls = xrealloc(c->calls, (c->ncalls + 1) * sizeof(*c->calls));
	k = &c->calls[c->ncalls++];
	k->function = xstrdup(f->function ? f->function : "");
	k->file = xstrdup(f->kind == FRAME_LEARNER ? source_name : "");
	k->line = f->kind == FRAME_LEARNER ? f->line : 0;
}

/*
 * The chain shown: the innermost frame even when it is a library's (the
 * call that crashed), then from the first of the learner's frames up to
 * the driver's, which called the learner's code for the test. Library
 * frames between the learner's stay (qsort calling a comparator).
 */
static void build_chain(struct program *pg, const struct raw_stack *rs, const char *source_name,
			struct crash_info *c)
{
	struct frame fr[16];
	bool learner = false;
	size_t i, k, n, skipped = 0;

	for (i = 0; i < rs->nhead + rs->ntail && c->ncalls < CALLS_MAX; i++) {
		uint64_t raw;
		GElf_Addr pc;

		if (i < rs->nhead && rs->ntail && c->ncalls >= CALLS_MAX - CALLS_TAIL) {
			skipped = rs->nhead - i; /* room for the outermost frames */
			i = rs->nhead;
		}
		if (i == rs->nhead && rs->ntail) {
			c->omitted_at = c->ncalls;
			c->omitted = rs->depth - rs->nhead - rs->ntail + skipped;
		}
		raw = i < rs->nhead ? rs->head[i] : rs->tail[i - rs->nhead];
		if (!in_text(pg, raw, &pc)) {
			if (i > 0)
				break; /* not a return address of this program: the chain is lost */
			fr[0] = (struct frame){ "", NULL, 0, FRAME_LIBRARY };
			n = 1;
		} else {
			n = frames_at(pg, pc, i == 0, source_name, fr, ARRAY_SIZE(fr));
		}
		for (k = 0; k < n && c->ncalls < CALLS_MAX; k++) {
			if (fr[k].kind == FRAME_DRIVER)
				return; /* the driver: the test that called the learner's code */
			if (fr[k].kind == FRAME_LEARNER)
				learner = true;
			else if (!learner && c->ncalls)
				continue; /* inside a library: its innermost frame says enough */
			add_call(c, &fr[k], source_name);
		}
	}
}

/*
 * No frame of the chain is the learner's: code without frame pointers (the
 * C library) lost it. The first word near the stack pointer that is a
 * return address into the learner's code stands for the caller; a stale
 * word could name an earlier call, which is why it is only tried here.
 */
static void rescue_chain(struct program *pg, const struct raw_stack *rs, const char *source_name,
			 struct crash_info *c)
{
	struct frame fr[16];
	size_t i, k, n;

	for (i = 0; i < rs->nscan; i++) {
		GElf_Addr pc;

		if (!in_text(pg, rs->scan[i], &pc))
			continue;
		n = frames_at(pg, pc, false, source_name, fr, ARRAY_SIZE(fr));
		if (!n || fr[0].kind != FRAME_LEARNER)
			continue;
		for (k = 0; k < n && fr[k].kind == FRAME_LEARNER && c->ncalls < CALLS_MAX; k++)
			add_call(c, &fr[k], source_name);
		c->omitted = 0;
		c->omitted_at = 0;
		return;
	}
}

static struct crash_info *symbolize(const char *exe, const char *source_name, int sig,
				    const char *name, const char *line)
{
	struct raw_stack rs;
	struct program pg;
	struct crash_info *c = NULL;
	size_t i;
	bool any = false;

	if (!parse_stack(line, &rs) || rs.sig != sig || !name)
		return NULL;
	if (!program_open(&pg, exe, rs.start))
		goto out;
	c = xcalloc(1, sizeof(*c));
	c->signal = xstrdup(name);
	c->stack_overflow = sig == SIGSEGV && (rs.addr <= rs.sp ? rs.sp - rs.addr
								: rs.addr - rs.sp) < OVERFLOW_REACH;
	c->omitted_at = 0;
	build_chain(&pg, &rs, source_name, c);
	for (i = 0; i < c->ncalls; i++)
		any |= *c->calls[i].file != '\0';
	if (!any && c->ncalls == 1) {
		rescue_chain(&pg, &rs, source_name, c);
		any = c->ncalls > 1;
	}
	if (!any) {
		crash_info_free(c);
		c = NULL;
	} else if (!c->omitted) {
		c->omitted_at = 0;
	}
out:
	program_close(&pg);
	return c;
}

struct crash_info *crash_symbolize(const char *exe, const char *source_name, int sig,
				   const char *line)
{
	return symbolize(exe, source_name, sig, crash_signal_name(sig), line);
}

struct crash_info *crash_symbolize_error(const char *exe, const char *source_name,
					 const char *checker, const char *line)
{
	return symbolize(exe, source_name, 0, checker, line);
}
