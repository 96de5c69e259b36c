// SPDX-License-Identifier: GPL-2.0
/*
 * PV MMU host benchmark: the real common/pv_mm.c, the Sv39 format and
 * common/hypercall.c, -O2, no sanitizers, on the host environment of
 * tests/unit/pv_mm_env.c. Every operation goes through do_hypercall(),
 * so the per-call cost of the hypercall path in C (dispatch, reading the
 * status, writing it back) is measured. The trap itself (guest exit,
 * register save/restore, return) does not exist on the host, and no
 * figure here includes it: host wall-clock time and an in-guest icount
 * trap cost are different units, so they are not added up. The whole
 * path, trap included, is measured in a guest by tests/bench/pv-guest.sh
 * (<arch>.pv_batch512_ns_per_entry, <arch>.pv_batch_speedup).
 * Output: "BENCH <name> <value> <unit>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xen-lite/hypercall.h>

#include "pv_mm_env.h"

#define RAM_FRAMES (262144ULL + 2048)
#define DATA_BASE (ENV_GFN_BASE + 1024)
#define BATCH 512
#define ROUNDS 200

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void bench(const char *name, double v, const char *unit)
{
	printf("BENCH %s %.2f %s\n", name, v, unit);
}

static long hcall(struct env_dom *ed, unsigned long nr, unsigned long a0,
		  unsigned long a1, unsigned long a2)
{
	return env_hypercall(ed, 0, nr, a0, a1, a2);
}

int main(void)
{
	struct env_dom *ed;
	const struct pv_pt_format *f = &pv_pt_sv39;
	gfn_t root, l2, l1[512];
	paddr_t ops, reqs, status;
	struct xl_mmuext_op op = { 0 };
	struct xl_pv_batch_status st = { .domid = XL_DOMID_SELF };
	u64 t0, t1, best_pin = ~0ULL, entries;
	double single, batch;

	env_init(RAM_FRAMES + 16);
	ed = env_dom_create(1, RAM_FRAMES, false);
	root = env_alloc_gfn(ed);
	l2 = env_alloc_gfn(ed);
	env_gfn_ptr(ed, root)[0] = f->make_table(l2, 3);
	for (int i = 0; i < 512; i++) {
		l1[i] = env_alloc_gfn(ed);
		env_gfn_ptr(ed, l2)[i] = f->make_table(l1[i], 2);
		for (int j = 0; j < 512; j++) {
			env_gfn_ptr(ed, l1[i])[j] =
				f->make_leaf(_gfn(DATA_BASE + i * 512ULL + j),
					     1, PV_PERM_R | PV_PERM_W);
		}
	}
	/* Arguments live in scratch frames of guest RAM. */
	ops = gfn_to_gaddr(env_alloc_gfn(ed));
	reqs = gfn_to_gaddr(env_alloc_gfn(ed));
	env_alloc_gfn(ed); /* the batch is two frames long */
	status = gfn_to_gaddr(env_alloc_gfn(ed));
	if (copy_to_guest(&ed->d, status, &st, sizeof(st))) {
		return 1;
	}

	/* Pin (validate 1 GiB: 514 tables, 263168 entries) and unpin. */
	entries = 514ULL * 512;
	for (int k = 0; k < 5; k++) {
		op.cmd = XL_MMUEXT_PIN_L3_TABLE;
		op.arg1 = gfn_x(root);
		if (copy_to_guest(&ed->d, ops, &op, sizeof(op))) {
			return 1;
		}
		t0 = now_ns();
		if (hcall(ed, XL_HC_MMUEXT_OP, ops, 1, status) != 1) {
			fprintf(stderr, "pin failed\n");
			return 1;
		}
		t1 = now_ns();
		if (t1 - t0 < best_pin) {
			best_pin = t1 - t0;
		}
		if (k == 4) {
			break;
		}
		op.cmd = XL_MMUEXT_UNPIN_TABLE;
		if (copy_to_guest(&ed->d, ops, &op, sizeof(op)) ||
		    hcall(ed, XL_HC_MMUEXT_OP, ops, 1, status) != 1) {
			fprintf(stderr, "unpin failed\n");
			return 1;
		}
	}
	bench("pv_mm.pin_1g_ns_per_entry", (double)best_pin / entries, "ns");

	/*
	 * 512 updates of the first L1 table, alternating between mapping
	 * frame A and frame B (each update takes a reference on the new
	 * frame and drops one on the old), as one batch or as 512 calls.
	 */
	{
		static struct xl_mmu_update req[BATCH];
		u64 best_b = ~0ULL, best_s = ~0ULL;

		for (int round = 0; round < ROUNDS; round++) {
			for (int pass = 0; pass < 2; pass++) {
				u64 dt;

				for (int j = 0; j < BATCH; j++) {
					req[j].ptr =
						gfn_to_gaddr(l1[0]) + 8 * j;
					req[j].val = f->make_leaf(
						_gfn(DATA_BASE +
						     (pass ? j : 512 + j)),
						1, PV_PERM_R | PV_PERM_W);
				}
				if (copy_to_guest(&ed->d, reqs, req,
						  sizeof(req))) {
					return 1;
				}
				t0 = now_ns();
				if (pass) {
					for (int j = 0; j < BATCH; j++) {
						if (hcall(ed, XL_HC_MMU_UPDATE,
							  reqs + 16 * j, 1,
							  status) != 1) {
							return 1;
						}
					}
				} else if (hcall(ed, XL_HC_MMU_UPDATE, reqs,
						 BATCH, status) != BATCH) {
					fprintf(stderr, "batch failed\n");
					return 1;
				}
				dt = now_ns() - t0;
				if (pass == 0 && dt < best_b) {
					best_b = dt;
				} else if (pass == 1 && dt < best_s) {
					best_s = dt;
				}
			}
		}
		batch = (double)best_b / BATCH;
		single = (double)best_s / BATCH;
	}
	bench("pv_mm.update_batch512_c_only_ns_per_entry", batch, "ns");
	bench("pv_mm.update_single_c_only_ns_per_entry", single, "ns");
	bench("pv_mm.update_single_over_batch_c_only", single / batch, "x");
	env_reset();
	return 0;
}
