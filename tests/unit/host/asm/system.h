/* SPDX-License-Identifier: GPL-2.0 */
/* Host stand-in for asm/system.h, used by the unit tests. */
#ifndef XL_HOST_ASM_SYSTEM_H
#define XL_HOST_ASM_SYSTEM_H

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

#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)

#endif
