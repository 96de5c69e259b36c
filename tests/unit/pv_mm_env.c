// SPDX-License-Identifier: GPL-2.0
/*
 * Host environment for the PV MMU tests (see pv_mm_env.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xen-lite/hypercall.h>
#include <xen-lite/sched.h>

#include "pv_mm_env.h"

struct page_info *frame_table;
u64 frame_table_base_mfn;
u64 frame_table_nr;
struct list_head domain_list;
spinlock_t domain_list_lock;
struct env_hooks env_hooks;

static struct env_dom *doms[ENV_MAX_DOMS];
static u64 next_free; /* next machine frame index handed to a domain */
static u8 *machine;

void env_init(u64 frames)
{
	size_t len = (frames + 1) << PAGE_SHIFT;
	u8 *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (m == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	machine = (u8 *)ROUNDUP((uintptr_t)m, PAGE_SIZE);
	frame_table = calloc(frames, sizeof(*frame_table));
	frame_table_base_mfn = (uintptr_t)machine >> PAGE_SHIFT;
	frame_table_nr = frames;
	/* Frame 0 is hypervisor RAM. */
	frame_table[0].state = PGS_XEN;
	frame_table[0].owner = DOMID_XL;
	next_free = 1;
}

u64 env_frames(void)
{
	return frame_table_nr;
}

mfn_t env_xen_frame(void)
{
	return _mfn(frame_table_base_mfn);
}

static struct env_dom *dom_by_id(domid_t id)
{
	for (int i = 0; i < ENV_MAX_DOMS; i++) {
		if (doms[i] && doms[i]->d.id == id) {
			return doms[i];
		}
	}
	return NULL;
}

struct env_dom *env_dom_create(domid_t id, u64 ram_frames, bool privileged)
{
	struct env_dom *ed = calloc(1, sizeof(*ed));
	int i;

	if (next_free + ram_frames > frame_table_nr) {
		fprintf(stderr, "env: out of machine memory\n");
		exit(2);
	}
	ed->d.id = id;
	ed->d.state = DOM_RUNNING;
	ed->d.cfg.privileged = privileged;
	ed->d.p2m = &ed->p2m.p2m;
	ed->d.nr_vcpus = 2;
	ed->d.ram_gpa = ENV_GFN_BASE << PAGE_SHIFT;
	ed->d.ram_bytes = ram_frames << PAGE_SHIFT;
	ed->p2m.nr = ram_frames;
	ed->p2m.mfn = calloc(ram_frames, sizeof(mfn_t));
	ed->p2m.type = calloc(ram_frames, sizeof(p2m_type_t));
	for (u64 g = 0; g < ram_frames; g++) {
		struct page_info *pg = &frame_table[next_free];

		pg->state = PGS_DOMAIN;
		pg->owner = id;
		pg->count = 1;
		pg->type_info = 0;
		ed->p2m.mfn[g] = _mfn(frame_table_base_mfn + next_free);
		ed->p2m.type[g] = p2m_ram_rw;
		next_free++;
	}
	for (i = 0; i < 2; i++) {
		ed->vcpu[i].id = i;
		ed->vcpu[i].domain = &ed->d;
		ed->d.vcpus[i] = &ed->vcpu[i];
	}
	ed->next_gfn = ENV_GFN_BASE;
	for (i = 0; i < ENV_MAX_DOMS; i++) {
		if (!doms[i]) {
			doms[i] = ed;
			break;
		}
	}
	return ed;
}

void env_dom_destroy(struct env_dom *ed)
{
	while (pv_mm_domain_teardown(&ed->d) == -ERESTART) {
		;
	}
	for (int i = 0; i < ENV_MAX_DOMS; i++) {
		if (doms[i] == ed) {
			doms[i] = NULL;
		}
	}
	free(ed->p2m.mfn);
	free(ed->p2m.type);
	free(ed);
}

void env_reset(void)
{
	for (int i = 0; i < ENV_MAX_DOMS; i++) {
		if (doms[i]) {
			env_dom_destroy(doms[i]);
		}
	}
	/* No domain left: their frames are handed out again. */
	next_free = 1;
	memset(&env_hooks, 0, sizeof(env_hooks));
}

bool env_dom_clear(struct env_dom *ed)
{
	for (u64 g = 0; g < ed->p2m.nr; g++) {
		struct page_info *pg;

		if (ed->p2m.type[g] == p2m_invalid) {
			continue;
		}
		if (ed->p2m.type[g] == p2m_pt_pinned) {
			return false;
		}
		if (ed->p2m.type[g] != p2m_ram_rw) {
			continue;
		}
		pg = mfn_to_page(ed->p2m.mfn[g]);
		if (pg->owner == ed->d.id &&
		    (pg->type_info || pg->count != 1)) {
			return false;
		}
	}
	return !ed->d.pv_mm;
}

gfn_t env_alloc_gfn(struct env_dom *ed)
{
	gfn_t g = _gfn(ed->next_gfn++);

	memset(env_gfn_ptr(ed, g), 0, PAGE_SIZE);
	return g;
}

u64 *env_gfn_ptr(struct env_dom *ed, gfn_t gfn)
{
	return page_to_virt(env_gfn_page(ed, gfn));
}

struct page_info *env_gfn_page(struct env_dom *ed, gfn_t gfn)
{
	return mfn_to_page(ed->p2m.mfn[gfn_x(gfn) - ENV_GFN_BASE]);
}

p2m_type_t env_gfn_type(struct env_dom *ed, gfn_t gfn)
{
	return ed->p2m.type[gfn_x(gfn) - ENV_GFN_BASE];
}

void env_set_p2m(struct env_dom *ed, gfn_t gfn, mfn_t mfn, p2m_type_t t)
{
	ed->p2m.mfn[gfn_x(gfn) - ENV_GFN_BASE] = mfn;
	ed->p2m.type[gfn_x(gfn) - ENV_GFN_BASE] = t;
}

/* ---- what common/pv_mm.c and common/hypercall.c call ---- */

bool env_superpages;
unsigned int env_unsupported_levels;
unsigned long env_lookups;

mfn_t p2m_lookup(struct p2m_domain *p2m, gfn_t gfn, p2m_type_t *t,
		 unsigned int *order)
{
	struct env_p2m *ep = container_of(p2m, struct env_p2m, p2m);
	u64 i = gfn_x(gfn) - ENV_GFN_BASE;

	env_lookups++;

	if (order) {
		*order = 0;
	}
	if (gfn_x(gfn) < ENV_GFN_BASE || i >= ep->nr ||
	    ep->type[i] == p2m_invalid) {
		if (t) {
			*t = p2m_invalid;
		}
		return INVALID_MFN;
	}
	if (t) {
		*t = ep->type[i];
	}
	/*
	 * Like the real p2m, report a 2 MiB leaf where a whole aligned block
	 * is mapped contiguously with one type (a retype of one frame
	 * "splits" it), so that pv_lookup()'s superpage cache is exercised.
	 */
	if (order && env_superpages) {
		u64 b = i & ~511ULL;
		bool leaf = b + 512 <= ep->nr;

		for (u64 k = b; leaf && k < b + 512; k++) {
			leaf = ep->type[k] == ep->type[i] &&
			       mfn_x(ep->mfn[k]) == mfn_x(ep->mfn[b]) + (k - b);
		}
		if (leaf) {
			*order = 9;
		}
	}
	return ep->mfn[i];
}

int p2m_change_type_range(struct p2m_domain *p2m, gfn_t gfn, u64 nr,
			  p2m_type_t from, p2m_type_t to)
{
	struct env_p2m *ep = container_of(p2m, struct env_p2m, p2m);

	if (ep->fail_change) {
		ep->fail_change--;
		return -ENOMEM;
	}
	for (u64 g = gfn_x(gfn); g < gfn_x(gfn) + nr; g++) {
		u64 i = g - ENV_GFN_BASE;

		if (g < ENV_GFN_BASE || i >= ep->nr) {
			return -EINVAL;
		}
		if (ep->type[i] == from) {
			ep->type[i] = to;
		}
	}
	return 0;
}

bool get_page(struct page_info *pg, domid_t owner)
{
	if (pg->state != PGS_DOMAIN || pg->owner != owner ||
	    pg->count == ~0ULL) {
		return false;
	}
	pg->count++;
	return true;
}

void put_page(struct page_info *pg)
{
	if (!pg->count) {
		fprintf(stderr, "env: put_page below zero\n");
		abort();
	}
	if (!--pg->count) {
		pg->state = PGS_FREE;
	}
}

void *xmalloc(size_t size)
{
	return malloc(size);
}

void *xzalloc(size_t size)
{
	return calloc(1, size);
}

void xfree(void *p)
{
	free(p);
}

unsigned long env_copies, env_copy_hook_at;
void (*env_copy_hook)(void);

static int guest_copy(struct domain *d, void *buf, paddr_t gpa, size_t len,
		      bool to)
{
	u8 *b = buf;

	/* Outside every lock: another CPU may act here. */
	if (++env_copies == env_copy_hook_at && env_copy_hook) {
		void (*fn)(void) = env_copy_hook;

		env_copy_hook = NULL;
		fn();
	}

	while (len) {
		size_t off = gpa & (PAGE_SIZE - 1);
		size_t n = MIN(len, PAGE_SIZE - off);
		p2m_type_t t;
		mfn_t mfn = p2m_lookup(d->p2m, gaddr_to_gfn(gpa), &t, NULL);
		u8 *p;

		/*
		 * As common/guest_access.c: reads from RAM, read-only RAM
		 * and pinned tables (p2m_get_page()), writes to writable
		 * RAM only.
		 */
		if (mfn_eq(mfn, INVALID_MFN) ||
		    (t != p2m_ram_rw &&
		     (to || (t != p2m_ram_ro && t != p2m_pt_pinned)))) {
			return -EFAULT;
		}
		p = (u8 *)maddr_to_virt(mfn_to_maddr(mfn)) + off;
		if (to) {
			memcpy(p, b, n);
		} else {
			memcpy(b, p, n);
		}
		b += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

int copy_from_guest(struct domain *d, void *dst, paddr_t gpa, size_t len)
{
	return guest_copy(d, dst, gpa, len, false);
}

int copy_to_guest(struct domain *d, paddr_t gpa, const void *src, size_t len)
{
	return guest_copy(d, (void *)src, gpa, len, true);
}

struct domain *domain_by_id_locked(domid_t id)
{
	struct env_dom *ed = dom_by_id(id);

	return ed ? &ed->d : NULL;
}

unsigned long env_domain_refs;

struct domain *domain_by_id(domid_t id)
{
	struct domain *d = domain_by_id_locked(id);

	if (d) {
		env_domain_refs++;
	}
	return d;
}

void domain_get(struct domain *d)
{
	env_domain_refs++;
}

void domain_put(struct domain *d)
{
	if (!env_domain_refs) {
		fprintf(stderr, "env: domain_put without a reference\n");
		abort();
	}
	env_domain_refs--;
}

unsigned long env_max_entry_work, env_max_entry_lookups, env_entries,
	env_continuations, env_entry_limit;

long env_hypercall(struct env_dom *ed, unsigned int vcpu, unsigned long nr,
		   unsigned long a0, unsigned long a1, unsigned long a2)
{
	struct vcpu *v = &ed->vcpu[vcpu];
	unsigned long a[5] = { a0, a1, a2, 0, 0 };
	long rc;

	/* What the arch trap handler does: a new budget per entry. */
	for (;;) {
		unsigned long l0 = env_lookups;

		v->hc_work = 0;
		rc = do_hypercall(v, nr, a[0], a[1], a[2], a[3], a[4]);
		env_entries++;
		if (env_lookups - l0 > env_max_entry_lookups) {
			env_max_entry_lookups = env_lookups - l0;
		}
		if (v->hc_work > env_max_entry_work) {
			env_max_entry_work = v->hc_work;
		}
		if (rc != -ERESTART) {
			return rc;
		}
		if (env_entry_limit && !--env_entry_limit) {
			return rc; /* the guest abandons the call */
		}
		env_continuations++;
		memcpy(a, v->hc_cont, sizeof(a));
	}
}

void domain_shutdown(struct domain *d, enum shutdown_reason reason, int code)
{
	d->state = DOM_SHUTTING_DOWN;
	d->shutdown_reason = reason;
	d->shutdown_code = code;
}

size_t domain_console_write_some(struct domain *d, const char *s, size_t len)
{
	return len;
}

/*
 * The work pending word (xen-lite/work.h): the domain whose vCPUs were
 * told to run their entry checks, and with which bits.
 */
struct domain *env_work_domain;
unsigned long env_work_bits;
const unsigned long env_work_pv = WORK_PV;

void sched_domain_work(struct domain *d, unsigned long bits)
{
	env_work_domain = d;
	env_work_bits |= bits;
}

/* The shared-memory notify of do_hypercall(): not what these tests test. */
long shm_notify(struct domain *d, unsigned long slot, unsigned long peer)
{
	return -EINVAL;
}

long do_memory_op(struct vcpu *v, unsigned long cmd, unsigned long arg)
{
	return -ENOSYS;
}

void arch_pv_set_baseptr(struct vcpu *v, unsigned int slot, gfn_t root,
			 unsigned int levels, u16 asid)
{
	env_hooks.baseptr_calls++;
	env_hooks.baseptr_slot = slot;
	env_hooks.baseptr_root = root;
	env_hooks.baseptr_levels = levels;
	env_hooks.baseptr_asid = asid;
}

bool arch_pv_levels_supported(unsigned int levels)
{
	return levels != env_unsupported_levels;
}

void arch_pv_tlb_flush(struct vcpu *v, u64 vcpu_mask, bool all_va, vaddr_t va)
{
	env_hooks.flush_calls++;
	env_hooks.flush_mask = vcpu_mask;
	env_hooks.flush_all = all_va;
	env_hooks.flush_va = va;
}

/* ---- hypercall helpers ---- */

/* The last RAM frame of a domain is the hypercall scratch page. */
static paddr_t scratch_gpa(struct env_dom *ed)
{
	return (ENV_GFN_BASE + ed->p2m.nr - 1) << PAGE_SHIFT;
}

/* The guest can still write its scratch frame (stage 2 lets it). */
static bool scratch_writable(struct env_dom *ed)
{
	return env_gfn_type(ed, gaddr_to_gfn(scratch_gpa(ed))) == p2m_ram_rw;
}

long env_mmuext(struct env_dom *ed, unsigned int vcpu,
		const struct xl_mmuext_op *ops, unsigned int n,
		struct xl_pv_batch_status *st)
{
	paddr_t s = scratch_gpa(ed);
	paddr_t stg = s + PAGE_SIZE - sizeof(*st);
	long rc;

	if (!scratch_writable(ed)) {
		return ENV_SCRATCH_BUSY;
	}
	if (copy_to_guest(&ed->d, s, ops, n * sizeof(*ops)) ||
	    copy_to_guest(&ed->d, stg, st, sizeof(*st))) {
		return -999;
	}
	rc = env_hypercall(ed, vcpu, XL_HC_MMUEXT_OP, s, n, stg);
	if (copy_from_guest(&ed->d, st, stg, sizeof(*st))) {
		return -999;
	}
	return rc;
}

long env_mmu_update(struct env_dom *ed, unsigned int vcpu,
		    const struct xl_mmu_update *reqs, unsigned int n,
		    struct xl_pv_batch_status *st)
{
	paddr_t s = scratch_gpa(ed);
	paddr_t stg = s + PAGE_SIZE - sizeof(*st);
	long rc;

	if (!scratch_writable(ed)) {
		return ENV_SCRATCH_BUSY;
	}
	if (n * sizeof(*reqs) > PAGE_SIZE - sizeof(*st) ||
	    copy_to_guest(&ed->d, s, reqs, n * sizeof(*reqs)) ||
	    copy_to_guest(&ed->d, stg, st, sizeof(*st))) {
		return -999;
	}
	rc = env_hypercall(ed, vcpu, XL_HC_MMU_UPDATE, s, n, stg);
	if (copy_from_guest(&ed->d, st, stg, sizeof(*st))) {
		return -999;
	}
	return rc;
}

int env_op(struct env_dom *ed, unsigned int cmd, u64 arg1, u64 arg2)
{
	struct xl_mmuext_op op = { .cmd = cmd, .arg1 = arg1, .arg2 = arg2 };
	struct xl_pv_batch_status st = { .domid = XL_DOMID_SELF };
	long rc = env_mmuext(ed, 0, &op, 1, &st);

	if (rc < 0) {
		return (int)rc;
	}
	if (rc == 1 && st.error == 0 && st.done == 1 && st.index == ~0U) {
		return 0;
	}
	if (rc == 0 && st.done == 0 && st.index == 0 && st.error < 0) {
		return st.error;
	}
	return -998;
}

int env_update(struct env_dom *ed, gfn_t table, unsigned int idx, u64 val)
{
	struct xl_mmu_update req = {
		.ptr = gfn_to_gaddr(table) + idx * 8ULL,
		.val = val,
	};
	struct xl_pv_batch_status st = { .domid = XL_DOMID_SELF };
	long rc = env_mmu_update(ed, 0, &req, 1, &st);

	if (rc < 0) {
		return (int)rc;
	}
	if (rc == 1 && st.error == 0) {
		return 0;
	}
	if (rc == 0 && st.index == 0 && st.error < 0) {
		return st.error;
	}
	return -998;
}

/* ---- invariants ---- */

/*
 * The record of a partially validated or dying table @pg of @ed, with
 * which list it is on; NULL if on none (or on both, or twice).
 */
static const struct pv_mm_tbl *
env_tbl_record(struct env_dom *ed, const struct page_info *pg, int *partial)
{
	const struct pv_mm_tbl *found = NULL;
	const struct pv_mm_domain *pv = ed->d.pv_mm;
	unsigned int hits = 0;

	for (int list = 0; list < 2; list++) {
		for (const struct pv_mm_tbl *n = list ? pv->partial : pv->dying;
		     n; n = n->next) {
			if (n->pg == pg) {
				found = n;
				*partial = list;
				hits++;
			}
		}
	}
	return hits == 1 ? found : NULL;
}

struct expect {
	u64 count, maps;
	bool writable;
};

static struct env_dom *owner_dom(const struct page_info *pg)
{
	return dom_by_id(pg->owner);
}

static struct page_info *gfn_page_any(struct env_dom *ed, u64 g)
{
	p2m_type_t t;
	mfn_t m = p2m_lookup(ed->d.p2m, _gfn(g), &t, NULL);

	if (mfn_eq(m, INVALID_MFN) || !mfn_valid(m)) {
		return NULL;
	}
	return mfn_to_page(m);
}

#define CHECK_RULE(c)                  \
	do {                           \
		if (!(c)) {            \
			rc = __LINE__; \
			goto out;      \
		}                      \
	} while (0)

/*
 * What one table's entries hold (references, maps, writability of the
 * frames they name), remembered per table frame with everything it
 * depends on: the entries themselves, the level, how many entries count,
 * the format, the owner and the owners' p2m (p2m_gen()). Decoding every
 * entry of every table in every check was most of the PV MMU fuzzer's
 * time; a table nobody wrote since the last check gives the same sums.
 */
struct contrib {
	u32 idx;
	u32 count, maps;
	bool writable;
};

struct tbl_memo {
	bool valid;
	const struct env_dom *ed;
	const struct pv_pt_format *fmt;
	unsigned int level, nr, n;
	u64 gen;
	u64 *pte; /* PV_PT_ENTRIES, allocated when first used */
	struct contrib *c; /* n entries */
};

/*
 * Not memcmp(): under the fuzzer, every memcmp() call hands its operands
 * to libFuzzer's comparison hooks, which would fill its dictionary with
 * page-table contents.
 */
static bool same_entries(const u64 *a, const u64 *b, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++) {
		if (a[i] != b[i]) {
			return false;
		}
	}
	return true;
}

/* A hash of every domain's p2m as gfn_page_any() sees it. */
static u64 p2m_gen(void)
{
	u64 h = 0x6a09e667f3bcc909ULL;

	for (int i = 0; i < ENV_MAX_DOMS; i++) {
		const struct env_dom *ed = doms[i];

		h = (h ^ (uintptr_t)ed) * 0x100000001b3ULL;
		if (!ed) {
			continue;
		}
		h = (h ^ ed->d.id ^ ed->p2m.nr << 16) * 0x100000001b3ULL;
		for (u64 g = 0; g < ed->p2m.nr; g++) {
			u64 v = ed->p2m.type[g] == p2m_invalid ?
					~0ULL :
					mfn_x(ed->p2m.mfn[g]);

			h = (h ^ v) * 0x100000001b3ULL + (h >> 31);
		}
	}
	return h;
}

int env_check(void)
{
	static struct expect *ex, *one;
	static struct tbl_memo *memo;
	static u32 *touched;
	u64 gen = p2m_gen();
	unsigned int nt = 0; /* entries of one[] in use (touched[]) */
	int rc = 0;

	/* Reused: a fresh calloc() of it per check was most of the time. */
	if (!ex) {
		ex = calloc(frame_table_nr, sizeof(*ex));
		one = calloc(frame_table_nr, sizeof(*one));
		memo = calloc(frame_table_nr, sizeof(*memo));
		touched = calloc(frame_table_nr, sizeof(*touched));
	}
	/*
	 * Frames from next_free on belong to no domain: untyped, nothing
	 * to sum (a typed one breaks the same rule the sums below would).
	 */
	for (u64 f = next_free; f < frame_table_nr; f++) {
		CHECK_RULE(!frame_table[f].type_info);
	}
	memset(ex, 0, next_free * sizeof(*ex));

	for (u64 f = 0; f < next_free; f++) {
		struct page_info *pg = &frame_table[f];
		u64 ti = pg->type_info, type = pgt_type(ti);
		struct env_dom *ed;
		const struct pv_pt_format *fmt;
		unsigned int level, nr;

		if (!ti) {
			continue;
		}
		ed = owner_dom(pg);
		CHECK_RULE(ed && ed->d.pv_mm);
		/* Type set iff count, count means a held general reference. */
		CHECK_RULE((type != PGT_NONE) == (pgt_count(ti) != 0));
		CHECK_RULE(pg->count >= 2 || !(pgt_count(ti) || pgt_maps(ti)));
		if (type < PGT_L1) {
			CHECK_RULE(!(ti & (PGT_PINNED | PGT_VALIDATED)));
			continue;
		}
		/*
		 * Between operations a table is validated (every entry holds
		 * its references), partially validated or dying (entries
		 * [0, nr) of its record do, and the record holds one type
		 * reference), and read-only.
		 */
		fmt = ed->d.pv_mm->fmt;
		level = type - PGT_L1 + 1;
		nr = PV_PT_ENTRIES;
		if (ti & (PGT_PARTIAL | PGT_DYING)) {
			int partial;
			const struct pv_mm_tbl *n =
				env_tbl_record(ed, pg, &partial);

			CHECK_RULE(!(ti & PGT_VALIDATED));
			CHECK_RULE(n && n->level == level);
			CHECK_RULE(!(ti & PGT_PARTIAL) == !partial);
			CHECK_RULE(!(ti & PGT_PARTIAL) != !(ti & PGT_DYING));
			nr = n->nr;
			ex[pg - frame_table].count++;
		} else {
			CHECK_RULE(ti & PGT_VALIDATED);
		}
		struct tbl_memo *m = &memo[f];
		const u64 *ptes = page_to_virt(pg);

		nt = 0;
		if (m->valid && m->ed == ed && m->fmt == fmt &&
		    m->level == level && m->nr == nr && m->gen == gen &&
		    same_entries(m->pte, ptes, nr)) {
			for (unsigned int k = 0; k < m->n; k++) {
				struct expect *x = &ex[m->c[k].idx];

				x->count += m->c[k].count;
				x->maps += m->c[k].maps;
				x->writable |= m->c[k].writable;
			}
			continue;
		}
		m->valid = false;
		for (unsigned int i = 0; i < nr; i++) {
			u64 pte = ptes[i];
			struct pv_pte e;

			CHECK_RULE(fmt->decode(pte, level, &e) == 0);
			if (e.kind == PV_PTE_TABLE) {
				struct page_info *c =
					gfn_page_any(ed, gfn_x(e.gfn));

				CHECK_RULE(c);
				if (!one[c - frame_table].count &&
				    !one[c - frame_table].maps) {
					touched[nt++] = c - frame_table;
				}
				one[c - frame_table].count++;
			} else if (e.kind == PV_PTE_LEAF) {
				u64 nr = 1ULL << (9 * (level - 1));

				for (u64 j = 0; j < nr; j++) {
					struct page_info *c = gfn_page_any(
						ed, gfn_x(e.gfn) + j);
					struct expect *x;

					CHECK_RULE(c);
					x = &one[c - frame_table];
					if (!x->count && !x->maps) {
						touched[nt++] = c - frame_table;
					}
					if (e.write) {
						x->count++;
						x->writable = true;
					} else {
						x->maps++;
					}
				}
			}
		}
		/* Into the sums, and remembered for the next check. */
		free(m->c);
		m->c = malloc((nt ? nt : 1) * sizeof(*m->c));
		for (unsigned int k = 0; k < nt; k++) {
			struct expect *x = &one[touched[k]];

			m->c[k] = (struct contrib){ touched[k], x->count,
						    x->maps, x->writable };
			ex[touched[k]].count += x->count;
			ex[touched[k]].maps += x->maps;
			ex[touched[k]].writable |= x->writable;
			memset(x, 0, sizeof(*x));
		}
		m->n = nt;
		m->ed = ed;
		m->fmt = fmt;
		m->level = level;
		m->nr = nr;
		m->gen = gen;
		if (!m->pte) {
			m->pte = malloc(PV_PT_ENTRIES * sizeof(u64));
		}
		memcpy(m->pte, ptes, nr * sizeof(u64));
		m->valid = true;
		nt = 0;
	}
	for (int i = 0; i < ENV_MAX_DOMS; i++) {
		struct pv_mm_domain *pv = doms[i] ? doms[i]->d.pv_mm : NULL;

		if (!pv) {
			continue;
		}
		for (struct pv_mm_pin *p = pv->pins; p; p = p->next) {
			struct page_info *pg = mfn_to_page(p->mfn);

			CHECK_RULE(pg->type_info & PGT_PINNED);
			ex[pg - frame_table].count++;
		}
		for (int v = 0; v < CONFIG_MAX_VCPUS; v++) {
			for (int s = 0; s < 2; s++) {
				if (pv->base[v][s].set) {
					ex[mfn_to_page(pv->base[v][s].mfn) -
					   frame_table]
						.count++;
				}
			}
		}
	}
	for (u64 f = 0; f < next_free; f++) {
		u64 ti = frame_table[f].type_info;

		CHECK_RULE(pgt_count(ti) == ex[f].count);
		CHECK_RULE(pgt_maps(ti) == ex[f].maps);
		/* Never writable and a table at once. */
		CHECK_RULE(!ex[f].writable || pgt_type(ti) == PGT_WRITABLE);
	}
	/* Every table frame is read-only in its p2m, and only those. */
	for (int i = 0; i < ENV_MAX_DOMS; i++) {
		struct env_dom *ed = doms[i];

		if (!ed) {
			continue;
		}
		for (u64 g = 0; g < ed->p2m.nr; g++) {
			struct page_info *pg;
			u64 type;

			if (ed->p2m.type[g] != p2m_ram_rw &&
			    ed->p2m.type[g] != p2m_pt_pinned) {
				continue;
			}
			pg = mfn_to_page(ed->p2m.mfn[g]);
			if (pg->owner != ed->d.id) {
				continue;
			}
			type = pgt_type(pg->type_info);
			CHECK_RULE((ed->p2m.type[g] == p2m_pt_pinned) ==
				   (type >= PGT_L1));
		}
	}
out:
	if (rc) {
		/* A table left half-summed: one[] is clean for the next. */
		for (unsigned int k = 0; k < nt; k++) {
			memset(&one[touched[k]], 0, sizeof(*one));
		}
		fprintf(stderr, "  env_check: rule at pv_mm_env.c:%d\n", rc);
	}
	return rc;
}

bool env_all_clear(void)
{
	for (u64 f = 0; f < frame_table_nr; f++) {
		const struct page_info *pg = &frame_table[f];

		if (pg->type_info || pg->count > 1) {
			return false;
		}
	}
	return true;
}
