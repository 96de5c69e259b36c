// SPDX-License-Identifier: GPL-2.0
/*
 * AArch64 stage-1 descriptors, 4 KiB granule, for the PV MMU: pure bit
 * manipulation, compiled for the hypervisor and for the host tests.
 *
 * Arm ARM (DDI 0487 K.a) "Translation table descriptor formats"
 * (VMSAv8-64). The PV MMU numbers levels from the leaves, so its level L
 * is the Arm lookup level 4 - L: L1 = level 3 (pages), L2 = level 2
 * (2 MiB blocks), L3 = level 1 (1 GiB blocks, the root of a 39-bit VA),
 * L4 = level 0 (the root of a 48-bit VA, tables only without FEAT_LPA2).
 *
 * Output addresses are 48 bits (no FEAT_LPA2): bits 51:48 of a table
 * descriptor and 49:48 of a block or page descriptor are RES0.
 */
#include <public/xen-lite.h>
#include <xen-lite/errno.h>
#include <xen-lite/pv_mm.h>

#define A64_VALID (1ULL << 0)
#define A64_TABLE (1ULL << 1) /* table (levels 0-2) or page (level 3) */
#define A64_ATTR_SH_SHIFT 8
#define A64_ATTR_SH_MASK (3ULL << A64_ATTR_SH_SHIFT)
#define A64_ATTR_SH_RESERVED (1ULL << A64_ATTR_SH_SHIFT)
#define A64_AP_RO (1ULL << 7) /* AP[2]: read-only at every level */
#define A64_AF (1ULL << 10)
#define A64_DBM (1ULL << 51) /* hardware may clear AP[2]: writable */
#define A64_CONT (1ULL << 52)
#define A64_PXN (1ULL << 53)
#define A64_UXN (1ULL << 54)
#define A64_OA_MASK (((1ULL << 36) - 1) << 12) /* bits 47:12 */
#define A64_TABLE_RES0 (0xfULL << 48) /* bits 51:48 */
#define A64_LEAF_RES0 (3ULL << 48) /* bits 49:48 */
#define A64_ATTR_NORMAL (0ULL << 2) /* AttrIndx 0 */
#define A64_SH_INNER (3ULL << A64_ATTR_SH_SHIFT)

/* Blocks at levels 1 and 2, pages at level 3. */
#define A64_LEAF_LEVELS ((1U << 1) | (1U << 2) | (1U << 3))

static int a64_decode(u64 pte, unsigned int level, unsigned int levels,
		      struct pv_pte *out)
{
	u64 oa = pte & A64_OA_MASK;
	u64 low = (1ULL << (12 + 9 * (level - 1))) - 1;

	out->kind = PV_PTE_ABSENT;
	out->gfn = _gfn(oa >> 12);
	out->write = false;
	out->exec = false;
	if (level < 1 || level > levels) {
		return -EINVAL;
	}
	/* An invalid descriptor is ignored: its other bits are free. */
	if (!(pte & A64_VALID)) {
		return 0;
	}
	if (level > 1 && (pte & A64_TABLE)) {
		if (pte & A64_TABLE_RES0) {
			return -EINVAL;
		}
		out->kind = PV_PTE_TABLE;
		return 0;
	}
	/* Level 3 with bit 1 clear is reserved; level 0 has no blocks. */
	if (level == 1 && !(pte & A64_TABLE)) {
		return -EINVAL;
	}
	if (!(A64_LEAF_LEVELS & (1U << level))) {
		return -EINVAL;
	}
	/* RES0 bits, the bits below a block's output address, Contiguous. */
	if (pte & (A64_LEAF_RES0 | A64_CONT)) {
		return -EINVAL;
	}
	if (oa & low) {
		return -EINVAL;
	}
	if ((pte & A64_ATTR_SH_MASK) == A64_ATTR_SH_RESERVED) {
		return -EINVAL;
	}
	out->kind = PV_PTE_LEAF;
	out->write = !(pte & A64_AP_RO) || (pte & A64_DBM);
	out->exec = !(pte & A64_PXN) || !(pte & A64_UXN);
	return 0;
}

static int a64_l4_decode(u64 pte, unsigned int level, struct pv_pte *out)
{
	return a64_decode(pte, level, 4, out);
}

static int a64_l3_decode(u64 pte, unsigned int level, struct pv_pte *out)
{
	return a64_decode(pte, level, 3, out);
}

static u64 a64_make_table(gfn_t gfn, unsigned int level)
{
	return ((gfn_x(gfn) << 12) & A64_OA_MASK) | A64_TABLE | A64_VALID;
}

static u64 a64_make_leaf(gfn_t gfn, unsigned int level, unsigned int perms)
{
	u64 pte = ((gfn_x(gfn) << 12) & A64_OA_MASK) | A64_VALID | A64_AF |
		  A64_SH_INNER | A64_ATTR_NORMAL;

	if (level == 1) {
		pte |= A64_TABLE;
	}
	if (!(perms & PV_PERM_W)) {
		pte |= A64_AP_RO;
	}
	if (!(perms & PV_PERM_X)) {
		pte |= A64_PXN | A64_UXN;
	}
	return pte;
}

const struct pv_pt_format pv_pt_arm64_l4 = {
	.name = "arm64-4k-l4",
	.id = XL_PT_FORMAT_ARM64_L4,
	.levels = 4,
	.va_bits = 48,
	.leaf_levels = A64_LEAF_LEVELS,
	.decode = a64_l4_decode,
	.make_table = a64_make_table,
	.make_leaf = a64_make_leaf,
};

const struct pv_pt_format pv_pt_arm64_l3 = {
	.name = "arm64-4k-l3",
	.id = XL_PT_FORMAT_ARM64_L3,
	.levels = 3,
	.va_bits = 39,
	.leaf_levels = A64_LEAF_LEVELS,
	.decode = a64_l3_decode,
	.make_table = a64_make_table,
	.make_leaf = a64_make_leaf,
};
