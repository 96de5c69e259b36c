// SPDX-License-Identifier: GPL-2.0
/*
 * RISC-V G-stage descriptors, Sv39x4 and Sv48x4 (RISC-V privileged spec,
 * "Hypervisor extension", two-stage address translation). Pure bit
 * manipulation: compiled into the hypervisor and into the host tests.
 *
 * The G-stage root is widened by two bits: 2048 entries, 16 KiB, aligned
 * to 16 KiB. Leaves must have U set (every G-stage access is checked as a
 * user access). A and D are preset so hardware without A/D updating never
 * faults on them. Memory attributes come from the PMAs of the physical
 * address: a G-stage leaf cannot make device memory cacheable, so both
 * MMIO types share one encoding and Svpbmt is not needed.
 *
 * Types: the two RSW bits (9:8) hold the three commonest types; 3 means
 * "look in the side storage".
 */
#include <xen-lite/arch/p2m.h>

#define GPTE_V (1ULL << 0)
#define GPTE_R (1ULL << 1)
#define GPTE_W (1ULL << 2)
#define GPTE_X (1ULL << 3)
#define GPTE_U (1ULL << 4)
#define GPTE_A (1ULL << 6)
#define GPTE_D (1ULL << 7)
#define GPTE_RSW_SHIFT 8
#define GPTE_RSW_MASK (3ULL << GPTE_RSW_SHIFT)
#define GPTE_PPN_SHIFT 10
#define GPTE_PPN_MASK (((1ULL << 44) - 1) << GPTE_PPN_SHIFT)

#define RSW_SIDE 3

/* Permissions and RSW code of each type. */
static const struct {
	u8 perm;
	u8 rsw;
} rv_types[p2m_max_real_type] = {
	[p2m_ram_rw] = { GPTE_R | GPTE_W | GPTE_X, 0 },
	[p2m_ram_ro] = { GPTE_R | GPTE_X, 1 },
	[p2m_mmio_direct_dev] = { GPTE_R | GPTE_W, 2 },
	[p2m_mmio_direct_c] = { GPTE_R | GPTE_W, RSW_SIDE },
	[p2m_map_foreign_rw] = { GPTE_R | GPTE_W, RSW_SIDE },
	[p2m_map_foreign_ro] = { GPTE_R, RSW_SIDE },
	[p2m_grant_map_rw] = { GPTE_R | GPTE_W, RSW_SIDE },
	[p2m_grant_map_ro] = { GPTE_R, RSW_SIDE },
	[p2m_pt_pinned] = { GPTE_R, RSW_SIDE },
};

static const u8 rsw_type[RSW_SIDE] = { p2m_ram_rw, p2m_ram_ro,
				       p2m_mmio_direct_dev };

#define RV_SIDE_TYPES                                             \
	((1U << p2m_mmio_direct_c) | (1U << p2m_map_foreign_rw) | \
	 (1U << p2m_map_foreign_ro) | (1U << p2m_grant_map_rw) |  \
	 (1U << p2m_grant_map_ro) | (1U << p2m_pt_pinned))

static p2m_pte_t rv_make_leaf(mfn_t mfn, p2m_type_t t, unsigned int level)
{
	return (mfn_x(mfn) << GPTE_PPN_SHIFT) | GPTE_V | GPTE_U | GPTE_A |
	       GPTE_D | rv_types[t].perm |
	       ((p2m_pte_t)rv_types[t].rsw << GPTE_RSW_SHIFT);
}

static p2m_pte_t rv_make_table(mfn_t mfn)
{
	return (mfn_x(mfn) << GPTE_PPN_SHIFT) | GPTE_V;
}

static bool rv_is_table(p2m_pte_t pte, unsigned int level)
{
	return !(pte & (GPTE_R | GPTE_W | GPTE_X));
}

static mfn_t rv_pte_mfn(p2m_pte_t pte)
{
	return _mfn((pte & GPTE_PPN_MASK) >> GPTE_PPN_SHIFT);
}

static unsigned int rv_pte_type(p2m_pte_t pte)
{
	unsigned int rsw = (pte & GPTE_RSW_MASK) >> GPTE_RSW_SHIFT;

	return rsw == RSW_SIDE ? P2M_TYPE_SIDE : rsw_type[rsw];
}

/* hgatp.MODE values (privileged spec, hgatp register). */
#define GSTAGE_MODE_SV39X4 8
#define GSTAGE_MODE_SV48X4 9

const struct p2m_format p2m_format_sv39x4 = {
	.name = "Sv39x4",
	.levels = 3,
	.root_bits = 11,
	.root_order = 2,
	.gpa_bits = 41,
	.pa_bits = 56,
	.leaf_levels = 0x7,
	.mfn_shift = GPTE_PPN_SHIFT,
	.valid_mask = GPTE_V,
	.bbm = false,
	.side_types = RV_SIDE_TYPES,
	.hw_mode = GSTAGE_MODE_SV39X4,
	.make_leaf = rv_make_leaf,
	.make_table = rv_make_table,
	.is_table = rv_is_table,
	.pte_mfn = rv_pte_mfn,
	.pte_type = rv_pte_type,
};

const struct p2m_format p2m_format_sv48x4 = {
	.name = "Sv48x4",
	.levels = 4,
	.root_bits = 11,
	.root_order = 2,
	.gpa_bits = 50,
	.pa_bits = 56,
	.leaf_levels = 0x7,
	.mfn_shift = GPTE_PPN_SHIFT,
	.valid_mask = GPTE_V,
	.bbm = false,
	.side_types = RV_SIDE_TYPES,
	.hw_mode = GSTAGE_MODE_SV48X4,
	.make_leaf = rv_make_leaf,
	.make_table = rv_make_table,
	.is_table = rv_is_table,
	.pte_mfn = rv_pte_mfn,
	.pte_type = rv_pte_type,
};
