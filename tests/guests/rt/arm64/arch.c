// SPDX-License-Identifier: MIT
/*
 * AArch64 half of the test-guest runtime: HVC #0 wrappers (SMCCC) for
 * xen-lite hypercalls (x0 = XL_SMCCC_FN(nr)) and PSCI, the virtual
 * counter, I-cache maintenance.
 */
#include <rt.h>

#define PSCI_CPU_OFF 0x84000002UL
#define PSCI_CPU_ON_64 0xC4000003UL
#define PSCI_SYSTEM_OFF 0x84000008UL
#define PSCI_SYSTEM_RESET 0x84000009UL
#define SMCCC_RET_NOT_SUPPORTED (-1L)

extern char rt_secondary_entry[];

struct fw_ret fw_call(unsigned long ext, unsigned long fn, unsigned long a0,
		      unsigned long a1, unsigned long a2, unsigned long a3,
		      unsigned long a4, unsigned long a5)
{
	register unsigned long r0 asm("x0") = fn;
	register unsigned long r1 asm("x1") = a0;
	register unsigned long r2 asm("x2") = a1;
	register unsigned long r3 asm("x3") = a2;
	register unsigned long r4 asm("x4") = a3;
	register unsigned long r5 asm("x5") = a4;
	register unsigned long r6 asm("x6") = a5;
	struct fw_ret ret;

	/* SMCCC 1.0 lets the callee change x4-x17: all clobbered. */
	asm volatile("hvc #0"
		     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4),
		       "+r"(r5), "+r"(r6)
		     :
		     : "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
		       "x15", "x16", "x17", "memory");
	ret.error = (long)r0;
	ret.value = (long)r1;
	return ret;
}

long xl_hypercall(unsigned long nr, unsigned long a0, unsigned long a1,
		  unsigned long a2, unsigned long a3, unsigned long a4)
{
	return fw_call(0, XL_SMCCC_FN(nr), a0, a1, a2, a3, a4, 0).error;
}

void arch_std_shutdown(bool reboot, bool failure)
{
	/* PSCI has no failure status: a failure crashes through xen-lite. */
	if (failure)
		rt_shutdown(XL_SHUTDOWN_CRASH, 1);
	fw_call(0, reboot ? PSCI_SYSTEM_RESET : PSCI_SYSTEM_OFF, 0, 0, 0, 0, 0,
		0);
}

long arch_cpu_on(unsigned long hwid, unsigned long ctx)
{
	return fw_call(0, PSCI_CPU_ON_64, hwid,
		       (unsigned long)rt_secondary_entry, ctx, 0, 0, 0)
		.error;
}

__noreturn void arch_cpu_off(void)
{
	fw_call(0, PSCI_CPU_OFF, 0, 0, 0, 0, 0, 0);
	rt_panic("PSCI CPU_OFF returned on vCPU%u", rt_cpu());
}

uint64_t arch_counter(void)
{
	uint64_t t;

	asm volatile("isb; mrs %0, cntvct_el0" : "=r"(t) : : "memory");
	return t;
}

uint64_t arch_counter_freq(void)
{
	uint64_t f;

	asm volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return f ? f : 62500000;
}

void arch_sync_icache(void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p & ~63UL, end = (uintptr_t)p + len;

	for (; a < end; a += 64)
		asm volatile("dc cvau, %0" : : "r"(a) : "memory");
	asm volatile("dsb ish; ic iallu; dsb ish; isb" ::: "memory");
}

unsigned int rt_cpu(void)
{
	unsigned long v;

	asm volatile("mrs %0, tpidr_el1" : "=r"(v));
	return (unsigned int)v;
}

void arch_relax(void)
{
	asm volatile("yield" ::: "memory");
}
