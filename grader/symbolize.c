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
 *
 * The debug information is the learner's too: a hostile one can make libdw
 * recurse until the stack runs out (a hundred thousand nested lexical
 * blocks around the faulting instruction did, and killed the grader and a
 * whole batch with it) or loop. So it is read in a process of its own,
 * forked for it, confined to computing on the program's descriptor
 * (sandbox_confine_compute) under CPU and memory limits; it sends the
 * crash_info back through a pipe, and if it dies, runs out of time or
 * sends anything malformed, the crash simply has no location.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"
#include "strbuf.h"
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

/* exe: the program's path, for libdw's messages; fd: open on it, libdw takes it. */
static bool program_open(struct program *pg, const char *exe, int fd, uint64_t start)
{
	GElf_Addr bias;
	GElf_Ehdr eh;
	Elf *elf;
	size_t k, nph;
	uint64_t link;

	memset(pg, 0, sizeof(*pg));
	pg->dwfl = dwfl_begin(&callbacks);
	if (!pg->dwfl) {
		close(fd);
		return false;
	}
	dwfl_report_begin(pg->dwfl);
	pg->mod = dwfl_report_elf(pg->dwfl, "program", exe, fd, 0, false);
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

/* The work itself, in the confined process: fd is open on exe. */
static struct crash_info *symbolize(const char *exe, int fd, const char *source_name,
				    const char *name, const struct raw_stack *rsp)
{
	struct raw_stack rs = *rsp;
	struct program pg;
	struct crash_info *c = NULL;
	size_t i;
	bool any = false;

	if (!program_open(&pg, exe, fd, rs.start))
		goto out;
	c = xcalloc(1, sizeof(*c));
	c->signal = xstrdup(name);
	c->stack_overflow = rs.sig == SIGSEGV && (rs.addr <= rs.sp ? rs.sp - rs.addr
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

/*
 * The confined process's answer: "CRASH1", then each field as a 32-bit
 * length and its bytes (strings) or its value (numbers), in the order
 * below. Read back with every length and count bounded.
 */
#define WIRE_MAGIC "CRASH1"
#define WIRE_STR_MAX 4096
#define WIRE_MAX (1u << 20)
#define SYMBOLIZE_CPU_S 2       /* a CPU limit for the confined process */
#define SYMBOLIZE_WALL_MS 3000  /* and a wall-clock one (a reading takes ms) */
#define SYMBOLIZE_AS (1ul << 30)

static void wire_u32(struct strbuf *w, uint32_t v)
{
	strbuf_add(w, &v, sizeof(v));
}

static void wire_str(struct strbuf *w, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n > WIRE_STR_MAX)
		n = WIRE_STR_MAX;
	wire_u32(w, s ? (uint32_t)n : UINT32_MAX);
	strbuf_add(w, s ? s : "", n);
}

static void wire_crash(struct strbuf *w, const struct crash_info *c)
{
	size_t i;

	strbuf_addstr(w, WIRE_MAGIC);
	wire_str(w, c->signal);
	wire_str(w, c->error);
	wire_u32(w, c->stack_overflow);
	wire_u32(w, (uint32_t)c->omitted_at);
	wire_u32(w, (uint32_t)(c->omitted > UINT32_MAX ? UINT32_MAX : c->omitted));
	wire_u32(w, (uint32_t)c->ncalls);
	for (i = 0; i < c->ncalls; i++) {
		wire_str(w, c->calls[i].function);
		wire_str(w, c->calls[i].file);
		wire_u32(w, (uint32_t)c->calls[i].line);
	}
}

struct wire {
	const char *p;
	size_t left;
	bool bad;
};

static uint32_t take_u32(struct wire *w)
{
	uint32_t v = 0;

	if (w->left < sizeof(v)) {
		w->bad = true;
		return 0;
	}
	memcpy(&v, w->p, sizeof(v));
	w->p += sizeof(v);
	w->left -= sizeof(v);
	return v;
}

/* A string, or NULL for none (allow_null) or when malformed (w->bad). */
static char *take_str(struct wire *w, bool allow_null)
{
	uint32_t n = take_u32(w);

	if (!w->bad && n == UINT32_MAX && allow_null)
		return NULL;
	if (w->bad || n > WIRE_STR_MAX || n > w->left) {
		w->bad = true;
		return NULL;
	}
	w->p += n;
	w->left -= n;
	return xstrndup(w->p - n, n);
}

static struct crash_info *unwire_crash(const char *buf, size_t len)
{
	struct wire w = { buf, len, false };
	struct crash_info *c;
	size_t i, n;

	if (len < strlen(WIRE_MAGIC) || memcmp(buf, WIRE_MAGIC, strlen(WIRE_MAGIC)))
		return NULL;
	w.p += strlen(WIRE_MAGIC);
	w.left -= strlen(WIRE_MAGIC);
	c = xcalloc(1, sizeof(*c));
	c->signal = take_str(&w, false);
	c->error = take_str(&w, true);
	c->stack_overflow = take_u32(&w) != 0;
	c->omitted_at = take_u32(&w);
	c->omitted = take_u32(&w);
	n = take_u32(&w);
	if (n > CALLS_MAX + 1)
		w.bad = true;
	c->calls = xcalloc(n ? n : 1, sizeof(*c->calls));
	for (i = 0; !w.bad && i < n; i++) {
		c->calls[i].function = take_str(&w, false);
		c->calls[i].file = take_str(&w, false);
		c->calls[i].line = (int)take_u32(&w);
		if (c->calls[i].function && c->calls[i].file)
			c->ncalls++;
		else
			w.bad = true;
	}
	if (w.bad || w.left || !c->signal || c->omitted_at > c->ncalls) {
		for (i = 0; i < n && i <= c->ncalls; i++) {
			free(c->calls[i].function);
			free(c->calls[i].file);
		}
		c->ncalls = 0;
		crash_info_free(c);
		return NULL;
	}
	return c;
}

/*
 * Closes every descriptor of the forked process but a and b: it must hold
 * no end of another thread's pipes, whose reader would wait for it to exit
 * before seeing the end of a program's output, and no way to the grader's
 * own output (stdout may be a json report).
 */
static bool close_span(unsigned from, unsigned to)
{
	return from > to || close_range(from, to, 0) == 0;
}

static void close_others(int a, int b)
{
	int keep[2] = { a < b ? a : b, a < b ? b : a };
	unsigned next = 3;
	bool ok = true;

	for (int fd = 0; fd < 3; fd++)
		if (fd != a && fd != b)
			close(fd);
	for (int k = 0; k < 2; k++) {
		if (keep[k] < (int)next)
			continue;
		ok = ok && close_span(next, (unsigned)keep[k] - 1);
		next = (unsigned)keep[k] + 1;
	}
	if (ok && close_span(next, ~0u))
		return;
	for (int fd = 3; fd < 65536; fd++) /* kernels before 5.9 */
		if (fd != a && fd != b)
			close(fd);
}

/* In the forked process: limits, confinement, the work, the answer; never returns. */
static void symbolize_child(const char *exe, int fd, int out, const char *source_name,
			    const char *name, const struct raw_stack *rs)
{
	struct rlimit cpu = { SYMBOLIZE_CPU_S, SYMBOLIZE_CPU_S }, none = { 0, 0 };
	struct strbuf w = STRBUF_INIT;
	struct crash_info *c;
	size_t off = 0;

	close_others(fd, out);
	setrlimit(RLIMIT_CPU, &cpu);
	setrlimit(RLIMIT_CORE, &none);
#if !defined(__SANITIZE_ADDRESS__)
	{
		/* (A sanitized grader's shadow memory needs far more address space.) */
		struct rlimit as = { SYMBOLIZE_AS, SYMBOLIZE_AS };

		setrlimit(RLIMIT_AS, &as);
	}
#endif
	if (sandbox_confine_compute())
		_exit(2);
	c = symbolize(exe, fd, source_name, name, rs);
	if (c)
		wire_crash(&w, c);
	while (off < w.len) {
		ssize_t k = write(out, w.buf + off, w.len - off);

		if (k <= 0)
			_exit(3);
		off += (size_t)k;
	}
	_exit(0);
}

/*
 * Reads the confined process's answer, up to the wall-clock limit; then
 * reaps it, adding the CPU time it used to *cpu_ms.
 */
static struct crash_info *symbolize_collect(pid_t pid, int in, double *cpu_ms)
{
	struct strbuf got = STRBUF_INIT;
	double deadline = now_ms() + SYMBOLIZE_WALL_MS;
	struct crash_info *c = NULL;
	struct rusage ru;
	int status = 0;

	for (;;) {
		struct pollfd pfd = { in, POLLIN, 0 };
		double left = deadline - now_ms();
		char buf[8192];
		ssize_t k;

		if (left <= 0 || got.len > WIRE_MAX) {
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&pfd, 1, (int)left + 1) < 0 && errno != EINTR)
			break;
		k = read(in, buf, sizeof(buf));
		if (k > 0)
			strbuf_add(&got, buf, (size_t)k);
		else if (k == 0 || errno != EINTR)
			break;
	}
	memset(&ru, 0, sizeof(ru));
	while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	*cpu_ms += (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
		   (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && got.len)
		c = unwire_crash(got.buf, got.len);
	strbuf_release(&got);
	return c;
}

static struct crash_info *symbolize_confined(const char *exe, const char *source_name, int sig,
					     const char *name, const char *line, double *cpu_ms)
{
	struct raw_stack rs;
	struct crash_info *c = NULL;
	int fd, pipefd[2];
	pid_t pid;

	if (!name || !parse_stack(line, &rs) || rs.sig != sig)
		return NULL;
	fd = open(exe, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		close(fd);
		return NULL;
	}
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		symbolize_child(exe, fd, pipefd[1], source_name, name, &rs);
	}
	close(fd);
	close(pipefd[1]);
	if (pid > 0)
		c = symbolize_collect(pid, pipefd[0], cpu_ms);
	close(pipefd[0]);
	return c;
}

struct crash_info *crash_symbolize(const char *exe, const char *source_name, int sig,
				   const char *line, double *cpu_ms)
{
	double ignored = 0;

	return symbolize_confined(exe, source_name, sig, crash_signal_name(sig), line,
				  cpu_ms ? cpu_ms : &ignored);
}

struct crash_info *crash_symbolize_error(const char *exe, const char *source_name,
					 const char *checker, const char *line, double *cpu_ms)
{
	double ignored = 0;

	return symbolize_confined(exe, source_name, 0, checker, line, cpu_ms ? cpu_ms : &ignored);
}
