/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The p2m seam: what arch/<arch>/p2m_format.c (pure descriptor bits) and
 * arch/<arch>/p2m.c (instructions) provide to common/p2m*.c.
 *
 * Common code never reads descriptor bits directly; it goes through the
 * struct p2m_format of the domain. Three properties are data rather than
 * code because the hot loops need them: the valid bit, and the position of
 * the output frame number (each format stores it as a plain binary field,
 * so the PTE of frame m + n is the PTE of frame m plus n << mfn_shift).
 */
#ifndef XL_ARCH_P2M_H
#define XL_ARCH_P2M_H

#include <xen-lite/cpumask.h>
#include <xen-lite/p2m.h>
#include <xen-lite/types.h>

/* Bits per level below the root; every format here uses 4 KiB tables. */
#define P2M_LEVEL_BITS 9
#define P2M_ENTRIES 512
#define P2M_MAX_LEVELS 4

/*
 * Returned by p2m_format.pte_type for a leaf whose type lives in the side
 * storage (include/xen-lite/p2m_types.h).
 */
#define P2M_TYPE_SIDE 0xff

/* One descriptor per translation format: geometry as data, plus the bits. */
struct p2m_format {
	const char *name;
	unsigned int levels; /* root level is levels - 1, 4 KiB leaves at 0 */
	unsigned int root_bits; /* index bits of the root level */
	unsigned int root_order; /* root = 2^root_order concatenated pages */
	unsigned int gpa_bits; /* 12 + 9 * (levels - 1) + root_bits */
	unsigned int pa_bits; /* largest output address the format holds */
	unsigned int leaf_levels; /* bit n set: leaves allowed at level n */
	unsigned int mfn_shift; /* output frame field position in a leaf */
	p2m_pte_t valid_mask; /* a PTE is valid iff (pte & valid_mask) */
	bool bbm; /* break-before-make on every valid change */
	u32 side_types; /* bit t set: type t lives in side storage */
	u64 hw_mode; /* hgatp.MODE, or VTCR_EL2 T0SZ | SL0 bits */

	/* Leaf at @level mapping @mfn (aligned to the level) as type @t. */
	p2m_pte_t (*make_leaf)(mfn_t mfn, p2m_type_t t, unsigned int level);
	/* Pointer to the next-level table at @mfn. */
	p2m_pte_t (*make_table)(mfn_t mfn);
	/* Valid @pte at @level points to a table (not a leaf). */
	bool (*is_table)(p2m_pte_t pte, unsigned int level);
	/* Output frame of a valid leaf or table @pte. */
	mfn_t (*pte_mfn)(p2m_pte_t pte);
	/* Type of a valid leaf, or P2M_TYPE_SIDE. */
	unsigned int (*pte_type)(p2m_pte_t pte);
};

/* The formats compiled from arch/riscv/p2m_format.c. */
extern const struct p2m_format p2m_format_sv39x4;
extern const struct p2m_format p2m_format_sv48x4;

/**
 * p2m_format_arm_init() - fill @fmt with the Arm stage-2 4 KiB-granule
 * format for an IPA of @ipa_bits (32..48): 3 levels starting at level 1
 * (with 2..16 concatenated root tables above 39 bits) or 4 levels from
 * level 0 above 43 bits. Pure, compiled from arch/arm/p2m_format.c.
 * Return: 0, or -EINVAL for an unsupported size.
 */
int p2m_format_arm_init(struct p2m_format *fmt, unsigned int ipa_bits);

/**
 * arch_p2m_setup() - boot-time probe on the boot CPU: translation mode
 * (RISC-V: hgatp.MODE, preferring the Kconfig choice, falling back to
 * Sv39x4; Arm: ID_AA64MMFR0_EL1.PARange capped by CONFIG_ARM_IPA_BITS_MAX)
 * and the VMID width, which it hands to p2m_vmid_init().
 * Return: 0, or -ENODEV when the CPU has no usable stage-2 mode.
 */
int arch_p2m_setup(void);

/**
 * arch_p2m_format() - the format chosen by arch_p2m_setup().
 * Return: a descriptor valid for the life of the hypervisor.
 */
const struct p2m_format *arch_p2m_format(void);

/**
 * arch_p2m_activate() - program the stage-2 registers of the calling CPU
 * for @p2m (RISC-V hgatp; Arm VTTBR_EL2 and VTCR_EL2), with the barriers
 * the architecture requires before guest entry.
 */
void arch_p2m_activate(const struct p2m_domain *p2m);

/**
 * arch_p2m_flush_range() - invalidate the guest-physical range
 * [@gfn, @gfn + @nr) of VMID @vmid, stage-2 and the combined stage-1
 * entries built on it, on every CPU of @mask. The architecture turns a
 * large range into a whole-VMID flush (RISC-V above 512 pages).
 */
void arch_p2m_flush_range(u16 vmid, const cpumask_t *mask, gfn_t gfn, u64 nr);

/**
 * arch_p2m_flush_vmid() - invalidate every entry of VMID @vmid on every CPU
 * of @mask.
 */
void arch_p2m_flush_vmid(u16 vmid, const cpumask_t *mask);

/**
 * arch_p2m_flush_local_all() - invalidate every guest translation of every
 * VMID on the calling CPU (VMID generation rollover).
 */
void arch_p2m_flush_local_all(void);

#endif /* XL_ARCH_P2M_H */
