// SPDX-License-Identifier: MIT
/*
 * attack: the hostile-guest workloads of issue 14 in one domain, for
 * tests/bench/max-entry.sh, which reads the longest hypervisor entry the
 * hypervisor reports at power-off (include/xen-lite/stall.h):
 *
 *  - an L2 whose 512 entries are read-only 2 MiB leaves (262,144 frame
 *    references) under the pinned root, built one batch at a time;
 *  - an 8-entry mmu_update flipping the root-side slot of that L2
 *    between the table and nothing (each flip used to drop and re-take
 *    every reference in one entry; now the drop and the validation of
 *    the re-link are each spread over many entries);
 *  - a 16-entry multicall of 2-flip batches;
 *  - a 64-entry multicall of 4096-entry batches of no-op updates;
 *  - 2 MiB balloon extents out and in;
 *  - shutting down with four such L2s still linked (the teardown).
 *
 * Prints "ok attack.<step>" lines (every call must succeed) and powers
 * off.
 */
#include <rt.h>

const char rt_suite[] = "attack";

#define FLIPS 8 /* flips in a batch: 4 drops and 4 re-links of an L2 */
#define MC_FLIPS 16 /* 2-flip batches in the multicall */
#define NOOPS 4096
#define MC 64

static struct xl_mmu_update reqs[NOOPS];
static struct xl_multicall_entry mc[MC];
static struct xl_pv_batch_status st;
static unsigned int levels;
static uint64_t root, l3, region, pool;

static uint64_t alloc_table(void)
{
	uint64_t t = pool;

	pool += PAGE_SIZE;
	memset((void *)(uintptr_t)t, 0, PAGE_SIZE);
	return t;
}

static long mmu_update(unsigned int n)
{
	st = (struct xl_pv_batch_status){ .domid = XL_DOMID_SELF };
	return xl_hypercall(XL_HC_MMU_UPDATE, (uintptr_t)reqs, n,
			    (uintptr_t)&st, 0, 0);
}

static long ext(unsigned int cmd, uint64_t a1)
{
	static struct xl_mmuext_op op;

	op = (struct xl_mmuext_op){ .cmd = cmd, .arg1 = a1 };
	return xl_hypercall(XL_HC_MMUEXT_OP, (uintptr_t)&op, 1, 0, 0, 0);
}

/* Link a fresh L2 at slot @slot of the level-3 table and fill it. */
static uint64_t superpage_l2(unsigned int slot)
{
	uint64_t l2 = alloc_table();
	long r;

	reqs[0] =
		(struct xl_mmu_update){ l3 + 8 * slot, arch_pte_table(l2, 3) };
	r = mmu_update(1);
	if (r != 1)
		rt_panic("linking an L2: %ld (error %d)", r, st.error);
	for (unsigned int i = 0; i < 512; i++)
		reqs[i] = (struct xl_mmu_update){
			l2 + 8 * i, arch_pte_leaf(region, 2, RT_PT_R)
		};
	r = mmu_update(512);
	if (r != 512)
		rt_panic("filling an L2: %ld (error %d)", r, st.error);
	return l2;
}

static void flip_reqs(unsigned int slot, uint64_t l2)
{
	for (unsigned int j = 0; j < FLIPS; j++)
		reqs[j] = (struct xl_mmu_update){
			l3 + 8 * slot, j & 1 ? arch_pte_table(l2, 3) : 0
		};
}

int test_main(void)
{
	uint64_t l2, base = rt_env.ram_base;
	uint64_t gfns[1];
	long r;

	levels = arch_pt_levels(arch_pt_format());
	region = base; /* the first 2 MiB: free RAM */
	pool = base + (16UL << 20);
	root = alloc_table();
	l3 = root;
	if (levels == 4) {
		l3 = alloc_table();
		*(volatile uint64_t *)(uintptr_t)root = arch_pte_table(l3, 4);
	}
	rt_check(ext(XL_MMUEXT_PIN_L1_TABLE + levels - 1, root >> PAGE_SHIFT) ==
			 1,
		 "pin_root", "cannot pin the root");

	/*
	 * The flip batch: every flip applied, each re-link validated over
	 * many entries (partial validation), each drop drained so.
	 */
	l2 = superpage_l2(1);
	flip_reqs(1, l2);
	r = mmu_update(FLIPS);
	rt_check(r == FLIPS && st.error == 0, "flip_batch",
		 "returned %ld, error %d", r, st.error);

	/* A multicall of 2-flip batches (the slot starts linked). */
	l2 = superpage_l2(2);
	flip_reqs(2, l2);
	for (unsigned int i = 0; i < MC_FLIPS; i++)
		mc[i] = (struct xl_multicall_entry){
			.op = XL_HC_MMU_UPDATE,
			.args = { (uintptr_t)reqs, 2, 0 },
		};
	r = xl_hypercall(XL_HC_MULTICALL, (uintptr_t)mc, MC_FLIPS, 0, 0, 0);
	rt_check(r == MC_FLIPS && mc[0].result == 2 &&
			 mc[MC_FLIPS - 1].result == 2,
		 "flip_multicall", "returned %ld, results %lld %lld", r,
		 mc[0].result, mc[MC_FLIPS - 1].result);

	/*
	 * A multicall of 4096-entry batches of no-op updates (the entry
	 * already holds the value): each visit is work too.
	 */
	for (unsigned int j = 0; j < NOOPS; j++)
		reqs[j] = (struct xl_mmu_update){ l3 + 8 * 9, 0 };
	for (unsigned int i = 0; i < MC; i++)
		mc[i] = (struct xl_multicall_entry){
			.op = XL_HC_MMU_UPDATE,
			.args = { (uintptr_t)reqs, NOOPS, 0 },
		};
	r = xl_hypercall(XL_HC_MULTICALL, (uintptr_t)mc, MC, 0, 0, 0);
	rt_check(r == MC && mc[0].result == NOOPS && mc[MC - 1].result == NOOPS,
		 "noop_multicall", "returned %ld, results %lld %lld", r,
		 mc[0].result, mc[MC - 1].result);

	/* Balloon 2 MiB extents out and in. */
	for (unsigned int i = 0; i < 8; i++) {
		gfns[0] = (base + (32UL << 20)) >> PAGE_SHIFT;
		r = xl_reservation(XL_MEM_DECREASE_RESERVATION, gfns, 1, 9);
		if (r == 1)
			r = xl_reservation(XL_MEM_POPULATE_PHYSMAP, gfns, 1, 9);
		if (r != 1)
			break;
	}
	rt_check(r == 1, "balloon_2m", "%ld", r);

	/* Four L2s left linked for the teardown. */
	for (unsigned int k = 3; k < 7; k++)
		superpage_l2(k);
	rt_ok("teardown_prepared");
	return 0;
}
