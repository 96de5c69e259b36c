// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: PV MMU validation (common/pv_mm.c, the stage-1
 * format files and the hypercall entry points of common/hypercall.c) on
 * the PV MMU engineer's host environment (tests/unit/pv_mm_env.c: machine
 * memory with a real frame table, a flat fake p2m, guest memory access).
 *
 * A guest made of fuzzer bytes writes its own RAM (only frames its p2m
 * leaves writable, as stage 2 would), and issues mmu_update and
 * mmuext_op calls: pins, unpins, base pointer switches, flushes, format
 * changes, batches, wild commands and arguments, other domains' IDs;
 * pins the guest abandons after a few hypervisor entries (a validation
 * left partial).
 * After every call env_check() must hold: no frame is both writable and
 * a page table, every table is validated and p2m_pt_pinned, type counts
 * match a recount from the pinned roots and base pointers, reference
 * counts match (partially validated and dying tables included). Every
 * call returns a count or a -XL_E* code. At the end,
 * pv_mm_domain_teardown() must give every frame back untyped.
 *
 * Input: a format byte, then operations of 8 bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_mm_env.h"

#include "fuzz_check.h"

#define NR_RAM 48 /* frames of the guest; the last is the scratch */
#define NR_USE 40 /* frames the fuzzer builds tables and data in */
#define GFN_MMIO (ENV_GFN_BASE + 40)
#define GFN_HOLE (ENV_GFN_BASE + 41)

static struct env_dom *ed, *other, *priv;
static bool verbose;

static const struct pv_pt_format *const fmts[] = {
	&pv_pt_sv39,
	&pv_pt_sv48,
	&pv_pt_arm64_l4,
	&pv_pt_arm64_l3,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	verbose = getenv("XL_FUZZ_VERBOSE");
	env_init(1024);
	env_superpages = true;
	ed = env_dom_create(1, NR_RAM, false);
	other = env_dom_create(2, 16, false);
	priv = env_dom_create(3, 16, true);
	/* A device frame and a hole in the guest-physical space. */
	env_set_p2m(ed, _gfn(GFN_MMIO), env_xen_frame(), p2m_mmio_direct_dev);
	env_set_p2m(ed, _gfn(GFN_HOLE), INVALID_MFN, p2m_invalid);
	return 0;
}

static gfn_t frame(u8 b)
{
	if (b < 0xf0)
		return _gfn(ENV_GFN_BASE + b % NR_USE);
	switch (b & 7) {
	case 0:
		return _gfn(GFN_MMIO);
	case 1:
		return _gfn(GFN_HOLE);
	case 2:
		return _gfn(ENV_GFN_BASE + NR_RAM - 1); /* the scratch frame */
	case 3:
		return _gfn(ENV_GFN_BASE + NR_RAM + 5); /* beyond RAM */
	case 4:
		return _gfn(ENV_GFN_BASE - 1);
	case 5:
		return _gfn(0);
	default:
		return _gfn(~0ULL >> 12);
	}
}

static u64 entry(const struct pv_pt_format *f, const u8 *op)
{
	unsigned int level = 1 + op[3] % f->levels;

	switch ((op[3] >> 2) & 3) {
	case 0:
		return f->make_table(frame(op[4]), level);
	case 1:
		return f->make_leaf(frame(op[4]), level, op[5] & 7);
	case 2:
		return (u64)op[4] << 56 | (u64)op[5] << 40 | (u64)op[6] << 20 |
		       op[7];
	default:
		return 0;
	}
}

static void check_rc(long rc, const char *what)
{
	if (verbose)
		fprintf(stderr, "  %s: %ld\n", what, rc);
	CHECK(rc != -999);
	/* The codes include/public/xen-lite.h defines. */
	CHECK(rc >= 0 || rc == ENV_SCRATCH_BUSY || rc == -XL_EPERM ||
	      rc == -XL_ENOENT || rc == -XL_ESRCH || rc == -XL_EFAULT ||
	      rc == -XL_EBUSY || rc == -XL_EEXIST || rc == -XL_EINVAL ||
	      rc == -XL_ENOSPC || rc == -XL_ERANGE || rc == -XL_ENOSYS ||
	      rc == -XL_ENOMEM || rc == -XL_E2BIG || rc == -XL_EACCES ||
	      rc == -XL_EOVERFLOW || rc == -XL_ELOOP);
	rc = env_check();
	if (rc) {
		fprintf(stderr,
			"env_check() failed at pv_mm_env.c:%ld after %s\n", rc,
			what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	const struct pv_pt_format *f;
	int steps = 0;

	if (size < 1)
		return -1;
	memset(&env_hooks, 0, sizeof(env_hooks));
	for (u64 g = 0; g < NR_USE; g++)
		memset(env_gfn_ptr(ed, _gfn(ENV_GFN_BASE + g)), 0, PAGE_SIZE);
	f = fmts[*p % ARRAY_SIZE(fmts)];
	if (*p++ & 0x80)
		check_rc(env_op(ed, XL_MMUEXT_SET_FORMAT, f->id, 0), "format");
	else
		f = fmts[0]; /* the default (Sv39 on the host build) */
	if (verbose)
		fprintf(stderr, "format %s\n", f->name);

	while (end - p >= 8 && steps++ < 128) {
		const u8 *op = p;
		gfn_t g = frame(op[1]);
		struct xl_pv_batch_status st = { .domid = XL_DOMID_SELF };
		struct xl_mmuext_op ext[4];
		struct xl_mmu_update upd[4];
		unsigned int n;

		p += 8;
		switch (op[0] % 10) {
		case 0:
		case 1: { /* the guest writes its own RAM where stage 2 lets it */
			gfn_t w = _gfn(ENV_GFN_BASE + op[1] % NR_USE);

			if (env_gfn_type(ed, w) == p2m_ram_rw)
				env_gfn_ptr(ed, w)[op[2] % 512] = entry(f, op);
			check_rc(0, "guest write");
			break;
		}
		case 2:
		case 3:
			check_rc(env_update(ed, g, op[2] % 512, entry(f, op)),
				 "mmu_update");
			break;
		case 4: { /* a pin; or one abandoned after 1-4 entries */
			long rc;

			env_entry_limit = op[3] & 0x80 ? 1 + (op[3] & 3) : 0;
			rc = env_op(ed, XL_MMUEXT_PIN_L1_TABLE + (op[2] % 4),
				    gfn_x(g), 0);
			env_entry_limit = 0;
			check_rc(rc == -ERESTART ? 0 : rc,
				 rc == -ERESTART ? "pin, abandoned" : "pin");
			break;
		}
		case 5:
			check_rc(env_op(ed, XL_MMUEXT_UNPIN_TABLE, gfn_x(g), 0),
				 "unpin");
			break;
		case 6:
			check_rc(env_op(ed, XL_MMUEXT_NEW_BASEPTR, gfn_x(g),
					(op[2] & 1) |
						((u64)op[3]
						 << XL_BASEPTR_ASID_SHIFT)),
				 "new_baseptr");
			break;
		case 7: /* flushes, format changes, anything else */
			check_rc(env_op(ed,
					XL_MMUEXT_TLB_FLUSH_LOCAL + op[2] % 8,
					(u64)op[3] << 12 | op[4],
					(u64)op[5] << 32 | op[6]),
				 "flush/format");
			break;
		case 8: /* a batch of mmuext ops, maybe for another domain */
			n = 1 + op[2] % 4;
			memset(ext, 0, sizeof(ext));
			for (unsigned int i = 0; i < n; i++) {
				ext[i].cmd = (op[3 + i] < 0xf0) ?
						     op[3 + i] % 13 :
						     op[3 + i];
				ext[i].arg1 = gfn_x(frame(op[4 + i]));
				ext[i].arg2 = op[7] & 1;
				ext[i].pad = op[7] == 0xff;
			}
			st.domid = (op[7] & 0x10) ? other->d.id :
				   (op[7] & 0x20) ? 0x1234 :
						    XL_DOMID_SELF;
			check_rc(env_mmuext((op[7] & 0x40) ? priv : ed,
					    op[7] >> 7, ext, n, &st),
				 "mmuext batch");
			break;
		default: /* a batch of updates with wild pointers */
			n = 1 + op[2] % 4;
			for (unsigned int i = 0; i < n; i++) {
				u64 t = gfn_x(frame(op[3 + i]));
				u8 e[8];

				/* Entry operands rotated per request. */
				for (unsigned int k = 0; k < 8; k++)
					e[k] = op[(k + i) % 8];

				upd[i].ptr = (t << PAGE_SHIFT) +
					     8 * (op[4 + i] % 512) +
					     (op[7] == 0xfe ? 3 : 0);
				upd[i].val = entry(f, e);
			}
			st.domid = (op[7] & 0x10) ? other->d.id :
				   (op[7] & 0x20) ? ed->d.id :
						    XL_DOMID_SELF;
			check_rc(env_mmu_update((op[7] & 0x40) ? priv : ed,
						(op[7] >> 7) & 1, upd, n, &st),
				 "mmu_update batch");
			break;
		}
	}
	for (struct env_dom *e = ed; e; e = e == ed    ? other :
					    e == other ? priv :
							 NULL) {
		while (pv_mm_domain_teardown(&e->d) == -ERESTART)
			;
		CHECK(env_dom_clear(e));
	}
	CHECK(env_check() == 0);
	return 0;
}
