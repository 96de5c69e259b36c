// SPDX-License-Identifier: GPL-2.0
/*
 * Frame table and buddy allocator.
 *
 * The frame table covers every frame from the lowest to the highest RAM
 * address and is itself carved out of RAM at boot. Free RAM (the banks
 * minus every reserved range and the frame table) is handed to the buddy
 * allocator in naturally aligned blocks of up to 2^MAX_ORDER frames.
 */
#include <xen-lite/bootinfo.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/spinlock.h>

#define MAX_ORDER 18 /* 1 GiB blocks */

struct page_info *frame_table;
u64 frame_table_base_mfn;
u64 frame_table_nr;

static struct list_head free_lists[MAX_ORDER + 1];

/*
 * One bit per frame: set once the frame may hold data. With
 * CONFIG_RAM_ZEROED_AT_RESET the bits start clear (the platform hands
 * over zeroed RAM) and alloc_pages_zeroed() skips clearing frames that
 * were never allocated; otherwise they start set and every frame is
 * cleared.
 */
static u64 *dirty_map;
static DEFINE_SPINLOCK(heap_lock);
static u64 nr_free;
static u64 nr_total;
static u64 nr_donated;

/*
 * Set the "may hold data" bits of @n frames from frame-table index @f,
 * all in one word of the dirty map (one atomic). Return: those bits as
 * they were.
 */
static u64 mark_dirty_word(u64 f, u64 n)
{
	u64 mask = (n == 64 ? ~0ULL : ((1ULL << n) - 1)) << (f % 64);

	return __atomic_fetch_or(&dirty_map[f / 64], mask, __ATOMIC_RELAXED) &
	       mask;
}

/* The same for any range [f, f + nr): a word at a time. */
static void mark_dirty(u64 f, u64 nr)
{
	for (u64 end = f + nr; f < end;) {
		u64 n = MIN(64 - f % 64, end - f);

		(void)mark_dirty_word(f, n);
		f += n;
	}
}

u64 free_page_count(void)
{
	return READ_ONCE(nr_free);
}

u64 total_page_count(void)
{
	return nr_total;
}

u64 donated_page_count(void)
{
	return nr_donated;
}

static bool range_reserved(const struct bootinfo *bi, paddr_t s, paddr_t e,
			   paddr_t *skip_to)
{
	for (u32 i = 0; i < bi->nr_resv; i++) {
		paddr_t rs = bi->resv[i].start, re = rs + bi->resv[i].size;

		if (s < re && rs < e) {
			*skip_to = ROUNDUP(re, PAGE_SIZE);
			return true;
		}
	}
	return false;
}

/* Insert a free block without merging (boot: blocks are maximal). */
static void free_block_insert(struct page_info *pg, unsigned int order)
{
	pg->state = PGS_FREE;
	pg->order = order;
	list_add_tail(&pg->list, &free_lists[order]);
}

/* Largest naturally aligned block order starting at @m and ending by @end. */
static unsigned int block_order(u64 m, u64 end)
{
	unsigned int order = MAX_ORDER;

	while (order &&
	       ((m & ((1ULL << order) - 1)) || m + (1ULL << order) > end))
		order--;
	return order;
}

static void add_free_range(mfn_t s, mfn_t e)
{
	u64 m = mfn_x(s);

	/* Frames inside a block are PGS_FREE already (a zero entry). */
	while (m < mfn_x(e)) {
		unsigned int order = block_order(m, mfn_x(e));

		free_block_insert(mfn_to_page(_mfn(m)), order);
		nr_free += 1ULL << order;
		m += 1ULL << order;
	}
}

/* Mark the frames of [s, e) (clipped to the frame table) reserved. */
static void mark_reserved(paddr_t s, paddr_t e)
{
	u64 first = frame_table_base_mfn, end = first + frame_table_nr;
	u64 a = MAX(ROUNDDOWN(s, PAGE_SIZE) >> PAGE_SHIFT, first);
	u64 b = MIN(ROUNDUP(e, PAGE_SIZE) >> PAGE_SHIFT, end);

	for (u64 m = a; m < b; m++) {
		frame_table[m - first].state = PGS_RESERVED;
		frame_table[m - first].owner = DOMID_XL;
	}
}

/* The indices of @bi's banks in address order (at most BI_MAX_BANKS). */
static void sort_banks(const struct bootinfo *bi, u32 *idx)
{
	for (u32 n = 0; n < bi->nr_mem; n++) {
		u32 j = n;

		idx[n] = n;
		while (j && bi->mem[idx[j - 1]].start > bi->mem[n].start) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = n;
	}
}

/*
 * Mark every frame of the table that is not free RAM: the reserved
 * ranges of @bi (rounded out to frames) and the holes between its banks
 * (rounded in). The rest stays PGS_FREE, the zero state.
 */
static void mark_not_ram(const struct bootinfo *bi, const u32 *idx)
{
	paddr_t cur = frame_table_base_mfn << PAGE_SHIFT;
	paddr_t top = cur + (frame_table_nr << PAGE_SHIFT);

	for (u32 i = 0; i < bi->nr_resv; i++)
		mark_reserved(bi->resv[i].start,
			      bi->resv[i].start + bi->resv[i].size);
	for (u32 n = 0; n < bi->nr_mem; n++) {
		const struct membank *m = &bi->mem[idx[n]];

		if (ROUNDUP(m->start, PAGE_SIZE) > cur)
			mark_reserved(cur, ROUNDUP(m->start, PAGE_SIZE));
		cur = MAX(cur, ROUNDDOWN(m->start + m->size, PAGE_SIZE));
	}
	if (cur < top)
		mark_reserved(cur, top);
}

/*
 * Find @bytes of page-aligned RAM that is neither reserved nor in a
 * hole, for the frame table. Return: the address, or 0.
 */
static paddr_t find_boot_space(const struct bootinfo *bi, u64 bytes)
{
	for (u32 b = 0; b < bi->nr_mem; b++) {
		paddr_t s = ROUNDUP(bi->mem[b].start, PAGE_SIZE);
		paddr_t end = bi->mem[b].start + bi->mem[b].size;

		while (s + bytes <= end) {
			paddr_t skip;

			if (!range_reserved(bi, s, s + bytes, &skip))
				return s;
			s = skip;
		}
	}
	return 0;
}

int page_alloc_init(const struct bootinfo *bi)
{
	paddr_t lo = ~0ULL, hi = 0, ft, pend_s = 0, pend_e = 0;
	u32 idx[BI_MAX_BANKS];
	u64 ft_bytes;
	struct bootinfo tmp;

	for (u32 i = 0; i <= MAX_ORDER; i++)
		INIT_LIST_HEAD(&free_lists[i]);
	for (u32 i = 0; i < bi->nr_mem; i++) {
		lo = MIN(lo, ROUNDUP(bi->mem[i].start, PAGE_SIZE));
		hi = MAX(hi, ROUNDDOWN(bi->mem[i].start + bi->mem[i].size,
				       PAGE_SIZE));
	}
	if (hi <= lo)
		return -EINVAL;
	frame_table_base_mfn = lo >> PAGE_SHIFT;
	frame_table_nr = (hi - lo) >> PAGE_SHIFT;
	ft_bytes = ROUNDUP(frame_table_nr * sizeof(struct page_info) +
				   DIV_ROUND_UP(frame_table_nr, 64) * 8,
			   PAGE_SIZE);
	ft = find_boot_space(bi, ft_bytes);
	if (!ft)
		return -ENOMEM;
	frame_table = maddr_to_virt(ft);
	dirty_map = (u64 *)(frame_table + frame_table_nr);
	/*
	 * An all-zero entry is a free frame (PGS_FREE); mark_not_ram() marks
	 * the others. RAM the platform zeroed at reset needs no clearing (the
	 * frame table is carved from RAM nothing has used yet): no pass over
	 * the 40 bytes per frame of RAM at all.
	 */
#ifndef CONFIG_RAM_ZEROED_AT_RESET
	memset(frame_table, 0, ft_bytes);
	memset(dirty_map, 0xff, DIV_ROUND_UP(frame_table_nr, 64) * 8);
#else
	/*
	 * Except what the loader used below the hypervisor image without
	 * reserving it (QEMU's Arm boot stub sits at the base of RAM): the
	 * frame table is cleared if it lies there, and those frames count
	 * as written.
	 */
	{
		paddr_t img = hi;

		for (u32 i = 0; i < bi->nr_resv; i++) {
			if (bi->resv[i].kind == RESV_IMAGE)
				img = MIN(img, bi->resv[i].start);
		}
		if (ft < img)
			memset(frame_table, 0, ft_bytes);
		mark_dirty(0, (MAX(img, lo) - lo) >> PAGE_SHIFT);
	}
#endif

	/* Treat the frame table as one more reserved range below. */
	memcpy(&tmp, bi, sizeof(tmp));
	if (bootinfo_add_resv(&tmp, ft, ft_bytes, RESV_IMAGE))
		return -E2BIG;
	sort_banks(&tmp, idx);
	mark_not_ram(&tmp, idx);

	/*
	 * Each bank minus the reserved ranges (rounded out to whole pages):
	 * repeatedly take the earliest reserved range that still overlaps
	 * what is left of the bank, and free the gap before it. O(banks x
	 * ranges^2) with at most 49 ranges, instead of a test per page.
	 * Banks in address order, and a free range that continues where the
	 * last one ended (touching banks) joins it, so the blocks are
	 * maximal.
	 */
	for (u32 n = 0; n < tmp.nr_mem; n++) {
		const struct membank *m = &tmp.mem[idx[n]];
		paddr_t cur = ROUNDUP(m->start, PAGE_SIZE);
		paddr_t end = ROUNDDOWN(m->start + m->size, PAGE_SIZE);

		while (cur < end) {
			paddr_t rs = end, re = end;

			for (u32 i = 0; i < tmp.nr_resv; i++) {
				paddr_t s =
					ROUNDDOWN(tmp.resv[i].start, PAGE_SIZE);
				paddr_t e = ROUNDUP(tmp.resv[i].start +
							    tmp.resv[i].size,
						    PAGE_SIZE);

				if (e > cur && s < end && s < rs) {
					rs = MAX(s, cur);
					re = e;
				}
			}
			if (rs > cur && cur == pend_e) {
				pend_e = rs;
			} else if (rs > cur) {
				if (pend_e > pend_s)
					add_free_range(maddr_to_mfn(pend_s),
						       maddr_to_mfn(pend_e));
				pend_s = cur;
				pend_e = rs;
			}
			cur = MAX(re, rs);
		}
	}
	if (pend_e > pend_s)
		add_free_range(maddr_to_mfn(pend_s), maddr_to_mfn(pend_e));
	nr_total = nr_free;
	return 0;
}

/* Take a free block of 2^order frames off the buddy lists. heap_lock held. */
static struct page_info *take_block(unsigned int order)
{
	struct page_info *pg;
	unsigned int o;

	if (order > MAX_ORDER)
		return NULL;
	for (o = order; o <= MAX_ORDER; o++) {
		if (!list_empty(&free_lists[o]))
			break;
	}
	if (o > MAX_ORDER)
		return NULL;
	pg = list_first_entry(&free_lists[o], struct page_info, list);
	list_del(&pg->list);
	/* Split: give the upper halves back until the block fits. */
	while (o > order) {
		o--;
		free_block_insert(pg + (1ULL << o), o);
	}
	nr_free -= 1ULL << order;
	return pg;
}

static struct page_info *alloc_pages_raw(unsigned int order)
{
	unsigned long flags;
	struct page_info *pg;

	spin_lock_irqsave(&heap_lock, flags);
	pg = take_block(order);
	for (u64 i = 0; pg && i < (1ULL << order); i++) {
		pg[i].state = PGS_XEN;
		pg[i].owner = DOMID_XL;
		pg[i].count = 0;
		pg[i].type_info = 0;
		pg[i].u.scratch = 0;
	}
	spin_unlock_irqrestore(&heap_lock, flags);
	return pg;
}

/* Clear the frames of [pg, pg + nr) that may hold data; mark all dirty. */
static void zero_dirty(struct page_info *pg, u64 nr)
{
	u64 first = mfn_x(page_to_mfn(pg)) - frame_table_base_mfn;
	u64 end = first + nr;

	for (u64 f = first; f < end;) {
		u64 n = MIN(64 - f % 64, end - f);
		u64 old = mark_dirty_word(f, n);

		while (old) {
			u64 bit = __builtin_ctzll(old);

			memset(page_to_virt(pg + (f / 64 * 64 + bit - first)),
			       0, PAGE_SIZE);
			old &= old - 1;
		}
		f += n;
	}
}

/*
 * Give the frames [pg, pg + nr) to @owner (state PGS_DOMAIN, one
 * reference each) and append them, in order, to @list. One pass: this
 * loop runs for every frame of every domain built, so owner, state, order
 * and u are written as the one 8-byte word they form, and the links of
 * the run are written blindly and its two ends fixed up after.
 */
static void own_frames(struct page_info *pg, u64 nr, domid_t owner,
		       struct list_head *list)
{
	struct {
		domid_t owner;
		u8 state, order;
		u32 scratch;
	} __attribute__((aligned(8))) m = { owner, PGS_DOMAIN, 0, 0 };
	uintptr_t step = sizeof(struct page_info);
	struct list_head *tail = list->prev;
	u64 meta = *(const u64 *)&m;

	_Static_assert(offsetof(struct page_info, owner) % 8 == 0 &&
			       offsetof(struct page_info, state) ==
				       offsetof(struct page_info, owner) + 2 &&
			       offsetof(struct page_info, order) ==
				       offsetof(struct page_info, owner) + 3 &&
			       offsetof(struct page_info, u) ==
				       offsetof(struct page_info, owner) + 4 &&
			       sizeof(m) == 8,
		       "page_info: owner..u must be one 8-byte word");
	for (u64 i = 0; i < nr; i++) {
		struct page_info *p = &pg[i];
		uintptr_t l = (uintptr_t)&p->list;

		p->list.next = (struct list_head *)(l + step);
		p->list.prev = (struct list_head *)(l - step);
		p->count = 1; /* the allocation reference */
		p->type_info = 0;
		/* -fno-strict-aliasing; the word is 8-byte aligned. */
		*(u64 *)((u8 *)p + offsetof(struct page_info, owner)) = meta;
	}
	pg[0].list.prev = tail;
	pg[nr - 1].list.next = list;
	tail->next = &pg[0].list;
	list->prev = &pg[nr - 1].list;
}

struct page_info *alloc_domain_pages(unsigned int order, domid_t owner,
				     struct list_head *list)
{
	unsigned long flags;
	struct page_info *pg;

	spin_lock_irqsave(&heap_lock, flags);
	pg = take_block(order);
	if (pg)
		own_frames(pg, 1ULL << order, owner, list);
	spin_unlock_irqrestore(&heap_lock, flags);
	if (pg)
		zero_dirty(pg, 1ULL << order);
	return pg;
}

struct page_info *alloc_domain_pages_run(u64 nr, domid_t owner,
					 struct list_head *list)
{
	unsigned int order = 0;
	unsigned long flags;
	struct page_info *pg;

	if (!nr)
		return NULL;
	while ((1ULL << order) < nr)
		order++;
	spin_lock_irqsave(&heap_lock, flags);
	pg = take_block(order);
	if (pg) {
		u64 m = mfn_x(page_to_mfn(pg));

		/* The tail: aligned blocks whose buddies are in the run. */
		add_free_range(_mfn(m + nr), _mfn(m + (1ULL << order)));
		own_frames(pg, nr, owner, list);
	}
	spin_unlock_irqrestore(&heap_lock, flags);
	if (pg)
		zero_dirty(pg, nr);
	return pg;
}

/*
 * alloc_pages() callers may write anything: mark the frames dirty. Not
 * for alloc_pages_zeroed(), which does its own marking.
 */
struct page_info *alloc_pages(unsigned int order)
{
	struct page_info *pg = alloc_pages_raw(order);
	u64 first;

	if (!pg)
		return NULL;
	first = mfn_x(page_to_mfn(pg)) - frame_table_base_mfn;
	mark_dirty(first, 1ULL << order);
	return pg;
}

void free_pages(struct page_info *pg, unsigned int order)
{
	unsigned long flags;
	u64 mfn = mfn_x(page_to_mfn(pg));

	ASSERT(order <= MAX_ORDER);
	spin_lock_irqsave(&heap_lock, flags);
	/* Owner, count and type are set again by whoever allocates them. */
	for (u64 i = 0; i < (1ULL << order); i++) {
		BUG_ON(pg[i].state == PGS_FREE);
		pg[i].state = PGS_FREE;
	}
	nr_free += 1ULL << order;
	/* Merge with the buddy while it is a free block of the same order. */
	while (order < MAX_ORDER) {
		u64 buddy = mfn ^ (1ULL << order);
		struct page_info *b;

		if (!mfn_valid(_mfn(buddy)))
			break;
		b = mfn_to_page(_mfn(buddy));
		if (b->state != PGS_FREE || b->order != order ||
		    list_empty(&b->list))
			break;
		list_del(&b->list);
		mfn &= ~(1ULL << order);
		order++;
	}
	pg = mfn_to_page(_mfn(mfn));
	free_block_insert(pg, order);
	spin_unlock_irqrestore(&heap_lock, flags);
}

struct page_info *alloc_pages_zeroed(unsigned int order)
{
	struct page_info *pg = alloc_pages_raw(order);

	if (pg)
		zero_dirty(pg, 1ULL << order);
	return pg;
}

void *alloc_xenheap_pages(unsigned int order)
{
	struct page_info *pg = alloc_pages_zeroed(order);

	return pg ? page_to_virt(pg) : NULL;
}

void free_xenheap_pages(void *va, unsigned int order)
{
	if (va)
		free_pages(virt_to_page(va), order);
}

bool get_page(struct page_info *pg, domid_t owner)
{
	u64 c;

	if (READ_ONCE(pg->owner) != owner || READ_ONCE(pg->state) != PGS_DOMAIN)
		return false;
	c = __atomic_load_n(&pg->count, __ATOMIC_RELAXED);
	do {
		/* A count of zero means the frame is on its way out. */
		if (c == 0 || c >= (1ULL << 40))
			return false;
	} while (!__atomic_compare_exchange_n(&pg->count, &c, c + 1, false,
					      __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	return true;
}

bool put_page_nofree(struct page_info *pg)
{
	u64 c = __atomic_sub_fetch(&pg->count, 1, __ATOMIC_RELEASE);

	BUG_ON(c == ~0ULL);
	return c == 0;
}

void put_page(struct page_info *pg)
{
	if (put_page_nofree(pg))
		free_pages(pg, 0);
}

void free_page_run(mfn_t first, u64 nr)
{
	u64 m = mfn_x(first), end = m + nr;

	/* Largest naturally aligned blocks: one buddy insertion each. */
	while (m < end) {
		unsigned int order = block_order(m, end);

		free_pages(mfn_to_page(_mfn(m)), order);
		m += 1ULL << order;
	}
}

struct page_info *page_donate_module(const struct bootinfo *bi, mfn_t first,
				     u64 nr, domid_t owner,
				     struct list_head *list)
{
	paddr_t s = mfn_to_maddr(first), e = s + (nr << PAGE_SHIFT);
	const struct resv *mod = NULL;
	struct page_info *pg;
	unsigned long flags;
	u64 f;

	if (!nr || mfn_x(first) < frame_table_base_mfn ||
	    mfn_x(first) - frame_table_base_mfn > frame_table_nr ||
	    nr > frame_table_nr - (mfn_x(first) - frame_table_base_mfn))
		return NULL;
	/*
	 * Whole frames of one module range, shared with no other reserved
	 * range (the allocator rounds reserved ranges out to frames).
	 */
	for (u32 i = 0; i < bi->nr_resv; i++) {
		paddr_t rs = ROUNDDOWN(bi->resv[i].start, PAGE_SIZE);
		paddr_t re = ROUNDUP(bi->resv[i].start + bi->resv[i].size,
				     PAGE_SIZE);

		if (!(s < re && rs < e))
			continue;
		/* Exactly one range may touch these frames: the module. */
		if (mod || bi->resv[i].kind != RESV_MODULE || rs > s || e > re)
			return NULL;
		mod = &bi->resv[i];
	}
	if (!mod)
		return NULL;
	pg = mfn_to_page(first);
	spin_lock_irqsave(&heap_lock, flags);
	for (u64 i = 0; i < nr; i++) {
		if (pg[i].state != PGS_RESERVED) {
			spin_unlock_irqrestore(&heap_lock, flags);
			return NULL; /* donated before */
		}
	}
	f = mfn_x(first) - frame_table_base_mfn;
	own_frames(pg, nr, owner, list);
	/* They hold the module: cleared if ever reallocated zeroed. */
	mark_dirty(f, nr);
	nr_total += nr;
	nr_donated += nr;
	spin_unlock_irqrestore(&heap_lock, flags);
	return pg;
}
