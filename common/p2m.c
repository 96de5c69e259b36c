// SPDX-License-Identifier: GPL-2.0
/*
 * The p2m: one range walker, one visitor per phase.
 *
 * Every range operation (map, remove, retype) runs in phases over the same
 * decision function, so each phase takes the same path through the tree:
 *
 *   prepare  allocates every table the operation needs and builds the
 *            tables that replace superpages (splits) off to the side; it
 *            writes only to pages nobody can see yet, so when the pool or
 *            the side storage runs dry the rollback just gives those pages
 *            back and the tree is bit-for-bit what it was.
 *   break    (formats with fmt->bbm: Arm) clears the valid bit of every
 *            live entry the operation will change, keeping its other bits
 *            so the next phase still knows what it was; then the one TLB
 *            flush of the operation (Arm ARM (DDI 0487 K.a) "Using
 *            break-before-make").
 *   make     writes the new entries; a prepared table is filled first and
 *            installed with one write. Cannot fail.
 *   finish   the one TLB flush (unless break already did it), then the
 *            references of unmapped foreign frames are dropped and the
 *            unlinked table pages go back to the pool: nothing is freed
 *            before the flush that covers it.
 *
 * A table page's page_info.u.pt_used counts its non-zero entries (the root
 * block keeps the count in its first page). A table left empty by a remove
 * is unlinked and freed with the others after the flush.
 */
#include <xen-lite/arch/p2m.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>
#include <asm/system.h>

#define WALK_DESCEND 0x7fffffff
/* A visitor found what it looked for: the walk ends (not an error). */
#define WALK_STOP (-0x7fffffff)

/* The work between two preemption checks of p2m_teardown(). */
#define P2M_PREEMPT_ENTRIES 512

enum p2m_op_kind {
	OP_MAP,
	OP_REMOVE,
	OP_RETYPE,
	OP_TEARDOWN,
	OP_LOOKUP,
};

enum p2m_decision {
	D_SKIP, /* entry is left alone */
	D_LEAF, /* entry becomes the new leaf (or empty) at this level */
	D_DESCEND, /* entry is a table: go down */
	D_NEED_TABLE, /* entry must become a table (new, or a split leaf) */
};

/* Where the walker goes next, filled in by a visitor returning DESCEND. */
struct p2m_descend {
	p2m_pte_t *tbl;
	struct page_info *pg;
	bool fresh; /* allocated by this operation, not reachable yet */
	bool install; /* top of a prepared subtree: link it in post() */
};

struct p2m_op;

struct p2m_visitor {
	/*
	 * Visit entry @i of @tbl (a table at @level whose entry @i maps gfn
	 * @g); entries up to @iend - 1 are in the range. Return: how many
	 * entries were handled (>= 1), WALK_DESCEND after filling op->dn, or
	 * a negative errno that stops the walk.
	 */
	int (*entry)(struct p2m_op *op, p2m_pte_t *tbl, struct page_info *tpg,
		     unsigned int level, unsigned int i, unsigned int iend,
		     u64 g);
	/* After the walk came back up from the child of entry @i. */
	void (*post)(struct p2m_op *op, p2m_pte_t *tbl, struct page_info *tpg,
		     unsigned int level, unsigned int i, u64 g,
		     const struct p2m_descend *dn);
};

struct p2m_op {
	struct p2m_domain *p2m;
	const struct p2m_format *fmt;
	enum p2m_op_kind kind;
	u64 start, end; /* GFN range [start, end) */
	u64 mfn; /* OP_MAP: frame mapped at start; OP_LOOKUP: found */
	p2m_type_t type; /* OP_MAP, OP_RETYPE: the new type; OP_LOOKUP: found */
	p2m_type_t from; /* OP_RETYPE: the type to change */
	/* largest leaf level of the new type; OP_LOOKUP: level of the leaf */
	unsigned int max_level;
	bool side; /* the new type lives in side storage */
	/*
	 * Compare-and-set conditions, checked by the prepare phase (so a
	 * failed condition leaves the tree as it was, like -ENOMEM):
	 * OP_MAP with if_empty maps only if nothing in the range is mapped
	 * (-EEXIST); OP_REMOVE with expect removes only if page gfn
	 * start + k maps RAM frame expect[k] for every k (-ENOENT).
	 */
	bool if_empty;
	const mfn_t *expect;

	struct p2m_descend dn;
	bool cur_fresh[P2M_MAX_LEVELS]; /* table walked at level is fresh */
	struct list_head pending; /* prepared tables to install, in order */
	struct list_head deferred; /* unlinked tables, freed after flush */
	u64 flush_lo, flush_hi; /* GFNs whose translation changed */
	bool batch; /* part of a p2m_batch: leave the flush pending */
	bool remake; /* bbm: a broken entry becomes a valid one */
	unsigned int zap[P2M_MAX_LEVELS]; /* break: entries to be zeroed */

	/* OP_TEARDOWN */
	u64 work; /* work since the last preemption check */
	u64 resume; /* GFN to resume from when preempted */
};

static const unsigned char type_max_order[p2m_max_real_type] = {
	[p2m_ram_rw] = PAGE_ORDER_1G,
	[p2m_ram_ro] = PAGE_ORDER_1G,
	[p2m_mmio_direct_dev] = PAGE_ORDER_1G,
	[p2m_mmio_direct_c] = PAGE_ORDER_1G,
	[p2m_map_foreign_rw] = PAGE_ORDER_2M,
	[p2m_map_foreign_ro] = PAGE_ORDER_2M,
	[p2m_grant_map_rw] = PAGE_ORDER_4K,
	[p2m_grant_map_ro] = PAGE_ORDER_4K,
	[p2m_pt_pinned] = PAGE_ORDER_4K,
};

unsigned int p2m_type_max_order(p2m_type_t t)
{
	if (t <= p2m_invalid || t >= p2m_max_real_type) {
		return PAGE_ORDER_4K;
	}
	return type_max_order[t];
}

static inline unsigned int lvl_shift(unsigned int level)
{
	return level * P2M_LEVEL_BITS;
}

static inline u64 lvl_span(unsigned int level)
{
	return 1ULL << lvl_shift(level);
}

static inline p2m_pte_t *mfn_table(mfn_t mfn)
{
	return maddr_to_virt(mfn_to_maddr(mfn));
}

static inline p2m_pte_t *pg_table(const struct page_info *pg)
{
	return page_to_virt(pg);
}

/*
 * A broken entry (break-before-make) has its valid bit clear and its other
 * bits kept; every phase sees it as the entry it was.
 */
static inline p2m_pte_t pte_eff(const struct p2m_format *f, p2m_pte_t raw)
{
	return raw && !(raw & f->valid_mask) ? raw | f->valid_mask : raw;
}

static inline bool pte_valid(const struct p2m_format *f, p2m_pte_t pte)
{
	return pte & f->valid_mask;
}

static inline bool pte_table(const struct p2m_format *f, p2m_pte_t pte,
			     unsigned int level)
{
	return level > 0 && pte_valid(f, pte) && f->is_table(pte, level);
}

static inline bool type_side(const struct p2m_format *f, p2m_type_t t)
{
	return (f->side_types >> t) & 1;
}

static unsigned int root_entries(const struct p2m_format *f)
{
	return 1U << f->root_bits;
}

/* Type of the valid leaf @pte at @level mapping gfn @g (aligned). */
static p2m_type_t leaf_type(const struct p2m_domain *p2m, p2m_pte_t pte,
			    unsigned int level, u64 g)
{
	unsigned int t = p2m->fmt->pte_type(pte);

	if (t == P2M_TYPE_SIDE) {
		t = p2m_types_get(&p2m->types, level, g >> lvl_shift(level));
	}
	return (p2m_type_t)t;
}

/* ------------------------------------------------------------------ */
/* The walker */

/* One level of a walk in progress: a table and its entries in range. */
struct p2m_walk_frame {
	p2m_pte_t *tbl;
	struct page_info *tpg;
	u64 base; /* the GFN its entry 0 maps */
	unsigned int i, iend; /* next entry, end of the range in it */
};

static __always_inline void walk_frame(const struct p2m_op *op,
				       struct p2m_walk_frame *fr,
				       unsigned int level, p2m_pte_t *tbl,
				       struct page_info *tpg, u64 base)
{
	unsigned int shift = lvl_shift(level);

	fr->tbl = tbl;
	fr->tpg = tpg;
	fr->base = base;
	/*
	 * One frame (a lookup; known when inlined there): its one entry
	 * per table, which the walk only enters if it covers the frame.
	 */
	if (op->end - op->start == 1) {
		fr->i = (op->start - base) >> shift;
		fr->iend = fr->i + 1;
	} else {
		unsigned int nents = level == op->fmt->levels - 1 ?
					     root_entries(op->fmt) :
					     P2M_ENTRIES;
		u64 from = MAX(op->start, base);
		u64 last = ((op->end - 1 - base) >> shift) + 1;

		fr->i = (from - base) >> shift;
		fr->iend = MIN((u64)nents, last);
	}
}

/*
 * A walk of one frame has one entry per table: once the walk went down
 * from one, nothing is left to visit above, and without post() nothing
 * to do on the way back up either.
 */
static __always_inline bool walk_ends_below(const struct p2m_op *op,
					    const struct p2m_visitor *v)
{
	return !v->post && op->end - op->start == 1;
}

/*
 * Visit, top-down and in GFN order, every entry of every table that
 * covers [op->start, op->end). v->entry() says what became of an entry:
 * handled (go on past that many entries), WALK_DESCEND (go down into the
 * table it filled op->dn with), or a negative errno that stops the walk.
 * v->post(), if any, runs for an entry once the walk came back up from
 * its child, also when the walk below stopped.
 *
 * Iterative, one frame per level (the depth comes from the format only),
 * and always inlined: p2m_walk_root() is the one copy the range
 * operations share, calling their visitors through pointers; a caller
 * that passes a visitor known at compile time gets its functions inlined
 * into the walk (p2m_lookup(), on fault paths).
 */
static __always_inline int p2m_walk(struct p2m_op *op,
				    const struct p2m_visitor *v)
{
	/* Tables above the current one, with their entry being walked. */
	struct p2m_walk_frame up[P2M_MAX_LEVELS];
	/* The child of that entry, for post() (only kept if there is one). */
	struct p2m_descend dn[P2M_MAX_LEVELS];
	unsigned int top = op->fmt->levels - 1, level = top;
	struct p2m_walk_frame f;
	u64 g;

	/* Bounded depth: a level number can only come from the format. */
	ASSERT(top < P2M_MAX_LEVELS);
	op->cur_fresh[top] = false;
	walk_frame(op, &f, top, pg_table(op->p2m->root), op->p2m->root, 0);
	for (;;) {
		while (f.i < f.iend) {
			int rc;

			g = f.base + ((u64)f.i << lvl_shift(level));
			rc = v->entry(op, f.tbl, f.tpg, level, f.i, f.iend, g);
			if (rc == WALK_DESCEND) {
				ASSERT(level > 0);
				if (v->post) {
					dn[level] = op->dn;
				}
				op->cur_fresh[level - 1] = op->dn.fresh;
				if (!walk_ends_below(op, v)) {
					up[level] = f;
				}
				level--;
				walk_frame(op, &f, level, op->dn.tbl, op->dn.pg,
					   g);
				continue;
			}
			if (rc < 0) {
				/* Stop: post() for the tables above, upwards. */
				while (v->post && level != top) {
					level++;
					f = up[level];
					g = f.base +
					    ((u64)f.i << lvl_shift(level));
					v->post(op, f.tbl, f.tpg, level, f.i, g,
						&dn[level]);
				}
				return rc;
			}
			f.i += rc;
		}
		/* This table is done: back up. */
		if (level == top || walk_ends_below(op, v)) {
			return 0;
		}
		level++;
		f = up[level];
		if (v->post) {
			g = f.base + ((u64)f.i << lvl_shift(level));
			v->post(op, f.tbl, f.tpg, level, f.i, g, &dn[level]);
		}
		f.i++;
	}
}

static __noinline int p2m_walk_root(struct p2m_op *op,
				    const struct p2m_visitor *v)
{
	return p2m_walk(op, v);
}

/* ------------------------------------------------------------------ */
/* What happens to one entry: the same answer in every phase. */

static bool leaf_allowed(const struct p2m_op *op, unsigned int level)
{
	return ((op->fmt->leaf_levels >> level) & 1) && level <= op->max_level;
}

static enum p2m_decision decide(const struct p2m_op *op, p2m_pte_t old,
				unsigned int level, u64 g)
{
	const struct p2m_format *f = op->fmt;
	u64 span = lvl_span(level);
	bool covered = g >= op->start && g + span <= op->end;

	switch (op->kind) {
	case OP_MAP:
		if (covered && leaf_allowed(op, level) &&
		    !((op->mfn + (g - op->start)) & (span - 1))) {
			return D_LEAF;
		}
		return pte_table(f, old, level) ? D_DESCEND : D_NEED_TABLE;
	case OP_REMOVE:
	case OP_TEARDOWN:
		if (!pte_valid(f, old)) {
			return D_SKIP;
		}
		/* A compare-and-set remove checks every leaf: go down. */
		if (covered && !(op->expect && pte_table(f, old, level))) {
			return D_LEAF;
		}
		return pte_table(f, old, level) ? D_DESCEND : D_NEED_TABLE;
	case OP_RETYPE:
		if (!pte_valid(f, old)) {
			return D_SKIP;
		}
		if (pte_table(f, old, level)) {
			return D_DESCEND;
		}
		if (leaf_type(op->p2m, old, level, g) != op->from) {
			return D_SKIP;
		}
		if (covered && leaf_allowed(op, level)) {
			return D_LEAF;
		}
		return D_NEED_TABLE;
	case OP_LOOKUP: /* lookup_entry() needs no decision */
		break;
	}
	BUG();
}

/* The entry D_LEAF writes at @level for gfn @g over @old. */
static p2m_pte_t new_leaf(const struct p2m_op *op, p2m_pte_t old,
			  unsigned int level, u64 g)
{
	const struct p2m_format *f = op->fmt;

	switch (op->kind) {
	case OP_MAP:
		return f->make_leaf(_mfn(op->mfn + (g - op->start)), op->type,
				    level);
	case OP_RETYPE:
		return f->make_leaf(f->pte_mfn(old), op->type, level);
	default:
		return 0;
	}
}

static void flush_extend(struct p2m_op *op, u64 g, unsigned int level)
{
	u64 e = g + lvl_span(level);

	if (op->flush_hi <= op->flush_lo) {
		op->flush_lo = g;
		op->flush_hi = e;
		return;
	}
	op->flush_lo = MIN(op->flush_lo, g);
	op->flush_hi = MAX(op->flush_hi, e);
}

/* ------------------------------------------------------------------ */
/* Flush, then free: the end of every operation. */

/* Add @op's range to what batched operations left pending on the p2m. */
static void pend_add(struct p2m_op *op)
{
	struct p2m_domain *p2m = op->p2m;

	if (op->flush_hi <= op->flush_lo) {
		return;
	}
	if (p2m->pend_hi <= p2m->pend_lo) {
		p2m->pend_lo = op->flush_lo;
		p2m->pend_hi = op->flush_hi;
	} else {
		p2m->pend_lo = MIN(p2m->pend_lo, op->flush_lo);
		p2m->pend_hi = MAX(p2m->pend_hi, op->flush_hi);
	}
	op->flush_lo = op->flush_hi = 0;
}

static void free_tables(struct p2m_domain *p2m, struct list_head *list)
{
	struct page_info *pg, *n;

	list_for_each_entry_safe(pg, n, list, list) {
		list_del(&pg->list);
		p2m_pool_free(&p2m->pool, pg);
		p2m->stats.tables_freed++;
	}
}

/*
 * Flush what batches left pending (one range), then free the table pages
 * they unlinked: this flush covers them.
 */
static void flush_pending(struct p2m_domain *p2m)
{
	u64 lo = p2m->pend_lo, nr = p2m->pend_hi - p2m->pend_lo;

	if (p2m->pend_hi <= p2m->pend_lo) {
		return;
	}
	p2m->pend_lo = p2m->pend_hi = 0;
	/*
	 * Order the entry writes before reading the mask: a CPU whose bit
	 * is not seen yet sets it before it enters the guest, so it can only
	 * walk the new entries.
	 */
	smp_mb();
	if (!cpumask_empty(&p2m->dirty_cpus)) {
		p2m->stats.flushes++;
		p2m->stats.flush_pages += nr;
		arch_p2m_flush_range(p2m->vmid, &p2m->dirty_cpus, _gfn(lo), nr);
	} /* else no CPU ran this VMID since it was assigned */
	free_tables(p2m, &p2m->deferred);
}

/* Flush @op's range, with whatever batches left pending. */
static void p2m_flush_now(struct p2m_op *op)
{
	struct p2m_domain *p2m = op->p2m;
	u64 lo = op->flush_lo, nr = op->flush_hi - op->flush_lo;

	if (p2m->pend_hi > p2m->pend_lo) {
		pend_add(op);
		flush_pending(p2m);
		return;
	}
	/* Nothing pending (no batch open): the common case, kept short. */
	if (op->flush_hi <= op->flush_lo) {
		return;
	}
	op->flush_lo = op->flush_hi = 0;
	smp_mb(); /* as in flush_pending() */
	if (cpumask_empty(&p2m->dirty_cpus)) {
		return;
	}
	p2m->stats.flushes++;
	p2m->stats.flush_pages += nr;
	arch_p2m_flush_range(p2m->vmid, &p2m->dirty_cpus, _gfn(lo), nr);
}

static void put_batch_drain(struct p2m_domain *p2m)
{
	unsigned int i, k, n;
	struct page_info *pg;

	for (i = 0; i < p2m->put_nr; i++) {
		u64 v = p2m->put_batch[i];

		pg = mfn_to_page(_mfn(v >> 2));
		n = (v & 3) ? P2M_ENTRIES : 1;
		for (k = 0; k < n; k++) {
			put_page(pg + k);
		}
	}
	p2m->put_nr = 0;
}

static void p2m_finish(struct p2m_op *op)
{
	struct p2m_domain *p2m = op->p2m;

	if (op->batch && !p2m->put_nr) {
		/* p2m_batch_finish() (or an earlier flush) does the rest. */
		pend_add(op);
		list_splice_tail_init(&op->deferred, &p2m->deferred);
	} else {
		p2m_flush_now(op);
		put_batch_drain(p2m);
		free_tables(p2m, &op->deferred);
	}
	p2m_types_gc(&p2m->types);
}

void p2m_batch_start(struct p2m_domain *p2m, struct p2m_batch *b)
{
	b->p2m = p2m;
}

void p2m_batch_finish(struct p2m_batch *b)
{
	struct p2m_domain *p2m = b->p2m;

	spin_lock(&p2m->lock);
	flush_pending(p2m);
	spin_unlock(&p2m->lock);
}

/*
 * Remember that the references of the foreign leaf at @level mapping @mfn
 * are to be dropped once the flush is done. A full batch forces an early
 * flush: the frames must not go back to their owner while a TLB may still
 * map them.
 */
static void put_later(struct p2m_op *op, mfn_t mfn, unsigned int level)
{
	struct p2m_domain *p2m = op->p2m;

	ASSERT(level <= 1);
	if (op->kind == OP_TEARDOWN) {
		/* The VMID was flushed when the teardown started. */
		p2m->put_batch[p2m->put_nr++] = (mfn_x(mfn) << 2) | level;
		put_batch_drain(p2m);
		return;
	}
	if (p2m->put_nr == P2M_PUT_BATCH) {
		p2m_flush_now(op);
		put_batch_drain(p2m);
	}
	p2m->put_batch[p2m->put_nr++] = (mfn_x(mfn) << 2) | level;
}

/*
 * Drop what a leaf holds: its side-storage slot and, unless the frames
 * stay mapped by the leaf that replaces it (@keep_refs), its foreign
 * references.
 */
static void release_leaf(struct p2m_op *op, p2m_pte_t pte, unsigned int level,
			 u64 g, bool keep_refs)
{
	struct p2m_domain *p2m = op->p2m;
	unsigned int t = op->fmt->pte_type(pte);

	if (t == P2M_TYPE_SIDE) {
		u64 key = g >> lvl_shift(level);

		t = p2m_types_get(&p2m->types, level, key);
		p2m_types_clear(&p2m->types, level, key);
	}
	if (p2m_is_foreign(t) && !keep_refs) {
		put_later(op, op->fmt->pte_mfn(pte), level);
	}
}

static void defer_table(struct p2m_op *op, struct page_info *pg)
{
	list_add_tail(&pg->list, &op->deferred);
}

/*
 * p2m_free_subtree() - release everything below the table entry @pte at
 * @level that maps gfn @g: leaves drop their side slots and foreign
 * references (after the flush), table pages go on the operation's
 * deferred list. Recursion is bounded by the level (at most 3 deep).
 */
static void p2m_free_subtree(struct p2m_op *op, p2m_pte_t pte,
			     unsigned int level, u64 g)
{
	const struct p2m_format *f = op->fmt;
	mfn_t mfn = f->pte_mfn(pte);
	p2m_pte_t *tbl = mfn_table(mfn);
	struct page_info *pg = mfn_to_page(mfn);
	unsigned int i;

	ASSERT(level >= 1 && level < P2M_MAX_LEVELS);
	for (i = 0; pg->u.pt_used && i < P2M_ENTRIES; i++) {
		p2m_pte_t e = pte_eff(f, tbl[i]);
		u64 cg = g + i * lvl_span(level - 1);

		if (!e) {
			continue;
		}
		if (pte_table(f, e, level - 1)) {
			p2m_free_subtree(op, e, level - 1, cg);
		} else {
			release_leaf(op, e, level - 1, cg, false);
		}
	}
	defer_table(op, pg);
}

/*
 * Replace entry @i of @tbl (@level, gfn @g) by @new, releasing what the old
 * entry held. The translation of a valid entry changing means a flush.
 */
static void replace_entry(struct p2m_op *op, p2m_pte_t *tbl,
			  struct page_info *tpg, unsigned int level,
			  unsigned int i, u64 g, p2m_pte_t new)
{
	const struct p2m_format *f = op->fmt;
	p2m_pte_t raw = tbl[i];
	p2m_pte_t old = pte_eff(f, raw);

	if (raw == new) {
		/* Two side types can share a PTE: the slot still changes. */
		if (new &&type_side(f, op->type)) {
			p2m_types_set(&op->p2m->types, level,
				      g >> lvl_shift(level), op->type);
		}
		/*
		 * Mapping the same foreign frames again: the caller handed
		 * over new references, the old ones go.
		 */
		if (new && op->kind == OP_MAP && p2m_is_foreign(op->type)) {
			put_later(op, f->pte_mfn(new), level);
		}
		return;
	}
	/* Entries of a table nobody can see yet need no flush. */
	if (pte_valid(f, raw) && !op->cur_fresh[level]) {
		flush_extend(op, g, level);
	}
	if (old) {
		if (pte_table(f, old, level)) {
			p2m_free_subtree(op, old, level, g);
		} else {
			/* A retyped leaf keeps its frames and references. */
			release_leaf(op, old, level, g, op->kind == OP_RETYPE);
		}
	}
	WRITE_ONCE(tbl[i], new);
	if (!raw) {
		tpg->u.pt_used++;
	} else if (!new) {
		tpg->u.pt_used--;
	}
	if (new &&type_side(f, op->type)) {
		p2m_types_set(&op->p2m->types, level, g >> lvl_shift(level),
			      op->type);
	}
}

/* ------------------------------------------------------------------ */
/* Prepare */

static void fill_split(struct p2m_op *op, p2m_pte_t *child, p2m_pte_t leaf,
		       unsigned int level, u64 g)
{
	const struct p2m_format *f = op->fmt;
	p2m_type_t t = leaf_type(op->p2m, leaf, level, g);
	mfn_t mfn = f->pte_mfn(leaf);
	p2m_pte_t pte = f->make_leaf(mfn, t, level - 1);
	p2m_pte_t step = lvl_span(level - 1) << f->mfn_shift;
	unsigned int k;

	for (k = 0; k < P2M_ENTRIES; k++) {
		child[k] = pte;
		pte += step;
	}
	if (type_side(f, t)) {
		u64 key = g >> lvl_shift(level - 1);

		/* Reserved by the caller; visible only under the p2m lock. */
		for (k = 0; k < P2M_ENTRIES; k++) {
			p2m_types_set(&op->p2m->types, level - 1, key + k, t);
		}
	}
}

static int reserve_split_keys(struct p2m_op *op, p2m_pte_t leaf,
			      unsigned int level, u64 g)
{
	u64 key = g >> lvl_shift(level - 1);
	unsigned int k;
	int rc;

	if (op->fmt->pte_type(leaf) != P2M_TYPE_SIDE) {
		return 0;
	}
	/* 512 consecutive keys share at most 9 leaf nodes. */
	for (k = 0; k < P2M_ENTRIES; k += 1U << P2M_RADIX_BITS) {
		rc = p2m_types_reserve(&op->p2m->types, level - 1, key + k);
		if (rc) {
			return rc;
		}
	}
	return 0;
}

/*
 * The compare part of a compare-and-set operation, for entry @old at
 * @level mapping gfn @g (see struct p2m_op). Run by the prepare phase
 * on every entry the range touches, holes included.
 * Return: 0, -EEXIST or -ENOENT.
 */
static int cas_check(const struct p2m_op *op, p2m_pte_t old, unsigned int level,
		     u64 g)
{
	const struct p2m_format *f = op->fmt;
	u64 lo, hi, base;
	p2m_type_t t;

	if (op->if_empty) {
		if (!pte_valid(f, old)) {
			return 0;
		}
		if (!pte_table(f, old, level)) {
			return -EEXIST; /* a leaf overlapping the range */
		}
		/*
		 * A table the map would replace by a leaf: empty tables are
		 * unlinked by the remove that empties them, so a linked one
		 * maps something in the range.
		 */
		if (g >= op->start && g + lvl_span(level) <= op->end &&
		    leaf_allowed(op, level) &&
		    mfn_to_page(f->pte_mfn(old))->u.pt_used) {
			return -EEXIST;
		}
		return 0;
	}
	if (!op->expect) {
		return 0;
	}
	if (!pte_valid(f, old)) {
		return -ENOENT; /* a hole where a frame was expected */
	}
	if (pte_table(f, old, level)) {
		return 0; /* its entries are checked on the way down */
	}
	t = leaf_type(op->p2m, old, level, g);
	if (t != p2m_ram_rw && t != p2m_ram_ro) {
		return -ENOENT;
	}
	lo = MAX(g, op->start);
	hi = MIN(g + lvl_span(level), op->end);
	base = mfn_x(f->pte_mfn(old));
	for (u64 k = lo; k < hi; k++) {
		if (mfn_x(op->expect[k - op->start]) != base + (k - g)) {
			return -ENOENT;
		}
	}
	return 0;
}

static int prep_entry(struct p2m_op *op, p2m_pte_t *tbl, struct page_info *tpg,
		      unsigned int level, unsigned int i, unsigned int iend,
		      u64 g)
{
	const struct p2m_format *f = op->fmt;
	p2m_pte_t old = pte_eff(f, tbl[i]);
	struct page_info *pg;
	bool fresh_parent = op->cur_fresh[level];
	bool full, zero;
	bool cas = op->if_empty || op->expect;
	int rc;

	if (cas) {
		rc = cas_check(op, old, level, g);
		if (rc) {
			return rc;
		}
	}
	switch (decide(op, old, level, g)) {
	case D_SKIP:
		return 1;
	case D_LEAF:
		if (op->side && p2m_types_reserve(&op->p2m->types, level,
						  g >> lvl_shift(level))) {
			return -ENOMEM;
		}
		return 1;
	case D_DESCEND:
		/*
		 * Below level 1 nothing is allocated, unless slots are; a
		 * compare-and-set still looks at every leaf.
		 */
		if (level == 1 && !op->side && !cas) {
			return 1;
		}
		op->dn.tbl = mfn_table(f->pte_mfn(old));
		op->dn.pg = mfn_to_page(f->pte_mfn(old));
		op->dn.fresh = fresh_parent;
		op->dn.install = false;
		return WALK_DESCEND;
	case D_NEED_TABLE:
		break;
	}

	ASSERT(level > 0);
	/*
	 * A level-0 table that a map fills completely need not be cleared:
	 * the make phase writes all 512 entries without reading them.
	 */
	full = g >= op->start && g + lvl_span(level) <= op->end;
	zero = !(op->kind == OP_MAP && level == 1 && full && !op->side &&
		 !pte_valid(f, old));
	if (pte_valid(f, old)) {
		rc = reserve_split_keys(op, old, level, g);
		if (rc) {
			return rc;
		}
	}
	pg = p2m_pool_alloc(&op->p2m->pool, zero);
	if (!pg) {
		return -ENOMEM;
	}
	if (pte_valid(f, old)) {
		fill_split(op, pg_table(pg), old, level, g);
		pg->u.pt_used = P2M_ENTRIES;
		op->p2m->stats.splits++;
	}
	if (fresh_parent) {
		/*
		 * The parent is ours and not linked yet: link directly. A leaf
		 * of a split we just built hands its slot to its children.
		 */
		if (!tbl[i]) {
			tpg->u.pt_used++;
		} else if (f->pte_type(old) == P2M_TYPE_SIDE) {
			p2m_types_clear(&op->p2m->types, level,
					g >> lvl_shift(level));
		}
		tbl[i] = f->make_table(page_to_mfn(pg));
	} else {
		list_add_tail(&pg->list, &op->pending);
	}
	if (level == 1 && !op->side) {
		return 1;
	}
	op->dn.tbl = pg_table(pg);
	op->dn.pg = pg;
	op->dn.fresh = true;
	op->dn.install = false;
	return WALK_DESCEND;
}

static const struct p2m_visitor prep_visitor = {
	.entry = prep_entry,
};

/* Give back a prepared subtree that was never linked. */
static void unprepare_table(struct p2m_op *op, struct page_info *pg,
			    unsigned int level, u64 g)
{
	const struct p2m_format *f = op->fmt;
	p2m_pte_t *tbl = pg_table(pg);
	unsigned int i;

	ASSERT(level < P2M_MAX_LEVELS);
	for (i = 0; pg->u.pt_used && i < P2M_ENTRIES; i++) {
		p2m_pte_t e = tbl[i];
		u64 cg = g + i * lvl_span(level);

		if (!e) {
			continue;
		}
		if (pte_table(f, e, level)) {
			unprepare_table(op, mfn_to_page(f->pte_mfn(e)),
					level - 1, cg);
		} else if (f->pte_type(e) == P2M_TYPE_SIDE) {
			p2m_types_clear(&op->p2m->types, level,
					cg >> lvl_shift(level));
		}
	}
	p2m_pool_free(&op->p2m->pool, pg);
}

/*
 * Roll a failed prepare back. The prepared tables were never reachable by
 * hardware, so they return to the pool at once; to know the gfn and level
 * of each one the prepare walk is replayed read-only over the live tree.
 */
static int unprep_entry(struct p2m_op *op, p2m_pte_t *tbl,
			struct page_info *tpg, unsigned int level,
			unsigned int i, unsigned int iend, u64 g)
{
	const struct p2m_format *f = op->fmt;
	p2m_pte_t old = tbl[i];
	struct page_info *pg;

	if (list_empty(&op->pending)) {
		return -ENOENT;
	}
	switch (decide(op, old, level, g)) {
	case D_SKIP:
	case D_LEAF:
		return 1;
	case D_DESCEND:
		if (level == 1) {
			return 1;
		}
		op->dn.tbl = mfn_table(f->pte_mfn(old));
		op->dn.pg = mfn_to_page(f->pte_mfn(old));
		op->dn.fresh = false;
		op->dn.install = false;
		return WALK_DESCEND;
	case D_NEED_TABLE:
		break;
	}
	pg = list_first_entry(&op->pending, struct page_info, list);
	list_del(&pg->list);
	unprepare_table(op, pg, level - 1, g);
	return 1;
}

static const struct p2m_visitor unprep_visitor = {
	.entry = unprep_entry,
};

static void p2m_rollback(struct p2m_op *op)
{
	if (!list_empty(&op->pending)) {
		p2m_walk_root(op, &unprep_visitor);
	}
	ASSERT(list_empty(&op->pending));
	p2m_types_gc(&op->p2m->types);
}

/* ------------------------------------------------------------------ */
/* Break (break-before-make formats) */

static void break_entry_at(struct p2m_op *op, p2m_pte_t *tbl,
			   unsigned int level, unsigned int i, u64 g)
{
	if (pte_valid(op->fmt, tbl[i])) {
		WRITE_ONCE(tbl[i], tbl[i] & ~op->fmt->valid_mask);
		flush_extend(op, g, level);
	}
}

static int break_entry(struct p2m_op *op, p2m_pte_t *tbl, struct page_info *tpg,
		       unsigned int level, unsigned int i, unsigned int iend,
		       u64 g)
{
	const struct p2m_format *f = op->fmt;
	p2m_pte_t old = pte_eff(f, tbl[i]);

	switch (decide(op, old, level, g)) {
	case D_SKIP:
		return 1;
	case D_DESCEND:
		op->dn.tbl = mfn_table(f->pte_mfn(old));
		op->dn.pg = mfn_to_page(f->pte_mfn(old));
		op->dn.fresh = false;
		op->dn.install = false;
		op->zap[level - 1] = 0;
		return WALK_DESCEND;
	case D_NEED_TABLE:
		/* A leaf about to be split: block -> table needs a break. */
		if (old) {
			op->remake = true;
		}
		break_entry_at(op, tbl, level, i, g);
		return 1;
	case D_LEAF: {
		p2m_pte_t new = new_leaf(op, old, level, g);

		if (new == old) {
			return 1;
		}
		if (op->kind == OP_REMOVE && old) {
			op->zap[level]++;
		}
		if (old && new) {
			op->remake = true;
		}
		break_entry_at(op, tbl, level, i, g);
		return 1;
	}
	}
	return 1;
}

/*
 * A table that the remove will leave empty is unlinked by the make phase;
 * break its entry now so that the single flush covers the walk caches.
 */
static void break_post(struct p2m_op *op, p2m_pte_t *tbl, struct page_info *tpg,
		       unsigned int level, unsigned int i, u64 g,
		       const struct p2m_descend *dn)
{
	if (op->kind == OP_REMOVE && dn->pg->u.pt_used == op->zap[level - 1]) {
		op->zap[level]++;
		break_entry_at(op, tbl, level, i, g);
	}
}

static const struct p2m_visitor break_visitor = {
	.entry = break_entry,
	.post = break_post,
};

/* ------------------------------------------------------------------ */
/* Make */

static int make_entry(struct p2m_op *op, p2m_pte_t *tbl, struct page_info *tpg,
		      unsigned int level, unsigned int i, unsigned int iend,
		      u64 g)
{
	const struct p2m_format *f = op->fmt;
	p2m_pte_t old = pte_eff(f, tbl[i]);
	p2m_pte_t new, step;
	struct page_info *pg;
	unsigned int n, k;

	switch (decide(op, old, level, g)) {
	case D_SKIP:
		return 1;
	case D_DESCEND:
		op->dn.tbl = mfn_table(f->pte_mfn(old));
		op->dn.pg = mfn_to_page(f->pte_mfn(old));
		op->dn.fresh = op->cur_fresh[level];
		op->dn.install = false;
		return WALK_DESCEND;
	case D_NEED_TABLE:
		/* Prepared in the same walk order: take the next one. */
		BUG_ON(list_empty(&op->pending));
		pg = list_first_entry(&op->pending, struct page_info, list);
		list_del(&pg->list);
		op->dn.tbl = pg_table(pg);
		op->dn.pg = pg;
		op->dn.fresh = true;
		op->dn.install = true;
		return WALK_DESCEND;
	case D_LEAF:
		break;
	}

	new = new_leaf(op, old, level, g);
	if (op->kind == OP_RETYPE) {
		replace_entry(op, tbl, tpg, level, i, g, new);
		return 1;
	}

	/*
	 * Map and remove decide the same for every entry that stays inside
	 * the range: handle the whole run here, the hot loop of the p2m.
	 */
	n = MIN((u64)(iend - i), (op->end - g) >> lvl_shift(level));
	step = op->kind == OP_MAP ? lvl_span(level) << f->mfn_shift : 0;
	if (!tpg->u.pt_used && op->kind == OP_MAP && !op->side) {
		for (k = 0; k < n; k++) {
			tbl[i + k] = new;
			new += step;
		}
		tpg->u.pt_used = n;
		return n;
	}
	for (k = 0; k < n; k++) {
		replace_entry(op, tbl, tpg, level, i + k,
			      g + k * lvl_span(level), new);
		new += step;
	}
	return n;
}

static void make_post(struct p2m_op *op, p2m_pte_t *tbl, struct page_info *tpg,
		      unsigned int level, unsigned int i, u64 g,
		      const struct p2m_descend *dn)
{
	const struct p2m_format *f = op->fmt;
	p2m_pte_t raw = tbl[i];
	p2m_pte_t old = pte_eff(f, raw);

	if (dn->install) {
		/*
		 * The prepared table is complete: one write links it. A leaf
		 * it replaces passed its frames and references on to it; only
		 * its side slot goes.
		 */
		if (old && f->pte_type(old) == P2M_TYPE_SIDE) {
			p2m_types_clear(&op->p2m->types, level,
					g >> lvl_shift(level));
		}
		if (!dn->pg->u.pt_used) {
			p2m_pool_free(&op->p2m->pool, dn->pg);
			return;
		}
		if (pte_valid(f, raw)) {
			/* The superpage may be cached over the changed part. */
			flush_extend(op, g, level);
		}
		WRITE_ONCE(tbl[i], f->make_table(page_to_mfn(dn->pg)));
		if (!raw) {
			tpg->u.pt_used++;
		}
		return;
	}
	if (!dn->pg->u.pt_used && op->kind == OP_REMOVE) {
		/* Left empty: unlink now, free after the flush. */
		if (pte_valid(f, raw)) {
			flush_extend(op, g, level);
		}
		WRITE_ONCE(tbl[i], 0);
		tpg->u.pt_used--;
		defer_table(op, dn->pg);
	}
}

static const struct p2m_visitor make_visitor = {
	.entry = make_entry,
	.post = make_post,
};

/* ------------------------------------------------------------------ */
/* Running an operation */

static int check_range(const struct p2m_domain *p2m, u64 gfn, u64 nr)
{
	u64 limit = 1ULL << (p2m->fmt->gpa_bits - PAGE_SHIFT);

	if (!nr || gfn >= limit || nr > limit - gfn) {
		return -EINVAL;
	}
	return 0;
}

static void op_init(struct p2m_op *op, struct p2m_domain *p2m,
		    enum p2m_op_kind kind, u64 gfn, u64 nr)
{
	memset(op, 0, sizeof(*op));
	op->p2m = p2m;
	op->fmt = p2m->fmt;
	op->kind = kind;
	op->start = gfn;
	op->end = gfn + nr;
	INIT_LIST_HEAD(&op->pending);
	INIT_LIST_HEAD(&op->deferred);
}

static void op_set_type(struct p2m_op *op, p2m_type_t t)
{
	unsigned int order = p2m_type_max_order(t);

	op->type = t;
	op->max_level = order / P2M_LEVEL_BITS;
	op->side = type_side(op->fmt, t);
}

static int p2m_run(struct p2m_op *op)
{
	struct p2m_domain *p2m = op->p2m;
	int rc;

	spin_lock(&p2m->lock);
	if (!p2m->root) {
		/* Torn down (a dying domain): nothing to change. */
		rc = -ESRCH;
		goto out;
	}
	rc = p2m_walk_root(op, &prep_visitor);
	if (rc) {
		p2m_rollback(op);
		goto out;
	}
	if (op->fmt->bbm) {
		p2m_walk_root(op, &break_visitor);
		/*
		 * Between break and make only where make writes a valid entry
		 * over a broken one; a batched removal that only clears
		 * entries leaves its flush to the batch.
		 */
		if (!op->batch || op->remake) {
			p2m_flush_now(op);
		}
	}
	rc = p2m_walk_root(op, &make_visitor);
	BUG_ON(rc || !list_empty(&op->pending));
	p2m_finish(op);
out:
	spin_unlock(&p2m->lock);
	return rc;
}

/* Map @nr frames from @mfn at @gfn as @t; only where nothing is mapped if @if_empty. */
static int set_entry(struct p2m_domain *p2m, gfn_t gfn, u64 nr, mfn_t mfn,
		     p2m_type_t t, bool if_empty)
{
	struct p2m_op op;
	int rc;

	if (t <= p2m_invalid || t >= p2m_max_real_type) {
		return -EINVAL;
	}
	rc = check_range(p2m, gfn_x(gfn), nr);
	if (rc) {
		return rc;
	}
	if (mfn_x(mfn) >= (1ULL << (p2m->fmt->pa_bits - PAGE_SHIFT)) ||
	    nr > (1ULL << (p2m->fmt->pa_bits - PAGE_SHIFT)) - mfn_x(mfn)) {
		return -EINVAL;
	}
	op_init(&op, p2m, OP_MAP, gfn_x(gfn), nr);
	op.mfn = mfn_x(mfn);
	op.if_empty = if_empty;
	op_set_type(&op, t);
	return p2m_run(&op);
}

int p2m_set_entry(struct p2m_domain *p2m, gfn_t gfn, u64 nr, mfn_t mfn,
		  p2m_type_t t)
{
	if (t == p2m_invalid) {
		return p2m_remove(p2m, gfn, nr);
	}
	return set_entry(p2m, gfn, nr, mfn, t, false);
}

int p2m_set_entry_if_empty(struct p2m_domain *p2m, gfn_t gfn, u64 nr, mfn_t mfn,
			   p2m_type_t t)
{
	return set_entry(p2m, gfn, nr, mfn, t, true);
}

int p2m_remove_if_mapped(struct p2m_domain *p2m, gfn_t gfn, u64 nr,
			 const mfn_t *expect, struct p2m_batch *batch)
{
	struct p2m_op op;
	int rc;

	rc = check_range(p2m, gfn_x(gfn), nr);
	if (rc) {
		return rc;
	}
	op_init(&op, p2m, OP_REMOVE, gfn_x(gfn), nr);
	op.type = p2m_invalid;
	op.max_level = P2M_MAX_LEVELS;
	op.expect = expect;
	BUG_ON(batch && batch->p2m != p2m);
	op.batch = batch != NULL;
	return p2m_run(&op);
}

int p2m_remove(struct p2m_domain *p2m, gfn_t gfn, u64 nr)
{
	/* No expected frames: remove whatever the range maps. */
	return p2m_remove_if_mapped(p2m, gfn, nr, NULL, NULL);
}

int p2m_change_type_range(struct p2m_domain *p2m, gfn_t gfn, u64 nr,
			  p2m_type_t from, p2m_type_t to)
{
	struct p2m_op op;
	int rc;

	if (from <= p2m_invalid || from >= p2m_max_real_type ||
	    to <= p2m_invalid || to >= p2m_max_real_type ||
	    p2m_is_foreign(from) != p2m_is_foreign(to)) {
		return -EINVAL;
	}
	rc = check_range(p2m, gfn_x(gfn), nr);
	if (rc || from == to) {
		return rc;
	}
	op_init(&op, p2m, OP_RETYPE, gfn_x(gfn), nr);
	op.from = from;
	op_set_type(&op, to);
	return p2m_run(&op);
}

int p2m_insert_foreign(struct p2m_domain *p2m, gfn_t gfn, mfn_t mfn,
		       p2m_type_t t, domid_t owner)
{
	struct page_info *pg;
	int rc;

	if (!p2m_is_foreign(t) || owner == p2m->domid) {
		return -EINVAL;
	}
	rc = check_range(p2m, gfn_x(gfn), 1);
	if (rc) {
		return rc;
	}
	if (!mfn_valid(mfn)) {
		return -EINVAL;
	}
	pg = mfn_to_page(mfn);
	if (!get_page(pg, owner)) {
		return -EBUSY;
	}
	rc = p2m_set_entry(p2m, gfn, 1, mfn, t);
	if (rc) {
		put_page(pg);
	}
	return rc;
}

/*
 * Lookup: a walk of one frame, [gfn, gfn + 1), so every table on the
 * way has exactly one entry in the range: the walker goes down through
 * tables and stops at the leaf or the hole (WALK_STOP).
 */
static int lookup_entry(struct p2m_op *op, p2m_pte_t *tbl,
			struct page_info *tpg, unsigned int level,
			unsigned int i, unsigned int iend, u64 g)
{
	const struct p2m_format *f = op->fmt;
	p2m_pte_t pte = tbl[i];

	/*
	 * The raw entry, not pte_eff(): every operation completes under
	 * p2m->lock, which the lookup holds, so no entry is broken here.
	 */
	if (!pte_valid(f, pte)) {
		return WALK_STOP;
	}
	if (pte_table(f, pte, level)) {
		/* No page: the lookup has no use for it. */
		op->dn = (struct p2m_descend){ .tbl = mfn_table(
						       f->pte_mfn(pte)) };
		return WALK_DESCEND;
	}
	op->mfn = mfn_x(f->pte_mfn(pte)) + (op->start - g);
	op->type = leaf_type(op->p2m, pte, level, g);
	op->max_level = level;
	return WALK_STOP;
}

static const struct p2m_visitor lookup_visitor = {
	.entry = lookup_entry,
};

/* p2m_lookup() with p2m->lock held. */
static mfn_t p2m_lookup_locked(struct p2m_domain *p2m, gfn_t gfn, p2m_type_t *t,
			       unsigned int *order)
{
	struct p2m_op op;
	u64 g = gfn_x(gfn);

	/* A torn-down p2m (root gone) maps nothing. */
	if (check_range(p2m, g, 1) || !p2m->root) {
		op.mfn = mfn_x(INVALID_MFN);
		op.type = p2m_invalid;
		op.max_level = 0;
	} else {
		/*
		 * Not op_init(): on a fault path, and the walker and
		 * lookup_entry() use no other field than these.
		 */
		op.p2m = p2m;
		op.fmt = p2m->fmt;
		op.kind = OP_LOOKUP;
		op.start = g;
		op.end = g + 1;
		op.mfn = mfn_x(INVALID_MFN);
		op.type = p2m_invalid;
		op.max_level = 0;
		p2m_walk(&op, &lookup_visitor);
	}
	if (t) {
		*t = op.type;
	}
	if (order) {
		*order = lvl_shift(op.max_level);
	}
	return _mfn(op.mfn);
}

mfn_t p2m_lookup(struct p2m_domain *p2m, gfn_t gfn, p2m_type_t *t,
		 unsigned int *order)
{
	mfn_t mfn;

	spin_lock(&p2m->lock);
	mfn = p2m_lookup_locked(p2m, gfn, t, order);
	spin_unlock(&p2m->lock);
	return mfn;
}

struct page_info *p2m_get_page(struct p2m_domain *p2m, gfn_t gfn, p2m_type_t *t)
{
	struct page_info *pg = NULL;
	p2m_type_t type;
	mfn_t mfn;

	/*
	 * p2m_lookup() takes the lock itself; this is the same walk with the
	 * reference taken before the lock goes. A frame is freed only after
	 * the operation that unmaps it returned (it held the lock), so a
	 * frame still mapped here has its allocation reference and
	 * get_page() cannot meet a frame on its way to the allocator.
	 */
	spin_lock(&p2m->lock);
	mfn = p2m_lookup_locked(p2m, gfn, &type, NULL);
	if (!mfn_eq(mfn, INVALID_MFN) && mfn_valid(mfn) &&
	    (type == p2m_ram_rw || type == p2m_ram_ro ||
	     type == p2m_pt_pinned) &&
	    get_page(mfn_to_page(mfn), p2m->domid)) {
		pg = mfn_to_page(mfn);
	} else {
		type = p2m_invalid;
	}
	spin_unlock(&p2m->lock);
	if (t) {
		*t = type;
	}
	return pg;
}

bool p2m_access_allowed(p2m_type_t t, bool write, bool exec)
{
	switch (t) {
	case p2m_ram_rw:
		return true;
	case p2m_ram_ro:
		return !write;
	case p2m_mmio_direct_dev:
	case p2m_mmio_direct_c:
	case p2m_map_foreign_rw:
	case p2m_grant_map_rw:
		return !exec;
	case p2m_map_foreign_ro:
	case p2m_grant_map_ro:
	case p2m_pt_pinned:
		return !write && !exec;
	default:
		return false;
	}
}

bool p2m_fault_retry(struct p2m_domain *p2m, gfn_t gfn, bool write, bool exec)
{
	p2m_type_t t;

	if (mfn_eq(p2m_lookup(p2m, gfn, &t, NULL), INVALID_MFN)) {
		return false;
	}
	return p2m_access_allowed(t, write, exec);
}

/* ------------------------------------------------------------------ */
/* Teardown */

static bool preempt_now(struct p2m_op *op)
{
	struct p2m_domain *p2m = op->p2m;

	if (op->work > p2m->max_uninterrupted) {
		p2m->max_uninterrupted = op->work;
	}
	op->work = 0;
	p2m->stats.preempt_checks++;
	return !p2m->preempt_check || p2m->preempt_check(p2m->preempt_arg);
}

static int td_entry(struct p2m_op *op, p2m_pte_t *tbl, struct page_info *tpg,
		    unsigned int level, unsigned int i, unsigned int iend,
		    u64 g)
{
	const struct p2m_format *f = op->fmt;
	p2m_pte_t old = pte_eff(f, tbl[i]);
	unsigned int n;

	if (op->work >= P2M_PREEMPT_ENTRIES && preempt_now(op)) {
		op->resume = g;
		return -ERESTART;
	}
	if (!old) {
		/*
		 * Skip a run of empty entries up to the next preemption
		 * check, still counting them (op->work is below the limit).
		 */
		const p2m_pte_t *p = &tbl[i + 1];
		const p2m_pte_t *end =
			&tbl[i] +
			MIN((u64)(iend - i), P2M_PREEMPT_ENTRIES - op->work);

		while (p < end && !*p) {
			p++;
		}
		n = p - &tbl[i];
		op->work += n;
		return n;
	}
	if (pte_table(f, old, level)) {
		op->work++;
		op->dn.tbl = mfn_table(f->pte_mfn(old));
		op->dn.pg = mfn_to_page(f->pte_mfn(old));
		op->dn.fresh = false;
		op->dn.install = false;
		return WALK_DESCEND;
	}
	/*
	 * A run of leaves up to the next preemption check; dropping the
	 * references of a foreign superpage counts as 512 entries of work.
	 */
	for (n = 0; i + n < iend && op->work < P2M_PREEMPT_ENTRIES; n++) {
		p2m_pte_t e = tbl[i + n];
		unsigned int raw_t;
		p2m_type_t t;
		bool side;
		u64 cg;

		op->work++;
		if (!e) {
			continue;
		}
		if (pte_table(f, e, level)) {
			op->work--;
			break;
		}
		cg = g + n * lvl_span(level);
		/* leaf_type(), with one look at the PTE's type field. */
		raw_t = f->pte_type(e);
		side = raw_t == P2M_TYPE_SIDE;
		if (side) {
			raw_t = p2m_types_get(&op->p2m->types, level,
					      cg >> lvl_shift(level));
		}
		t = (p2m_type_t)raw_t;
		if (p2m_is_foreign(t) && level) {
			op->work += P2M_ENTRIES - 1;
		}
		if (side || p2m_is_foreign(t)) {
			release_leaf(op, e, level, cg, false);
		}
		tbl[i + n] = 0;
		tpg->u.pt_used--;
	}
	return n ? n : 1;
}

static void td_post(struct p2m_op *op, p2m_pte_t *tbl, struct page_info *tpg,
		    unsigned int level, unsigned int i, u64 g,
		    const struct p2m_descend *dn)
{
	if (dn->pg->u.pt_used) {
		return;
	}
	/* The VMID is flushed and no vCPU runs: free at once. */
	tbl[i] = 0;
	tpg->u.pt_used--;
	p2m_pool_free(&op->p2m->pool, dn->pg);
	op->p2m->stats.tables_freed++;
}

static const struct p2m_visitor td_visitor = {
	.entry = td_entry,
	.post = td_post,
};

void p2m_set_preempt_check(struct p2m_domain *p2m, bool (*fn)(void *arg),
			   void *arg)
{
	p2m->preempt_check = fn;
	p2m->preempt_arg = arg;
}

int p2m_teardown(struct p2m_domain *p2m)
{
	struct p2m_op op;
	u64 limit;
	int rc;

	if (!p2m->root) {
		return 0;
	}
	spin_lock(&p2m->lock);
	if (!p2m->teardown_flushed) {
		/*
		 * One whole-VMID flush up front; from then on nothing can hold
		 * a translation into this tree and pages go back at once.
		 */
		if (!cpumask_empty(&p2m->dirty_cpus)) {
			arch_p2m_flush_vmid(p2m->vmid, &p2m->dirty_cpus);
			p2m->stats.flushes++;
		}
		p2m->teardown_flushed = true;
	}
	/* Covered by that flush, and no vCPU runs: what batches left too. */
	p2m->pend_lo = p2m->pend_hi = 0;
	free_tables(p2m, &p2m->deferred);
	limit = 1ULL << (p2m->fmt->gpa_bits - PAGE_SHIFT);
	op_init(&op, p2m, OP_TEARDOWN, p2m->teardown_cursor,
		limit - p2m->teardown_cursor);
	rc = p2m->teardown_cursor < limit ? p2m_walk_root(&op, &td_visitor) : 0;
	if (op.work > p2m->max_uninterrupted) {
		p2m->max_uninterrupted = op.work;
	}
	p2m_types_gc(&p2m->types);
	if (rc == -ERESTART) {
		p2m->teardown_cursor = op.resume;
		spin_unlock(&p2m->lock);
		return rc;
	}
	BUG_ON(rc);
	p2m->teardown_cursor = limit;
	/* Give the pool back in bounded steps too. */
	while (p2m_pool_drain(&p2m->pool, P2M_PREEMPT_ENTRIES)) {
		op.work = P2M_PREEMPT_ENTRIES;
		if (preempt_now(&op)) {
			spin_unlock(&p2m->lock);
			return -ERESTART;
		}
	}
	ASSERT(!p2m->root->u.pt_used);
	ASSERT(!p2m->types.entries);
	p2m_types_destroy(&p2m->types);
	p2m_pool_destroy(&p2m->pool);
	p2m->root = NULL;
	p2m->root_maddr = 0;
	p2m_vmid_release(p2m);
	spin_unlock(&p2m->lock);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Set-up and reporting */

int p2m_init_format(struct p2m_domain *p2m, domid_t domid,
		    unsigned long pool_pages, const struct p2m_format *fmt)
{
	int rc;

	memset(p2m, 0, sizeof(*p2m));
	spin_lock_init(&p2m->lock);
	INIT_LIST_HEAD(&p2m->deferred);
	p2m->domid = domid;
	p2m->fmt = fmt;
	p2m_types_init(&p2m->types);
	cpumask_clear(&p2m->dirty_cpus);
	rc = p2m_pool_init(&p2m->pool, domid, pool_pages, fmt->root_order);
	if (rc) {
		return rc;
	}
	p2m->root = p2m->pool.root;
	p2m->root_maddr = mfn_to_maddr(page_to_mfn(p2m->root));
	return 0;
}

int p2m_init(struct p2m_domain *p2m, domid_t domid, unsigned long pool_pages)
{
	return p2m_init_format(p2m, domid, pool_pages, arch_p2m_format());
}

unsigned int p2m_gpa_bits(const struct p2m_domain *p2m)
{
	return p2m->fmt->gpa_bits;
}

void p2m_dump(const struct p2m_domain *p2m)
{
	const struct p2m_pool *pool = &p2m->pool;

	printk("  p2m d%u: %s, VMID %u, pool %lu pages: used %lu free %lu "
	       "high-water %lu\n",
	       p2m->domid, p2m->fmt->name, p2m->vmid, pool->total,
	       p2m_pool_used(pool), pool->nr_free, pool->high_water);
	printk("  p2m d%u: side slots %lu (%lu nodes), flushes %llu, "
	       "splits %llu, tables freed %llu\n",
	       p2m->domid, p2m->types.entries, p2m->types.nodes,
	       (unsigned long long)p2m->stats.flushes,
	       (unsigned long long)p2m->stats.splits,
	       (unsigned long long)p2m->stats.tables_freed);
}
