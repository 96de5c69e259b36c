/* SPDX-License-Identifier: GPL-2.0 */
/* Interrupt masking, barriers and spin-wait hints for AArch64 at EL2. */
#ifndef ASM_ARM_SYSTEM_H
#define ASM_ARM_SYSTEM_H

static inline void cpu_relax(void)
{
	__asm__ __volatile__("yield" ::: "memory");
}

/*
 * Only PSTATE.I is used: the hypervisor never takes FIQs (Group 0 is
 * unused) and SErrors stay masked while it runs.
 */
static inline unsigned long local_irq_save(void)
{
	unsigned long flags;

	__asm__ __volatile__("mrs %0, daif\n\tmsr daifset, #2"
			     : "=r"(flags)
			     :
			     : "memory");
	return flags;
}

static inline void local_irq_restore(unsigned long flags)
{
	__asm__ __volatile__("msr daif, %0" : : "r"(flags) : "memory");
}

static inline void local_irq_enable(void)
{
	__asm__ __volatile__("msr daifclr, #2" ::: "memory");
}

static inline void local_irq_disable(void)
{
	__asm__ __volatile__("msr daifset, #2" ::: "memory");
}

#define smp_mb() __asm__ __volatile__("dmb ish" ::: "memory")
#define smp_wmb() __asm__ __volatile__("dmb ishst" ::: "memory")
#define smp_rmb() __asm__ __volatile__("dmb ishld" ::: "memory")

#endif /* ASM_ARM_SYSTEM_H */
