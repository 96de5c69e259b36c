// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of static shared memory (common/shm.c, docs/shared-memory.md):
 * the doorbell register model (PEER_ID, PEERS, RING, STATUS write-1-to-
 * clear and the line level it drives, COUNT and FROM[] and their wrap,
 * accesses of other sizes), XL_HC_SHM_NOTIFY's argument checks, rings to
 * a participant that is not running (its line raised when it is built
 * again), and the frames' references: one per mapping and one for the
 * region, all gone once both participants and their p2m entries are.
 * shm.c is included so that its private state can be set up (the count
 * near 2^32); its allocator, p2m, domain lookup and interrupt line are
 * fakes here (host/p2m_fake.c for the frames). Every test runs in a child
 * process: the region table is boot-once state.
 */
#include "../../common/shm.c"

#include <xen-lite/vmmio.h>
#include "harness.h"
#include "host/p2m_fake.h"

#define GPA 0x40000000ULL
#define NR_DOMS 3

static struct domain doms[NR_DOMS];
static struct vcpu vcpus[NR_DOMS];
/* Stand-ins for each domain's p2m: only compared, never used. */
static char p2m_token[NR_DOMS];
static bool running[NR_DOMS];
/* The doorbell line of (domain index, slot): its level, how often set. */
static bool line[NR_DOMS][XL_BOOT_SHM_MAX];
static int line_sets[NR_DOMS][XL_BOOT_SHM_MAX];
/* Frames the fake p2m holds a reference on, to drop at "teardown". */
static mfn_t mapped[NR_DOMS][64];
static unsigned int nr_mapped[NR_DOMS];

static int dom_index(const struct domain *d)
{
	return (int)(d - doms);
}

/* ---- the hypervisor around shm.c ---- */

struct page_info *alloc_domain_pages(unsigned int order, domid_t owner,
				     struct list_head *list)
{
	struct page_info *pg;

	/* p2m_fake.c frees frame by frame: single frames only. */
	if (order)
		return NULL;
	pg = alloc_pages(0);
	if (!pg)
		return NULL;
	memset(page_to_virt(pg), 0, PAGE_SIZE);
	pg->state = PGS_DOMAIN;
	pg->owner = owner;
	pg->count = 1;
	list_add_tail(&pg->list, list);
	return pg;
}

int p2m_set_entry(struct p2m_domain *p2m, gfn_t gfn, u64 nr, mfn_t mfn,
		  p2m_type_t t)
{
	for (int i = 0; i < NR_DOMS; i++) {
		if (doms[i].p2m != p2m || !nr)
			continue;
		for (u64 k = 0; k < nr; k++)
			mapped[i][nr_mapped[i]++] = mfn_add(mfn, k);
	}
	return 0;
}

struct domain *domain_by_id(domid_t id)
{
	for (int i = 0; i < NR_DOMS; i++) {
		if (doms[i].id == id && running[i])
			return &doms[i];
	}
	return NULL;
}

void domain_put(struct domain *d)
{
}

void arch_shm_set_line(struct domain *d, unsigned int slot, bool level)
{
	line[dom_index(d)][slot] = level;
	line_sets[dom_index(d)][slot]++;
}

int arch_shm_fdt_irq(struct domain *d, void *fdt, unsigned int slot)
{
	return 0;
}

/* ---- setup ---- */

/* Domain i (id i + 1) in region "r" of 4 pages, domain 0 the owner. */
static void setup(int nr_doms)
{
	static struct domain_config cfgs[NR_DOMS];

	memset(doms, 0, sizeof(doms));
	memset(cfgs, 0, sizeof(cfgs));
	for (int i = 0; i < nr_doms; i++) {
		struct domain_config *c = &cfgs[i];

		snprintf(c->name, sizeof(c->name), "d%d", i);
		c->domid = (domid_t)(i + 1);
		c->nr_shm = 1;
		strcpy(c->shm[0].id, "r");
		c->shm[0].size = 4 * PAGE_SIZE;
		c->shm[0].gpa = GPA;
		c->shm[0].owner = i == 0;
	}
	CHECK_EQ(shm_boot_init(cfgs, nr_doms), 0);
	for (int i = 0; i < nr_doms; i++) {
		struct domain *d = &doms[i];

		d->id = (domid_t)(i + 1);
		memcpy(&d->cfg, &cfgs[i], sizeof(d->cfg));
		strcpy(d->name, cfgs[i].name);
		d->p2m = (struct p2m_domain *)&p2m_token[i];
		d->state = DOM_RUNNING;
		vcpus[i].domain = d;
		CHECK_EQ(shm_map_domain(d), 0);
		running[i] = true;
		shm_domain_listed(d); /* as domain_create() does */
	}
}

/* A 32-bit (or @size) access to doorbell register @off of domain @i. */
static u64 db(int i, unsigned int off, unsigned int size, bool write, u64 val)
{
	paddr_t gpa = XL_BOOT_SHM_DOORBELL_BASE + off;
	const struct vmmio_region *r = vmmio_find(&doms[i], gpa);

	if (!r) {
		diag("no doorbell window at %#llx in d%d",
		     (unsigned long long)gpa, i);
		xl_test_failed = 1;
		return ~0ULL;
	}
	if (vmmio_emulate(&vcpus[i], r, gpa, size, write, &val)) {
		diag("doorbell access at %#x failed", off);
		xl_test_failed = 1;
	}
	return val;
}

static u32 rd(int i, unsigned int off)
{
	return (u32)db(i, off, 4, false, 0);
}

static void wr(int i, unsigned int off, u32 v)
{
	db(i, off, 4, true, v);
}

/* ---- tests ---- */

TEST_ISOLATED(shm_doorbell_ids)
{
	setup(3);
	CHECK_EQ(rd(0, DB_PEER_ID), 0);
	CHECK_EQ(rd(1, DB_PEER_ID), 1);
	CHECK_EQ(rd(2, DB_PEER_ID), 2);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(rd(i, DB_PEERS), 3);
	/* Nothing rang yet; the line is low (never set). */
	CHECK_EQ(rd(1, DB_STATUS), 0);
	CHECK_EQ(rd(1, DB_COUNT), 0);
	CHECK_EQ(line_sets[1][0], 0);
	/* Unknown offsets and FROM[] beyond the peers read zero. */
	CHECK_EQ(rd(1, 0x14), 0);
	CHECK_EQ(rd(1, DB_FROM + 4 * 15), 0);
	CHECK_EQ(rd(1, 0xffc), 0);
}

TEST_ISOLATED(shm_doorbell_ring_and_status_w1c)
{
	setup(3);
	wr(0, DB_RING, 1); /* peer 0 rings 1 */
	wr(2, DB_RING, 1); /* peer 2 rings 1 */
	wr(2, DB_RING, 1);
	CHECK_EQ(rd(1, DB_COUNT), 3);
	CHECK_EQ(rd(1, DB_FROM + 0), 1);
	CHECK_EQ(rd(1, DB_FROM + 4), 0);
	CHECK_EQ(rd(1, DB_FROM + 8), 2);
	CHECK_EQ(rd(1, DB_STATUS), (1U << 0) | (1U << 2));
	CHECK(line[1][0]);
	/* The others were not rung. */
	CHECK_EQ(rd(0, DB_COUNT), 0);
	CHECK_EQ(rd(2, DB_COUNT), 0);
	CHECK(!line[0][0] && !line[2][0]);
	/* Clearing one bit of two: the line stays high. */
	wr(1, DB_STATUS, 1U << 0);
	CHECK_EQ(rd(1, DB_STATUS), 1U << 2);
	CHECK(line[1][0]);
	/* Writing zeros or bits not set changes nothing. */
	wr(1, DB_STATUS, 0);
	wr(1, DB_STATUS, 1U << 1);
	CHECK_EQ(rd(1, DB_STATUS), 1U << 2);
	CHECK(line[1][0]);
	/* The last bit: low. The counters stay. */
	wr(1, DB_STATUS, 1U << 2);
	CHECK_EQ(rd(1, DB_STATUS), 0);
	CHECK(!line[1][0]);
	CHECK_EQ(rd(1, DB_COUNT), 3);
	/* A new ring raises it again. */
	wr(0, DB_RING, 1);
	CHECK(line[1][0]);
	CHECK_EQ(rd(1, DB_STATUS), 1U << 0);
	/* Read-only registers ignore writes. */
	wr(1, DB_COUNT, 0);
	wr(1, DB_PEER_ID, 5);
	wr(1, DB_FROM, 0);
	CHECK_EQ(rd(1, DB_COUNT), 4);
	CHECK_EQ(rd(1, DB_PEER_ID), 1);
	CHECK_EQ(rd(1, DB_FROM), 2);
}

TEST_ISOLATED(shm_doorbell_ring_bounds)
{
	setup(2);
	wr(0, DB_RING, 0); /* oneself */
	wr(0, DB_RING, 2); /* no such peer */
	wr(0, DB_RING, 16);
	wr(0, DB_RING, 0xffffffff);
	CHECK_EQ(rd(0, DB_COUNT), 0);
	CHECK_EQ(rd(1, DB_COUNT), 0);
	CHECK_EQ(rd(0, DB_STATUS), 0);
	CHECK_EQ(line_sets[0][0] + line_sets[1][0], 0);
	/* RING reads zero (write-only). */
	wr(0, DB_RING, 1);
	CHECK_EQ(rd(0, DB_RING), 0);
	CHECK_EQ(rd(1, DB_COUNT), 1);
}

TEST_ISOLATED(shm_doorbell_other_sizes_ignored)
{
	setup(2);
	/* 1, 2 and 8 bytes: read zero, writes ignored. */
	CHECK_EQ(db(1, DB_PEER_ID, 1, false, 0x55), 0);
	CHECK_EQ(db(1, DB_PEERS, 8, false, 0x55), 0);
	db(0, DB_RING, 8, true, 1);
	db(0, DB_RING, 1, true, 1);
	db(0, DB_RING, 2, true, 1);
	CHECK_EQ(rd(1, DB_COUNT), 0);
	wr(0, DB_RING, 1);
	db(1, DB_STATUS, 8, true, 1);
	CHECK_EQ(rd(1, DB_STATUS), 1);
	CHECK(line[1][0]);
}

TEST_ISOLATED(shm_doorbell_counters_wrap)
{
	struct shm_region *r;

	setup(2);
	r = doms[1].shm[0].r;
	CHECK(r != NULL);
	r->bell[1].count = 0xffffffffU;
	r->bell[1].from[0] = 0xffffffffU;
	wr(0, DB_RING, 1);
	CHECK_EQ(rd(1, DB_COUNT), 0);
	CHECK_EQ(rd(1, DB_FROM), 0);
	CHECK_EQ(rd(1, DB_STATUS), 1);
	CHECK(line[1][0]);
}

TEST_ISOLATED(shm_notify_args)
{
	setup(2);
	CHECK_EQ(shm_notify(&doms[0], 1, 1), -EINVAL); /* no region in slot 1 */
	CHECK_EQ(shm_notify(&doms[0], XL_BOOT_SHM_MAX, 1), -EINVAL);
	CHECK_EQ(shm_notify(&doms[0], ~0UL, 1), -EINVAL);
	CHECK_EQ(shm_notify(&doms[0], 0, 0), -EINVAL); /* itself */
	CHECK_EQ(shm_notify(&doms[0], 0, 2), -EINVAL); /* no such peer */
	CHECK_EQ(shm_notify(&doms[0], 0, 1UL << 32 | 1), -EINVAL);
	CHECK_EQ(rd(1, DB_COUNT), 0);
	CHECK_EQ(shm_notify(&doms[0], 0, 1), 0);
	CHECK_EQ(shm_notify(&doms[1], 0, 0), 0);
	CHECK_EQ(rd(1, DB_COUNT), 1);
	CHECK_EQ(rd(0, DB_COUNT), 1);
	CHECK(line[0][0] && line[1][0]);
}

TEST_ISOLATED(shm_ring_while_gone_raises_when_listed)
{
	setup(2);
	/* The borrower is restarting: not found, its line not driven. */
	running[1] = false;
	wr(0, DB_RING, 1);
	CHECK_EQ(line_sets[1][0], 0);
	/* Its rebuild maps the region again; listed, it finds the ring. */
	memset(&doms[1].vmmio, 0, sizeof(doms[1].vmmio));
	CHECK_EQ(shm_map_domain(&doms[1]), 0);
	running[1] = true;
	shm_domain_listed(&doms[1]);
	CHECK(line[1][0]);
	CHECK_EQ(rd(1, DB_STATUS), 1);
	CHECK_EQ(rd(1, DB_COUNT), 1);
}

TEST_ISOLATED(shm_ring_between_map_and_listing)
{
	setup(2);
	/*
	 * The borrower is rebuilt: mapped (nothing pending then), not yet
	 * listed when the owner rings. The line must be up once it is.
	 */
	running[1] = false;
	memset(&doms[1].vmmio, 0, sizeof(doms[1].vmmio));
	CHECK_EQ(shm_map_domain(&doms[1]), 0);
	wr(0, DB_RING, 1);
	CHECK_EQ(line_sets[1][0], 0);
	running[1] = true;
	shm_domain_listed(&doms[1]);
	CHECK(line[1][0]);
	/* Nothing pending: listing leaves the line alone. */
	CHECK_EQ(line_sets[0][0], 0);
	shm_domain_listed(&doms[0]);
	CHECK_EQ(line_sets[0][0], 0);
}

TEST_ISOLATED(shm_frames_references)
{
	struct shm_region *r;

	setup(2);
	r = doms[0].shm[0].r;
	CHECK(r != NULL && r == doms[1].shm[0].r);
	CHECK_EQ(nr_mapped[0], 4);
	CHECK_EQ(nr_mapped[1], 4);
	CHECK_EQ(fake_mm_outstanding(), 4);
	/* The region's reference and one per mapping. */
	for (unsigned int k = 0; k < 4; k++) {
		CHECK(mfn_x(mapped[0][k]) == mfn_x(mapped[1][k]));
		CHECK_EQ(mfn_to_page(mapped[0][k])->count, 3);
		CHECK_EQ(mfn_to_page(mapped[0][k])->owner, 1);
	}
	/* The owner goes for good: the frames stay (the borrower maps them). */
	for (unsigned int k = 0; k < 4; k++)
		put_page(mfn_to_page(mapped[0][k]));
	running[0] = false;
	shm_domain_gone(&doms[0].cfg);
	CHECK_EQ(fake_mm_outstanding(), 4);
	for (unsigned int k = 0; k < 4; k++)
		CHECK_EQ(mfn_to_page(mapped[1][k])->count, 2);
	/* The borrower too: the region lets go, then its p2m does. */
	running[1] = false;
	shm_domain_gone(&doms[1].cfg);
	CHECK_EQ(fake_mm_outstanding(), 4);
	for (unsigned int k = 0; k < 4; k++)
		put_page(mfn_to_page(mapped[1][k]));
	CHECK_EQ(fake_mm_outstanding(), 0);
}

int main(void)
{
	fake_mm_init(64);
	return run_tests("shm");
}
