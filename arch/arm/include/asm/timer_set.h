/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arch_timer_set() inline (include/xen-lite/sched.h): the scheduler's
 * hand-over programs the hypervisor timer on every world switch (issue
 * 20: as a call, it kept sched_block_handover() from being a leaf
 * function, whose frame and callee-saved registers cost the switch more
 * than the call itself).
 */
#ifndef ASM_ARM_TIMER_SET_H
#define ASM_ARM_TIMER_SET_H

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

#endif /* ASM_ARM_TIMER_SET_H */
