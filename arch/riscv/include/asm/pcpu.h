/* SPDX-License-Identifier: GPL-2.0 */
/* RISC-V per physical CPU state (struct pcpu.arch). */
#ifndef ASM_RISCV_PCPU_H
#define ASM_RISCV_PCPU_H

#include <xen-lite/types.h>

struct vcpu;

struct arch_pcpu {
	/* Next hypervisor timer event (scheduler), counter value or ~0. */
	u64 timer_deadline;
	/* Guest timer of the running vCPU without Sstc, or ~0. */
	u64 guest_deadline;
	/* The vCPU whose FP registers are live in this hart's FP file. */
	struct vcpu *fp_owner;
	/*
	 * This hart's FP file holds the reset state (f0..f31 and fcsr zero):
	 * the last one loaded was a vCPU's unused FP state, and no guest
	 * dirtied it since (vcpu.c, vcpu_load()).
	 */
	bool fp_reset;
	/* The vCPU whose vector registers are live in this hart. */
	struct vcpu *v_owner;
	/* hfence.vvma for every VMID requested by a remote RFENCE. */
	bool flush_vvma_all;
	/* The vCPU that last ran here (domain ID and index). */
	u16 last_domid;
	u16 last_vcpu;
	/* Nesting depth of hypervisor traps (catches recursive faults). */
	unsigned int trap_depth;
};

#endif /* ASM_RISCV_PCPU_H */
