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

enum exit_action riscv_vcpu_wait(struct vcpu *v)
{
	if (riscv_vcpu_irq_pending(v, riscv_features.sstc)) {
		return EXIT_RESUME;
	}
	/*
	 * Blocked by the run loop once its state is saved, in one pass with
	 * the hand-over to the next vCPU (riscv_vcpu_wait_block(), issue
	 * 20): the deadline is read now, with its CSRs live.
	 */
	v->arch.wait_until = riscv_vcpu_timer_due(v, riscv_features.sstc);
	v->arch.waiting = true;
	return EXIT_LEAVE;
}

struct vcpu *riscv_vcpu_wait_block(struct vcpu *v)
{
	v->arch.waiting = false;
	return riscv_vcpu_block(v, v->arch.wait_until, riscv_features.sstc);
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
