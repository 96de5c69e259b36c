/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest exits: decode and dispatch (exit.c), entered from the run loop
 * (vcpu.c) through arm_handle_exit().
 *
 * arm_handle_exit() is inline in the run loop for the three frequent
 * exits: HVC, WFI and data aborts (emulated devices, PV page-table
 * writes). Out of line, a data abort would pay a stack frame, the
 * registers it saves and a stack-protector check, about a tenth of an
 * MMIO round trip and 2% of a PV table write, and a hypercall or a WFI
 * one more call, 1 to 1.5% of theirs (tests/bench/ubench.sh,
 * world-switch.sh, pv-guest.sh). Their cold ends (crashes, external
 * aborts) and every other exit are out of line: arm_dispatch_exit()
 * decides from the syndrome alone, the inline cases included.
 */
#ifndef ASM_ARM_EXIT_H
#define ASM_ARM_EXIT_H

#include <xen-lite/domain.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>
#include <xen-lite/types.h>
#include <xen-lite/vmmio.h>
#include <asm/dabt.h>
#include <asm/inject.h>
#include <asm/pv_mm.h>
#include <asm/regs.h>
#include <asm/sysregs.h>
#include <asm/vcpu.h>

/**
 * arm_dispatch_exit() - handle the exit of loaded @v that __guest_enter()
 * returned as @exit (EXIT_SYNC, EXIT_FIQ or an SError; the run loop gives
 * IRQ exits to arm_irq_exit(), asm/irq.h), with ESR_EL2 @esr (exit.c),
 * when arm_handle_exit() did not take it inline (HVC64, data aborts and
 * WFI never reach it).
 * Return: true to enter @v again, false to leave arch_vcpu_run().
 */
bool arm_dispatch_exit(struct vcpu *v, int exit, u64 esr);

/**
 * arm_dabt_unhandled() - the rest of arm_handle_dabt() for a data abort
 * of @v (ESR_EL2 @esr) at guest physical @gpa (FAR_EL2 @far; @dev the
 * emulated window there, if any) that is neither retried, nor a PV table
 * write, nor an emulatable device access: a stage-1 walk or an access
 * nothing answers (an external abort for the guest, or a crash under
 * mmio_fault = "crash"), an undecodable device access (crash) (exit.c).
 * Return: true to enter @v again, false to leave arch_vcpu_run().
 */
bool arm_dabt_unhandled(struct vcpu *v, u64 esr, paddr_t gpa, u64 far,
			const struct vmmio_region *dev);

/**
 * arm_mmio_refused() - the device at @gpa refused a decoded access of
 * @size bytes (@write) with @rc: crash @v's domain; but -EFAULT (a
 * trapped passthrough page outside the domain's windows) is an access
 * to what the domain does not own, its mmio_fault policy: an external
 * abort injected, or a crash (exit.c).
 * Return: true to enter @v again, false to leave arch_vcpu_run().
 */
bool arm_mmio_refused(struct vcpu *v, paddr_t gpa, unsigned int size,
		      bool write, int rc);

/*
 * arm_mmio_access() - emulate decoded access @a of loaded @v at @gpa in
 * emulated window @dev: the store's value from its register, the load's
 * into it, and the instruction done (pc + 4).
 */
static inline bool arm_mmio_access(struct vcpu *v,
				   const struct vmmio_region *dev, paddr_t gpa,
				   const struct dabt_access *a)
{
	struct cpu_regs *r = &v->arch.regs;
	u64 val = a->write ?
			  dabt_store_value(a, a->reg == 31 ? 0 : r->x[a->reg]) :
			  0;

	int rc = vmmio_emulate(v, dev, gpa, a->size, a->write, &val);

	if (rc < 0) {
		return arm_mmio_refused(v, gpa, a->size, a->write, rc);
	}
	if (!a->write && a->reg != 31) {
		r->x[a->reg] = dabt_load_value(a, val);
	}
	r->pc += 4;
	return true;
}

/**
 * arm_handle_dabt() - a data abort from loaded @v (ESR_EL2 @esr, EC 0x24)
 * that stage 2 did not translate.
 * Return: true to enter @v again, false to leave arch_vcpu_run().
 */
static inline bool arm_handle_dabt(struct vcpu *v, u64 esr)
{
	struct domain *d = v->domain;
	u64 hpfar = READ_SYSREG(hpfar_el2);
	u64 far = READ_SYSREG(far_el2);
	paddr_t gpa = ((hpfar >> 4) << PAGE_SHIFT) | (far & ~PAGE_MASK);
	const struct vmmio_region *dev = vmmio_find(d, gpa);
	struct dabt_access a;

	/*
	 * The entry was invalid only while the p2m changed it: retry. Not
	 * looked up for a translation fault in an emulated device window,
	 * the common MMIO exit: nothing is mapped there but what the domain
	 * maps over its own devices (a foreign page), and an access racing
	 * with that mapping may as well reach the device.
	 */
	if (!((esr & FSC_TYPE_MASK) == FSC_TRANS && dev) &&
	    p2m_fault_retry(d->p2m, gaddr_to_gfn(gpa), esr & DABT_WNR, false)) {
		return true;
	}
	/* A write to a pinned PV page table (a stage-2 permission fault). */
	if ((esr & FSC_TYPE_MASK) == FSC_PERM &&
	    arm_pv_table_abort(v, esr, gpa, far)) {
		return true;
	}
	/* An emulated device, accessed by an instruction with a syndrome. */
	if (dev && !(esr & DABT_S1PTW) && !dabt_decode(esr, &a)) {
		return arm_mmio_access(v, dev, gpa, &a);
	}
	return arm_dabt_unhandled(v, esr, gpa, far, dev);
}

/**
 * arm_handle_exit() - handle the exit of loaded @v (see
 * arm_dispatch_exit()): the run loop's one entry into the exit handlers.
 * Return: true to enter @v again, false to leave arch_vcpu_run().
 */
static inline bool arm_handle_exit(struct vcpu *v, int exit, u64 esr)
{
	if (exit != EXIT_SYNC) {
		return arm_dispatch_exit(v, exit, esr);
	}
	switch (ESR_EC(esr)) {
	case EC_HVC64:
		return vcpu_handle_smccc(v);
	case EC_WFX:
		if (!(esr & WFX_ISS_WFE)) {
			/*
			 * The decision only: the run loop blocks @v and
			 * hands the CPU over in one pass (vcpu.c).
			 */
			v->arch.regs.pc += 4;
			v->arch.wfi_wake = arm_vcpu_wfi(v);
			return v->arch.wfi_wake == WFI_RUN;
		}
		break;
	case EC_DABT_LOW:
		return arm_handle_dabt(v, esr);
	}
	return arm_dispatch_exit(v, exit, esr);
}

#endif /* ASM_ARM_EXIT_H */
