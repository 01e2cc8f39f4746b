/*
 * lru_cache.h: a fixed-capacity cache of int keys and int values that
 * evicts the least recently used key when it is full (exercise lru-cache).
 *
 * "Used" means put or a successful get. Every operation takes O(1) time on
 * average. The cache owns all of its memory; lru_destroy frees it.
 */
#ifndef LRU_CACHE_H
#define LRU_CACHE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct lru_cache lru_cache;

lru_cache *lru_create(size_t capacity);  /* NULL if memory runs out; capacity 0 gives a
                                            cache that stores nothing */
bool   lru_get(lru_cache *c, int key, int *value); /* hit: *value set, key becomes most recent */
void   lru_put(lru_cache *c, int key, int value);  /* insert or update; key becomes most recent;
                                                      a full cache first evicts its least recent key */
bool   lru_remove(lru_cache *c, int key);          /* explicit invalidation; false if absent */
size_t lru_size(const lru_cache *c);
void   lru_destroy(lru_cache *c);                  /* frees everything; NULL is a no-op */

#endif /* LRU_CACHE_H */
