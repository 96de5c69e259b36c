/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler's arch hooks inline (include/xen-lite/sched.h), for the
 * hand-over of every world switch (issue 20).
 *
 * arch_timer_set(): as a call, it kept sched_block_handover() from being a
 * leaf function, whose frame and callee-saved registers cost the switch
 * more than the call itself.
 *
 * ARCH_HANDOVER_SETS_WORK: the run loop's first entry after a hand-over
 * sets this CPU's work word to WORK_SCHED itself (vcpu_leave(), arch/arm/
 * vcpu.c: a plain store before the next vCPU's load, whose full barrier
 * orders it before the entry checks), so the hand-over does not raise
 * the bit (an atomic read-modify-write, and the entry's take of the
 * others another: 9 instructions).
 */
#ifndef ASM_ARM_SCHED_H
#define ASM_ARM_SCHED_H

#include <xen-lite/smp.h>
#include <xen-lite/types.h>
#include <asm/sysregs.h>

/* Program this CPU's EL2 physical timer (CNTHP) at @deadline (~0: off). */
static inline void arch_timer_set(u64 deadline)
{
	this_cpu()->arch.timer_deadline = deadline;
	if (deadline == ~0ULL) {
		WRITE_SYSREG(0, cnthp_ctl_el2);
		return;
	}
	WRITE_SYSREG(deadline, cnthp_cval_el2);
	WRITE_SYSREG(CNT_CTL_ENABLE, cnthp_ctl_el2);
	isb();
}

#define ARCH_HANDOVER_SETS_WORK 1

#endif /* ASM_ARM_SCHED_H */
