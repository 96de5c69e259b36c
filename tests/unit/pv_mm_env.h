/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host environment for the PV MMU unit tests and benchmark: machine memory
 * (an aligned host mapping with a real frame table), a flat fake p2m per
 * domain, domains and vCPUs, guest memory access, and recording arch hooks.
 * common/pv_mm.c, the format files and common/hypercall.c run unchanged.
 */
#ifndef XL_PV_MM_ENV_H
#define XL_PV_MM_ENV_H

#include <public/xen-lite.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>
#include <xen-lite/pv_mm.h>

#define ENV_GFN_BASE 0x80000ULL /* guest RAM at GPA 0x80000000 */
#define ENV_MAX_DOMS 4

struct env_p2m {
	struct p2m_domain p2m;
	u64 nr; /* gfns [ENV_GFN_BASE, ENV_GFN_BASE + nr) */
	mfn_t *mfn;
	p2m_type_t *type;
	int fail_change; /* fail the next p2m_change_type_range with -ENOMEM */
};

struct env_dom {
	struct domain d;
	struct env_p2m p2m;
	struct vcpu vcpu[2];
	u64 next_gfn; /* next RAM frame env_alloc_gfn() hands out */
};

/* Calls of the arch hooks. */
struct env_hooks {
	unsigned int baseptr_calls;
	unsigned int baseptr_slot, baseptr_levels;
	u16 baseptr_asid;
	gfn_t baseptr_root;
	unsigned int flush_calls;
	u64 flush_mask;
	bool flush_all;
	vaddr_t flush_va;
};

extern struct env_hooks env_hooks;

/* Machine memory of @frames frames (reserved lazily); call once. */
void env_init(u64 frames);
/* Frames described by the frame table. */
u64 env_frames(void);
/*
 * Domain @id with @ram_frames frames of RAM (p2m_ram_rw) at ENV_GFN_BASE
 * and 2 vCPUs. Tear down with env_dom_destroy().
 */
struct env_dom *env_dom_create(domid_t id, u64 ram_frames, bool privileged);
void env_dom_destroy(struct env_dom *ed);
/* Destroy every domain (after pv_mm_domain_teardown()), clear the hooks. */
void env_reset(void);
/*
 * Every RAM frame of @ed has type_info 0 and only its allocation
 * reference, no frame is p2m_pt_pinned, and the PV state is gone.
 */
bool env_dom_clear(struct env_dom *ed);
/* Next unused RAM gfn of @ed, zeroed (tables, scratch). */
gfn_t env_alloc_gfn(struct env_dom *ed);
/* Host pointer to the frame behind @gfn of @ed (test = the guest). */
u64 *env_gfn_ptr(struct env_dom *ed, gfn_t gfn);
/* The page_info behind @gfn. */
struct page_info *env_gfn_page(struct env_dom *ed, gfn_t gfn);
/* p2m type of @gfn. */
p2m_type_t env_gfn_type(struct env_dom *ed, gfn_t gfn);
/* Set the p2m entry of @gfn (MMIO, holes, foreign pages). */
void env_set_p2m(struct env_dom *ed, gfn_t gfn, mfn_t mfn, p2m_type_t t);
/* A frame owned by the hypervisor. */
mfn_t env_xen_frame(void);

/*
 * A hypercall as the arch trap handler makes it: a fresh work budget per
 * entry, and continuations (-ERESTART) re-entered until it returns.
 * The figures: the most work one entry did, entries, continuations.
 */
long env_hypercall(struct env_dom *ed, unsigned int vcpu, unsigned long nr,
		   unsigned long a0, unsigned long a1, unsigned long a2);
extern unsigned long env_max_entry_work, env_entries, env_continuations;
/*
 * Non-zero: the next env_hypercall() stops after that many entries and
 * returns -ERESTART (the guest abandons the continued call); then 0.
 */
extern unsigned long env_entry_limit;
/*
 * p2m lookups (every frame an operation visits is one when
 * env_superpages is off) and the most made by one hypervisor entry.
 */
extern unsigned long env_lookups, env_max_entry_lookups;
/*
 * Guest memory copies, and a hook run at copy number env_copy_hook_at
 * (another CPU acting between two operations of a batch: copies are
 * made outside the PV lock).
 */
extern unsigned long env_copies, env_copy_hook_at;
extern void (*env_copy_hook)(void);
/* References domain_by_id() handed out and not yet dropped. */
extern unsigned long env_domain_refs;
/* sched_domain_work()'s last domain and the bits it was given. */
extern struct domain *env_work_domain;
extern unsigned long env_work_bits;
extern const unsigned long env_work_pv; /* WORK_PV */

/*
 * Hypercall helpers: the arguments are written to a scratch frame (the
 * domain's last RAM frame), as a guest would write them. When the guest
 * has made that frame something it cannot write (pinned it as a page
 * table), no call can be made this way: ENV_SCRATCH_BUSY, not a result
 * of the hypervisor's. -999: the harness itself failed.
 */
#define ENV_SCRATCH_BUSY (-998)
long env_mmuext(struct env_dom *ed, unsigned int vcpu,
		const struct xl_mmuext_op *ops, unsigned int n,
		struct xl_pv_batch_status *st);
long env_mmu_update(struct env_dom *ed, unsigned int vcpu,
		    const struct xl_mmu_update *reqs, unsigned int n,
		    struct xl_pv_batch_status *st);
/* One op; Return: its error (0 when applied). */
int env_op(struct env_dom *ed, unsigned int cmd, u64 arg1, u64 arg2);

/*
 * When set, p2m_lookup() reports 2 MiB leaves for uniform aligned blocks
 * (slow: it scans the block), so that pv_lookup()'s superpage cache is
 * exercised; the host benchmark leaves it off.
 */
extern bool env_superpages;
/* arch_pv_levels_supported() refuses roots of this many levels (0: none). */
extern unsigned int env_unsupported_levels;
/* One update; Return: its error. */
int env_update(struct env_dom *ed, gfn_t table, unsigned int idx, u64 val);

/*
 * Check every frame: no frame is both writable and a table, every table
 * with a count is validated or on no path and p2m_pt_pinned, counts match
 * a recount from the pinned roots and base pointers of every domain, and
 * the general reference count is 1 + (PV holds one).
 * Return: 0, or the line of the first broken rule.
 */
int env_check(void);
/* Every type_info of the frame table is zero and every count is 1 or 0. */
bool env_all_clear(void);

#endif
