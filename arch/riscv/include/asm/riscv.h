/* SPDX-License-Identifier: GPL-2.0 */
/* RISC-V hypervisor internals shared between arch/riscv/ files. */
#ifndef ASM_RISCV_RISCV_H
#define ASM_RISCV_RISCV_H

#include <xen-lite/compiler.h>
#include <xen-lite/types.h>

/* What boot found out about the host harts (all harts are alike). */
struct riscv_features {
	bool sstc; /* stimecmp/vstimecmp usable */
	bool svpbmt; /* henvcfg.PBMTE sticks */
	unsigned long henvcfg; /* bits every vCPU gets (STCE, PBMTE) */
	bool vs_sv39; /* vsatp takes MODE Sv39 */
	bool vs_sv48; /* vsatp takes MODE Sv48 */
};

extern struct riscv_features riscv_features;

/** riscv_secondary_start - SBI HSM entry point of secondaries (head.S). */
extern char riscv_secondary_start[];

/**
 * riscv_stop_requested() - Return: true once arch_stop_other_cpus() ran.
 */
bool riscv_stop_requested(void);

/** riscv_timer_hart_init() - host timer of this hart off (time.c). */
void riscv_timer_hart_init(void);

/**
 * riscv_timer_program() - the host timer of this hart fires at absolute
 * counter value @deadline (~0: never).
 */
void riscv_timer_program(u64 deadline);

/**
 * riscv_timer_guest_deadline() - without Sstc, the host timer also fires
 * at @deadline (~0: not) for the guest timer of the running vCPU.
 */
void riscv_timer_guest_deadline(u64 deadline);

/**
 * riscv_timer_interrupt() - the host S-mode timer fired: disarm it and let
 * common code run its expired events.
 */
void riscv_timer_interrupt(void);

/** riscv_ipi_interrupt() - a supervisor software interrupt arrived. */
void riscv_ipi_interrupt(void);

#endif /* ASM_RISCV_RISCV_H */
