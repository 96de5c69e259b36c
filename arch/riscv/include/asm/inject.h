/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RISC-V injection into a guest (inject.c): exceptions, VS interrupts and
 * waiting for them.
 */
#ifndef ASM_RISCV_INJECT_H
#define ASM_RISCV_INJECT_H

#include <xen-lite/arch.h>
#include <xen-lite/domain.h>
#include <xen-lite/lib.h>
#include <asm/csr.h>
#include <asm/riscv.h>
#include <asm/time.h>
#include <asm/vcpu.h>

/**
 * riscv_vcpu_inject_exception() - deliver exception @cause with @tval to
 * the guest's VS-mode trap handler, as the hart would have (privileged
 * spec, "Supervisor Trap" semantics on vsstatus/vsepc/vscause/vstval).
 */
void riscv_vcpu_inject_exception(struct vcpu *v, unsigned long cause,
				 unsigned long tval);

/**
 * riscv_vcpu_notify() - an interrupt for @v was raised (irq_set or
 * eip_level changed): wake it if blocked, make it exit if it runs on
 * another pCPU.
 */
void riscv_vcpu_notify(struct vcpu *v);

/**
 * riscv_vcpu_wait() - @v (current) waits for an interrupt (WFI, HSM
 * retentive suspend): unless one is pending, it leaves the run loop,
 * which blocks it (riscv_vcpu_wait_block()) until an interrupt is
 * pending or its timer is due.
 * Return: EXIT_LEAVE to block, EXIT_RESUME if an interrupt is already
 * pending.
 */
enum exit_action riscv_vcpu_wait(struct vcpu *v);

/**
 * riscv_vcpu_wait_block() - the run loop's half of riscv_vcpu_wait(): @v
 * (current, its state saved, its CSRs still loaded) blocks and this CPU
 * goes to the next runnable vCPU when the scheduler loop would have
 * nothing else to do (sched_block_handover()); an interrupt raised since
 * riscv_vcpu_wait() looked wakes @v again. Interrupts masked.
 * Return: the next vCPU (current now), or NULL (@v stays current).
 */
struct vcpu *riscv_vcpu_wait_block(struct vcpu *v);

/**
 * riscv_vcpu_resume_reset() - @v (current) resumes from a non-retentive
 * HSM suspend: guest MMU off (vsatp = 0) and interrupts off
 * (vsstatus.SIE = 0), as after hart_start.
 */
void riscv_vcpu_resume_reset(struct vcpu *v);

/**
 * riscv_vcpu_inject_pending() - before @v (current, CSRs loaded) enters
 * the guest: fold the interrupts other CPUs raised (irq_set), the vPLIC
 * output (eip_level) and, without Sstc, a due guest timer into hvip; arm
 * the host timer for a guest timer not due yet. Inline: the run loop does
 * this before every guest entry.
 */
static inline void riscv_vcpu_inject_pending(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	unsigned long old = csr_read(CSR_HVIP), hvip = old;
	bool eip = READ_ONCE(a->eip_level);

	/*
	 * The exchange (a fence and an AMO) only when another CPU set a
	 * bit: a bit set after this load comes with a kick (an IPI, so
	 * another exit), as one set after the exchange always did.
	 */
	if (READ_ONCE(a->irq_set)) {
		hvip |= __atomic_exchange_n(&a->irq_set, 0, __ATOMIC_ACQ_REL);
	}

	if (eip) {
		hvip |= HVIP_VSEIP;
	} else {
		hvip &= ~HVIP_VSEIP;
	}
	if (v->domain->arch.aia) {
		/*
		 * An emulated IMSIC file (hstatus.VGEIN = 0): vstopi reports
		 * VSEIP only through hvictl, IID 9 with a non-zero priority
		 * (AIA 1.0, 6.3.3 "Virtual supervisor top interrupt"); Linux
		 * reads stopi to find it. IPRIO 0 there means no interrupt.
		 */
		csr_write(CSR_HVICTL, (IRQ_S_EXT << HVICTL_IID_SHIFT) | eip);
	}
	if (!riscv_features.sstc) {
		if (arch_counter_read() >= a->timer_deadline) {
			hvip |= HVIP_VSTIP;
		} else {
			riscv_timer_guest_deadline(a->timer_deadline);
		}
	}
	/* Most entries change nothing: no CSR write then. */
	if (hvip != old) {
		csr_write(CSR_HVIP, hvip);
	}
}

#endif /* ASM_RISCV_INJECT_H */
