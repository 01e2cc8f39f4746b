/*
 * fib_generator.h: a lazy Fibonacci generator (exercise fib-generator).
 *
 * A generator hands out F(0) = 0, F(1) = 1, F(2) = 1, ... one value per call
 * to fib_gen_next, computing each value only when it is asked for.
 */
#ifndef FIB_GENERATOR_H
#define FIB_GENERATOR_H

#include <stdbool.h>
#include <stdint.h>

#define FIB_UNLIMITED UINT64_MAX

typedef struct fib_gen fib_gen;

fib_gen *fib_gen_create(uint64_t limit); /* yields F(0)=0, F(1)=1, ... at most `limit` values;
                                           NULL if memory runs out */
bool fib_gen_next(fib_gen *g, uint64_t *out); /* true and *out set; false once exhausted
                                                 and on every call after that */
void fib_gen_destroy(fib_gen *g);        /* NULL is a no-op */

/*
 * An unlimited generator ends after F(93), the largest Fibonacci number
 * that fits in 64 bits: it never wraps around.
 */

#endif /* FIB_GENERATOR_H */
