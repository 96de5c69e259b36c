/* SPDX-License-Identifier: GPL-2.0 */
/* Interrupt masking, barriers and cpu_relax() for RISC-V (HS-mode). */
#ifndef ASM_RISCV_SYSTEM_H
#define ASM_RISCV_SYSTEM_H

#include <asm/csr.h>

static inline void cpu_relax(void)
{
	/*
	 * "pause" (Zihintpause) is a HINT encoding of fence: harmless on
	 * harts that do not implement it.
	 */
	__asm__ __volatile__(".insn i 0x0f, 0, x0, x0, 0x010" ::: "memory");
}

static inline unsigned long local_irq_save(void)
{
	return csr_read_clear(CSR_SSTATUS, SSTATUS_SIE) & SSTATUS_SIE;
}

static inline void local_irq_restore(unsigned long flags)
{
	csr_set(CSR_SSTATUS, flags & SSTATUS_SIE);
}

static inline void local_irq_enable(void)
{
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
}

static inline void local_irq_disable(void)
{
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
}

static inline bool local_irq_is_enabled(void)
{
	return csr_read(CSR_SSTATUS) & SSTATUS_SIE;
}

#define smp_mb() __asm__ __volatile__("fence rw, rw" ::: "memory")
#define smp_rmb() __asm__ __volatile__("fence r, r" ::: "memory")
#define smp_wmb() __asm__ __volatile__("fence w, w" ::: "memory")
/* Orders MMIO against normal memory accesses as well. */
#define mb() __asm__ __volatile__("fence iorw, iorw" ::: "memory")

#endif /* ASM_RISCV_SYSTEM_H */
