/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Paravirtual guest page tables (docs/pv-mmu.md): page types with counts,
 * pin/validate/unpin, and the mmuext_op / mmu_update / multicall
 * hypercalls.
 *
 * The guest's stage-1 tables hold guest physical addresses; every frame
 * they name is translated through the domain's p2m to find its struct
 * page_info, which carries the PV type state in type_info:
 *
 *   bits 63..60  type: PGT_NONE, PGT_WRITABLE or PGT_L1..PGT_L4
 *   bit  59      pinned (the pin holds one type reference)
 *   bit  58      validated (an Ln table whose entries were all checked)
 *   bit  57      dying: its last reference went, its entries are being
 *                dropped in bounded steps (the devalidation queue holds
 *                the one type reference left)
 *   bit  56      partial: its validation stopped at the work budget and
 *                resumes where it stopped (struct pv_mm_tbl holds the
 *                one type reference)
 *   bits 55..32  read-only leaf mappings (any type)
 *   bits 31..0   type count: writable leaf mappings, or references to the
 *                table (parent entries, the pin, base pointers)
 *
 * Counts saturate: an increment that would reach the maximum fails with
 * -EOVERFLOW and changes nothing. While any count is non-zero the PV MMU
 * holds one general reference (get_page()) on the frame, so a frame named
 * by a validated table is never freed under it.
 *
 * Locking: every operation on a domain runs under d->pv_lock, so the
 * operations of two vCPUs are serialised; type_info is written with
 * atomic stores so that pv_mm_page_busy() may read it without the lock.
 */
#ifndef XL_PV_MM_H
#define XL_PV_MM_H

#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/mm.h>

/* ---- page_info.type_info ---- */
#define PGT_TYPE_SHIFT 60
#define PGT_TYPE_MASK (0xfULL << PGT_TYPE_SHIFT)
#define PGT_NONE 0ULL
#define PGT_WRITABLE 1ULL
#define PGT_L1 2ULL /* PGT_L1 + n - 1 is the type of an Ln table */
#define PGT_L4 5ULL
#define PGT_PINNED (1ULL << 59)
#define PGT_VALIDATED (1ULL << 58)
#define PGT_DYING (1ULL << 57)
#define PGT_PARTIAL (1ULL << 56)
#define PGT_MAP_SHIFT 32
#define PGT_MAP_MASK (0xffffffULL << PGT_MAP_SHIFT)
#define PGT_MAP_MAX 0xffffffULL
#define PGT_COUNT_MASK 0xffffffffULL
#define PGT_COUNT_MAX 0xffffffffULL

/** pgt_type() - Return: the PGT_* type of @type_info. */
static inline u64 pgt_type(u64 type_info)
{
	return (type_info & PGT_TYPE_MASK) >> PGT_TYPE_SHIFT;
}

/** pgt_count() - Return: the type count of @type_info. */
static inline u64 pgt_count(u64 type_info)
{
	return type_info & PGT_COUNT_MASK;
}

/** pgt_maps() - Return: the read-only mapping count of @type_info. */
static inline u64 pgt_maps(u64 type_info)
{
	return (type_info & PGT_MAP_MASK) >> PGT_MAP_SHIFT;
}

/* ---- guest stage-1 formats (pv_format.c of arch/riscv, arch/arm) ---- */

#define PV_PT_ENTRIES 512
#define PV_PT_MAX_LEVELS 4

enum pv_pte_kind {
	PV_PTE_ABSENT = 0, /* not valid: the walker ignores it */
	PV_PTE_TABLE, /* points to a next-lower level table */
	PV_PTE_LEAF, /* maps a page or a superpage */
};

/* A decoded stage-1 entry. */
struct pv_pte {
	enum pv_pte_kind kind;
	gfn_t gfn; /* table or first mapped frame */
	bool write; /* leaf: writable (by any privilege, or by hardware) */
	bool exec; /* leaf: executable at some privilege level */
};

/* Leaf permissions for pv_pt_format.make_leaf(). */
#define PV_PERM_R 1U
#define PV_PERM_W 2U
#define PV_PERM_X 4U

/*
 * One guest stage-1 format: geometry as data, the bits as two functions.
 * Levels are 1 (4 KiB leaves) .. levels (root).
 */
struct pv_pt_format {
	const char *name;
	unsigned int id; /* XL_PT_FORMAT_* */
	unsigned int levels; /* 3 or 4: the root level */
	unsigned int va_bits; /* 39 or 48 */
	unsigned int leaf_levels; /* bit n set: leaves allowed at level n */

	/*
	 * Decode @pte found at @level into @out.
	 * Return: 0, or -EINVAL for a reserved bit, a reserved encoding, a
	 * leaf at a level that may not hold one, or a misaligned superpage.
	 */
	int (*decode)(u64 pte, unsigned int level, struct pv_pte *out);
	/* Entry of a level-(@level) table pointing to the table at @gfn. */
	u64 (*make_table)(gfn_t gfn, unsigned int level);
	/* Leaf at @level mapping @gfn with PV_PERM_* @perms. */
	u64 (*make_leaf)(gfn_t gfn, unsigned int level, unsigned int perms);
};

extern const struct pv_pt_format pv_pt_sv39;
extern const struct pv_pt_format pv_pt_sv48;
extern const struct pv_pt_format pv_pt_arm64_l4;
extern const struct pv_pt_format pv_pt_arm64_l3;

/**
 * pv_pt_format_by_id() - the format with XL_PT_FORMAT_* @id, if this
 * build accepts it for guests (the hypervisor: its own architecture's;
 * host tests: all four).
 * Return: the format, or NULL.
 */
const struct pv_pt_format *pv_pt_format_by_id(unsigned int id);

/**
 * pv_pt_format_default() - Return: the format of a domain that never
 * chose one (Sv39 on RISC-V, AArch64 4 levels on Arm).
 */
const struct pv_pt_format *pv_pt_format_default(void);

/* ---- per-domain state ---- */

/* A pinned table, on its domain's list (teardown walks it). */
struct pv_mm_pin {
	struct pv_mm_pin *next;
	gfn_t gfn;
	mfn_t mfn;
};

/* Base pointers of one vCPU: [XL_BASEPTR_USER], [XL_BASEPTR_KERNEL]. */
struct pv_mm_base {
	bool set;
	gfn_t gfn;
	mfn_t mfn;
};

/*
 * A table whose entries are checked or dropped over several hypervisor
 * entries, so that no entry does more than a work budget of either (an
 * L2 of 512 2 MiB leaves holds 262,144 references).
 *  - On the devalidation queue (PGT_DYING): its last reference went, or
 *    its validation failed; entries [0, nr) still hold their references
 *    and pv_drain() drops them a budget at a time, from the last.
 *  - On the partial list (PGT_PARTIAL): a validation stopped at the work
 *    budget; entries [0, nr) took their references, the rest are not
 *    checked yet. The record holds the table's only type reference,
 *    which the operation resuming it (the continued call of @owner, or
 *    any other that meets the table) takes once every entry passed.
 */
struct pv_mm_tbl {
	struct pv_mm_tbl *next;
	const void *owner; /* partial: the vCPU whose operation stopped it */
	gfn_t gfn;
	struct page_info *pg;
	unsigned int level;
	unsigned int nr;
};

struct pv_mm_stats {
	u64 validated; /* tables validated */
	u64 entries; /* entries checked by validation */
	u64 updates; /* mmu_update entries applied */
	u64 emulated; /* direct writes emulated */
	u64 restore_errors; /* p2m retype back to ram_rw that failed */
	u64 partial; /* validations stopped part way at the work budget */
};

struct pv_mm_domain {
	const struct pv_pt_format *fmt;
	struct pv_mm_pin *pins;
	unsigned int nr_pins;
	struct pv_mm_base base[CONFIG_MAX_VCPUS][2];
	struct pv_mm_tbl *dying, **dying_tail; /* devalidation queue */
	struct pv_mm_tbl *partial; /* partially validated tables */
	struct pv_mm_stats stats;
};

/* Most pinned tables per domain. */
#define PV_MM_MAX_PINS 4096
/*
 * Work (entries visited, references taken or dropped) one hypervisor
 * entry may spend on PV MMU operations, whatever the hypercall: a batch,
 * a multicall of batches, the devalidation queue, a teardown step, an
 * operation validating a tree. Past it the hypercall is continued
 * (-ERESTART: the guest re-enters it with its arguments advanced) and
 * the CPU gets back to its scheduler in between; a validation cut short
 * stops between two entries of a table and resumes there (struct
 * pv_mm_tbl), so any tree validates in pieces of a budget. A leaf's
 * references are taken in one piece: a 2 MiB leaf (512) must fit, a
 * 1 GiB leaf never does (-E2BIG). tests/bench/max-entry.sh measures the
 * longest entry this allows.
 */
#define PV_MM_ENTRY_WORK 2048UL

#ifdef CONFIG_PV_MMU

/**
 * pv_mm_page_busy() - may this frame leave its domain (balloon out)?
 * Call between pv_mm_balloon_begin() and pv_mm_balloon_end().
 * Return: true if it is a page table, or is mapped by one (writable or
 * read-only).
 */
bool pv_mm_page_busy(const struct page_info *pg);

/**
 * pv_mm_balloon_begin() - exclude PV MMU operations on @d while a balloon
 * operation checks pv_mm_page_busy() and removes the frames from the p2m,
 * so that no table can start mapping a frame between the check and the
 * removal. Pair with pv_mm_balloon_end().
 */
void pv_mm_balloon_begin(struct domain *d);

/** pv_mm_balloon_end() - end the exclusion of pv_mm_balloon_begin(). */
void pv_mm_balloon_end(struct domain *d);

/**
 * pv_mm_domain_teardown() - unpin every table of @d and drop all type
 * references (domain destruction). Return: 0, or -ERESTART to be called
 * again (at most about PV_MM_ENTRY_WORK per call).
 */
int pv_mm_domain_teardown(struct domain *d);

/**
 * pv_mm_vcpu_down() - @v stopped itself (HSM hart_stop / PSCI CPU_OFF):
 * drop its base pointers. It restarts with translation off (its root
 * register reset), so the tables they named may be unpinned; the guest
 * installs a root again with XL_MMUEXT_NEW_BASEPTR.
 */
void pv_mm_vcpu_down(struct vcpu *v);

#else /* !CONFIG_PV_MMU: no frame is ever a PV table */

static inline void pv_mm_vcpu_down(struct vcpu *v)
{
}

static inline bool pv_mm_page_busy(const struct page_info *pg)
{
	return false;
}

static inline void pv_mm_balloon_begin(struct domain *d)
{
}

static inline void pv_mm_balloon_end(struct domain *d)
{
}

static inline int pv_mm_domain_teardown(struct domain *d)
{
	return 0;
}

#endif /* CONFIG_PV_MMU */

/** do_mmuext_op() - XL_HC_MMUEXT_OP. Return: ops done or -errno. */
long do_mmuext_op(struct vcpu *v, unsigned long ops_gpa, unsigned long count,
		  unsigned long done_gpa);

/** do_mmu_update() - XL_HC_MMU_UPDATE. Return: entries applied or -errno. */
long do_mmu_update(struct vcpu *v, unsigned long reqs_gpa, unsigned long count,
		   unsigned long done_gpa);

#ifdef CONFIG_PV_MMU
/**
 * pv_mm_emulate_write() - a guest store of @size bytes of @val at @gpa
 * hit a frame the p2m holds as p2m_pt_pinned (stage-2 write fault).
 * Validates and applies it as a single-entry mmu_update.
 * Return: 0 when applied (the fault handler skips the instruction),
 * -ERESTART (the frame is being devalidated: retry the store), or a
 * negative errno (the handler injects a fault into the guest): -EINVAL
 * (not an aligned 8-byte store), -ENOENT (not a validated table) or any
 * error of mmu_update.
 */
int pv_mm_emulate_write(struct vcpu *v, paddr_t gpa, u64 val,
			unsigned int size);
#else
static inline int pv_mm_emulate_write(struct vcpu *v, paddr_t gpa, u64 val,
				      unsigned int size)
{
	return -EOPNOTSUPP;
}
#endif

/* ---- arch hooks (arch/<arch>/pv_mm.c) ---- */

/**
 * arch_pv_set_baseptr() - make the pinned table at guest frame @root, of
 * @levels levels, @v's stage-1 root: RISC-V vsatp (MODE Sv39/Sv48 from
 * @levels, @asid, PPN = @root; @slot is always XL_BASEPTR_USER), Arm
 * TTBR0_EL1 (@slot XL_BASEPTR_USER) or TTBR1_EL1 (XL_BASEPTR_KERNEL) with
 * @asid. @levels == 0 drops the base pointer (XL_BASEPTR_NONE): RISC-V
 * vsatp = 0 (Bare, translation off), Arm TTBRn_EL1 = 0 (the guest turns
 * its MMU off first). Applies when @v next enters the guest if it is not
 * current. Once d->pv_mm_active is set the arch traps the guest's own
 * writes of its root and refuses them.
 */
void arch_pv_set_baseptr(struct vcpu *v, unsigned int slot, gfn_t root,
			 unsigned int levels, u16 asid);

/**
 * arch_pv_tlb_flush() - flush the stage-1 TLB entries of the vCPUs of
 * @v's domain in @vcpu_mask (bit n = vCPU n): every VA when @all_va,
 * else the page containing @va (RISC-V hfence.vvma on the pCPUs that run
 * or ran them with the domain's VMID; Arm TLBI VAE1IS / VMALLE1IS). Done
 * before it returns for a running vCPU, or before the vCPU's next entry.
 */
void arch_pv_tlb_flush(struct vcpu *v, u64 vcpu_mask, bool all_va, vaddr_t va);

/**
 * arch_pv_levels_supported() - can this machine's guests translate
 * through a stage-1 root of @levels levels (RISC-V: vsatp takes Sv39 /
 * Sv48)? XL_MMUEXT_SET_FORMAT refuses a format it cannot run (-EINVAL).
 */
bool arch_pv_levels_supported(unsigned int levels);

#endif /* XL_PV_MM_H */
