/*
 * The control for the probes beside it: a file built as the core is built
 * (grader_core's include path and definitions) that includes only core
 * headers compiles. Each other probe must fail, for the reason it names.
 */
#include "grade.h"
#include "result.h"

int layer_probe(void);

int layer_probe(void)
{
	return (int)sizeof(struct report);
}
