/*
 * Wrong: a put on a present key replaces the value but does not move the
 * key to the most recent end.
 */
#include <stdint.h>
#include <stdlib.h>

#include "lru_cache.h"

#define MIN_BITS 3

struct node {
	int key;
	int value;
	struct node *prev, *next; /* recency list */
	struct node *chain;       /* next node in the same bucket */
};

struct lru_cache {
	size_t capacity;
	size_t size;
	unsigned bits;            /* the table has 1 << bits buckets */
	struct node **buckets;
	struct node head;         /* sentinel of the recency list */
};

/*
 * Fibonacci hashing: multiply, keep the top bits. The top bits depend on
 * every bit of the key, so keys that share their low bits (multiples of
 * 65536, say) still spread over the whole table.
 */
static size_t bucket_of(int key, unsigned bits)
{
	uint64_t h = (uint64_t)(uint32_t)key * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> (64 - bits));
}

static struct node **slot_of(const lru_cache *c, int key)
{
	struct node **p = &c->buckets[bucket_of(key, c->bits)];

	while (*p && (*p)->key != key)
		p = &(*p)->chain;
	return p;
}

static void list_unlink(struct node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
}

static void list_push_front(lru_cache *c, struct node *n)
{
	n->prev = &c->head;
	n->next = c->head.next;
	c->head.next->prev = n;
	c->head.next = n;
}

/* Doubles the table; on failure keeps the old one, which still works. */
static void grow(lru_cache *c)
{
	unsigned bits = c->bits + 1;
	size_t n = (size_t)1 << c->bits, i;
	struct node **nb;

	if (bits >= sizeof(size_t) * 8 - 4)
		return;
	nb = calloc((size_t)1 << bits, sizeof(*nb));
	if (!nb)
		return;
	for (i = 0; i < n; i++) {
		struct node *x = c->buckets[i], *next;

		for (; x; x = next) {
			size_t b = bucket_of(x->key, bits);

			next = x->chain;
			x->chain = nb[b];
			nb[b] = x;
		}
	}
	free(c->buckets);
	c->buckets = nb;
	c->bits = bits;
}

lru_cache *lru_create(size_t capacity)
{
	lru_cache *c = malloc(sizeof(*c));

	if (!c)
		return NULL;
	c->capacity = capacity;
	c->size = 0;
	c->bits = MIN_BITS;
	c->buckets = calloc((size_t)1 << MIN_BITS, sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		return NULL;
	}
	c->head.prev = c->head.next = &c->head;
	return c;
}

bool lru_get(lru_cache *c, int key, int *value)
{
	struct node *n = *slot_of(c, key);

	if (!n)
		return false;
	list_unlink(n);
	list_push_front(c, n);
	*value = n->value;
	return true;
}

void lru_put(lru_cache *c, int key, int value)
{
	struct node **p, *n;

	if (c->capacity == 0)
		return;
	p = slot_of(c, key);
	n = *p;
	if (n) {
		n->value = value;
		return;
	}
	if (c->size == c->capacity) {
		/* Evict the least recent node and reuse it for the new key. */
		n = c->head.prev;
		list_unlink(n);
		*slot_of(c, n->key) = n->chain;
		c->size--;
	} else {
		n = malloc(sizeof(*n));
		if (!n)
			return; /* out of memory: the put is dropped */
	}
	n->key = key;
	n->value = value;
	p = &c->buckets[bucket_of(key, c->bits)];
	n->chain = *p;
	*p = n;
	list_push_front(c, n);
	c->size++;
	if (c->size > ((size_t)1 << c->bits))
		grow(c);
}

bool lru_remove(lru_cache *c, int key)
{
	struct node **p = slot_of(c, key), *n = *p;

	if (!n)
		return false;
	*p = n->chain;
	list_unlink(n);
	free(n);
	c->size--;
	return true;
}

size_t lru_size(const lru_cache *c)
{
	return c->size;
}

void lru_destroy(lru_cache *c)
{
	struct node *n, *next;

	if (!c)
		return;
	for (n = c->head.next; n != &c->head; n = next) {
		next = n->next;
		free(n);
	}
	free(c->buckets);
	free(c);
}
