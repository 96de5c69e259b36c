/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host stand-in for arch/arm/include/asm/system.h in the fuzzing
 * harnesses that compile Arm exit handlers: no DAIF, host barriers.
 */
#ifndef ASM_ARM_SYSTEM_H
#define ASM_ARM_SYSTEM_H

static inline void cpu_relax(void)
{
}

static inline unsigned long local_irq_save(void)
{
	return 0;
}

static inline void local_irq_restore(unsigned long flags)
{
	(void)flags;
}

static inline void local_irq_enable(void)
{
}

static inline void local_irq_disable(void)
{
}

#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)

#endif /* ASM_ARM_SYSTEM_H */
