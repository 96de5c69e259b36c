// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the frame allocator (common/page_alloc.c).
 *
 * The hypervisor identity-maps RAM (maddr_to_virt() is a cast), so the
 * fake "RAM" is an anonymous mapping and its host addresses are the
 * physical addresses: the banks and reserved ranges of the hand-built
 * struct bootinfo are host pointers. page_alloc_init() is a boot-once
 * function with static state, so every test runs in a forked child
 * (TEST_ISOLATED; panics are caught the same way, dies_with(): BUG_ON
 * ends in abort()).
 *
 * Built twice (page_alloc.mk): with and without CONFIG_RAM_ZEROED_AT_RESET.
 * The regression_* tests failed before the fixes of the same day (frame
 * table placed in the loader's dirt, a frame shared by two modules
 * donated, touching banks not merged at boot).
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xen-lite/bootinfo.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>

#include "harness.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define MAX_ORDER 18 /* common/page_alloc.c */
#define DOM_A ((domid_t)7)
#define DOM_B ((domid_t)9)

#ifdef CONFIG_RAM_ZEROED_AT_RESET
#define ZEROED 1
#else
#define ZEROED 0
#endif

/* ------------------------------------------------------------------ */
/* Fake RAM and boot information.                                      */

static u8 *span_alloc(u64 size, u64 align)
{
	u8 *m = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (m == MAP_FAILED) {
		perror("mmap");
		_exit(2);
	}
	return (u8 *)ROUNDUP((uintptr_t)m, align);
}

static void add_bank(struct bootinfo *bi, paddr_t s, u64 size)
{
	bi->mem[bi->nr_mem].start = s;
	bi->mem[bi->nr_mem].size = size;
	bi->nr_mem++;
}

static void add_resv(struct bootinfo *bi, paddr_t s, u64 size,
		     enum resv_kind kind)
{
	if (bootinfo_add_resv(bi, s, size, kind)) {
		fprintf(stderr, "bad test layout: resv %#llx+%#llx\n",
			(unsigned long long)s, (unsigned long long)size);
		_exit(2);
	}
}

/*
 * The standard layout, offsets from B (32 MiB aligned):
 *   bank0   [0, 16M)
 *   hole    [16M, 20M + 0x800)            bank1 starts mid-frame
 *   bank1   [20M + 0x800, 32M - 0x100)    and ends mid-frame
 *   IMAGE   [2M, 3M + 0x123)
 *   DTB     [4M + 0x200, 4M + 0x3200)
 *   MOD C   [4M + 0x3200, 4M + 0x8000)    shares a frame with the DTB
 *   MOD A   [6M, 8M)                      a kernel
 *   MOD D   [10M, 10M + 0x1800)           D and E share frame 10M + 0x1000
 *   MOD E   [10M + 0x1800, 10M + 0x4000)
 *   MEMRES  [24M, 24M + 64K)
 *   NODE    [31M, 31M + 0x10)             sub-frame
 *   MOD F   [28M, 29M)                    in bank1
 */
static struct bootinfo bi;
static u8 *B;
static paddr_t Bp;

#define P(off) (Bp + (off))
#define MFN(off) maddr_to_mfn(P(off))
#define PG(off) mfn_to_page(MFN(off))

static void layout_std(void)
{
	B = span_alloc(32 * MiB, 32 * MiB);
	Bp = virt_to_maddr(B);
	memset(&bi, 0, sizeof(bi));
	add_bank(&bi, P(0), 16 * MiB);
	add_bank(&bi, P(20 * MiB + 0x800), 12 * MiB - 0x800 - 0x100);
	add_resv(&bi, P(2 * MiB), 1 * MiB + 0x123, RESV_IMAGE);
	add_resv(&bi, P(4 * MiB + 0x200), 0x3000, RESV_DTB);
	add_resv(&bi, P(4 * MiB + 0x3200), 0x4e00, RESV_MODULE);
	add_resv(&bi, P(6 * MiB), 2 * MiB, RESV_MODULE);
	add_resv(&bi, P(10 * MiB), 0x1800, RESV_MODULE);
	add_resv(&bi, P(10 * MiB + 0x1800), 0x2800, RESV_MODULE);
	add_resv(&bi, P(24 * MiB), 64 * 1024, RESV_MEMRESERVE);
	add_resv(&bi, P(31 * MiB), 0x10, RESV_NODE);
	add_resv(&bi, P(28 * MiB), 1 * MiB, RESV_MODULE);
}

static void init_ok(void)
{
	int rc = page_alloc_init(&bi);

	if (rc) {
		fprintf(stderr, "page_alloc_init: %d\n", rc);
		_exit(1);
	}
}

/* What page_alloc.c carves for the frame table (and its dirty map). */
static u64 ft_bytes(void)
{
	return ROUNDUP(frame_table_nr * sizeof(struct page_info) +
			       DIV_ROUND_UP(frame_table_nr, 64) * 8,
		       PAGE_SIZE);
}

static bool in_frame_table(paddr_t pa)
{
	paddr_t ft = virt_to_maddr(frame_table);

	return pa >= ft && pa < ft + ft_bytes();
}

/* Independent model: is frame @pa free RAM after init? */
static bool model_free(paddr_t pa)
{
	bool in_bank = false;

	for (u32 i = 0; i < bi.nr_mem; i++) {
		if (pa >= ROUNDUP(bi.mem[i].start, PAGE_SIZE) &&
		    pa + PAGE_SIZE <=
			    ROUNDDOWN(bi.mem[i].start + bi.mem[i].size,
				      PAGE_SIZE))
			in_bank = true;
	}
	if (!in_bank || in_frame_table(pa))
		return false;
	for (u32 i = 0; i < bi.nr_resv; i++) {
		if (pa < bi.resv[i].start + bi.resv[i].size &&
		    bi.resv[i].start < pa + PAGE_SIZE)
			return false;
	}
	return true;
}

static u64 model_free_count(void)
{
	u64 n = 0;

	for (u64 f = 0; f < frame_table_nr; f++)
		n += model_free((frame_table_base_mfn + f) << PAGE_SHIFT);
	return n;
}

static bool page_is_zero(const struct page_info *pg)
{
	const u64 *p = page_to_virt(pg);

	for (size_t i = 0; i < PAGE_SIZE / 8; i++) {
		if (p[i])
			return false;
	}
	return true;
}

static u64 rng = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Every free block as (first mfn, order), by draining the allocator. */
struct blk {
	u64 mfn;
	unsigned int order;
};

static int blk_cmp(const void *a, const void *b)
{
	const struct blk *x = a, *y = b;

	return x->mfn < y->mfn ? -1 : x->mfn > y->mfn;
}

/*
 * Taking from the highest order down never splits a block, so this
 * yields exactly the blocks on the free lists; then gives them back.
 */
static size_t free_blocks(struct blk *out, size_t max)
{
	size_t n = 0;

	for (int o = MAX_ORDER; o >= 0; o--) {
		struct page_info *pg;

		while (n < max && (pg = alloc_pages(o))) {
			out[n].mfn = mfn_x(page_to_mfn(pg));
			out[n].order = o;
			n++;
		}
	}
	for (size_t i = 0; i < n; i++)
		free_pages(mfn_to_page(_mfn(out[i].mfn)), out[i].order);
	qsort(out, n, sizeof(*out), blk_cmp);
	return n;
}

static size_t list_len(const struct list_head *l)
{
	size_t n = 0;

	for (const struct list_head *e = l->next; e != l; e = e->next)
		n++;
	return n;
}

/* Snapshot of the allocator-visible state for "nothing changed". */
struct snap {
	struct page_info *ft;
	u64 nr_free, nr_total, nr_donated;
};

static void snap_take(struct snap *s)
{
	s->ft = malloc(ft_bytes());
	memcpy(s->ft, frame_table, ft_bytes()); /* includes the dirty map */
	s->nr_free = free_page_count();
	s->nr_total = total_page_count();
	s->nr_donated = donated_page_count();
}

static bool snap_same(struct snap *s)
{
	bool same = !memcmp(s->ft, frame_table, ft_bytes()) &&
		    s->nr_free == free_page_count() &&
		    s->nr_total == total_page_count() &&
		    s->nr_donated == donated_page_count();

	free(s->ft);
	s->ft = NULL;
	return same;
}

/* ------------------------------------------------------------------ */
/* page_alloc_init()                                                   */

TEST_ISOLATED(init_counts)
{
	layout_std();
	init_ok();
	CHECK_EQ(frame_table_base_mfn, mfn_x(MFN(0)));
	CHECK_EQ(frame_table_nr, (32 * MiB - PAGE_SIZE) >> PAGE_SHIFT);
	/* 32 MiB span, 16 KiB hole rounding: computed independently. */
	CHECK(model_free_count() > 6000);
	CHECK_EQ(free_page_count(), model_free_count());
	CHECK_EQ(total_page_count(), free_page_count());
	CHECK_EQ(donated_page_count(), 0);
}

TEST_ISOLATED(init_frame_table_placement)
{
	paddr_t ft;

	layout_std();
	init_ok();
	ft = virt_to_maddr(frame_table);
	CHECK((ft & (PAGE_SIZE - 1)) == 0);
	/* Inside bank0, overlapping no reserved range. */
	CHECK(ft >= P(0) && ft + ft_bytes() <= P(16 * MiB));
	for (u32 i = 0; i < bi.nr_resv; i++)
		CHECK(ft + ft_bytes() <= bi.resv[i].start ||
		      bi.resv[i].start + bi.resv[i].size <= ft);
}

TEST_ISOLATED(init_frame_states)
{
	u64 nres = 0;

	layout_std();
	init_ok();
	for (u64 f = 0; f < frame_table_nr; f++) {
		paddr_t pa = (frame_table_base_mfn + f) << PAGE_SHIFT;
		const struct page_info *pg = &frame_table[f];

		if (model_free(pa)) {
			CHECK_EQ(pg->state, PGS_FREE);
		} else {
			if (pg->state != PGS_RESERVED)
				diag("frame at +%#llx\n",
				     (unsigned long long)(pa - Bp));
			CHECK_EQ(pg->state, PGS_RESERVED);
			CHECK_EQ(pg->owner, DOMID_XL);
			nres++;
		}
	}
	/* Spot checks of the rounding. */
	CHECK_EQ(PG(16 * MiB)->state, PGS_RESERVED); /* hole */
	CHECK_EQ(PG(20 * MiB)->state, PGS_RESERVED); /* bank1 partial */
	CHECK_EQ(PG(20 * MiB + PAGE_SIZE)->state, PGS_FREE);
	CHECK_EQ(PG(3 * MiB)->state, PGS_RESERVED); /* image tail */
	CHECK_EQ(PG(3 * MiB + PAGE_SIZE)->state, PGS_FREE);
	CHECK_EQ(PG(31 * MiB)->state, PGS_RESERVED); /* 16-byte node */
	CHECK_EQ(PG(31 * MiB + PAGE_SIZE)->state, PGS_FREE);
	CHECK_EQ(PG(4 * MiB - PAGE_SIZE)->state, PGS_FREE);
	CHECK_EQ(PG(4 * MiB)->state, PGS_RESERVED);
	CHECK_EQ(nres, frame_table_nr - free_page_count());
}

TEST_ISOLATED(init_blocks_cover_free_ram)
{
	static struct blk b[4096];
	static u8 seen[8192];
	size_t n;
	u64 sum = 0;

	layout_std();
	init_ok();
	n = free_blocks(b, 4096);
	for (size_t i = 0; i < n; i++) {
		u64 first = b[i].mfn - frame_table_base_mfn;

		CHECK((b[i].mfn & ((1ULL << b[i].order) - 1)) == 0);
		for (u64 j = 0; j < (1ULL << b[i].order); j++) {
			CHECK(model_free((b[i].mfn + j) << PAGE_SHIFT));
			CHECK(!seen[first + j]);
			seen[first + j] = 1;
		}
		sum += 1ULL << b[i].order;
		/* Maximal: the buddy is not a free block of the same order. */
		for (size_t k = 0; k < n; k++)
			CHECK(!(b[k].order == b[i].order &&
				b[k].mfn == (b[i].mfn ^ (1ULL << b[i].order)) &&
				b[i].order < MAX_ORDER));
	}
	CHECK_EQ(sum, free_page_count());
	/* Draining and refilling changed nothing. */
	CHECK_EQ(free_page_count(), model_free_count());
}

TEST_ISOLATED(init_errors)
{
	struct bootinfo tmp;

	layout_std();
	/* No RAM. */
	memset(&tmp, 0, sizeof(tmp));
	CHECK_EQ(page_alloc_init(&tmp), -EINVAL);
	/* A bank smaller than a frame. */
	add_bank(&tmp, P(0x800), 0x400);
	CHECK_EQ(page_alloc_init(&tmp), -EINVAL);
	/* No room for the frame table: the one bank is all reserved. */
	memset(&tmp, 0, sizeof(tmp));
	add_bank(&tmp, P(0), 1 * MiB);
	add_resv(&tmp, P(0), 1 * MiB, RESV_NODE);
	CHECK_EQ(page_alloc_init(&tmp), -ENOMEM);
}

static void layout_adjacent(void)
{
	B = span_alloc(16 * MiB, 16 * MiB);
	Bp = virt_to_maddr(B);
	memset(&bi, 0, sizeof(bi));
	add_bank(&bi, P(0), 12 * MiB);
	add_bank(&bi, P(12 * MiB), 4 * MiB);
}

/* Two banks that touch. */
TEST_ISOLATED(init_adjacent_banks)
{
	struct page_info *a, *b;

	layout_adjacent();
	init_ok();
	CHECK_EQ(free_page_count(), model_free_count());
	for (u64 f = 0; f < frame_table_nr; f++)
		CHECK_EQ(frame_table[f].state,
			 model_free((frame_table_base_mfn + f) << PAGE_SHIFT) ?
				 PGS_FREE :
				 PGS_RESERVED);
	/* Once freed, the 4 MiB blocks either side of the seam merge. */
	a = alloc_pages(10);
	b = alloc_pages(10);
	CHECK(a && b);
	free_pages(a, 10);
	free_pages(b, 10);
	CHECK(PG(8 * MiB) == alloc_pages(11));
}

/*
 * Fixed bug: page_alloc_init() freed each bank on its own and inserted
 * blocks without merging ("boot: blocks are maximal"), so the two 4 MiB
 * blocks at the seam of touching banks stay apart until something is
 * allocated and freed there: an 8 MiB allocation fails right after boot.
 */
TEST_ISOLATED(regression_adjacent_banks_merged_at_init)
{
	layout_adjacent();
	init_ok();
	/* [8M, 16M) is free: one order-11 block. */
	CHECK(PG(8 * MiB) == alloc_pages(11));
}

/* ------------------------------------------------------------------ */
/* alloc_pages() / free_pages()                                        */

TEST_ISOLATED(alloc_all_aligned_disjoint_then_free_all)
{
	static struct blk init_b[4096], again[4096], got[16384];
	static u8 owned[8192];
	size_t n0, n1, ng = 0;
	u64 nfree;

	layout_std();
	init_ok();
	nfree = free_page_count();
	n0 = free_blocks(init_b, 4096);
	/* Random orders until even one frame is not left. */
	for (;;) {
		unsigned int o = rnd() % 6;
		struct page_info *pg = alloc_pages(o);
		u64 m;

		if (!pg) {
			if (!free_page_count())
				break;
			continue;
		}
		m = mfn_x(page_to_mfn(pg));
		CHECK((m & ((1ULL << o) - 1)) == 0);
		for (u64 j = 0; j < (1ULL << o); j++) {
			CHECK(model_free((m + j) << PAGE_SHIFT));
			CHECK(!owned[m + j - frame_table_base_mfn]);
			owned[m + j - frame_table_base_mfn] = 1;
			CHECK_EQ(pg[j].state, PGS_XEN);
			CHECK_EQ(pg[j].owner, DOMID_XL);
			CHECK_EQ(pg[j].count, 0);
			CHECK_EQ(pg[j].type_info, 0);
		}
		got[ng].mfn = m;
		got[ng].order = o;
		ng++;
		CHECK(ng < 16384);
	}
	CHECK_EQ(free_page_count(), 0);
	for (unsigned int o = 0; o <= MAX_ORDER + 1; o++)
		CHECK(!alloc_pages(o));
	/* Free in random order. */
	for (size_t i = ng; i > 1; i--) {
		size_t j = rnd() % i;
		struct blk t = got[i - 1];

		got[i - 1] = got[j];
		got[j] = t;
	}
	for (size_t i = 0; i < ng; i++)
		free_pages(mfn_to_page(_mfn(got[i].mfn)), got[i].order);
	CHECK_EQ(free_page_count(), nfree);
	CHECK_EQ(total_page_count(), nfree);
	n1 = free_blocks(again, 4096);
	CHECK_EQ(n1, n0);
	for (size_t i = 0; i < n0; i++) {
		CHECK_EQ(again[i].mfn, init_b[i].mfn);
		CHECK_EQ(again[i].order, init_b[i].order);
	}
	for (u64 f = 0; f < frame_table_nr; f++)
		CHECK_EQ(frame_table[f].state,
			 model_free((frame_table_base_mfn + f) << PAGE_SHIFT) ?
				 PGS_FREE :
				 PGS_RESERVED);
}

TEST_ISOLATED(max_order_block)
{
	static struct page_info *blk9[1024];
	struct page_info *pg;
	int n = 0;

	/* One bank [G - 16M, G + 1G + 4M) with G 1 GiB aligned. */
	B = span_alloc(3 * GiB, GiB) + GiB - 16 * MiB;
	Bp = virt_to_maddr(B);
	memset(&bi, 0, sizeof(bi));
	add_bank(&bi, P(0), 16 * MiB + GiB + 4 * MiB);
	init_ok();
	CHECK_EQ(free_page_count(), model_free_count());
	CHECK(!alloc_pages(MAX_ORDER + 1));
	pg = alloc_pages(MAX_ORDER);
	CHECK(pg == PG(16 * MiB));
	CHECK(!alloc_pages(MAX_ORDER));
	free_pages(pg, MAX_ORDER);
	/* Break it up completely (2 MiB blocks), free them scrambled. */
	while (n < 1024 && (blk9[n] = alloc_pages(9)))
		n++;
	CHECK(n >= 512 && n < 1024);
	CHECK(!alloc_pages(MAX_ORDER));
	for (int i = 0; i < n; i++) {
		int j = (int)((i * 617ULL) % n);

		if (blk9[j]) {
			free_pages(blk9[j], 9);
			blk9[j] = NULL;
		}
	}
	for (int i = 0; i < n; i++)
		if (blk9[i])
			free_pages(blk9[i], 9);
	CHECK_EQ(free_page_count(), model_free_count());
	pg = alloc_pages(MAX_ORDER);
	CHECK(pg == PG(16 * MiB));
	free_pages(pg, MAX_ORDER);
}

TEST_ISOLATED(exhausted_changes_nothing)
{
	struct list_head list = LIST_HEAD_INIT(list);
	struct snap s;

	layout_std();
	init_ok();
	while (alloc_pages(3))
		;
	CHECK(free_page_count() > 0 && free_page_count() < 8 * 200);
	snap_take(&s);
	CHECK(!alloc_pages(3));
	CHECK(!alloc_pages_zeroed(3));
	CHECK(!alloc_domain_pages(3, DOM_A, &list));
	CHECK(!alloc_xenheap_pages(3));
	CHECK(!alloc_pages(MAX_ORDER + 1));
	CHECK(snap_same(&s));
	CHECK(list_empty(&list));
	CHECK(list.prev == &list);
}

static void double_free_0(void *arg)
{
	struct page_info *pg = alloc_pages(0);

	free_pages(pg, 0);
	free_pages(pg, 0);
}

static void double_free_part(void *arg)
{
	struct page_info *pg = alloc_pages(2);

	free_pages(pg + 3, 0); /* not how it was allocated, but legal */
	free_pages(pg, 2); /* frame 3 is free already */
}

static void free_never_allocated(void *arg)
{
	/* A frame that init handed to the buddy. */
	free_pages(PG(32 * MiB - 3 * PAGE_SIZE), 0);
}

TEST_ISOLATED(double_free_bug_on)
{
	layout_std();
	init_ok();
	CHECK(dies_with(double_free_0, NULL, "BUG_ON"));
	CHECK(dies_with(double_free_part, NULL, "BUG_ON"));
	CHECK(dies_with(free_never_allocated, NULL, "BUG_ON"));
}

/* ------------------------------------------------------------------ */
/* Zeroing                                                             */

/* Allocate everything with @alloc, check/record, return the blocks. */
static size_t take_all(struct blk *out, size_t max, int how)
{
	struct list_head list = LIST_HEAD_INIT(list);
	size_t n = 0;

	for (int o = 4; o >= 0; o--) {
		for (;;) {
			struct page_info *pg =
				how == 0 ? alloc_pages(o) :
				how == 1 ? alloc_pages_zeroed(o) :
				how == 2 ? alloc_domain_pages(o, DOM_A, &list) :
					   NULL;

			if (how == 3) {
				void *va = alloc_xenheap_pages(o);

				pg = va ? virt_to_page(va) : NULL;
			}
			if (!pg || n == max)
				break;
			out[n].mfn = mfn_x(page_to_mfn(pg));
			out[n].order = o;
			n++;
		}
	}
	return n;
}

static void free_all(struct blk *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct page_info *pg = mfn_to_page(_mfn(b[i].mfn));

		if (pg->state == PGS_DOMAIN)
			free_page_run(_mfn(b[i].mfn), 1ULL << b[i].order);
		else
			free_pages(pg, b[i].order);
	}
}

static bool blocks_zero(struct blk *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (u64 j = 0; j < (1ULL << b[i].order); j++) {
			if (!page_is_zero(mfn_to_page(_mfn(b[i].mfn + j)))) {
				diag("frame +%#llx not zero\n",
				     (unsigned long long)(((b[i].mfn + j)
							   << PAGE_SHIFT) -
							  Bp));
				return false;
			}
		}
	}
	return true;
}

static void zero_after_dirty(int how)
{
	static struct blk b[8192];
	size_t n;
	u64 nfree;

	layout_std();
	init_ok();
	nfree = free_page_count();
	/* Dirty every free frame through alloc_pages(), give them back. */
	n = take_all(b, 8192, 0);
	CHECK_EQ(free_page_count(), 0);
	for (size_t i = 0; i < n; i++)
		memset(page_to_virt(mfn_to_page(_mfn(b[i].mfn))), 0xa5,
		       PAGE_SIZE << b[i].order);
	free_all(b, n);
	CHECK_EQ(free_page_count(), nfree);
	n = take_all(b, 8192, how);
	CHECK_EQ(free_page_count(), 0);
	CHECK(blocks_zero(b, n));
	/* Dirty them again through the zeroed allocator itself. */
	for (size_t i = 0; i < n; i++)
		memset(page_to_virt(mfn_to_page(_mfn(b[i].mfn))), 0x5a,
		       PAGE_SIZE << b[i].order);
	free_all(b, n);
	CHECK_EQ(free_page_count(), nfree);
	n = take_all(b, 8192, how);
	CHECK(blocks_zero(b, n));
	free_all(b, n);
	CHECK_EQ(free_page_count(), nfree);
}

TEST_ISOLATED(zeroed_after_dirty_alloc_pages_zeroed)
{
	zero_after_dirty(1);
}

TEST_ISOLATED(zeroed_after_dirty_alloc_domain_pages)
{
	zero_after_dirty(2);
}

TEST_ISOLATED(zeroed_after_dirty_xenheap)
{
	zero_after_dirty(3);
}

/*
 * Frames below the image: the loader may have used them. Scribble on
 * the free ones after init (the frame table must not be touched) and
 * check the zeroed allocator clears them in both configurations.
 */
TEST_ISOLATED(below_image_cleared)
{
	static struct blk b[8192];
	size_t n;
	u64 below = 0;

	layout_std();
	init_ok();
	for (paddr_t pa = P(0); pa < P(2 * MiB); pa += PAGE_SIZE) {
		if (model_free(pa)) {
			memset(maddr_to_virt(pa), 0xc3, PAGE_SIZE);
			below++;
		}
	}
	CHECK(below > 100);
	n = take_all(b, 8192, 1);
	CHECK_EQ(free_page_count(), 0);
	CHECK(blocks_zero(b, n));
}

#ifdef CONFIG_RAM_ZEROED_AT_RESET
/*
 * The optimisation itself: a frame above the image never allocated since
 * reset is not cleared again (a marker written behind the allocator's
 * back survives), while one allocated and freed once is.
 */
TEST_ISOLATED(zeroed_config_skips_clean_frames)
{
	static struct blk b[8192];
	struct page_info *pg;
	size_t n;
	u8 *clean, *used;

	layout_std();
	init_ok();
	clean = maddr_to_virt(P(12 * MiB));
	CHECK(model_free(P(12 * MiB)));
	pg = alloc_pages(0);
	CHECK(pg);
	used = page_to_virt(pg);
	CHECK(virt_to_maddr(used) != P(12 * MiB));
	free_pages(pg, 0);
	clean[100] = 0x77;
	used[100] = 0x77;
	n = take_all(b, 8192, 1);
	CHECK_EQ(free_page_count(), 0);
	CHECK_EQ(clean[100], 0x77);
	CHECK_EQ(used[100], 0);
	(void)n;
}

/*
 * The loader used all of the RAM below the image (QEMU's Arm boot stub,
 * firmware data) and did not reserve it: page_alloc_init() must still
 * work, and the zeroed allocator must clear those frames.
 *
 * Fixed bug: without the memset (CONFIG_RAM_ZEROED_AT_RESET) the frame
 * table is assumed to be "carved from RAM nothing has used yet", but
 * find_boot_space() takes the lowest free RAM, i.e. exactly this region
 * below the image: its entries (state, order, links) are the loader's
 * bytes, and free frames read as state 0xc3 here.
 */
TEST_ISOLATED(regression_loader_dirt_below_image)
{
	static struct blk b[8192];
	size_t n;

	layout_std();
	memset(B, 0xc3, 2 * MiB);
	init_ok();
	for (u64 f = 0; f < frame_table_nr; f++) {
		paddr_t pa = (frame_table_base_mfn + f) << PAGE_SHIFT;

		if (model_free(pa) && frame_table[f].state != PGS_FREE) {
			diag("frame +%#llx: state %u, want PGS_FREE "
			     "(frame table at +%#llx, in the loader's "
			     "dirt)\n",
			     (unsigned long long)(pa - Bp),
			     frame_table[f].state,
			     (unsigned long long)(virt_to_maddr(frame_table) -
						  Bp));
			CHECK(0);
		}
	}
	n = take_all(b, 8192, 1);
	CHECK_EQ(free_page_count(), 0);
	CHECK(blocks_zero(b, n));
}
#endif

/* ------------------------------------------------------------------ */
/* alloc_domain_pages()                                                */

static bool list_is(struct list_head *list, struct page_info **runs,
		    const u64 *lens, int nruns)
{
	struct list_head *e = list->next;

	for (int r = 0; r < nruns; r++) {
		for (u64 i = 0; i < lens[r]; i++) {
			if (e != &runs[r][i].list || e->next->prev != e)
				return false;
			e = e->next;
		}
	}
	if (e != list)
		return false;
	e = list->prev;
	for (int r = nruns - 1; r >= 0; r--) {
		for (u64 i = lens[r]; i-- > 0;) {
			if (e != &runs[r][i].list || e->prev->next != e)
				return false;
			e = e->prev;
		}
	}
	return e == list;
}

TEST_ISOLATED(domain_pages)
{
	struct list_head list = LIST_HEAD_INIT(list), other;
	struct page_info *runs[3];
	u64 lens[3] = { 8, 1, 32 };
	u64 nfree;

	layout_std();
	init_ok();
	nfree = free_page_count();
	runs[0] = alloc_domain_pages(3, DOM_A, &list);
	runs[1] = alloc_domain_pages(0, DOM_A, &list);
	runs[2] = alloc_domain_pages(5, DOM_A, &list);
	CHECK(runs[0] && runs[1] && runs[2]);
	CHECK_EQ(free_page_count(), nfree - 41);
	CHECK_EQ(total_page_count(), nfree);
	for (int r = 0; r < 3; r++) {
		u64 m = mfn_x(page_to_mfn(runs[r]));

		CHECK((m & (lens[r] - 1)) == 0);
		for (u64 i = 0; i < lens[r]; i++) {
			struct page_info *pg = &runs[r][i];

			CHECK(model_free(mfn_to_maddr(page_to_mfn(pg))));
			CHECK_EQ(pg->state, PGS_DOMAIN);
			CHECK_EQ(pg->owner, DOM_A);
			CHECK_EQ(pg->count, 1);
			CHECK_EQ(pg->type_info, 0);
			CHECK_EQ(pg->u.scratch, 0);
			CHECK(page_is_zero(pg));
		}
	}
	CHECK_EQ(list_len(&list), 41);
	CHECK(list_is(&list, runs, lens, 3));

	/* Appending to a list that has another entry in front. */
	INIT_LIST_HEAD(&other);
	{
		struct list_head sentinel;
		struct page_info *pg;

		list_add_tail(&sentinel, &other);
		pg = alloc_domain_pages(1, DOM_B, &other);
		CHECK(pg);
		CHECK(other.next == &sentinel);
		CHECK(sentinel.next == &pg[0].list);
		CHECK(pg[0].list.prev == &sentinel);
		CHECK(pg[1].list.next == &other && other.prev == &pg[1].list);
		CHECK_EQ(pg[1].owner, DOM_B);
		/* The first list is untouched. */
		CHECK(list_is(&list, runs, lens, 3));
		free_page_run(page_to_mfn(pg), 2);
	}
	for (int r = 0; r < 3; r++)
		free_page_run(page_to_mfn(runs[r]), lens[r]);
	CHECK_EQ(free_page_count(), nfree);
}

/* A run of 600 frames: one 1024-frame block, its last 424 given back. */
TEST_ISOLATED(domain_pages_run)
{
	struct list_head list = LIST_HEAD_INIT(list);
	struct page_info *run, *tail[3];
	u64 nfree, m;

	layout_std();
	init_ok();
	nfree = free_page_count();
	run = alloc_domain_pages_run(600, DOM_A, &list);
	CHECK(run);
	if (!run)
		return;
	m = mfn_x(page_to_mfn(run));
	CHECK((m & 1023) == 0);
	CHECK_EQ(free_page_count(), nfree - 600);
	CHECK_EQ(list_len(&list), 600);
	for (u64 i = 0; i < 600; i++) {
		CHECK_EQ(run[i].state, PGS_DOMAIN);
		CHECK_EQ(run[i].owner, DOM_A);
		CHECK_EQ(run[i].count, 1);
		CHECK(page_is_zero(&run[i]));
	}
	/* The tail is free: frames 600..1023 as blocks of 8, 16, 400 ... */
	CHECK_EQ(run[600].state, PGS_FREE);
	CHECK_EQ(run[600].order, 3);
	CHECK_EQ(run[608].state, PGS_FREE);
	CHECK_EQ(run[608].order, 5);
	CHECK_EQ(run[640].state, PGS_FREE);
	CHECK_EQ(run[640].order, 7);
	CHECK_EQ(run[768].order, 8);
	/* ... that the allocator hands out again. */
	tail[0] = alloc_pages(8);
	tail[1] = alloc_pages(7);
	tail[2] = alloc_pages(5);
	CHECK(tail[0] && tail[1] && tail[2]);
	free_page_run(page_to_mfn(run), 600);
	for (int i = 0; i < 3; i++) {
		if (tail[i])
			free_pages(tail[i], i == 0 ? 8 : i == 1 ? 7 : 5);
	}
	CHECK_EQ(free_page_count(), nfree);
	CHECK(!alloc_domain_pages_run(0, DOM_A, &list));
}

/* ------------------------------------------------------------------ */
/* page_donate_module()                                                */

TEST_ISOLATED(donate_whole_module)
{
	struct list_head list = LIST_HEAD_INIT(list);
	struct page_info *pg, *runs[2];
	u64 lens[2] = { 512, 128 };
	u64 nfree, ntotal;

	layout_std();
	init_ok();
	/* The loader put the kernel there: contents must be kept. */
	for (u64 i = 0; i < 512; i++)
		memset(B + 6 * MiB + i * PAGE_SIZE, (int)(i & 0xff) | 1,
		       PAGE_SIZE);
	nfree = free_page_count();
	ntotal = total_page_count();
	pg = page_donate_module(&bi, MFN(6 * MiB), 512, DOM_A, &list);
	CHECK(pg == PG(6 * MiB));
	CHECK_EQ(donated_page_count(), 512);
	CHECK_EQ(total_page_count(), ntotal + 512);
	CHECK_EQ(free_page_count(), nfree);
	for (u64 i = 0; i < 512; i++) {
		u8 *va = page_to_virt(&pg[i]);

		CHECK_EQ(pg[i].state, PGS_DOMAIN);
		CHECK_EQ(pg[i].owner, DOM_A);
		CHECK_EQ(pg[i].count, 1);
		CHECK_EQ(pg[i].type_info, 0);
		CHECK_EQ(va[0], (i & 0xff) | 1);
		CHECK_EQ(va[PAGE_SIZE - 1], (i & 0xff) | 1);
	}
	runs[0] = pg;
	/* Part of another module, appended behind the first. */
	runs[1] = page_donate_module(&bi, MFN(28 * MiB + 512 * 1024), 128,
				     DOM_A, &list);
	CHECK(runs[1] == PG(28 * MiB + 512 * 1024));
	CHECK(list_is(&list, runs, lens, 2));
	CHECK_EQ(donated_page_count(), 640);
	CHECK_EQ(total_page_count(), ntotal + 640);
	CHECK_EQ(free_page_count(), nfree);
	/* The rest of module F stays reserved. */
	CHECK_EQ(PG(28 * MiB)->state, PGS_RESERVED);
	CHECK_EQ(PG(28 * MiB + 512 * 1024 - PAGE_SIZE)->state, PGS_RESERVED);
	/* get_page() works on donated frames. */
	CHECK(get_page(pg, DOM_A));
	CHECK_EQ(pg->count, 2);
	put_page(pg);
	CHECK_EQ(pg->count, 1);
}

TEST_ISOLATED(donate_unaligned_module_edges)
{
	struct list_head list = LIST_HEAD_INIT(list);

	layout_std();
	init_ok();
	/*
	 * MOD C [4M + 0x3200, 4M + 0x8000): frame 4M + 0x3000 is shared
	 * with the DTB; 4M + 0x4000 .. 4M + 0x8000 are its own (the first
	 * only partly, allowed: reserved ranges are rounded out).
	 */
	CHECK(!page_donate_module(&bi, MFN(4 * MiB + 0x3000), 1, DOM_A, &list));
	CHECK(!page_donate_module(&bi, MFN(4 * MiB + 0x3000), 5, DOM_A, &list));
	CHECK(page_donate_module(&bi, MFN(4 * MiB + 0x4000), 4, DOM_A, &list) ==
	      PG(4 * MiB + 0x4000));
	CHECK_EQ(list_len(&list), 4);
	CHECK_EQ(donated_page_count(), 4);
}

struct refusal {
	const char *what;
	u64 off;
	u64 nr;
};

static bool refused(const struct refusal *r, struct list_head *list)
{
	struct snap s;
	struct page_info *pg;
	struct list_head *n = list->next, *p = list->prev;

	snap_take(&s);
	pg = page_donate_module(&bi, MFN(r->off), r->nr, DOM_B, list);
	if (pg || !snap_same(&s) || list->next != n || list->prev != p) {
		diag("not refused cleanly: %s\n", r->what);
		return false;
	}
	return true;
}

TEST_ISOLATED(donate_refusals)
{
	struct list_head list = LIST_HEAD_INIT(list);
	static const struct refusal r[] = {
		{ "nothing", 6 * MiB, 0 },
		{ "free RAM", 12 * MiB, 4 },
		{ "free RAM before a module", 6 * MiB - PAGE_SIZE, 2 },
		{ "straddles the module end", 8 * MiB - PAGE_SIZE, 2 },
		{ "two modules", 6 * MiB, 1024 },
		{ "the image", 2 * MiB, 1 },
		{ "the DTB", 4 * MiB, 1 },
		{ "the frame table", 0, 1 },
		{ "a /memreserve/", 24 * MiB, 1 },
		{ "a hole", 17 * MiB, 1 },
		{ "past the frame table", 32 * MiB - PAGE_SIZE, 2 },
		{ "far past the frame table", 64 * MiB, 1 },
		{ "wraps", 6 * MiB, ~0ULL >> 1 },
	};

	layout_std();
	init_ok();
	CHECK(virt_to_maddr(frame_table) == P(0));
	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		CHECK(refused(&r[i], &list));
	/* Below the frame table's first frame. */
	CHECK(!page_donate_module(&bi, _mfn(frame_table_base_mfn - 1), 1, DOM_B,
				  &list));
	/* Twice. */
	CHECK(page_donate_module(&bi, MFN(6 * MiB), 16, DOM_A, &list));
	{
		struct refusal again = { "donated twice", 6 * MiB, 16 };
		struct refusal overlap = { "overlaps a donation",
					   6 * MiB + 8 * PAGE_SIZE, 16 };

		CHECK(refused(&again, &list));
		CHECK(refused(&overlap, &list));
	}
	CHECK_EQ(list_len(&list), 16);
	CHECK_EQ(donated_page_count(), 16);
	/* A bootinfo that does not name the range as a module. */
	{
		struct bootinfo other = bi;

		for (u32 i = 0; i < other.nr_resv; i++)
			if (other.resv[i].start == P(28 * MiB))
				other.resv[i].kind = RESV_NODE;
		CHECK(!page_donate_module(&other, MFN(28 * MiB), 1, DOM_A,
					  &list));
	}
}

/*
 * Modules D [10M, 10M + 0x1800) and E [10M + 0x1800, 10M + 0x4000) share
 * frame 10M + 0x1000: it is not "whole frames of one boot module alone"
 * and must be refused (domain_build.c clears the tail of the last frame
 * donated, which would wipe the head of E).
 */
TEST_ISOLATED(donate_two_modules_sharing_a_frame)
{
	struct list_head list = LIST_HEAD_INIT(list);
	static const struct refusal r[] = {
		{ "all of D", 10 * MiB, 2 },
		{ "all of E", 10 * MiB + 0x1000, 3 },
	};

	layout_std();
	init_ok();
	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		CHECK(refused(&r[i], &list));
	/* D's own first frame and E's own last two are fine. */
	CHECK(page_donate_module(&bi, MFN(10 * MiB), 1, DOM_A, &list));
	CHECK(page_donate_module(&bi, MFN(10 * MiB + 0x2000), 2, DOM_A, &list));
}

/*
 * Fixed bug: page_donate_module() accepted a range inside the rounded-out
 * ranges of two modules (each "contains" it, neither is refused), so
 * D's last frame, which holds the head of E, can be donated; the domain
 * builder then clears its tail and E's first 0x800 bytes are lost.
 */
TEST_ISOLATED(regression_donate_frame_shared_by_two_modules)
{
	struct list_head list = LIST_HEAD_INIT(list);
	static const struct refusal shared = { "D's last frame, shared with E",
					       10 * MiB + 0x1000, 1 };

	layout_std();
	init_ok();
	CHECK(refused(&shared, &list));
}

static void donated_free_then_zeroed(bool by_run)
{
	static struct blk b[8192];
	struct list_head list = LIST_HEAD_INIT(list);
	struct page_info *pg;
	u64 nfree, ntotal;
	size_t n;
	bool seen_all = true;

	layout_std();
	init_ok();
	memset(B + 28 * MiB, 0xee, MiB);
	nfree = free_page_count();
	ntotal = total_page_count();
	pg = page_donate_module(&bi, MFN(28 * MiB), 256, DOM_A, &list);
	CHECK(pg);
	CHECK_EQ(*(u8 *)page_to_virt(pg + 255), 0xee);
	if (by_run) {
		free_page_run(MFN(28 * MiB), 256);
	} else {
		free_pages(pg, 8); /* 1 MiB aligned: one order-8 block */
	}
	CHECK_EQ(free_page_count(), nfree + 256);
	CHECK_EQ(total_page_count(), ntotal + 256);
	CHECK_EQ(donated_page_count(), 256);
	for (u64 i = 0; i < 256; i++)
		CHECK_EQ(pg[i].state, PGS_FREE);
	/* Everything, zeroed: the module frames must come back clear. */
	n = take_all(b, 8192, 1);
	CHECK_EQ(free_page_count(), 0);
	CHECK(blocks_zero(b, n));
	for (u64 i = 0; i < 256; i++)
		seen_all &= pg[i].state == PGS_XEN;
	CHECK(seen_all);
	free_all(b, n);
	CHECK_EQ(free_page_count(), nfree + 256);
	/* Now an order-8 block again at 28M. */
	{
		static struct blk fb[4096];
		size_t k = free_blocks(fb, 4096);
		bool found = false;

		for (size_t i = 0; i < k; i++)
			found |= fb[i].mfn == mfn_x(MFN(28 * MiB)) &&
				 fb[i].order >= 8;
		CHECK(found);
	}
}

TEST_ISOLATED(donated_free_page_run_then_zeroed)
{
	donated_free_then_zeroed(true);
}

TEST_ISOLATED(donated_free_pages_then_zeroed)
{
	donated_free_then_zeroed(false);
}

/* ------------------------------------------------------------------ */
/* get_page() / put_page()                                             */

static void put_page_at_zero(void *arg)
{
	struct list_head list = LIST_HEAD_INIT(list);
	struct page_info *pg = alloc_domain_pages(0, DOM_A, &list);

	CHECK(put_page_nofree(pg));
	put_page(pg); /* count was 0 */
}

TEST_ISOLATED(get_put_page)
{
	struct list_head list = LIST_HEAD_INIT(list);
	struct page_info *pg, *x;
	u64 nfree;

	layout_std();
	init_ok();
	nfree = free_page_count();
	pg = alloc_domain_pages(1, DOM_A, &list);
	CHECK(pg);
	CHECK(get_page(pg, DOM_A));
	CHECK_EQ(pg->count, 2);
	CHECK(!get_page(pg, DOM_B));
	CHECK_EQ(pg->count, 2);
	/* Hypervisor, free and reserved frames are nobody's. */
	x = alloc_pages(0);
	CHECK(!get_page(x, DOMID_XL));
	CHECK(!get_page(x, DOM_A));
	free_pages(x, 0);
	CHECK(!get_page(x, 0));
	CHECK(!get_page(PG(2 * MiB), DOMID_XL));
	CHECK(!get_page(PG(6 * MiB), DOM_A));
	/* A frame on its way out (count 0) cannot be revived. */
	CHECK(put_page_nofree(&pg[1])); /* the caller frees it: not yet */
	CHECK_EQ(pg[1].state, PGS_DOMAIN);
	CHECK(!get_page(&pg[1], DOM_A));
	CHECK_EQ(pg[1].count, 0);
	list_del(&pg[1].list); /* the owner's part of freeing */
	free_pages(&pg[1], 0);
	CHECK_EQ(free_page_count(), nfree - 1);
	/* Overflow guard. */
	pg->count = (1ULL << 40) - 1;
	CHECK(get_page(pg, DOM_A));
	CHECK(!get_page(pg, DOM_A));
	CHECK_EQ(pg->count, 1ULL << 40);
	pg->count = 2;
	/* The last put_page() frees the frame. */
	put_page(pg);
	CHECK_EQ(pg->count, 1);
	CHECK_EQ(pg->state, PGS_DOMAIN);
	CHECK_EQ(free_page_count(), nfree - 1);
	list_del(&pg->list); /* the owner's part of freeing */
	put_page(pg);
	CHECK_EQ(pg->state, PGS_FREE);
	CHECK_EQ(free_page_count(), nfree);
	CHECK(!get_page(pg, DOM_A));
	/* Dropping a reference that is not there. */
	CHECK(dies_with(put_page_at_zero, NULL, "BUG_ON"));
}

TEST_ISOLATED(xenheap)
{
	void *va;
	u64 nfree;

	layout_std();
	init_ok();
	nfree = free_page_count();
	va = alloc_xenheap_pages(2);
	CHECK(va);
	CHECK(((uintptr_t)va & (4 * PAGE_SIZE - 1)) == 0);
	CHECK(model_free(virt_to_maddr(va)));
	CHECK_EQ(virt_to_page(va)->state, PGS_XEN);
	CHECK_EQ(free_page_count(), nfree - 4);
	free_xenheap_pages(va, 2);
	free_xenheap_pages(NULL, 2);
	CHECK_EQ(free_page_count(), nfree);
}

int main(void)
{
	return run_tests(ZEROED ? "page_alloc_zeroed" : "page_alloc");
}
