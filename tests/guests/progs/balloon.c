// SPDX-License-Identifier: MIT
/*
 * balloon: give pages back (XL_MEM_DECREASE_RESERVATION) and take them
 * again (XL_MEM_POPULATE_PHYSMAP), repeatedly, while vCPU1 touches the
 * same pages between rounds (so its TLB holds them when vCPU0 balloons
 * them out: the hypervisor's flush must reach vCPU1's CPU) and other
 * pages all the time.
 *   iters=N     rounds (default 8)     pages=N   pages per round (32)
 *   stall_ms=N  longest wait for vCPU1 in a round (default 30000)
 *   mode=fault-remote  balloon out a page vCPU1 keeps reading: vCPU1's
 *                      next read must fault and crash the domain
 *   mode=fault-local   balloon out a page, then read it on vCPU0
 *   mode=exhaust       with a tiny p2m_pool: splits until the pool is
 *                      empty, which must fail cleanly (-ENOMEM)
 *   mode=split-race    split each 2 MiB mapping (balloon one page out
 *                      and in) while vCPU1 reads that block: no fault
 *
 * RAM layout used (guest physical): [base, base+2M) superpage tests,
 * [base+2M, _end) the image, then the balloon pages R, then vCPU1's pages.
 */
#include <rt.h>

const char rt_suite[] = "balloon";

#define TOUCH_PAGES 16
#define MAX_PAGES 512

static uint64_t r_base, t_base;
static unsigned int npages;
static uint64_t gfns[MAX_PAGES];

/* vCPU0 -> vCPU1: touch R for round 'round'; vCPU1 -> vCPU0: done. */
static volatile uint64_t round, touched, stop;
static volatile uint64_t toucher_loops, toucher_bad;
static volatile uint64_t fault_reads;

static uint64_t *page(uint64_t base, unsigned int i)
{
	return (uint64_t *)(uintptr_t)(base + (uint64_t)i * PAGE_SIZE);
}

static uint64_t val(uint64_t r, unsigned int i, unsigned int who)
{
	return rt_mix((r << 20) ^ ((uint64_t)i << 2) ^ who);
}

static void toucher(unsigned long unused)
{
	uint64_t n = 0;

	while (!READ_ONCE(stop)) {
		uint64_t r = READ_ONCE(round);

		if (r != READ_ONCE(touched)) {
			for (unsigned int i = 0; i < npages; i++) {
				volatile uint64_t *p = page(r_base, i);

				if (p[0] != val(r, i, 0))
					toucher_bad++;
				p[1] = val(r, i, 1);
			}
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			WRITE_ONCE(touched, r);
		}
		for (unsigned int i = 0; i < TOUCH_PAGES; i++) {
			volatile uint64_t *p = page(t_base, i);

			p[n % 512] = n;
			if (p[n % 512] != n)
				toucher_bad++;
		}
		n++;
		WRITE_ONCE(toucher_loops, n);
	}
}

static void fault_reader(unsigned long unused)
{
	volatile uint64_t *p = page(r_base, 0);

	for (;;) {
		(void)*p;
		WRITE_ONCE(fault_reads, fault_reads + 1);
	}
}

static long cur_pages(void);
static volatile uint64_t race_block, race_reads;

/* Read and execute inside the 2 MiB block vCPU0 is about to split. */
static void race_reader(unsigned long unused)
{
	for (;;) {
		uint64_t b = READ_ONCE(race_block);
		volatile uint64_t *p =
			(volatile uint64_t *)(uintptr_t)(b + 8192);

		if (b == ~0ULL)
			return;
		if (b) {
			for (unsigned int i = 0; i < 64; i++)
				(void)p[i * 64];
		}
		WRITE_ONCE(race_reads, race_reads + 1);
	}
}

static bool wait_reads(uint64_t n)
{
	uint64_t want = READ_ONCE(race_reads) + n;
	uint64_t end = rt_now_us() + 30000000;

	while (READ_ONCE(race_reads) < want) {
		if (rt_now_us() > end)
			return false;
		arch_relax();
	}
	return true;
}

/*
 * Superpage splits while another vCPU uses the block: balloon one page
 * out of each 2 MiB block (the image's, where vCPU1's code runs, then
 * every free one) while vCPU1 reads the block. Nothing may fault.
 */
static void split_race(void)
{
	uint64_t end = rt_env.ram_base + rt_env.ram_size - (2UL << 20);
	uint64_t b = ALIGN_DOWN(r_base, 2UL << 20), pg = r_base;
	unsigned int blocks = 0, bad = 0;

	if (rt_cpu_start(1, race_reader, 0) || !wait_reads(10))
		rt_panic("vCPU1 does not run");
	for (;;) {
		WRITE_ONCE(race_block, b);
		if (!wait_reads(50))
			break;
		gfns[0] = pg >> PAGE_SHIFT;
		bad += xl_reservation(XL_MEM_DECREASE_RESERVATION, gfns, 1,
				      0) != 1;
		bad += xl_reservation(XL_MEM_POPULATE_PHYSMAP, gfns, 1, 0) != 1;
		if (!wait_reads(50))
			break;
		blocks++;
		b = ALIGN_UP(t_base + TOUCH_PAGES * PAGE_SIZE, 2UL << 20) +
		    (uint64_t)(blocks - 1) * (2UL << 20);
		pg = b;
		if (b + (2UL << 20) > end)
			break;
	}
	WRITE_ONCE(race_block, ~0ULL);
	rt_check(blocks && !bad, "split_race",
		 "%u blocks split, %u balloon calls failed", blocks, bad);
	rt_printf("split %u superpages under a running vCPU\n", blocks);
}

/*
 * p2m pool exhaustion (run with a tiny p2m_pool): balloon one page out
 * of each 2 MiB block in turn; every split needs a table page from the
 * pool, so a decrease must eventually fail with -ENOMEM (or -ENOSPC),
 * cleanly: the block it failed on is still mapped, the domain runs on,
 * and everything ballooned out comes back.
 */
static void exhaust(void)
{
	uint64_t end = rt_env.ram_base + rt_env.ram_size - (2UL << 20);
	uint64_t b = ALIGN_UP(t_base + TOUCH_PAGES * PAGE_SIZE, 2UL << 20);
	static uint64_t out[MAX_PAGES];
	unsigned int n = 0, back = 0;
	long before = cur_pages(), rc = 0;

	for (; b + (2UL << 20) <= end && n < MAX_PAGES; b += 2UL << 20) {
		gfns[0] = b >> PAGE_SHIFT;
		rc = xl_reservation(XL_MEM_DECREASE_RESERVATION, gfns, 1, 0);
		if (rc != 1)
			break;
		out[n++] = gfns[0];
	}
	rt_printf("pool exhausted after %u splits: %ld\n", n, rc);
	rt_check(rc == -XL_ENOMEM || rc == -XL_ENOSPC, "pool_exhausted_enomem",
		 "after %u splits the decrease returned %ld", n, rc);
	/* The block that could not be split is still all there. */
	*(volatile uint64_t *)(uintptr_t)(b + 4096) = 0x1234;
	rt_check(*(volatile uint64_t *)(uintptr_t)(b + 4096) == 0x1234,
		 "still_mapped", "write to the block lost");
	rt_check(cur_pages() == before - (long)n, "count_after_failure",
		 "%ld pages, expected %ld", cur_pages(), before - (long)n);
	for (unsigned int i = 0; i < n; i++)
		back += xl_reservation(XL_MEM_POPULATE_PHYSMAP, &out[i], 1,
				       0) == 1;
	rt_check(back == n && cur_pages() == before, "repopulate",
		 "%u of %u pages came back, %ld pages", back, n, cur_pages());
}

static long cur_pages(void)
{
	return xl_memory_op(XL_MEM_CURRENT_RESERVATION,
			    (void *)(uintptr_t)XL_DOMID_SELF);
}

static bool wait_for(volatile uint64_t *v, uint64_t want, uint64_t ms)
{
	uint64_t end = rt_now_us() + ms * 1000;

	while (READ_ONCE(*v) != want) {
		if (rt_now_us() > end)
			return false;
		arch_relax();
	}
	return true;
}

static void fault_test(bool remote)
{
	uint64_t c0, c1;
	long rc;

	/*
	 * Split the 2 MiB mapping around the page first (balloon a
	 * neighbour out and in), so that the decrease below changes one
	 * 4K entry and tests the TLB flush alone, not superpage splitting
	 * under a running vCPU (that is mode=split-race).
	 */
	gfns[0] = (r_base >> PAGE_SHIFT) + 1;
	if (xl_reservation(XL_MEM_DECREASE_RESERVATION, gfns, 1, 0) != 1 ||
	    xl_reservation(XL_MEM_POPULATE_PHYSMAP, gfns, 1, 0) != 1)
		rt_fail("presplit", "ballooning the neighbour page failed");
	gfns[0] = r_base >> PAGE_SHIFT;
	*page(r_base, 0) = 1;
	if (remote) {
		if (rt_cpu_start(1, fault_reader, 0))
			rt_panic("cannot start vCPU1");
		c0 = rt_now_us() + 5000000;
		while (READ_ONCE(fault_reads) < 1000 && rt_now_us() < c0)
			arch_relax();
		if (!rt_check(READ_ONCE(fault_reads) >= 1000, "reader_started",
			      "vCPU1 did not start reading"))
			return;
	}
	rt_printf(
		"ballooning out gfn %#llx, then %s reads it: expect a crash\n",
		(unsigned long long)gfns[0], remote ? "vCPU1" : "vCPU0");
	rc = xl_reservation(XL_MEM_DECREASE_RESERVATION, gfns, 1, 0);
	if (!rt_check(rc == 1, "decrease", "returned %ld", rc))
		return;
	if (!remote) {
		c0 = *(volatile uint64_t *)page(r_base, 0);
		rt_fail("not_crashed",
			"read of a ballooned-out page returned %#llx",
			(unsigned long long)c0);
		return;
	}
	c0 = READ_ONCE(fault_reads);
	rt_udelay(500000);
	c1 = READ_ONCE(fault_reads);
	if (c1 - c0 > 1)
		rt_fail("stale_tlb",
			"vCPU1 read the ballooned-out page %llu times after the decrease returned",
			(unsigned long long)(c1 - c0));
	else
		rt_fail("not_crashed",
			"vCPU1 stopped reading but the domain was not crashed");
}

static void test_errors(void)
{
	static struct xl_memory_reservation r;
	uint64_t base_gfn = rt_env.ram_base >> PAGE_SHIFT;
	long rc;

	gfns[0] = (rt_env.ram_base + rt_env.ram_size) >> PAGE_SHIFT;
	rc = xl_reservation(XL_MEM_DECREASE_RESERVATION, gfns, 1, 0);
	rt_check(rc < 0, "err_decrease_outside", "returned %ld", rc);
	gfns[0] = base_gfn - 1;
	rc = xl_reservation(XL_MEM_POPULATE_PHYSMAP, gfns, 1, 0);
	rt_check(rc < 0, "err_populate_outside", "returned %ld", rc);
	gfns[0] = r_base >> PAGE_SHIFT;
	rc = xl_reservation(XL_MEM_POPULATE_PHYSMAP, gfns, 1, 0);
	rt_check(rc == -XL_EEXIST, "err_populate_present", "returned %ld", rc);
	rc = xl_reservation(XL_MEM_DECREASE_RESERVATION, gfns, 1, 3);
	rt_check(rc == -XL_EINVAL, "err_bad_order", "returned %ld", rc);
	rc = xl_reservation(XL_MEM_DECREASE_RESERVATION, gfns, 4097, 0);
	rt_check(rc == -XL_EINVAL, "err_too_many", "returned %ld", rc);
	memset(&r, 0, sizeof(r));
	r.extent_start = rt_env.ram_base + rt_env.ram_size;
	r.nr_extents = 1;
	r.domid = XL_DOMID_SELF;
	rc = xl_memory_op(XL_MEM_DECREASE_RESERVATION, &r);
	rt_check(rc == -XL_EFAULT, "err_extents_outside", "returned %ld", rc);
	r.extent_start = (uintptr_t)gfns;
	r.domid = (unsigned short)(rt_env.info.domid + 1);
	rc = xl_memory_op(XL_MEM_DECREASE_RESERVATION, &r);
	rt_check(rc == -XL_EPERM, "err_other_domain", "returned %ld", rc);
	rc = xl_memory_op(XL_MEM_MAP_FOREIGN, &r);
	rt_check(rc == -XL_EPERM, "err_foreign_unprivileged", "returned %ld",
		 rc);
	rc = xl_memory_op(99, &r);
	rt_check(rc < 0, "err_bad_cmd", "returned %ld", rc);
	rc = xl_memory_op(XL_MEM_MAXIMUM_RESERVATION,
			  (void *)(uintptr_t)XL_DOMID_SELF);
	rt_check(rc == (long)(rt_env.ram_size >> PAGE_SHIFT), "max_reservation",
		 "returned %ld", rc);
}

/* Superpage extents: [base, base + 2M) is free RAM below the image. */
static void test_superpage(void)
{
	static uint64_t g[512];
	uint64_t s = rt_env.ram_base;
	long before = cur_pages(), rc, rc2, after;
	unsigned int nonzero = 0;

	if (s + (2UL << 20) > ALIGN_DOWN((uintptr_t)_start, 2UL << 20))
		return;
	g[0] = s >> PAGE_SHIFT;
	rc = xl_reservation(XL_MEM_DECREASE_RESERVATION, g, 1, 9);
	after = cur_pages();
	rc2 = xl_reservation(XL_MEM_POPULATE_PHYSMAP, g, 1, 9);
	rt_check(rc == 1 && rc2 == 1 && after == before - 512 &&
			 cur_pages() == before,
		 "superpage_2m", "decrease %ld populate %ld pages %ld/%ld/%ld",
		 rc, rc2, before, after, cur_pages());
	for (unsigned int i = 0; i < 512; i++) {
		g[i] = (s >> PAGE_SHIFT) + i;
		*page(s, i) = 0xdeadbeef;
	}
	rc = xl_reservation(XL_MEM_DECREASE_RESERVATION, g, 512, 0);
	rc2 = xl_reservation(XL_MEM_POPULATE_PHYSMAP, g, 1, 9);
	for (unsigned int i = 0; i < 512; i++)
		nonzero += *page(s, i) != 0;
	rt_check(rc == 512 && rc2 == 1 && !nonzero && cur_pages() == before,
		 "split_4k_then_2m",
		 "decrease %ld populate %ld, %u pages not zeroed", rc, rc2,
		 nonzero);
}

int test_main(void)
{
	unsigned long iters = rt_arg_ul("iters", 8);
	unsigned long stall_ms = rt_arg_ul("stall_ms", 30000);
	bool smp = rt_env.info.nr_vcpus > 1;
	unsigned int bad_dec = 0, bad_pop = 0, bad_zero = 0, bad_count = 0;
	unsigned int bad_again = 0, bad_seen = 0;
	uint64_t t0;

	npages = rt_arg_ul("pages", 32);
	if (npages > MAX_PAGES)
		npages = MAX_PAGES;
	r_base = ALIGN_UP((uintptr_t)_end, 65536) + 65536;
	t_base = r_base + (uint64_t)npages * PAGE_SIZE + 65536;
	if (t_base + TOUCH_PAGES * PAGE_SIZE >
	    rt_env.ram_base + rt_env.ram_size - (2UL << 20))
		rt_panic("RAM too small for %u balloon pages", npages);
	for (unsigned int i = 0; i < npages; i++)
		gfns[i] = (r_base >> PAGE_SHIFT) + i;

	if (rt_arg_is("mode", "fault-remote") ||
	    rt_arg_is("mode", "fault-local")) {
		fault_test(rt_arg_is("mode", "fault-remote") && smp);
		return 0;
	}

	if (rt_arg_is("mode", "exhaust")) {
		exhaust();
		return 0;
	}
	if (rt_arg_is("mode", "split-race")) {
		if (smp)
			split_race();
		return 0;
	}
	test_errors();
	/*
	 * One round before vCPU1 starts: the 2 MiB mappings around R are
	 * split here, so the rounds below test ballooning and remote TLB
	 * flushes; splits under a running vCPU are mode=split-race.
	 */
	if (xl_reservation(XL_MEM_DECREASE_RESERVATION, gfns, npages, 0) !=
		    npages ||
	    xl_reservation(XL_MEM_POPULATE_PHYSMAP, gfns, npages, 0) != npages)
		rt_fail("first_round",
			"ballooning before vCPU1 started failed");
	if (smp && rt_cpu_start(1, toucher, 0))
		rt_panic("cannot start vCPU1");
	t0 = rt_now_us();
	for (uint64_t r = 1; r <= iters; r++) {
		long before = cur_pages(), rc;

		for (unsigned int i = 0; i < npages; i++) {
			page(r_base, i)[0] = val(r, i, 0);
			page(r_base, i)[1] = 0;
		}
		if (smp) {
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			WRITE_ONCE(round, r);
			if (!wait_for(&touched, r, stall_ms)) {
				rt_fail("toucher_stalled",
					"vCPU1 did not touch the pages in round %llu",
					(unsigned long long)r);
				break;
			}
			for (unsigned int i = 0; i < npages; i++)
				bad_seen += page(r_base, i)[1] != val(r, i, 1);
		}
		rc = xl_reservation(XL_MEM_DECREASE_RESERVATION, gfns, npages,
				    0);
		bad_dec += rc != npages;
		bad_count += cur_pages() != before - (long)npages;
		rc = xl_reservation(XL_MEM_DECREASE_RESERVATION, gfns, 1, 0);
		bad_again += rc != -XL_ENOENT;
		rc = xl_reservation(XL_MEM_POPULATE_PHYSMAP, gfns, npages, 0);
		bad_pop += rc != npages;
		bad_count += cur_pages() != before;
		for (unsigned int i = 0; i < npages; i++) {
			for (unsigned int w = 0; w < 512; w += 64)
				bad_zero += page(r_base, i)[w] != 0;
		}
	}
	WRITE_ONCE(stop, 1);
	rt_printf("%lu rounds of %u pages in %llu ms, vCPU1 loops %llu\n",
		  iters, npages, (unsigned long long)(rt_now_us() - t0) / 1000,
		  (unsigned long long)toucher_loops);
	rt_check(!bad_dec, "decrease", "%u rounds returned a short count",
		 bad_dec);
	rt_check(!bad_again, "decrease_twice_enoent",
		 "%u rounds: a second decrease did not return -ENOENT",
		 bad_again);
	rt_check(!bad_pop, "populate", "%u rounds returned a short count",
		 bad_pop);
	rt_check(!bad_count, "current_reservation",
		 "%u times the page count was off", bad_count);
	rt_check(!bad_zero, "populated_zeroed",
		 "%u words of repopulated pages were not zero", bad_zero);
	if (smp) {
		rt_check(
			!bad_seen && !toucher_bad, "coherent_with_vcpu1",
			"vCPU0 missed %u of vCPU1's writes, vCPU1 saw %llu bad words",
			bad_seen, (unsigned long long)toucher_bad);
		rt_check(toucher_loops > 0, "vcpu1_ran", "vCPU1 never looped");
	}
	test_superpage();
	return 0;
}
