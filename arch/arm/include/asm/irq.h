/* SPDX-License-Identifier: GPL-2.0 */
/* Physical interrupt dispatch on Arm. */
#ifndef ASM_ARM_IRQ_H
#define ASM_ARM_IRQ_H

#include <xen-lite/types.h>

/* SGI numbers the hypervisor sends itself */
#define IRQ_SGI_STOP 2

/**
 * arm_irq_dispatch() - handle physical interrupt @irq after its priority
 * drop.
 * Return: true when the interrupt was forwarded to a guest through a
 * hardware-linked list register (the guest deactivates it), false when
 * the caller must deactivate it.
 */
bool arm_irq_dispatch(unsigned int irq);

/** gic_set_ppi_active() - set/clear the active state of PPI @irq here. */
void gic_set_ppi_active(unsigned int irq, bool active);

#endif /* ASM_ARM_IRQ_H */
