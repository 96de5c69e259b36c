// SPDX-License-Identifier: GPL-2.0
/*
 * Side storage of p2m types (include/xen-lite/p2m_types.h): one radix tree
 * per leaf level, 64 slots per node, fixed depth. A leaf node's slots are
 * packed values (type | flags, zero = empty); an inner node's slots are
 * child pointers. Every node counts its non-empty slots so that it can be
 * freed when the last one goes; freeing is batched in p2m_types_gc() so
 * that a slot cleared and set again within one operation never needs a
 * new allocation.
 */
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m_types.h>

#define RADIX_SLOTS (1U << P2M_RADIX_BITS)
#define RADIX_MASK (RADIX_SLOTS - 1)

struct p2m_radix_node {
	u64 slot[RADIX_SLOTS]; /* values (depth 0) or children */
	struct p2m_radix_node *parent;
	struct list_head gc; /* on p2m_types.gc while empty */
	u16 count; /* non-empty slots */
	u8 depth; /* 0 = leaf node */
	u8 index; /* slot in the parent */
	bool queued;
};

static unsigned int radix_index(u64 key, unsigned int depth)
{
	return (key >> (depth * P2M_RADIX_BITS)) & RADIX_MASK;
}

void p2m_types_init(struct p2m_types *ty)
{
	unsigned int i;

	for (i = 0; i < P2M_TYPES_LEVELS; i++) {
		ty->root[i] = NULL;
	}
	INIT_LIST_HEAD(&ty->gc);
	ty->nodes = 0;
	ty->entries = 0;
}

static void queue_if_empty(struct p2m_types *ty, struct p2m_radix_node *n)
{
	if (!n->count && !n->queued) {
		n->queued = true;
		list_add_tail(&n->gc, &ty->gc);
	}
}

static struct p2m_radix_node *node_new(struct p2m_types *ty,
				       struct p2m_radix_node *parent,
				       unsigned int depth, unsigned int index)
{
	struct p2m_radix_node *n = xzalloc(sizeof(*n));

	if (!n) {
		return NULL;
	}
	n->parent = parent;
	n->depth = depth;
	n->index = index;
	INIT_LIST_HEAD(&n->gc);
	ty->nodes++;
	/* Empty until something is stored below it. */
	queue_if_empty(ty, n);
	return n;
}

/* The leaf node holding @key, or NULL; create the path when @alloc. */
static struct p2m_radix_node *radix_leaf(struct p2m_types *ty,
					 unsigned int level, u64 key,
					 bool alloc, int *err)
{
	struct p2m_radix_node *n = ty->root[level], *c;
	unsigned int d, idx;

	ASSERT(level < P2M_TYPES_LEVELS);
	ASSERT(!(key >> (P2M_RADIX_DEPTH * P2M_RADIX_BITS)));
	if (!n) {
		if (!alloc) {
			return NULL;
		}
		n = node_new(ty, NULL, P2M_RADIX_DEPTH - 1, 0);
		if (!n) {
			*err = -ENOMEM;
			return NULL;
		}
		ty->root[level] = n;
	}
	for (d = P2M_RADIX_DEPTH - 1; d > 0; d--) {
		idx = radix_index(key, d);
		c = (struct p2m_radix_node *)(uintptr_t)n->slot[idx];
		if (!c) {
			if (!alloc) {
				return NULL;
			}
			c = node_new(ty, n, d - 1, idx);
			if (!c) {
				*err = -ENOMEM;
				return NULL;
			}
			n->slot[idx] = (u64)(uintptr_t)c;
			n->count++;
			if (n->queued) {
				list_del(&n->gc);
				n->queued = false;
			}
		}
		n = c;
	}
	return n;
}

int p2m_types_reserve(struct p2m_types *ty, unsigned int level, u64 key)
{
	int err = 0;

	radix_leaf(ty, level, key, true, &err);
	return err;
}

void p2m_types_set(struct p2m_types *ty, unsigned int level, u64 key,
		   unsigned int type)
{
	struct p2m_radix_node *n = radix_leaf(ty, level, key, false, NULL);
	unsigned int idx = radix_index(key, 0);

	/* The prepare phase reserved the path: no path is a bug. */
	BUG_ON(!n);
	if (!n->slot[idx]) {
		n->count++;
		ty->entries++;
		if (n->queued) {
			list_del(&n->gc);
			n->queued = false;
		}
	}
	n->slot[idx] = P2M_SLOT_PRESENT | (type & P2M_SLOT_TYPE_MASK);
}

void p2m_types_clear(struct p2m_types *ty, unsigned int level, u64 key)
{
	struct p2m_radix_node *n = radix_leaf(ty, level, key, false, NULL);
	unsigned int idx = radix_index(key, 0);

	if (!n || !n->slot[idx]) {
		return;
	}
	n->slot[idx] = 0;
	n->count--;
	ty->entries--;
	queue_if_empty(ty, n);
}

unsigned int p2m_types_get(const struct p2m_types *ty, unsigned int level,
			   u64 key)
{
	struct p2m_radix_node *n;
	u64 v;

	n = radix_leaf((struct p2m_types *)ty, level, key, false, NULL);
	if (!n) {
		return 0;
	}
	v = n->slot[radix_index(key, 0)];
	return v ? (unsigned int)(v & P2M_SLOT_TYPE_MASK) : 0;
}

void p2m_types_gc(struct p2m_types *ty)
{
	struct p2m_radix_node *n, *p;
	unsigned int level;

	while (!list_empty(&ty->gc)) {
		n = list_first_entry(&ty->gc, struct p2m_radix_node, gc);
		list_del(&n->gc);
		n->queued = false;
		if (n->count) {
			continue;
		}
		p = n->parent;
		if (p) {
			p->slot[n->index] = 0;
			p->count--;
			queue_if_empty(ty, p);
		} else {
			for (level = 0; level < P2M_TYPES_LEVELS; level++) {
				if (ty->root[level] == n) {
					ty->root[level] = NULL;
				}
			}
		}
		xfree(n);
		ty->nodes--;
	}
}

static void node_free_all(struct p2m_types *ty, struct p2m_radix_node *n)
{
	unsigned int i;

	if (n->depth) {
		for (i = 0; i < RADIX_SLOTS; i++) {
			if (n->slot[i]) {
				node_free_all(
					ty, (struct p2m_radix_node *)(uintptr_t)
						    n->slot[i]);
			}
		}
	} else {
		ty->entries -= n->count;
	}
	if (n->queued) {
		list_del(&n->gc);
	}
	xfree(n);
	ty->nodes--;
}

void p2m_types_destroy(struct p2m_types *ty)
{
	unsigned int level;

	for (level = 0; level < P2M_TYPES_LEVELS; level++) {
		if (ty->root[level]) {
			node_free_all(ty, ty->root[level]);
			ty->root[level] = NULL;
		}
	}
	INIT_LIST_HEAD(&ty->gc);
}

static unsigned long
node_for_each(const struct p2m_radix_node *n, unsigned int level, u64 prefix,
	      void (*fn)(unsigned int, u64, unsigned int, void *), void *arg)
{
	unsigned long nr = 0;
	unsigned int i;
	u64 key;

	for (i = 0; i < RADIX_SLOTS; i++) {
		if (!n->slot[i]) {
			continue;
		}
		key = (prefix << P2M_RADIX_BITS) | i;
		if (n->depth) {
			nr += node_for_each(
				(const struct p2m_radix_node *)(uintptr_t)
					n->slot[i],
				level, key, fn, arg);
		} else {
			if (fn) {
				fn(level, key, n->slot[i] & P2M_SLOT_TYPE_MASK,
				   arg);
			}
			nr++;
		}
	}
	return nr;
}

unsigned long p2m_types_for_each(const struct p2m_types *ty,
				 void (*fn)(unsigned int level, u64 key,
					    unsigned int type, void *arg),
				 void *arg)
{
	unsigned long nr = 0;
	unsigned int level;

	for (level = 0; level < P2M_TYPES_LEVELS; level++) {
		if (ty->root[level]) {
			nr += node_for_each(ty->root[level], level, 0, fn, arg);
		}
	}
	return nr;
}
