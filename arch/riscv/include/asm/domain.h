/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Arch parts of struct domain and struct vcpu (include/xen-lite/domain.h):
 * the VS-mode register state of a RISC-V vCPU and the virtual devices of a
 * domain (PLIC and 16550 UART).
 */
#ifndef XL_ASM_DOMAIN_H
#define XL_ASM_DOMAIN_H

#include <xen-lite/spinlock.h>
#include <xen-lite/types.h>
#include <asm/traps.h>
#include <asm/vaplic.h>
#include <asm/vimsic.h>
#include <asm/vinput.h>
#include <asm/vplic.h>
#include <asm/vuart.h>

/* VS-level CSRs, saved while the vCPU is off its pCPU. */
struct riscv_vs_csrs {
	unsigned long vsstatus, vsie, vstvec, vsscratch, vsepc, vscause;
	unsigned long vstval, vsatp, hvip, henvcfg;
	unsigned long vstimecmp;
	unsigned long vsiselect; /* Ssaia */
	unsigned long senvcfg; /* riscv_features.senvcfg */
};

struct riscv_fp_ctx {
	u64 f[32];
	u32 fcsr;
};

/*
 * Vector state (V 1.0): vstart, vcsr (vxrm, vxsat), vl, vtype, then
 * v0..v31 at @regs (32 x vlenb bytes). vector.S knows the layout.
 */
struct riscv_v_ctx {
	unsigned long vstart, vcsr, vl, vtype;
	u8 *regs;
};

/* SBI HSM view of a vCPU that is not simply running. */
enum riscv_hsm_suspend {
	HSM_NOT_SUSPENDED = 0,
	HSM_SUSPENDED,
};

struct arch_vcpu {
	/* Offset 0: guest.S depends on it (asm/asm.h VCPU_* offsets). */
	struct cpu_regs gregs;
	/*
	 * For guest.S, right after gregs (asm/asm.h): the hypervisor's tp
	 * (this CPU's struct pcpu, where its registers wait in
	 * arch.host) while the vCPU runs; non-zero while every guest entry
	 * must run the checks, work word or not (vcpu.c,
	 * vcpu_entry_ready()); irq_set and eip_level (below), which the
	 * WFI exit reads.
	 */
	unsigned long host_tp;
	unsigned long entry_checks;
	/*
	 * Interrupts other CPUs raise for this vCPU (hvip bits VSSIP),
	 * folded into hvip before each guest entry. Atomic.
	 */
	unsigned long irq_set;
	/*
	 * Level of VSEIP from the vPLIC context of this vCPU, or from its
	 * emulated IMSIC file (a domain with an AIA).
	 */
	bool eip_level;
	/*
	 * Its domain's arch.aia, read on every switch: here, near the top
	 * (struct domain's arch part is over 2 KiB in: issue 20).
	 */
	bool aia;

	struct riscv_vs_csrs csr;
	struct riscv_fp_ctx fp;
	/* Guest FP registers live in the FP file of this pCPU (or -1). */
	int fp_loaded_on;
	/* fp differs from the reset state (all zero): the guest dirtied it. */
	bool fp_used;
	/* Vector state (riscv_features.vector), and where it is live. */
	struct riscv_v_ctx vec;
	int v_loaded_on;

	/* IMSIC interrupt file (a domain with an AIA). */
	struct vimsic vimsic;

	/* SBI TIME without Sstc: absolute deadline of the guest timer. */
	u64 timer_deadline;
	enum riscv_hsm_suspend suspend;

	/* pCPU this vCPU last ran on (-1: never): a move means a fence. */
	int last_cpu;
	/*
	 * PV MMU (pv_mm.c): RISCV_PV_* work another CPU asked for, done
	 * before the next guest entry (atomic); the vsatp value that
	 * RISCV_PV_VSATP loads; the vsatp the hypervisor last installed,
	 * which a vCPU with hstatus.VTVM set runs with.
	 */
	unsigned long pv_pending;
	unsigned long pv_next_vsatp;
	unsigned long pv_vsatp;
	/* An emulated MMIO access's value (exit.c: not on the stack). */
	u64 mmio_val;
	/*
	 * A WFI (or HSM suspend) left the run loop to block until
	 * wait_until (0: no deadline): inject.c, riscv_vcpu_wait_block().
	 */
	bool waiting;
	u64 wait_until;
};

struct arch_domain {
	u64 flags;
	/* PV MMU: a guest satp write was undone (pv_mm.c), reported once. */
	bool pv_satp_warned;
	/* An AIA (vAPLIC + IMSIC files) instead of the vPLIC. */
	bool aia;
	struct vplic vplic;
	struct vaplic vaplic;
	struct vuart vuart;
	struct vinput vinput; /* the power button */
};

#endif /* XL_ASM_DOMAIN_H */
