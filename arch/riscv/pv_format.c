// SPDX-License-Identifier: GPL-2.0
/*
 * RISC-V Sv39 / Sv48 guest stage-1 entries for the PV MMU: pure bit
 * manipulation, compiled for the hypervisor and for the host tests.
 *
 * RISC-V privileged spec, "Sv39: Page-Based 39-bit Virtual-Memory
 * System" and "Sv48": a PTE is V(0) R(1) W(2) X(3) U(4) G(5) A(6) D(7)
 * RSW(9:8) PPN(53:10), bits 60:54 reserved (must be zero), PBMT(62:61)
 * from Svpbmt and N(63) from Svnapot. R=W=X=0 on a valid entry points to
 * the next level; W without R is reserved.
 */
#include <public/xen-lite.h>
#include <xen-lite/errno.h>
#include <xen-lite/pv_mm.h>

#define RV_V (1ULL << 0)
#define RV_R (1ULL << 1)
#define RV_W (1ULL << 2)
#define RV_X (1ULL << 3)
#define RV_U (1ULL << 4)
#define RV_A (1ULL << 6)
#define RV_D (1ULL << 7)
#define RV_PPN_SHIFT 10
#define RV_PPN_MASK (((1ULL << 44) - 1) << RV_PPN_SHIFT)
#define RV_RESERVED (((1ULL << 7) - 1) << 54)
#define RV_PBMT_SHIFT 61
#define RV_PBMT_MASK (3ULL << RV_PBMT_SHIFT)
#define RV_N (1ULL << 63)

static int rv_decode(u64 pte, unsigned int level, unsigned int leaf_levels,
		     struct pv_pte *out)
{
	u64 ppn = (pte & RV_PPN_MASK) >> RV_PPN_SHIFT;
	u64 align = (1ULL << (9 * (level - 1))) - 1;

	out->kind = PV_PTE_ABSENT;
	out->gfn = _gfn(ppn);
	out->write = false;
	out->exec = false;
	/* An invalid PTE is ignored by the walker: its other bits are free. */
	if (!(pte & RV_V)) {
		return 0;
	}
	if (pte & (RV_RESERVED | RV_N)) {
		return -EINVAL;
	}
	if ((pte & (RV_R | RV_W)) == RV_W) {
		return -EINVAL;
	}
	if (!(pte & (RV_R | RV_W | RV_X))) {
		/* Non-leaf: D, A, U and PBMT are reserved and must be zero. */
		if (level == 1 || (pte & (RV_D | RV_A | RV_U | RV_PBMT_MASK))) {
			return -EINVAL;
		}
		out->kind = PV_PTE_TABLE;
		return 0;
	}
	/* PBMT 3 is reserved. */
	if ((pte & RV_PBMT_MASK) == RV_PBMT_MASK) {
		return -EINVAL;
	}
	if (!(leaf_levels & (1U << level))) {
		return -EINVAL;
	}
	/* A misaligned superpage raises a page fault: refuse it. */
	if (ppn & align) {
		return -EINVAL;
	}
	out->kind = PV_PTE_LEAF;
	out->write = pte & RV_W;
	out->exec = pte & RV_X;
	return 0;
}

/* Leaves at 4 KiB, 2 MiB and 1 GiB; Sv48's 512 GiB leaves are refused. */
#define RV_LEAF_LEVELS ((1U << 1) | (1U << 2) | (1U << 3))

static int sv39_decode(u64 pte, unsigned int level, struct pv_pte *out)
{
	if (level < 1 || level > 3) {
		return -EINVAL;
	}
	return rv_decode(pte, level, RV_LEAF_LEVELS, out);
}

static int sv48_decode(u64 pte, unsigned int level, struct pv_pte *out)
{
	if (level < 1 || level > 4) {
		return -EINVAL;
	}
	return rv_decode(pte, level, RV_LEAF_LEVELS, out);
}

static u64 rv_make_table(gfn_t gfn, unsigned int level)
{
	return ((gfn_x(gfn) << RV_PPN_SHIFT) & RV_PPN_MASK) | RV_V;
}

static u64 rv_make_leaf(gfn_t gfn, unsigned int level, unsigned int perms)
{
	u64 pte = ((gfn_x(gfn) << RV_PPN_SHIFT) & RV_PPN_MASK) | RV_V | RV_A;

	if (perms & PV_PERM_R) {
		pte |= RV_R;
	}
	if (perms & PV_PERM_W) {
		pte |= RV_W | RV_D;
	}
	if (perms & PV_PERM_X) {
		pte |= RV_X;
	}
	return pte;
}

const struct pv_pt_format pv_pt_sv39 = {
	.name = "sv39",
	.id = XL_PT_FORMAT_SV39,
	.levels = 3,
	.va_bits = 39,
	.leaf_levels = RV_LEAF_LEVELS,
	.decode = sv39_decode,
	.make_table = rv_make_table,
	.make_leaf = rv_make_leaf,
};

const struct pv_pt_format pv_pt_sv48 = {
	.name = "sv48",
	.id = XL_PT_FORMAT_SV48,
	.levels = 4,
	.va_bits = 48,
	.leaf_levels = RV_LEAF_LEVELS,
	.decode = sv48_decode,
	.make_table = rv_make_table,
	.make_leaf = rv_make_leaf,
};
