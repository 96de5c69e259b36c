/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Register frames saved by entry.S: the hypervisor's own exception frame
 * and a vCPU's general purpose registers.
 */
#ifndef ASM_ARM_REGS_H
#define ASM_ARM_REGS_H

/* Offsets used by entry.S; checked against the struct in traps.c. */
#define REGS_X(n) ((n)*8)
#define REGS_SP (31 * 8)
#define REGS_PC (32 * 8)
#define REGS_PSTATE (33 * 8)
#define REGS_SIZE (34 * 8)

/* __guest_enter() results: which vector the guest left through. */
#define EXIT_SYNC 0
#define EXIT_IRQ 1
#define EXIT_FIQ 2
#define EXIT_SERROR 3

#ifndef __ASSEMBLY__

#include <xen-lite/types.h>

struct cpu_regs {
	u64 x[31];
	u64 sp; /* hypervisor frames: the interrupted SP */
	u64 pc; /* ELR_EL2 */
	u64 pstate; /* SPSR_EL2 */
};

struct fpsimd_state {
	u64 v[64]; /* q0..q31 */
	u64 fpsr;
	u64 fpcr;
};

/**
 * __guest_enter() - run the guest whose registers are @regs until it
 * traps to EL2. EL1 state, stage 2 and the vGIC are already loaded.
 * Return: EXIT_SYNC, EXIT_IRQ, EXIT_FIQ or EXIT_SERROR.
 */
int __guest_enter(struct cpu_regs *regs);

/** fpsimd_save() - store the FP/SIMD registers into @st. */
void fpsimd_save(struct fpsimd_state *st);

/** fpsimd_restore() - load the FP/SIMD registers from @st. */
void fpsimd_restore(const struct fpsimd_state *st);

/**
 * hyp_trap_sync() - synchronous exception taken by the hypervisor itself.
 * Prints the frame and panics (only expected exceptions return).
 */
void hyp_trap_sync(struct cpu_regs *regs);

/** hyp_trap_irq() - physical interrupt taken while in the hypervisor. */
void hyp_trap_irq(struct cpu_regs *regs);

/** hyp_trap_bad() - an exception the hypervisor never expects: panic. */
void hyp_trap_bad(struct cpu_regs *regs, unsigned long kind);

#endif /* __ASSEMBLY__ */

#endif /* ASM_ARM_REGS_H */
