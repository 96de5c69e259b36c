// SPDX-License-Identifier: GPL-2.0
/*
 * PV MMU unit tests: the real common/pv_mm.c, the four stage-1 formats
 * and common/hypercall.c against the host environment of pv_mm_env.c.
 * Every adversarial case of issue 7 is its own test with the exact error
 * code; every test ends with the invariant check (env_check(): counts
 * equal a recount, no frame writable and a table, tables read-only) and
 * a teardown after which every count of the domain is back to zero.
 */
#include <pthread.h>
#include <string.h>

#include <xen-lite/hypercall.h>

#include "harness.h"
#include "pv_mm_env.h"

#define RW (PV_PERM_R | PV_PERM_W)
#define RO PV_PERM_R
#define RWX (PV_PERM_R | PV_PERM_W | PV_PERM_X)
#define RX (PV_PERM_R | PV_PERM_X)

static struct env_dom *ed;
static const struct pv_pt_format *F;
static gfn_t T[PV_PT_MAX_LEVELS + 1]; /* T[k]: the level-k table */
static gfn_t D[16]; /* data frames mapped by T[1] */

static void setup(const struct pv_pt_format *fmt)
{
	env_reset();
	ed = env_dom_create(1, 1024, false);
	F = fmt;
	if (env_op(ed, XL_MMUEXT_SET_FORMAT, fmt->id, 0)) {
		diag("cannot set format %s\n", fmt->name);
		abort();
	}
}

static u64 *E(gfn_t t)
{
	return env_gfn_ptr(ed, t);
}

static u64 tbl(gfn_t g, unsigned int level)
{
	return F->make_table(g, level);
}

static u64 leaf(gfn_t g, unsigned int level, unsigned int perms)
{
	return F->make_leaf(g, level, perms);
}

static unsigned int top(void)
{
	return F->levels;
}

/* A chain root -> ... -> L1 whose first @n entries map D[0..n) as @perms. */
static void build(unsigned int n, unsigned int perms)
{
	for (unsigned int k = 1; k <= top(); k++) {
		T[k] = env_alloc_gfn(ed);
	}
	for (unsigned int k = 2; k <= top(); k++) {
		E(T[k])[0] = tbl(T[k - 1], k);
	}
	for (unsigned int i = 0; i < 16; i++) {
		D[i] = env_alloc_gfn(ed);
	}
	for (unsigned int i = 0; i < n; i++) {
		E(T[1])[i] = leaf(D[i], 1, perms);
	}
}

static int pin(unsigned int level, gfn_t g)
{
	return env_op(ed, XL_MMUEXT_PIN_L1_TABLE + level - 1, gfn_x(g), 0);
}

static int unpin(gfn_t g)
{
	return env_op(ed, XL_MMUEXT_UNPIN_TABLE, gfn_x(g), 0);
}

static int baseptr(gfn_t g, u64 arg2)
{
	return env_op(ed, XL_MMUEXT_NEW_BASEPTR, gfn_x(g), arg2);
}

static int upd(gfn_t t, unsigned int idx, u64 val)
{
	return env_update(ed, t, idx, val);
}

static u64 ti(gfn_t g)
{
	return env_gfn_page(ed, g)->type_info;
}

/* Invariants now, then teardown returns every count of the domain to 0. */
static int finish(void)
{
	int rc = env_check();

	if (rc) {
		return rc;
	}
	while (pv_mm_domain_teardown(&ed->d) == -ERESTART) {
		;
	}
	if (!env_dom_clear(ed)) {
		return -1;
	}
	return env_check();
}

#define FINISH() CHECK_EQ(finish(), 0)

static const struct pv_pt_format *const fmts[] = {
	&pv_pt_sv39,
	&pv_pt_sv48,
	&pv_pt_arm64_l4,
	&pv_pt_arm64_l3,
};

/* ---- formats ---- */

static void format_roundtrip(const struct pv_pt_format *fmt)
{
	struct pv_pte e;

	F = fmt;
	CHECK_EQ(fmt->decode(0, 1, &e), 0);
	CHECK_EQ(e.kind, PV_PTE_ABSENT);
	for (unsigned int k = 2; k <= fmt->levels; k++) {
		CHECK_EQ(fmt->decode(tbl(_gfn(0x81234), k), k, &e), 0);
		CHECK_EQ(e.kind, PV_PTE_TABLE);
		CHECK_EQ(gfn_x(e.gfn), 0x81234);
	}
	for (unsigned int k = 1; k <= 3; k++) {
		u64 g = 0x80000ULL << (k == 3 ? 9 : 0);

		CHECK_EQ(fmt->decode(leaf(_gfn(g), k, RW), k, &e), 0);
		CHECK_EQ(e.kind, PV_PTE_LEAF);
		CHECK_EQ(gfn_x(e.gfn), g);
		CHECK(e.write && !e.exec);
		CHECK_EQ(fmt->decode(leaf(_gfn(g), k, RX), k, &e), 0);
		CHECK(!e.write && e.exec);
		CHECK_EQ(fmt->decode(leaf(_gfn(g), k, RO), k, &e), 0);
		CHECK(!e.write && !e.exec);
	}
	/* No leaves at L4 (512 GiB / Arm level 0 blocks). */
	if (fmt->levels == 4) {
		CHECK_EQ(fmt->decode(leaf(_gfn(0), 4, RW), 4, &e), -EINVAL);
	}
	/* An L1 entry is never a table. */
	CHECK_EQ(fmt->decode(tbl(_gfn(0x80000), 2) & ~2ULL, 1, &e) == 0 &&
			 e.kind == PV_PTE_TABLE,
		 0);
	CHECK_EQ(fmt->decode(0, fmt->levels + 1, &e), -EINVAL);
}

TEST(format_sv39)
{
	format_roundtrip(&pv_pt_sv39);
}

TEST(format_sv48)
{
	format_roundtrip(&pv_pt_sv48);
}

TEST(format_arm64_l4)
{
	format_roundtrip(&pv_pt_arm64_l4);
}

TEST(format_arm64_l3)
{
	format_roundtrip(&pv_pt_arm64_l3);
}

TEST(format_riscv_reserved)
{
	struct pv_pte e;
	u64 l = pv_pt_sv39.make_leaf(_gfn(0x80000), 1, RW);
	u64 t = pv_pt_sv39.make_table(_gfn(0x80000), 2);

	CHECK_EQ(pv_pt_sv39.decode(l | (1ULL << 54), 1, &e), -EINVAL);
	CHECK_EQ(pv_pt_sv39.decode(l | (1ULL << 60), 1, &e), -EINVAL);
	CHECK_EQ(pv_pt_sv39.decode(l | (1ULL << 63), 1, &e), -EINVAL);
	CHECK_EQ(pv_pt_sv39.decode(l | (3ULL << 61), 1, &e), -EINVAL);
	/* W without R. */
	CHECK_EQ(pv_pt_sv39.decode((l & ~2ULL), 1, &e), -EINVAL);
	/* Non-leaf with A, D or U. */
	CHECK_EQ(pv_pt_sv39.decode(t | (1ULL << 6), 2, &e), -EINVAL);
	CHECK_EQ(pv_pt_sv39.decode(t | (1ULL << 7), 2, &e), -EINVAL);
	CHECK_EQ(pv_pt_sv39.decode(t | (1ULL << 4), 2, &e), -EINVAL);
	/* Misaligned 2 MiB superpage. */
	CHECK_EQ(pv_pt_sv39.decode(pv_pt_sv39.make_leaf(_gfn(0x80001), 2, RW),
				   2, &e),
		 -EINVAL);
	/* Pointer in an L1 table. */
	CHECK_EQ(pv_pt_sv39.decode(t, 1, &e), -EINVAL);
	/* Invalid entries may carry anything. */
	CHECK_EQ(pv_pt_sv39.decode(~1ULL, 1, &e), 0);
	CHECK_EQ(e.kind, PV_PTE_ABSENT);
}

TEST(format_arm64_reserved)
{
	const struct pv_pt_format *f = &pv_pt_arm64_l4;
	struct pv_pte e;
	u64 p = f->make_leaf(_gfn(0x80000), 1, RW);
	u64 b = f->make_leaf(_gfn(0x80000), 2, RW);
	u64 t = f->make_table(_gfn(0x80000), 2);

	/* Level-3 descriptor with bit 1 clear is reserved. */
	CHECK_EQ(f->decode(p & ~2ULL, 1, &e), -EINVAL);
	/* Level-0 block. */
	CHECK_EQ(f->decode(t & ~2ULL, 4, &e), -EINVAL);
	/* RES0 output-address bits, Contiguous. */
	CHECK_EQ(f->decode(p | (1ULL << 48), 1, &e), -EINVAL);
	CHECK_EQ(f->decode(t | (1ULL << 50), 2, &e), -EINVAL);
	CHECK_EQ(f->decode(p | (1ULL << 52), 1, &e), -EINVAL);
	/* Bits below a block's output address; nT. */
	CHECK_EQ(f->decode(b | (1ULL << 16), 2, &e), -EINVAL);
	CHECK_EQ(f->decode(b | (1ULL << 13), 2, &e), -EINVAL);
	/* Reserved shareability 0b01. */
	CHECK_EQ(f->decode((p & ~(3ULL << 8)) | (1ULL << 8), 1, &e), -EINVAL);
	/* DBM on a read-only page makes it writable. */
	CHECK_EQ(f->decode(f->make_leaf(_gfn(0x80000), 1, RO) | (1ULL << 51), 1,
			   &e),
		 0);
	CHECK(e.write);
}

/* ---- full cycles, every format ---- */

static void full_cycle(const struct pv_pt_format *fmt)
{
	gfn_t r2;

	setup(fmt);
	build(8, RW);
	CHECK_EQ(pin(top(), T[top()]), 0);
	for (unsigned int k = 1; k <= top(); k++) {
		CHECK_EQ(pgt_type(ti(T[k])), PGT_L1 + k - 1);
		CHECK(ti(T[k]) & PGT_VALIDATED);
		CHECK_EQ(pgt_count(ti(T[k])), 1);
		CHECK_EQ(env_gfn_type(ed, T[k]), p2m_pt_pinned);
	}
	CHECK(ti(T[top()]) & PGT_PINNED);
	CHECK_EQ(pgt_type(ti(D[0])), PGT_WRITABLE);
	CHECK_EQ(pgt_count(ti(D[0])), 1);
	CHECK(pv_mm_page_busy(env_gfn_page(ed, D[0])));
	CHECK(pv_mm_page_busy(env_gfn_page(ed, T[1])));
	CHECK(!pv_mm_page_busy(env_gfn_page(ed, D[15])));
	/* Switch to it. */
	CHECK_EQ(baseptr(T[top()], 5ULL << XL_BASEPTR_ASID_SHIFT), 0);
	CHECK_EQ(env_hooks.baseptr_calls, 1);
	CHECK_EQ(gfn_x(env_hooks.baseptr_root), gfn_x(T[top()]));
	CHECK_EQ(env_hooks.baseptr_levels, top());
	CHECK_EQ(env_hooks.baseptr_asid, 5);
	CHECK_EQ(pgt_count(ti(T[top()])), 2);
	/* Update: add a read-only mapping, remove a writable one. */
	CHECK_EQ(upd(T[1], 8, leaf(D[8], 1, RO)), 0);
	CHECK_EQ(pgt_maps(ti(D[8])), 1);
	CHECK_EQ(upd(T[1], 0, 0), 0);
	CHECK_EQ(ti(D[0]), 0);
	CHECK_EQ(env_check(), 0);
	/* A second root sharing the level below, switch, unpin the first. */
	r2 = env_alloc_gfn(ed);
	E(r2)[1] = tbl(T[top() - 1], top());
	CHECK_EQ(pin(top(), r2), 0);
	CHECK_EQ(pgt_count(ti(T[top() - 1])), 2);
	CHECK_EQ(baseptr(r2, 0), 0);
	CHECK_EQ(pgt_count(ti(T[top()])), 1);
	CHECK_EQ(unpin(T[top()]), 0);
	CHECK_EQ(ti(T[top()]), 0);
	CHECK_EQ(env_gfn_type(ed, T[top()]), p2m_ram_rw);
	CHECK_EQ(pgt_count(ti(T[top() - 1])), 1);
	CHECK_EQ(env_check(), 0);
	FINISH();
}

TEST(cycle_sv39)
{
	full_cycle(&pv_pt_sv39);
}

TEST(cycle_sv48)
{
	full_cycle(&pv_pt_sv48);
}

TEST(cycle_arm64_l4)
{
	full_cycle(&pv_pt_arm64_l4);
}

TEST(cycle_arm64_l3)
{
	full_cycle(&pv_pt_arm64_l3);
}

TEST(baseptr_kernel_slot)
{
	setup(&pv_pt_arm64_l4);
	build(1, RW);
	CHECK_EQ(pin(4, T[4]), 0);
	CHECK_EQ(baseptr(T[4], XL_BASEPTR_KERNEL), 0);
	CHECK_EQ(env_hooks.baseptr_slot, XL_BASEPTR_KERNEL);
	CHECK_EQ(baseptr(T[4], XL_BASEPTR_USER), 0);
	CHECK_EQ(pgt_count(ti(T[4])), 3);
	FINISH();
	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(pin(3, T[3]), 0);
	CHECK_EQ(baseptr(T[3], XL_BASEPTR_KERNEL), -EINVAL);
	CHECK_EQ(baseptr(T[3], 1ULL << 2), -EINVAL);
	FINISH();
}

TEST(superpages_positive)
{
	for (size_t f = 0; f < ARRAY_SIZE(fmts); f++) {
		gfn_t l2;

		setup(fmts[f]);
		build(0, RW);
		l2 = T[2];
		/* A 2 MiB leaf over 512 frames of RAM (gfn 0x80200..). */
		E(l2)[1] = leaf(_gfn(ENV_GFN_BASE + 512), 2, RW);
		CHECK_EQ(pin(top(), T[top()]), 0);
		CHECK_EQ(pgt_count(ti(_gfn(ENV_GFN_BASE + 512))), 1);
		CHECK_EQ(pgt_count(ti(_gfn(ENV_GFN_BASE + 1000))), 1);
		CHECK_EQ(upd(l2, 1, leaf(_gfn(ENV_GFN_BASE + 512), 2, RO)), 0);
		CHECK_EQ(pgt_maps(ti(_gfn(ENV_GFN_BASE + 700))), 1);
		CHECK_EQ(pgt_count(ti(_gfn(ENV_GFN_BASE + 700))), 0);
		FINISH();
	}
}

/* ---- ownership ---- */

TEST(leaf_other_domain_ram)
{
	struct env_dom *other;

	setup(&pv_pt_sv39);
	other = env_dom_create(2, 64, false);
	build(1, RW);
	/* The other domain's frame, at a gfn hole of ours. */
	env_set_p2m(ed, _gfn(ENV_GFN_BASE + 900), other->p2m.mfn[3],
		    p2m_ram_rw);
	CHECK_EQ(pin(3, T[3]), 0);
	CHECK_EQ(upd(T[1], 1, leaf(_gfn(ENV_GFN_BASE + 900), 1, RW)), -EPERM);
	CHECK_EQ(upd(T[1], 1, leaf(_gfn(ENV_GFN_BASE + 900), 1, RO)), -EPERM);
	/* And as a foreign mapping. */
	env_set_p2m(ed, _gfn(ENV_GFN_BASE + 901), other->p2m.mfn[4],
		    p2m_map_foreign_rw);
	CHECK_EQ(upd(T[1], 1, leaf(_gfn(ENV_GFN_BASE + 901), 1, RO)), -EPERM);
	CHECK_EQ(E(T[1])[1], 0);
	CHECK_EQ(other->p2m.mfn[3].m ?
			 mfn_to_page(other->p2m.mfn[3])->type_info :
			 1,
		 0);
	FINISH();
}

TEST(leaf_hypervisor_ram)
{
	setup(&pv_pt_sv39);
	build(1, RW);
	env_set_p2m(ed, _gfn(ENV_GFN_BASE + 900), env_xen_frame(), p2m_ram_rw);
	CHECK_EQ(pin(3, T[3]), 0);
	CHECK_EQ(upd(T[1], 1, leaf(_gfn(ENV_GFN_BASE + 900), 1, RW)), -EPERM);
	/* A gfn beyond everything (not in the p2m). */
	CHECK_EQ(upd(T[1], 1, leaf(_gfn(0x7fff0), 1, RW)), -EPERM);
	CHECK_EQ(frame_table[0].type_info, 0);
	FINISH();
}

TEST(leaf_unassigned_mmio)
{
	setup(&pv_pt_arm64_l4);
	build(1, RW);
	env_set_p2m(ed, _gfn(ENV_GFN_BASE + 900), _mfn(0x9000),
		    p2m_mmio_direct_dev);
	CHECK_EQ(pin(4, T[4]), 0);
	CHECK_EQ(upd(T[1], 1, leaf(_gfn(ENV_GFN_BASE + 900), 1, RW)), -EPERM);
	/* An unmapped gfn (UART, PLIC: emulated, not RAM). */
	env_set_p2m(ed, _gfn(ENV_GFN_BASE + 901), INVALID_MFN, p2m_invalid);
	CHECK_EQ(upd(T[1], 1, leaf(_gfn(ENV_GFN_BASE + 901), 1, RO)), -EPERM);
	FINISH();
}

TEST(pin_not_owned_fails_cleanly)
{
	setup(&pv_pt_sv39);
	build(2, RW);
	env_set_p2m(ed, _gfn(ENV_GFN_BASE + 900), env_xen_frame(), p2m_ram_rw);
	E(T[1])[5] = leaf(_gfn(ENV_GFN_BASE + 900), 1, RW);
	CHECK_EQ(pin(3, T[3]), -EPERM);
	/* Rolled back: nothing typed, nothing read-only. */
	for (unsigned int k = 1; k <= 3; k++) {
		CHECK_EQ(ti(T[k]), 0);
		CHECK_EQ(env_gfn_type(ed, T[k]), p2m_ram_rw);
	}
	CHECK_EQ(ti(D[0]), 0);
	CHECK_EQ(env_gfn_page(ed, D[0])->count, 1);
	FINISH();
}

/* ---- writable vs table ---- */

static void writable_map_of_table(const struct pv_pt_format *fmt)
{
	setup(fmt);
	build(1, RW);
	CHECK_EQ(pin(top(), T[top()]), 0);
	for (unsigned int k = 1; k <= top(); k++) {
		CHECK_EQ(upd(T[1], 3, leaf(T[k], 1, RW)), -EBUSY);
		/* Read-only is fine (the guest reads its tables). */
		CHECK_EQ(upd(T[1], 3, leaf(T[k], 1, RO)), 0);
		CHECK_EQ(upd(T[1], 3, 0), 0);
	}
	CHECK_EQ(E(T[1])[3], 0);
	FINISH();
}

TEST(writable_map_of_table_every_level_sv48)
{
	writable_map_of_table(&pv_pt_sv48);
}

TEST(writable_map_of_table_every_level_arm64_l4)
{
	writable_map_of_table(&pv_pt_arm64_l4);
}

TEST(writable_map_of_table_every_level_sv39)
{
	writable_map_of_table(&pv_pt_sv39);
}

TEST(writable_map_of_table_every_level_arm64_l3)
{
	writable_map_of_table(&pv_pt_arm64_l3);
}

TEST(writable_map_in_pinned_tree_at_pin)
{
	setup(&pv_pt_sv39);
	build(1, RW);
	/* The L1 maps the L2 table writable: the whole pin is refused. */
	E(T[1])[2] = leaf(T[2], 1, RW);
	CHECK_EQ(pin(3, T[3]), -EBUSY);
	CHECK_EQ(ti(T[2]), 0);
	FINISH();
}

TEST(pin_frame_mapped_writable)
{
	gfn_t l1b;

	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(pin(3, T[3]), 0);
	l1b = env_alloc_gfn(ed);
	CHECK_EQ(upd(T[1], 4, leaf(l1b, 1, RW)), 0);
	CHECK_EQ(pin(1, l1b), -EBUSY);
	CHECK_EQ(upd(T[2], 1, tbl(l1b, 2)), -EBUSY);
	CHECK_EQ(env_gfn_type(ed, l1b), p2m_ram_rw);
	/* Once the writable mapping is gone it may become a table. */
	CHECK_EQ(upd(T[1], 4, 0), 0);
	CHECK_EQ(pin(1, l1b), 0);
	CHECK_EQ(unpin(l1b), 0);
	FINISH();
}

/* ---- type confusion, self reference, cycles ---- */

TEST(type_confusion_l2_entry_to_l2)
{
	gfn_t l2b;

	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(pin(3, T[3]), 0);
	l2b = env_alloc_gfn(ed);
	CHECK_EQ(pin(2, l2b), 0);
	/* An L2 entry must point to an L1 table; l2b is an L2. */
	CHECK_EQ(upd(T[2], 1, tbl(l2b, 2)), -EBUSY);
	/* An L3 entry pointing to the L1 (one frame at two levels). */
	CHECK_EQ(upd(T[3], 1, tbl(T[1], 3)), -EBUSY);
	CHECK_EQ(pgt_type(ti(T[1])), PGT_L1);
	CHECK_EQ(unpin(l2b), 0);
	FINISH();
}

TEST(type_confusion_at_pin)
{
	setup(&pv_pt_sv48);
	build(1, RW);
	/* L4[1] -> T[2] as an L3 while L3[0] -> T[2] as an L2. */
	E(T[4])[1] = tbl(T[2], 4);
	CHECK_EQ(pin(4, T[4]), -EBUSY);
	for (unsigned int k = 1; k <= 4; k++) {
		CHECK_EQ(ti(T[k]), 0);
	}
	/* Pinning a validated L1 as L2. */
	E(T[4])[1] = 0;
	CHECK_EQ(pin(4, T[4]), 0);
	CHECK_EQ(pin(2, T[1]), -EBUSY);
	FINISH();
}

TEST(self_reference)
{
	setup(&pv_pt_sv39);
	build(1, RW);
	/* The L2 points to itself as its L1. */
	E(T[2])[7] = tbl(T[2], 2);
	CHECK_EQ(pin(3, T[3]), -ELOOP);
	CHECK_EQ(ti(T[2]), 0);
	CHECK_EQ(env_gfn_type(ed, T[2]), p2m_ram_rw);
	E(T[2])[7] = 0;
	CHECK_EQ(pin(3, T[3]), 0);
	/* Through an update: the validated L2 is not an L1. */
	CHECK_EQ(upd(T[2], 7, tbl(T[2], 2)), -EBUSY);
	/* The root as its own L2 (the x86 "linear page table" trick). */
	CHECK_EQ(upd(T[3], 7, tbl(T[3], 3)), -EBUSY);
	FINISH();
}

TEST(cyclic_tables)
{
	setup(&pv_pt_sv48);
	build(1, RW);
	/* L4 -> L3 -> L2 -> (L1 slot) -> L4. */
	E(T[2])[9] = tbl(T[4], 2);
	CHECK_EQ(pin(4, T[4]), -ELOOP);
	/* L3 -> L2 -> L3 as L1. */
	E(T[2])[9] = tbl(T[3], 2);
	CHECK_EQ(pin(4, T[4]), -ELOOP);
	for (unsigned int k = 1; k <= 4; k++) {
		CHECK_EQ(ti(T[k]), 0);
		CHECK_EQ(env_gfn_type(ed, T[k]), p2m_ram_rw);
	}
	FINISH();
}

/* ---- superpages ---- */

TEST(superpage_covers_table)
{
	setup(&pv_pt_sv39);
	build(1, RW);
	/* T[1] lies in the first 2 MiB of RAM: a writable 2M leaf over it. */
	E(T[2])[1] = leaf(_gfn(ENV_GFN_BASE), 2, RW);
	CHECK_EQ(pin(3, T[3]), -EBUSY);
	E(T[2])[1] = 0;
	CHECK_EQ(pin(3, T[3]), 0);
	CHECK_EQ(upd(T[2], 1, leaf(_gfn(ENV_GFN_BASE), 2, RW)), -EBUSY);
	CHECK_EQ(upd(T[2], 1, leaf(_gfn(ENV_GFN_BASE), 2, RWX)), -EBUSY);
	/* The references taken before the table frame were dropped. */
	CHECK_EQ(pgt_count(ti(_gfn(ENV_GFN_BASE + 600))), 0);
	CHECK_EQ(ti(D[5]), 0);
	FINISH();
}

TEST(superpage_not_owned)
{
	setup(&pv_pt_arm64_l3);
	build(1, RW);
	CHECK_EQ(pin(3, T[3]), 0);
	/* 0x80400.. is 512 frames, RAM ends at 0x80400: not owned. */
	CHECK_EQ(upd(T[2], 1, leaf(_gfn(ENV_GFN_BASE + 1024), 2, RO)), -EPERM);
	/* One hole inside an otherwise owned 2 MiB. */
	env_set_p2m(ed, _gfn(ENV_GFN_BASE + 800), INVALID_MFN, p2m_invalid);
	CHECK_EQ(upd(T[2], 1, leaf(_gfn(ENV_GFN_BASE + 512), 2, RW)), -EPERM);
	CHECK_EQ(pgt_count(ti(_gfn(ENV_GFN_BASE + 600))), 0);
	/*
	 * A 1 GiB leaf (far more than the domain owns): never taken, its
	 * 262,144 references do not fit in one budget.
	 */
	CHECK_EQ(upd(T[3], 1, leaf(_gfn(0x80000), 3, RO)), -E2BIG);
	CHECK_EQ(pgt_maps(ti(_gfn(ENV_GFN_BASE + 100))), 0);
	FINISH();
}

TEST(superpage_misaligned)
{
	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(pin(3, T[3]), 0);
	CHECK_EQ(upd(T[2], 1,
		     pv_pt_sv39.make_leaf(_gfn(ENV_GFN_BASE + 1), 2, RW)),
		 -EINVAL);
	FINISH();
}

/* ---- ptr ---- */

TEST(ptr_unaligned)
{
	struct xl_mmu_update r;
	struct xl_pv_batch_status st = { .domid = XL_DOMID_SELF };

	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(pin(3, T[3]), 0);
	r.ptr = gfn_to_gaddr(T[1]) + 8 + 4;
	r.val = leaf(D[1], 1, RW);
	CHECK_EQ(env_mmu_update(ed, 0, &r, 1, &st), 0);
	CHECK_EQ(st.error, -EINVAL);
	CHECK_EQ(E(T[1])[1], 0);
	FINISH();
}

TEST(ptr_out_of_range)
{
	struct xl_mmu_update r;
	struct xl_pv_batch_status st = { .domid = XL_DOMID_SELF };

	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(pin(3, T[3]), 0);
	r.ptr = 0x10000000;
	r.val = leaf(D[1], 1, RW);
	CHECK_EQ(env_mmu_update(ed, 0, &r, 1, &st), 0);
	CHECK_EQ(st.error, -EFAULT);
	r.ptr = ~7ULL;
	CHECK_EQ(env_mmu_update(ed, 0, &r, 1, &st), 0);
	CHECK_EQ(st.error, -EFAULT);
	FINISH();
}

TEST(ptr_unpinned)
{
	setup(&pv_pt_sv39);
	build(1, RW);
	/* Not pinned yet: ordinary RAM. */
	CHECK_EQ(upd(T[1], 1, leaf(D[1], 1, RW)), -ENOENT);
	CHECK_EQ(pin(3, T[3]), 0);
	/* A data frame of the domain. */
	CHECK_EQ(upd(D[2], 1, leaf(D[1], 1, RW)), -ENOENT);
	CHECK_EQ(E(D[2])[1], 0);
	FINISH();
}

/* ---- encodings through the hypercall ---- */

TEST(update_reserved_bits)
{
	setup(&pv_pt_sv48);
	build(1, RW);
	CHECK_EQ(pin(4, T[4]), 0);
	CHECK_EQ(upd(T[1], 1, leaf(D[1], 1, RW) | (1ULL << 55)), -EINVAL);
	CHECK_EQ(upd(T[1], 1, leaf(D[1], 1, RW) & ~2ULL), -EINVAL);
	CHECK_EQ(upd(T[4], 1, leaf(_gfn(0), 4, RO)), -EINVAL);
	CHECK_EQ(upd(T[3], 1, tbl(T[2], 3) | (1ULL << 6)), -EINVAL);
	FINISH();
	setup(&pv_pt_arm64_l4);
	build(1, RW);
	CHECK_EQ(pin(4, T[4]), 0);
	CHECK_EQ(upd(T[1], 1, leaf(D[1], 1, RW) & ~2ULL), -EINVAL);
	CHECK_EQ(upd(T[1], 1, leaf(D[1], 1, RW) | (1ULL << 52)), -EINVAL);
	CHECK_EQ(upd(T[4], 1, tbl(T[3], 4) & ~2ULL), -EINVAL);
	FINISH();
}

TEST(no_wx_policy)
{
	setup(&pv_pt_sv39);
	ed->d.cfg.pv_no_wx = true;
	build(1, RW);
	CHECK_EQ(pin(3, T[3]), 0);
	CHECK_EQ(upd(T[1], 1, leaf(D[1], 1, RWX)), -EACCES);
	CHECK_EQ(upd(T[1], 1, leaf(D[1], 1, RX)), 0);
	CHECK_EQ(upd(T[1], 2, leaf(D[2], 1, RW)), 0);
	FINISH();
	setup(&pv_pt_arm64_l3);
	ed->d.cfg.pv_no_wx = true;
	build(0, RW);
	E(T[1])[0] = leaf(D[0], 1, RWX);
	CHECK_EQ(pin(3, T[3]), -EACCES);
	FINISH();
	setup(&pv_pt_sv39);
	build(1, RWX);
	CHECK_EQ(pin(3, T[3]), 0);
	FINISH();
}

/* ---- unpin, pin, base pointer rules ---- */

TEST(unpin_in_use_as_baseptr)
{
	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(pin(3, T[3]), 0);
	CHECK_EQ(baseptr(T[3], 0), 0);
	CHECK_EQ(unpin(T[3]), -EBUSY);
	CHECK(ti(T[3]) & PGT_PINNED);
	FINISH();
}

TEST(unpin_referenced_by_pinned)
{
	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(pin(1, T[1]), 0);
	CHECK_EQ(pin(3, T[3]), 0);
	CHECK_EQ(pgt_count(ti(T[1])), 2);
	CHECK_EQ(unpin(T[1]), -EBUSY);
	/* Once the referencing tree is gone the L1 may go. */
	CHECK_EQ(unpin(T[3]), 0);
	CHECK_EQ(pgt_count(ti(T[1])), 1);
	CHECK_EQ(unpin(T[1]), 0);
	CHECK_EQ(ti(T[1]), 0);
	FINISH();
}

TEST(double_pin)
{
	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(pin(3, T[3]), 0);
	CHECK_EQ(pin(3, T[3]), -EEXIST);
	CHECK_EQ(pgt_count(ti(T[3])), 1);
	FINISH();
}

TEST(unpin_without_pin)
{
	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(unpin(T[3]), -ENOENT);
	CHECK_EQ(pin(3, T[3]), 0);
	/* Validated as part of the tree, but not pinned itself. */
	CHECK_EQ(unpin(T[2]), -ENOENT);
	CHECK_EQ(unpin(_gfn(0x1234)), -EPERM);
	FINISH();
}

TEST(baseptr_unpinned)
{
	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(baseptr(T[3], 0), -ENOENT);
	CHECK_EQ(env_hooks.baseptr_calls, 0);
	FINISH();
}

TEST(baseptr_wrong_level)
{
	setup(&pv_pt_sv48);
	build(1, RW);
	CHECK_EQ(pin(3, T[3]), 0);
	CHECK_EQ(baseptr(T[3], 0), -EINVAL);
	CHECK_EQ(env_hooks.baseptr_calls, 0);
	FINISH();
}

TEST(baseptr_none)
{
	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK(!ed->d.pv_mm_active);
	env_work_domain = NULL;
	env_work_bits = 0;
	CHECK_EQ(pin(3, T[3]), 0);
	CHECK(ed->d.pv_mm_active);
	/*
	 * Every vCPU of the domain runs its entry checks before it enters
	 * the guest again (xen-lite/work.h): they turn the traps on.
	 */
	CHECK(env_work_domain == &ed->d);
	CHECK(env_work_bits & env_work_pv);
	CHECK_EQ(baseptr(T[3], 0), 0);
	CHECK_EQ(pgt_count(ti(T[3])), 2);
	CHECK_EQ(unpin(T[3]), -EBUSY);
	/* Dropping the base pointer releases its reference, translation off. */
	CHECK_EQ(env_op(ed, XL_MMUEXT_NEW_BASEPTR, XL_BASEPTR_NONE, 0), 0);
	CHECK_EQ(env_hooks.baseptr_calls, 2);
	CHECK_EQ(env_hooks.baseptr_levels, 0);
	CHECK_EQ(pgt_count(ti(T[3])), 1);
	/* Twice is harmless. */
	CHECK_EQ(env_op(ed, XL_MMUEXT_NEW_BASEPTR, XL_BASEPTR_NONE, 0), 0);
	CHECK_EQ(pgt_count(ti(T[3])), 1);
	CHECK_EQ(unpin(T[3]), 0);
	CHECK_EQ(ti(T[3]), 0);
	CHECK(ed->d.pv_mm_active);
	CHECK_EQ(env_check(), 0);
	FINISH();
}

TEST(vcpu_down_drops_baseptr)
{
	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(pin(3, T[3]), 0);
	CHECK_EQ(baseptr(T[3], 0), 0);
	CHECK_EQ(unpin(T[3]), -EBUSY);
	pv_mm_vcpu_down(&ed->vcpu[0]);
	CHECK_EQ(pgt_count(ti(T[3])), 1);
	CHECK_EQ(unpin(T[3]), 0);
	CHECK_EQ(ti(T[3]), 0);
	/* Again with nothing installed: harmless. */
	pv_mm_vcpu_down(&ed->vcpu[0]);
	CHECK_EQ(env_check(), 0);
	FINISH();
}

TEST(set_format_unsupported_by_the_machine)
{
	setup(&pv_pt_sv39);
	env_unsupported_levels = 4;
	CHECK_EQ(env_op(ed, XL_MMUEXT_SET_FORMAT, XL_PT_FORMAT_SV48, 0),
		 -EINVAL);
	env_unsupported_levels = 0;
	CHECK_EQ(env_op(ed, XL_MMUEXT_SET_FORMAT, XL_PT_FORMAT_SV48, 0), 0);
	FINISH();
}

TEST(pin_level_above_format)
{
	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(pin(4, T[3]), -EINVAL);
	FINISH();
}

/* ---- batches ---- */

TEST(batch_bad_entry_in_middle)
{
	struct xl_mmu_update r[3];
	struct xl_pv_batch_status st = { .domid = XL_DOMID_SELF };
	u64 before;

	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(pin(3, T[3]), 0);
	E(T[1]);
	before = E(T[1])[2];
	r[0].ptr = gfn_to_gaddr(T[1]) + 8;
	r[0].val = leaf(D[1], 1, RW);
	r[1].ptr = gfn_to_gaddr(T[1]) + 16;
	r[1].val = leaf(T[2], 1, RW); /* writable map of a table */
	r[2].ptr = gfn_to_gaddr(T[1]) + 24;
	r[2].val = leaf(D[3], 1, RW);
	CHECK_EQ(env_mmu_update(ed, 0, r, 3, &st), 1);
	CHECK_EQ(st.done, 1);
	CHECK_EQ(st.index, 1);
	CHECK_EQ(st.error, -EBUSY);
	CHECK_EQ(E(T[1])[1], r[0].val);
	CHECK_EQ(E(T[1])[2], before);
	CHECK_EQ(E(T[1])[3], 0);
	CHECK_EQ(ti(D[3]), 0);
	FINISH();
}

TEST(mmuext_batch_bad_op_in_middle)
{
	struct xl_mmuext_op ops[3] = {
		{ .cmd = XL_MMUEXT_PIN_L3_TABLE },
		{ .cmd = 99 },
		{ .cmd = XL_MMUEXT_NEW_BASEPTR },
	};
	struct xl_pv_batch_status st = { .domid = XL_DOMID_SELF };

	setup(&pv_pt_sv39);
	build(1, RW);
	ops[0].arg1 = gfn_x(T[3]);
	ops[2].arg1 = gfn_x(T[3]);
	CHECK_EQ(env_mmuext(ed, 0, ops, 3, &st), 1);
	CHECK_EQ(st.error, -EINVAL);
	CHECK_EQ(st.index, 1);
	CHECK_EQ(env_hooks.baseptr_calls, 0);
	ops[1].pad = 0;
	ops[1].cmd = XL_MMUEXT_TLB_FLUSH_LOCAL;
	ops[1].pad = 1;
	CHECK_EQ(env_mmuext(ed, 0, ops + 1, 1, &st), 0);
	CHECK_EQ(st.error, -EINVAL);
	CHECK_EQ(env_hypercall(ed, 0, XL_HC_MMUEXT_OP, 0, XL_PV_BATCH_MAX + 1,
			       0),
		 -EINVAL);
	CHECK_EQ(env_hypercall(ed, 0, XL_HC_MMU_UPDATE, 0x10000000, 1,
			       0x10000000),
		 -EFAULT);
	FINISH();
}

TEST(batch_without_status)
{
	struct xl_mmu_update r = { 0 };

	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(pin(3, T[3]), 0);
	r.ptr = gfn_to_gaddr(T[1]) + 8;
	r.val = leaf(D[1], 1, RW);
	CHECK_EQ(copy_to_guest(&ed->d, gfn_to_gaddr(D[15]), &r, sizeof(r)), 0);
	CHECK_EQ(env_hypercall(ed, 0, XL_HC_MMU_UPDATE, gfn_to_gaddr(D[15]), 1,
			       0),
		 1);
	CHECK_EQ(E(T[1])[1], r.val);
	FINISH();
}

TEST(status_in_pinned_table_not_written)
{
	struct xl_mmu_update r;
	u64 before[4];

	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(pin(3, T[3]), 0);
	memcpy(before, E(T[1]) + 64, sizeof(before));
	r.ptr = gfn_to_gaddr(T[1]) + 8;
	r.val = leaf(D[1], 1, RW);
	CHECK_EQ(copy_to_guest(&ed->d, gfn_to_gaddr(D[15]), &r, sizeof(r)), 0);
	/*
	 * The hypervisor never writes a status into a table frame. It may
	 * read one there (copy_from_guest() reads pinned tables): what it
	 * reads names a domain this one may not act on, or the write of
	 * the result is refused; either way the call fails and the table
	 * is unchanged.
	 */
	CHECK(env_hypercall(ed, 0, XL_HC_MMU_UPDATE, gfn_to_gaddr(D[15]), 1,
			    gfn_to_gaddr(T[1]) + 512) < 0);
	CHECK_EQ(memcmp(before, E(T[1]) + 64, sizeof(before)), 0);
	FINISH();
}

TEST(batch_partly_unreadable)
{
	struct xl_mmu_update r[3];
	paddr_t at;

	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(pin(3, T[3]), 0);
	for (int j = 0; j < 3; j++) {
		r[j].ptr = gfn_to_gaddr(T[1]) + 8 * (j + 1);
		r[j].val = leaf(D[j + 1], 1, RO);
	}
	/* Three readable requests, then the page after D[15] is a hole. */
	at = gfn_to_gaddr(D[15]) + PAGE_SIZE - sizeof(r);
	CHECK_EQ(copy_to_guest(&ed->d, at, r, sizeof(r)), 0);
	env_set_p2m(ed, gfn_add(D[15], 1), INVALID_MFN, p2m_invalid);
	CHECK_EQ(env_hypercall(ed, 0, XL_HC_MMU_UPDATE, at, 40, 0), 3);
	CHECK_EQ(E(T[1])[3], r[2].val);
	/* No status: the count applied (0) is all the guest learns. */
	CHECK_EQ(env_hypercall(ed, 0, XL_HC_MMU_UPDATE, at + sizeof(r), 40, 0),
		 0);
	FINISH();
}

struct racer {
	unsigned int vcpu;
	unsigned int applied;
};

/* One vCPU: emulated writes and hypercalls on the shared L1 table. */
static void *race_vcpu(void *arg)
{
	struct racer *r = arg;
	struct vcpu *v = &ed->vcpu[r->vcpu];

	for (unsigned int n = 0; n < 20000; n++) {
		unsigned int idx = 1 + n % 4;
		u64 val = n & 1 ? leaf(D[(n + r->vcpu) % 8], 1, RW) :
				  leaf(D[(n + r->vcpu) % 8], 1, RO);

		if (n % 3 == 0) {
			val = leaf(T[2], 1, RW); /* always refused */
		}
		if (!pv_mm_emulate_write(v, gfn_to_gaddr(T[1]) + 8 * idx, val,
					 8)) {
			r->applied++;
		}
	}
	return NULL;
}

TEST(two_vcpus_update_same_table)
{
	pthread_t th[2];
	struct racer r[2] = { { 0, 0 }, { 1, 0 } };

	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(pin(3, T[3]), 0);
	for (int i = 0; i < 2; i++) {
		CHECK_EQ(pthread_create(&th[i], NULL, race_vcpu, &r[i]), 0);
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
	}
	CHECK(r[0].applied > 0 && r[1].applied > 0);
	CHECK_EQ(pgt_type(ti(T[2])), PGT_L1 + 1);
	CHECK_EQ(env_check(), 0);
	FINISH();
}

TEST(multicall_results)
{
	struct xl_multicall_entry mc[4];
	struct xl_mmuext_op op = { .cmd = XL_MMUEXT_PIN_L3_TABLE };
	struct xl_mmu_update r;
	paddr_t base;

	setup(&pv_pt_sv39);
	build(1, RW);
	base = gfn_to_gaddr(D[15]);
	op.arg1 = gfn_x(T[3]);
	r.ptr = gfn_to_gaddr(T[1]) + 8;
	r.val = leaf(D[1], 1, RW);
	CHECK_EQ(copy_to_guest(&ed->d, base + 2048, &op, sizeof(op)), 0);
	CHECK_EQ(copy_to_guest(&ed->d, base + 3072, &r, sizeof(r)), 0);
	memset(mc, 0, sizeof(mc));
	mc[0].op = XL_HC_MMUEXT_OP;
	mc[0].args[0] = base + 2048;
	mc[0].args[1] = 1;
	mc[1].op = XL_HC_MMU_UPDATE;
	mc[1].args[0] = base + 3072;
	mc[1].args[1] = 1;
	mc[2].op = XL_HC_MULTICALL;
	mc[3].op = XL_HC_VERSION;
	CHECK_EQ(copy_to_guest(&ed->d, base, mc, sizeof(mc)), 0);
	CHECK_EQ(env_hypercall(ed, 0, XL_HC_MULTICALL, base, 4, 0), 4);
	CHECK_EQ(copy_from_guest(&ed->d, mc, base, sizeof(mc)), 0);
	CHECK_EQ(mc[0].result, 1);
	CHECK_EQ(mc[1].result, 1);
	CHECK_EQ(mc[2].result, -EINVAL);
	CHECK_EQ(mc[3].result,
		 (XL_ABI_VERSION_MAJOR << 16) | XL_ABI_VERSION_MINOR);
	CHECK_EQ(E(T[1])[1], r.val);
	CHECK_EQ(env_hypercall(ed, 0, XL_HC_MULTICALL, base,
			       XL_MULTICALL_MAX + 1, 0),
		 -EINVAL);
	CHECK_EQ(env_hypercall(ed, 0, XL_HC_MULTICALL, 0x10000000, 1, 0),
		 -EFAULT);
	FINISH();
}

/* ---- domains ---- */

TEST(unprivileged_names_other_domain)
{
	struct env_dom *other;
	struct xl_mmuext_op op = { .cmd = XL_MMUEXT_PIN_L3_TABLE };
	struct xl_pv_batch_status st = { .domid = 2 };

	setup(&pv_pt_sv39);
	other = env_dom_create(2, 64, false);
	build(1, RW);
	op.arg1 = ENV_GFN_BASE;
	CHECK_EQ(env_mmuext(ed, 0, &op, 1, &st), -EPERM);
	CHECK_EQ(env_gfn_page(other, _gfn(ENV_GFN_BASE))->type_info, 0);
	CHECK(!other->d.pv_mm);
	FINISH();
}

TEST(privileged_names_other_domain)
{
	struct env_dom *priv, *guest;
	struct xl_mmuext_op op = { .cmd = XL_MMUEXT_PIN_L1_TABLE };
	struct xl_pv_batch_status st = { .domid = 1 };

	setup(&pv_pt_sv39);
	guest = ed;
	priv = env_dom_create(0, 64, true);
	build(1, RW);
	op.arg1 = gfn_x(T[1]);
	CHECK_EQ(env_mmuext(priv, 0, &op, 1, &st), 1);
	CHECK_EQ(pgt_type(ti(T[1])), PGT_L1);
	/* Base pointers and flushes are for the caller's own vCPUs. */
	op.cmd = XL_MMUEXT_TLB_FLUSH_ALL;
	CHECK_EQ(env_mmuext(priv, 0, &op, 1, &st), 0);
	CHECK_EQ(st.error, -EINVAL);
	st.domid = 7;
	CHECK_EQ(env_mmuext(priv, 0, &op, 1, &st), -ESRCH);
	ed = guest;
	FINISH();
}

/* ---- memory ops and emulation ---- */

TEST(balloon_busy)
{
	setup(&pv_pt_sv39);
	build(2, RW);
	E(T[1])[2] = leaf(D[2], 1, RO);
	CHECK(!pv_mm_page_busy(env_gfn_page(ed, T[1])));
	CHECK_EQ(pin(3, T[3]), 0);
	pv_mm_balloon_begin(&ed->d);
	CHECK(pv_mm_page_busy(env_gfn_page(ed, T[3])));
	CHECK(pv_mm_page_busy(env_gfn_page(ed, T[1])));
	CHECK(pv_mm_page_busy(env_gfn_page(ed, D[0])));
	CHECK(pv_mm_page_busy(env_gfn_page(ed, D[2])));
	CHECK(!pv_mm_page_busy(env_gfn_page(ed, D[3])));
	pv_mm_balloon_end(&ed->d);
	CHECK_EQ(unpin(T[3]), 0);
	CHECK(!pv_mm_page_busy(env_gfn_page(ed, T[1])));
	CHECK(!pv_mm_page_busy(env_gfn_page(ed, D[0])));
	FINISH();
}

TEST(emulate_write)
{
	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(pv_mm_emulate_write(&ed->vcpu[1], gfn_to_gaddr(T[1]) + 8,
				     leaf(D[1], 1, RW), 8),
		 -ENOENT);
	CHECK_EQ(pin(3, T[3]), 0);
	CHECK_EQ(pv_mm_emulate_write(&ed->vcpu[1], gfn_to_gaddr(T[1]) + 8,
				     leaf(D[1], 1, RW), 8),
		 0);
	CHECK_EQ(E(T[1])[1], leaf(D[1], 1, RW));
	CHECK_EQ(pv_mm_emulate_write(&ed->vcpu[1], gfn_to_gaddr(T[1]) + 16,
				     leaf(T[1], 1, RW), 8),
		 -EBUSY);
	CHECK_EQ(pv_mm_emulate_write(&ed->vcpu[1], gfn_to_gaddr(T[1]) + 16,
				     leaf(D[2], 1, RW), 4),
		 -EINVAL);
	CHECK_EQ(pv_mm_emulate_write(&ed->vcpu[1], gfn_to_gaddr(T[1]) + 20, 0,
				     8),
		 -EINVAL);
	CHECK_EQ(E(T[1])[2], 0);
	CHECK_EQ(ed->d.pv_mm->stats.emulated, 1);
	FINISH();
}

TEST(tlb_ops)
{
	setup(&pv_pt_sv39);
	CHECK_EQ(env_op(ed, XL_MMUEXT_INVLPG_LOCAL, 0x1000, 0), 0);
	CHECK_EQ(env_hooks.flush_mask, 1);
	CHECK(!env_hooks.flush_all);
	CHECK_EQ(env_hooks.flush_va, 0x1000);
	CHECK_EQ(env_op(ed, XL_MMUEXT_TLB_FLUSH_MULTI, 0, 2), 0);
	CHECK_EQ(env_hooks.flush_mask, 2);
	CHECK(env_hooks.flush_all);
	CHECK_EQ(env_op(ed, XL_MMUEXT_INVLPG_MULTI, 0x2000, 4), -EINVAL);
	CHECK_EQ(env_op(ed, XL_MMUEXT_TLB_FLUSH_MULTI, 0, 0), -EINVAL);
	CHECK_EQ(env_op(ed, XL_MMUEXT_INVLPG_ALL, 0x3000, 0), 0);
	CHECK_EQ(env_hooks.flush_mask, 3);
	CHECK_EQ(env_op(ed, XL_MMUEXT_TLB_FLUSH_ALL, 0, 0), 0);
	CHECK_EQ(env_hooks.flush_calls, 4);
	FINISH();
}

TEST(set_format_rules)
{
	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(env_op(ed, XL_MMUEXT_SET_FORMAT, 77, 0), -EINVAL);
	CHECK_EQ(pin(3, T[3]), 0);
	CHECK_EQ(env_op(ed, XL_MMUEXT_SET_FORMAT, XL_PT_FORMAT_SV48, 0),
		 -EBUSY);
	FINISH();
}

/* ---- limits and failures ---- */

TEST(count_saturates)
{
	struct page_info *pg;

	setup(&pv_pt_sv39);
	build(1, RW);
	CHECK_EQ(pin(3, T[3]), 0);
	pg = env_gfn_page(ed, D[1]);
	/* As if 2^32 - 1 writable mappings existed. */
	pg->type_info = (PGT_WRITABLE << PGT_TYPE_SHIFT) | PGT_COUNT_MAX;
	CHECK_EQ(upd(T[1], 1, leaf(D[1], 1, RW)), -EOVERFLOW);
	CHECK_EQ(pg->type_info,
		 (PGT_WRITABLE << PGT_TYPE_SHIFT) | PGT_COUNT_MAX);
	pg->type_info = PGT_MAP_MASK;
	CHECK_EQ(upd(T[1], 1, leaf(D[1], 1, RO)), -EOVERFLOW);
	pg->type_info = 0;
	FINISH();
}

TEST(p2m_retype_failure_rolls_back)
{
	setup(&pv_pt_sv39);
	build(1, RW);
	ed->p2m.fail_change = 1;
	CHECK_EQ(pin(3, T[3]), -ENOMEM);
	CHECK_EQ(ti(T[3]), 0);
	/* The third table's retype fails: the first two are undone. */
	ed->p2m.fail_change = 0;
	CHECK_EQ(pin(3, T[3]), 0);
	CHECK_EQ(unpin(T[3]), 0);
	FINISH();
}

/*
 * The attack of issue 14 (finding 2): an L2 whose 512 entries are
 * read-only 2 MiB leaves (262,144 frame references), built a leaf at a
 * time, hanging under a pinned L3; then a batch flipping that L3 slot
 * between the L2 and nothing. Each flip used to drop (and re-take) all
 * 262,144 references inside one hypervisor entry; now the drop is
 * deferred and done a budget per entry, and the re-take is a validation
 * that stops at the budget and resumes in the next entry. Work is
 * measured as frames visited (p2m lookups) per hypervisor entry.
 */
#define WORST_BOUND (3 * PV_MM_ENTRY_WORK + 64)

/* An L2 hanging in @root's slot @slot only, built a leaf at a time. */
static gfn_t superpage_l2(gfn_t root, unsigned int slot, gfn_t region)
{
	gfn_t l2 = env_alloc_gfn(ed);

	if (upd(root, slot, tbl(l2, 3))) {
		abort();
	}
	for (unsigned int i = 0; i < PV_PT_ENTRIES; i++) {
		if (upd(l2, i, leaf(region, 2, RO))) {
			abort();
		}
	}
	return l2;
}

TEST(worst_case_flip_superpage_l2)
{
	static struct xl_mmu_update reqs[16];
	struct xl_pv_batch_status st = { .domid = XL_DOMID_SELF };
	gfn_t root, l2, region = _gfn(ENV_GFN_BASE + 1024);
	paddr_t slot;
	long rc;

	env_reset();
	env_superpages = false; /* every frame visited is a lookup */
	ed = env_dom_create(1, 2048, false);
	F = &pv_pt_sv39;
	root = env_alloc_gfn(ed);
	CHECK_EQ(pin(3, root), 0);
	l2 = superpage_l2(root, 1, region);
	slot = gfn_to_gaddr(root) + 8;
	for (unsigned int j = 0; j < ARRAY_SIZE(reqs); j++) {
		reqs[j] =
			(struct xl_mmu_update){ slot, j & 1 ? tbl(l2, 3) : 0 };
	}
	env_max_entry_lookups = 0;
	env_continuations = 0;
	rc = env_mmu_update(ed, 0, reqs, ARRAY_SIZE(reqs), &st);
	diag("flip batch: %ld applied, error %d, %lu continuations, at most %lu frames visited by one entry\n",
	     rc, st.error, env_continuations, env_max_entry_lookups);
	CHECK_EQ(rc, ARRAY_SIZE(reqs));
	CHECK_EQ(st.error, 0);
	CHECK(env_max_entry_lookups <= WORST_BOUND);
	/* Each of 8 re-links and 8 drops takes 262,144 references. */
	CHECK(env_continuations >= 16 * 262144 / WORST_BOUND);
	/* The last flip linked it again, validated. */
	CHECK(ti(l2) & PGT_VALIDATED);
	CHECK_EQ(pgt_count(ti(l2)), 1);
	CHECK_EQ(pgt_maps(ti(region)), 512);
	FINISH();
}

/*
 * Visiting a request is work even when it changes nothing: a batch of
 * no-op updates (the entry already holds the value) and a batch of TLB
 * flushes are charged (a multicall of 4096-entry no-op batches ran 49 ms
 * in one riscv64 entry when they were not).
 */
TEST(noop_requests_are_work)
{
	static struct xl_mmu_update reqs[254];
	static struct xl_mmuext_op ops[64];
	struct xl_pv_batch_status st = { .domid = XL_DOMID_SELF };
	gfn_t root;

	env_reset();
	ed = env_dom_create(1, 1024, false);
	F = &pv_pt_sv39;
	root = env_alloc_gfn(ed);
	CHECK_EQ(pin(3, root), 0);
	for (unsigned int j = 0; j < ARRAY_SIZE(reqs); j++) {
		reqs[j] = (struct xl_mmu_update){ gfn_to_gaddr(root) + 8, 0 };
	}
	env_max_entry_work = 0;
	CHECK_EQ(env_mmu_update(ed, 0, reqs, ARRAY_SIZE(reqs), &st),
		 (long)ARRAY_SIZE(reqs));
	CHECK(env_max_entry_work >= 2 * ARRAY_SIZE(reqs));
	for (unsigned int j = 0; j < ARRAY_SIZE(ops); j++) {
		ops[j] = (struct xl_mmuext_op){
			.cmd = XL_MMUEXT_TLB_FLUSH_LOCAL
		};
	}
	env_max_entry_work = 0;
	st = (struct xl_pv_batch_status){ .domid = XL_DOMID_SELF };
	CHECK_EQ(env_mmuext(ed, 0, ops, ARRAY_SIZE(ops), &st),
		 (long)ARRAY_SIZE(ops));
	CHECK(env_max_entry_work >= 2 * ARRAY_SIZE(ops));
	FINISH();
}

/*
 * A batch of 2 MiB leaves stops at the leaf that does not fit in what is
 * left of the entry's budget, before taking any of its references: no
 * entry spends more than its budget (plus one visit).
 */
TEST(leaf_batch_within_budget)
{
	static struct xl_mmu_update reqs[40];
	struct xl_pv_batch_status st = { .domid = XL_DOMID_SELF };
	gfn_t root, l2, region = _gfn(ENV_GFN_BASE + 1024);

	env_reset();
	env_superpages = false;
	ed = env_dom_create(1, 2048, false);
	F = &pv_pt_sv39;
	root = env_alloc_gfn(ed);
	l2 = env_alloc_gfn(ed);
	CHECK_EQ(pin(3, root), 0);
	CHECK_EQ(upd(root, 1, tbl(l2, 3)), 0);
	for (unsigned int j = 0; j < ARRAY_SIZE(reqs); j++) {
		reqs[j] = (struct xl_mmu_update){ gfn_to_gaddr(l2) + 8 * j,
						  leaf(region, 2, RO) };
	}
	env_max_entry_work = 0;
	env_continuations = 0;
	CHECK_EQ(env_mmu_update(ed, 0, reqs, ARRAY_SIZE(reqs), &st),
		 (long)ARRAY_SIZE(reqs));
	diag("leaf batch: %lu continuations, at most %lu units\n",
	     env_continuations, env_max_entry_work);
	CHECK(env_continuations >= 2);
	CHECK(env_max_entry_work <= PV_MM_ENTRY_WORK + 2);
	FINISH();
}

/*
 * Teardown is bounded by work, not by pins: four such L2s (over a
 * million references) under one pinned L3 take many steps of at most
 * about one budget each.
 */
TEST(teardown_bounded)
{
	gfn_t root, region = _gfn(ENV_GFN_BASE + 1024);
	unsigned long steps = 0, most = 0;
	int rc;

	env_reset();
	env_superpages = false; /* every frame visited is a lookup */
	ed = env_dom_create(1, 2048, false);
	F = &pv_pt_sv39;
	root = env_alloc_gfn(ed);
	CHECK_EQ(pin(3, root), 0);
	for (unsigned int k = 0; k < 4; k++) {
		superpage_l2(root, k, region);
	}
	do {
		unsigned long l0 = env_lookups;

		rc = pv_mm_domain_teardown(&ed->d);
		most = MAX(most, env_lookups - l0);
		steps++;
	} while (rc == -ERESTART);
	diag("teardown: %lu steps, at most %lu frames visited by one\n", steps,
	     most);
	CHECK_EQ(rc, 0);
	CHECK(most <= WORST_BOUND);
	CHECK(steps >= 4 * 262144 / WORST_BOUND);
	CHECK(env_dom_clear(ed));
	FINISH();
}

/*
 * A pin too large for one entry (an L2 over 64 full L1s: 64 Ki frame
 * references) is continued, each attempt resuming the validation where
 * the last one stopped, and succeeds; every entry stays within the
 * bound. So is one table whose own entries take more than a budget: an
 * L2 of 512 2 MiB leaves (262,144 references; refused with -E2BIG before
 * partial validation, from 16 leaves on), and a 1 GiB leaf is refused.
 */
TEST(pin_large_tree_continued)
{
	gfn_t root, l2, l1, d0 = _gfn(ENV_GFN_BASE + 1024);
	unsigned long before;

	env_reset();
	env_superpages = false;
	ed = env_dom_create(1, 2048, false);
	F = &pv_pt_sv39;
	root = env_alloc_gfn(ed);
	l2 = env_alloc_gfn(ed);
	E(root)[0] = tbl(l2, 3);
	for (unsigned int k = 0; k < 64; k++) {
		l1 = env_alloc_gfn(ed);
		E(l2)[k] = tbl(l1, 2);
		for (unsigned int i = 0; i < PV_PT_ENTRIES; i++) {
			E(l1)[i] = leaf(_gfn(gfn_x(d0) + i), 1, RO);
		}
	}
	env_max_entry_lookups = 0;
	env_continuations = 0;
	CHECK_EQ(pin(3, root), 0);
	diag("pin: %lu continuations, at most %lu frames visited by one entry, %llu validated, %llu entries\n",
	     env_continuations, env_max_entry_lookups,
	     (unsigned long long)ed->d.pv_mm->stats.validated,
	     (unsigned long long)ed->d.pv_mm->stats.entries);
	CHECK(env_continuations >= 64 * 512 / PV_MM_ENTRY_WORK);
	CHECK(env_max_entry_lookups <= WORST_BOUND);
	/* Each entry checked once: nothing taken twice, nothing redone. */
	CHECK_EQ(ed->d.pv_mm->stats.entries, 2 * 512 + 64 * 512);
	CHECK_EQ(env_check(), 0);
	CHECK(!ed->d.pv_mm->partial);
	/* One table of 512 2 MiB leaves. */
	l2 = env_alloc_gfn(ed);
	for (unsigned int i = 0; i < PV_PT_ENTRIES; i++) {
		E(l2)[i] = leaf(d0, 2, RO);
	}
	env_max_entry_work = 0;
	before = env_continuations;
	CHECK_EQ(pin(2, l2), 0);
	diag("pin of 512 2 MiB leaves: %lu continuations, at most %lu units\n",
	     env_continuations - before, env_max_entry_work);
	CHECK(env_continuations - before >= 262144 / PV_MM_ENTRY_WORK);
	CHECK(env_max_entry_work <= PV_MM_ENTRY_WORK + 2);
	CHECK(ti(l2) & PGT_VALIDATED);
	CHECK_EQ(pgt_maps(ti(d0)), 64 + 512);
	CHECK_EQ(env_check(), 0);
	/* A 1 GiB leaf can never be taken in one piece. */
	l2 = env_alloc_gfn(ed);
	E(l2)[0] = leaf(_gfn(0x80000), 3, RO);
	CHECK_EQ(pin(3, l2), -E2BIG);
	CHECK_EQ(ti(l2), 0);
	FINISH();
}

/*
 * Partial validation, one hypervisor entry at a time. A vCPU's call is
 * started with call_start() (its ops and status in its own part of the
 * domain's scratch page), advanced one entry at a time with call_step()
 * (the continuation the hypervisor left in hc_cont, as the guest
 * re-entering the call), and may be abandoned at any point: the guest
 * simply makes another call.
 */
struct call {
	unsigned long nr, a[5];
	long rc;
};

static struct call calls[2];

/*
 * @vcpu's op and status, in the domain's scratch page above what
 * env_mmuext() / env_mmu_update() use for one request.
 */
static paddr_t vcpu_scratch(unsigned int vcpu)
{
	return ((ENV_GFN_BASE + ed->p2m.nr - 1) << PAGE_SHIFT) + 1024 +
	       vcpu * 1536;
}

static struct xl_pv_batch_status *call_status(unsigned int vcpu)
{
	paddr_t s = vcpu_scratch(vcpu) + 512;

	return (struct xl_pv_batch_status *)((u8 *)env_gfn_ptr(
						     ed, gaddr_to_gfn(s)) +
					     (s & (PAGE_SIZE - 1)));
}

static long call_step(unsigned int vcpu)
{
	struct call *c = &calls[vcpu];
	struct vcpu *v = &ed->vcpu[vcpu];

	v->hc_work = 0;
	c->rc = do_hypercall(v, c->nr, c->a[0], c->a[1], c->a[2], c->a[3],
			     c->a[4]);
	if (c->rc == -ERESTART) {
		memcpy(c->a, v->hc_cont, sizeof(c->a));
	}
	return c->rc;
}

/* Start a one-operation mmuext_op call on @vcpu; one entry of it. */
static long call_start(unsigned int vcpu, unsigned int cmd, u64 arg1)
{
	struct xl_mmuext_op op = { .cmd = cmd, .arg1 = arg1 };
	struct xl_pv_batch_status st = { .domid = XL_DOMID_SELF };
	paddr_t s = vcpu_scratch(vcpu);

	if (copy_to_guest(&ed->d, s, &op, sizeof(op)) ||
	    copy_to_guest(&ed->d, s + 512, &st, sizeof(st))) {
		abort();
	}
	calls[vcpu] =
		(struct call){ .nr = XL_HC_MMUEXT_OP, .a = { s, 1, s + 512 } };
	return call_step(vcpu);
}

/* Run @vcpu's call to its end; Return: 0 or the operation's error. */
static int call_finish(unsigned int vcpu)
{
	while (calls[vcpu].rc == -ERESTART) {
		call_step(vcpu);
	}
	if (calls[vcpu].rc == 1) {
		return 0;
	}
	return calls[vcpu].rc < 0 ? (int)calls[vcpu].rc :
				    call_status(vcpu)->error;
}

/* One operation of vCPU 1, to its end. */
static int op1(unsigned int cmd, u64 arg1)
{
	call_start(1, cmd, arg1);
	return call_finish(1);
}

/* An L2 of 2 MiB read-only leaves in slots [0, n) over @region. */
static gfn_t leaves_l2(unsigned int n, gfn_t region)
{
	gfn_t l2 = env_alloc_gfn(ed);

	for (unsigned int i = 0; i < n; i++) {
		E(l2)[i] = leaf(region, 2, RO);
	}
	return l2;
}

static void partial_setup(void)
{
	env_reset();
	env_superpages = false;
	ed = env_dom_create(1, 2048, false);
	F = &pv_pt_sv39;
}

static unsigned int partial_nr(gfn_t g)
{
	for (struct pv_mm_tbl *n = ed->d.pv_mm->partial; n; n = n->next) {
		if (gfn_x(n->gfn) == gfn_x(g)) {
			return n->nr;
		}
	}
	return ~0U;
}

/*
 * A pin stopped in the middle of one table (entries [0, nr) took their
 * references) is exactly accounted at every entry; when the guest
 * abandons it (its next call is something else), the table dies and
 * every reference it took is dropped, a budget at a time.
 */
TEST(partial_abandoned)
{
	gfn_t region = _gfn(ENV_GFN_BASE + 1024), l2;
	unsigned int nr = 0;

	partial_setup();
	l2 = leaves_l2(512, region);
	CHECK_EQ(call_start(0, XL_MMUEXT_PIN_L2_TABLE, gfn_x(l2)), -ERESTART);
	for (int k = 0; k < 4; k++) {
		unsigned int now = partial_nr(l2);

		CHECK(ti(l2) & PGT_PARTIAL);
		CHECK(!(ti(l2) & PGT_VALIDATED));
		CHECK_EQ(pgt_count(ti(l2)), 1);
		CHECK(now > nr && now < 512);
		CHECK_EQ(pgt_maps(ti(region)), now);
		CHECK_EQ(env_gfn_type(ed, l2), p2m_pt_pinned);
		CHECK(pv_mm_page_busy(env_gfn_page(ed, l2)));
		CHECK_EQ(env_check(), 0);
		/* Nothing else (vCPU 1) may use it meanwhile. */
		CHECK_EQ(op1(XL_MMUEXT_UNPIN_TABLE, gfn_x(l2)), -ENOENT);
		CHECK_EQ(op1(XL_MMUEXT_PIN_L1_TABLE, gfn_x(l2)), -EBUSY);
		CHECK_EQ(op1(XL_MMUEXT_NEW_BASEPTR, gfn_x(l2)), -ENOENT);
		nr = now;
		CHECK_EQ(call_step(0), -ERESTART);
	}
	/* Abandoned: the next call of vCPU 0 is a TLB flush. */
	CHECK_EQ(env_op(ed, XL_MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
	CHECK(!ed->d.pv_mm->partial);
	CHECK_EQ(ti(l2), 0);
	CHECK_EQ(env_gfn_type(ed, l2), p2m_ram_rw);
	CHECK_EQ(ti(region), 0);
	CHECK_EQ(env_gfn_page(ed, region)->count, 1);
	CHECK_EQ(env_check(), 0);
	/* And it can be pinned again, from the start. */
	CHECK_EQ(pin(2, l2), 0);
	CHECK_EQ(pgt_maps(ti(region)), 512);
	FINISH();
}

/*
 * The domain dies while a pin is stopped part way, nested (the root
 * partial at its slot 1, the L2 of leaves partial inside), after 1 to 6
 * entries: teardown drops every reference, nothing leaks.
 */
TEST(partial_teardown)
{
	gfn_t region = _gfn(ENV_GFN_BASE + 1024), root, l2a;

	for (int entries = 1; entries <= 6; entries++) {
		partial_setup();
		root = env_alloc_gfn(ed);
		l2a = leaves_l2(16, region);
		E(root)[0] = tbl(l2a, 3);
		E(root)[1] = tbl(leaves_l2(512, region), 3);
		CHECK_EQ(call_start(0, XL_MMUEXT_PIN_L3_TABLE, gfn_x(root)),
			 -ERESTART);
		for (int k = 1; k < entries; k++) {
			CHECK_EQ(call_step(0), -ERESTART);
		}
		CHECK(ti(root) & PGT_PARTIAL);
		CHECK(partial_nr(root) <= 1);
		CHECK_EQ(env_check(), 0);
		ed->d.state = DOM_DYING;
		while (pv_mm_domain_teardown(&ed->d) == -ERESTART) {
			;
		}
		CHECK(env_dom_clear(ed));
		CHECK(env_all_clear());
		ed->d.state = DOM_RUNNING;
	}
	env_reset();
}

/*
 * Another vCPU meets the table vCPU 0's pin left partial: it resumes the
 * validation and takes the table; vCPU 0's continued pin then finds it
 * pinned. And the other way: vCPU 1 links it in an update while vCPU 0's
 * pin is stopped.
 */
TEST(partial_resumed_by_other_vcpu)
{
	gfn_t region = _gfn(ENV_GFN_BASE + 1024), l2, root;

	partial_setup();
	l2 = leaves_l2(512, region);
	CHECK_EQ(call_start(0, XL_MMUEXT_PIN_L2_TABLE, gfn_x(l2)), -ERESTART);
	CHECK_EQ(call_step(0), -ERESTART);
	CHECK_EQ(call_start(1, XL_MMUEXT_PIN_L2_TABLE, gfn_x(l2)), -ERESTART);
	CHECK_EQ(env_check(), 0);
	CHECK_EQ(call_finish(1), 0);
	CHECK(ti(l2) & PGT_PINNED);
	CHECK_EQ(call_finish(0), -EEXIST);
	CHECK_EQ(pgt_count(ti(l2)), 1);
	CHECK_EQ(pgt_maps(ti(region)), 512);
	CHECK_EQ(env_check(), 0);
	CHECK_EQ(unpin(l2), 0);
	CHECK_EQ(ti(region), 0);
	/* vCPU 1 links the partial table under a pinned root. */
	root = env_alloc_gfn(ed);
	CHECK_EQ(pin(3, root), 0);
	CHECK_EQ(call_start(0, XL_MMUEXT_PIN_L2_TABLE, gfn_x(l2)), -ERESTART);
	CHECK_EQ(env_mmu_update(ed, 1,
				&(struct xl_mmu_update){ gfn_to_gaddr(root) + 8,
							 tbl(l2, 3) },
				1,
				&(struct xl_pv_batch_status){
					.domid = XL_DOMID_SELF }),
		 1);
	CHECK_EQ(pgt_count(ti(l2)), 1);
	CHECK(ti(l2) & PGT_VALIDATED);
	/* vCPU 0's pin now takes a second reference. */
	CHECK_EQ(call_finish(0), 0);
	CHECK_EQ(pgt_count(ti(l2)), 2);
	CHECK_EQ(env_check(), 0);
	FINISH();
}

/*
 * Cycles and type confusion through partial tables: the root R's slot 0
 * names an L2 of 511 leaves whose last slot names R as an L1. The cycle
 * is found when the validation reaches that slot, after several entries
 * (R and the L2 resumed, not at rest: -ELOOP); and another vCPU asking
 * for R as an L1 while R is at rest gets -EBUSY. Every reference taken
 * is dropped again.
 */
TEST(partial_cycle)
{
	gfn_t region = _gfn(ENV_GFN_BASE + 1024), r, l2;

	partial_setup();
	r = env_alloc_gfn(ed);
	l2 = leaves_l2(511, region);
	E(l2)[511] = tbl(r, 2);
	E(r)[0] = tbl(l2, 3);
	CHECK_EQ(call_start(0, XL_MMUEXT_PIN_L3_TABLE, gfn_x(r)), -ERESTART);
	CHECK(ti(r) & PGT_PARTIAL);
	CHECK_EQ(op1(XL_MMUEXT_PIN_L1_TABLE, gfn_x(r)), -EBUSY);
	CHECK_EQ(env_check(), 0);
	CHECK_EQ(call_finish(0), -ELOOP);
	CHECK(!ed->d.pv_mm->partial && !ed->d.pv_mm->dying);
	CHECK_EQ(ti(r), 0);
	CHECK_EQ(ti(l2), 0);
	CHECK_EQ(ti(region), 0);
	CHECK_EQ(env_gfn_type(ed, r), p2m_ram_rw);
	/* vCPU 1 resumes the L2 alone while R is at rest: R as L1: -EBUSY. */
	CHECK_EQ(call_start(0, XL_MMUEXT_PIN_L3_TABLE, gfn_x(r)), -ERESTART);
	CHECK_EQ(call_start(1, XL_MMUEXT_PIN_L2_TABLE, gfn_x(l2)), -ERESTART);
	CHECK_EQ(call_finish(1), -EBUSY);
	CHECK_EQ(env_check(), 0);
	CHECK_EQ(call_finish(0), -ELOOP);
	CHECK_EQ(ti(r), 0);
	CHECK_EQ(ti(l2), 0);
	CHECK_EQ(ti(region), 0);
	FINISH();
}

/*
 * An operation that gets what a devalidation left of an entry's budget
 * is continued, not refused: a direct write unlinks an L2 of 512 2 MiB
 * leaves (its 262,144 references are dropped over the next entries),
 * then a pin of an L2 of 15 2 MiB leaves (7,680 references, within one
 * budget of 8,192 before partial validation). It used to get -E2BIG in
 * the entry in which the drain finished: the drain's work was counted
 * as the pin's own first attempt.
 */
TEST(pin_after_drain_not_refused)
{
	gfn_t region = _gfn(ENV_GFN_BASE + 1024), root, big, l2;

	partial_setup();
	root = env_alloc_gfn(ed);
	CHECK_EQ(pin(3, root), 0);
	big = superpage_l2(root, 1, region);
	l2 = leaves_l2(15, region);
	CHECK_EQ(pv_mm_emulate_write(&ed->vcpu[0], gfn_to_gaddr(root) + 8, 0,
				     8),
		 0);
	CHECK_EQ(pin(2, l2), 0);
	CHECK_EQ(pgt_maps(ti(region)), 15);
	CHECK_EQ(ti(big), 0);
	FINISH();
}

/*
 * Two vCPUs, each with a call in flight, one hypervisor entry at a time
 * in a random order, abandoning calls at random: pins, unpins and links
 * of trees with tables larger than a budget, on shared tables. The
 * counts are exact after every entry (partial and dying tables
 * included), and teardown at a random point leaves nothing behind.
 */
TEST(partial_random)
{
	unsigned int seed = 777;
	gfn_t region = _gfn(ENV_GFN_BASE + 1024);
	unsigned long partial = 0, dying = 0, resumed = 0;

	for (int round = 0; round < 8; round++) {
		gfn_t l2s[4], roots[3];
		int steps = 300 + round * 40;

		partial_setup();
		for (int i = 0; i < 4; i++) {
			l2s[i] = leaves_l2(8 + 16 * i, region);
		}
		for (int i = 0; i < 3; i++) {
			roots[i] = env_alloc_gfn(ed);
			E(roots[i])[i] = tbl(l2s[i], 3);
			E(roots[i])[i + 1] = tbl(l2s[i + 1], 3);
		}
		/* A cycle in one of them: root 2 as the L1 of L2 3. */
		E(l2s[3])[100] = tbl(roots[2], 2);
		calls[0].rc = calls[1].rc = 0;
		for (int step = 0; step < steps; step++) {
			unsigned int v, what;

			seed = seed * 1103515245 + 12345;
			v = (seed >> 8) & 1;
			what = (seed >> 12) % 16;
			if (calls[v].rc == -ERESTART && what < 12) {
				resumed++;
				call_step(v);
			} else if (what < 6) {
				call_start(v, XL_MMUEXT_PIN_L3_TABLE,
					   gfn_x(roots[(seed >> 20) % 3]));
			} else if (what < 9) {
				call_start(v, XL_MMUEXT_PIN_L2_TABLE,
					   gfn_x(l2s[(seed >> 20) % 4]));
			} else if (what < 12) {
				gfn_t g = (seed >> 20) & 1 ?
						  l2s[(seed >> 22) % 4] :
						  roots[(seed >> 22) % 3];

				call_start(v, XL_MMUEXT_UNPIN_TABLE, gfn_x(g));
			} else {
				call_start(v, XL_MMUEXT_TLB_FLUSH_LOCAL, 0);
			}
			if (env_check()) {
				diag("round %d step %d\n", round, step);
				CHECK(0);
				return;
			}
			partial += !!ed->d.pv_mm->partial;
			dying += !!ed->d.pv_mm->dying;
		}
		FINISH();
	}
	diag("%lu entries continued; after %lu a table was partial, after %lu one was dying\n",
	     resumed, partial, dying);
	CHECK(partial > 100 && dying > 10);
}

/*
 * Finding 5: a privileged domain's batch on another domain that dies in
 * the middle (its teardown runs on another CPU between two operations).
 * The batch must stop with -ESRCH, never recreate the dead domain's PV
 * state or pin its frames again, and drop its domain reference.
 */
static struct env_dom *victim;

static void kill_victim(void)
{
	victim->d.state = DOM_DYING;
	while (pv_mm_domain_teardown(&victim->d) == -ERESTART) {
		;
	}
}

TEST(foreign_batch_target_dies)
{
	struct xl_mmuext_op ops[8];
	struct xl_pv_batch_status st;
	struct env_dom *caller;
	long rc;

	/* env_mmuext() copies the ops and status in first: 2 copies. */
	for (unsigned int at = 3; at < 12; at++) {
		env_reset();
		caller = env_dom_create(1, 1024, true);
		victim = env_dom_create(2, 1024, false);
		for (unsigned int i = 0; i < 8; i++) {
			gfn_t g = env_alloc_gfn(victim);

			ops[i] = (struct xl_mmuext_op){
				.cmd = i & 1 ? XL_MMUEXT_UNPIN_TABLE :
					       XL_MMUEXT_PIN_L1_TABLE,
				.arg1 = gfn_x(i & 1 ? _gfn(gfn_x(g) - 1) : g),
			};
		}
		st = (struct xl_pv_batch_status){ .domid = 2 };
		env_copy_hook = kill_victim;
		env_copy_hook_at = env_copies + at;
		rc = env_mmuext(caller, 0, ops, 8, &st);
		env_copy_hook = NULL;
		/* Dead before the batch began, or stopped in it. */
		CHECK(rc == -ESRCH ||
		      (rc >= 0 && rc < 8 && st.error == -ESRCH));
		CHECK(!victim->d.pv_mm);
		CHECK(env_dom_clear(victim));
		CHECK_EQ(env_domain_refs, 0);
		victim->d.state = DOM_RUNNING; /* for env_reset()'s teardown */
	}
	env_reset();
}

TEST(teardown_with_everything)
{
	gfn_t extra;

	setup(&pv_pt_arm64_l4);
	build(8, RW);
	extra = env_alloc_gfn(ed);
	E(T[1])[9] = leaf(T[2], 1, RO);
	E(T[2])[1] = tbl(extra, 2);
	CHECK_EQ(pin(1, T[1]), 0);
	CHECK_EQ(pin(4, T[4]), 0);
	CHECK_EQ(baseptr(T[4], 0), 0);
	CHECK_EQ(baseptr(T[4], 1), 0);
	ed->d.vcpus[1] = &ed->vcpu[1];
	CHECK_EQ(env_check(), 0);
	FINISH();
}

/* Random operations from two vCPUs, invariants after each one. */
TEST(random_ops)
{
	unsigned int seed = 12345;
	gfn_t pool[24];

	for (size_t f = 0; f < ARRAY_SIZE(fmts); f++) {
		setup(fmts[f]);
		for (int i = 0; i < 24; i++) {
			pool[i] = env_alloc_gfn(ed);
		}
		for (int step = 0; step < 1500; step++) {
			gfn_t a, b;
			unsigned int lvl, idx, kind;
			u64 val;

			seed = seed * 1103515245 + 12345;
			a = pool[(seed >> 8) % 24];
			b = pool[(seed >> 16) % 24];
			lvl = 1 + (seed >> 24) % top();
			idx = (seed >> 4) % 4;
			kind = (seed >> 28) % 8;
			if (kind < 2) {
				pin(lvl, a);
			} else if (kind == 2) {
				unpin(a);
			} else if (kind == 3) {
				env_op(ed, XL_MMUEXT_NEW_BASEPTR, gfn_x(a), 0);
			} else {
				if (kind == 4) {
					val = 0;
				} else if (kind == 5 && lvl > 1) {
					val = tbl(b, lvl);
				} else {
					val = leaf(b, 1, kind == 6 ? RW : RO);
					lvl = 1;
				}
				pv_mm_emulate_write(&ed->vcpu[step & 1],
						    gfn_to_gaddr(a) + idx * 8,
						    val, 8);
				if (!ti(a)) {
					/* The guest writes unpinned RAM. */
					E(a)[idx] = val;
				}
			}
			if (env_check()) {
				diag("step %d\n", step);
				CHECK(0);
			}
		}
		FINISH();
	}
}

int main(void)
{
	env_init(128 * 1024);
	env_superpages = true;
	return run_tests("pv_mm");
}
