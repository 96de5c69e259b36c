// SPDX-License-Identifier: GPL-2.0
/*
 * Small-object allocator: power-of-two buckets from 32 bytes to 2 KiB carved
 * from single pages; larger requests get whole pages. Each object carries a
 * 16-byte header naming its bucket (or page order), checked on free.
 */
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/spinlock.h>

#define XM_MAGIC 0x786d616cU
#define XM_MIN_SHIFT 5
#define XM_MAX_SHIFT 11
#define XM_BUCKETS (XM_MAX_SHIFT - XM_MIN_SHIFT + 1)

struct xm_hdr {
	u32 magic;
	u32 shift; /* bucket shift, or 100 + page order */
	u64 pad;
};

struct xm_free {
	struct xm_free *next;
};

static struct xm_free *buckets[XM_BUCKETS];
static u64 cache_pages; /* pages carved into buckets (kept for reuse) */
static u64 live_objects; /* allocated and not yet freed, all sizes */
static DEFINE_SPINLOCK(xm_lock);

void *xmalloc(size_t size)
{
	size_t total = size + sizeof(struct xm_hdr);
	unsigned long flags;
	struct xm_hdr *h;
	unsigned int shift = XM_MIN_SHIFT;

	if (size > (1ULL << 30))
		return NULL;
	if (total > (1U << XM_MAX_SHIFT)) {
		unsigned int order = 0;

		while ((PAGE_SIZE << order) < total)
			order++;
		h = alloc_xenheap_pages(order);
		if (!h)
			return NULL;
		h->magic = XM_MAGIC;
		h->shift = 100 + order;
		__atomic_add_fetch(&live_objects, 1, __ATOMIC_RELAXED);
		return h + 1;
	}
	while ((1U << shift) < total)
		shift++;
	spin_lock_irqsave(&xm_lock, flags);
	if (!buckets[shift - XM_MIN_SHIFT]) {
		u8 *page = alloc_xenheap_pages(0);

		if (!page) {
			spin_unlock_irqrestore(&xm_lock, flags);
			return NULL;
		}
		cache_pages++;
		for (size_t off = 0; off < PAGE_SIZE; off += 1U << shift) {
			struct xm_free *f = (struct xm_free *)(page + off);

			f->next = buckets[shift - XM_MIN_SHIFT];
			buckets[shift - XM_MIN_SHIFT] = f;
		}
	}
	h = (struct xm_hdr *)buckets[shift - XM_MIN_SHIFT];
	buckets[shift - XM_MIN_SHIFT] = buckets[shift - XM_MIN_SHIFT]->next;
	live_objects++;
	spin_unlock_irqrestore(&xm_lock, flags);
	h->magic = XM_MAGIC;
	h->shift = shift;
	return h + 1;
}

void *xzalloc(size_t size)
{
	void *p = xmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void xfree(void *p)
{
	struct xm_hdr *h;
	unsigned long flags;
	struct xm_free *f;
	unsigned int shift;

	if (!p)
		return;
	h = (struct xm_hdr *)p - 1;
	BUG_ON(h->magic != XM_MAGIC);
	h->magic = 0;
	shift = h->shift;
#if defined(CONFIG_DEBUG_RACE_WINDOW_US) && CONFIG_DEBUG_RACE_WINDOW_US > 0
	/*
	 * Race-window builds: what was freed reads as garbage, so a use after
	 * free inside a widened window shows (a domain started as
	 * "domain 56283 (\xdb...)", docs/robustness.md).
	 */
	memset(p, 0xdb,
	       shift >= 100 ? (PAGE_SIZE << (shift - 100)) - sizeof(*h) :
			      (1UL << shift) - sizeof(*h));
#endif
	if (shift >= 100) {
		__atomic_sub_fetch(&live_objects, 1, __ATOMIC_RELAXED);
		free_xenheap_pages(h, shift - 100);
		return;
	}
	BUG_ON(shift < XM_MIN_SHIFT || shift > XM_MAX_SHIFT);
	f = (struct xm_free *)h;
	spin_lock_irqsave(&xm_lock, flags);
	f->next = buckets[shift - XM_MIN_SHIFT];
	buckets[shift - XM_MIN_SHIFT] = f;
	live_objects--;
	spin_unlock_irqrestore(&xm_lock, flags);
}

u64 xmalloc_cache_pages(void)
{
	return READ_ONCE(cache_pages);
}

u64 xmalloc_live_objects(void)
{
	return __atomic_load_n(&live_objects, __ATOMIC_RELAXED);
}
