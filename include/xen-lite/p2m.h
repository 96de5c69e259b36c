/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stage-2 (guest physical -> machine) map of a domain: the p2m.
 *
 * Common code (common/p2m*.c) owns the algorithms: one range walker with
 * per-operation visitors, prepare/commit so that a failed operation leaves
 * the tree exactly as it was, one TLB flush per range operation, deferred
 * freeing of table pages until that flush. Architecture code owns the
 * descriptor layout (struct p2m_format, include/xen-lite/arch/p2m.h) and
 * the instructions (hgatp / VTTBR_EL2, HFENCE.GVMA / TLBI).
 *
 * Locking: every operation takes p2m->lock; callers need no other lock.
 * Levels are numbered from the leaves: level 0 maps 4 KiB, level 1 2 MiB,
 * level 2 1 GiB, the root is level fmt->levels - 1.
 */
#ifndef XL_P2M_H
#define XL_P2M_H

#include <xen-lite/compiler.h>
#include <xen-lite/cpumask.h>
#include <xen-lite/list.h>
#include <xen-lite/p2m_pool.h>
#include <xen-lite/p2m_types.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/types.h>

/* A stage-2 descriptor, whatever the architecture. */
typedef u64 p2m_pte_t;

/*
 * Mapping types. The values are part of the PTE encoding on Arm (4 SW
 * bits) and of the side storage on RISC-V, so keep them below 16.
 */
typedef enum {
	p2m_invalid = 0, /* nothing mapped */
	p2m_ram_rw, /* guest RAM, read/write/execute */
	p2m_ram_ro, /* guest RAM, read/execute */
	p2m_mmio_direct_dev, /* passthrough MMIO, device memory */
	p2m_mmio_direct_c, /* passthrough memory, cacheable */
	p2m_map_foreign_rw, /* another domain's page, read/write */
	p2m_map_foreign_ro, /* another domain's page, read only */
	p2m_grant_map_rw, /* granted page, read/write */
	p2m_grant_map_ro, /* granted page, read only */
	p2m_pt_pinned, /* PV-pinned guest page table: read only */
	p2m_max_real_type,
} p2m_type_t;

/* Types whose leaves hold a page reference on every mapped frame. */
static inline bool p2m_is_foreign(p2m_type_t t)
{
	return t == p2m_map_foreign_rw || t == p2m_map_foreign_ro;
}

/**
 * p2m_type_max_order() - the largest leaf a mapping of type @t may use.
 * Foreign mappings stop at 2 MiB so that dropping their references stays
 * bounded (512 frames); pinned page tables are 4 KiB by nature.
 * Return: PAGE_ORDER_4K, PAGE_ORDER_2M or PAGE_ORDER_1G.
 */
unsigned int p2m_type_max_order(p2m_type_t t);

struct p2m_format;
struct p2m_batch;

/* Statistics, for the dump key and the tests. */
struct p2m_stats {
	u64 flushes; /* TLB flush requests issued (range or VMID) */
	u64 flush_pages; /* sum of the page counts of range flushes */
	u64 tables_freed; /* table pages returned to the pool */
	u64 splits; /* superpages shattered */
	u64 preempt_checks; /* preemption points passed */
};

/* Leaves whose references are dropped after the flush (see p2m.c). */
#define P2M_PUT_BATCH 128

struct p2m_domain {
	spinlock_t lock;
	domid_t domid;
	const struct p2m_format *fmt;
	struct page_info *root; /* 2^fmt->root_order contiguous pages */
	/*
	 * The root's machine address, for the stage-2 base register at every
	 * activation (issue 20: computed from root there, 11 instructions
	 * of a world switch); set with root, which never moves.
	 */
	paddr_t root_maddr;
	struct p2m_pool pool;
	struct p2m_types types; /* side storage of types the PTE cannot hold */

	/* VMID and the CPUs that ran it since it was assigned. */
	u16 vmid;
	u64 vmid_gen;
	cpumask_t dirty_cpus;

	/* Preemption of long operations (teardown). */
	bool (*preempt_check)(void *arg);
	void *preempt_arg;
	u64 teardown_cursor; /* next GFN p2m_teardown() frees */
	bool teardown_flushed; /* whole VMID flushed once for teardown */
	u64 max_uninterrupted; /* longest run between preemption checks */

	/* Foreign frames unmapped by the running operation. */
	u64 put_batch[P2M_PUT_BATCH];
	unsigned int put_nr;

	/*
	 * Left by operations of a batch (struct p2m_batch): the GFNs whose
	 * translation changed without a flush yet, and the table pages they
	 * unlinked, freed by the next flush (any operation's or
	 * p2m_batch_finish()'s), which covers this range.
	 */
	u64 pend_lo, pend_hi;
	struct list_head deferred;

	struct p2m_stats stats;
};

/**
 * p2m_init() - set up an empty p2m for domain @domid in the format chosen
 * at boot (arch_p2m_format()).
 * @pool_pages: size of the table pool in 4 KiB pages, root included
 *              (see p2m_pool_default_pages()).
 * Return: 0, -ENOMEM (pool or root could not be allocated, nothing left
 * behind) or -EINVAL (pool too small for the root table).
 */
int __must_check p2m_init(struct p2m_domain *p2m, domid_t domid,
			  unsigned long pool_pages);

/**
 * p2m_init_format() - p2m_init() with an explicit format (host tests and
 * tools that build several formats side by side).
 * Return: as p2m_init().
 */
int __must_check p2m_init_format(struct p2m_domain *p2m, domid_t domid,
				 unsigned long pool_pages,
				 const struct p2m_format *fmt);

/**
 * p2m_set_entry() - map [@gfn, @gfn + @nr) to [@mfn, @mfn + @nr) as @t.
 *
 * One walk over the range; each piece gets the largest leaf that the
 * alignment of gfn and mfn, the format and the type allow. A superpage
 * that is only partly changed is split (the new table is built completely
 * before one write installs it). @t == p2m_invalid removes the range.
 * For foreign types the caller must already hold one reference per frame;
 * the p2m owns them from a successful return and drops them when the
 * entries go (p2m_insert_foreign() does this for one page).
 *
 * Return: 0; -EINVAL for a bad type, an empty range or a range beyond the
 * guest-physical size; -ENOMEM when the pool (or side storage) ran dry,
 * in which case the p2m is exactly as before the call.
 */
int __must_check p2m_set_entry(struct p2m_domain *p2m, gfn_t gfn, u64 nr,
			       mfn_t mfn, p2m_type_t t);

/**
 * p2m_set_entry_if_empty() - p2m_set_entry() that maps only if nothing in
 * [@gfn, @gfn + @nr) is mapped: the check and the change are one
 * operation under the p2m lock (compare-and-set), so of two callers
 * racing for the same range exactly one wins.
 * Return: as p2m_set_entry(), or -EEXIST (something mapped; unchanged).
 */
int __must_check p2m_set_entry_if_empty(struct p2m_domain *p2m, gfn_t gfn,
					u64 nr, mfn_t mfn, p2m_type_t t);

/**
 * p2m_remove_if_mapped() - unmap [@gfn, @gfn + @nr) only if page
 * @gfn + k maps RAM (p2m_ram_rw or _ro) frame @expect[k] for every k,
 * checked and removed as one operation under the p2m lock: of two
 * callers removing the same frames exactly one wins and may free them.
 * Return: 0, -ENOENT (a page is a hole, another frame or another type;
 * nothing changed), or as p2m_remove().
 */
int __must_check p2m_remove_if_mapped(struct p2m_domain *p2m, gfn_t gfn, u64 nr,
				      const mfn_t *expect,
				      struct p2m_batch *batch);

/*
 * A batch: removals whose TLB flush is left to p2m_batch_finish(), so that
 * a call removing many extents (a balloon decrease) issues one flush, not
 * one per extent. Until p2m_batch_finish() returns, a vCPU may still hold
 * a translation of what a batched removal unmapped: the caller must not
 * free or reuse those frames before. Operations outside the batch flush
 * as usual (and their flush covers what the batch left pending); a
 * removal that drops foreign references flushes at once. On Arm a block
 * split by a batched removal still needs its break-before-make flush
 * (Arm ARM D8.16), so such a removal flushes too.
 */
struct p2m_batch {
	struct p2m_domain *p2m;
};

/** p2m_batch_start() - open batch @b on @p2m. */
void p2m_batch_start(struct p2m_domain *p2m, struct p2m_batch *b);

/**
 * p2m_batch_finish() - the one flush of batch @b (if anything is still
 * pending), then the table pages its removals unlinked go back to the
 * pool. After it, the frames the batch unmapped may be freed.
 */
void p2m_batch_finish(struct p2m_batch *b);

/**
 * p2m_get_page() - the RAM frame (p2m_ram_rw, _ro or p2m_pt_pinned) of
 * the domain at @gfn, with a general reference taken under the p2m lock,
 * so the frame cannot be freed (ballooned out by another vCPU, ...)
 * until the caller's put_page(). Every hypervisor access to guest memory
 * goes through this (copy_from_guest(), copy_to_guest()).
 * @t: if not NULL, receives the type (p2m_invalid on failure).
 * Return: the page, or NULL (not mapped, not RAM of the domain).
 */
struct page_info *p2m_get_page(struct p2m_domain *p2m, gfn_t gfn,
			       p2m_type_t *t);

/**
 * p2m_lookup() - translate @gfn.
 * @t: if not NULL, receives the type (p2m_invalid when unmapped).
 * @order: if not NULL, receives the order of the leaf (0, 9 or 18).
 * Return: the machine frame @gfn maps to, or INVALID_MFN.
 */
mfn_t p2m_lookup(struct p2m_domain *p2m, gfn_t gfn, p2m_type_t *t,
		 unsigned int *order);

/**
 * p2m_access_allowed() - whether a leaf of type @t lets the guest read
 * (always, for a real type), write (@write) or execute (@exec).
 * Return: true if the access is permitted.
 */
bool p2m_access_allowed(p2m_type_t t, bool write, bool exec);

/**
 * p2m_fault_retry() - decide what a stage-2 fault at @gfn was: call it
 * from the fault handler before treating the fault as the guest's. An
 * operation may have had the entry invalid for a moment (break-before-
 * make on Arm, a walk that saw the old table); p2m_lookup() waits for the
 * operation to finish, and if the entry now permits the access the guest
 * should simply retry the instruction.
 * Return: true to return to the guest without emulating or crashing.
 */
bool p2m_fault_retry(struct p2m_domain *p2m, gfn_t gfn, bool write, bool exec);

/**
 * p2m_remove() - unmap [@gfn, @gfn + @nr); holes are fine. Table pages
 * left empty are freed after the single flush of the operation, and the
 * references of foreign leaves are dropped after it too.
 * Return: 0, -EINVAL (range beyond the guest-physical size), -ENOMEM (a
 * superpage had to be split and the pool is empty; nothing changed).
 */
int __must_check p2m_remove(struct p2m_domain *p2m, gfn_t gfn, u64 nr);

/**
 * p2m_change_type_range() - retype every page of type @from in
 * [@gfn, @gfn + @nr) to @to, keeping the frames. Superpages partly in the
 * range, or larger than @to allows, are split.
 * Return: 0, -EINVAL (bad range, or @from / @to differ in whether they
 * hold page references), -ENOMEM (nothing changed).
 */
int __must_check p2m_change_type_range(struct p2m_domain *p2m, gfn_t gfn,
				       u64 nr, p2m_type_t from, p2m_type_t to);

/**
 * p2m_insert_foreign() - map one frame @mfn of domain @owner at @gfn as
 * @t (p2m_map_foreign_rw or _ro). Takes a reference with get_page(), so
 * the owner cannot free the frame while it is mapped here; the reference
 * is dropped when the entry is removed or replaced.
 * Return: 0, -EINVAL (bad type or gfn), -EBUSY (frame not owned by @owner),
 * -ENOMEM (nothing changed, no reference kept).
 */
int __must_check p2m_insert_foreign(struct p2m_domain *p2m, gfn_t gfn,
				    mfn_t mfn, p2m_type_t t, domid_t owner);

/**
 * p2m_set_preempt_check() - install the predicate p2m_teardown() asks every
 * 512 entries ("should I stop now?"). NULL (the default) stops at every
 * check, which bounds each call to 512 entries.
 */
void p2m_set_preempt_check(struct p2m_domain *p2m, bool (*fn)(void *arg),
			   void *arg);

/**
 * p2m_teardown() - free the whole p2m: every table page back to the pool
 * and the pool back to the page allocator, the side storage, the VMID.
 * Foreign references are dropped. The domain must not run any more.
 * Preemptible: checks for preemption every 512 entries.
 * Return: 0 when everything is freed (the p2m must then be p2m_init()ed
 * again before use), -ERESTART when preempted: call again, it resumes
 * where it stopped.
 */
int __must_check p2m_teardown(struct p2m_domain *p2m);

/**
 * p2m_activate() - make @p2m the stage-2 map of physical CPU @cpu (the
 * calling CPU) for the vCPU about to run: refresh the VMID if its
 * generation is stale, do this CPU's pending rollover flush, record @cpu
 * in the dirty mask and program hgatp / VTTBR_EL2 + VTCR_EL2.
 */
void p2m_activate(struct p2m_domain *p2m, unsigned int cpu);

/**
 * p2m_gpa_bits() - guest-physical address width of @p2m's format.
 * Return: number of bits (41 for Sv39x4, 50 for Sv48x4, the IPA size on
 * Arm).
 */
unsigned int p2m_gpa_bits(const struct p2m_domain *p2m);

/** p2m_dump() - print pool used/free/high-water, VMID and statistics. */
void p2m_dump(const struct p2m_domain *p2m);

/**
 * p2m_vmid_init() - set the VMID width found by the architecture's probe
 * (0 when the CPU has none). Called once at boot by arch_p2m_setup().
 */
void p2m_vmid_init(unsigned int bits);

/**
 * p2m_vmid_cpu_sync() - called on @cpu before it runs any guest: perform
 * the whole-TLB flush a generation rollover asked of it, if any.
 * Return: true if this CPU flushed.
 */
bool p2m_vmid_cpu_sync(unsigned int cpu);

/** p2m_vmid_release() - forget @p2m's VMID (domain destruction). */
void p2m_vmid_release(struct p2m_domain *p2m);

#endif /* XL_P2M_H */
