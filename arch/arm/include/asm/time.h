/* SPDX-License-Identifier: GPL-2.0 */
/* The hypervisor's own timer: the EL2 physical timer (CNTHP). */
#ifndef ASM_ARM_TIME_H
#define ASM_ARM_TIME_H

#include <xen-lite/types.h>

/** arm_timer_cpu_init() - quiesce CNTHP and enable its PPI on this CPU. */
void arm_timer_cpu_init(void);

/**
 * arm_timer_interrupt() - acknowledge the CNTHP interrupt.
 * Return: true when the timer condition was met (a real expiry).
 */
bool arm_timer_interrupt(void);

/** arm_stop_this_cpu() - park this CPU for good (panic, IRQ_SGI_STOP). */
void arm_stop_this_cpu(void) __attribute__((noreturn));

#endif /* ASM_ARM_TIME_H */
