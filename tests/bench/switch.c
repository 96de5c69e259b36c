// SPDX-License-Identifier: MIT
/*
 * switch: world switch between two domains sharing one CPU, a test guest
 * (tests/guests runtime) run by tests/bench/world-switch.sh under QEMU
 * with -icount shift=0, so a nanosecond of the counter is one instruction.
 *
 * xen-lite has no yield hypercall, and the Arm WFE that calls
 * sched_yield() never traps under QEMU 7.2 (TCG runs WFE as a hint; a
 * loop of WFEs measured 1 ns each, with or without a second domain on the
 * CPU). So the domains give the CPU away by blocking: WFI with a timer
 * deadline ahead, on both architectures. The modes (cmdline mode=):
 *
 *   pingpong  Two domains run this on one CPU. Each iteration: wake from
 *             WFI, busy-wait busy_us, arm the timer timer_us ahead
 *             (timer_us < busy_us), WFI. The vCPU blocks (its deadline is
 *             ahead), the other domain's deadline has passed while this
 *             one was busy, so the CPU goes straight to the other domain:
 *             no idle time, no early return. Per iteration a domain is
 *             away for (switch there) + (the other's busy span) + (switch
 *             back). Prints the sums of its away and busy spans over
 *             iters iterations (after warm iterations, followed by warm
 *             more so that the other domain's window is covered too);
 *             world-switch.sh subtracts the busy spans of both domains
 *             from their away spans: what is left is 4 * iters switches,
 *             each from the last counter read of one guest before its WFI
 *             to the first counter read of the other after its WFI.
 *   pingpong-vcpus  The same between the two vCPUs of one domain on
 *             one CPU (vCPU0 prints both sides' sums): a switch that
 *             keeps the stage-2 tables and VMID.
 *   wfi       Alone: WFI with the timer already due, iters times: a trap
 *             that finds an interrupt pending and resumes the same vCPU
 *             (the exit without the switch).
 *
 * Output lines "SWITCH <name> <value>" (nanoseconds or counts).
 */
#include <rt.h>

const char rt_suite[] = "switch";

static uint64_t ns(uint64_t ticks)
{
	return ticks * 1000000000ULL / arch_counter_freq();
}

#include "guest_timer.h"

static uint64_t empty_loop(unsigned long n)
{
	uint64_t t0 = arch_counter();

	for (unsigned long i = 0; i < n; i++)
		asm volatile("" ::: "memory");
	return arch_counter() - t0;
}

struct pp_result {
	uint64_t away, busy; /* counter ticks */
	unsigned long early;
	volatile bool done;
};

static struct pp_result pp[2];
static unsigned long pp_iters, pp_warm;

/* One side of the ping-pong; the sums go to @r. */
static void pingpong(struct pp_result *r)
{
	uint64_t f = arch_counter_freq();
	uint64_t busy = rt_arg_ul("busy_us", 20) * f / 1000000;
	uint64_t ahead = rt_arg_ul("timer_us", 10) * f / 1000000;
	uint64_t t_block = 0, t_wake;
	unsigned long warm = pp_warm, iters = pp_iters;
	unsigned long total = warm + iters + warm;

	timer_enable();
	timer_off();
	for (unsigned long i = 0; i < total; i++) {
		t_wake = arch_counter();
		timer_off();
		if (i > warm && i <= warm + iters) {
			r->away += t_wake - t_block;
			/* Back before the other side ran: no switch. */
			r->early += t_wake - t_block < busy;
		}
		while (arch_counter() - t_wake < busy)
			;
		/*
		 * The busy-wait ends just after a counter tick (100 ns on
		 * RISC-V, 16 ns on Arm): without a varying delay every
		 * switch would start at the same phase of the tick and the
		 * rounding would never average out.
		 */
		for (unsigned long k = (i * 37) % 101; k; k--)
			asm volatile("" ::: "memory");
		timer_arm(arch_counter() + ahead);
		t_block = arch_counter();
		if (i >= warm && i < warm + iters)
			r->busy += t_block - t_wake;
		wait_irq();
	}
	timer_off();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	r->done = true;
}

static void pp_report(const char *what, const struct pp_result *r)
{
	rt_printf("SWITCH %s_away_ns %llu\n", what,
		  (unsigned long long)ns(r->away));
	rt_printf("SWITCH %s_busy_ns %llu\n", what,
		  (unsigned long long)ns(r->busy));
	rt_printf("SWITCH %s_early %lu\n", what, r->early);
	rt_check(!r->early, what,
		 "%lu of %lu WFIs came back without the other side running",
		 r->early, pp_iters);
}

static void pp_vcpu1(unsigned long unused)
{
	pingpong(&pp[1]);
}

/* Two vCPUs of this domain on one CPU (the host has one). */
static void pingpong_vcpus(void)
{
	if (rt_env.info.nr_vcpus < 2 || rt_cpu_start(1, pp_vcpu1, 0)) {
		rt_fail("vcpu1", "cannot start vCPU1");
		return;
	}
	pingpong(&pp[0]);
	while (!READ_ONCE(pp[1].done))
		arch_relax();
	pp_report("vcpu0", &pp[0]);
	pp_report("vcpu1", &pp[1]);
}

static void wfi_resume(unsigned long iters)
{
	uint64_t base = empty_loop(iters), t0, t;

	timer_enable();
	timer_wake_enable();
	timer_arm(0); /* due now, and for the whole loop */
	t0 = arch_counter();
	for (unsigned long i = 0; i < iters; i++)
		wait_irq();
	t = arch_counter() - t0;
	timer_off();
	rt_printf("SWITCH wfi_resume_ns %llu\n",
		  (unsigned long long)(ns(t > base ? t - base : 0) / iters));
}

int test_main(void)
{
	pp_iters = rt_arg_ul("iters", 1000);
	pp_warm = rt_arg_ul("warm", 100);
	if (rt_arg_is("mode", "pingpong")) {
		pingpong(&pp[0]);
		pp_report("pingpong", &pp[0]);
	} else if (rt_arg_is("mode", "pingpong-vcpus")) {
		pingpong_vcpus();
	} else if (rt_arg_is("mode", "wfi")) {
		wfi_resume(pp_iters);
	} else {
		rt_fail("mode", "mode=pingpong|pingpong-vcpus|wfi");
	}
	return 0;
}
