/* SPDX-License-Identifier: GPL-2.0 */
/* Trap frames and trap entry points of the RISC-V hypervisor. */
#ifndef ASM_RISCV_TRAPS_H
#define ASM_RISCV_TRAPS_H

#include <xen-lite/compiler.h>
#include <xen-lite/types.h>
#include <asm/asm.h>

/*
 * Register file as saved on a trap; layout in asm/asm.h (REGS_*). As a
 * vCPU's guest registers (arch_vcpu.gregs), s0..s11 are stale while a
 * partial exit is handled, and stval, htval and htinst are those of the
 * last exit that needed them (guest.S, "Partial save").
 */
struct cpu_regs {
	unsigned long sepc; /* slot 0: x0 is never saved */
	unsigned long x[31]; /* x1..x31: x[n - 1] is register xn */
	unsigned long sstatus;
	unsigned long hstatus;
	unsigned long scause;
	unsigned long stval;
	unsigned long htval;
	unsigned long htinst;
};

/* Register numbers (ABI names) for cpu_regs_get/set(). */
enum {
	REG_ZERO = 0,
	REG_RA,
	REG_SP,
	REG_GP,
	REG_TP,
	REG_T0,
	REG_T1,
	REG_T2,
	REG_S0,
	REG_S1,
	REG_A0,
	REG_A1,
	REG_A2,
	REG_A3,
	REG_A4,
	REG_A5,
	REG_A6,
	REG_A7,
	REG_S2,
	REG_S3,
	REG_S4,
	REG_S5,
	REG_S6,
	REG_S7,
	REG_S8,
	REG_S9,
	REG_S10,
	REG_S11,
	REG_T3,
	REG_T4,
	REG_T5,
	REG_T6,
};

static inline unsigned long cpu_regs_get(const struct cpu_regs *r,
					 unsigned int n)
{
	return n ? r->x[n - 1] : 0;
}

static inline void cpu_regs_set(struct cpu_regs *r, unsigned int n,
				unsigned long v)
{
	if (n) {
		r->x[n - 1] = v;
	}
}

/**
 * riscv_hyp_trap() - C handler of traps taken while the hypervisor runs
 * (interrupts, and faults that are bugs: those panic).
 */
void riscv_hyp_trap(struct cpu_regs *regs);

/** hyp_trap_vector - stvec while the hypervisor runs (entry.S). */
extern char hyp_trap_vector[];

/**
 * riscv_probe_hgatp() - read hgatp without taking down the hypervisor when
 * the CSR does not exist (no H extension). riscv_probe_stimecmp() (Sstc
 * enabled by the firmware), riscv_probe_henvcfg(), riscv_probe_stopi()
 * (Ssaia) and riscv_probe_hstateen0() (Smstateen) work the same way.
 * Call with interrupts masked.
 * Return: true and *val on success, false when the read trapped.
 */
bool riscv_probe_hgatp(unsigned long *val);
bool riscv_probe_stimecmp(unsigned long *val);
bool riscv_probe_henvcfg(unsigned long *val);
bool riscv_probe_stopi(unsigned long *val);
bool riscv_probe_hstateen0(unsigned long *val);
/* V: with sstatus.VS on (the caller's job); false on a hart without V. */
bool riscv_probe_vlenb(unsigned long *val);
bool riscv_probe_senvcfg(unsigned long *val);

/**
 * riscv_ipi_interrupt() - an IPI arrived (SBI software interrupt or the
 * IMSIC's IPI identity): halt for arch_stop_other_cpus(), else nothing
 * (the interrupt only made the CPU leave the guest or wfi).
 */
void riscv_ipi_interrupt(void);

/** riscv_trap_init() - install the hypervisor trap vector on this hart. */
void riscv_trap_init(void);

/**
 * riscv_handle_host_irq() - handle a host interrupt (@cause without the
 * interrupt bit), either from the hypervisor or from a guest exit.
 */
void riscv_handle_host_irq(unsigned long cause);

#endif /* ASM_RISCV_TRAPS_H */
