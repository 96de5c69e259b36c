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
	if (vcpu_is_current(v)) {
		/* Picked up before the next guest entry. */
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
	if (irq_pending(v)) {
		return EXIT_RESUME;
	}
	vcpu_block(v, riscv_vcpu_timer_due(v));
	/*
	 * An interrupt raised between the check above and vcpu_block()
	 * found the vCPU still running and only kicked it: look again.
	 */
	if (irq_pending(v)) {
		vcpu_wake(v);
	}
	return EXIT_LEAVE;
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
