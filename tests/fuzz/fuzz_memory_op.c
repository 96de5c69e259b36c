// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: XL_HC_MEMORY_OP (common/memory.c, linked as it is)
 * on the real p2m (common/p2m*.c, both PTE formats of both
 * architectures) over the p2m host fakes (tests/unit/host/p2m_fake.c:
 * frame arena and page allocator; tests/unit/p2m_check.c: arch hooks),
 * against a reference model of the domain's reservation written from
 * docs/hypercalls.md:
 *   - a RAM window of 8 MiB (4 2-MiB extents) whose frames come and go
 *     with XL_MEM_{INCREASE,DECREASE}_RESERVATION / POPULATE_PHYSMAP
 *     (order 0 and 9; 1..4 extents per call and some bad counts), the
 *     extent list and the argument read from guest memory (some of it
 *     out of reach: -EFAULT, or a partial count);
 *   - the quota: a populate that would take tot_pages past max_pages is
 *     -ENOSPC; tot_pages never exceeds max_pages;
 *   - frames the PV MMU holds (pv_mm_page_busy(), stubbed from the
 *     model) do not balloon out (-EBUSY), nor does anything not RAM;
 *   - foreign mappings (privileged callers) of a second domain's frames
 *     outside the RAM window, with their references;
 *   - XL_MEM_CURRENT/MAXIMUM_RESERVATION, unknown commands;
 *   - allocation failures (-ENOMEM) change nothing.
 * After every call: the result is the model's, the GFNs it named map
 * what the model says (every 8 calls and at the end, an independent walk
 * of the whole tree against the model), tot_pages equals
 * the model, the domain's page list and the frames it owns (owner, state,
 * one reference each), the other domain's frames carry one reference per
 * mapping; at the end everything goes back and the arena has no frame
 * more than before (no leak).
 *
 * Input: a setup byte, then calls of 8 bytes (at most 48: 385 bytes, the
 * -max_len of memory_op.options).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/xen-lite.h>
#include <xen-lite/arch/p2m.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/hypercall.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>
#include <xen-lite/pv_mm.h>

#include "p2m_check.h"

#include "fuzz_check.h"

#define MB2 512ULL
#define RAM_GFN 0x80000ULL /* guest RAM at GPA 0x80000000 */
#define RAM_NR (4 * MB2) /* 8 MiB */
#define FSLOT_GFN 0x100000ULL /* foreign slots at GPA 0x100000000 */
#define FSLOTS 16
#define OTHER_NR 32 /* the other domain's RAM frames */
#define SELF_ID 1
#define OTHER_ID 2
#define ARGS_GPA 0x7f000000ULL /* guest memory the harness serves */
#define ARGS_SIZE 8192
#define MAX_CALLS 48

static struct domain self, other;
static struct p2m_domain self_p2m, other_p2m;
static struct vcpu vcpu0;
static struct p2m_format arm40;
static unsigned char gmem[ARGS_SIZE];
DEFINE_SPINLOCK(domain_list_lock);
static bool verbose;

/* The model. */
static struct page_info *m_ram[RAM_NR]; /* frame at each RAM gfn, or NULL */
static u64 m_tot, m_max;
static struct page_info *m_busy[8]; /* frames the PV MMU holds */
static unsigned int m_nbusy;
static struct page_info *other_pg[OTHER_NR];
static int m_fslot[FSLOTS]; /* index into other_pg, -1 = empty */
static bool m_fslot_ro[FSLOTS];
static bool other_running;

/* ---- the environment memory.c runs in ---- */

int copy_from_guest(struct domain *d, void *dst, paddr_t gpa, size_t len)
{
	CHECK(d == &self);
	if (gpa < ARGS_GPA || len > ARGS_SIZE ||
	    gpa - ARGS_GPA > ARGS_SIZE - len)
		return -EFAULT;
	memcpy(dst, gmem + (gpa - ARGS_GPA), len);
	return 0;
}

struct page_info *alloc_pages_zeroed(unsigned int order)
{
	struct page_info *pg = alloc_pages(order);

	if (!pg)
		return NULL;
	/* Frames are freed one by one (decrease): make them own blocks. */
	if (order)
		fake_mm_split(pg, order);
	/* Nothing here writes the guest's frames: zero the dirty ones. */
	fake_mm_zero(pg, 1UL << order);
	return pg;
}

bool pv_mm_page_busy(const struct page_info *pg)
{
	for (unsigned int i = 0; i < m_nbusy; i++)
		if (m_busy[i] == pg)
			return true;
	return false;
}

void pv_mm_balloon_begin(struct domain *d)
{
}

void pv_mm_balloon_end(struct domain *d)
{
}

struct domain *domain_by_id_locked(domid_t id)
{
	if (id == SELF_ID)
		return &self;
	if (id == OTHER_ID)
		return &other;
	return NULL;
}

/* Both domains outlive every call: references need no counting. */
struct domain *domain_by_id(domid_t id)
{
	return domain_by_id_locked(id);
}

void domain_get(struct domain *d)
{
}

void domain_put(struct domain *d)
{
}

/* ---- the model's expectations ---- */

static bool in_ram(u64 gfn, unsigned int order)
{
	return gfn >= RAM_GFN && gfn - RAM_GFN < RAM_NR &&
	       (1ULL << order) <= RAM_NR - (gfn - RAM_GFN) &&
	       !(gfn & ((1ULL << order) - 1));
}

static bool model_busy(const struct page_info *pg)
{
	return pv_mm_page_busy(pg);
}

/* What decrease of one extent does: 0, or the error (model unchanged). */
static int model_decrease(u64 gfn, unsigned int order)
{
	u64 nr = 1ULL << order;

	if (!in_ram(gfn, order))
		return -EINVAL;
	for (u64 i = 0; i < nr; i++) {
		struct page_info *pg = m_ram[gfn - RAM_GFN + i];

		if (!pg)
			return -ENOENT;
		if (model_busy(pg))
			return -EBUSY;
	}
	return 0;
}

static int model_populate(u64 gfn, unsigned int order)
{
	u64 nr = 1ULL << order;

	if (!in_ram(gfn, order))
		return -EINVAL;
	for (u64 i = 0; i < nr; i++)
		if (m_ram[gfn - RAM_GFN + i])
			return -EEXIST;
	if (m_tot + nr > m_max)
		return -ENOSPC;
	return 0;
}

/* Record what the hypervisor did for a successful extent. */
static void model_apply_decrease(u64 gfn, unsigned int order)
{
	for (u64 i = 0; i < (1ULL << order); i++) {
		m_ram[gfn - RAM_GFN + i] = NULL;
		m_tot--;
	}
}

static void model_apply_populate(u64 gfn, unsigned int order)
{
	for (u64 i = 0; i < (1ULL << order); i++) {
		p2m_type_t t;
		mfn_t mfn = p2m_lookup(&self_p2m, _gfn(gfn + i), &t, NULL);

		CHECK(!mfn_eq(mfn, INVALID_MFN) && t == p2m_ram_rw);
		m_ram[gfn - RAM_GFN + i] = mfn_to_page(mfn);
		m_tot++;
	}
}

/* ---- checks ---- */

static int leaf_err;
static u64 leaf_mapped;
static u64 count_lo, count_hi, range_mapped; /* pages mapped in [lo, hi) */

/* One leaf of the caller's p2m (independent walk) against the model. */
static void leaf_cb(u64 g, unsigned int level, mfn_t mfn, p2m_type_t t,
		    void *arg)
{
	u64 n = 1ULL << (9 * level);

	for (u64 k = 0; k < n && !leaf_err; k++, g++) {
		struct page_info *pg = mfn_to_page(_mfn(mfn_x(mfn) + k));

		if (g >= RAM_GFN && g < RAM_GFN + RAM_NR) {
			if (t != p2m_ram_rw || m_ram[g - RAM_GFN] != pg)
				leaf_err = 1;
		} else if (g >= FSLOT_GFN && g < FSLOT_GFN + FSLOTS) {
			int o = m_fslot[g - FSLOT_GFN];

			if (o < 0 || other_pg[o] != pg)
				leaf_err = 2;
		} else {
			leaf_err = 3; /* mapped outside the window and slots */
		}
		leaf_mapped++;
		range_mapped += g >= count_lo && g < count_hi;
	}
	if (leaf_err && verbose)
		fprintf(stderr, "leaf %#llx level %u type %u: error %d\n",
			(unsigned long long)g, level, t, leaf_err);
}

/* RAM gfns the last call may have changed: [touch_lo, touch_hi). */
static u64 touch_lo, touch_hi;

/*
 * The state against the model: the RAM window in [@lo, @hi) (the whole
 * window every few calls and at the end, the range the call named
 * otherwise: a full walk after every call costs 2048 lookups), the
 * counters, the page list, the foreign slots and references.
 */
static void check_state_range(u64 lo, u64 hi)
{
	u64 listed = 0;
	struct page_info *pg;
	unsigned int refs[OTHER_NR] = { 0 };

	CHECK(self.tot_pages == m_tot);
	CHECK(self.tot_pages <= self.max_pages);
	lo = lo < RAM_GFN ? 0 : MIN(lo - RAM_GFN, RAM_NR);
	hi = hi < RAM_GFN ? 0 : MIN(hi - RAM_GFN, RAM_NR);
	if (lo < hi) {
		/*
		 * The tree's leaves over the range (tests/unit/p2m_check.c's
		 * walk, limited to it: one p2m_lookup() per GFN was 40% of
		 * the time) against the model, both ways: every leaf page
		 * the model's, as many mapped as the model has.
		 */
		struct tinfo ti = { 0 };
		u64 want = 0;

		leaf_err = 0;
		range_mapped = 0;
		count_lo = RAM_GFN + lo;
		count_hi = RAM_GFN + hi;
		ti.leaf = leaf_cb;
		ti.lo = count_lo;
		ti.hi = count_hi;
		tree_walk(&self_p2m, &ti);
		CHECK(!ti.err);
		CHECK(!leaf_err);
		for (u64 i = lo; i < hi; i++) {
			if (!m_ram[i])
				continue;
			want++;
			CHECK(m_ram[i]->owner == SELF_ID);
			CHECK(m_ram[i]->state == PGS_DOMAIN);
			CHECK(m_ram[i]->count == 1);
		}
		CHECK(range_mapped == want);
	}
	/* p2m_lookup() itself at both ends and six GFNs between. */
	for (u64 k = 0; lo < hi && k < 8; k++) {
		u64 i = lo + (hi - lo - 1) * k / 7;
		p2m_type_t t;
		mfn_t mfn = p2m_lookup(&self_p2m, _gfn(RAM_GFN + i), &t, NULL);

		if (!m_ram[i]) {
			CHECK(mfn_eq(mfn, INVALID_MFN));
			continue;
		}
		CHECK(t == p2m_ram_rw);
		CHECK(mfn_to_page(mfn) == m_ram[i]);
	}
	list_for_each_entry(pg, &self.page_list, list) {
		CHECK(pg->owner == SELF_ID && pg->state == PGS_DOMAIN);
		listed++;
	}
	CHECK(listed == m_tot);
	for (unsigned int s = 0; s < FSLOTS; s++) {
		p2m_type_t t;
		mfn_t mfn =
			p2m_lookup(&self_p2m, _gfn(FSLOT_GFN + s), &t, NULL);

		if (m_fslot[s] < 0) {
			CHECK(mfn_eq(mfn, INVALID_MFN));
			continue;
		}
		CHECK(mfn_to_page(mfn) == other_pg[m_fslot[s]]);
		CHECK(t == (m_fslot_ro[s] ? p2m_map_foreign_ro :
					    p2m_map_foreign_rw));
		refs[m_fslot[s]]++;
	}
	for (unsigned int i = 0; i < OTHER_NR; i++)
		CHECK(other_pg[i]->count == 1 + refs[i]);
}

/* Everything: the tree walked by tests/unit/p2m_check.c, then the rest. */
static void check_state(void)
{
	struct tinfo ti = { 0 };
	u64 slots = 0;

	leaf_err = 0;
	leaf_mapped = 0;
	count_lo = count_hi = 0;
	ti.leaf = leaf_cb;
	tree_walk(&self_p2m, &ti);
	CHECK(!ti.err);
	CHECK(!leaf_err);
	for (unsigned int s = 0; s < FSLOTS; s++)
		slots += m_fslot[s] >= 0;
	CHECK(leaf_mapped == m_tot + slots);
	check_state_range(0, 0);
}

/* ---- one call ---- */

static long call(unsigned long cmd, unsigned long arg)
{
	return do_memory_op(&vcpu0, cmd, arg);
}

static void reservation_call(const uint8_t *op)
{
	struct xl_memory_reservation r = { 0 };
	unsigned long cmd = (op[0] >> 3) % 3 == 0 ?
				    XL_MEM_DECREASE_RESERVATION :
			    (op[0] >> 3) % 3 == 1 ? XL_MEM_POPULATE_PHYSMAP :
						    XL_MEM_INCREASE_RESERVATION;
	unsigned int order = (op[2] & 1) ? 9 : 0;
	unsigned int nr = 1 + op[1] % 4, reachable = nr;
	u64 gfn, stride;
	long want = 0, rc, allocs;
	bool bad_args = false;

	/* Extents: a start in or around the window, then a stride. */
	gfn = RAM_GFN - 64 + (((u64)op[3] << 8 | op[4]) % (RAM_NR + 128));
	if (order && !(op[5] & 1))
		gfn &= ~(MB2 - 1);
	stride = (op[5] >> 1) % 4 == 0 ? 0 :
					 (1ULL << order) * ((op[5] >> 1) % 4);
	r.extent_start = ARGS_GPA + 64;
	r.nr_extents = nr;
	r.extent_order = order;
	r.domid = XL_DOMID_SELF;
	switch (op[2] >> 5) {
	case 1:
		r.domid = SELF_ID;
		break;
	case 2:
		r.domid = OTHER_ID; /* not the caller: -EPERM */
		bad_args = true;
		want = -EPERM;
		break;
	case 3:
		r.extent_order = 1 + op[6] % 8; /* only 0 and 9 exist */
		bad_args = r.extent_order != 9;
		want = -EINVAL;
		order = r.extent_order;
		break;
	case 4:
		r.nr_extents = 4097; /* more than MAX_EXTENTS */
		bad_args = true;
		want = -EINVAL;
		break;
	case 5:
		/* The list runs off the end of guest memory after k. */
		reachable = op[6] % (nr + 1);
		r.extent_start = ARGS_GPA + ARGS_SIZE - 8ULL * reachable;
		break;
	default:
		break;
	}
	touch_lo = gfn;
	touch_hi = gfn + (nr - 1) * stride + (1ULL << (order == 9 ? 9 : 0));
	for (unsigned int k = 0; k < nr && k < reachable; k++) {
		u64 g = gfn + k * stride;

		memcpy(gmem + (r.extent_start - ARGS_GPA) + 8 * k, &g, 8);
	}
	/* The argument itself out of reach. */
	if ((op[6] & 0xf0) == 0xf0) {
		rc = call(cmd, ARGS_GPA + ARGS_SIZE - 4);
		CHECK(rc == -EFAULT);
		return;
	}
	memcpy(gmem, &r, sizeof(r));
	/*
	 * An allocation failure on this call: the first or the second frame
	 * allocation fails (-ENOMEM for that extent, nothing changed).
	 */
	if (op[7] & 0x80)
		fake_mm_fail_after(op[7] & 1);
	rc = call(cmd, ARGS_GPA);
	fake_mm_fail_after(-1);
	if (verbose)
		fprintf(stderr, "%s %u x order %u from %#llx (+%#llx): %ld\n",
			cmd == XL_MEM_DECREASE_RESERVATION ? "decrease" :
							     "populate",
			r.nr_extents, r.extent_order, (unsigned long long)gfn,
			(unsigned long long)stride, rc);
	if (bad_args) {
		CHECK(rc == want);
		return;
	}
	/* Extent by extent, as the model says; the first error ends it. */
	allocs = (op[7] & 0x80) ? (op[7] & 1) : -1;
	for (want = 0; want < nr; want++) {
		u64 g = gfn + want * stride;
		int e;

		if (want >= reachable) {
			e = -EFAULT;
		} else if (cmd == XL_MEM_DECREASE_RESERVATION) {
			e = model_decrease(g, order);
			if (!e)
				model_apply_decrease(g, order);
		} else {
			e = model_populate(g, order);
			if (!e && allocs == 0)
				e = -ENOMEM;
			if (!e) {
				allocs -= allocs > 0;
				model_apply_populate(g, order);
			}
		}
		if (e) {
			CHECK(rc == (want ? want : e));
			return;
		}
	}
	CHECK(rc == want);
}

static void foreign_call(const uint8_t *op, bool unmap)
{
	struct xl_foreign_map m = { 0 };
	unsigned int s = op[1] % FSLOTS, oi = op[3] % OTHER_NR;
	long rc, want;

	m.gfn = FSLOT_GFN + s;
	m.foreign_gfn = RAM_GFN + oi;
	m.domid = OTHER_ID;
	m.readonly = op[2] & 1;
	switch (op[4] % 8) {
	case 0:
		m.gfn = RAM_GFN + op[5]; /* inside the caller's RAM */
		break;
	case 1:
		m.domid = (op[5] & 1) ? SELF_ID : XL_DOMID_SELF;
		break;
	case 2:
		m.domid = 9; /* no such domain */
		break;
	case 3:
		m.foreign_gfn = RAM_GFN + OTHER_NR + op[5]; /* not mapped */
		break;
	case 4:
		m.gfn = 1ULL << (p2m_gpa_bits(&self_p2m) - PAGE_SHIFT);
		break;
	default:
		break;
	}
	memcpy(gmem, &m, sizeof(m));
	rc = call(unmap ? XL_MEM_UNMAP_FOREIGN : XL_MEM_MAP_FOREIGN,
		  (op[6] & 0xf0) == 0xf0 ? ARGS_GPA + ARGS_SIZE - 8 : ARGS_GPA);
	/* The reference, in the order docs/hypercalls.md gives. */
	if (!self.cfg.privileged)
		want = -EPERM;
	else if ((op[6] & 0xf0) == 0xf0)
		want = -EFAULT;
	else if (m.gfn >= (1ULL << (p2m_gpa_bits(&self_p2m) - PAGE_SHIFT)))
		want = -EINVAL;
	else if (unmap)
		want = (m.gfn >= FSLOT_GFN && m.gfn < FSLOT_GFN + FSLOTS &&
			m_fslot[m.gfn - FSLOT_GFN] >= 0) ?
			       0 :
			       -ENOENT;
	else if (m.domid == SELF_ID || m.domid == XL_DOMID_SELF)
		want = -EINVAL;
	else if (in_ram(m.gfn, 0))
		want = -EINVAL;
	else if (m.gfn >= FSLOT_GFN && m.gfn < FSLOT_GFN + FSLOTS &&
		 m_fslot[m.gfn - FSLOT_GFN] >= 0)
		want = -EEXIST;
	else if (m.domid != OTHER_ID || !other_running)
		want = -ESRCH;
	else if (m.foreign_gfn >= RAM_GFN + OTHER_NR)
		want = -EACCES;
	else
		want = 0;
	if (verbose)
		fprintf(stderr,
			"%s slot %#llx <- d%u gfn %#llx%s: %ld (want %ld)\n",
			unmap ? "unmap" : "map", (unsigned long long)m.gfn,
			m.domid, (unsigned long long)m.foreign_gfn,
			m.readonly ? " ro" : "", rc, want);
	CHECK(rc == want);
	if (rc || m.gfn < FSLOT_GFN || m.gfn >= FSLOT_GFN + FSLOTS)
		return;
	if (unmap) {
		m_fslot[m.gfn - FSLOT_GFN] = -1;
	} else {
		m_fslot[m.gfn - FSLOT_GFN] = (int)oi;
		m_fslot_ro[m.gfn - FSLOT_GFN] = m.readonly;
	}
}

static void one_call(const uint8_t *op)
{
	long rc;

	switch (op[0] % 10) {
	case 0:
	case 1:
	case 2:
	case 3:
		reservation_call(op);
		break;
	case 4:
		/* Mark a RAM frame as held by the PV MMU, or release one. */
		if (op[1] & 1 && m_nbusy) {
			unsigned int i = op[2] % m_nbusy;

			m_nbusy--;
			m_busy[i] = m_busy[m_nbusy];
		} else if (m_nbusy < 8) {
			struct page_info *pg =
				m_ram[((u64)op[2] << 8 | op[3]) % RAM_NR];

			if (pg && !pv_mm_page_busy(pg))
				m_busy[m_nbusy++] = pg;
		}
		break;
	case 5:
		rc = call(op[1] & 1 ? XL_MEM_MAXIMUM_RESERVATION :
				      XL_MEM_CURRENT_RESERVATION,
			  op[2] % 4 == 0 ? SELF_ID :
			  op[2] % 4 == 1 ? OTHER_ID :
			  op[2] % 4 == 2 ? 0x6fff :
					   XL_DOMID_SELF);
		if (op[2] % 4 == 3 || op[2] % 4 == 0)
			CHECK(rc == (long)(op[1] & 1 ? m_max : m_tot));
		else if (!self.cfg.privileged)
			CHECK(rc == -EPERM);
		else if (op[2] % 4 == 2)
			CHECK(rc == -ESRCH);
		else
			CHECK(rc == (long)(op[1] & 1 ? other.max_pages :
						       other.tot_pages));
		break;
	case 6:
	case 7:
		foreign_call(op, op[0] % 10 == 7);
		break;
	case 8:
		/* The other domain stops running (mappings stay). */
		other_running = !(op[1] & 1);
		other.state = other_running ? DOM_RUNNING : DOM_SHUTTING_DOWN;
		break;
	default:
		rc = call(7 + op[1], ARGS_GPA);
		CHECK(rc == -EINVAL);
		break;
	}
}

/* ---- setup and teardown of one input ---- */

static void dom_init(struct domain *d, struct p2m_domain *p2m, domid_t id)
{
	memset(d, 0, sizeof(*d));
	d->id = id;
	d->state = DOM_RUNNING;
	d->p2m = p2m;
	d->ram_gpa = RAM_GFN << PAGE_SHIFT;
	d->ram_bytes = RAM_NR << PAGE_SHIFT;
	spin_lock_init(&d->lock);
	INIT_LIST_HEAD(&d->page_list);
	CHECK(p2m_init(p2m, id, 64) == 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	verbose = getenv("XL_FUZZ_VERBOSE");
	/*
	 * Every input ends checking fake_mm_outstanding(), which aborts on a
	 * leaked block before LeakSanitizer would look: the per-block heap
	 * objects only cost time here.
	 */
	fake_mm_leak_traces(false);
	fake_mm_init(512);
	p2m_vmid_init(16);
	p2m_format_arm_init(&arm40, 40);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct p2m_format *const fmts[] = {
		&p2m_format_sv39x4,
		&p2m_format_sv48x4,
		&arm40,
	};
	const uint8_t *p = data, *end = data + size;
	unsigned long base_out;
	struct page_info *pg, *tmp;
	int calls = 0;

	if (size < 1)
		return -1;
	rec_reset();
	rec_fmt = fmts[(*p >> 1) % 3];
	base_out = fake_mm_outstanding();
	dom_init(&self, &self_p2m, SELF_ID);
	dom_init(&other, &other_p2m, OTHER_ID);
	self.cfg.privileged = *p & 1;
	memset(&vcpu0, 0, sizeof(vcpu0));
	vcpu0.domain = &self;
	self.vcpus[0] = &vcpu0;
	self.nr_vcpus = 1;
	memset(m_ram, 0, sizeof(m_ram));
	memset(gmem, 0, sizeof(gmem));
	m_tot = 0;
	m_nbusy = 0;
	/* Quota: one 2 MiB extent up to the whole window and more. */
	m_max = self.max_pages = MB2 * (1 + (*p >> 3) % 5) + (*p >> 6);
	p++;
	/* The other domain: OTHER_NR frames of RAM, one reference each. */
	for (unsigned int i = 0; i < OTHER_NR; i++) {
		other_pg[i] = alloc_pages(0);
		CHECK(other_pg[i]);
		other_pg[i]->state = PGS_DOMAIN;
		other_pg[i]->owner = OTHER_ID;
		other_pg[i]->count = 1;
		list_add_tail(&other_pg[i]->list, &other.page_list);
		other.tot_pages++;
		CHECK(p2m_set_entry(&other_p2m, _gfn(RAM_GFN + i), 1,
				    page_to_mfn(other_pg[i]), p2m_ram_rw) == 0);
	}
	other.max_pages = other.tot_pages;
	other_running = true;
	for (unsigned int s = 0; s < FSLOTS; s++)
		m_fslot[s] = -1;

	while (end - p >= 8 && calls++ < MAX_CALLS) {
		touch_lo = touch_hi = 0;
		one_call(p);
		p += 8;
		if (calls % 8 == 0)
			check_state();
		else
			check_state_range(touch_lo, touch_hi);
	}
	check_state();

	/* Everything back: the domain's RAM, the mappings, the tables. */
	list_for_each_entry_safe(pg, tmp, &self.page_list, list) {
		list_del(&pg->list);
		put_page(pg);
	}
	CHECK(teardown_all(&self_p2m) >= 0);
	for (unsigned int i = 0; i < OTHER_NR; i++)
		CHECK(other_pg[i]->count == 1);
	CHECK(teardown_all(&other_p2m) >= 0);
	for (unsigned int i = 0; i < OTHER_NR; i++) {
		list_del(&other_pg[i]->list);
		put_page(other_pg[i]);
	}
	CHECK(fake_mm_outstanding() == base_out);
	/* The 2 MiB extents' frames came back one by one. */
	fake_mm_coalesce(9);
	return 0;
}
