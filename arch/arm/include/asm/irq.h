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

struct vcpu;

/**
 * arm_irq_exit_general() - the rest of arm_irq_exit() (vcpu.c): GICv3
 * INTID @irq was acknowledged (the virtual timer's also dropped in
 * priority), GICv2 nothing yet. Fold the list registers back
 * (vgic_sync_lrs()) and handle every pending interrupt as
 * gic_handle_irqs() does (irq.c).
 */
void arm_irq_exit_general(struct vcpu *v, unsigned int irq);

#endif /* ASM_ARM_IRQ_H */
