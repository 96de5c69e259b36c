/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arch_counter_read() inline (include/xen-lite/arch.h): the physical
 * counter, read twice on every guest exit by the stall detector and
 * several times on every vCPU switch (issue 20: the call and return were
 * two of the four instructions of each read).
 */
#ifndef ASM_ARM_COUNTER_H
#define ASM_ARM_COUNTER_H

#include <xen-lite/types.h>
#include <asm/sysregs.h>

static inline u64 arch_counter_read(void)
{
	/*
	 * Not read early, out of program order: a direct read of
	 * CNTPCT_EL0 may be performed speculatively or out of order with
	 * respect to other instructions unless an ISB precedes it (Arm ARM
	 * (DDI 0487 K.a) "Reading the Generic Timer counter" / CNTPCT_EL0).
	 */
	isb();
	return READ_SYSREG(cntpct_el0);
}

#endif /* ASM_ARM_COUNTER_H */
