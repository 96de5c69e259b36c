// SPDX-License-Identifier: GPL-2.0
/*
 * Ballooning (common/memory.c) and guest memory access
 * (common/guest_access.c) against the real p2m, built with CONFIG_PV_MMU=n
 * (no PV lock serialises anything), with every interleaving of two vCPUs
 * tried systematically: each call memory.c or guest_access.c makes to
 * the p2m or the allocator is a "hook point" (before and after the call,
 * through the linker's --wrap), and for K = 1, 2, ... the second vCPU's
 * whole operation runs at the K-th point of the first one's. After each
 * run the domain's books must balance:
 *
 *  - every frame on the domain's page list has its one allocation
 *    reference and is mapped exactly once, and nothing else is mapped;
 *  - tot_pages == frames on the list <= max_pages;
 *  - a frame freed by a balloon-out is never read or written by a copy
 *    that began before it (the frame is given to another gfn and must
 *    read as zero / must not leak what the new owner wrote);
 *  - after teardown every frame is back (no leak, no double free: the
 *    host allocator panics on either).
 *
 * These are the races of issue 14, findings 1, 3 and 4; on the code
 * before their fix each of the cases below fails.
 */
#include <stdlib.h>
#include <string.h>

#include <public/xen-lite.h>
#include <xen-lite/arch/p2m.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/hypercall.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>

#include "harness.h"
#include "host/p2m_fake.h"
#include "p2m_check.h"

#define RAM_GFN 0x80000ULL /* guest RAM at 0x80000000 */
#define RAM_PAGES 2048ULL /* 8 MiB */
#define ARG_GFN RAM_GFN /* hypercall arguments live here */
#define X_GFN (RAM_GFN + 512) /* the contested 2 MiB extent */
#define Y_GFN (RAM_GFN + 1024) /* another extent */
#define Z_GFN (RAM_GFN + 1536) /* and a third */

struct list_head domain_list;
spinlock_t domain_list_lock;

static struct domain D;
static struct p2m_domain P;
static struct vcpu V;
static unsigned long base_outstanding;
static struct p2m_format arm40;
static const struct p2m_format *cur_fmt;

/* ---- hook points ---- */

static long b_rc; /* what the second vCPU's operation returned */
static long hook_at; /* fire at this point (1-based; 0: off) */
static long hook_count;
static void (*hook_fn)(void);

static void hook_point(void)
{
	void (*fn)(void) = hook_fn;

	hook_count++;
	if (fn && hook_count == hook_at) {
		hook_fn = NULL; /* the other vCPU runs once, without hooks */
		fn();
	}
}

mfn_t __real_p2m_lookup(struct p2m_domain *p2m, gfn_t gfn, p2m_type_t *t,
			unsigned int *order);
mfn_t __wrap_p2m_lookup(struct p2m_domain *p2m, gfn_t gfn, p2m_type_t *t,
			unsigned int *order)
{
	mfn_t m;

	hook_point();
	m = __real_p2m_lookup(p2m, gfn, t, order);
	hook_point();
	return m;
}

struct page_info *__real_p2m_get_page(struct p2m_domain *p2m, gfn_t gfn,
				      p2m_type_t *t);
struct page_info *__wrap_p2m_get_page(struct p2m_domain *p2m, gfn_t gfn,
				      p2m_type_t *t)
{
	struct page_info *pg;

	hook_point();
	pg = __real_p2m_get_page(p2m, gfn, t);
	hook_point();
	return pg;
}

#define WRAP_INT(name, params, args)     \
	int __real_##name params;        \
	int __wrap_##name params         \
	{                                \
		int rc;                  \
		hook_point();            \
		rc = __real_##name args; \
		hook_point();            \
		return rc;               \
	}

WRAP_INT(p2m_set_entry,
	 (struct p2m_domain * p2m, gfn_t gfn, u64 nr, mfn_t mfn, p2m_type_t t),
	 (p2m, gfn, nr, mfn, t))
WRAP_INT(p2m_set_entry_if_empty,
	 (struct p2m_domain * p2m, gfn_t gfn, u64 nr, mfn_t mfn, p2m_type_t t),
	 (p2m, gfn, nr, mfn, t))
WRAP_INT(p2m_remove, (struct p2m_domain * p2m, gfn_t gfn, u64 nr),
	 (p2m, gfn, nr))
WRAP_INT(p2m_remove_if_mapped,
	 (struct p2m_domain * p2m, gfn_t gfn, u64 nr, const mfn_t *expect,
	  struct p2m_batch *batch),
	 (p2m, gfn, nr, expect, batch))

/* The batch's flush: the frames of a decrease are freed after it. */
void __real_p2m_batch_finish(struct p2m_batch *b);
void __wrap_p2m_batch_finish(struct p2m_batch *b)
{
	hook_point();
	__real_p2m_batch_finish(b);
	hook_point();
}

/* What memory.c calls besides the p2m. */
struct page_info *alloc_pages_zeroed(unsigned int order)
{
	struct page_info *pg;

	hook_point();
	pg = alloc_pages(order);
	if (pg) {
		fake_mm_split(pg, order);
		memset(page_to_virt(pg), 0, PAGE_SIZE << order);
	}
	hook_point(); /* zeroing 2 MiB: the long window */
	return pg;
}

struct domain *domain_by_id_locked(domid_t id)
{
	return id == D.id ? &D : NULL;
}

static long refs;

struct domain *domain_by_id(domid_t id)
{
	struct domain *d = domain_by_id_locked(id);

	refs += d != NULL;
	return d;
}

void domain_put(struct domain *d)
{
	refs--;
}

/* ---- the domain ---- */

static u64 *gfn_ptr(u64 gfn)
{
	mfn_t m = __real_p2m_lookup(&P, _gfn(gfn), NULL, NULL);

	return mfn_eq(m, INVALID_MFN) ? NULL : maddr_to_virt(mfn_to_maddr(m));
}

/* One memory_op from "vCPU" @v's point of view; arguments at ARG_GFN. */
static long balloon(unsigned int cmd, u64 gfn, unsigned int order, u64 slot)
{
	struct xl_memory_reservation r = {
		.extent_start = (ARG_GFN << PAGE_SHIFT) + 256 + slot * 8,
		.nr_extents = 1,
		.extent_order = order,
		.domid = XL_DOMID_SELF,
	};
	u64 *arg = gfn_ptr(ARG_GFN);

	/* Each vCPU has its own argument slot (no aliasing between them). */
	memcpy((u8 *)arg + slot * 64, &r, sizeof(r));
	arg[32 + slot] = gfn;
	return do_memory_op(&V, cmd, (ARG_GFN << PAGE_SHIFT) + slot * 64);
}

static void setup(unsigned int extra_pages)
{
	fake_mm_init(64);
	if (!fake_mm_reset()) {
		abort(); /* a previous case leaked */
	}
	p2m_vmid_init(16);
	memset(&D, 0, sizeof(D));
	memset(&V, 0, sizeof(V));
	INIT_LIST_HEAD(&D.page_list);
	INIT_LIST_HEAD(&D.list);
	INIT_LIST_HEAD(&domain_list);
	spin_lock_init(&D.lock);
	D.id = 1;
	D.state = DOM_RUNNING;
	D.p2m = &P;
	D.ram_gpa = RAM_GFN << PAGE_SHIFT;
	D.ram_bytes = RAM_PAGES << PAGE_SHIFT;
	V.domain = &D;
	base_outstanding = fake_mm_outstanding();
	if (p2m_init_format(&P, 1, 64, cur_fmt)) {
		abort();
	}
	/* The argument page and the two extents X and Y. */
	D.max_pages = 1 + 1024 + extra_pages;
	hook_fn = NULL;
	hook_at = 0;
	hook_count = 0;
}

/* populate the argument page without a hypercall (the loader's job). */
static void setup_arg_page(void)
{
	struct page_info *pg = alloc_pages_zeroed(0);

	pg->state = PGS_DOMAIN;
	pg->owner = D.id;
	pg->count = 1;
	list_add_tail(&pg->list, &D.page_list);
	D.tot_pages++;
	if (p2m_set_entry(&P, _gfn(ARG_GFN), 1, page_to_mfn(pg), p2m_ram_rw)) {
		abort();
	}
}

static void fresh(unsigned int extra_pages, bool x, bool y)
{
	setup(extra_pages);
	setup_arg_page();
	if (x && (b_rc = balloon(XL_MEM_POPULATE_PHYSMAP, X_GFN, 9, 0)) != 1) {
		fprintf(stderr, "populate X: %ld\n", b_rc);
		abort();
	}
	if (y && balloon(XL_MEM_POPULATE_PHYSMAP, Y_GFN, 9, 0) != 1) {
		abort();
	}
	hook_count = 0;
}

/*
 * The books: Return 0 when they balance, else a code naming the first
 * broken rule (printed by the caller).
 */
static int books(void)
{
	static unsigned char *maps;
	struct page_info *pg;
	u64 listed = 0, mapped = 0;
	int why = 0;

	if (!maps) {
		maps = calloc(fake_mm_frames(), 1);
	}
	memset(maps, 0, fake_mm_frames());
	for (u64 g = RAM_GFN; g < RAM_GFN + RAM_PAGES; g++) {
		mfn_t m = __real_p2m_lookup(&P, _gfn(g), NULL, NULL);

		if (!mfn_eq(m, INVALID_MFN)) {
			mapped++;
			maps[fake_mm_index(mfn_to_page(m))]++;
		}
	}
	list_for_each_entry(pg, &D.page_list, list) {
		listed++;
		if (pg->count != 1 || pg->state != PGS_DOMAIN ||
		    pg->owner != D.id) {
			return 1; /* a listed frame with a wrong reference */
		}
		if (maps[fake_mm_index(pg)] != 1) {
			return 2; /* listed but unmapped (lost), or aliased */
		}
	}
	if (mapped != listed) {
		why = 3; /* mapped frames not on the list */
	} else if (D.tot_pages != listed) {
		why = 4;
	} else if (D.tot_pages > D.max_pages) {
		why = 5;
	}
	return why;
}

/* Tear the domain down; Return: 0 when every frame came back. */
static int teardown(void)
{
	struct page_info *pg, *n;

	hook_fn = NULL;
	list_for_each_entry_safe(pg, n, &D.page_list, list) {
		list_del(&pg->list);
		put_page(pg);
	}
	return teardown_check_leaks(&P, base_outstanding);
}

/* ---- the races ---- */

static void b_decrease_x9(void)
{
	b_rc = balloon(XL_MEM_DECREASE_RESERVATION, X_GFN, 9, 1);
}

static void b_decrease_x0(void)
{
	b_rc = balloon(XL_MEM_DECREASE_RESERVATION, X_GFN + 3, 0, 1);
}

static void b_populate_x5(void)
{
	b_rc = balloon(XL_MEM_POPULATE_PHYSMAP, X_GFN + 5, 0, 1);
}

static void b_populate_x9(void)
{
	b_rc = balloon(XL_MEM_POPULATE_PHYSMAP, X_GFN, 9, 1);
}

static void b_populate_z9(void)
{
	b_rc = balloon(XL_MEM_POPULATE_PHYSMAP, Z_GFN, 9, 1);
}

/*
 * Balloon out gfn X+3 and give its frame straight to Y+7 (the host
 * allocator reuses the last frame freed, as a buddy allocator often
 * does); the "guest" then writes a secret into Y+7.
 */
static void b_recycle_x3(void)
{
	u64 *y;

	b_rc = balloon(XL_MEM_DECREASE_RESERVATION, Y_GFN + 7, 0, 1);
	if (b_rc != 1) {
		return;
	}
	b_rc = balloon(XL_MEM_DECREASE_RESERVATION, X_GFN + 3, 0, 1);
	if (b_rc != 1) {
		return;
	}
	b_rc = balloon(XL_MEM_POPULATE_PHYSMAP, Y_GFN + 7, 0, 1);
	y = gfn_ptr(Y_GFN + 7);
	if (y) {
		y[1] = 0x5ec2e75ec2e75ec2ULL;
	}
}

/*
 * Run A with B at every hook point of A in turn (and once with no
 * hook). Return: the first K whose books do not balance, 0 if none.
 * @check (may be NULL) adds the race's own rule.
 */
static long every_interleaving(unsigned int extra, bool x, bool y,
			       long (*a)(void), void (*b)(void),
			       int (*check)(long a_rc))
{
	long total = 0;

	for (long k = 0;; k++) {
		long a_rc;
		int why;

		/* Long runs of the same point: their two ends are enough. */
		if (k > 48 && k < total - 48) {
			k = total - 48;
		}
		fresh(extra, x, y);
		b_rc = 0;
		hook_fn = k ? b : NULL;
		hook_at = k;
		a_rc = a();
		if (!k) {
			total = hook_count;
		}
		why = books();
		if (!why && check) {
			why = check(a_rc);
		}
		if (why) {
			diag("K=%ld: books broken (rule %d), A %ld, B %ld\n", k,
			     why, a_rc, b_rc);
			return k ? k : -1;
		}
		if (teardown()) {
			return k ? k : -1;
		}
		if (k > total) {
			return 0; /* B ran after A: every point was tried */
		}
	}
}

static long a_decrease_x9(void)
{
	return balloon(XL_MEM_DECREASE_RESERVATION, X_GFN, 9, 0);
}

static long a_populate_x9(void)
{
	return balloon(XL_MEM_POPULATE_PHYSMAP, X_GFN, 9, 0);
}

static long a_populate_x5(void)
{
	return balloon(XL_MEM_POPULATE_PHYSMAP, X_GFN + 5, 0, 0);
}

/* A hypercall result written into X+3 (the multicall result slot). */
static long a_copy_to_x3(void)
{
	u64 v = 0xfeedfacecafef00dULL;

	return copy_to_guest(&D, ((X_GFN + 3) << PAGE_SHIFT) + 8, &v,
			     sizeof(v));
}

static long a_copy_from_x3(void)
{
	u64 v = 0;

	if (copy_from_guest(&D, &v, ((X_GFN + 3) << PAGE_SHIFT) + 8,
			    sizeof(v))) {
		return -EFAULT;
	}
	return v == 0x5ec2e75ec2e75ec2ULL ? 1 : 0; /* 1: read the secret */
}

/* The frame Y+7 got must read as zero but for what its owner wrote. */
static int y7_untouched(long a_rc)
{
	u64 *y = gfn_ptr(Y_GFN + 7);

	return y && y[1] != 0 && y[1] != 0x5ec2e75ec2e75ec2ULL ? 10 : 0;
}

static int no_secret(long a_rc)
{
	return a_rc == 1 ? 11 : 0;
}

static void fmts_init(void)
{
	p2m_format_arm_init(&arm40, 40);
}

#define BOTH_FORMATS(name, body)              \
	TEST(sv39x4_##name)                   \
	{                                     \
		fmts_init();                  \
		cur_fmt = &p2m_format_sv39x4; \
		body;                         \
	}                                     \
	TEST(arm40_##name)                    \
	{                                     \
		fmts_init();                  \
		cur_fmt = &arm40;             \
		body;                         \
	}

/* Finding 3: two decreases of one extent; only one may free each frame. */
BOTH_FORMATS(decrease_vs_decrease_same_extent,
	     CHECK_EQ(every_interleaving(0, true, false, a_decrease_x9,
					 b_decrease_x9, NULL),
		      0))
BOTH_FORMATS(decrease_vs_decrease_page_inside,
	     CHECK_EQ(every_interleaving(0, true, false, a_decrease_x9,
					 b_decrease_x0, NULL),
		      0))

/* Finding 4: populate vs populate inside the same extent. */
BOTH_FORMATS(populate_vs_populate_inside,
	     CHECK_EQ(every_interleaving(1024, false, false, a_populate_x9,
					 b_populate_x5, NULL),
		      0))
BOTH_FORMATS(populate_page_vs_populate_extent,
	     CHECK_EQ(every_interleaving(1024, false, false, a_populate_x5,
					 b_populate_x9, NULL),
		      0))

/* Finding 4: the quota is charged atomically (room for one extent). */
BOTH_FORMATS(populate_quota_race,
	     CHECK_EQ(every_interleaving(0, false, true, a_populate_x9,
					 b_populate_z9, NULL),
		      0))

/* Finding 1: a copy never touches a frame after its balloon-out. */
BOTH_FORMATS(copy_to_guest_vs_balloon_out,
	     CHECK_EQ(every_interleaving(0, true, true, a_copy_to_x3,
					 b_recycle_x3, y7_untouched),
		      0))
BOTH_FORMATS(copy_from_guest_vs_balloon_out,
	     CHECK_EQ(every_interleaving(0, true, true, a_copy_from_x3,
					 b_recycle_x3, no_secret),
		      0))

/* The p2m compare-and-set operations themselves. */
BOTH_FORMATS(p2m_cas_ops, {
	mfn_t exp[512];
	struct page_info *pg;

	fresh(0, true, false);
	/* map-if-empty: refused over any mapped page, 4K or 2M leaf. */
	CHECK_EQ(p2m_set_entry_if_empty(&P, _gfn(X_GFN + 7), 1, _mfn(0x1234),
					p2m_ram_rw),
		 -EEXIST);
	CHECK_EQ(p2m_set_entry_if_empty(&P, _gfn(X_GFN - 512), 1024,
					_mfn(0x100000), p2m_ram_rw),
		 -EEXIST);
	CHECK_EQ(books(), 0);
	/* remove-if-mapped: refused for another frame or a hole. */
	for (int i = 0; i < 512; i++) {
		exp[i] = __real_p2m_lookup(&P, _gfn(X_GFN + i), NULL, NULL);
	}
	exp[100] = mfn_add(exp[100], 1);
	CHECK_EQ(p2m_remove_if_mapped(&P, _gfn(X_GFN), 512, exp, NULL),
		 -ENOENT);
	exp[100] = mfn_add(exp[100], -1);
	CHECK_EQ(books(), 0);
	CHECK_EQ(p2m_remove_if_mapped(&P, _gfn(X_GFN + 8), 8, exp + 8, NULL),
		 0);
	CHECK_EQ(p2m_remove_if_mapped(&P, _gfn(X_GFN + 8), 8, exp + 8, NULL),
		 -ENOENT);
	CHECK_EQ(p2m_remove_if_mapped(&P, _gfn(X_GFN), 512, exp, NULL),
		 -ENOENT);
	/* map-if-empty into the hole the remove left (inside a split). */
	CHECK_EQ(p2m_set_entry_if_empty(&P, _gfn(X_GFN + 8), 8, exp[8],
					p2m_ram_rw),
		 0);
	CHECK_EQ(books(), 0);
	/* get_page: a reference, and none on a hole. */
	pg = p2m_get_page(&P, _gfn(X_GFN + 9), NULL);
	CHECK(pg && pg->count == 2);
	put_page(pg);
	CHECK(!p2m_get_page(&P, _gfn(Y_GFN), NULL));
	CHECK_EQ(teardown(), 0);
})

/* ---- one flush per decrease call (issue 20) ---- */

/* One memory_op of @n extents of @order at @gfns (arguments at ARG_GFN). */
static long balloon_n(unsigned int cmd, const u64 *gfns, unsigned int n,
		      unsigned int order)
{
	struct xl_memory_reservation r = {
		.extent_start = (ARG_GFN << PAGE_SHIFT) + 1024,
		.nr_extents = n,
		.extent_order = order,
		.domid = XL_DOMID_SELF,
	};
	u64 *arg = gfn_ptr(ARG_GFN);

	memcpy(arg, &r, sizeof(r));
	memcpy(arg + 128, gfns, n * sizeof(u64));
	return do_memory_op(&V, cmd, ARG_GFN << PAGE_SHIFT);
}

static unsigned long outstanding_before, outstanding_at_flush;

static void note_outstanding(void)
{
	outstanding_at_flush = fake_mm_outstanding();
}

/*
 * Two 2 MiB extents in one call: one flush (the old code flushed per
 * extent: 2), and no frame of either extent freed before it.
 */
BOTH_FORMATS(decrease_extents_one_flush, {
	u64 gfns[2];

	gfns[0] = X_GFN;
	gfns[1] = Y_GFN;
	fresh(0, true, true);
	p2m_activate(&P, 0);
	rec_reset();
	rec_flush_hook = note_outstanding;
	outstanding_before = fake_mm_outstanding();
	CHECK_EQ(balloon_n(XL_MEM_DECREASE_RESERVATION, gfns, 2, 9), 2);
	CHECK_EQ(rec_nflush, 1);
	CHECK_EQ(outstanding_at_flush, outstanding_before);
	CHECK_EQ(fake_mm_outstanding(), outstanding_before - 1024);
	rec_flush_hook = NULL;
	CHECK_EQ(books(), 0);
	CHECK_EQ(teardown(), 0);
})

/*
 * 64 single pages of an extent already split (by a first decrease) and
 * a page of a 2 MiB leaf: one flush per call on RISC-V. On Arm the split
 * of Y's block needs its break-before-make flush (Arm ARM D8.16), which
 * also covers the pages removed before it: two at most.
 */
BOTH_FORMATS(decrease_pages_one_flush, {
	u64 gfns[65];

	fresh(0, true, true);
	p2m_activate(&P, 0);
	gfns[0] = X_GFN;
	CHECK_EQ(balloon_n(XL_MEM_DECREASE_RESERVATION, gfns, 1, 0), 1);
	for (int i = 0; i < 64; i++) {
		gfns[i] = X_GFN + 1 + 3 * i;
	}
	rec_reset();
	rec_flush_hook = note_outstanding;
	outstanding_before = fake_mm_outstanding();
	CHECK_EQ(balloon_n(XL_MEM_DECREASE_RESERVATION, gfns, 64, 0), 64);
	CHECK_EQ(rec_nflush, 1);
	CHECK_EQ(outstanding_at_flush, outstanding_before);
	CHECK_EQ(fake_mm_outstanding(), outstanding_before - 64);
	/* Stopped by an error (X + 1 is gone): what was removed is freed. */
	gfns[0] = X_GFN + 2;
	gfns[1] = X_GFN + 1;
	rec_reset();
	rec_flush_hook = note_outstanding;
	outstanding_before = fake_mm_outstanding();
	CHECK_EQ(balloon_n(XL_MEM_DECREASE_RESERVATION, gfns, 2, 0), 1);
	CHECK_EQ(rec_nflush, 1);
	CHECK_EQ(outstanding_at_flush, outstanding_before);
	CHECK_EQ(fake_mm_outstanding(), outstanding_before - 1);
	rec_flush_hook = NULL;
	CHECK_EQ(books(), 0);
	rec_reset();
	gfns[0] = X_GFN + 400;
	gfns[1] = Y_GFN + 9;
	CHECK_EQ(balloon_n(XL_MEM_DECREASE_RESERVATION, gfns, 2, 0), 2);
	CHECK(rec_nflush == 1 || (cur_fmt->bbm && rec_nflush == 2));
	CHECK_EQ(books(), 0);
	CHECK_EQ(teardown(), 0);
})

/*
 * The races above again with the decrease as one batched call of two
 * extents: its frames go only after the batch's flush, whatever runs at
 * any point of it.
 */
static long a_decrease_xy9_batched(void)
{
	u64 gfns[2] = { X_GFN, Y_GFN };

	return balloon_n(XL_MEM_DECREASE_RESERVATION, gfns, 2, 9);
}

/* As b_recycle_x3(), Y+7 and X+3 given back in one call. */
static void b_recycle_x3_batched(void)
{
	u64 gfns[2] = { Y_GFN + 7, X_GFN + 3 };
	u64 *y;

	b_rc = balloon_n(XL_MEM_DECREASE_RESERVATION, gfns, 2, 0);
	if (b_rc != 2) {
		return;
	}
	b_rc = balloon(XL_MEM_POPULATE_PHYSMAP, Y_GFN + 7, 0, 1);
	y = gfn_ptr(Y_GFN + 7);
	if (y) {
		y[1] = 0x5ec2e75ec2e75ec2ULL;
	}
}

BOTH_FORMATS(batched_decrease_vs_decrease_page_inside,
	     CHECK_EQ(every_interleaving(0, true, true, a_decrease_xy9_batched,
					 b_decrease_x0, NULL),
		      0))
BOTH_FORMATS(copy_to_guest_vs_batched_balloon_out,
	     CHECK_EQ(every_interleaving(0, true, true, a_copy_to_x3,
					 b_recycle_x3_batched, y7_untouched),
		      0))
BOTH_FORMATS(copy_from_guest_vs_batched_balloon_out,
	     CHECK_EQ(every_interleaving(0, true, true, a_copy_from_x3,
					 b_recycle_x3_batched, no_secret),
		      0))

int main(void)
{
	return run_tests("memory");
}
