/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Side storage for p2m types that do not fit in a PTE's software bits
 * (RISC-V has two RSW bits). A radix tree per leaf level keyed by the
 * leaf's GFN shifted by the level (gfn >> 9 * level), so the 512 leaves
 * of a split superpage are neighbours in one or a few tree nodes. A slot
 * packs the type and flags in one u64 (zero = empty); a node counts its
 * used slots and is freed when the last one goes.
 *
 * Allocation happens only in p2m_types_reserve(), which the p2m calls in
 * its prepare phase: the commit phase then sets and clears slots without
 * ever failing. Nodes emptied during an operation are collected and freed
 * by p2m_types_gc() at its end.
 */
#ifndef XL_P2M_TYPES_H
#define XL_P2M_TYPES_H

#include <xen-lite/compiler.h>
#include <xen-lite/list.h>
#include <xen-lite/types.h>

#define P2M_TYPES_LEVELS 3 /* leaf levels: 4K, 2M, 1G */
#define P2M_RADIX_BITS 6 /* 64 slots per node */
#define P2M_RADIX_DEPTH 7 /* 42 key bits: enough for 50-bit GPAs */

/* Slot layout: bits 0-7 type, bit 8 "present". */
#define P2M_SLOT_PRESENT (1ULL << 8)
#define P2M_SLOT_TYPE_MASK 0xffULL

struct p2m_radix_node;

struct p2m_types {
	struct p2m_radix_node *root[P2M_TYPES_LEVELS];
	struct list_head gc; /* nodes that became empty */
	unsigned long nodes; /* nodes allocated */
	unsigned long entries; /* slots in use */
};

/** p2m_types_init() - empty side storage. */
void p2m_types_init(struct p2m_types *ty);

/**
 * p2m_types_reserve() - make sure the path to slot (@level, @key) exists so
 * that a later p2m_types_set() cannot fail.
 * Return: 0 or -ENOMEM (already created nodes stay, empty, for gc).
 */
int __must_check p2m_types_reserve(struct p2m_types *ty, unsigned int level,
				   u64 key);

/**
 * p2m_types_set() - store @type for the leaf (@level, @key); the path must
 * have been reserved.
 */
void p2m_types_set(struct p2m_types *ty, unsigned int level, u64 key,
		   unsigned int type);

/** p2m_types_clear() - empty slot (@level, @key) if it is in use. */
void p2m_types_clear(struct p2m_types *ty, unsigned int level, u64 key);

/**
 * p2m_types_get() - the type stored for (@level, @key).
 * Return: the type, or 0 (p2m_invalid) when the slot is empty.
 */
unsigned int p2m_types_get(const struct p2m_types *ty, unsigned int level,
			   u64 key);

/** p2m_types_gc() - free the nodes left empty by the last operation. */
void p2m_types_gc(struct p2m_types *ty);

/** p2m_types_destroy() - free every node. */
void p2m_types_destroy(struct p2m_types *ty);

/**
 * p2m_types_for_each() - call @fn for every slot in use, in key order
 * within each level (tests and the dump key).
 * Return: the number of slots visited.
 */
unsigned long p2m_types_for_each(const struct p2m_types *ty,
				 void (*fn)(unsigned int level, u64 key,
					    unsigned int type, void *arg),
				 void *arg);

#endif /* XL_P2M_TYPES_H */
