/* SPDX-License-Identifier: GPL-2.0 */
/* RISC-V per physical CPU state (struct pcpu.arch). */
#ifndef ASM_RISCV_PCPU_H
#define ASM_RISCV_PCPU_H

#include <xen-lite/types.h>

struct vcpu;

/*
 * What riscv_guest_run() saves of the hypervisor before it enters a guest
 * (guest.S): ra, sp, gp, s0..s11, then sstatus, stvec and sscratch. Each
 * exit takes sp, gp, stvec and sstatus back from here; the rest is
 * restored when the run loop is left. Per CPU, not per vCPU: an exit may
 * enter another vCPU directly (a WFI's hand-over, guest.S), which leaves
 * the run loop later with these.
 */
struct riscv_host_ctx {
	unsigned long ra, sp, gp;
	unsigned long s[12];
	unsigned long sstatus, stvec, sscratch;
};

/* hgatp.VMID is 14 bits wide (RV64): the VMIDs a hart may hold. */
#define RISCV_VMIDS (1U << 14)

struct arch_pcpu {
	/* First: guest.S reaches it from tp (asm/asm.h PCPU_HOST_OFF). */
	struct riscv_host_ctx host;
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
	/*
	 * The VMID this hart loads or holds in hgatp (0 until its first
	 * guest), and the VMIDs whose fence other CPUs left to it, done
	 * before it loads them again (p2m.c, "Lazy remote fences").
	 */
	u16 hart_vmid;
	u64 stale_vmids[RISCV_VMIDS / 64];
};

#endif /* ASM_RISCV_PCPU_H */
