/*
 * symbolize.h: where a crashed program crashed, from the stack its driver
 * wrote (the "!crash" line of grader_driver.h) and the program's debug
 * information. The only user of elfutils' libdw.
 *
 * The line comes from the program, which the learner controls: it is
 * parsed strictly, bounded, and every address is checked against the
 * program's own executable segments. A forged line can only change the
 * message of a test that crashed anyway.
 */
#ifndef GRADER_SYMBOLIZE_H
#define GRADER_SYMBOLIZE_H

#include "result.h"

/* The longest "!crash" line accepted, without its "!crash " prefix. */
#define CRASH_LINE_MAX 2048

/*
 * The crash of the program exe, whose stack the driver reported as line
 * (after "!crash "), that ended by signal sig. source_name is the file
 * name the submission was compiled as; frames in it are the learner's and
 * are named so. Returns a crash_info the caller frees with
 * crash_info_free(), or NULL when the line is malformed or for another
 * signal, or when no frame lies in the submission (the crash is not in the
 * learner's code, or the stack cannot be followed there). The debug
 * information is read in a confined process of its own; the CPU time it
 * took is added to *cpu_ms (NULL: not wanted), so that a caller can bound
 * what a grading spends on it whatever the machine's load.
 */
struct crash_info *crash_symbolize(const char *exe, const char *source_name, int sig,
				   const char *line, double *cpu_ms);

/*
 * The same for a memory error the sanitizers found (the driver's "!crash 0"
 * line, written by its hooks): the crash_info's signal is checker ("ASAN",
 * "UBSAN"), and the calls say where the error was found.
 */
struct crash_info *crash_symbolize_error(const char *exe, const char *source_name,
					 const char *checker, const char *line, double *cpu_ms);

/* "SIGSEGV" for the signals a crash report covers, else NULL. */
const char *crash_signal_name(int sig);

#endif /* GRADER_SYMBOLIZE_H */
