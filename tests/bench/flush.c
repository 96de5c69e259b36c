// SPDX-License-Identifier: MIT
/*
 * flush: the cost of a balloon-out (XL_MEM_DECREASE_RESERVATION of one
 * 4 KiB page) whose stage-2 flush must cover the other vCPUs of the
 * domain, a test guest (tests/guests runtime) run by tests/bench/tlb-flush.sh
 * under QEMU with -icount shift=0 (1 ns of the counter per instruction).
 *
 * vCPU0 times the decrease call, round trip, guest-side; the page is
 * populated again (not timed) before the next round. Two phases of
 * rounds=N rounds (default 200):
 *
 *   local   before any other vCPU has run: the domain's VMID has only
 *           been active on vCPU0's CPU, so xen-lite flushes that CPU
 *           alone (the baseline: what a 1-vCPU domain gets);
 *   others  each round, vCPUs 1..nr-1 are started (SBI HSM hart_start /
 *           PSCI CPU_ON), read and write the page that is about to go,
 *           and stop again (hart_stop / CPU_OFF); only then does vCPU0
 *           time the decrease. The CPUs they ran on may cache the page's
 *           translation, so the flush must reach them: SBI remote
 *           HFENCE.GVMA on RISC-V, broadcast TLBI on Arm, when they ran
 *           on other CPUs; on a shared CPU, the local fence of the VMID
 *           covers them. Their CPUs are idle during the timed call.
 *
 * Between the two, phase batch16 (same conditions as local) times one
 * decrease of all NPAGES pages in a single call (one stage-2 flush for
 * the call, issue 20), the pages populated again untimed.
 *
 * Prints "FLUSH <phase>_ns <n>" (mean per call), "_min_ns", "_max_ns",
 * and "FLUSH vcpus <n>" (other vCPUs that touched the page each round).
 */
#include <rt.h>

#include "guest_timer.h"

const char rt_suite[] = "flush";

#define NPAGES 16

static uint64_t r_base;
static volatile uint64_t touched[RT_MAX_CPUS];

static uint64_t *page(unsigned int i)
{
	return (uint64_t *)(uintptr_t)(r_base + (uint64_t)i * PAGE_SIZE);
}

static uint64_t ns(uint64_t ticks)
{
	return ticks * 1000000000ULL / arch_counter_freq();
}

static long reservation(unsigned long cmd, unsigned int i)
{
	uint64_t gfn = (r_base >> PAGE_SHIFT) + i;

	return xl_reservation(cmd, &gfn, 1, 0);
}

/* vCPU i: touch page (round % NPAGES), say so, stop. */
static void toucher(unsigned long round)
{
	volatile uint64_t *p = page(round % NPAGES);
	unsigned int me = rt_cpu();

	if (p[0] == round)
		p[me] = round;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	WRITE_ONCE(touched[me], round);
}

static bool vcpu_up(unsigned int i)
{
	return xl_hypercall(XL_HC_VCPU_OP, XL_VCPU_IS_UP, i, 0, 0, 0) != 0;
}

struct stat {
	uint64_t sum, min, max; /* counter ticks */
};

/* Time one decrease of page (round % NPAGES), then populate it again. */
static bool timed_round(uint64_t round, struct stat *st)
{
	unsigned int i = round % NPAGES;
	uint64_t t0, t1;
	long rc;

	t0 = arch_counter();
	rc = reservation(XL_MEM_DECREASE_RESERVATION, i);
	t1 = arch_counter();
	st->sum += t1 - t0;
	if (!st->min || t1 - t0 < st->min)
		st->min = t1 - t0;
	if (t1 - t0 > st->max)
		st->max = t1 - t0;
	if (rc != 1) {
		rt_fail("decrease", "round %llu: %ld",
			(unsigned long long)round, rc);
		return false;
	}
	rc = reservation(XL_MEM_POPULATE_PHYSMAP, i);
	if (rc != 1) {
		rt_fail("populate", "round %llu: %ld",
			(unsigned long long)round, rc);
		return false;
	}
	return true;
}

static void report(const char *what, const struct stat *st,
		   unsigned long rounds)
{
	rt_printf("FLUSH %s_ns %llu\n", what,
		  (unsigned long long)(ns(st->sum) / rounds));
	rt_printf("FLUSH %s_min_ns %llu\n", what,
		  (unsigned long long)ns(st->min));
	rt_printf("FLUSH %s_max_ns %llu\n", what,
		  (unsigned long long)ns(st->max));
}

int test_main(void)
{
	unsigned long rounds = rt_arg_ul("rounds", 200);
	unsigned int n = rt_env.info.nr_vcpus;
	struct stat local = { 0 }, batch = { 0 }, others = { 0 };
	uint64_t t;

	r_base = ALIGN_UP((uintptr_t)_end, 65536) + 65536;
	if (n > RT_MAX_CPUS)
		n = RT_MAX_CPUS;
	/* Split the 2 MiB mappings around the pages first (not timed). */
	for (unsigned int i = 0; i < NPAGES; i++) {
		if (reservation(XL_MEM_DECREASE_RESERVATION, i) != 1 ||
		    reservation(XL_MEM_POPULATE_PHYSMAP, i) != 1)
			rt_panic("cannot balloon page %u", i);
	}

	for (uint64_t r = 1; r <= rounds; r++) {
		page(r % NPAGES)[0] = r;
		if (!timed_round(r, &local))
			return 0;
	}
	report("local", &local, rounds);

	for (uint64_t r = 1; r <= rounds; r++) {
		uint64_t gfns[NPAGES], t0, t1;
		long rc;

		for (unsigned int i = 0; i < NPAGES; i++)
			gfns[i] = (r_base >> PAGE_SHIFT) + i;
		t0 = arch_counter();
		rc = xl_reservation(XL_MEM_DECREASE_RESERVATION, gfns, NPAGES,
				    0);
		t1 = arch_counter();
		batch.sum += t1 - t0;
		if (!batch.min || t1 - t0 < batch.min)
			batch.min = t1 - t0;
		if (t1 - t0 > batch.max)
			batch.max = t1 - t0;
		if (rc != NPAGES || xl_reservation(XL_MEM_POPULATE_PHYSMAP,
						   gfns, NPAGES, 0) != NPAGES) {
			rt_fail("batch", "round %llu: %ld",
				(unsigned long long)r, rc);
			return 0;
		}
	}
	report("batch16", &batch, rounds);
	if (n < 2)
		return 0;

	for (uint64_t r = rounds + 1; r <= 2 * rounds; r++) {
		page(r % NPAGES)[0] = r;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		for (unsigned int c = 1; c < n; c++) {
			if (rt_cpu_start(c, toucher, r)) {
				rt_fail("start", "cannot start vCPU%u", c);
				return 0;
			}
		}
		/* Every other vCPU touched the page and is down again. */
		t = rt_now_us() + 10000000;
		for (unsigned int c = 1; c < n; c++) {
			while (READ_ONCE(touched[c]) != r || vcpu_up(c)) {
				if (rt_now_us() > t) {
					rt_fail("others",
						"vCPU%u did not come back", c);
					return 0;
				}
				/* Let them run if they share this CPU. */
				timer_sleep_us(20);
			}
			if (page(r % NPAGES)[c] != r)
				rt_fail("touch", "vCPU%u did not write", c);
		}
		if (!timed_round(r, &others))
			return 0;
	}
	rt_printf("FLUSH vcpus %u\n", n - 1);
	report("others", &others, rounds);
	return 0;
}
