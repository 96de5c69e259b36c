// SPDX-License-Identifier: GPL-2.0
/*
 * Exceptions and interrupts for Arm guests: synchronous exceptions taken
 * to EL1 (Undefined, data and instruction aborts) as the hardware would
 * take them, and WFI, which blocks the vCPU until an interrupt is due.
 */
#include <xen-lite/domain.h>
#include <xen-lite/sched.h>
#include <asm/gic.h>
#include <asm/inject.h>
#include <asm/irq.h>
#include <asm/sysregs.h>
#include <asm/system.h>
#include <asm/time.h>
#include <asm/vgic.h>

/* Did loaded @v trap from EL0 (AArch64 or AArch32)? */
static bool vcpu_from_el0(const struct vcpu *v)
{
	u64 pstate = v->arch.regs.pstate;

	return (pstate & PSR_MODE32) ||
	       (pstate & PSR_MODE_MASK) == PSR_MODE_EL0t;
}

/*
 * Make loaded @v take a synchronous exception to EL1 with syndrome @esr
 * at its current pc (Arm ARM (DDI 0487 K.a) "VBAR_EL1": vector offset by
 * the mode the exception is taken from).
 */
static void inject_sync(struct vcpu *v, u64 esr)
{
	struct cpu_regs *r = &v->arch.regs;
	u64 vbar = READ_SYSREG(vbar_el1);
	u64 off;

	if (r->pstate & PSR_MODE32) {
		off = 0x600;
	} else if ((r->pstate & PSR_MODE_MASK) == PSR_MODE_EL0t) {
		off = 0x400;
	} else if ((r->pstate & PSR_MODE_MASK) == PSR_MODE_EL1h) {
		off = 0x200;
	} else {
		off = 0;
	}
	WRITE_SYSREG(esr, esr_el1);
	WRITE_SYSREG(r->pc, elr_el1);
	WRITE_SYSREG(r->pstate, spsr_el1);
	r->pc = vbar + off;
	r->pstate = PSR_MODE_EL1h | PSR_DAIF;
}

void arm_vcpu_inject_undef(struct vcpu *v)
{
	inject_sync(v, ((u64)EC_UNKNOWN << ESR_EC_SHIFT) | ESR_IL);
}

void arm_vcpu_inject_dabt(struct vcpu *v, u64 far, bool write)
{
	unsigned int ec = vcpu_from_el0(v) ? EC_DABT_LOW : EC_DABT_CUR;

	/* Permission fault, level 3 (DFSC 0b001111), FAR valid. */
	inject_sync(v, ((u64)ec << ESR_EC_SHIFT) | ESR_IL |
			       (write ? DABT_WNR : 0) | FSC_PERM | 3);
	WRITE_SYSREG(far, far_el1);
}

/* Synchronous External abort, not on a translation table walk (ISS). */
#define FSC_SEA 0x10

void arm_vcpu_inject_sea(struct vcpu *v, u64 far, bool write, bool fetch)
{
	bool el0 = vcpu_from_el0(v);
	unsigned int ec;

	/*
	 * Arm ARM (DDI 0487 K.a) "ESR_EL1", "ISS encoding for an exception from
	 * a Data Abort" / "... an Instruction Abort": EC 0x20/0x21
	 * (instruction abort from a lower / the same EL) or 0x24/0x25 (data
	 * abort), IL set (a 32-bit instruction), ISV clear (no syndrome to
	 * emulate with), EA 0, S1PTW 0, WnR for a store, xFSC 0b010000
	 * "Synchronous External abort, not on translation table walk or
	 * hardware update of translation table"; FnV clear: FAR_EL1 holds
	 * the faulting virtual address. The return address is the faulting
	 * instruction ("Preferred exception return address" of a
	 * synchronous abort); inject_sync() takes the vector offset from the
	 * mode the exception is taken from ("Exception vectors").
	 */
	if (fetch) {
		ec = el0 ? EC_IABT_LOW : EC_IABT_CUR;
	} else {
		ec = el0 ? EC_DABT_LOW : EC_DABT_CUR;
	}
	inject_sync(v, ((u64)ec << ESR_EC_SHIFT) | ESR_IL |
			       (write && !fetch ? DABT_WNR : 0) | FSC_SEA);
	WRITE_SYSREG(far, far_el1);
}

/* arm_vcpu_wfi(): @v's virtual timer has fired; it keeps running. */
static __noinline u64 wfi_timer_fired(struct vcpu *v)
{
	if (!vgic_irq_state(v, IRQ_PPI_VTIMER)) {
		vgic_inject(v->domain, v, IRQ_PPI_VTIMER, true);
		gic_set_ppi_active(IRQ_PPI_VTIMER, true);
	}
	return WFI_RUN;
}

/* arm_vcpu_wfi() after the interrupts: the timer (@ctl, CNTV_CTL_EL0). */
static __always_inline u64 wfi_timer(struct vcpu *v, u64 ctl)
{
	u64 wake;

	v->arch.cntv_ctl = ctl;
	v->arch.cntv_cval = READ_SYSREG(cntv_cval_el0);
	if (!(ctl & CNT_CTL_ENABLE) || (ctl & CNT_CTL_IMASK)) {
		return 0;
	}
	if (vtimer_fired(v)) {
		return wfi_timer_fired(v);
	}
	wake = v->arch.cntv_cval + v->domain->arch.cntvoff;
	/*
	 * 0 is "no deadline" (a deadline at 0 has passed: 1 is the same) and
	 * WFI_RUN "keep running" (one tick earlier is as far away).
	 */
	if (!wake) {
		wake = 1;
	} else if (wake == WFI_RUN) {
		wake = WFI_RUN - 1;
	}
	return wake;
}

/* arm_vcpu_wfi() when an interrupt is a candidate: the vGIC's look. */
static __noinline u64 wfi_cand(struct vcpu *v, u64 ctl)
{
	if (vgic_vcpu_pending(v)) {
		return WFI_RUN;
	}
	return wfi_timer(v, ctl);
}

/*
 * The common way (nothing a candidate, the timer ahead) is a leaf: the
 * others are tail calls (issue 20: their calls gave it a frame, 7 of a
 * world switch's instructions).
 */
u64 arm_vcpu_wfi(struct vcpu *v)
{
	u64 ctl = READ_SYSREG(cntv_ctl_el0);

	if (vgic_cand_any(&v->arch.vgic, &v->domain->arch.vgic)) {
		return wfi_cand(v, ctl);
	}
	return wfi_timer(v, ctl);
}

void arm_vcpu_wfi_blocked(struct vcpu *v)
{
	/*
	 * An interrupt injected between arm_vcpu_wfi()'s look and the block
	 * saw the vCPU running and only kicked it: wake it ourselves. The
	 * barrier orders the block before the candidate masks are read
	 * (without the lock when empty); it pairs with the one between an
	 * injection's candidate bit and its look at the vCPU's state
	 * (work_raise() in vgic_mark()).
	 */
	smp_mb();
	arm_vcpu_wfi_recheck(v);
}

void arm_vcpu_wfi_recheck(struct vcpu *v)
{
	if (vgic_cand_any(&v->arch.vgic, &v->domain->arch.vgic) &&
	    vgic_vcpu_pending(v)) {
		vcpu_wake(v);
	}
}

bool arm_vcpu_wait(struct vcpu *v)
{
	u64 wake = arm_vcpu_wfi(v);

	if (wake == WFI_RUN) {
		return true;
	}
	vcpu_block(v, wake);
	arm_vcpu_wfi_blocked(v);
	return false;
}
