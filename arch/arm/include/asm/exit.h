/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest exits: decode and dispatch (exit.c), entered from the run loop
 * (vcpu.c) through arm_handle_exit().
 *
 * arm_handle_exit() is inline in the run loop for the three frequent
 * exits, cheap to recognise: HVC, WFI, and an access to an emulated
 * device window (a stage-2 translation fault with a usable syndrome).
 * Out of line, the MMIO access would pay a stack frame and the registers
 * it saves, about a tenth of its round trip, and a hypercall or a WFI
 * one more call, 1 to 1.5% of theirs (tests/bench/ubench.sh,
 * world-switch.sh). Every other exit, and every data abort the fast case
 * does not take, goes to arm_dispatch_exit(), which decides everything
 * again from the syndrome as if the fast cases did not exist.
 */
#ifndef ASM_ARM_EXIT_H
#define ASM_ARM_EXIT_H

#include <xen-lite/domain.h>
#include <xen-lite/mm.h>
#include <xen-lite/types.h>
#include <xen-lite/vmmio.h>
#include <asm/dabt.h>
#include <asm/inject.h>
#include <asm/regs.h>
#include <asm/sysregs.h>
#include <asm/vcpu.h>

/**
 * arm_dispatch_exit() - handle the exit of loaded @v that __guest_enter()
 * returned as @exit (EXIT_SYNC, EXIT_IRQ, EXIT_FIQ or an SError), with
 * ESR_EL2 @esr (exit.c).
 * Return: true to enter @v again, false to leave arch_vcpu_run().
 */
bool arm_dispatch_exit(struct vcpu *v, int exit, u64 esr);

/**
 * arm_mmio_refused() - the device at @gpa refused a decoded access of
 * @size bytes (@write): crash @v's domain (exit.c).
 * Return: false (leave arch_vcpu_run()).
 */
bool arm_mmio_refused(struct vcpu *v, paddr_t gpa, unsigned int size,
		      bool write);

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

	if (vmmio_emulate(v, dev, gpa, a->size, a->write, &val) < 0) {
		return arm_mmio_refused(v, gpa, a->size, a->write);
	}
	if (!a->write && a->reg != 31) {
		r->x[a->reg] = dabt_load_value(a, val);
	}
	r->pc += 4;
	return true;
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
			v->arch.regs.pc += 4;
			return arm_vcpu_wait(v);
		}
		break;
	case EC_DABT_LOW:
		/*
		 * A translation fault, not on a stage-1 walk, in an emulated
		 * window (where nothing is mapped, so there is nothing to
		 * retry), with an instruction syndrome: what handle_dabt()
		 * (exit.c) would emulate.
		 */
		if ((esr & (FSC_TYPE_MASK | DABT_S1PTW)) == FSC_TRANS) {
			u64 hpfar = READ_SYSREG(hpfar_el2);
			u64 far = READ_SYSREG(far_el2);
			paddr_t gpa = ((hpfar >> 4) << PAGE_SHIFT) |
				      (far & ~PAGE_MASK);
			const struct vmmio_region *dev =
				vmmio_find(v->domain, gpa);
			struct dabt_access a;

			if (dev && !dabt_decode(esr, &a)) {
				return arm_mmio_access(v, dev, gpa, &a);
			}
		}
		break;
	}
	return arm_dispatch_exit(v, exit, esr);
}

#endif /* ASM_ARM_EXIT_H */
