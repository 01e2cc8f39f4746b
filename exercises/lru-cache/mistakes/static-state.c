/*
 * Wrong: the table and the recency list are static, shared by every cache;
 * only the capacity lives in the handle. One cache works; two at once see
 * and evict each other's keys.
 */
#include <stdint.h>
#include <stdlib.h>

#include "lru_cache.h"

#define NBUCKETS (1 << 18)

struct node {
	int key;
	int value;
	struct node *prev, *next;
	struct node *chain;
};

struct lru_cache {
	size_t capacity;
};

static struct node *buckets[NBUCKETS];
static struct node head = { 0, 0, &head, &head, NULL };
static size_t size;
static int users;

static size_t bucket_of(int key)
{
	return (size_t)(((uint64_t)(uint32_t)key * 0x9e3779b97f4a7c15ULL) >> 46);
}

static struct node **slot_of(int key)
{
	struct node **p = &buckets[bucket_of(key)];

	while (*p && (*p)->key != key)
		p = &(*p)->chain;
	return p;
}

static void list_unlink(struct node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
}

static void list_push_front(struct node *n)
{
	n->prev = &head;
	n->next = head.next;
	head.next->prev = n;
	head.next = n;
}

static void drop_all(void)
{
	struct node *n, *next;
	size_t i;

	for (n = head.next; n != &head; n = next) {
		next = n->next;
		free(n);
	}
	head.prev = head.next = &head;
	for (i = 0; i < NBUCKETS; i++)
		buckets[i] = NULL;
	size = 0;
}

lru_cache *lru_create(size_t capacity)
{
	lru_cache *c = malloc(sizeof(*c));

	if (!c)
		return NULL;
	c->capacity = capacity;
	users++;
	return c;
}

bool lru_get(lru_cache *c, int key, int *value)
{
	struct node *n = *slot_of(key);

	(void)c;
	if (!n)
		return false;
	list_unlink(n);
	list_push_front(n);
	*value = n->value;
	return true;
}

void lru_put(lru_cache *c, int key, int value)
{
	struct node *n;

	if (c->capacity == 0)
		return;
	n = *slot_of(key);
	if (n) {
		n->value = value;
		list_unlink(n);
		list_push_front(n);
		return;
	}
	while (size >= c->capacity) {
		struct node *old = head.prev;

		list_unlink(old);
		*slot_of(old->key) = old->chain;
		free(old);
		size--;
	}
	n = malloc(sizeof(*n));
	if (!n)
		return;
	n->key = key;
	n->value = value;
	n->chain = buckets[bucket_of(key)];
	buckets[bucket_of(key)] = n;
	list_push_front(n);
	size++;
}

bool lru_remove(lru_cache *c, int key)
{
	struct node **p = slot_of(key), *n = *p;

	(void)c;
	if (!n)
		return false;
	*p = n->chain;
	list_unlink(n);
	free(n);
	size--;
	return true;
}

size_t lru_size(const lru_cache *c)
{
	(void)c;
	return size;
}

void lru_destroy(lru_cache *c)
{
	if (!c)
		return;
	free(c);
	if (--users == 0)
		drop_all();
}
