/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-domain pool of p2m table pages: the only source of stage-2 table
 * pages. Filled from alloc_pages() when the domain is created, so that a
 * running domain never competes with the rest of the hypervisor for table
 * memory; freed tables come back here and are reused; an empty pool makes
 * the p2m operation fail with -ENOMEM (and roll back).
 */
#ifndef XL_P2M_POOL_H
#define XL_P2M_POOL_H

#include <xen-lite/compiler.h>
#include <xen-lite/list.h>
#include <xen-lite/types.h>

struct page_info;

struct p2m_pool {
	struct list_head free; /* free table pages (page_info.list) */
	unsigned long total; /* pages owned, root included */
	unsigned long nr_free; /* pages on the free list */
	unsigned long high_water; /* most pages ever in use at once */
	unsigned int root_order; /* the root block is 2^root_order pages */
	struct page_info *root; /* the root block, owned by the pool */
	domid_t owner;
};

/**
 * p2m_pool_default_pages() - the pool size a domain gets when its
 * configuration does not say: CONFIG_P2M_POOL_DEFAULT_KB when non-zero,
 * otherwise 4 KiB per MiB of RAM (about 0.4%, enough to map all of it
 * with 4 KiB pages) plus 64 KiB per vCPU, at least 256 KiB: the formula
 * the CLI checks host memory with, xl_boot_p2m_pool_kb() of
 * include/public/boot_schema.h.
 * Return: number of 4 KiB pages.
 */
unsigned long p2m_pool_default_pages(u64 ram_bytes, unsigned int vcpus);

/**
 * p2m_pool_init() - fill @pool with @pages pages for domain @owner: one
 * naturally aligned block of 2^@root_order pages for the root table, the
 * rest single pages.
 * Return: 0, -EINVAL if @pages cannot hold the root, -ENOMEM (nothing
 * kept).
 */
int __must_check p2m_pool_init(struct p2m_pool *pool, domid_t owner,
			       unsigned long pages, unsigned int root_order);

/**
 * p2m_pool_alloc() - take a table page.
 * @zero: clear it (callers that write all 512 entries pass false).
 * Return: the page (page_info.u.pt_used is 0), or NULL when empty.
 */
struct page_info *__must_check p2m_pool_alloc(struct p2m_pool *pool, bool zero);

/** p2m_pool_free() - give a table page back (after the covering flush). */
void p2m_pool_free(struct p2m_pool *pool, struct page_info *pg);

/**
 * p2m_pool_resize() - grow or shrink the free part of the pool so that it
 * owns @pages pages.
 * Return: 0, -ENOMEM (grow failed; the pool keeps what it got), -EBUSY
 * (cannot shrink below the pages in use).
 */
int __must_check p2m_pool_resize(struct p2m_pool *pool, unsigned long pages);

/**
 * p2m_pool_drain() - give at most @max free pages back to the page
 * allocator (bounded steps of a preemptible teardown).
 * Return: the free pages still in the pool.
 */
unsigned long p2m_pool_drain(struct p2m_pool *pool, unsigned long max);

/**
 * p2m_pool_destroy() - return every page to the page allocator. Every
 * table page except the root must have been freed back to the pool.
 */
void p2m_pool_destroy(struct p2m_pool *pool);

/** p2m_pool_used() - Return: pages in use (root included). */
static inline unsigned long p2m_pool_used(const struct p2m_pool *pool)
{
	return pool->total - pool->nr_free;
}

#endif /* XL_P2M_POOL_H */
