// SPDX-License-Identifier: MIT
/*
 * race: two vCPUs (on two host CPUs) race for the same guest memory or
 * the same vCPU, many rounds, vCPU1's start moved by a random delay over
 * the width of vCPU0's operation so that every overlap is tried
 * (issue 14, docs/robustness.md).
 *
 *   mode=populate [pin=1]  vCPU0 populates a 2 MiB extent while vCPU1
 *                          populates one page inside it (and pins it as
 *                          an L1 table): exactly one may win, and the
 *                          reservation must stay within max_pages
 *   mode=decrease          both decrease the same 2 MiB extent: exactly
 *                          one may win, tot_pages must come back exact
 *   mode=results           vCPU1 balloons the page holding vCPU0's
 *                          multicall entries out and in while vCPU0 has
 *                          the hypervisor write results into it (domain
 *                          info instead when the build has no multicall,
 *                          CONFIG_PV_MMU=n)
 *   mode=cpuon             vCPU0 restarts vCPU1 (HSM hart_start / PSCI
 *                          CPU_ON) as soon as it stops itself: each start
 *                          must begin from the reset state
 *   mode=batch role=mapper (privileged) foreign PV batches on the
 *                          target domains while they shut down
 *   mode=batch role=target spins run_ms, then powers off
 *   rounds=N (default 200)
 */
#include <rt.h>

const char rt_suite[] = "race";

static uint64_t x_base; /* the contested 2 MiB extent: RAM's first */
static unsigned int rounds;

/* vCPU0 -> vCPU1: start round r after delay ticks; vCPU1 -> vCPU0: done. */
static volatile uint64_t go, done1, delay1, stop1;
static volatile long rc1;
static volatile unsigned int k1; /* the page vCPU1 works on */

static uint64_t gfn(uint64_t pa)
{
	return pa >> PAGE_SHIFT;
}

static long reserve(unsigned long cmd, uint64_t g, unsigned int order)
{
	uint64_t gfns[1] = { g };

	return xl_reservation(cmd, gfns, 1, order);
}

static long cur_pages(void)
{
	return xl_hypercall(XL_HC_MEMORY_OP, XL_MEM_CURRENT_RESERVATION,
			    XL_DOMID_SELF, 0, 0, 0);
}

static long max_pages(void)
{
	return xl_hypercall(XL_HC_MEMORY_OP, XL_MEM_MAXIMUM_RESERVATION,
			    XL_DOMID_SELF, 0, 0, 0);
}

static long mmuext1(unsigned int cmd, uint64_t arg1)
{
	static struct xl_mmuext_op op[RT_MAX_CPUS];
	struct xl_mmuext_op *o = &op[rt_cpu()];
	long r;

	*o = (struct xl_mmuext_op){ .cmd = cmd, .arg1 = arg1 };
	r = xl_hypercall(XL_HC_MMUEXT_OP, (uintptr_t)o, 1, 0, 0, 0);
	return r == 1 ? 0 : (r < 0 ? r : -1000);
}

static void spin_ticks(uint64_t t)
{
	uint64_t end = arch_counter() + t;

	while (arch_counter() < end)
		arch_relax();
}

/* vCPU1's side of a round: wait for it, wait the delay, run @op. */
static void helper(unsigned long op_fn)
{
	long (*op)(void) = (long (*)(void))op_fn;
	uint64_t seen = 0;

	while (!READ_ONCE(stop1)) {
		uint64_t r = READ_ONCE(go);

		if (r == seen) {
			arch_relax();
			continue;
		}
		seen = r;
		spin_ticks(READ_ONCE(delay1));
		rc1 = op();
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		WRITE_ONCE(done1, r);
	}
}

static uint64_t seed = 0x1234567;

/* Start round @r on vCPU1 with a delay in [0, @span) ticks. */
static void kick(uint64_t r, uint64_t span)
{
	WRITE_ONCE(delay1, span ? rt_rand(&seed) % span : 0);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	WRITE_ONCE(go, r);
}

static bool wait_done(uint64_t r)
{
	uint64_t end = rt_now_us() + 5000000;

	while (READ_ONCE(done1) != r) {
		if (rt_now_us() > end)
			return false;
		arch_relax();
	}
	return true;
}

static bool start_helper(long (*op)(void))
{
	long r = rt_cpu_start(1, helper, (unsigned long)op);

	return rt_check(r == 0, "helper_started", "cpu start: %ld", r);
}

static void stop_helper(void)
{
	WRITE_ONCE(stop1, 1);
	rt_udelay(1000);
}

/* ---- populate vs populate (and pin) inside one extent ---- */

static bool do_pin;

static long v1_populate_page(void)
{
	uint64_t g = gfn(x_base) + k1;
	long r = reserve(XL_MEM_POPULATE_PHYSMAP, g, 0);

	if (r != 1 || !do_pin)
		return r;
	return mmuext1(XL_MMUEXT_PIN_L1_TABLE, g) ? -2000 : 1;
}

static void test_populate(void)
{
	long base = cur_pages(), maxp = max_pages();
	uint64_t t0, width, both = 0, none = 0, over = 0, bad_undo = 0;
	uint64_t wins0 = 0, wins1 = 0;

	do_pin = rt_arg_ul("pin", 0);
	if (!rt_check(reserve(XL_MEM_DECREASE_RESERVATION, gfn(x_base), 9) == 1,
		      "extent_freed", "cannot free the first 2 MiB"))
		return;
	/*
	 * One page of quota to spare, so that vCPU1's page is refused by
	 * the p2m (the extent is taken), not by the reservation limit.
	 */
	if (!rt_check(reserve(XL_MEM_DECREASE_RESERVATION,
			      gfn(x_base + (8UL << 20)), 0) == 1,
		      "spare_page_freed", "cannot free a page at 8 MiB"))
		return;
	base--;
	/* How long one 2 MiB populate takes: the span of the delays. */
	t0 = arch_counter();
	reserve(XL_MEM_POPULATE_PHYSMAP, gfn(x_base), 9);
	width = arch_counter() - t0;
	reserve(XL_MEM_DECREASE_RESERVATION, gfn(x_base), 9);
	if (!start_helper(v1_populate_page))
		return;
	for (uint64_t r = 1; r <= rounds; r++) {
		long r0, c;

		k1 = 1 + rt_rand(&seed) % 511;
		kick(r, width + width / 4);
		r0 = reserve(XL_MEM_POPULATE_PHYSMAP, gfn(x_base), 9);
		if (!wait_done(r)) {
			rt_fail("populate.helper", "vCPU1 stuck in round %llu",
				(unsigned long long)r);
			break;
		}
		c = cur_pages();
		if (c > maxp)
			over++;
		if (r0 == 1 && rc1 == 1)
			both++;
		else if (r0 != 1 && rc1 != 1)
			none++;
		/* Undo whatever won, so the next round starts empty. */
		if (rc1 == 1) {
			wins1++;
			if (do_pin &&
			    mmuext1(XL_MMUEXT_UNPIN_TABLE, gfn(x_base) + k1))
				bad_undo++;
		}
		if (r0 == 1) {
			wins0++;
			if (reserve(XL_MEM_DECREASE_RESERVATION, gfn(x_base),
				    9) != 1)
				bad_undo++;
		}
		if (rc1 == 1 && r0 != 1 &&
		    reserve(XL_MEM_DECREASE_RESERVATION, gfn(x_base) + k1, 0) !=
			    1)
			bad_undo++;
		if (both)
			break; /* the extent is in an unknown state now */
	}
	stop_helper();
	rt_printf(
		"# populate%s: %u rounds over %llu ticks, extent won %llu, page won %llu\n",
		do_pin ? "+pin" : "", rounds, (unsigned long long)width,
		(unsigned long long)wins0, (unsigned long long)wins1);
	rt_check(
		!both, "populate.one_winner",
		"both the extent and a page inside it were populated (%llu rounds)",
		(unsigned long long)both);
	rt_check(!none, "populate.someone_won", "%llu rounds nobody won",
		 (unsigned long long)none);
	rt_check(!over, "populate.within_max_pages",
		 "reservation above max_pages in %llu rounds",
		 (unsigned long long)over);
	rt_check(!bad_undo, "populate.undo", "%llu undo steps failed",
		 (unsigned long long)bad_undo);
	rt_check(both || cur_pages() == base - 512, "populate.books_balance",
		 "tot_pages %ld, expected %ld", cur_pages(), base - 512);
}

/* ---- decrease vs decrease of one extent ---- */

static long v1_decrease_extent(void)
{
	return reserve(XL_MEM_DECREASE_RESERVATION, gfn(x_base), 9);
}

static void test_decrease(void)
{
	long base = cur_pages();
	uint64_t t0, width, both = 0, none = 0;

	t0 = arch_counter();
	if (!rt_check(v1_decrease_extent() == 1, "extent_freed",
		      "cannot free the first 2 MiB"))
		return;
	width = arch_counter() - t0;
	/*
	 * The span of the delays: the shortest of a few decreases (one
	 * measurement that a loaded host stretched would spread vCPU1's
	 * starts so wide that few rounds overlap).
	 */
	for (int i = 0; i < 4; i++) {
		uint64_t w;

		if (reserve(XL_MEM_POPULATE_PHYSMAP, gfn(x_base), 9) != 1)
			break;
		t0 = arch_counter();
		v1_decrease_extent();
		w = arch_counter() - t0;
		width = w < width ? w : width;
	}
	if (!start_helper(v1_decrease_extent))
		return;
	for (uint64_t r = 1; r <= rounds; r++) {
		long r0;

		if (reserve(XL_MEM_POPULATE_PHYSMAP, gfn(x_base), 9) != 1) {
			rt_fail("decrease.repopulate", "round %llu",
				(unsigned long long)r);
			break;
		}
		kick(r, 2 * width);
		r0 = v1_decrease_extent();
		if (!wait_done(r)) {
			rt_fail("decrease.helper", "vCPU1 stuck");
			break;
		}
		both += r0 == 1 && rc1 == 1;
		none += r0 != 1 && rc1 != 1;
		if (cur_pages() != base - 512) {
			rt_fail("decrease.books_balance",
				"round %llu: tot_pages %ld, expected %ld",
				(unsigned long long)r, cur_pages(), base - 512);
			break;
		}
	}
	stop_helper();
	rt_check(!both, "decrease.one_winner",
		 "both decreases of one extent succeeded (%llu rounds)",
		 (unsigned long long)both);
	rt_check(!none, "decrease.someone_won", "%llu rounds nobody won",
		 (unsigned long long)none);
}

/* ---- balloon-out vs hypercall results in the same page ---- */

#define MC_N 64

static volatile uint64_t v1_flips;

static long v1_flip_pages(void)
{
	uint64_t g = gfn(x_base), q = gfn(x_base) + 1;
	volatile uint64_t *qp =
		(volatile uint64_t *)(uintptr_t)(x_base + PAGE_SIZE);

	/*
	 * Balloon the entries page out, give a frame to page q (the one
	 * freed, if the allocator hands it back), which must then read as
	 * zero: a late result write would show there. Read it only after
	 * 3 ms, so that a write the hypervisor was about to make when the
	 * page went has landed by then, also after the race window of
	 * CONFIG_DEBUG_RACE_WINDOW_US (1 ms in tests/kconfig); with that
	 * option the hypervisor also checks, at the end of the window, that
	 * the frame it is about to write is still the domain's.
	 */
	for (unsigned int i = 0; i < 16; i++) {
		if (reserve(XL_MEM_DECREASE_RESERVATION, g, 0) != 1)
			return -1;
		if (reserve(XL_MEM_POPULATE_PHYSMAP, q, 0) != 1)
			return -2;
		rt_udelay(3000);
		for (unsigned int w = 0; w < 512; w++) {
			if (qp[w])
				return -3;
		}
		if (reserve(XL_MEM_DECREASE_RESERVATION, q, 0) != 1)
			return -4;
		if (reserve(XL_MEM_POPULATE_PHYSMAP, g, 0) != 1)
			return -5;
		v1_flips++;
		/*
		 * Let vCPU0 get a multicall going on the page again: it is
		 * then nearly always in the middle of one at the next flip.
		 */
		rt_udelay(2000);
	}
	return 1;
}

static void test_results(void)
{
	struct xl_multicall_entry *e =
		(struct xl_multicall_entry *)(uintptr_t)x_base;
	uint64_t faults = 0, calls = 0, bad = 0, wrote = 0;
	long base = cur_pages();
	bool info = false;

	/* Only pages 0 and 1 of the extent: free the rest. */
	for (unsigned int i = 1; i < 512; i++)
		reserve(XL_MEM_DECREASE_RESERVATION, gfn(x_base) + i, 0);
	if (!start_helper(v1_flip_pages))
		return;
	for (uint64_t r = 1; r <= rounds; r++) {
		kick(r, 0);
		while (READ_ONCE(done1) != r) {
			long n;

			/*
			 * A zeroed page is MC_N calls of XL_HC_VERSION (0)
			 * without arguments: vCPU0 never touches the page
			 * itself (it may be ballooned out at any moment).
			 */
			if (info) {
				/* One result write, into the same page. */
				n = xl_hypercall(XL_HC_DOMAIN_INFO,
						 (uintptr_t)e + 512, 0, 0, 0,
						 0);
				if (n > 0)
					bad++;
				n = n ? n : 1;
			} else {
				n = xl_hypercall(XL_HC_MULTICALL, (uintptr_t)e,
						 MC_N, 0, 0, 0);
				if (n == -XL_ENOSYS) {
					info = true; /* CONFIG_PV_MMU=n */
					continue;
				}
			}
			calls++;
			if (n < 0)
				faults++;
			else if (n > MC_N)
				bad++;
			else if (n > 0)
				wrote++;
		}
		if (rc1 != 1) {
			rt_fail("results.balloon",
				"round %llu: step %ld failed",
				(unsigned long long)r, rc1);
			break;
		}
	}
	stop_helper();
	rt_printf("# results: %llu %s (%llu faulted, %llu wrote results), "
		  "%llu balloon flips\n",
		  (unsigned long long)calls,
		  info ? "domain info calls" : "multicalls",
		  (unsigned long long)faults, (unsigned long long)wrote,
		  (unsigned long long)v1_flips);
	rt_check(!bad, "results.counts", "%llu calls returned nonsense",
		 (unsigned long long)bad);
	/* Else the race was never tried: a pass would prove nothing. */
	rt_check(wrote, "results.wrote",
		 "no call wrote a result into the page (%llu calls)",
		 (unsigned long long)calls);
	rt_check(cur_pages() == base - 511, "results.books_balance",
		 "tot_pages %ld, expected %ld", cur_pages(), base - 511);
}

/* ---- CPU_ON vs CPU_OFF ---- */

static volatile uint64_t on_entered, on_refused, on_dirty;

/*
 * vCPU1, started with @seq: the state the previous run left (a register
 * the reset clears) must be gone; leave some for the next start, then
 * return (the runtime stops the vCPU: HSM hart_stop / PSCI CPU_OFF).
 */
static void restarted(unsigned long seq)
{
	uint64_t v;

#ifdef __riscv
	asm volatile("csrr %0, sscratch" : "=r"(v));
	asm volatile("csrw sscratch, %0" : : "r"(0xdead0000 + seq));
#else
	asm volatile("mrs %0, tpidr_el0" : "=r"(v));
	asm volatile("msr tpidr_el0, %0" : : "r"(0xdead0000 + seq));
#endif
	if (v)
		on_dirty++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	WRITE_ONCE(on_entered, seq);
	/*
	 * Stay up until vCPU0 has been refused the next start once: it is
	 * then asking in a loop while this vCPU stops.
	 */
	for (uint64_t end = rt_now_us() + 200;
	     READ_ONCE(on_refused) != seq + 1 && rt_now_us() < end;)
		arch_relax();
	rt_udelay(seq % 8);
}

static void test_cpuon(void)
{
	uint64_t busy = 0, end = rt_now_us() + 30000000;

	/*
	 * vCPU0 asks to start round r + 1 from the moment round r entered:
	 * refused while vCPU1 is up, the first start that succeeds lands
	 * right as vCPU1 stops itself, while its CPU may still be saving it.
	 */
	for (uint64_t r = 1; r <= rounds; r++) {
		long rc;

		while ((rc = rt_cpu_start(1, restarted, r)) != 0) {
			busy++;
			WRITE_ONCE(on_refused, r);
			if (rt_now_us() > end)
				break;
		}
		if (rc) {
			rt_fail("cpuon.start", "round %llu: %ld",
				(unsigned long long)r, rc);
			return;
		}
		while (READ_ONCE(on_entered) != r) {
			if (rt_now_us() > end) {
				rt_fail("cpuon.entered",
					"round %llu: vCPU1 never ran (last %llu)",
					(unsigned long long)r,
					(unsigned long long)on_entered);
				return;
			}
			arch_relax();
		}
	}
	rt_printf("# cpuon: %u restarts, %llu refused while still up\n", rounds,
		  (unsigned long long)busy);
	rt_check(!on_dirty, "cpuon.reset_state",
		 "%llu starts began with the state of the previous run",
		 (unsigned long long)on_dirty);
	rt_check(busy > 0, "cpuon.raced", "no start was ever refused");
}

/* ---- foreign batches on a dying domain ---- */

#define BATCH_OPS 64

static void test_batch_mapper(void)
{
	static struct xl_mmuext_op ops[BATCH_OPS];
	static struct xl_pv_batch_status st;
	/* A page of each target's RAM below its DTB (targets have 8 MiB). */
	uint64_t g = gfn(rt_env.ram_base + (4UL << 20) - PAGE_SIZE);
	uint64_t end = rt_now_us() + 60000000, batches = 0, ok = 0;
	bool seen_alive = false;

	for (;;) {
		unsigned int alive = 0;

		for (unsigned int id = 1; id < 16; id++) {
			long r;

			if (id == rt_env.info.domid)
				continue;
			/*
			 * Long batches (pin and unpin, 32 times): one that
			 * began before the target shut down is still running
			 * while its teardown starts.
			 */
			for (unsigned int k = 0; k < BATCH_OPS; k++)
				ops[k] = (struct xl_mmuext_op){
					.cmd = k & 1 ? XL_MMUEXT_UNPIN_TABLE :
						       XL_MMUEXT_PIN_L1_TABLE,
					.arg1 = g
				};
			st = (struct xl_pv_batch_status){ .domid = id };
			r = xl_hypercall(XL_HC_MMUEXT_OP, (uintptr_t)ops,
					 BATCH_OPS, (uintptr_t)&st, 0, 0);
			batches++;
			if (r == -XL_ESRCH)
				continue; /* no such domain (any more) */
			alive++;
			/*
			 * Reached a live target: an operation or more applied
			 * (a batch that meets the shutdown stops early; with
			 * CONFIG_DEBUG_RACE_WINDOW_US most do).
			 */
			ok += r > 0;
		}
		if (alive) {
			seen_alive = true;
		} else if (seen_alive) {
			break; /* every target is gone */
		}
		if (rt_now_us() > end) {
			rt_fail("batch.targets_gone",
				"targets still there after 60 s");
			break;
		}
	}
	rt_printf("# batch: %llu foreign batches, %llu applied\n",
		  (unsigned long long)batches, (unsigned long long)ok);
	rt_check(ok > 0, "batch.applied", "no batch reached a target");
}

static void test_batch_target(void)
{
	rt_udelay(rt_arg_ul("run_ms", 300) * 1000);
	rt_ok("batch.target_ran");
}

int test_main(void)
{
	x_base = rt_env.ram_base;
	rounds = rt_arg_ul("rounds", 200);
	if (rt_arg_is("mode", "populate"))
		test_populate();
	else if (rt_arg_is("mode", "decrease"))
		test_decrease();
	else if (rt_arg_is("mode", "results"))
		test_results();
	else if (rt_arg_is("mode", "cpuon"))
		test_cpuon();
	else if (rt_arg_is("mode", "batch") && rt_arg_is("role", "mapper"))
		test_batch_mapper();
	else if (rt_arg_is("mode", "batch"))
		test_batch_target();
	else
		rt_fail("mode", "unknown mode");
	return 0;
}
