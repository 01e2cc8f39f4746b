/*
 * elfcheck.h: what a test program's ELF headers ask of the system, read with
 * elfutils' libelf (the only file that uses it is elfcheck.c).
 *
 * A submission's program is hostile data: the grader never follows what its
 * headers name. It reads the reference program (built by the grader from
 * trusted sources) to learn the loader and libraries a run needs, and only
 * checks the submission's program against that.
 */
#ifndef GRADER_ELFCHECK_H
#define GRADER_ELFCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

#define ELF_MAX_LIBS 32

struct elf_needs {
	char *interp;                  /* PT_INTERP as written; NULL: static */
	char *libs[ELF_MAX_LIBS];      /* resolved paths of every library, recursively */
	size_t nlibs;
};

/*
 * Fills needs for the trusted program at path: its loader, and where the
 * loader finds each library it loads (the default directories, no cache).
 * 0, or a negative errno with err set. Released with elf_needs_release().
 */
int elf_needs_of(const char *path, struct elf_needs *needs, struct strbuf *err);
void elf_needs_release(struct elf_needs *needs);

/*
 * Adds the library name (a DT_NEEDED name, such as "libm.so.6") and its
 * own needs to needs, for a trusted library that the build links and the
 * trusted program happened not to need. false if it is not installed.
 */
bool elf_needs_add(struct elf_needs *needs, const char *name);

/*
 * Whether the submission's program at path may run with the trusted
 * needs: a static exercise's program carries no PT_INTERP; a dynamic
 * one's names exactly the trusted loader (needs->interp), and each
 * library it needs is one of needs->libs. false with why set (for the
 * learner) otherwise; an unreadable program is refused too.
 */
bool elf_program_allowed(const char *path, const struct elf_needs *needs, struct strbuf *why);

/*
 * Whether the program at path defines or refers to a symbol (in .symtab or
 * .dynsym: a weak undefined reference counts) whose name starts with one of
 * prefixes (NULL-terminated); the names found are appended to found, quoted
 * and comma-separated. An unreadable program names nothing.
 */
bool elf_program_names(const char *path, const char *const *prefixes, struct strbuf *found);

#endif /* GRADER_ELFCHECK_H */
