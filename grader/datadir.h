/*
 * datadir.h: where the grader's own data is: the exercises and the driver
 * headers (grader_driver.h, grader_alloc.h).
 *
 * A binary inside the build tree it was built in reads the checkout it was
 * built from. Any other binary, an installed, unpacked or moved one, reads
 * <the directory of its executable>/../share/grader (the path from the
 * install's bin directory to its data, fixed at configure time), found
 * through /proc/self/exe: a prefix works wherever it is moved or unpacked.
 * GRADER_EXERCISES, --exercises and GRADER_DRIVER_DIR override these
 * (spec.c, build.c).
 */
#ifndef GRADER_DATADIR_H
#define GRADER_DATADIR_H

/* The exercises directory this binary ships with. Never NULL; static storage. */
const char *datadir_exercises(void);
/* The directory of the driver headers this binary ships with. Never NULL; static storage. */
const char *datadir_driver(void);

#endif /* GRADER_DATADIR_H */
