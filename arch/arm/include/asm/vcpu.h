/* SPDX-License-Identifier: GPL-2.0 */
/* vCPU exit handling shared between the Arm trap files. */
#ifndef ASM_ARM_VCPU_H
#define ASM_ARM_VCPU_H

#include <xen-lite/types.h>

struct vcpu;

/**
 * vcpu_handle_smccc() - serve the SMCCC call in @v's x0..x7 (PSCI, SMCCC
 * discovery, xen-lite hypercalls) and put the result in x0.
 * Return: true to keep running @v, false to leave arch_vcpu_run().
 */
bool vcpu_handle_smccc(struct vcpu *v);

/**
 * vcpu_wait_for_interrupt() - WFI semantics for @v: block it unless an
 * interrupt is already deliverable.
 * Return: true to keep running @v, false when it blocked.
 */
bool vcpu_wait_for_interrupt(struct vcpu *v);

/** vcpu_inject_undef() - make @v take an Undefined exception at EL1. */
void vcpu_inject_undef(struct vcpu *v);

/**
 * vcpu_inject_dabt() - make loaded @v take a synchronous data abort at
 * EL1 for its current instruction: a stage-1 permission fault at level
 * 3 (ESR_EL1.EC 0x24 from EL0, 0x25 from EL1; WnR = @write) with
 * FAR_EL1 = @far, as the hardware would report a store to a read-only
 * page.
 */
void vcpu_inject_dabt(struct vcpu *v, u64 far, bool write);

/**
 * vcpu_inject_sea() - make loaded @v take a synchronous external abort at
 * EL1 for its current instruction: an instruction abort when @fetch,
 * else a data abort (WnR = @write), DFSC/IFSC 0b010000, FAR_EL1 = @far.
 * What an access to a guest physical address that nothing answers gets
 * (mmio_fault = "inject").
 */
void vcpu_inject_sea(struct vcpu *v, u64 far, bool write, bool fetch);

/**
 * vtimer_interrupt() - the physical virtual-timer PPI fired on this CPU.
 * Return: true when it was forwarded to the running vCPU through a
 * hardware-linked list register (the guest deactivates it).
 */
bool vtimer_interrupt(void);

#endif /* ASM_ARM_VCPU_H */
