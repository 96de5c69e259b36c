// SPDX-License-Identifier: GPL-2.0
/*
 * Directed p2m tests. Most cases run once per format (FMT_TEST): Sv39x4,
 * Sv48x4, Arm 40-bit IPA (3 levels, 2 concatenated root tables) and Arm
 * 48-bit IPA (4 levels).
 */
#include <stdlib.h>
#include <string.h>

#include <xen-lite/arch/p2m.h>
#include <xen-lite/errno.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>

#include "harness.h"
#include "p2m_check.h"

static struct p2m_format arm40, arm48, arm42;

static const struct p2m_format *fmt_by_id(int id)
{
	static bool done;

	if (!done) {
		p2m_format_arm_init(&arm40, 40);
		p2m_format_arm_init(&arm48, 48);
		p2m_format_arm_init(&arm42, 42);
		done = true;
	}
	switch (id) {
	case 0:
		return &p2m_format_sv39x4;
	case 1:
		return &p2m_format_sv48x4;
	case 2:
		return &arm40;
	default:
		return &arm48;
	}
}

#define FMT_TEST(name)                                       \
	static void name##_body(const struct p2m_format *f); \
	TEST(sv39x4_##name)                                  \
	{                                                    \
		name##_body(fmt_by_id(0));                   \
	}                                                    \
	TEST(sv48x4_##name)                                  \
	{                                                    \
		name##_body(fmt_by_id(1));                   \
	}                                                    \
	TEST(arm40_##name)                                   \
	{                                                    \
		name##_body(fmt_by_id(2));                   \
	}                                                    \
	TEST(arm48_##name)                                   \
	{                                                    \
		name##_body(fmt_by_id(3));                   \
	}                                                    \
	static void name##_body(const struct p2m_format *f)

#define GB (1ULL << 18) /* pages per GiB */
#define MB2 512ULL /* pages per 2 MiB */
#define MFN0 0x100000ULL /* 4 GiB: an arbitrary, 1 GiB aligned frame */

static struct p2m_domain P;
static unsigned long base_outstanding;

/* A fresh p2m on @f with @pool pages; the recorder watches it. */
static int setup(const struct p2m_format *f, unsigned long pool)
{
	fake_mm_init(512);
	if (!rec_free_at_flush) {
		rec_free_at_flush = calloc(fake_mm_frames(), 1);
	}
	p2m_vmid_init(16);
	rec_reset();
	rec_fmt = f;
	rec_p2m = &P;
	base_outstanding = fake_mm_outstanding();
	return p2m_init(&P, 1, pool);
}

/* Tear down and check nothing is left. Return: 0 when clean. */
static int finish(void)
{
	return teardown_check_leaks(&P, base_outstanding);
}

static int tree_ok(void)
{
	struct tinfo ti = { 0 };

	tree_walk(&P, &ti);
	return ti.err;
}

static unsigned long tables(void)
{
	struct tinfo ti = { 0 };

	tree_walk(&P, &ti);
	return ti.tables;
}

static u64 tree_hash(void)
{
	struct tinfo ti = { 0 };

	tree_walk(&P, &ti);
	return ti.hash;
}

static u64 lk(u64 gfn, p2m_type_t *t, unsigned int *order)
{
	return mfn_x(p2m_lookup(&P, _gfn(gfn), t, order));
}

/* Frames owned by domain 7, one reference each (the owner's). */
static struct page_info *foreign_frames(unsigned int order)
{
	struct page_info *pg = alloc_pages(order);
	unsigned long i;

	if (!pg) {
		return NULL;
	}
	fake_mm_split(pg, order);
	base_outstanding += 1UL << order;
	for (i = 0; i < (1UL << order); i++) {
		pg[i].state = PGS_DOMAIN;
		pg[i].owner = 7;
		pg[i].count = 1;
	}
	return pg;
}

static void foreign_free(struct page_info *pg, unsigned int order)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++) {
		put_page(&pg[i]);
	}
	base_outstanding -= 1UL << order;
}

/* ------------------------------------------------------------------ */

FMT_TEST(map_4k_lookup)
{
	p2m_type_t t;
	unsigned int o;

	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0x1234), 1, _mfn(0x5678), p2m_ram_rw),
		 0);
	CHECK_EQ(lk(0x1234, &t, &o), 0x5678);
	CHECK_EQ(t, p2m_ram_rw);
	CHECK_EQ(o, 0);
	CHECK_EQ(lk(0x1235, &t, NULL), mfn_x(INVALID_MFN));
	CHECK_EQ(t, p2m_invalid);
	CHECK_EQ(tables(), f->levels - 1);
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(map_2m_leaf)
{
	p2m_type_t t;
	unsigned int o;

	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(MB2 * 3), MB2, _mfn(MFN0), p2m_ram_rw),
		 0);
	CHECK_EQ(lk(MB2 * 3 + 17, &t, &o), MFN0 + 17);
	CHECK_EQ(o, PAGE_ORDER_2M);
	CHECK_EQ(tables(), f->levels - 2);
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(map_1g_leaf)
{
	unsigned int o;

	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(GB), GB, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(lk(GB + 12345, NULL, &o), MFN0 + 12345);
	CHECK_EQ(o, PAGE_ORDER_1G);
	CHECK_EQ(tables(), f->levels - 3);
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(unaligned_mfn_uses_4k)
{
	unsigned int o;
	struct tinfo ti = { 0 };

	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(MB2), MB2, _mfn(MFN0 + 1), p2m_ram_rw),
		 0);
	CHECK_EQ(lk(MB2 + 5, NULL, &o), MFN0 + 6);
	CHECK_EQ(o, 0);
	tree_walk(&P, &ti);
	CHECK_EQ(ti.leaves[0], MB2);
	CHECK_EQ(ti.err, 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(mixed_alignment_range)
{
	struct tinfo ti = { 0 };
	unsigned int o;

	CHECK_EQ(setup(f, 64), 0);
	/* 3 pages before a 2 MiB boundary, two 2 MiB blocks, 5 after. */
	CHECK_EQ(p2m_set_entry(&P, _gfn(MB2 - 3), 3 + 2 * MB2 + 5,
			       _mfn(MFN0 - 3), p2m_ram_rw),
		 0);
	tree_walk(&P, &ti);
	CHECK_EQ(ti.leaves[0], 8);
	CHECK_EQ(ti.leaves[1], 2);
	CHECK_EQ(ti.err, 0);
	CHECK_EQ(lk(MB2 - 1, NULL, &o), MFN0 - 1);
	CHECK_EQ(o, 0);
	CHECK_EQ(lk(2 * MB2 + 3, NULL, &o), MFN0 + MB2 + 3);
	CHECK_EQ(o, 9);
	CHECK_EQ(lk(3 * MB2 + 4, NULL, &o), MFN0 + 2 * MB2 + 4);
	CHECK_EQ(lk(3 * MB2 + 5, NULL, &o), mfn_x(INVALID_MFN));
	CHECK_EQ(finish(), 0);
}

FMT_TEST(split_2m)
{
	unsigned int o;
	p2m_type_t t;
	u64 i;

	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(MB2), MB2, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(MB2 + 100), 1, _mfn(0x42), p2m_ram_ro),
		 0);
	CHECK_EQ(P.stats.splits, 1);
	for (i = 0; i < MB2; i++) {
		u64 m = lk(MB2 + i, &t, &o);

		CHECK_EQ(o, 0);
		if (i == 100) {
			CHECK_EQ(m, 0x42);
			CHECK_EQ(t, p2m_ram_ro);
		} else {
			CHECK_EQ(m, MFN0 + i);
			CHECK_EQ(t, p2m_ram_rw);
		}
	}
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(split_1g)
{
	unsigned int o;
	p2m_type_t t;

	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(GB), GB, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(GB + 7 * MB2 + 9), 1, _mfn(0x99),
			       p2m_ram_rw),
		 0);
	CHECK_EQ(P.stats.splits, 2);
	CHECK_EQ(lk(GB + 7 * MB2 + 9, &t, &o), 0x99);
	CHECK_EQ(o, 0);
	CHECK_EQ(lk(GB + 7 * MB2 + 10, &t, &o), MFN0 + 7 * MB2 + 10);
	CHECK_EQ(o, 0);
	CHECK_EQ(lk(GB + 6 * MB2, &t, &o), MFN0 + 6 * MB2);
	CHECK_EQ(o, 9);
	CHECK_EQ(lk(2 * GB - 1, &t, &o), MFN0 + GB - 1);
	CHECK_EQ(o, 9);
	CHECK_EQ(tables(), f->levels - 3 + 2);
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(remove_middle_of_2m)
{
	struct tinfo ti = { 0 };

	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), MB2, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(p2m_remove(&P, _gfn(200), 10), 0);
	tree_walk(&P, &ti);
	CHECK_EQ(ti.mapped, MB2 - 10);
	CHECK_EQ(ti.leaves[0], MB2 - 10);
	CHECK_EQ(lk(205, NULL, NULL), mfn_x(INVALID_MFN));
	CHECK_EQ(lk(210, NULL, NULL), MFN0 + 210);
	CHECK_EQ(ti.err, 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(remove_frees_empty_tables)
{
	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(5), 3, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(GB * 3 + 5), 3, _mfn(MFN0), p2m_ram_rw),
		 0);
	CHECK(p2m_pool_used(&P.pool) > (1UL << f->root_order));
	CHECK_EQ(p2m_remove(&P, _gfn(0), GB * 4), 0);
	CHECK_EQ(p2m_pool_used(&P.pool), 1UL << f->root_order);
	CHECK_EQ(P.root->u.pt_used, 0);
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(remove_piecewise_frees_table)
{
	u64 i;

	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), 16, _mfn(MFN0), p2m_ram_rw), 0);
	for (i = 0; i < 16; i++) {
		CHECK_EQ(p2m_remove(&P, _gfn(i), 1), 0);
		CHECK_EQ(tree_ok(), 0);
	}
	CHECK_EQ(p2m_pool_used(&P.pool), 1UL << f->root_order);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(one_flush_per_remove_1g)
{
	unsigned long freed;

	CHECK_EQ(setup(f, 1200), 0);
	p2m_activate(&P, 0);
	/* 4 KiB pages: mfn misaligned on purpose. */
	CHECK_EQ(p2m_set_entry(&P, _gfn(GB), GB, _mfn(MFN0 + 1), p2m_ram_rw),
		 0);
	CHECK_EQ(rec_nflush, 0);
	CHECK_EQ(tables(), f->levels - 3 + 1 + 512);
	freed = P.stats.tables_freed;
	CHECK_EQ(p2m_remove(&P, _gfn(GB), GB), 0);
	CHECK_EQ(rec_nflush, 1);
	/* 512 level-0 tables, their level-1 table, on Sv48x4 a level 2. */
	CHECK_EQ(P.stats.tables_freed - freed, 513 + (f->levels == 4));
	CHECK(rec_flush[0].all ||
	      (rec_flush[0].gfn <= GB &&
	       rec_flush[0].gfn + rec_flush[0].nr >= 2 * GB));
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(no_flush_for_fresh_map)
{
	CHECK_EQ(setup(f, 64), 0);
	p2m_activate(&P, 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), 3 * MB2 + 7, _mfn(MFN0),
			       p2m_ram_rw),
		 0);
	CHECK_EQ(rec_nflush, 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(remap_flushes_once)
{
	CHECK_EQ(setup(f, 64), 0);
	p2m_activate(&P, 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(1000), 600, _mfn(MFN0 + 1), p2m_ram_rw),
		 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(1000), 600, _mfn(MFN0 + 3), p2m_ram_rw),
		 0);
	CHECK_EQ(rec_nflush, 1);
	CHECK_EQ(rec_flush[0].all, 0);
	CHECK_EQ(rec_flush[0].gfn, 1000);
	CHECK_EQ(rec_flush[0].nr, 600);
	CHECK_EQ(lk(1599, NULL, NULL), MFN0 + 3 + 599);
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(identical_remap_no_flush)
{
	u64 h;

	CHECK_EQ(setup(f, 64), 0);
	p2m_activate(&P, 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(10), 30, _mfn(MFN0), p2m_ram_rw), 0);
	h = tree_hash();
	CHECK_EQ(p2m_set_entry(&P, _gfn(10), 30, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(rec_nflush, 0);
	CHECK_EQ(tree_hash(), h);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(flush_targets_dirty_cpus)
{
	CHECK_EQ(setup(f, 64), 0);
	p2m_activate(&P, 1);
	p2m_activate(&P, 3);
	CHECK_EQ(p2m_set_entry(&P, _gfn(8), 1, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(p2m_remove(&P, _gfn(8), 1), 0);
	CHECK_EQ(rec_nflush, 1);
	CHECK_EQ(rec_flush[0].mask, (1ULL << 1) | (1ULL << 3));
	CHECK_EQ(rec_flush[0].vmid, P.vmid);
	CHECK(P.vmid != 0);
	CHECK_EQ(rec_nactivate, 2);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(no_flush_if_never_ran)
{
	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(8), 1, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(p2m_remove(&P, _gfn(8), 1), 0);
	CHECK_EQ(rec_nflush, 0);
	CHECK_EQ(p2m_pool_used(&P.pool), 1UL << f->root_order);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(tables_freed_only_after_flush)
{
	unsigned long idx;
	struct page_info *pg;
	p2m_pte_t *e;

	CHECK_EQ(setup(f, 64), 0);
	p2m_activate(&P, 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), 4, _mfn(MFN0), p2m_ram_rw), 0);
	e = entry_at(&P, 0, 1);
	CHECK(e != NULL);
	pg = mfn_to_page(f->pte_mfn(*e));
	idx = fake_mm_index(pg);
	rec_free_at_flush[idx] = 1;
	CHECK_EQ(p2m_remove(&P, _gfn(0), 4), 0);
	CHECK_EQ(rec_nflush, 1);
	/* Not in the pool when the flush ran, in the pool now. */
	CHECK_EQ(rec_free_at_flush[idx], 0);
	CHECK_EQ(pg->u.pt_used, 0);
	CHECK_EQ(p2m_pool_used(&P.pool), 1UL << f->root_order);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(pool_exhaustion_rollback)
{
	u64 h;
	unsigned long nfree;

	/* Root plus 3 pages: room for one 4K path, not for 1 GiB of them. */
	CHECK_EQ(setup(f, (1UL << f->root_order) + 3), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(1), 1, _mfn(MFN0), p2m_ram_rw), 0);
	h = tree_hash();
	nfree = P.pool.nr_free;
	CHECK_EQ(p2m_set_entry(&P, _gfn(GB), GB, _mfn(MFN0 + 1), p2m_ram_rw),
		 -ENOMEM);
	CHECK_EQ(tree_hash(), h);
	CHECK_EQ(P.pool.nr_free, nfree);
	CHECK_EQ(lk(1, NULL, NULL), MFN0);
	CHECK_EQ(lk(GB, NULL, NULL), mfn_x(INVALID_MFN));
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(pool_exhaustion_split_rollback)
{
	unsigned int o;
	u64 h;

	CHECK_EQ(setup(f, (1UL << f->root_order) + f->levels - 2), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), MB2, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(P.pool.nr_free, 0);
	h = tree_hash();
	CHECK_EQ(p2m_set_entry(&P, _gfn(3), 1, _mfn(5), p2m_ram_rw), -ENOMEM);
	CHECK_EQ(p2m_remove(&P, _gfn(3), 1), -ENOMEM);
	CHECK_EQ(p2m_change_type_range(&P, _gfn(3), 1, p2m_ram_rw, p2m_ram_ro),
		 -ENOMEM);
	CHECK_EQ(tree_hash(), h);
	CHECK_EQ(lk(3, NULL, &o), MFN0 + 3);
	CHECK_EQ(o, 9);
	CHECK_EQ(P.stats.splits, 0);
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(pool_exhaustion_deep_rollback)
{
	u64 h;
	unsigned long nfree;
	unsigned int k;

	/* Fail at every possible point of a multi-table map. */
	for (k = 1; k < 9; k++) {
		CHECK_EQ(setup(f, (1UL << f->root_order) + k), 0);
		CHECK_EQ(p2m_set_entry(&P, _gfn(GB - 2), 4, _mfn(MFN0),
				       p2m_ram_rw) == 0 ||
				 k < 2 * (f->levels - 1),
			 1);
		h = tree_hash();
		nfree = P.pool.nr_free;
		if (p2m_set_entry(&P, _gfn(3 * GB - 700), 1400, _mfn(MFN0 + 1),
				  p2m_ram_rw) == -ENOMEM) {
			CHECK_EQ(tree_hash(), h);
			CHECK_EQ(P.pool.nr_free, nfree);
		}
		CHECK_EQ(tree_ok(), 0);
		CHECK_EQ(finish(), 0);
	}
}

FMT_TEST(tables_reused)
{
	unsigned int k;
	unsigned long hw;

	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), 2000, _mfn(MFN0 + 1), p2m_ram_rw),
		 0);
	CHECK_EQ(p2m_remove(&P, _gfn(0), 2000), 0);
	hw = P.pool.high_water;
	for (k = 0; k < 20; k++) {
		CHECK_EQ(p2m_set_entry(&P, _gfn(GB * k), 2000, _mfn(MFN0 + 1),
				       p2m_ram_rw),
			 0);
		CHECK_EQ(p2m_remove(&P, _gfn(GB * k), 2000), 0);
	}
	CHECK_EQ(P.pool.high_water, hw);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(teardown_zero_pages)
{
	CHECK_EQ(setup(f, 1100), 0);
	CHECK(fake_mm_outstanding() > base_outstanding);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), GB + 77, _mfn(MFN0 + 1),
			       p2m_ram_rw),
		 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(4 * GB), GB, _mfn(MFN0), p2m_ram_rw),
		 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(9 * GB + 3), 1, _mfn(7),
			       p2m_grant_map_rw),
		 0);
	CHECK_EQ(finish(), 0);
	CHECK(P.root == NULL);
	CHECK_EQ(P.types.nodes, 0);
	CHECK_EQ(P.types.entries, 0);
}

static int preempt_every;
static int preempt_calls;

static bool preempt_fn(void *arg)
{
	preempt_calls++;
	return preempt_every && preempt_calls % preempt_every == 0;
}

FMT_TEST(teardown_preempt_resume)
{
	long calls;

	CHECK_EQ(setup(f, 1100), 0);
	p2m_activate(&P, 2);
	CHECK_EQ(p2m_set_entry(&P, _gfn(GB), GB, _mfn(MFN0 + 1), p2m_ram_rw),
		 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(5 * GB), 3, _mfn(MFN0), p2m_ram_ro), 0);
	rec_reset();
	calls = teardown_all(&P);
	/* 2^18 leaves at 512 per call, plus the tables and empty entries. */
	CHECK(calls >= 512);
	CHECK(P.max_uninterrupted <= 512);
	CHECK_EQ(rec_nflush, 1);
	CHECK_EQ(rec_flush[0].all, 1);
	CHECK_EQ(fake_mm_outstanding(), base_outstanding);
}

FMT_TEST(teardown_preempt_predicate)
{
	long calls;

	CHECK_EQ(setup(f, 1100), 0);
	preempt_every = 7;
	preempt_calls = 0;
	p2m_set_preempt_check(&P, preempt_fn, NULL);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), 3 * MB2 + 1, _mfn(MFN0 + 1),
			       p2m_ram_rw),
		 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(3 * GB), 40 * MB2, _mfn(MFN0),
			       p2m_ram_rw),
		 0);
	calls = teardown_all(&P);
	CHECK(calls > 1);
	CHECK_EQ(calls - 1, preempt_calls / 7);
	CHECK(P.max_uninterrupted <= 512);
	CHECK_EQ(fake_mm_outstanding(), base_outstanding);
}

FMT_TEST(teardown_resume_mid_table)
{
	int rc;
	u64 h1, h2;

	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), 1000, _mfn(MFN0 + 1), p2m_ram_rw),
		 0);
	h1 = tree_hash();
	rc = p2m_teardown(&P);
	CHECK_EQ(rc, -ERESTART);
	h2 = tree_hash();
	CHECK(h1 != h2);
	/* The first part is gone, the rest is intact. */
	CHECK_EQ(lk(0, NULL, NULL), mfn_x(INVALID_MFN));
	CHECK_EQ(lk(999, NULL, NULL), MFN0 + 1000);
	CHECK(P.teardown_cursor > 0 && P.teardown_cursor < 1000);
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(gpa_bounds)
{
	u64 limit = 1ULL << (f->gpa_bits - PAGE_SHIFT);

	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_gpa_bits(&P), f->gpa_bits);
	CHECK_EQ(p2m_set_entry(&P, _gfn(limit - 1), 1, _mfn(MFN0), p2m_ram_rw),
		 0);
	CHECK_EQ(lk(limit - 1, NULL, NULL), MFN0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(limit), 1, _mfn(MFN0), p2m_ram_rw),
		 -EINVAL);
	CHECK_EQ(p2m_set_entry(&P, _gfn(limit - 1), 2, _mfn(MFN0), p2m_ram_rw),
		 -EINVAL);
	CHECK_EQ(p2m_remove(&P, _gfn(limit), 1), -EINVAL);
	CHECK_EQ(p2m_set_entry(&P, _gfn(~0ULL), 2, _mfn(MFN0), p2m_ram_rw),
		 -EINVAL);
	CHECK_EQ(lk(limit, NULL, NULL), mfn_x(INVALID_MFN));
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(invalid_args)
{
	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(1), 0, _mfn(MFN0), p2m_ram_rw),
		 -EINVAL);
	CHECK_EQ(p2m_set_entry(&P, _gfn(1), 1, _mfn(MFN0), p2m_max_real_type),
		 -EINVAL);
	CHECK_EQ(p2m_set_entry(&P, _gfn(1), 1, _mfn(~0ULL), p2m_ram_rw),
		 -EINVAL);
	CHECK_EQ(p2m_change_type_range(&P, _gfn(1), 1, p2m_invalid, p2m_ram_rw),
		 -EINVAL);
	CHECK_EQ(p2m_change_type_range(&P, _gfn(1), 1, p2m_ram_rw,
				       p2m_map_foreign_rw),
		 -EINVAL);
	CHECK_EQ(p2m_insert_foreign(&P, _gfn(1), _mfn(MFN0), p2m_ram_rw, 7),
		 -EINVAL);
	CHECK_EQ(p2m_pool_used(&P.pool), 1UL << f->root_order);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(set_invalid_removes)
{
	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(9), 4, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(9), 4, _mfn(0), p2m_invalid), 0);
	CHECK_EQ(lk(10, NULL, NULL), mfn_x(INVALID_MFN));
	CHECK_EQ(p2m_pool_used(&P.pool), 1UL << f->root_order);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(remove_hole_noop)
{
	u64 h;

	CHECK_EQ(setup(f, 64), 0);
	p2m_activate(&P, 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(GB), 1, _mfn(MFN0), p2m_ram_rw), 0);
	h = tree_hash();
	CHECK_EQ(p2m_remove(&P, _gfn(GB + 1), 5000), 0);
	CHECK_EQ(p2m_remove(&P, _gfn(7 * GB), GB), 0);
	CHECK_EQ(rec_nflush, 0);
	CHECK_EQ(tree_hash(), h);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(superpage_over_tables)
{
	unsigned int o;
	unsigned long before;

	CHECK_EQ(setup(f, 64), 0);
	p2m_activate(&P, 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(MB2), 100, _mfn(MFN0 + 1), p2m_ram_rw),
		 0);
	before = p2m_pool_used(&P.pool);
	CHECK_EQ(p2m_set_entry(&P, _gfn(MB2), MB2, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(rec_nflush, 1);
	CHECK_EQ(p2m_pool_used(&P.pool), before - 1);
	CHECK_EQ(lk(MB2 + 50, NULL, &o), MFN0 + 50);
	CHECK_EQ(o, 9);
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(gigapage_over_subtree)
{
	unsigned int o;

	CHECK_EQ(setup(f, 1200), 0);
	p2m_activate(&P, 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(GB), GB, _mfn(MFN0 + 1), p2m_ram_rw),
		 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(GB), GB, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(rec_nflush, 1);
	CHECK_EQ(lk(GB + 5, NULL, &o), MFN0 + 5);
	CHECK_EQ(o, 18);
	CHECK_EQ(tables(), f->levels - 3);
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(foreign_4k_reference)
{
	struct page_info *pg;
	p2m_type_t t;

	CHECK_EQ(setup(f, 64), 0);
	pg = foreign_frames(0);
	CHECK(pg != NULL);
	CHECK_EQ(p2m_insert_foreign(&P, _gfn(33), page_to_mfn(pg),
				    p2m_map_foreign_rw, 7),
		 0);
	CHECK_EQ(pg->count, 2);
	CHECK_EQ(lk(33, &t, NULL), mfn_x(page_to_mfn(pg)));
	CHECK_EQ(t, p2m_map_foreign_rw);
	CHECK_EQ(p2m_remove(&P, _gfn(33), 1), 0);
	CHECK_EQ(pg->count, 1);
	foreign_free(pg, 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(foreign_wrong_owner)
{
	struct page_info *pg;

	CHECK_EQ(setup(f, 64), 0);
	pg = foreign_frames(0);
	CHECK(pg != NULL);
	CHECK_EQ(p2m_insert_foreign(&P, _gfn(33), page_to_mfn(pg),
				    p2m_map_foreign_ro, 8),
		 -EBUSY);
	CHECK_EQ(p2m_insert_foreign(&P, _gfn(33), page_to_mfn(pg),
				    p2m_map_foreign_ro, 1),
		 -EINVAL);
	CHECK_EQ(pg->count, 1);
	CHECK_EQ(lk(33, NULL, NULL), mfn_x(INVALID_MFN));
	foreign_free(pg, 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(foreign_enomem_keeps_no_ref)
{
	struct page_info *pg;

	CHECK_EQ(setup(f, (1UL << f->root_order) + 1), 0);
	pg = foreign_frames(0);
	CHECK(pg != NULL);
	CHECK_EQ(p2m_insert_foreign(&P, _gfn(33), page_to_mfn(pg),
				    p2m_map_foreign_ro, 7),
		 f->levels > 2 ? -ENOMEM : 0);
	CHECK_EQ(pg->count, 1);
	foreign_free(pg, 0);
	CHECK_EQ(finish(), 0);
}

static int get_all(struct page_info *pg, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		if (!get_page(&pg[i], 7)) {
			return -1;
		}
	}
	return 0;
}

FMT_TEST(foreign_2m_release_all)
{
	struct page_info *pg;
	unsigned int o;
	unsigned long i;

	CHECK_EQ(setup(f, 64), 0);
	p2m_activate(&P, 0);
	pg = foreign_frames(9);
	CHECK(pg != NULL);
	CHECK_EQ(get_all(pg, MB2), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(4 * MB2), MB2, page_to_mfn(pg),
			       p2m_map_foreign_rw),
		 0);
	CHECK_EQ(lk(4 * MB2 + 3, NULL, &o), mfn_x(page_to_mfn(pg)) + 3);
	CHECK_EQ(o, 9);
	CHECK_EQ(p2m_remove(&P, _gfn(4 * MB2), MB2), 0);
	for (i = 0; i < MB2; i++) {
		CHECK_EQ(pg[i].count, 1);
	}
	CHECK_EQ(rec_nflush, 1);
	foreign_free(pg, 9);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(foreign_2m_split_keeps_refs)
{
	struct page_info *pg;
	unsigned long i;
	p2m_type_t t;

	CHECK_EQ(setup(f, 64), 0);
	pg = foreign_frames(9);
	CHECK(pg != NULL);
	CHECK_EQ(get_all(pg, MB2), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), MB2, page_to_mfn(pg),
			       p2m_map_foreign_ro),
		 0);
	CHECK_EQ(p2m_remove(&P, _gfn(10), 1), 0);
	for (i = 0; i < MB2; i++) {
		CHECK_EQ(pg[i].count, i == 10 ? 1 : 2);
	}
	CHECK_EQ(lk(11, &t, NULL), mfn_x(page_to_mfn(pg)) + 11);
	CHECK_EQ(t, p2m_map_foreign_ro);
	CHECK_EQ(tree_ok(), 0);
	/* Teardown drops the other 511. */
	CHECK_EQ(finish(), 0);
	for (i = 0; i < MB2; i++) {
		CHECK_EQ(pg[i].count, 1);
	}
	foreign_free(pg, 9);
}

FMT_TEST(foreign_never_1g)
{
	struct tinfo ti = { 0 };
	struct page_info *pg;
	unsigned long i;

	CHECK_EQ(setup(f, 64), 0);
	pg = foreign_frames(10);
	CHECK(pg != NULL);
	CHECK_EQ(get_all(pg, 2 * MB2), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(GB), 2 * MB2, page_to_mfn(pg),
			       p2m_map_foreign_rw),
		 0);
	tree_walk(&P, &ti);
	CHECK_EQ(ti.leaves[1], 2);
	CHECK_EQ(ti.leaves[2], 0);
	CHECK_EQ(p2m_type_max_order(p2m_map_foreign_rw), PAGE_ORDER_2M);
	CHECK_EQ(p2m_type_max_order(p2m_ram_rw), PAGE_ORDER_1G);
	CHECK_EQ(p2m_change_type_range(&P, _gfn(GB), 2 * MB2,
				       p2m_map_foreign_rw, p2m_map_foreign_ro),
		 0);
	for (i = 0; i < 2 * MB2; i++) {
		CHECK_EQ(pg[i].count, 2);
	}
	CHECK_EQ(finish(), 0);
	for (i = 0; i < 2 * MB2; i++) {
		CHECK_EQ(pg[i].count, 1);
	}
	foreign_free(pg, 10);
}

FMT_TEST(type_max_order_honoured)
{
	struct tinfo ti = { 0 };

	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(GB), MB2, _mfn(MFN0), p2m_pt_pinned),
		 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(2 * GB), MB2, _mfn(MFN0),
			       p2m_grant_map_ro),
		 0);
	tree_walk(&P, &ti);
	CHECK_EQ(ti.leaves[0], 2 * MB2);
	CHECK_EQ(ti.leaves[1], 0);
	CHECK_EQ(ti.err, 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(foreign_replaced_drops_ref)
{
	struct page_info *pg;

	CHECK_EQ(setup(f, 64), 0);
	pg = foreign_frames(0);
	CHECK(pg != NULL);
	CHECK_EQ(p2m_insert_foreign(&P, _gfn(5), page_to_mfn(pg),
				    p2m_map_foreign_rw, 7),
		 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), MB2, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(pg->count, 1);
	foreign_free(pg, 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(foreign_teardown_drops_refs)
{
	struct page_info *pg;
	unsigned long i;

	CHECK_EQ(setup(f, 64), 0);
	pg = foreign_frames(4);
	CHECK(pg != NULL);
	for (i = 0; i < 16; i++) {
		CHECK_EQ(p2m_insert_foreign(&P, _gfn(GB + i * 3),
					    page_to_mfn(&pg[i]),
					    p2m_map_foreign_rw, 7),
			 0);
		CHECK_EQ(pg[i].count, 2);
	}
	CHECK_EQ(finish(), 0);
	for (i = 0; i < 16; i++) {
		CHECK_EQ(pg[i].count, 1);
	}
	foreign_free(pg, 4);
}

FMT_TEST(change_type_basic)
{
	p2m_type_t t;
	unsigned int o;

	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), 2 * MB2, _mfn(MFN0), p2m_ram_rw),
		 0);
	CHECK_EQ(p2m_change_type_range(&P, _gfn(0), 2 * MB2, p2m_ram_rw,
				       p2m_ram_ro),
		 0);
	CHECK_EQ(lk(700, &t, &o), MFN0 + 700);
	CHECK_EQ(t, p2m_ram_ro);
	CHECK_EQ(o, 9);
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(change_type_partial_split)
{
	p2m_type_t t;
	unsigned int o;

	CHECK_EQ(setup(f, 64), 0);
	p2m_activate(&P, 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), MB2, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(p2m_change_type_range(&P, _gfn(256), 256, p2m_ram_rw,
				       p2m_ram_ro),
		 0);
	CHECK_EQ(rec_nflush, 1);
	CHECK_EQ(lk(255, &t, &o), MFN0 + 255);
	CHECK_EQ(t, p2m_ram_rw);
	CHECK_EQ(o, 0);
	CHECK_EQ(lk(256, &t, &o), MFN0 + 256);
	CHECK_EQ(t, p2m_ram_ro);
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(change_type_only_from)
{
	p2m_type_t t;

	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), 10, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(10), 10, _mfn(0x10000),
			       p2m_mmio_direct_dev),
		 0);
	CHECK_EQ(p2m_change_type_range(&P, _gfn(0), 20, p2m_ram_rw, p2m_ram_ro),
		 0);
	lk(5, &t, NULL);
	CHECK_EQ(t, p2m_ram_ro);
	lk(15, &t, NULL);
	CHECK_EQ(t, p2m_mmio_direct_dev);
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(change_type_pinned_is_4k)
{
	struct tinfo ti = { 0 };
	p2m_type_t t;
	unsigned int o;

	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), MB2, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(p2m_change_type_range(&P, _gfn(0), MB2, p2m_ram_rw,
				       p2m_pt_pinned),
		 0);
	CHECK_EQ(lk(3, &t, &o), MFN0 + 3);
	CHECK_EQ(t, p2m_pt_pinned);
	CHECK_EQ(o, 0);
	tree_walk(&P, &ti);
	CHECK_EQ(ti.leaves[0], MB2);
	CHECK_EQ(ti.err, 0);
	CHECK_EQ(P.types.entries,
		 (f->side_types >> p2m_pt_pinned) & 1 ? MB2 : 0);
	CHECK_EQ(p2m_change_type_range(&P, _gfn(0), MB2, p2m_pt_pinned,
				       p2m_ram_rw),
		 0);
	CHECK_EQ(P.types.entries, 0);
	CHECK_EQ(P.types.nodes, 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(all_types_roundtrip)
{
	struct page_info *pg;
	p2m_type_t t, r;
	mfn_t m;

	CHECK_EQ(setup(f, 64), 0);
	pg = foreign_frames(1);
	CHECK(pg != NULL);
	for (t = p2m_ram_rw; t < p2m_max_real_type; t++) {
		m = _mfn(MFN0 + t);
		if (t == p2m_map_foreign_rw || t == p2m_map_foreign_ro) {
			m = page_to_mfn(&pg[t - p2m_map_foreign_rw]);
			CHECK_EQ(p2m_insert_foreign(&P, _gfn(t * 4), m, t, 7),
				 0);
			continue;
		}
		CHECK_EQ(p2m_set_entry(&P, _gfn(t * 4), 1, m, t), 0);
	}
	for (t = p2m_ram_rw; t < p2m_max_real_type; t++) {
		CHECK(lk(t * 4, &r, NULL) != mfn_x(INVALID_MFN));
		CHECK_EQ(r, t);
	}
	CHECK_EQ(P.types.entries, __builtin_popcount(f->side_types));
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(p2m_remove(&P, _gfn(0), 64), 0);
	CHECK_EQ(P.types.entries, 0);
	CHECK_EQ(pg[0].count, 1);
	CHECK_EQ(pg[1].count, 1);
	foreign_free(pg, 1);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(side_storage_exact)
{
	unsigned long side;

	CHECK_EQ(setup(f, 64), 0);
	side = (f->side_types >> p2m_grant_map_rw) & 1;
	CHECK_EQ(p2m_set_entry(&P, _gfn(100), 3, _mfn(MFN0), p2m_grant_map_rw),
		 0);
	CHECK_EQ(P.types.entries, 3 * side);
	CHECK_EQ(p2m_set_entry(&P, _gfn(101), 1, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(P.types.entries, 2 * side);
	CHECK_EQ(p2m_remove(&P, _gfn(0), MB2), 0);
	CHECK_EQ(P.types.entries, 0);
	CHECK_EQ(P.types.nodes, 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(side_storage_split)
{
	unsigned long side;
	p2m_type_t t;

	CHECK_EQ(setup(f, 64), 0);
	side = (f->side_types >> p2m_mmio_direct_c) & 1;
	CHECK_EQ(p2m_set_entry(&P, _gfn(GB), GB, _mfn(MFN0), p2m_mmio_direct_c),
		 0);
	CHECK_EQ(P.types.entries, side);
	CHECK_EQ(p2m_remove(&P, _gfn(GB + 1), 1), 0);
	/* 1 GiB -> 511 x 2 MiB + 511 x 4 KiB */
	CHECK_EQ(P.types.entries, side * (511 + 511));
	lk(GB + 2, &t, NULL);
	CHECK_EQ(t, p2m_mmio_direct_c);
	lk(2 * GB - 1, &t, NULL);
	CHECK_EQ(t, p2m_mmio_direct_c);
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(p2m_remove(&P, _gfn(GB), GB), 0);
	CHECK_EQ(P.types.entries, 0);
	CHECK_EQ(P.types.nodes, 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(side_storage_rollback)
{
	u64 h;
	unsigned long entries;

	CHECK_EQ(setup(f, (1UL << f->root_order) + f->levels - 2), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), MB2, _mfn(MFN0), p2m_mmio_direct_c),
		 0);
	entries = P.types.entries;
	h = tree_hash();
	CHECK_EQ(p2m_remove(&P, _gfn(4), 1), -ENOMEM);
	CHECK_EQ(tree_hash(), h);
	CHECK_EQ(P.types.entries, entries);
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(sparse_space)
{
	u64 k, n = (1ULL << (f->gpa_bits - PAGE_SHIFT)) / GB;
	struct tinfo ti = { 0 };

	n = MIN(n, 64ULL);
	CHECK_EQ(setup(f, 4 * n + 16), 0);
	for (k = 0; k < n; k++) {
		CHECK_EQ(p2m_set_entry(&P, _gfn(k * GB + 5), 1, _mfn(MFN0 + k),
				       p2m_ram_rw),
			 0);
	}
	tree_walk(&P, &ti);
	CHECK_EQ(ti.mapped, n);
	CHECK_EQ(ti.tables, n * 2 + (f->levels == 4 ? 1 : 0));
	CHECK_EQ(ti.err, 0);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(pool_accounting_dump)
{
	CHECK_EQ(setup(f, 100), 0);
	CHECK_EQ(P.pool.total, 100);
	CHECK_EQ(p2m_pool_used(&P.pool), 1UL << f->root_order);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), 1, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(P.pool.high_water, (1UL << f->root_order) + f->levels - 1);
	p2m_dump(&P);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(pool_resize)
{
	CHECK_EQ(setup(f, 32), 0);
	CHECK_EQ(p2m_pool_resize(&P.pool, 64), 0);
	CHECK_EQ(P.pool.total, 64);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), 1, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(p2m_pool_resize(&P.pool, (1UL << f->root_order) + 1), -EBUSY);
	CHECK_EQ(p2m_pool_resize(&P.pool, 40), 0);
	CHECK_EQ(P.pool.total, 40);
	CHECK_EQ(finish(), 0);
}

FMT_TEST(random_lookup_matches_tree)
{
	u64 g;
	unsigned int i, o, lvl;
	p2m_type_t t;

	CHECK_EQ(setup(f, 200), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), GB + 3 * MB2 + 9, _mfn(MFN0),
			       p2m_ram_rw),
		 0);
	srand(7);
	for (i = 0; i < 2000; i++) {
		p2m_pte_t e;

		g = ((u64)rand() << 8 ^ rand()) % (GB + 4 * MB2);
		e = raw_leaf(&P, g, &lvl);
		if (!e) {
			CHECK_EQ(lk(g, &t, &o), mfn_x(INVALID_MFN));
			continue;
		}
		CHECK_EQ(lk(g, &t, &o), MFN0 + g);
		CHECK_EQ(o, lvl * 9);
	}
	CHECK_EQ(finish(), 0);
}

FMT_TEST(fault_retry)
{
	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(1), 1, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(2), 1, _mfn(MFN0), p2m_ram_ro), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(3), 1, _mfn(MFN0), p2m_pt_pinned), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(4), 1, _mfn(MFN0), p2m_mmio_direct_dev),
		 0);
	CHECK(p2m_fault_retry(&P, _gfn(1), true, true));
	CHECK(p2m_fault_retry(&P, _gfn(2), false, true));
	CHECK(!p2m_fault_retry(&P, _gfn(2), true, false));
	CHECK(p2m_fault_retry(&P, _gfn(3), false, false));
	CHECK(!p2m_fault_retry(&P, _gfn(3), true, false));
	CHECK(p2m_fault_retry(&P, _gfn(4), true, false));
	CHECK(!p2m_fault_retry(&P, _gfn(4), false, true));
	CHECK(!p2m_fault_retry(&P, _gfn(5), false, false));
	CHECK(!p2m_access_allowed(p2m_invalid, false, false));
	CHECK_EQ(finish(), 0);
}

/* ------------------------------------------------------------------ */
/* Format-specific cases */

TEST(arm40_concatenated_root)
{
	const struct p2m_format *f = fmt_by_id(2);
	p2m_pte_t *root;
	unsigned int lvl;
	u64 g = (600ULL << 30) >> PAGE_SHIFT; /* 600 GiB: second root page */

	CHECK_EQ(f->levels, 3);
	CHECK_EQ(f->root_order, 1);
	CHECK_EQ(f->root_bits, 10);
	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(g), GB, _mfn(MFN0), p2m_ram_rw), 0);
	root = page_to_virt(P.root);
	CHECK(root[600] != 0);
	CHECK(raw_leaf(&P, g, &lvl) == root[600]);
	CHECK_EQ(lvl, 2);
	CHECK_EQ(lk(g + 77, NULL, NULL), MFN0 + 77);
	CHECK_EQ(p2m_set_entry(&P, _gfn(g + GB + 1), 1, _mfn(MFN0), p2m_ram_rw),
		 0);
	CHECK(root[601] != 0);
	CHECK_EQ(tables(), 2);
	CHECK_EQ(finish(), 0);
}

TEST(arm42_eight_root_tables)
{
	const struct p2m_format *f = fmt_by_id(0);

	f = (fmt_by_id(3), &arm42);
	CHECK_EQ(f->levels, 3);
	CHECK_EQ(f->root_order, 3);
	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn((1ULL << 30) - 1), 1, _mfn(MFN0),
			       p2m_ram_rw),
		 0);
	CHECK_EQ(lk((1ULL << 30) - 1, NULL, NULL), MFN0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(1ULL << 30), 1, _mfn(MFN0), p2m_ram_rw),
		 -EINVAL);
	CHECK_EQ(finish(), 0);
}

TEST(arm_ipa_sizes)
{
	struct p2m_format f;

	CHECK_EQ(p2m_format_arm_init(&f, 31), -EINVAL);
	CHECK_EQ(p2m_format_arm_init(&f, 49), -EINVAL);
	CHECK_EQ(p2m_format_arm_init(&f, 32), 0);
	CHECK_EQ(f.levels, 3);
	CHECK_EQ(f.root_bits, 2);
	CHECK_EQ(f.root_order, 0);
	CHECK_EQ(f.hw_mode, (64 - 32) | (1 << 6));
	CHECK_EQ(p2m_format_arm_init(&f, 40), 0);
	CHECK_EQ(f.hw_mode, 24 | (1 << 6));
	CHECK_EQ(p2m_format_arm_init(&f, 43), 0);
	CHECK_EQ(f.root_order, 4);
	CHECK_EQ(p2m_format_arm_init(&f, 44), 0);
	CHECK_EQ(f.levels, 4);
	CHECK_EQ(f.root_bits, 5);
	CHECK_EQ(f.hw_mode, 20 | (2 << 6));
	CHECK_EQ(p2m_format_arm_init(&f, 48), 0);
	CHECK_EQ(f.root_bits, 9);
}

TEST(arm_attributes)
{
	const struct p2m_format *f = fmt_by_id(2);
	p2m_pte_t ram = f->make_leaf(_mfn(0x1234), p2m_ram_rw, 0);
	p2m_pte_t ro = f->make_leaf(_mfn(0x1234), p2m_ram_ro, 0);
	p2m_pte_t dev = f->make_leaf(_mfn(0x1234), p2m_mmio_direct_dev, 1);
	p2m_pte_t blk = f->make_leaf(_mfn(0x40000), p2m_ram_rw, 2);

	CHECK_EQ(ram & 3, 3); /* page */
	CHECK_EQ((ram >> 2) & 0xf, 0xf); /* Normal WB */
	CHECK_EQ((ram >> 6) & 3, 3); /* RW */
	CHECK_EQ((ram >> 10) & 1, 1); /* AF */
	CHECK_EQ((ram >> 54) & 1, 0); /* executable */
	CHECK_EQ((ro >> 6) & 3, 1); /* RO */
	CHECK_EQ(dev & 3, 1); /* block */
	CHECK_EQ((dev >> 2) & 0xf, 1); /* Device-nGnRE */
	CHECK_EQ((dev >> 54) & 1, 1); /* XN */
	CHECK_EQ(blk & 3, 1);
	CHECK_EQ(blk & 0xfffffffff000ULL, 0x40000000ULL);
	CHECK_EQ(f->pte_type(dev), p2m_mmio_direct_dev);
	CHECK_EQ(mfn_x(f->pte_mfn(ram)), 0x1234);
	CHECK(f->is_table(f->make_table(_mfn(5)), 1));
	CHECK(!f->is_table(dev, 1));
}

static bool bbm_ok;

static void check_broken_at_flush(void)
{
	unsigned int lvl;
	p2m_pte_t *e = entry_at(&P, 77, 0);

	/* At the flush the old entry must be invalid, not yet the new one. */
	bbm_ok = e && !(*e & 1) && raw_leaf(&P, 77, &lvl) == 0;
}

TEST(arm_break_before_make)
{
	const struct p2m_format *f = fmt_by_id(2);

	CHECK_EQ(setup(f, 64), 0);
	p2m_activate(&P, 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(77), 1, _mfn(MFN0), p2m_ram_rw), 0);
	rec_flush_hook = check_broken_at_flush;
	bbm_ok = false;
	CHECK_EQ(p2m_set_entry(&P, _gfn(77), 1, _mfn(MFN0 + 5), p2m_ram_rw), 0);
	CHECK(bbm_ok);
	CHECK_EQ(rec_nflush, 1);
	CHECK_EQ(lk(77, NULL, NULL), MFN0 + 5);
	rec_flush_hook = NULL;
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

static bool split_bbm_ok;

static void check_split_broken(void)
{
	p2m_pte_t *e = entry_at(&P, 0, 1);

	split_bbm_ok = e && *e && !(*e & 1);
}

TEST(arm_split_breaks_block)
{
	const struct p2m_format *f = fmt_by_id(3);
	unsigned int o;

	CHECK_EQ(setup(f, 64), 0);
	p2m_activate(&P, 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), MB2, _mfn(MFN0), p2m_ram_rw), 0);
	rec_flush_hook = check_split_broken;
	CHECK_EQ(p2m_change_type_range(&P, _gfn(4), 1, p2m_ram_rw, p2m_ram_ro),
		 0);
	rec_flush_hook = NULL;
	CHECK(split_bbm_ok);
	CHECK_EQ(rec_nflush, 1);
	CHECK_EQ(lk(5, NULL, &o), MFN0 + 5);
	CHECK_EQ(o, 0);
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

TEST(arm_remove_breaks_table_once)
{
	const struct p2m_format *f = fmt_by_id(2);

	CHECK_EQ(setup(f, 64), 0);
	p2m_activate(&P, 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(3), 5, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(p2m_remove(&P, _gfn(0), 100), 0);
	/* Leaves and the emptied tables: all covered by one flush. */
	CHECK_EQ(rec_nflush, 1);
	CHECK_EQ(p2m_pool_used(&P.pool), 1UL << f->root_order);
	CHECK_EQ(finish(), 0);
}

/*
 * A batch (issue 20): removals leave their flush and their emptied tables
 * pending; p2m_batch_finish() issues one flush covering all of them and
 * only then do the tables go back to the pool. An operation outside the
 * batch flushes what the batch left pending with its own range.
 */
FMT_TEST(batch_remove_one_flush)
{
	struct p2m_batch b;
	unsigned long used;

	CHECK_EQ(setup(f, 64), 0);
	p2m_activate(&P, 0);
	/* Two tables of 4 KiB leaves (the MFN is not 2 MiB aligned). */
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), 2 * MB2, _mfn(MFN0 + 1),
			       p2m_ram_rw),
		 0);
	used = p2m_pool_used(&P.pool);
	rec_nflush = 0;
	p2m_batch_start(&P, &b);
	CHECK_EQ(p2m_remove_if_mapped(&P, _gfn(0), MB2, NULL, &b), 0);
	CHECK_EQ(p2m_remove_if_mapped(&P, _gfn(MB2), MB2, NULL, &b), 0);
	CHECK_EQ(rec_nflush, 0);
	/* Unlinked but not back in the pool before the flush. */
	CHECK_EQ(p2m_pool_used(&P.pool), used);
	CHECK_EQ(lk(5, NULL, NULL), mfn_x(INVALID_MFN));
	p2m_batch_finish(&b);
	CHECK_EQ(rec_nflush, 1);
	CHECK(rec_flush[0].gfn == 0 && rec_flush[0].nr >= 2 * MB2);
	CHECK_EQ(p2m_pool_used(&P.pool), 1UL << f->root_order);
	CHECK_EQ(tree_ok(), 0);

	/* Another operation's flush covers the batch's pending range. */
	CHECK_EQ(p2m_set_entry(&P, _gfn(0), 2 * MB2, _mfn(MFN0 + 1),
			       p2m_ram_rw),
		 0);
	rec_nflush = 0;
	p2m_batch_start(&P, &b);
	CHECK_EQ(p2m_remove_if_mapped(&P, _gfn(0), MB2, NULL, &b), 0);
	CHECK_EQ(rec_nflush, 0);
	CHECK_EQ(p2m_remove(&P, _gfn(MB2), MB2), 0);
	CHECK_EQ(rec_nflush, 1);
	CHECK(rec_flush[0].gfn == 0 && rec_flush[0].nr >= 2 * MB2);
	CHECK_EQ(p2m_pool_used(&P.pool), 1UL << f->root_order);
	p2m_batch_finish(&b);
	CHECK_EQ(rec_nflush, 1);
	CHECK_EQ(tree_ok(), 0);
	CHECK_EQ(finish(), 0);
}

TEST(riscv_sv39_vs_sv48_bounds)
{
	u64 g = 1ULL << 29; /* 2 TiB, beyond Sv39x4's 41 bits */

	CHECK_EQ(setup(fmt_by_id(0), 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(g), 1, _mfn(MFN0), p2m_ram_rw),
		 -EINVAL);
	CHECK_EQ(p2m_set_entry(&P, _gfn(g - 1), 1, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(finish(), 0);
	CHECK_EQ(setup(fmt_by_id(1), 64), 0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(g), 1, _mfn(MFN0), p2m_ram_rw), 0);
	CHECK_EQ(lk(g, NULL, NULL), MFN0);
	CHECK_EQ(p2m_set_entry(&P, _gfn(1ULL << 38), 1, _mfn(MFN0), p2m_ram_rw),
		 -EINVAL);
	CHECK_EQ(finish(), 0);
}

TEST(riscv_root_16k)
{
	const struct p2m_format *f = fmt_by_id(0);
	p2m_pte_t *root;
	u64 g = 2000ULL * GB; /* root index 2000: fourth root page */

	CHECK_EQ(f->root_bits, 11);
	CHECK_EQ(f->root_order, 2);
	CHECK_EQ(setup(f, 64), 0);
	CHECK_EQ(IS_ALIGNED(mfn_x(page_to_mfn(P.root)), 4), 1);
	CHECK_EQ(p2m_set_entry(&P, _gfn(g), GB, _mfn(MFN0), p2m_ram_rw), 0);
	root = page_to_virt(P.root);
	CHECK(root[2000] != 0);
	CHECK_EQ(lk(g + 1, NULL, NULL), MFN0 + 1);
	CHECK_EQ(finish(), 0);
}

TEST(riscv_leaf_bits)
{
	const struct p2m_format *f = fmt_by_id(1);
	p2m_pte_t rw = f->make_leaf(_mfn(0x80000), p2m_ram_rw, 0);
	p2m_pte_t ro = f->make_leaf(_mfn(0x80000), p2m_ram_ro, 1);
	p2m_pte_t gr = f->make_leaf(_mfn(0x80000), p2m_grant_map_ro, 0);
	p2m_pte_t tb = f->make_table(_mfn(0x80001));

	CHECK_EQ(rw & 0xff, 0xdf); /* V R W X U A D */
	CHECK_EQ(ro & 0xff, 0xdb); /* V R X U A D */
	CHECK_EQ(rw >> 10, 0x80000);
	CHECK_EQ((gr >> 8) & 3, 3); /* side storage marker */
	CHECK_EQ(gr & 0xe, 0x2); /* read only */
	CHECK_EQ(f->pte_type(gr), P2M_TYPE_SIDE);
	CHECK_EQ(f->pte_type(ro), p2m_ram_ro);
	CHECK_EQ(tb, (0x80001ULL << 10) | 1);
	CHECK(f->is_table(tb, 1));
	CHECK(!f->is_table(rw, 1));
	CHECK_EQ(f->hw_mode, 9);
	CHECK_EQ(p2m_format_sv39x4.hw_mode, 8);
}

/* The hardware permissions of every type agree with p2m_access_allowed. */
TEST(permissions_match_types)
{
	const struct p2m_format *rv = fmt_by_id(0), *arm = fmt_by_id(2);
	p2m_type_t t;

	for (t = p2m_ram_rw; t < p2m_max_real_type; t++) {
		p2m_pte_t r = rv->make_leaf(_mfn(0x100), t, 0);
		p2m_pte_t a = arm->make_leaf(_mfn(0x100), t, 0);

		CHECK_EQ(!!(r & 2), 1);
		CHECK_EQ(!!(r & 4), p2m_access_allowed(t, true, false));
		CHECK_EQ(!!(r & 8), p2m_access_allowed(t, false, true));
		CHECK_EQ(((a >> 6) & 3) == 3,
			 p2m_access_allowed(t, true, false));
		CHECK_EQ(!((a >> 54) & 1), p2m_access_allowed(t, false, true));
	}
}

TEST(pool_default_size)
{
	CHECK_EQ(p2m_pool_default_pages(1ULL << 30, 1), 1024 + 16);
	CHECK_EQ(p2m_pool_default_pages(256ULL << 20, 4), 256 + 64);
	CHECK_EQ(p2m_pool_default_pages(16ULL << 20, 1), 64);
	/* 0.4% of RAM plus the vCPU allowance, never more. */
	CHECK(p2m_pool_default_pages(8ULL << 30, 2) * PAGE_SIZE <=
	      (8ULL << 30) / 250 + 2 * 65536);
}

TEST(pool_init_failure_leaves_nothing)
{
	unsigned long before;
	struct p2m_domain q;

	fake_mm_init(512);
	before = fake_mm_outstanding();
	fake_mm_fail_after(5);
	CHECK_EQ(p2m_init_format(&q, 3, 50, fmt_by_id(0)), -ENOMEM);
	fake_mm_fail_after(-1);
	CHECK_EQ(fake_mm_outstanding(), before);
	CHECK_EQ(p2m_init_format(&q, 3, 4, fmt_by_id(0)), -EINVAL);
	CHECK_EQ(fake_mm_outstanding(), before);
}

TEST(vmid_rollover)
{
	static struct p2m_domain d[4];
	unsigned int i;

	fake_mm_init(512);
	rec_reset();
	rec_fmt = fmt_by_id(0);
	p2m_vmid_init(2); /* VMIDs 1..3 */
	for (i = 0; i < 4; i++) {
		CHECK_EQ(p2m_init(&d[i], 10 + i, 8), 0);
	}
	p2m_activate(&d[0], 0);
	p2m_activate(&d[1], 1);
	p2m_activate(&d[2], 2);
	CHECK_EQ(rec_nlocal, 0);
	CHECK(d[0].vmid && d[1].vmid && d[2].vmid);
	CHECK(d[0].vmid != d[1].vmid && d[1].vmid != d[2].vmid &&
	      d[0].vmid != d[2].vmid);
	/* The fourth needs a rollover: CPU 3 flushes everything once. */
	p2m_activate(&d[3], 3);
	CHECK_EQ(rec_nlocal, 1);
	/* The running ones kept theirs; the new one got a different VMID. */
	CHECK(d[3].vmid != d[0].vmid && d[3].vmid != d[1].vmid &&
	      d[3].vmid != d[2].vmid);
	p2m_activate(&d[0], 0);
	CHECK_EQ(rec_nlocal, 2);
	p2m_activate(&d[0], 0);
	CHECK_EQ(rec_nlocal, 2);
	CHECK(cpumask_test_cpu(0, &d[0].dirty_cpus));
	for (i = 0; i < 4; i++) {
		CHECK_EQ(teardown_all(&d[i]) > 0, 1);
	}
	p2m_vmid_init(16);
}

/*
 * The lock-free fast path of p2m_activate() (issue 20): a CPU that keeps
 * running one domain across two rollovers (it activates nothing between
 * them, so the second finds its vmid_active zero) keeps its VMID reserved,
 * no other domain gets it, and its next activation takes the slow path and
 * makes the flush the rollovers asked for, even once another CPU moved
 * the p2m to the current generation. Fails without the carried-over
 * reservation (d[4] gets d[0]'s VMID) and with a fast path that ignores a
 * zeroed vmid_active (no flush on CPU 0).
 */
TEST(vmid_fast_path_rollover)
{
	static struct p2m_domain d[5];
	unsigned int i;
	u16 v0;

	fake_mm_init(512);
	rec_reset();
	rec_fmt = fmt_by_id(0);
	p2m_vmid_init(2); /* VMIDs 1..3 */
	for (i = 0; i < 5; i++) {
		CHECK_EQ(p2m_init(&d[i], 10 + i, 8), 0);
	}
	p2m_activate(&d[0], 0);
	v0 = d[0].vmid;
	CHECK(v0 != 0);
	p2m_activate(&d[0], 0); /* the fast path: nothing changes */
	CHECK_EQ(d[0].vmid, v0);
	CHECK_EQ(rec_nlocal, 0);
	p2m_activate(&d[1], 1);
	p2m_activate(&d[2], 1);
	p2m_activate(&d[3], 1); /* rollover 1 */
	CHECK_EQ(rec_nlocal, 1);
	CHECK(d[3].vmid != v0);
	p2m_activate(&d[4], 1); /* rollover 2: CPU 0 activated nothing */
	CHECK_EQ(rec_nlocal, 2);
	CHECK(d[4].vmid != v0 && d[4].vmid != d[3].vmid);
	/* d[0] on CPU 2 too: the current generation, the same VMID. */
	p2m_activate(&d[0], 2);
	CHECK_EQ(d[0].vmid, v0);
	CHECK_EQ(rec_nlocal, 3);
	/*
	 * CPU 0 still ran d[0]: its VMID is of the current generation now,
	 * but CPU 0 has a flush to make: the slow path.
	 */
	p2m_activate(&d[0], 0);
	CHECK_EQ(d[0].vmid, v0);
	CHECK_EQ(rec_nlocal, 4);
	p2m_activate(&d[0], 0);
	CHECK_EQ(rec_nlocal, 4);
	for (i = 0; i < 5; i++) {
		CHECK_EQ(teardown_all(&d[i]) > 0, 1);
	}
	p2m_vmid_init(16);
}

TEST(vmid_none)
{
	static struct p2m_domain d[2];

	fake_mm_init(512);
	rec_reset();
	rec_fmt = fmt_by_id(2);
	p2m_vmid_init(0);
	CHECK_EQ(p2m_init(&d[0], 10, 8), 0);
	CHECK_EQ(p2m_init(&d[1], 11, 8), 0);
	p2m_activate(&d[0], 0);
	p2m_activate(&d[1], 0);
	CHECK_EQ(d[0].vmid, 0);
	CHECK(rec_nlocal >= 2);
	CHECK_EQ(teardown_all(&d[0]) > 0, 1);
	CHECK_EQ(teardown_all(&d[1]) > 0, 1);
	p2m_vmid_init(16);
}

TEST(vmid_released_on_teardown)
{
	static struct p2m_domain d;
	u16 v;

	fake_mm_init(512);
	rec_reset();
	rec_fmt = fmt_by_id(1);
	p2m_vmid_init(8);
	CHECK_EQ(p2m_init(&d, 10, 8), 0);
	p2m_activate(&d, 0);
	v = d.vmid;
	CHECK_EQ(teardown_all(&d) > 0, 1);
	CHECK_EQ(d.vmid, 0);
	CHECK_EQ(p2m_init(&d, 11, 8), 0);
	p2m_activate(&d, 0);
	CHECK_EQ(d.vmid, v);
	CHECK_EQ(teardown_all(&d) > 0, 1);
	p2m_vmid_init(16);
}

int main(void)
{
	return run_tests("p2m");
}
