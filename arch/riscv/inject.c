// SPDX-License-Identifier: GPL-2.0
/*
 * RISC-V injection into a guest: exceptions delivered to the guest's
 * VS-mode trap handler, the VS interrupts other CPUs and devices raise
 * (irq_set, eip_level, folded into hvip before each entry by
 * riscv_vcpu_inject_pending()), and waiting for them (WFI, HSM suspend).
 * Called by the exit handlers and the virtual devices; calls nothing of
 * theirs.
 */
#include <xen-lite/arch.h>
#include <xen-lite/domain.h>
#include <xen-lite/lib.h>
#include <xen-lite/sched.h>
#include <xen-lite/smp.h>
#include <xen-lite/work.h>
#include <asm/csr.h>
#include <asm/inject.h>
#include <asm/riscv.h>
#include <asm/time.h>
#include <asm/vcpu.h>

static bool vcpu_is_current(const struct vcpu *v)
{
	return this_cpu()->curr == v;
}

/*
 * Does @v (current, CSRs loaded) have an enabled VS interrupt pending,
 * i.e. would a WFI of @v complete?
 */
static __always_inline bool irq_pending(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	unsigned long pend = csr_read(CSR_HIP) | READ_ONCE(a->irq_set);

	if (READ_ONCE(a->eip_level)) {
		pend |= HVIP_VSEIP;
	}
	if (!riscv_features.sstc && arch_counter_read() >= a->timer_deadline) {
		pend |= HVIP_VSTIP;
	}
	return pend & csr_read(CSR_HIE) & HIDELEG_VS_ALL;
}

void riscv_vcpu_notify(struct vcpu *v)
{
	/*
	 * hvip's inputs changed: its CPU's entry checks load them (they are
	 * skipped while its work word is empty, xen-lite/work.h).
	 */
	work_raise_vcpu(v, WORK_IRQ);
	/*
	 * Picked up before the next guest entry, unless the current vCPU
	 * is blocked on its way out of the run loop (riscv_vcpu_wait_block()
	 * looked already, or looks after our write: it wakes it then).
	 */
	if (vcpu_is_current(v) && READ_ONCE(v->state) != VCPU_BLOCKED) {
		return;
	}
	if (READ_ONCE(v->state) == VCPU_BLOCKED) {
		vcpu_wake(v);
	} else if (READ_ONCE(v->state) == VCPU_RUNNING) {
		vcpu_kick(v);
	}
}

void riscv_vcpu_resume_reset(struct vcpu *v)
{
	csr_write(CSR_VSATP, 0);
	v->arch.pv_vsatp = 0;
	csr_clear(CSR_VSSTATUS, SSTATUS_SIE);
}

/*
 * The next timer interrupt of @v (current, CSRs loaded), to block it
 * until then: the counter value at which it is due, or 0 for none (timer
 * interrupts disabled in hie, or no deadline). Here and inline: WFI is its
 * only user (issue 20: the call was 19 instructions of every switch).
 */
static inline u64 vcpu_timer_due(struct vcpu *v)
{
	u64 t;

	if (!(csr_read(CSR_HIE) & HVIP_VSTIP)) {
		return 0;
	}
	if (riscv_features.sstc) {
		t = csr_read(CSR_VSTIMECMP) - csr_read(CSR_HTIMEDELTA);
	} else {
		t = v->arch.timer_deadline;
	}
	return t == ~0ULL ? 0 : (t ? t : 1);
}

enum exit_action riscv_vcpu_wait(struct vcpu *v)
{
	if (irq_pending(v)) {
		return EXIT_RESUME;
	}
	/*
	 * Blocked by the run loop once its state is saved, in one pass with
	 * the hand-over to the next vCPU (riscv_vcpu_wait_block(), issue
	 * 20): the deadline is read now, with its CSRs live.
	 */
	v->arch.wait_until = vcpu_timer_due(v);
	v->arch.waiting = true;
	return EXIT_LEAVE;
}

struct vcpu *riscv_vcpu_wait_block(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	struct vcpu *next;

	a->waiting = false;
	next = sched_block_handover(v, a->wait_until);
	if (a->vimsic.hw_file && READ_ONCE(v->state) == VCPU_BLOCKED) {
		/* Its file's interrupt wakes it (vimsic_sgei()). */
		csr_set(CSR_HGEIE, 1UL << a->vimsic.hw_file);
	}
	/*
	 * An interrupt raised since riscv_vcpu_wait() looked found the vCPU
	 * running (or blocked and still current) and was left to the next
	 * entry: look again, its CSRs still loaded (the next vCPU's are
	 * written by vcpu_load() only after this). The barrier orders the
	 * block before the reads; riscv_vcpu_notify() orders its write of
	 * the input before its read of the state, so one of the two sees
	 * the other.
	 */
	smp_mb();
	if (irq_pending(v)) {
		vcpu_wake(v);
	}
	return next;
}

void riscv_vcpu_inject_exception(struct vcpu *v, unsigned long cause,
				 unsigned long tval)
{
	struct cpu_regs *r = &v->arch.gregs;
	unsigned long vsstatus = csr_read(CSR_VSSTATUS);
	unsigned long vstvec = csr_read(CSR_VSTVEC);

	/* vsstatus.SPP = the privilege the guest trapped from (sstatus.SPP) */
	vsstatus &= ~(SSTATUS_SPP | SSTATUS_SPIE);
	if (r->sstatus & SSTATUS_SPP) {
		vsstatus |= SSTATUS_SPP;
	}
	if (vsstatus & SSTATUS_SIE) {
		vsstatus |= SSTATUS_SPIE;
	}
	vsstatus &= ~SSTATUS_SIE;
	csr_write(CSR_VSSTATUS, vsstatus);
	csr_write(CSR_VSEPC, r->sepc);
	csr_write(CSR_VSCAUSE, cause);
	csr_write(CSR_VSTVAL, tval);
	/* Exceptions always go to the vstvec base, vectored or not. */
	r->sepc = vstvec & ~3UL;
	r->sstatus |= SSTATUS_SPP;
}
