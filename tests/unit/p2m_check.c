// SPDX-License-Identifier: GPL-2.0
/* p2m test support: arch hook recorder and tree checker (p2m_check.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen-lite/errno.h>
#include <xen-lite/mm.h>

#include "host/p2m_fake.h"
#include "p2m_check.h"

const struct p2m_format *rec_fmt;
unsigned long rec_nflush, rec_nlocal, rec_nactivate;
struct flush_rec rec_flush[MAX_FLUSH_REC];
struct p2m_domain *rec_p2m;
unsigned char *rec_free_at_flush;
void (*rec_flush_hook)(void);

void rec_reset(void)
{
	rec_nflush = 0;
	rec_nlocal = 0;
	rec_nactivate = 0;
	rec_flush_hook = NULL;
}

static void snapshot_free(void)
{
	struct page_info *pg;

	if (!rec_p2m || !rec_free_at_flush) {
		return;
	}
	memset(rec_free_at_flush, 0, fake_mm_used_frames());
	list_for_each_entry(pg, &rec_p2m->pool.free, list) {
		rec_free_at_flush[fake_mm_index(pg)] = 1;
	}
}

static void record(int all, u16 vmid, const cpumask_t *mask, u64 gfn, u64 nr)
{
	if (rec_nflush < MAX_FLUSH_REC) {
		struct flush_rec *r = &rec_flush[rec_nflush];

		r->all = all;
		r->vmid = vmid;
		r->mask = mask->bits;
		r->gfn = gfn;
		r->nr = nr;
	}
	rec_nflush++;
	snapshot_free();
	if (rec_flush_hook) {
		rec_flush_hook();
	}
}

const struct p2m_format *arch_p2m_format(void)
{
	return rec_fmt;
}

void arch_p2m_activate(const struct p2m_domain *p2m)
{
	rec_nactivate++;
}

void arch_p2m_flush_range(u16 vmid, const cpumask_t *mask, gfn_t gfn, u64 nr)
{
	record(0, vmid, mask, gfn_x(gfn), nr);
}

void arch_p2m_flush_vmid(u16 vmid, const cpumask_t *mask)
{
	record(1, vmid, mask, 0, 0);
}

void arch_p2m_flush_local_all(void)
{
	rec_nlocal++;
}

static u64 mix(u64 h, u64 v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h;
}

static void fail(struct tinfo *ti, int code)
{
	if (!ti->err) {
		ti->err = code;
		fprintf(stderr, "  tree_walk: inconsistency %d\n", code);
	}
}

static void walk(struct p2m_domain *p2m, struct tinfo *ti, p2m_pte_t *tbl,
		 struct page_info *pg, unsigned int level, u64 base)
{
	const struct p2m_format *f = p2m->fmt;
	unsigned int n = level == f->levels - 1 ? 1U << f->root_bits : 512;
	unsigned int i, used = 0;

	for (i = 0; i < n; i++) {
		p2m_pte_t e = tbl[i];
		u64 g = base + ((u64)i << (9 * level));

		if (!e) {
			continue;
		}
		used++;
		/* A ranged walk counts every entry, looks only inside. */
		if (ti->hi &&
		    (g + (1ULL << (9 * level)) <= ti->lo || g >= ti->hi)) {
			continue;
		}
		ti->hash = mix(ti->hash, mix(level * 4096 + i, e));
		if (!(e & f->valid_mask)) {
			fail(ti, 1); /* broken entry left behind */
			continue;
		}
		if (level && f->is_table(e, level)) {
			mfn_t m = f->pte_mfn(e);
			struct page_info *c = mfn_to_page(m);

			if (!mfn_valid(m)) {
				fail(ti, 2);
				continue;
			}
			if (ti->reach) {
				if (ti->reach[fake_mm_index(c)]) {
					fail(ti, 3); /* reachable twice */
				}
				ti->reach[fake_mm_index(c)] = 1;
			}
			ti->tables++;
			walk(p2m, ti, maddr_to_virt(mfn_to_maddr(m)), c,
			     level - 1, g);
			continue;
		}
		if (level > 2 || !((f->leaf_levels >> level) & 1)) {
			fail(ti, 4);
			continue;
		}
		{
			unsigned int t = f->pte_type(e);
			mfn_t m = f->pte_mfn(e);

			if (t == P2M_TYPE_SIDE) {
				t = ti->side_type ?
					    ti->side_type(level,
							  g >> (9 * level),
							  ti->arg) :
					    p2m_types_get(&p2m->types, level,
							  g >> (9 * level));
				ti->side_leaves++;
				if (!t || !((f->side_types >> t) & 1)) {
					fail(ti, 5);
				}
			} else if ((f->side_types >> t) & 1) {
				fail(ti, 6);
			}
			if (mfn_x(m) & ((1ULL << (9 * level)) - 1)) {
				fail(ti, 7);
			}
			ti->leaves[level]++;
			ti->mapped += 1ULL << (9 * level);
			if (ti->leaf) {
				ti->leaf(g, level, m, (p2m_type_t)t, ti->arg);
			}
		}
	}
	if (used != pg->u.pt_used) {
		fprintf(stderr,
			"  level %u base %llx: pt_used %u, counted %u\n", level,
			(unsigned long long)base, pg->u.pt_used, used);
		fail(ti, 8);
	}
}

void tree_walk(struct p2m_domain *p2m, struct tinfo *ti)
{
	ti->tables = 0;
	memset(ti->leaves, 0, sizeof(ti->leaves));
	ti->side_leaves = 0;
	ti->mapped = 0;
	ti->hash = 0;
	ti->err = 0;
	walk(p2m, ti, page_to_virt(p2m->root), p2m->root, p2m->fmt->levels - 1,
	     0);
	if (ti->hi) {
		return; /* the totals below are the whole tree's */
	}
	if (ti->side_leaves != p2m->types.entries) {
		fail(ti, 9);
	}
	if (p2m_pool_used(&p2m->pool) !=
	    ti->tables + (1UL << p2m->fmt->root_order)) {
		fail(ti, 10);
	}
}

p2m_pte_t *entry_at(struct p2m_domain *p2m, u64 gfn, unsigned int want)
{
	const struct p2m_format *f = p2m->fmt;
	p2m_pte_t *tbl = page_to_virt(p2m->root);
	unsigned int level = f->levels - 1;

	for (;;) {
		unsigned int n = level == f->levels - 1 ? 1U << f->root_bits :
							  512;
		p2m_pte_t *e = &tbl[(gfn >> (9 * level)) & (n - 1)];

		if (level == want) {
			return e;
		}
		if (!(*e & f->valid_mask) || !f->is_table(*e, level)) {
			return NULL;
		}
		tbl = maddr_to_virt(mfn_to_maddr(f->pte_mfn(*e)));
		level--;
	}
}

p2m_pte_t raw_leaf(struct p2m_domain *p2m, u64 gfn, unsigned int *level)
{
	const struct p2m_format *f = p2m->fmt;
	int l;

	for (l = f->levels - 1; l >= 0; l--) {
		p2m_pte_t *e = entry_at(p2m, gfn, l);

		if (!e || !(*e & f->valid_mask)) {
			return 0;
		}
		if (l && f->is_table(*e, l)) {
			continue;
		}
		*level = l;
		return *e;
	}
	return 0;
}

long teardown_all(struct p2m_domain *p2m)
{
	long calls = 0;
	int rc;

	do {
		rc = p2m_teardown(p2m);
		calls++;
		if (calls > 100000000L) {
			return -1;
		}
	} while (rc == -ERESTART);
	return rc ? -1 : calls;
}

int teardown_check_leaks(struct p2m_domain *p2m, unsigned long base)
{
	if (teardown_all(p2m) < 0) {
		return -1;
	}
	if (fake_mm_outstanding() != base) {
		fprintf(stderr, "  %lu pages leaked\n",
			fake_mm_outstanding() - base);
		return -2;
	}
	return 0;
}
