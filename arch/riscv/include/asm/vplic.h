/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Emulated PLIC (RISC-V Platform-Level Interrupt Controller specification
 * v1.0): one S-mode context per vCPU, level-triggered sources.
 */
#ifndef ASM_RISCV_VPLIC_H
#define ASM_RISCV_VPLIC_H

#include <xen-lite/spinlock.h>
#include <xen-lite/types.h>

#define VPLIC_BASE 0x0c000000UL
#define VPLIC_SIZE 0x04000000UL
#define VPLIC_NR_SOURCES 32 /* source 0 does not exist: 1..31 usable */
#define VPLIC_MAX_CONTEXTS CONFIG_MAX_VCPUS
#define VPLIC_PRIO_MAX 7

struct domain;
struct irqchip_ops;
struct vcpu;

struct vplic {
	spinlock_t lock;
	unsigned int nr_contexts;
	u32 priority[VPLIC_NR_SOURCES];
	u32 level; /* input line levels */
	u32 pending; /* gateway forwarded, not yet claimed */
	u32 claimed; /* claimed, completion not seen */
	u32 hw; /* forwarded from the host (passthrough) */
	u32 enable[VPLIC_MAX_CONTEXTS];
	u32 threshold[VPLIC_MAX_CONTEXTS];
};

/**
 * vplic_init() - reset the vPLIC of @d for @nr_contexts vCPUs and register
 * its window (common/vmmio.c). Return: 0 or vmmio_register()'s error.
 */
int vplic_init(struct domain *d, unsigned int nr_contexts);

/**
 * vplic_set_level() - drive source @src of @d's vPLIC to @level; vCPUs
 * whose external interrupt line changes are notified. The devices' one
 * entry: on a domain with an AIA the same source of its vAPLIC.
 */
void vplic_set_level(struct domain *d, unsigned int src, bool level);

/**
 * vplic_mmio() - emulate a guest access at offset @off of the vPLIC.
 * @v: the accessing vCPU. @size, @is_write, @val as decoded; the
 * struct vmmio_ops access() of the vPLIC's window.
 * Return: 0, or -EINVAL for an access the PLIC does not define (the
 * caller ignores writes and reads 0 then; only 32-bit accesses exist).
 */
int vplic_mmio(struct vcpu *v, void *priv, paddr_t off, unsigned int size,
	       bool is_write, u64 *val);

/**
 * vplic_set_host_chip() - the host interrupt controller that forwarded
 * sources (domain files' irqs) come from (riscv_irqchip_init()).
 */
void vplic_set_host_chip(const struct irqchip_ops *chip);

/**
 * vplic_host_irq() - host source @irq was claimed on this CPU (interrupts
 * off): raise it in the vPLIC of the domain it is forwarded to. The host
 * claim stays open until that guest completes it.
 */
void vplic_host_irq(unsigned int irq);

#endif /* ASM_RISCV_VPLIC_H */
