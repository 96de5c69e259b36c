/* SPDX-License-Identifier: GPL-2.0 */
/* Exceptions and interrupts for the guest, WFI (inject.c). */
#ifndef ASM_ARM_INJECT_H
#define ASM_ARM_INJECT_H

#include <xen-lite/types.h>

struct vcpu;

/**
 * arm_vcpu_wait() - WFI semantics for @v: block it unless an
 * interrupt is already deliverable.
 * Return: true to keep running @v, false when it blocked.
 */
bool arm_vcpu_wait(struct vcpu *v);

/* arm_vcpu_wfi()'s "keep running": never a deadline it returns. */
#define WFI_RUN (~0ULL)

/**
 * arm_vcpu_wfi() - arm_vcpu_wait()'s decision for loaded @v, without the
 * block: the run loop's WFI exit blocks and hands the CPU over in one
 * pass (sched_block_handover()). Records the virtual timer's registers.
 * Return: WFI_RUN to keep running @v (an interrupt is deliverable, or its
 * timer due); else block @v until the returned deadline (0 = none), then
 * call arm_vcpu_wfi_blocked(). A value, not an out parameter: an address
 * taken would cost the run loop a stack protector.
 */
u64 arm_vcpu_wfi(struct vcpu *v);

/**
 * arm_vcpu_wfi_blocked() - after the block of arm_vcpu_wfi()'s @v: wake it
 * if an interrupt became deliverable since its look (a lost wake-up
 * otherwise).
 */
void arm_vcpu_wfi_blocked(struct vcpu *v);

/**
 * arm_vcpu_wfi_recheck() - arm_vcpu_wfi_blocked() without its barrier,
 * for a caller that has issued a full barrier since the block (the world
 * switch: vcpu_load() of the next vCPU ends with one).
 */
void arm_vcpu_wfi_recheck(struct vcpu *v);

/** arm_vcpu_inject_undef() - make @v take an Undefined exception at EL1. */
void arm_vcpu_inject_undef(struct vcpu *v);

/**
 * arm_vcpu_inject_dabt() - make loaded @v take a synchronous data abort at
 * EL1 for its current instruction: a stage-1 permission fault at level
 * 3 (ESR_EL1.EC 0x24 from EL0, 0x25 from EL1; WnR = @write) with
 * FAR_EL1 = @far, as the hardware would report a store to a read-only
 * page.
 */
void arm_vcpu_inject_dabt(struct vcpu *v, u64 far, bool write);

/**
 * arm_vcpu_inject_sea() - make loaded @v take a synchronous external abort at
 * EL1 for its current instruction: an instruction abort when @fetch,
 * else a data abort (WnR = @write), DFSC/IFSC 0b010000, FAR_EL1 = @far.
 * What an access to a guest physical address that nothing answers gets
 * (mmio_fault = "inject").
 */
void arm_vcpu_inject_sea(struct vcpu *v, u64 far, bool write, bool fetch);

#endif /* ASM_ARM_INJECT_H */
