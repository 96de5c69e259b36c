// SPDX-License-Identifier: GPL-2.0
/*
 * Paravirtual guest page tables: the page-type state machine, pin /
 * validate / unpin, and the mmuext_op / mmu_update / multicall
 * hypercalls. docs/pv-mmu.md describes the state machine and names, for
 * every transition of the Promela model (tests/spin/pv_mm.pml), the one
 * function below that implements it; the functions carry the model's
 * transition name in their comment.
 *
 * Ideas from x86 Xen's get_page_type() / alloc_l*_table() (a frame has one
 * type at a time, a type count, a validated bit set only once all its
 * entries were checked) and from the advisories about them: a table is
 * made read-only before its contents are read (no check-then-use on guest
 * memory), counts never wrap, and a frame on the validation path has its
 * type set but not "validated", which is how a cycle is recognised.
 *
 * Guest stage-1 entries hold guest frame numbers; the frame behind one is
 * found through the domain's p2m. Stage-2 keeps every validated table
 * read-only (p2m_pt_pinned), so the only writers of a table are this file
 * and the hardware walker's reads see only validated entries.
 */
#include <public/xen-lite.h>
#include <xen-lite/errno.h>
#include <xen-lite/hypercall.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>
#include <xen-lite/pv_mm.h>
#include <xen-lite/race_window.h>
#include <xen-lite/sched.h>
#include <xen-lite/stall.h>

/* One operation in progress on one domain. */
struct pv_ctx {
	struct domain *d;
	struct pv_mm_domain *pv;
	unsigned long work; /* frame references taken by this operation */
	/*
	 * Work of the whole hypervisor entry (the calling vCPU's hc_work,
	 * or the caller's own counter): entries visited and references
	 * taken or dropped. Checked against PV_MM_ENTRY_WORK between
	 * operations and by pv_drain().
	 */
	unsigned long *spent;
	const void *owner; /* the calling vCPU (partial tables), or NULL */
	bool progress; /* this attempt took a reference or visited an entry */
	/*
	 * The table frame the last update wrote to (NULL: none). Valid only
	 * while d->pv_lock stays held: a frame's gfn -> mfn mapping cannot
	 * change under it (the balloon path takes the lock), and whether it
	 * is still a validated table is read from type_info every time.
	 */
	struct page_info *table_pg;
	gfn_t table_gfn;
	/*
	 * The last RAM superpage leaf of the p2m seen by pv_lookup() (nr = 0:
	 * none), under the same rule: only pv code changes p2m entries of
	 * the domain's RAM while pv_lock is held, and it drops this cache
	 * whenever it does (pv_retype()).
	 */
	u64 range_gfn, range_nr;
	mfn_t range_mfn;
	p2m_type_t range_type;
};

static const struct pv_pt_format *const pv_formats[] = {
#if defined(XL_HOST_TEST) || defined(CONFIG_ARCH_RISCV64)
	&pv_pt_sv39,
	&pv_pt_sv48,
#endif
#if defined(XL_HOST_TEST) || defined(CONFIG_ARCH_ARM64)
	&pv_pt_arm64_l4,
	&pv_pt_arm64_l3,
#endif
};

const struct pv_pt_format *pv_pt_format_by_id(unsigned int id)
{
	for (size_t i = 0; i < ARRAY_SIZE(pv_formats); i++) {
		if (pv_formats[i]->id == id) {
			return pv_formats[i];
		}
	}
	return NULL;
}

const struct pv_pt_format *pv_pt_format_default(void)
{
	return pv_formats[0];
}

static bool fmt_has_kernel_root(const struct pv_pt_format *fmt)
{
	return fmt->id == XL_PT_FORMAT_ARM64_L4 ||
	       fmt->id == XL_PT_FORMAT_ARM64_L3;
}

/* ---- type_info accessors (writers hold d->pv_lock) ---- */

static u64 ti_read(const struct page_info *pg)
{
	return __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE);
}

static void ti_write(struct page_info *pg, u64 ti)
{
	__atomic_store_n(&pg->type_info, ti, __ATOMIC_RELEASE);
}

static u64 ti_make(u64 type, u64 flags, u64 maps, u64 count)
{
	return (type << PGT_TYPE_SHIFT) | flags | (maps << PGT_MAP_SHIFT) |
	       count;
}

static bool pgt_is_table(u64 type)
{
	return type >= PGT_L1 && type <= PGT_L4;
}

static u64 pgt_table_type(unsigned int level)
{
	return PGT_L1 + level - 1;
}

static bool ti_idle(u64 ti)
{
	return pgt_count(ti) == 0 && pgt_maps(ti) == 0;
}

/*
 * The PV MMU keeps one general reference on a frame while any of its
 * counts is non-zero: taken when the first count is taken, dropped when
 * the last one goes.
 */
static int pv_hold(struct pv_ctx *c, struct page_info *pg, u64 ti)
{
	if (!ti_idle(ti)) {
		return 0;
	}
	return get_page(pg, c->d->id) ? 0 : -EOVERFLOW;
}

static void pv_release(struct page_info *pg, u64 ti)
{
	if (ti_idle(ti)) {
		put_page(pg);
	}
}

static void pv_spend(struct pv_ctx *c, unsigned long n)
{
	*c->spent += n;
}

/*
 * Retype one frame in the p2m (a walk, prepare and commit, a TLB flush):
 * it costs about as much as 128 references (measured with
 * tests/bench/max-entry.sh), and counts so.
 */
#define PV_RETYPE_WORK 128

/*
 * What visiting one request of a batch costs by itself, whatever it does
 * (a no-op update, a TLB flush): about two references. Measured with
 * tests/bench/max-entry.sh (its no-op multicall): an update that finds
 * the entry already holding the value takes 187 instructions on riscv64
 * and 136 on arm64, against 94-105 and about 80 per reference taken or
 * dropped. Uncharged, one entry ran a multicall of 4096-entry no-op
 * batches for 49 ms (riscv64).
 */
#define PV_VISIT_WORK 2

static int pv_retype(struct pv_ctx *c, gfn_t gfn, p2m_type_t from,
		     p2m_type_t to)
{
	pv_spend(c, PV_RETYPE_WORK);
	return p2m_change_type_range(c->d->p2m, gfn, 1, from, to);
}

static bool pv_entry_spent(const struct pv_ctx *c)
{
	stall_check(); /* every budget check is a preemption point */
	return *c->spent >= PV_MM_ENTRY_WORK;
}

/* One reference to take. Return: 0, or -ERESTART (budget spent). */
static int pv_budget(struct pv_ctx *c)
{
	if (*c->spent >= PV_MM_ENTRY_WORK) {
		return -ERESTART;
	}
	c->work++;
	c->progress = true;
	pv_spend(c, 1);
	return 0;
}

/*
 * Find the frame behind @gfn: it must be RAM of the domain (ram_rw,
 * ram_ro or an already validated table). Return: 0 or -EPERM.
 */
static int pv_lookup(struct pv_ctx *c, gfn_t gfn, p2m_type_t *t,
		     struct page_info **pgp)
{
	u64 g = gfn_x(gfn);
	struct page_info *pg;
	unsigned int order;
	mfn_t mfn;

	if (g - c->range_gfn < c->range_nr) {
		mfn = mfn_add(c->range_mfn, g - c->range_gfn);
		*t = c->range_type;
	} else {
		mfn = p2m_lookup(c->d->p2m, gfn, t, &order);
		if (order && !mfn_eq(mfn, INVALID_MFN) &&
		    (*t == p2m_ram_rw || *t == p2m_ram_ro)) {
			c->range_nr = 1ULL << order;
			c->range_gfn = g & ~(c->range_nr - 1);
			c->range_mfn = _mfn(mfn_x(mfn) - (g - c->range_gfn));
			c->range_type = *t;
		}
	}

	if (mfn_eq(mfn, INVALID_MFN) || !mfn_valid(mfn)) {
		return -EPERM;
	}
	if (*t != p2m_ram_rw && *t != p2m_ram_ro && *t != p2m_pt_pinned) {
		return -EPERM;
	}
	pg = mfn_to_page(mfn);
	if (pg->state != PGS_DOMAIN || pg->owner != c->d->id) {
		return -EPERM;
	}
	*pgp = pg;
	return 0;
}

/* ---- leaf references ---- */

/* Model: map_w. A writable leaf maps @pg: type "writable", count + 1. */
static int pgt_get_writable(struct pv_ctx *c, struct page_info *pg)
{
	u64 ti = ti_read(pg);
	u64 count = pgt_count(ti);
	int rc;

	if (count && pgt_type(ti) != PGT_WRITABLE) {
		return -EBUSY;
	}
	if (count == PGT_COUNT_MAX) {
		return -EOVERFLOW;
	}
	rc = pv_budget(c);
	if (rc) {
		return rc;
	}
	rc = pv_hold(c, pg, ti);
	if (rc) {
		return rc;
	}
	ti_write(pg, ti_make(PGT_WRITABLE, 0, pgt_maps(ti), count + 1));
	return 0;
}

/* Model: unmap_w. A writable leaf of @pg goes away. */
static void pgt_put_writable(struct page_info *pg)
{
	u64 ti = ti_read(pg);
	u64 count = pgt_count(ti);

	if (!count || pgt_type(ti) != PGT_WRITABLE) {
		return;
	}
	count--;
	ti = ti_make(count ? PGT_WRITABLE : PGT_NONE, 0, pgt_maps(ti), count);
	ti_write(pg, ti);
	pv_release(pg, ti);
}

/* Model: map_ro. A read-only leaf maps @pg, whatever its type. */
static int pgt_get_map(struct pv_ctx *c, struct page_info *pg)
{
	u64 ti = ti_read(pg);
	int rc;

	if (pgt_maps(ti) == PGT_MAP_MAX) {
		return -EOVERFLOW;
	}
	rc = pv_budget(c);
	if (rc) {
		return rc;
	}
	rc = pv_hold(c, pg, ti);
	if (rc) {
		return rc;
	}
	ti_write(pg, ti + (1ULL << PGT_MAP_SHIFT));
	return 0;
}

/* Model: unmap_ro. */
static void pgt_put_map(struct page_info *pg)
{
	u64 ti = ti_read(pg);

	if (!pgt_maps(ti)) {
		return;
	}
	ti -= 1ULL << PGT_MAP_SHIFT;
	ti_write(pg, ti);
	pv_release(pg, ti);
}

static int pgt_get_table(struct pv_ctx *c, gfn_t gfn, unsigned int level);
static void pgt_put_table(struct pv_ctx *c, gfn_t gfn, unsigned int level);
static void pv_dead(struct pv_ctx *c, gfn_t gfn, struct page_info *pg);

static void put_leaf_frames(struct pv_ctx *c, gfn_t gfn, u64 nr, bool write)
{
	pv_spend(c, nr);
	for (u64 i = 0; i < nr; i++) {
		struct page_info *pg;
		p2m_type_t t;

		/*
		 * Cannot fail for a validated leaf: its frames stay mapped
		 * while busy (pv_mm_page_busy()). Skipped if it ever did,
		 * which can only leak a reference, never underflow one.
		 */
		if (pv_lookup(c, gfn_add(gfn, i), &t, &pg)) {
			continue;
		}
		if (write) {
			pgt_put_writable(pg);
		} else {
			pgt_put_map(pg);
		}
	}
}

/*
 * A leaf at @level maps [gfn, gfn + 512^(level-1)): every frame must be
 * RAM of the domain, and for a writable leaf writable RAM that is not a
 * table. On failure the references taken so far are dropped again.
 */
static int get_leaf(struct pv_ctx *c, const struct pv_pte *e,
		    unsigned int level)
{
	u64 nr = 1ULL << (9 * (level - 1));
	u64 i;
	int rc = 0;

	if (e->write && e->exec && c->d->cfg.pv_no_wx) {
		return -EACCES;
	}
	/*
	 * A leaf's references are taken in one go (a validation stops
	 * between entries, not inside one): a leaf larger than a budget (a
	 * 1 GiB one: 262,144 frames) can never be, and one that does not fit
	 * in what is left of this entry's budget is retried in the next
	 * before any reference is taken (pv_budget() would stop it part way,
	 * and taking and dropping the part was wasted work).
	 */
	if (nr > PV_MM_ENTRY_WORK) {
		return -E2BIG;
	}
	if (*c->spent + nr > PV_MM_ENTRY_WORK) {
		return -ERESTART;
	}
	for (i = 0; i < nr; i++) {
		struct page_info *pg;
		p2m_type_t t;

		rc = pv_lookup(c, gfn_add(e->gfn, i), &t, &pg);
		if (rc) {
			break;
		}
		if (e->write && t == p2m_ram_ro) {
			rc = -EPERM;
			break;
		}
		rc = e->write ? pgt_get_writable(c, pg) : pgt_get_map(c, pg);
		if (rc) {
			break;
		}
	}
	if (rc) {
		put_leaf_frames(c, e->gfn, i, e->write);
	}
	return rc;
}

/*
 * Take the references entry @pte of a level-@level table needs.
 * Return: 0, -EINVAL (encoding), or an error of the reference taken.
 */
static int get_entry(struct pv_ctx *c, u64 pte, unsigned int level)
{
	struct pv_pte e;
	int rc = c->pv->fmt->decode(pte, level, &e);

	if (rc) {
		return rc;
	}
	switch (e.kind) {
	case PV_PTE_TABLE:
		return pgt_get_table(c, e.gfn, level - 1);
	case PV_PTE_LEAF:
		return get_leaf(c, &e, level);
	default:
		return 0;
	}
}

/* Drop what get_entry() took for the decoded entry @e. */
static void put_decoded(struct pv_ctx *c, const struct pv_pte *e,
			unsigned int level)
{
	if (e->kind == PV_PTE_TABLE) {
		pgt_put_table(c, e->gfn, level - 1);
	} else if (e->kind == PV_PTE_LEAF) {
		put_leaf_frames(c, e->gfn, 1ULL << (9 * (level - 1)), e->write);
	}
}

/* Drop what get_entry() took for @pte (a validated entry). */
static void put_entry(struct pv_ctx *c, u64 pte, unsigned int level)
{
	struct pv_pte e;

	if (!c->pv->fmt->decode(pte, level, &e)) {
		put_decoded(c, &e, level);
	}
}

static u64 *table_slot(struct page_info *pg, unsigned int idx)
{
	return (u64 *)page_to_virt(pg) + idx;
}

/* ---- tables validated or devalidated over several entries ---- */

static struct pv_mm_tbl *tbl_new(gfn_t gfn, struct page_info *pg,
				 unsigned int level, unsigned int nr)
{
	struct pv_mm_tbl *n = xzalloc(sizeof(*n));

	if (n) {
		n->gfn = gfn;
		n->pg = pg;
		n->level = level;
		n->nr = nr;
	}
	return n;
}

/* Queue @n for devalidation: its table is PGT_DYING. */
static void pv_defer(struct pv_ctx *c, struct pv_mm_tbl *n)
{
	n->next = NULL;
	if (!c->pv->dying) {
		c->pv->dying_tail = &c->pv->dying;
	}
	*c->pv->dying_tail = n;
	c->pv->dying_tail = &n->next;
}

/* Take the record of the partially validated table @pg off its list. */
static struct pv_mm_tbl *partial_unlink(struct pv_mm_domain *pv,
					const struct page_info *pg)
{
	for (struct pv_mm_tbl **np = &pv->partial; *np; np = &(*np)->next) {
		struct pv_mm_tbl *n = *np;

		if (n->pg == pg) {
			*np = n->next;
			return n;
		}
	}
	return NULL;
}

/*
 * The partially validated tables of @owner's operations (NULL: every
 * one) are abandoned: each record holds its table's only type reference,
 * so the table dies and the devalidation queue drops the references of
 * its entries [0, nr) a budget at a time. O(1) each, no allocation.
 */
static void pv_release_partial(struct pv_ctx *c, const void *owner)
{
	struct pv_mm_tbl **np = &c->pv->partial;

	while (*np) {
		struct pv_mm_tbl *n = *np;
		u64 ti;

		if (owner && n->owner != owner) {
			np = &n->next;
			continue;
		}
		*np = n->next;
		ti = ti_read(n->pg);
		ti_write(n->pg, (ti & ~PGT_PARTIAL) | PGT_DYING);
		pv_defer(c, n);
	}
}

/* Model: devalidate. Drop the references of every entry of a table. */
static void devalidate(struct pv_ctx *c, struct page_info *pg,
		       unsigned int level, unsigned int nr)
{
	while (nr--) {
		put_entry(c, READ_ONCE(*table_slot(pg, nr)), level);
	}
}

/*
 * Check the entries of the table @n (at @gfn, typed, read-only, one type
 * reference held for our caller) from n->nr on, as far as the entry's
 * work budget goes (the idea of x86 Xen's PGT_partial). All checked: the
 * table is VALIDATED and the caller has its reference. Budget spent
 * (-ERESTART): it becomes PGT_PARTIAL, @n records how far it got (entries
 * [0, nr) hold their references) and holds the type reference on the
 * partial list, for the continued operation, which resumes it where it
 * stopped, to take; if nobody does, the owner's next operation to end
 * (or the vCPU going down, or teardown) gives it to the devalidation
 * queue. A bad entry: the table dies (PGT_DYING, queued with the
 * entries that took references) and the error is returned.
 */
static int pgt_validate(struct pv_ctx *c, struct pv_mm_tbl *n)
{
	struct page_info *pg = n->pg;
	unsigned int i;
	int rc = 0;

	for (i = n->nr; i < PV_PT_ENTRIES; i++) {
		if (pv_entry_spent(c)) {
			rc = -ERESTART;
			break;
		}
		pv_spend(c, 1);
		c->progress = true;
		rc = get_entry(c, READ_ONCE(*table_slot(pg, i)), n->level);
		if (rc) {
			break;
		}
	}
	c->pv->stats.entries += i - n->nr;
	n->nr = i;
	if (rc == -ERESTART) {
		n->owner = c->owner;
		n->next = c->pv->partial;
		c->pv->partial = n;
		c->pv->stats.partial++;
		ti_write(pg, ti_read(pg) | PGT_PARTIAL);
		return rc;
	}
	if (rc) {
		ti_write(pg, ti_read(pg) | PGT_DYING);
		pv_defer(c, n);
		return rc;
	}
	xfree(n);
	ti_write(pg, ti_read(pg) | PGT_VALIDATED);
	c->pv->stats.validated++;
	return 0;
}

/*
 * Model: get_table (+ validate). Take a reference on the level-@level
 * table at @gfn, validating it when it is the first: the frame becomes
 * read-only in the p2m (and the TLBs) before any entry is read, its type
 * is set without the validated bit while its entries are checked, and
 * the bit is set once they all passed. Meeting a table type without the
 * validated bit (and not PGT_PARTIAL, a validation at rest) means the
 * frame is on the current validation path: a cycle. A partially
 * validated table is resumed where it stopped (pgt_validate()), by
 * whichever operation meets it, which takes its reference when done.
 * Return: 0, -ERESTART (budget spent, continue), -EPERM (not the domain's
 * writable RAM), -EBUSY (another type), -ELOOP (cycle), -EOVERFLOW,
 * -ENOMEM, -E2BIG (a 1 GiB leaf), or the error of the first bad entry.
 */
static int pgt_get_table(struct pv_ctx *c, gfn_t gfn, unsigned int level)
{
	u64 want = pgt_table_type(level);
	struct pv_mm_tbl *n;
	struct page_info *pg;
	p2m_type_t t;
	u64 ti;
	int rc;

	rc = pv_lookup(c, gfn, &t, &pg);
	if (rc) {
		return rc;
	}
	ti = ti_read(pg);
	if (ti & PGT_DYING) {
		/* Its devalidation must finish first: pv_drain(). */
		return -ERESTART;
	}
	if (pgt_count(ti)) {
		if (pgt_type(ti) != want) {
			return pgt_is_table(pgt_type(ti)) &&
					       !(ti & (PGT_VALIDATED |
						       PGT_PARTIAL)) ?
				       -ELOOP :
				       -EBUSY;
		}
		if (ti & PGT_PARTIAL) {
			n = partial_unlink(c->pv, pg);
			if (!n) {
				return -EBUSY; /* cannot happen */
			}
			/* On the validation path again: cycles show. */
			ti_write(pg, ti & ~PGT_PARTIAL);
			return pgt_validate(c, n);
		}
		if (!(ti & PGT_VALIDATED)) {
			return -ELOOP;
		}
		if (pgt_count(ti) == PGT_COUNT_MAX) {
			return -EOVERFLOW;
		}
		ti_write(pg, ti + 1);
		return 0;
	}
	if (t != p2m_ram_rw) {
		return -EPERM;
	}
	rc = pv_budget(c);
	if (rc) {
		return rc;
	}
	/* Allocated now, so that stopping or failing later cannot fail. */
	n = tbl_new(gfn, pg, level, 0);
	if (!n) {
		return -ENOMEM;
	}
	c->range_nr = 0;
	rc = pv_retype(c, gfn, p2m_ram_rw, p2m_pt_pinned);
	if (rc) {
		xfree(n);
		return rc;
	}
	/* Read-only now: its entries cannot change while they are checked. */
	rc = pv_hold(c, pg, ti);
	if (rc) {
		xfree(n);
		c->range_nr = 0;
		if (pv_retype(c, gfn, p2m_pt_pinned, p2m_ram_rw)) {
			c->pv->stats.restore_errors++;
		}
		return rc;
	}
	ti_write(pg, ti_make(want, 0, pgt_maps(ti), 1));
	return pgt_validate(c, n);
}

/*
 * Model: put_table (+ devalidate). Drop one reference on the table at
 * @gfn; the last one drops the references of its entries (recursively)
 * and gives the frame back to the guest as writable RAM.
 */
static void pgt_put_table(struct pv_ctx *c, gfn_t gfn, unsigned int level)
{
	struct pv_mm_tbl *n;
	struct page_info *pg;
	p2m_type_t t;
	u64 ti;

	if (pv_lookup(c, gfn, &t, &pg)) {
		return;
	}
	ti = ti_read(pg);
	if (!pgt_count(ti) || pgt_type(ti) != pgt_table_type(level)) {
		return;
	}
	if (pgt_count(ti) > 1) {
		ti_write(pg, ti - 1);
		return;
	}
	if (ti & (PGT_DYING | PGT_PARTIAL)) {
		return; /* the queue's or the record's: never dropped here */
	}
	pv_spend(c, 1);
	/*
	 * The last reference. Still typed (count 1) while its entries go:
	 * cycles stay visible, and nothing can take it again meanwhile
	 * (pgt_get_table() waits for a dying table). Its entries are
	 * dropped by pv_drain(), a budget at a time.
	 */
	ti_write(pg, (ti & ~PGT_VALIDATED) | PGT_DYING);
	n = tbl_new(gfn, pg, level, PV_PT_ENTRIES);
	if (n) {
		pv_defer(c, n);
	} else {
		/* No memory for the queue: drop them now (unbounded). */
		devalidate(c, pg, level, PV_PT_ENTRIES);
		pv_dead(c, gfn, pg);
	}
}

/* A dying table has no entries left: an ordinary frame again. */
static void pv_dead(struct pv_ctx *c, gfn_t gfn, struct page_info *pg)
{
	u64 ti = ti_make(PGT_NONE, 0, pgt_maps(ti_read(pg)), 0);

	ti_write(pg, ti);
	pv_release(pg, ti);
	c->range_nr = 0;
	if (pv_retype(c, gfn, p2m_pt_pinned, p2m_ram_rw)) {
		c->pv->stats.restore_errors++;
	}
}

/*
 * Drop the entries of dying tables until the queue is empty (0) or the
 * entry's work budget is spent (-ERESTART). Tables whose last reference
 * goes meanwhile join the end of the queue: no recursion, and every
 * entry dropped counts.
 */
static int pv_drain(struct pv_ctx *c)
{
	struct pv_mm_domain *pv = c->pv;

	while (pv->dying) {
		struct pv_mm_tbl *n = pv->dying;

		while (n->nr) {
			u64 pte = READ_ONCE(*table_slot(n->pg, n->nr - 1));
			unsigned long cost = 1;
			struct pv_pte e;

			/*
			 * An entry at a time, whole: a 2 MiB leaf's 512
			 * references wait for the next entry if they do not
			 * fit in what is left of this one's budget.
			 */
			if (c->pv->fmt->decode(pte, n->level, &e)) {
				e.kind = PV_PTE_ABSENT; /* never validated */
			} else if (e.kind == PV_PTE_LEAF) {
				cost += 1UL << (9 * (n->level - 1));
			}
			if (pv_entry_spent(c) ||
			    *c->spent + cost > PV_MM_ENTRY_WORK) {
				return -ERESTART;
			}
			n->nr--;
			pv_spend(c, 1);
			put_decoded(c, &e, n->level);
		}
		pv->dying = n->next;
		pv_dead(c, n->gfn, n->pg);
		xfree(n);
	}
	return 0;
}

/* ---- operations ---- */

/*
 * The PV state of @d, created on first use. Called with d->pv_lock held.
 * A dying domain gets none: its teardown (pv_mm_domain_teardown(), under
 * the same lock, after DOM_DYING was set) may have freed it already, and
 * recreating it would pin frames of a domain whose p2m is going away.
 */
static int pv_state(struct domain *d, struct pv_mm_domain **out)
{
	enum domain_state s = READ_ONCE(d->state);

	if (s != DOM_RUNNING && s != DOM_BUILDING && s != DOM_SHUTTING_DOWN) {
		return -ESRCH;
	}
	if (!d->pv_mm) {
		d->pv_mm = xzalloc(sizeof(*d->pv_mm));
		if (!d->pv_mm) {
			return -ENOMEM;
		}
		d->pv_mm->fmt = pv_pt_format_default();
	}
	*out = d->pv_mm;
	return 0;
}

/* Model: pin. */
/*
 * @d is a PV domain from now on: the entry checks of each of its vCPUs
 * (Arm arm_pv_sync(), RISC-V riscv_pv_prepare_entry()) must see it before
 * the vCPU runs again; they are skipped while the CPU's work word is
 * empty (xen-lite/work.h). Its own vCPU, the caller, looks on the way
 * back to the guest; any other at its next exit, as before.
 */
static void pv_mm_set_active(struct domain *d)
{
	if (READ_ONCE(d->pv_mm_active)) {
		return;
	}
	WRITE_ONCE(d->pv_mm_active, true);
	sched_domain_work(d, WORK_PV);
}

static int pv_pin(struct pv_ctx *c, gfn_t gfn, unsigned int level)
{
	struct pv_mm_pin *pin;
	struct page_info *pg;
	p2m_type_t t;
	int rc;

	if (level > c->pv->fmt->levels) {
		return -EINVAL;
	}
	rc = pv_lookup(c, gfn, &t, &pg);
	if (rc) {
		return rc;
	}
	if (ti_read(pg) & PGT_PINNED) {
		return -EEXIST;
	}
	if (c->pv->nr_pins >= PV_MM_MAX_PINS) {
		return -ENOSPC;
	}
	pin = xmalloc(sizeof(*pin));
	if (!pin) {
		return -ENOMEM;
	}
	rc = pgt_get_table(c, gfn, level);
	if (rc) {
		xfree(pin);
		return rc;
	}
	ti_write(pg, ti_read(pg) | PGT_PINNED);
	pv_mm_set_active(c->d);
	pin->gfn = gfn;
	pin->mfn = page_to_mfn(pg);
	pin->next = c->pv->pins;
	c->pv->pins = pin;
	c->pv->nr_pins++;
	return 0;
}

static struct pv_mm_pin *pin_unlink(struct pv_mm_domain *pv, mfn_t mfn)
{
	for (struct pv_mm_pin **pp = &pv->pins; *pp; pp = &(*pp)->next) {
		struct pv_mm_pin *pin = *pp;

		if (mfn_eq(pin->mfn, mfn)) {
			*pp = pin->next;
			pv->nr_pins--;
			return pin;
		}
	}
	return NULL;
}

/*
 * Model: unpin. Only the pin's own reference may be left: a table that
 * is a base pointer or an entry of another table stays pinned (-EBUSY).
 */
static int pv_unpin(struct pv_ctx *c, gfn_t gfn)
{
	struct pv_mm_pin *pin;
	struct page_info *pg;
	p2m_type_t t;
	u64 ti;
	int rc;

	rc = pv_lookup(c, gfn, &t, &pg);
	if (rc) {
		return rc;
	}
	ti = ti_read(pg);
	if (!(ti & PGT_PINNED)) {
		return -ENOENT;
	}
	if (pgt_count(ti) > 1) {
		return -EBUSY;
	}
	pin = pin_unlink(c->pv, page_to_mfn(pg));
	xfree(pin);
	ti_write(pg, ti & ~PGT_PINNED);
	pgt_put_table(c, gfn, pgt_type(ti) - PGT_L1 + 1);
	return 0;
}

/* Model: new_baseptr. */
static int pv_new_baseptr(struct pv_ctx *c, struct vcpu *v, gfn_t gfn, u64 arg2)
{
	unsigned int slot = arg2 & 1;
	u16 asid = (u16)(arg2 >> XL_BASEPTR_ASID_SHIFT);
	const struct pv_pt_format *fmt = c->pv->fmt;
	struct pv_mm_base *b;
	struct page_info *pg;
	p2m_type_t t;
	u64 ti;
	int rc;

	if (c->d != v->domain || v->id >= CONFIG_MAX_VCPUS ||
	    (arg2 & ~(1ULL | (0xffffULL << XL_BASEPTR_ASID_SHIFT))) ||
	    (slot == XL_BASEPTR_KERNEL && !fmt_has_kernel_root(fmt))) {
		return -EINVAL;
	}
	b = &c->pv->base[v->id][slot];
	if (gfn_x(gfn) == XL_BASEPTR_NONE) {
		/* Drop the base pointer: translation off (RISC-V) / TTBR 0. */
		if (b->set) {
			pgt_put_table(c, b->gfn, fmt->levels);
			b->set = false;
		}
		arch_pv_set_baseptr(v, slot, _gfn(0), 0, 0);
		return 0;
	}
	rc = pv_lookup(c, gfn, &t, &pg);
	if (rc) {
		return rc;
	}
	ti = ti_read(pg);
	if (!(ti & PGT_PINNED)) {
		return -ENOENT;
	}
	if (pgt_type(ti) != pgt_table_type(fmt->levels)) {
		return -EINVAL;
	}
	rc = pgt_get_table(c, gfn, fmt->levels);
	if (rc) {
		return rc;
	}
	pv_mm_set_active(c->d);
	if (b->set) {
		pgt_put_table(c, b->gfn, fmt->levels);
	}
	b->set = true;
	b->gfn = gfn;
	b->mfn = page_to_mfn(pg);
	arch_pv_set_baseptr(v, slot, gfn, fmt->levels, asid);
	return 0;
}

static int pv_set_format(struct pv_ctx *c, u64 id)
{
	const struct pv_pt_format *fmt = pv_pt_format_by_id((unsigned int)id);

	if (!fmt || id > 0xffff || !arch_pv_levels_supported(fmt->levels)) {
		return -EINVAL;
	}
	if (c->pv->nr_pins) {
		return -EBUSY;
	}
	for (unsigned int i = 0; i < CONFIG_MAX_VCPUS; i++) {
		if (c->pv->base[i][0].set || c->pv->base[i][1].set) {
			return -EBUSY;
		}
	}
	c->pv->fmt = fmt;
	return 0;
}

static int pv_tlb_op(struct pv_ctx *c, struct vcpu *v,
		     const struct xl_mmuext_op *op)
{
	struct domain *d = v->domain;
	u64 all = d->nr_vcpus >= 64 ? ~0ULL : (1ULL << d->nr_vcpus) - 1;
	u64 mask;

	if (c->d != d) {
		return -EINVAL;
	}
	switch (op->cmd) {
	case XL_MMUEXT_TLB_FLUSH_LOCAL:
	case XL_MMUEXT_INVLPG_LOCAL:
		mask = 1ULL << v->id;
		break;
	case XL_MMUEXT_TLB_FLUSH_MULTI:
	case XL_MMUEXT_INVLPG_MULTI:
		mask = op->arg2;
		if (!mask || (mask & ~all)) {
			return -EINVAL;
		}
		break;
	default:
		mask = all;
		break;
	}
	arch_pv_tlb_flush(v, mask,
			  op->cmd == XL_MMUEXT_TLB_FLUSH_LOCAL ||
				  op->cmd == XL_MMUEXT_TLB_FLUSH_MULTI ||
				  op->cmd == XL_MMUEXT_TLB_FLUSH_ALL,
			  op->arg1);
	return 0;
}

/*
 * Model: update. Replace the entry at guest physical @ptr, inside a
 * validated table, by @val: the new entry's references are taken first
 * (nothing changes if that fails), then the entry is written with one
 * store, then the old entry's references are dropped.
 * Return: 0, -EINVAL (unaligned), -EFAULT (not the domain's RAM),
 * -ENOENT (not a validated table), or the error of the new entry.
 */
static int pv_update(struct pv_ctx *c, u64 ptr, u64 val)
{
	struct page_info *pg;
	unsigned int level;
	p2m_type_t t;
	u64 ti, old, *slot;
	int rc;

	if (ptr & 7) {
		return -EINVAL;
	}
	if (c->table_pg && gfn_x(c->table_gfn) == gfn_x(gaddr_to_gfn(ptr))) {
		/* A validated table is always p2m_pt_pinned (rule 3). */
		pg = c->table_pg;
	} else {
		if (pv_lookup(c, gaddr_to_gfn(ptr), &t, &pg)) {
			return -EFAULT;
		}
		if (t != p2m_pt_pinned) {
			return -ENOENT;
		}
	}
	ti = ti_read(pg);
	if (!pgt_count(ti) || !pgt_is_table(pgt_type(ti)) ||
	    !(ti & PGT_VALIDATED)) {
		return -ENOENT;
	}
	c->table_pg = pg;
	c->table_gfn = gaddr_to_gfn(ptr);
	level = pgt_type(ti) - PGT_L1 + 1;
	slot = table_slot(pg, (ptr & (PAGE_SIZE - 1)) / sizeof(u64));
	old = READ_ONCE(*slot);
	if (old == val) {
		return 0;
	}
	rc = get_entry(c, val, level);
	if (rc) {
		return rc;
	}
	__atomic_store_n(slot, val, __ATOMIC_RELEASE);
	put_entry(c, old, level);
	c->pv->stats.updates++;
	return 0;
}

/*
 * The target of a batch: the caller's domain, or for a privileged caller
 * the domain the status names. Another domain is held by a reference
 * (domain_by_id()) until batch_end(), and every operation checks again,
 * under its pv_lock, that it is alive (pv_state()): it may shut down and
 * be torn down on another CPU in the middle of the batch.
 */
struct pv_batch {
	struct domain *d;
	bool foreign;
	unsigned long done_before; /* entries done by earlier continuations */
	struct xl_pv_batch_status st;
};

static int batch_begin(struct vcpu *v, unsigned long count_arg,
		       unsigned long status_gpa, struct pv_batch *b)
{
	struct domain *d = v->domain;
	struct domain *fd;

	memset(b, 0, sizeof(*b));
	b->d = d;
	b->st.domid = XL_DOMID_SELF;
	b->done_before = count_arg >> HC_DONE_SHIFT;
	if ((count_arg & HC_COUNT_MASK) > XL_PV_BATCH_MAX ||
	    ((count_arg & HC_DRAIN_ONLY) && (count_arg & HC_COUNT_MASK)) ||
	    ((count_arg & HC_STATUS_FAULT) && !(count_arg & HC_DRAIN_ONLY))) {
		return -EINVAL;
	}
	if (status_gpa &&
	    copy_from_guest(d, &b->st, status_gpa, sizeof(b->st))) {
		return -EFAULT;
	}
	if (b->st.domid == XL_DOMID_SELF || b->st.domid == d->id) {
		return 0;
	}
	if (!d->cfg.privileged) {
		return -EPERM;
	}
	fd = domain_by_id(b->st.domid);
	if (!fd) {
		return -ESRCH;
	}
	if (READ_ONCE(fd->state) != DOM_RUNNING &&
	    READ_ONCE(fd->state) != DOM_BUILDING) {
		domain_put(fd);
		return -ESRCH;
	}
	b->d = fd;
	b->foreign = true;
	return 0;
}

static int batch_drain(struct vcpu *v, struct domain *d);
static long batch_continue(struct vcpu *v, struct pv_batch *b,
			   unsigned long next_gpa, unsigned long left,
			   unsigned int done, unsigned long status_gpa);

/*
 * The batch is over: the status and the result. A batch that stopped on
 * an error may have released tables before it; they are devalidated
 * before the guest gets the result too (HC_DRAIN_ONLY continuations).
 */
static long batch_end(struct vcpu *v, unsigned long status_gpa,
		      struct pv_batch *b, unsigned int done, int err)
{
	unsigned long total = b->done_before + done;
	long ret = (long)total;

	b->st.done = (u32)total;
	b->st.error = err;
	b->st.index = err ? (u32)total : ~0U;
	if (status_gpa &&
	    copy_to_guest(v->domain, status_gpa, &b->st, sizeof(b->st))) {
		ret = total ? (long)total : -EFAULT;
	}
	/*
	 * Drained whether or not the status could be written: it may sit in
	 * a frame the batch released (typed as a table until devalidated),
	 * and the guest must not get the result with tables still pending.
	 */
	if (err && batch_drain(v, b->d) == -ERESTART) {
		return batch_continue(v, b, 0,
				      HC_DRAIN_ONLY |
					      (ret < 0 ? HC_STATUS_FAULT : 0),
				      done, status_gpa);
	}
	if (b->foreign) {
		domain_put(b->d);
	}
	return ret;
}

/* A continued batch that only has tables left to devalidate. */
static long batch_drain_only(struct vcpu *v, unsigned long status_gpa,
			     unsigned long count_arg, struct pv_batch *b)
{
	unsigned long fault = count_arg & HC_STATUS_FAULT;

	if (batch_drain(v, b->d) == -ERESTART) {
		return batch_continue(v, b, 0, HC_DRAIN_ONLY | fault, 0,
				      status_gpa);
	}
	if (b->foreign) {
		domain_put(b->d);
	}
	/* The status was written before, or could not be (then -EFAULT). */
	return fault ? -EFAULT : (long)b->done_before;
}

/*
 * The entry's work budget is spent: have the guest re-enter the call for
 * the @left entries from @next_gpa on (the status is written only at the
 * end, with the total).
 */
static long batch_continue(struct vcpu *v, struct pv_batch *b,
			   unsigned long next_gpa, unsigned long left,
			   unsigned int done, unsigned long status_gpa)
{
	if (b->foreign) {
		domain_put(b->d);
	}
	return hypercall_continue(
		v, next_gpa, left | ((b->done_before + done) << HC_DONE_SHIFT),
		status_gpa, 0, 0);
}

/*
 * At the end of a batch: the tables it released finish their
 * devalidation before the guest sees the result (so a frame it unpinned
 * is writable RAM again), in bounded steps. Return: 0 or -ERESTART.
 */
static int batch_drain(struct vcpu *v, struct domain *d)
{
	struct pv_ctx c = { .d = d, .spent = &v->hc_work };
	int rc = 0;

	spin_lock(&d->pv_lock);
	c.pv = d->pv_mm;
	if (c.pv && READ_ONCE(d->state) != DOM_DYING) {
		rc = pv_drain(&c);
	}
	spin_unlock(&d->pv_lock);
	return rc;
}

/*
 * An operation returned. -ERESTART from an attempt that began with a
 * whole budget and did nothing can never succeed (-E2BIG; cannot happen:
 * every attempt checks at least one entry or takes one reference, and a
 * validation stopped part way is resumed where it stopped). Any other
 * end abandons the partially validated tables of the caller's earlier
 * attempts that nothing took (pv_release_partial()).
 */
static int pv_op_end(struct pv_ctx *c, bool fresh, int rc)
{
	if (rc == -ERESTART && fresh && !c->progress) {
		rc = -E2BIG;
	}
	if (rc != -ERESTART && c->pv->partial) {
		pv_release_partial(c, c->owner);
	}
	return rc;
}

/*
 * Run one operation under the domain's PV lock, the devalidation queue
 * first. Return: its result, or -ERESTART (budget spent before it ran).
 */
static int pv_mmuext_one(struct vcpu *v, struct domain *d,
			 const struct xl_mmuext_op *op)
{
	struct pv_ctx c = { .d = d, .spent = &v->hc_work, .owner = v };
	bool fresh;
	int rc;

	if (op->pad) {
		return -EINVAL;
	}
	spin_lock(&d->pv_lock);
	rc = pv_state(d, &c.pv);
	if (rc) {
		goto out;
	}
	rc = pv_drain(&c);
	if (rc) {
		goto out;
	}
	/* After the drain: what it spent is not this operation's. */
	fresh = v->hc_work == 0;
	switch (op->cmd) {
	case XL_MMUEXT_PIN_L1_TABLE:
	case XL_MMUEXT_PIN_L2_TABLE:
	case XL_MMUEXT_PIN_L3_TABLE:
	case XL_MMUEXT_PIN_L4_TABLE:
		rc = pv_pin(&c, _gfn(op->arg1), op->cmd + 1);
		break;
	case XL_MMUEXT_UNPIN_TABLE:
		rc = pv_unpin(&c, _gfn(op->arg1));
		break;
	case XL_MMUEXT_NEW_BASEPTR:
		rc = pv_new_baseptr(&c, v, _gfn(op->arg1), op->arg2);
		break;
	case XL_MMUEXT_TLB_FLUSH_LOCAL:
	case XL_MMUEXT_INVLPG_LOCAL:
	case XL_MMUEXT_TLB_FLUSH_MULTI:
	case XL_MMUEXT_INVLPG_MULTI:
	case XL_MMUEXT_TLB_FLUSH_ALL:
	case XL_MMUEXT_INVLPG_ALL:
		rc = pv_tlb_op(&c, v, op);
		break;
	case XL_MMUEXT_SET_FORMAT:
		rc = pv_set_format(&c, op->arg1);
		break;
	default:
		rc = -EINVAL;
		break;
	}
	rc = pv_op_end(&c, fresh, rc);
out:
	spin_unlock(&d->pv_lock);
	return rc;
}

long do_mmuext_op(struct vcpu *v, unsigned long ops_gpa,
		  unsigned long count_arg, unsigned long done_gpa)
{
	unsigned long count = count_arg & HC_COUNT_MASK;
	struct xl_mmuext_op op;
	struct pv_batch b;
	unsigned int done;
	int rc = batch_begin(v, count_arg, done_gpa, &b);

	if (rc) {
		return rc;
	}
	if (count_arg & HC_DRAIN_ONLY) {
		return batch_drain_only(v, done_gpa, count_arg, &b);
	}
	for (done = 0; done < count; done++) {
		if (v->hc_work >= PV_MM_ENTRY_WORK) {
			rc = -ERESTART;
			break;
		}
		if (copy_from_guest(v->domain, &op,
				    ops_gpa + (u64)done * sizeof(op),
				    sizeof(op))) {
			rc = -EFAULT;
			break;
		}
		if (b.foreign) {
			race_window(); /* finding 5: the target dies here */
		}
		rc = pv_mmuext_one(v, b.d, &op);
		if (rc) {
			break;
		}
		v->hc_work += PV_VISIT_WORK;
	}
	if (!rc) {
		rc = batch_drain(v, b.d);
	}
	if (rc == -ERESTART) {
		return batch_continue(v, &b, ops_gpa + (u64)done * sizeof(op),
				      count - done, done, done_gpa);
	}
	return batch_end(v, done_gpa, &b, done, rc);
}

/* Requests read from guest memory at once by do_mmu_update(). */
#define PV_UPDATE_CHUNK 32

long do_mmu_update(struct vcpu *v, unsigned long reqs_gpa,
		   unsigned long count_arg, unsigned long done_gpa)
{
	unsigned long count = count_arg & HC_COUNT_MASK;
	struct xl_mmu_update buf[PV_UPDATE_CHUNK];
	unsigned int done;
	struct pv_batch b;
	int rc = batch_begin(v, count_arg, done_gpa, &b);

	if (rc) {
		return rc;
	}
	if (count_arg & HC_DRAIN_ONLY) {
		return batch_drain_only(v, done_gpa, count_arg, &b);
	}
	/*
	 * A chunk of requests is read, then applied under one hold of the
	 * domain's pv_lock (the table frame looked up for one entry serves
	 * the next ones in the same table). The whole call is bounded by
	 * the entry's work budget, past which it is continued.
	 */
	for (done = 0; done < count;) {
		unsigned int n = MIN(count - done, PV_UPDATE_CHUNK);
		struct pv_ctx c = { .d = b.d,
				    .spent = &v->hc_work,
				    .owner = v };

		/*
		 * If any of the chunk is unreadable, read one request so that
		 * the error lands on the exact entry that cannot be read.
		 */
		if (copy_from_guest(v->domain, buf,
				    reqs_gpa + (u64)done * sizeof(buf[0]),
				    n * sizeof(buf[0]))) {
			n = 1;
			if (copy_from_guest(v->domain, buf,
					    reqs_gpa +
						    (u64)done * sizeof(buf[0]),
					    sizeof(buf[0]))) {
				rc = -EFAULT;
				break;
			}
		}
		spin_lock(&b.d->pv_lock);
		rc = pv_state(b.d, &c.pv);
		for (unsigned int i = 0; !rc && i < n; i++) {
			bool fresh;

			if (pv_entry_spent(&c)) {
				rc = -ERESTART;
				break;
			}
			rc = pv_drain(&c);
			if (rc) {
				break;
			}
			fresh = v->hc_work == 0;
			c.progress = false;
			rc = pv_op_end(&c, fresh,
				       pv_update(&c, buf[i].ptr, buf[i].val));
			if (!rc) {
				done++;
				pv_spend(&c, PV_VISIT_WORK);
			}
		}
		spin_unlock(&b.d->pv_lock);
		if (rc) {
			break;
		}
	}
	if (!rc) {
		rc = batch_drain(v, b.d);
	}
	if (rc == -ERESTART) {
		return batch_continue(v, &b,
				      reqs_gpa + (u64)done * sizeof(buf[0]),
				      count - done, done, done_gpa);
	}
	return batch_end(v, done_gpa, &b, done, rc);
}

void pv_mm_vcpu_down(struct vcpu *v)
{
	struct domain *d = v->domain;
	unsigned long spent = 0;
	struct pv_ctx c = { .d = d, .spent = &spent };

	if (v->id >= CONFIG_MAX_VCPUS) {
		return;
	}
	spin_lock(&d->pv_lock);
	c.pv = d->pv_mm;
	for (unsigned int s = 0; c.pv && s < 2; s++) {
		struct pv_mm_base *b = &c.pv->base[v->id][s];

		if (b->set) {
			pgt_put_table(&c, b->gfn, c.pv->fmt->levels);
			b->set = false;
		}
	}
	/*
	 * Its partially validated tables are abandoned too. One budget now;
	 * the rest with the next operation or teardown.
	 */
	if (c.pv) {
		pv_release_partial(&c, v);
		(void)pv_drain(&c);
	}
	spin_unlock(&d->pv_lock);
}

/* Model: emulate (a direct write is one update). */
int pv_mm_emulate_write(struct vcpu *v, paddr_t gpa, u64 val, unsigned int size)
{
	struct domain *d = v->domain;
	unsigned long spent = 0;
	struct pv_ctx c = { .d = d, .spent = &spent };
	int rc;

	if (size != sizeof(u64) || (gpa & 7)) {
		return -EINVAL;
	}
	spin_lock(&d->pv_lock);
	c.pv = d->pv_mm;
	if (!c.pv) {
		rc = -ENOENT;
	} else if (c.pv->dying) {
		/*
		 * Tables are being devalidated (the store may even be to
		 * one): a budget of that, then the guest retries the store.
		 */
		(void)pv_drain(&c);
		rc = -ERESTART;
	} else {
		/* A store cut short: the retry resumes its partial tables. */
		c.owner = v;
		rc = pv_op_end(&c, true, pv_update(&c, gpa, val));
		if (!rc) {
			c.pv->stats.emulated++;
		}
		/* What the store released: one budget now, the rest later. */
		(void)pv_drain(&c);
	}
	spin_unlock(&d->pv_lock);
	return rc;
}

/* Model: balloon (the busy check of a balloon-out). */
bool pv_mm_page_busy(const struct page_info *pg)
{
	return !ti_idle(ti_read(pg));
}

void pv_mm_balloon_begin(struct domain *d)
{
	spin_lock(&d->pv_lock);
}

void pv_mm_balloon_end(struct domain *d)
{
	spin_unlock(&d->pv_lock);
}

/*
 * Model: teardown. Base pointers first, then the pins, then the
 * devalidation queue; at most about PV_MM_ENTRY_WORK of work a call.
 */
int pv_mm_domain_teardown(struct domain *d)
{
	unsigned long spent = 0;
	struct pv_ctx c = { .d = d, .spent = &spent };
	int rc;

	spin_lock(&d->pv_lock);
	c.pv = d->pv_mm;
	if (!c.pv) {
		spin_unlock(&d->pv_lock);
		return 0;
	}
	pv_release_partial(&c, NULL);
	for (unsigned int i = 0; i < CONFIG_MAX_VCPUS; i++) {
		for (unsigned int s = 0; s < 2; s++) {
			struct pv_mm_base *b = &c.pv->base[i][s];

			if (b->set) {
				pgt_put_table(&c, b->gfn, c.pv->fmt->levels);
				b->set = false;
			}
		}
	}
	while (c.pv->pins && !pv_entry_spent(&c)) {
		struct pv_mm_pin *pin = c.pv->pins;
		struct page_info *pg = mfn_to_page(pin->mfn);
		u64 ti = ti_read(pg);

		pv_spend(&c, 1);
		c.pv->pins = pin->next;
		c.pv->nr_pins--;
		ti_write(pg, ti & ~PGT_PINNED);
		if (pgt_is_table(pgt_type(ti))) {
			pgt_put_table(&c, pin->gfn, pgt_type(ti) - PGT_L1 + 1);
		}
		xfree(pin);
	}
	rc = c.pv->pins ? -ERESTART : pv_drain(&c);
	if (rc) {
		spin_unlock(&d->pv_lock);
		return -ERESTART;
	}
	xfree(c.pv);
	d->pv_mm = NULL;
	spin_unlock(&d->pv_lock);
	return 0;
}
