/* SPDX-License-Identifier: MIT */
/*
 * The guest's own timer for the benchmark guests of tests/bench (MMU off,
 * interrupts masked): arm it, and wait in WFI until it is due. The timer
 * interrupt is never taken; a due timer only ends the WFI, which traps to
 * xen-lite: the vCPU blocks until the deadline and its CPU may run
 * another vCPU meanwhile.
 */
#ifndef BENCH_GUEST_TIMER_H
#define BENCH_GUEST_TIMER_H

#include <rt.h>

#if defined(__riscv)
#define CSR_STIMECMP 0x14d
#define SIE_STIE (1UL << 5)

static inline void timer_enable(void)
{
	/* sie.STIE: a due timer makes WFI return; sstatus.SIE stays 0. */
	asm volatile("csrs sie, %0" ::"r"(SIE_STIE));
}

static inline void timer_arm(uint64_t when)
{
	/* Sstc: stimecmp in VS-mode is vstimecmp, no exit. */
	asm volatile("csrw %0, %1" ::"i"(CSR_STIMECMP), "r"(when) : "memory");
}

static inline void timer_off(void)
{
	timer_arm(~0ULL);
}

static inline void wait_irq(void)
{
	asm volatile("wfi" ::: "memory");
}
#else
static inline void timer_enable(void)
{
	/*
	 * The timer PPI stays disabled in the virtual GIC: the interrupt is
	 * never delivered, but the hypervisor blocks a WFI until the
	 * deadline (arm_vcpu_wait()) and a due timer ends it.
	 */
}
#endif

#if !defined(__riscv)
static inline void timer_arm(uint64_t when)
{
	asm volatile("msr cntv_cval_el0, %0\n"
		     "msr cntv_ctl_el0, %1\n"
		     "isb" ::"r"(when),
		     "r"(1UL)
		     : "memory");
}

static inline void timer_off(void)
{
	asm volatile("msr cntv_ctl_el0, xzr\n isb" ::: "memory");
}

static inline void wait_irq(void)
{
	asm volatile("dsb sy\n wfi" ::: "memory");
}
#endif

/*
 * For a WFI that must end on a due timer without a timer deadline the
 * hypervisor tracks (switch.c mode=wfi, the timer due all along). Under
 * Xen (RT_XEN, tests/bench/xen-arm64.sh) a WFI ends only for an interrupt
 * its virtual GIC would deliver, so the timer PPI 27 is enabled there (in
 * Xen's virtual redistributor, GUEST_GICV3_GICR0_BASE 0x03020000: SGI
 * frame + GICR_ISENABLER0) and the priority mask opened; PSTATE.I stays
 * set, so it is never taken. xen-lite ends the WFI on the due timer
 * itself. Not for the ping-pong: there the PPI, once pending in Xen's
 * list register, would end every later WFI at once.
 */
static inline void timer_wake_enable(void)
{
#if defined(RT_XEN)
	*(volatile uint32_t *)(0x03020000UL + 0x10000 + 0x100) = 1U << 27;
	asm volatile("msr S3_0_C4_C6_0, %0; isb" ::"r"(0xffUL)); /* PMR */
#endif
}

/* Give the CPU away for about @us microseconds (WFI until a deadline). */
static inline void timer_sleep_us(uint64_t us)
{
	timer_enable();
	timer_arm(arch_counter() + us * arch_counter_freq() / 1000000);
	wait_irq();
	timer_off();
}

#endif /* BENCH_GUEST_TIMER_H */
