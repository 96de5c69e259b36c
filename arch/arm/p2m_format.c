// SPDX-License-Identifier: GPL-2.0
/*
 * AArch64 stage-2 descriptors, 4 KiB granule (Arm ARM (DDI 0487 K.a)
 * "Translation table descriptor formats" and the stage-2 memory
 * attributes and access permissions).
 * Pure bit manipulation: compiled into the hypervisor and the host tests.
 *
 * Our level n is the architecture's level 3 - n: level 0 holds 4 KiB pages
 * (descriptor bits 1:0 = 0b11), levels 1 and 2 hold 2 MiB and 1 GiB blocks
 * (0b01) or tables (0b11). The four software bits 58:55 hold the p2m type
 * itself: every type fits, nothing goes to side storage.
 *
 * Attributes (FEAT_S2FWB not used): MemAttr[5:2] 0b1111 is Normal,
 * Write-Back outer and inner; 0b0001 is Device-nGnRE. S2AP[7:6] 0b01 read
 * only, 0b11 read/write. SH[9:8] 0b11 inner shareable for Normal memory.
 * AF[10] preset. XN[54] forbids execution at EL1 and EL0.
 */
#include <xen-lite/arch/p2m.h>
#include <xen-lite/errno.h>

#define DESC_VALID (1ULL << 0)
#define DESC_TABLE (1ULL << 1) /* with VALID: table (levels 1+) or page */
#define MEMATTR_SHIFT 2
#define MEMATTR_NORMAL_WB (0xfULL << MEMATTR_SHIFT)
#define MEMATTR_DEVICE_nGnRE (0x1ULL << MEMATTR_SHIFT)
#define S2AP_RO (1ULL << 6)
#define S2AP_RW (3ULL << 6)
#define SH_INNER (3ULL << 8)
#define DESC_AF (1ULL << 10)
#define DESC_XN (1ULL << 54)
#define DESC_SW_SHIFT 55
#define DESC_SW_MASK (0xfULL << DESC_SW_SHIFT)
#define DESC_OA_MASK (((1ULL << 48) - 1) & ~((1ULL << 12) - 1))

/* The one table of attributes per type. */
static const p2m_pte_t arm_type_attr[p2m_max_real_type] = {
	[p2m_ram_rw] = MEMATTR_NORMAL_WB | SH_INNER | S2AP_RW,
	[p2m_ram_ro] = MEMATTR_NORMAL_WB | SH_INNER | S2AP_RO,
	[p2m_mmio_direct_dev] = MEMATTR_DEVICE_nGnRE | S2AP_RW | DESC_XN,
	[p2m_mmio_direct_c] = MEMATTR_NORMAL_WB | SH_INNER | S2AP_RW | DESC_XN,
	[p2m_map_foreign_rw] = MEMATTR_NORMAL_WB | SH_INNER | S2AP_RW | DESC_XN,
	[p2m_map_foreign_ro] = MEMATTR_NORMAL_WB | SH_INNER | S2AP_RO | DESC_XN,
	[p2m_grant_map_rw] = MEMATTR_NORMAL_WB | SH_INNER | S2AP_RW | DESC_XN,
	[p2m_grant_map_ro] = MEMATTR_NORMAL_WB | SH_INNER | S2AP_RO | DESC_XN,
	[p2m_pt_pinned] = MEMATTR_NORMAL_WB | SH_INNER | S2AP_RO | DESC_XN,
};

static p2m_pte_t arm_make_leaf(mfn_t mfn, p2m_type_t t, unsigned int level)
{
	p2m_pte_t d = (mfn_to_maddr(mfn) & DESC_OA_MASK) | DESC_VALID |
		      DESC_AF | arm_type_attr[t] |
		      ((p2m_pte_t)t << DESC_SW_SHIFT);

	/* A level-3 (our 0) page has bit 1 set; a block has it clear. */
	return level ? d : d | DESC_TABLE;
}

static p2m_pte_t arm_make_table(mfn_t mfn)
{
	return (mfn_to_maddr(mfn) & DESC_OA_MASK) | DESC_VALID | DESC_TABLE;
}

static bool arm_is_table(p2m_pte_t pte, unsigned int level)
{
	return level && (pte & DESC_TABLE);
}

static mfn_t arm_pte_mfn(p2m_pte_t pte)
{
	return maddr_to_mfn(pte & DESC_OA_MASK);
}

static unsigned int arm_pte_type(p2m_pte_t pte)
{
	return (pte & DESC_SW_MASK) >> DESC_SW_SHIFT;
}

/* Fields that depend on the geometry (Arm ARM (DDI 0487 K.a) "VTCR_EL2"). */
#define VTCR_T0SZ(x) ((u64)(x)&0x3f)
#define VTCR_SL0(x) ((u64)(x) << 6)

int p2m_format_arm_init(struct p2m_format *fmt, unsigned int ipa_bits)
{
	unsigned int sl0;

	if (ipa_bits < 32 || ipa_bits > 48) {
		return -EINVAL;
	}
	fmt->name = "Arm-S2-4K";
	fmt->gpa_bits = ipa_bits;
	fmt->pa_bits = 48;
	fmt->leaf_levels = 0x7;
	fmt->mfn_shift = PAGE_SHIFT;
	fmt->valid_mask = DESC_VALID;
	fmt->bbm = true;
	fmt->side_types = 0;
	fmt->make_leaf = arm_make_leaf;
	fmt->make_table = arm_make_table;
	fmt->is_table = arm_is_table;
	fmt->pte_mfn = arm_pte_mfn;
	fmt->pte_type = arm_pte_type;

	if (ipa_bits > 43) {
		/* Start at level 0, one partial or full root table. */
		fmt->levels = 4;
		fmt->root_bits = ipa_bits - 39;
		fmt->root_order = 0;
		sl0 = 2;
	} else {
		/*
		 * Start at level 1; above 39 bits the root is 2..16 level-1
		 * tables concatenated (Arm ARM (DDI 0487 K.a) "VTCR_EL2",
		 * SL0 and T0SZ), which saves a whole level.
		 */
		fmt->levels = 3;
		fmt->root_bits = ipa_bits - 30;
		fmt->root_order = ipa_bits > 39 ? ipa_bits - 39 : 0;
		sl0 = 1;
	}
	fmt->hw_mode = VTCR_T0SZ(64 - ipa_bits) | VTCR_SL0(sl0);
	return 0;
}
