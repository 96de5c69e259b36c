/* SPDX-License-Identifier: GPL-2.0 */
/* Physical interrupt dispatch on Arm. */
#ifndef ASM_ARM_IRQ_H
#define ASM_ARM_IRQ_H

#include <xen-lite/types.h>

/* SGI numbers the hypervisor sends itself */
#define IRQ_SGI_STOP 2

/**
 * gic_handle_irqs() - acknowledge and handle every pending physical
 * interrupt of this CPU (irq.c). Called with interrupts masked.
 */
void gic_handle_irqs(void);

#endif /* ASM_ARM_IRQ_H */
