/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frame table and page allocator.
 *
 * Every RAM frame has a struct page_info in the frame table. The hypervisor
 * identity-maps all RAM (virtual address == physical address), so
 * maddr_to_virt() is a cast.
 */
#ifndef XL_MM_H
#define XL_MM_H

#include <xen-lite/list.h>
#include <xen-lite/types.h>

/* page_info.state */
enum page_state {
	PGS_FREE = 0, /* in the buddy allocator (a zeroed frame table entry) */
	PGS_RESERVED, /* not managed by the allocator (image, DTB, holes) */
	PGS_XEN, /* hypervisor heap */
	PGS_DOMAIN, /* owned by a domain (RAM or p2m pool) */
};

/*
 * page_info.count: general references. A page allocated to a domain holds
 * one reference for the allocation; foreign mappings and grant maps take
 * more. put_page() frees the frame when the count reaches zero.
 *
 * page_info.type_info: the PV MMU type (see include/xen-lite/pv_mm.h):
 * bits 63..60 type, bit 59 pinned, bit 58 validated, bits 31..0 type count.
 */
struct page_info {
	struct list_head list; /* buddy free list, or the owner's list */
	u64 count;
	u64 type_info;
	domid_t owner;
	u8 state;
	u8 order; /* buddy order of a free block head */
	union {
		u32 pt_used; /* p2m table page: live entries */
		u32 scratch;
	} u;
};

extern struct page_info *frame_table;
extern u64 frame_table_base_mfn;
extern u64 frame_table_nr;

static inline bool mfn_valid(mfn_t mfn)
{
	return mfn_x(mfn) - frame_table_base_mfn < frame_table_nr;
}

static inline struct page_info *mfn_to_page(mfn_t mfn)
{
	return &frame_table[mfn_x(mfn) - frame_table_base_mfn];
}

static inline mfn_t page_to_mfn(const struct page_info *pg)
{
	return _mfn((u64)(pg - frame_table) + frame_table_base_mfn);
}

static inline void *maddr_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)pa;
}

static inline paddr_t virt_to_maddr(const void *va)
{
	return (paddr_t)(uintptr_t)va;
}

static inline void *page_to_virt(const struct page_info *pg)
{
	return maddr_to_virt(mfn_to_maddr(page_to_mfn(pg)));
}

static inline struct page_info *virt_to_page(const void *va)
{
	return mfn_to_page(maddr_to_mfn(virt_to_maddr(va)));
}

struct bootinfo;

/**
 * page_alloc_init() - build the frame table and hand free RAM to the buddy
 * allocator.
 * @bi: parsed boot information (RAM banks and every reserved range).
 *
 * Return: 0, or -ENOMEM when the frame table does not fit.
 */
int page_alloc_init(const struct bootinfo *bi);

/**
 * alloc_pages() - allocate 2^order contiguous, naturally aligned frames.
 * Return: the first page (state PGS_XEN, count 0, owner DOMID_XL), or NULL.
 * The caller changes state/owner when it gives the frames to a domain.
 */
struct page_info *__must_check alloc_pages(unsigned int order);

/**
 * alloc_pages_zeroed() - alloc_pages() whose frames read as zero. Frames
 * never allocated since reset are not cleared again when the platform
 * zeroes RAM (CONFIG_RAM_ZEROED_AT_RESET).
 * Return: the first page, or NULL.
 */
struct page_info *__must_check alloc_pages_zeroed(unsigned int order);

/**
 * alloc_domain_pages() - alloc_pages_zeroed() for a domain's RAM, in one
 * pass over the frames.
 * @owner: the domain; each frame gets state PGS_DOMAIN, one reference.
 * @list: the domain's page list; the frames are appended in order.
 * Return: the first page, or NULL (nothing changed).
 */
struct page_info *__must_check alloc_domain_pages(unsigned int order,
						  domid_t owner,
						  struct list_head *list);

/**
 * alloc_domain_pages_run() - alloc_domain_pages() of @nr contiguous frames,
 * @nr not a power of two: the RAM of a direct-mapped domain
 * (docs/passthrough.md), one run at host physical addresses that become
 * its guest physical ones. The run starts on a 2^order boundary (order:
 * the smallest holding @nr), and what the block has beyond @nr goes back
 * to the free lists at once.
 * Return: the first page, or NULL (nothing changed).
 */
struct page_info *__must_check alloc_domain_pages_run(u64 nr, domid_t owner,
						      struct list_head *list);

/** free_pages() - return 2^order frames from alloc_pages() to the buddy. */
void free_pages(struct page_info *pg, unsigned int order);

/** alloc_xenheap_pages() - zeroed hypervisor pages. Return: VA or NULL. */
void *__must_check alloc_xenheap_pages(unsigned int order);
void free_xenheap_pages(void *va, unsigned int order);

/** Number of frames currently free in the buddy allocator. */
u64 free_page_count(void);
u64 total_page_count(void);
/** Frames of boot modules handed over with page_donate_module(). */
u64 donated_page_count(void);

/**
 * page_donate_module() - give @nr frames of a boot module at @first to a
 * domain without copying them: the domain maps them as its RAM, and they
 * go to the buddy allocator when it frees them. Each frame can be
 * donated once.
 * @bi: the boot information whose reserved ranges name the module.
 * @owner, @list: as for alloc_domain_pages() (contents kept, not zeroed).
 *
 * Return: the first page, or NULL (nothing changed) when the range is not
 * whole frames of one boot module alone, or was donated before.
 */
struct page_info *__must_check page_donate_module(const struct bootinfo *bi,
						  mfn_t first, u64 nr,
						  domid_t owner,
						  struct list_head *list);

/** xmalloc()/xzalloc() - small hypervisor objects. Return: NULL on failure. */
void *__must_check xmalloc(size_t size);
void *__must_check xzalloc(size_t size);
void xfree(void *p);
/**
 * xmalloc_cache_pages() - pages the small-object buckets hold. They are
 * kept for reuse, never returned: the leak checks subtract them.
 */
u64 xmalloc_cache_pages(void);
/**
 * xmalloc_live_objects() - objects xmalloc()ed and not yet xfree()d. With
 * xmalloc_cache_pages() it tells a leaked object from a bucket page the
 * cache kept after a moment of higher demand.
 */
u64 xmalloc_live_objects(void);

/**
 * get_page() - take a general reference on a frame owned by @owner.
 * Return: true on success; false if the frame is not allocated to @owner
 * or the count would overflow.
 */
bool __must_check get_page(struct page_info *pg, domid_t owner);

/**
 * put_page() - drop a general reference; the frame goes back to the buddy
 * allocator (through the owner's accounting hook) when it was the last.
 */
void put_page(struct page_info *pg);

/**
 * put_page_nofree() - drop a general reference without freeing.
 * Return: true if it was the last: the caller must free the frame (e.g.
 * with free_page_run() together with its neighbours).
 */
bool __must_check put_page_nofree(struct page_info *pg);

/** free_page_run() - free @nr contiguous frames from @first in large blocks. */
void free_page_run(mfn_t first, u64 nr);

#endif /* XL_MM_H */
