// SPDX-License-Identifier: MIT
/*
 * hello: the smallest useful guest. Checks what the domain is told at
 * boot (DTB, XL_HC_DOMAIN_INFO), a few hypercall errors, starts every
 * secondary vCPU, and shuts down the way the command line says:
 *   shutdown=std   SBI SRST / PSCI SYSTEM_OFF (default)
 *   shutdown=xl    XL_HC_DOMAIN_SHUTDOWN(poweroff, 0)
 *   shutdown=fail-reboot  a reboot that reports a system failure (SBI
 *                  SRST cold reboot, reason 1; on Arm, which has no such
 *                  reason, a crash through xen-lite)
 * Other arguments: spin_ms=N keeps the domain alive N ms (many-domain
 * runs, to make the domains overlap); wfi_pingpong=N (Arm) N rounds of
 * a WFI on the virtual timer 20 us ahead followed by hypercalls, for two
 * such domains sharing a CPU (below).
 */
#include <rt.h>

const char rt_suite[] = "hello";

static volatile unsigned int cpus_seen[RT_MAX_CPUS];
static volatile unsigned int release;

/* Runs until vCPU0 has tried to start it a second time. */
static void secondary(unsigned long cpu)
{
	long id = xl_hypercall(XL_HC_VCPU_OP, XL_VCPU_ID, 0, 0, 0, 0);

	rt_printf("vCPU%lu up (XL_VCPU_ID %ld)\n", cpu, id);
	WRITE_ONCE(cpus_seen[cpu], id == (long)cpu ? 1 : 2);
	while (!READ_ONCE(release))
		arch_relax();
}

/*
 * Start the secondaries (after start_delay_ms=N) and wait for them; with
 * start_ms_max=N each must run within N ms of its start call, even on a
 * CPU another domain keeps busy (smp_start_latency).
 */
static void test_smp(unsigned int n)
{
	unsigned long delay = rt_arg_ul("start_delay_ms", 0);
	unsigned long max_ms = rt_arg_ul("start_ms_max", 0);
	unsigned int bad = 0, missing = 0;
	uint64_t end, t0, worst = 0;

	if (delay)
		rt_udelay(delay * 1000);
	t0 = rt_now_us();
	for (unsigned int i = 1; i < n; i++) {
		long rc = rt_cpu_start(i, secondary, i);

		if (rc)
			rt_printf("starting vCPU%u: error %ld\n", i, rc);
	}
	end = rt_now_us() + 20000000;
	for (unsigned int i = 1; i < n; i++) {
		while (!READ_ONCE(cpus_seen[i]) && rt_now_us() < end)
			arch_relax();
		if (!READ_ONCE(cpus_seen[i]))
			missing++;
		else if (cpus_seen[i] != 1)
			bad++;
		else if (rt_now_us() - t0 > worst)
			worst = rt_now_us() - t0;
	}
	rt_check(!missing && !bad, "smp_start",
		 "%u of %u secondary vCPUs did not start, %u had a wrong ID",
		 missing, n - 1, bad);
	if (max_ms && n > 1)
		rt_check(worst <= max_ms * 1000, "smp_start_latency",
			 "the last secondary ran %llu ms after its start call "
			 "(at most %lu)",
			 (unsigned long long)(worst / 1000), max_ms);
	/* A started vCPU cannot be started again. */
	if (n > 1) {
		long up =
			xl_hypercall(XL_HC_VCPU_OP, XL_VCPU_IS_UP, 1, 0, 0, 0);

		rt_check(up == 1, "vcpu_is_up", "XL_VCPU_IS_UP(1) returned %ld",
			 up);
		rt_check(rt_cpu_start(1, secondary, 1) != 0, "smp_start_twice",
			 "starting a running vCPU succeeded");
	}
	WRITE_ONCE(release, 1);
}

#ifdef __riscv
#define SBI_EXT_TIME 0x54494D45UL
#define SIE_STIE (1UL << 5)
#define SSTATUS_SIE (1UL << 1)
#define CAUSE_S_TIMER ((1UL << 63) | 5)

/* Wait in WFI with interrupts on until the counter reaches *@arg. */
static void wait_irq(void *arg)
{
	uint64_t end = *(uint64_t *)arg;

	asm volatile("csrs sstatus, %0" : : "r"(SSTATUS_SIE) : "memory");
	while (arch_counter() < end)
		asm volatile("wfi" ::: "memory");
	asm volatile("csrc sstatus, %0" : : "r"(SSTATUS_SIE) : "memory");
}

/* The same without WFI (nothing may be armed to wake it). */
static void spin_irq(void *arg)
{
	uint64_t end = *(uint64_t *)arg;

	asm volatile("csrs sstatus, %0" : : "r"(SSTATUS_SIE) : "memory");
	while (arch_counter() < end)
		arch_relax();
	asm volatile("csrc sstatus, %0" : : "r"(SSTATUS_SIE) : "memory");
}

/*
 * SBI TIME set_timer, whether or not the host has Sstc: the supervisor
 * timer interrupt is taken at the deadline, not before, and a deadline
 * of -1 cancels it. (The interrupt is taken rather than polled in sip:
 * QEMU 7.2 does not show an Sstc timer in vsip.)
 */
static void test_sbi_timer(void)
{
	uint64_t t0 = arch_counter();
	uint64_t due = t0 + arch_counter_freq() / 1000; /* 1 ms */
	uint64_t end = t0 + 2 * arch_counter_freq();
	struct rt_fault f = { 0 };
	bool took;

	asm volatile("csrs sie, %0" : : "r"(SIE_STIE));
	fw_call(SBI_EXT_TIME, 0, due, 0, 0, 0, 0, 0);
	took = rt_catch(wait_irq, &end, &f);
	rt_check(took && f.cause == CAUSE_S_TIMER && arch_counter() >= due,
		 "sbi_timer", "%s (cause %#lx)",
		 !took			  ? "no timer interrupt in 2 s" :
		 f.cause != CAUSE_S_TIMER ? "another trap" :
					    "taken before its deadline",
		 f.cause);
	fw_call(SBI_EXT_TIME, 0, ~0UL, 0, 0, 0, 0, 0);
	end = arch_counter() + arch_counter_freq() / 100; /* 10 ms */
	took = rt_catch(spin_irq, &end, &f);
	rt_check(!took, "sbi_timer_cancelled",
		 "an interrupt (cause %#lx) after set_timer(-1)", f.cause);
	asm volatile("csrc sie, %0" : : "r"(SIE_STIE));
}
#endif

#ifdef __aarch64__
/*
 * wfi_pingpong=N: two domains with this on one CPU take turns: each WFI
 * blocks until the timer's deadline (the timer PPI stays disabled in the
 * vGIC, interrupts masked: the due timer only ends the WFI) and xen-lite
 * hands the CPU straight to the other domain (issue 20); the hypercalls
 * after it are exits that return without the entry checks while the
 * word is empty. A build with CONFIG_DEBUG_WORK_CHECK (the Kconfig
 * matrix's flipped variants) checks there that the scheduler's bit is
 * still raised for the slice check while two vCPUs share the CPU: a
 * first entry after a hand-over that took it panics the hypervisor.
 */
static void wfi_pingpong(unsigned long rounds)
{
	uint64_t ahead = arch_counter_freq() / 50000; /* 20 us */
	unsigned long bad = 0;

	for (unsigned long i = 0; i < rounds; i++) {
		asm volatile("msr cntv_cval_el0, %0\n"
			     "msr cntv_ctl_el0, %1\n"
			     "isb\n"
			     "dsb sy\n"
			     "wfi" ::"r"(arch_counter() + ahead),
			     "r"(1UL)
			     : "memory");
		asm volatile("msr cntv_ctl_el0, xzr\n isb" ::: "memory");
		for (unsigned int k = 0; k < 4; k++) {
			long v = xl_hypercall(XL_HC_VERSION, 0, 0, 0, 0, 0);

			bad += v != ((XL_ABI_VERSION_MAJOR << 16) |
				     XL_ABI_VERSION_MINOR);
		}
	}
	rt_check(!bad, "wfi_pingpong", "%lu of %lu XL_HC_VERSION calls failed",
		 bad, rounds * 4);
}
#endif

int test_main(void)
{
	struct xl_domain_info *in = &rt_env.info;
	long v = xl_hypercall(XL_HC_VERSION, 0, 0, 0, 0, 0);
	unsigned long spin = rt_arg_ul("spin_ms", 0);

	rt_printf(
		"hello from %s: domid %u, %u vCPU(s), %llu MiB at %#llx, cmdline \"%s\"\n",
		in->name, in->domid, in->nr_vcpus, in->ram_size >> 20,
		in->ram_base, rt_env.bootargs);
	rt_check(v == ((XL_ABI_VERSION_MAJOR << 16) | XL_ABI_VERSION_MINOR),
		 "version", "XL_HC_VERSION returned %#lx", v);
	rt_check(rt_env.info_rc == 0, "domain_info", "returned %ld",
		 rt_env.info_rc);
#ifdef __riscv
	test_sbi_timer();
#endif
	rt_check(rt_env.hypervisor_node, "dt_hypervisor",
		 "no /hypervisor node compatible with xen-lite,hypervisor");
	rt_check(rt_env.ram_size && in->ram_base == rt_env.ram_base &&
			 in->ram_size == rt_env.ram_size,
		 "dt_memory", "DT %#llx+%#llx, domain info %#llx+%#llx",
		 (unsigned long long)rt_env.ram_base,
		 (unsigned long long)rt_env.ram_size, in->ram_base,
		 in->ram_size);
	rt_check(in->nr_vcpus == rt_env.nr_cpus, "dt_cpus",
		 "DT has %u CPUs, domain info says %u", rt_env.nr_cpus,
		 in->nr_vcpus);
	rt_check(in->tot_pages <= in->max_pages &&
			 in->max_pages == in->ram_size >> PAGE_SHIFT,
		 "reservation", "tot %llu max %llu pages", in->tot_pages,
		 in->max_pages);
	v = xl_hypercall(XL_HC_CONSOLE_WRITE, in->ram_base + in->ram_size, 16,
			 0, 0, 0);
	rt_check(v < 0, "console_bad_gpa",
		 "console write from outside RAM returned %ld", v);
	v = xl_hypercall(XL_HC_NR + 100, 1, 2, 3, 4, 5);
	rt_check(v < 0, "unknown_hypercall", "returned %ld", v);
	v = xl_hypercall(XL_HC_DOMAIN_SHUTDOWN, 77, 0, 0, 0, 0);
	rt_check(v == -XL_EINVAL, "shutdown_bad_reason", "returned %ld", v);
	test_smp(in->nr_vcpus < RT_MAX_CPUS ? in->nr_vcpus : RT_MAX_CPUS);
#ifdef __aarch64__
	if (rt_arg_ul("wfi_pingpong", 0))
		wfi_pingpong(rt_arg_ul("wfi_pingpong", 0));
#endif
	if (spin)
		rt_udelay(spin * 1000);
	if (!rt_arg_is("shutdown", "xl") && !rt_failed) {
		rt_printf("%s: %u passed, %u failed\n", rt_suite, rt_passed,
			  rt_failed);
		arch_std_shutdown(rt_arg_is("shutdown", "fail-reboot"),
				  rt_arg_is("shutdown", "fail-reboot"));
		/* The call may return before the vCPU is stopped. */
		rt_udelay(2000000);
		rt_panic("still running 2 s after the standard shutdown");
	}
	return 0;
}
