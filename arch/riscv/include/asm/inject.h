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
#include <xen-lite/sched.h>
#include <xen-lite/smp.h>
#include <asm/csr.h>
#include <asm/riscv.h>
#include <asm/system.h>
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

/*
 * @sstc, in the inline helpers below: riscv_features.sstc, or true where
 * the caller knows it (guest.S's WFI exit comes to
 * riscv_vcpu_block_switch() only with Sstc): the constant folds the tests
 * away (issue 20: 12 instructions of every switch).
 */

/**
 * riscv_vcpu_irq_pending() - does @v (current, CSRs loaded) have an
 * enabled VS interrupt pending, i.e. would a WFI of @v complete? (With
 * Sstc, guest.S's WFI exit reads the same itself.)
 */
static __always_inline bool riscv_vcpu_irq_pending(struct vcpu *v, bool sstc)
{
	struct arch_vcpu *a = &v->arch;
	unsigned long pend = csr_read(CSR_HIP) | READ_ONCE(a->irq_set);

	if (READ_ONCE(a->eip_level)) {
		pend |= HVIP_VSEIP;
	}
	if (!sstc && arch_counter_read() >= a->timer_deadline) {
		pend |= HVIP_VSTIP;
	}
	return pend & csr_read(CSR_HIE) & HIDELEG_VS_ALL;
}

/**
 * riscv_vcpu_block() - @v (current, its state saved, its CSRs still
 * loaded), which found no interrupt pending, blocks until @until (0: no
 * deadline), and this CPU goes to the next runnable vCPU when the
 * scheduler loop would have nothing else to do (sched_block_handover());
 * an interrupt raised since the WFI looked wakes @v again. For
 * riscv_vcpu_wait_block() and riscv_vcpu_block_switch() (vcpu.c).
 * Interrupts masked.
 * Return: the next vCPU (current now), or NULL (@v stays current).
 */
static __always_inline struct vcpu *riscv_vcpu_block(struct vcpu *v, u64 until,
						     bool sstc)
{
	struct arch_vcpu *a = &v->arch;
	struct vcpu *next = sched_block_handover(v, until);

	if (a->vimsic.hw_file && READ_ONCE(v->state) == VCPU_BLOCKED) {
		/* Its file's interrupt wakes it (vimsic_sgei()). */
		csr_set(CSR_HGEIE, 1UL << a->vimsic.hw_file);
	}
	/*
	 * An interrupt raised since the WFI looked found the vCPU running
	 * (or blocked and still current) and was left to the next entry:
	 * look again, its CSRs still loaded (the next vCPU's are written by
	 * vcpu_load() only after this). The barrier orders the block before
	 * the reads; riscv_vcpu_notify() orders its write of the input
	 * before its read of the state, so one of the two sees the other.
	 */
	smp_mb();
	if (riscv_vcpu_irq_pending(v, sstc)) {
		vcpu_wake(v);
	}
	return next;
}

/**
 * riscv_vcpu_timer_due() - the next timer interrupt of @v (current, CSRs
 * loaded), to block it until then: the counter value at which it is due,
 * or 0 for none (timer interrupts disabled in hie, or no deadline).
 * Inline: a WFI that blocks is its only user (issue 20: the call was 19
 * instructions of every switch).
 */
static __always_inline u64 riscv_vcpu_timer_due(struct vcpu *v, bool sstc)
{
	u64 t;

	if (!(csr_read(CSR_HIE) & HVIP_VSTIP)) {
		return 0;
	}
	if (sstc) {
		/*
		 * vstimecmp compares with time + htimedelta, which is 0 on
		 * every hart (setup.c, written once): no read of it.
		 */
		t = csr_read(CSR_VSTIMECMP);
	} else {
		t = v->arch.timer_deadline;
	}
	return t == ~0ULL ? 0 : (t ? t : 1);
}

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
static __always_inline void riscv_vcpu_inject_pending(struct vcpu *v, bool sstc)
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
	if (a->aia) {
		/*
		 * An emulated IMSIC file (hstatus.VGEIN = 0): vstopi reports
		 * VSEIP only through hvictl, IID 9 with a non-zero priority
		 * (AIA 1.0, 6.3.3 "Virtual supervisor top interrupt"); Linux
		 * reads stopi to find it. IPRIO 0 there means no interrupt.
		 */
		csr_write(CSR_HVICTL, (IRQ_S_EXT << HVICTL_IID_SHIFT) | eip);
	}
	if (!sstc) {
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
