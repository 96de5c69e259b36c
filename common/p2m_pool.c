// SPDX-License-Identifier: GPL-2.0
/*
 * Per-domain pool of p2m table pages (include/xen-lite/p2m_pool.h).
 *
 * Unlike a pool shared by every context (which must make a context give
 * back its tables and wait when it runs dry), each domain owns its pool:
 * one domain mapping a lot can never starve another, and an empty pool is
 * a clean -ENOMEM that the p2m rolls back.
 */
#include <public/boot_schema.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m_pool.h>

#ifndef CONFIG_P2M_POOL_DEFAULT_KB
#define CONFIG_P2M_POOL_DEFAULT_KB 0
#endif

unsigned long p2m_pool_default_pages(u64 ram_bytes, unsigned int vcpus)
{
	/* The formula the CLI checks with (include/public/boot_schema.h). */
	return DIV_ROUND_UP(
		(unsigned long)xl_boot_p2m_pool_kb(0, ram_bytes, vcpus,
						   CONFIG_P2M_POOL_DEFAULT_KB),
		PAGE_SIZE >> 10);
}

static void pool_take_page(struct p2m_pool *pool, struct page_info *pg)
{
	pg->owner = pool->owner;
	pg->state = PGS_DOMAIN;
	pg->u.pt_used = 0;
	list_add(&pg->list, &pool->free);
	pool->nr_free++;
	pool->total++;
}

static void pool_release_page(struct page_info *pg)
{
	pg->owner = DOMID_XL;
	pg->state = PGS_XEN;
	free_pages(pg, 0);
}

/*
 * Pages given back one after another, gathered into runs of contiguous
 * frames (the pool took them one at a time from the buddy, which mostly
 * hands out neighbours): one free_page_run() per run instead of one
 * free_pages() per page.
 */
struct release_run {
	struct page_info *lo, *hi; /* [lo, hi) */
};

static void run_flush(struct release_run *r)
{
	if (r->lo != r->hi) {
		free_page_run(page_to_mfn(r->lo), r->hi - r->lo);
	}
	r->lo = r->hi = NULL;
}

static void run_add(struct release_run *r, struct page_info *pg)
{
	pg->owner = DOMID_XL;
	pg->state = PGS_XEN;
	if (pg == r->hi) {
		r->hi++;
	} else if (pg + 1 == r->lo) {
		r->lo--;
	} else {
		run_flush(r);
		r->lo = pg;
		r->hi = pg + 1;
	}
}

int p2m_pool_init(struct p2m_pool *pool, domid_t owner, unsigned long pages,
		  unsigned int root_order)
{
	unsigned long i;
	int rc;

	INIT_LIST_HEAD(&pool->free);
	pool->total = 0;
	pool->nr_free = 0;
	pool->owner = owner;
	pool->root_order = root_order;

	if (pages < (1UL << root_order) + 1) {
		return -EINVAL;
	}

	pool->root = alloc_pages(root_order);
	if (!pool->root) {
		return -ENOMEM;
	}
	for (i = 0; i < (1UL << root_order); i++) {
		pool->root[i].owner = owner;
		pool->root[i].state = PGS_DOMAIN;
		pool->root[i].u.pt_used = 0;
	}
	memset(page_to_virt(pool->root), 0, PAGE_SIZE << root_order);
	pool->total = 1UL << root_order;
	pool->high_water = pool->total;

	rc = p2m_pool_resize(pool, pages);
	if (rc) {
		p2m_pool_destroy(pool);
	}
	return rc;
}

struct page_info *p2m_pool_alloc(struct p2m_pool *pool, bool zero)
{
	struct page_info *pg;

	if (list_empty(&pool->free)) {
		return NULL;
	}
	pg = list_first_entry(&pool->free, struct page_info, list);
	list_del(&pg->list);
	pool->nr_free--;
	if (p2m_pool_used(pool) > pool->high_water) {
		pool->high_water = p2m_pool_used(pool);
	}
	pg->u.pt_used = 0;
	if (zero) {
		memset(page_to_virt(pg), 0, PAGE_SIZE);
	}
	return pg;
}

void p2m_pool_free(struct p2m_pool *pool, struct page_info *pg)
{
	ASSERT(pg->owner == pool->owner);
	pg->u.pt_used = 0;
	/* Most recently used first: its lines are the likeliest in cache. */
	list_add(&pg->list, &pool->free);
	pool->nr_free++;
}

int p2m_pool_resize(struct p2m_pool *pool, unsigned long pages)
{
	struct page_info *pg;

	while (pool->total < pages) {
		pg = alloc_pages(0);
		if (!pg) {
			return -ENOMEM;
		}
		pool_take_page(pool, pg);
	}
	while (pool->total > pages) {
		if (list_empty(&pool->free)) {
			return -EBUSY;
		}
		pg = list_first_entry(&pool->free, struct page_info, list);
		list_del(&pg->list);
		pool->nr_free--;
		pool->total--;
		pool_release_page(pg);
	}
	return 0;
}

unsigned long p2m_pool_drain(struct p2m_pool *pool, unsigned long max)
{
	struct release_run r = { NULL, NULL };
	struct page_info *pg;

	while (max-- && !list_empty(&pool->free)) {
		pg = list_first_entry(&pool->free, struct page_info, list);
		list_del(&pg->list);
		pool->nr_free--;
		pool->total--;
		run_add(&r, pg);
	}
	run_flush(&r);
	return pool->nr_free;
}

void p2m_pool_destroy(struct p2m_pool *pool)
{
	struct release_run r = { NULL, NULL };
	struct page_info *pg, *n;
	unsigned long i;

	ASSERT(pool->nr_free + (1UL << pool->root_order) == pool->total);
	list_for_each_entry_safe(pg, n, &pool->free, list) {
		list_del(&pg->list);
		run_add(&r, pg);
	}
	run_flush(&r);
	if (pool->root) {
		for (i = 0; i < (1UL << pool->root_order); i++) {
			pool->root[i].owner = DOMID_XL;
			pool->root[i].state = PGS_XEN;
		}
		free_pages(pool->root, pool->root_order);
		pool->root = NULL;
	}
	pool->total = 0;
	pool->nr_free = 0;
}
