// SPDX-License-Identifier: GPL-2.0
/*
 * XL_HC_MEMORY_OP: ballooning (decrease/populate reservation), reservation
 * queries and, for privileged domains, foreign mappings.
 *
 * A decrease removes its extents as one p2m batch (struct p2m_batch): one
 * TLB flush for the whole call, not one per extent. The frames it gives
 * back are collected and freed only after p2m_batch_finish(), whose flush
 * covers every extent, so no vCPU can still reach a frame that the
 * allocator hands out again.
 */
#include <public/xen-lite.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/hypercall.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>
#include <xen-lite/pv_mm.h>
#include <xen-lite/race_window.h>

#define MAX_EXTENTS 4096

#if defined(CONFIG_DEBUG_RACE_WINDOW_US) && CONFIG_DEBUG_RACE_WINDOW_US > 0 && \
	!defined(XL_HOST_TEST)
unsigned long race_window_decreasing;
#endif

static bool order_ok(unsigned int order)
{
	return order == 0 || order == PAGE_ORDER_2M;
}

/* Is [gfn, gfn + 2^order) inside the domain's RAM range? */
static bool gfn_in_ram(struct domain *d, u64 gfn, unsigned int order)
{
	u64 base = d->ram_gpa >> PAGE_SHIFT, nr = d->ram_bytes >> PAGE_SHIFT;

	return gfn >= base && gfn - base < nr &&
	       (1ULL << order) <= nr - (gfn - base) &&
	       !(gfn & ((1ULL << order) - 1));
}

/*
 * Balloon out one extent. The checks below give the guest a precise
 * error; what makes a decrease safe is p2m_remove_if_mapped(): the extent
 * is unmapped only if it still maps exactly the frames checked, under the
 * p2m lock, so of two vCPUs decreasing the same extent (or overlapping
 * ones) exactly one unmaps each frame and only that one drops its
 * allocation reference and tot_pages. This does not depend on the PV
 * MMU's lock (CONFIG_PV_MMU=n has none).
 */
static int decrease_one(struct domain *d, u64 gfn, unsigned int order,
			struct p2m_batch *batch, struct list_head *to_free)
{
	u64 nr = 1ULL << order;
	struct page_info *pgs[512];
	mfn_t mfns[512];
	unsigned long flags;
	int rc;

	if (!gfn_in_ram(d, gfn, order))
		return -EINVAL;
	/* Check the whole extent before changing anything. */
	for (u64 i = 0; i < nr; i++) {
		p2m_type_t t;
		mfn_t mfn = p2m_lookup(d->p2m, _gfn(gfn + i), &t, NULL);
		struct page_info *pg;

		if (t == p2m_pt_pinned)
			return -EBUSY; /* a page table of the PV MMU */
		if (mfn_eq(mfn, INVALID_MFN) ||
		    (t != p2m_ram_rw && t != p2m_ram_ro))
			return -ENOENT;
		if (!mfn_valid(mfn))
			return -EINVAL;
		pg = mfn_to_page(mfn);
		if (pg->owner != d->id || pg->state != PGS_DOMAIN)
			return -EINVAL;
#ifdef CONFIG_PV_MMU
		if (pv_mm_page_busy(pg))
			return -EBUSY;
#endif
		pgs[i] = pg;
		mfns[i] = mfn;
	}
	race_window_decrease(1); /* the copy window waits for us (finding 1) */
	race_window(); /* finding 3: another vCPU decreases it too */
	/* Compare-and-set: -ENOENT if another vCPU got there first. */
	rc = p2m_remove_if_mapped(d->p2m, _gfn(gfn), nr, mfns, batch);
	if (rc) {
		race_window_decrease(-1);
		return rc;
	}
	/*
	 * Off the domain's books now; freed at once if the removal flushed
	 * (no batch), else after the batch's flush.
	 */
	for (u64 i = 0; i < nr; i++) {
		spin_lock_irqsave(&d->lock, flags);
		list_del(&pgs[i]->list);
		BUG_ON(!d->tot_pages);
		d->tot_pages--;
		spin_unlock_irqrestore(&d->lock, flags);
		if (batch)
			list_add_tail(&pgs[i]->list, to_free);
		else
			put_page(pgs[i]);
	}
	race_window_decrease(-1);
	return 0;
}

/*
 * Charge @nr frames to @d's reservation, or refuse (-ENOSPC): check and
 * charge under d->lock, so vCPUs populating at once cannot together go
 * past max_pages.
 */
static int reserve_pages(struct domain *d, u64 nr)
{
	unsigned long flags;
	int rc = 0;

	spin_lock_irqsave(&d->lock, flags);
	if (d->tot_pages + nr > d->max_pages)
		rc = -ENOSPC;
	else
		d->tot_pages += nr;
	spin_unlock_irqrestore(&d->lock, flags);
	return rc;
}

static void unreserve_pages(struct domain *d, u64 nr)
{
	unsigned long flags;

	spin_lock_irqsave(&d->lock, flags);
	BUG_ON(d->tot_pages < nr);
	d->tot_pages -= nr;
	spin_unlock_irqrestore(&d->lock, flags);
}

/*
 * Populate one extent: reserve the quota, allocate and zero (a long
 * window), then map with p2m_set_entry_if_empty(), which maps only if
 * the extent is still empty under the p2m lock. A vCPU that populated or
 * pinned a page inside the extent meanwhile wins: this one gets -EEXIST
 * and gives back its frames and its quota. Nothing mapped is ever
 * overwritten, so no frame (and no PV reference it holds) is lost.
 */
static int populate_one(struct domain *d, u64 gfn, unsigned int order)
{
	u64 nr = 1ULL << order;
	struct page_info *pg;
	unsigned long flags;
	int rc;

	if (!gfn_in_ram(d, gfn, order))
		return -EINVAL;
	/* Early answer only; the map below is what decides. */
	for (u64 i = 0; i < nr; i++) {
		p2m_type_t t;

		if (!mfn_eq(p2m_lookup(d->p2m, _gfn(gfn + i), &t, NULL),
			    INVALID_MFN))
			return -EEXIST;
	}
	rc = reserve_pages(d, nr);
	if (rc)
		return rc;
	pg = alloc_pages_zeroed(order);
	if (!pg) {
		unreserve_pages(d, nr);
		return -ENOMEM;
	}
	spin_lock_irqsave(&d->lock, flags);
	for (u64 i = 0; i < nr; i++) {
		pg[i].state = PGS_DOMAIN;
		pg[i].owner = d->id;
		pg[i].count = 1;
		list_add_tail(&pg[i].list, &d->page_list);
	}
	spin_unlock_irqrestore(&d->lock, flags);
	rc = p2m_set_entry_if_empty(d->p2m, _gfn(gfn), nr, page_to_mfn(pg),
				    p2m_ram_rw);
	if (rc) {
		spin_lock_irqsave(&d->lock, flags);
		for (u64 i = 0; i < nr; i++)
			list_del(&pg[i].list);
		spin_unlock_irqrestore(&d->lock, flags);
		unreserve_pages(d, nr);
		for (u64 i = 0; i < nr; i++)
			put_page(&pg[i]);
	}
	return rc;
}

static long reservation_op(struct vcpu *v, unsigned long cmd, unsigned long arg)
{
	struct domain *d = v->domain;
	struct xl_memory_reservation r;
	struct p2m_batch batch, *bp = NULL;
	LIST_HEAD(to_free);
	struct page_info *pg, *n;
	long done;
	int rc = 0;

	if (copy_from_guest(d, &r, arg, sizeof(r)))
		return -EFAULT;
	if (r.domid != XL_DOMID_SELF && r.domid != d->id)
		return -EPERM;
	if (!order_ok(r.extent_order) || r.nr_extents > MAX_EXTENTS)
		return -EINVAL;
	/*
	 * One extent: its removal flushes at once (the batch would only
	 * add the lock round trip of p2m_batch_finish()).
	 */
	if (cmd == XL_MEM_DECREASE_RESERVATION && r.nr_extents > 1) {
		bp = &batch;
		p2m_batch_start(d->p2m, bp);
	}
	for (done = 0; done < (long)r.nr_extents; done++) {
		u64 gfn;

		if (copy_from_guest(d, &gfn, r.extent_start + 8ULL * done,
				    sizeof(gfn))) {
			rc = -EFAULT;
			break;
		}
		if (cmd == XL_MEM_DECREASE_RESERVATION) {
			/* No PV table may start mapping the extent meanwhile. */
			pv_mm_balloon_begin(d);
			rc = decrease_one(d, gfn, r.extent_order, bp, &to_free);
			pv_mm_balloon_end(d);
		} else {
			rc = populate_one(d, gfn, r.extent_order);
		}
		if (rc)
			break;
	}
	if (bp) {
		/* The one flush, then the frames go: never the other way. */
		p2m_batch_finish(bp);
		list_for_each_entry_safe(pg, n, &to_free, list) {
			list_del(&pg->list);
			put_page(pg);
		}
	}
	return done ? done : rc;
}

static long foreign_op(struct vcpu *v, unsigned long cmd, unsigned long arg)
{
	struct domain *d = v->domain, *fd;
	struct xl_foreign_map m;
	p2m_type_t t;
	mfn_t mfn;
	int rc;

	if (!d->cfg.privileged)
		return -EPERM;
	if (copy_from_guest(d, &m, arg, sizeof(m)))
		return -EFAULT;
	if (m.gfn >= (1ULL << (p2m_gpa_bits(d->p2m) - PAGE_SHIFT)))
		return -EINVAL;
	if (cmd == XL_MEM_UNMAP_FOREIGN) {
		mfn = p2m_lookup(d->p2m, _gfn(m.gfn), &t, NULL);
		if (mfn_eq(mfn, INVALID_MFN) || !p2m_is_foreign(t))
			return -ENOENT;
		return p2m_remove(d->p2m, _gfn(m.gfn), 1);
	}
	if (m.domid == d->id || m.domid == XL_DOMID_SELF)
		return -EINVAL;
	/* The slot must be free and outside the caller's own RAM. */
	if (gfn_in_ram(d, m.gfn, 0))
		return -EINVAL;
	if (!mfn_eq(p2m_lookup(d->p2m, _gfn(m.gfn), &t, NULL), INVALID_MFN))
		return -EEXIST;
	/*
	 * Our reference keeps the structure; its p2m may be torn down
	 * meanwhile, which a lookup sees as unmapped (-EACCES), and a frame
	 * whose last reference went is refused by get_page().
	 */
	fd = domain_by_id(m.domid);
	if (!fd)
		return -ESRCH;
	if (READ_ONCE(fd->state) != DOM_RUNNING) {
		domain_put(fd);
		return -ESRCH;
	}
	mfn = p2m_lookup(fd->p2m, _gfn(m.foreign_gfn), &t, NULL);
	if (mfn_eq(mfn, INVALID_MFN) || (t != p2m_ram_rw && t != p2m_ram_ro) ||
	    (t == p2m_ram_ro && !m.readonly)) {
		domain_put(fd);
		return -EACCES;
	}
	/* p2m_insert_foreign() takes the page reference itself. */
	rc = p2m_insert_foreign(
		d->p2m, _gfn(m.gfn), mfn,
		m.readonly ? p2m_map_foreign_ro : p2m_map_foreign_rw, fd->id);
	domain_put(fd);
	return rc;
}

long do_memory_op(struct vcpu *v, unsigned long cmd, unsigned long arg)
{
	struct domain *d = v->domain, *t;
	long rc;

	switch (cmd) {
	case XL_MEM_INCREASE_RESERVATION:
	case XL_MEM_POPULATE_PHYSMAP:
	case XL_MEM_DECREASE_RESERVATION:
		return reservation_op(v, cmd, arg);
	case XL_MEM_CURRENT_RESERVATION:
	case XL_MEM_MAXIMUM_RESERVATION:
		if (arg == XL_DOMID_SELF || arg == d->id)
			return (long)(cmd == XL_MEM_CURRENT_RESERVATION ?
					      READ_ONCE(d->tot_pages) :
					      d->max_pages);
		if (!d->cfg.privileged || arg >= 0x7000)
			return -EPERM;
		t = domain_by_id((domid_t)arg);
		if (!t)
			return -ESRCH;
		/* A dying domain's figures are going: as if it were gone. */
		rc = READ_ONCE(t->state) == DOM_DYING ?
			     -ESRCH :
		     cmd == XL_MEM_CURRENT_RESERVATION ?
			     (long)READ_ONCE(t->tot_pages) :
			     (long)t->max_pages;
		domain_put(t);
		return rc;
	case XL_MEM_MAP_FOREIGN:
	case XL_MEM_UNMAP_FOREIGN:
		return foreign_op(v, cmd, arg);
	default:
		return -EINVAL;
	}
}
