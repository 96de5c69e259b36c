/* SPDX-License-Identifier: GPL-2.0 */
/*
 * p2m test support: the arch hook recorder, an independent tree checker
 * and a flat reference model. Shared by test_p2m.c and the benchmark.
 */
#ifndef XL_TEST_P2M_CHECK_H
#define XL_TEST_P2M_CHECK_H

#include <xen-lite/arch/p2m.h>
#include <xen-lite/p2m.h>

#include "p2m_fake.h"

struct flush_rec {
	int all; /* whole VMID */
	u16 vmid;
	u64 mask;
	u64 gfn, nr;
};

#define MAX_FLUSH_REC 64

/* Recorder state (reset with rec_reset()). */
extern const struct p2m_format *rec_fmt;
extern unsigned long rec_nflush, rec_nlocal, rec_nactivate;
extern struct flush_rec rec_flush[MAX_FLUSH_REC];
extern struct p2m_domain *rec_p2m; /* snapshot its free pool on flush */
extern unsigned char *rec_free_at_flush; /* per frame, 1 = free in pool */
extern void (*rec_flush_hook)(void);

void rec_reset(void);

/* Independent walk of the tree. */
struct tinfo {
	unsigned long tables; /* table pages below the root */
	unsigned long leaves[3];
	unsigned long side_leaves;
	unsigned long mapped; /* pages mapped */
	u64 hash;
	int err; /* first inconsistency found, 0 if none */
	unsigned char *reach; /* optional: per frame, 1 = table page */
	void (*leaf)(u64 gfn, unsigned int level, mfn_t mfn, p2m_type_t t,
		     void *arg);
	void *arg;
	/* Optional: the side-storage type (else p2m_types_get()). */
	unsigned int (*side_type)(unsigned int level, u64 key, void *arg);
	/*
	 * Optional: walk only the leaves of GFNs [lo, hi) and the tables on
	 * their paths (every entry of those tables is still counted against
	 * pt_used); tables, mapped and the side-storage and pool totals are
	 * then those of the part walked and not checked. hi = 0: everything.
	 */
	u64 lo, hi;
};

void tree_walk(struct p2m_domain *p2m, struct tinfo *ti);

/* Raw leaf for @gfn, or 0; @level receives its level. */
p2m_pte_t raw_leaf(struct p2m_domain *p2m, u64 gfn, unsigned int *level);

/* Pointer to the entry for @gfn at @level (tables must exist), or NULL. */
p2m_pte_t *entry_at(struct p2m_domain *p2m, u64 gfn, unsigned int level);

/* Run p2m_teardown() until it is done. Return: calls made, or -1. */
long teardown_all(struct p2m_domain *p2m);

/*
 * Tear @p2m down and check that the fake allocator holds no more pages
 * than @base (its count before the test built anything).
 * Return: 0 when clean, -1 teardown failed, -2 pages leaked.
 */
int teardown_check_leaks(struct p2m_domain *p2m, unsigned long base);

#endif
