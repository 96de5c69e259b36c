/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device passthrough (common/passthrough.c, docs/passthrough.md): the host
 * devices a domain was given (domain_config iomem, irqs, dtdev).
 */
#ifndef XEN_LITE_PASSTHROUGH_H
#define XEN_LITE_PASSTHROUGH_H

#include <xen-lite/types.h>

struct domain;
struct domain_config;

/**
 * passthrough_map_iomem() - map @d's assigned MMIO as device memory
 * (p2m_mmio_direct_dev), after checking the bundle's ranges again as
 * hostile input: no host RAM, no device of the hypervisor, nothing over
 * the domain's RAM or emulated windows. Called by domain_build().
 * Return: 0 or a negative errno (the domain is not built).
 */
int passthrough_map_iomem(struct domain *d);

/**
 * passthrough_dt_nodes() - copy @d's dtdev host nodes into its device tree
 * @fdt (sequential-write mode, inside the root node).
 * Return: 0 or a negative libfdt / errno value.
 */
int passthrough_dt_nodes(struct domain *d, void *fdt);

/**
 * passthrough_bind_irqs() - forward @d's assigned host interrupts to it
 * (arch_passthrough_irq_bind() for each). Called by domain_build().
 * Return: 0 or a negative errno (the domain is not built; the teardown
 * releases those bound).
 */
int passthrough_bind_irqs(struct domain *d);

/**
 * passthrough_teardown() - quiesce @d's passed-through devices, its vCPUs
 * off every CPU, before its vCPUs and frames go: its interrupts masked
 * and no longer forwarded, then each virtio-mmio device reset (status 0),
 * so that it does not go on writing (DMA) into frames another domain gets
 * next. Called by the domain teardown and by a domain_create() that fails
 * (common/domain.c).
 */
void passthrough_teardown(struct domain *d);

/*
 * Trapped sub-page windows (common/passthrough_window.c): an assigned
 * range is mapped by whole pages only when the domain has those pages
 * whole; else its pages trap and each access is checked and forwarded.
 */

/**
 * passthrough_iomem_whole() - may @cfg's iomem[@i] be mapped by whole
 * pages? True when the rest of its first and last pages is the domain's
 * too (its other ranges, at the same host-to-guest offset); always for a
 * page-aligned range.
 */
bool passthrough_iomem_whole(const struct domain_config *cfg, unsigned int i);

/**
 * passthrough_window() - the assigned range of @cfg that holds the whole
 * access of @size bytes at guest physical @gpa.
 * Return: its index in @cfg->iomem, or -1: no range holds all of it, or
 * the access is not 1, 2, 4 or 8 bytes naturally aligned (device memory).
 */
int passthrough_window(const struct domain_config *cfg, paddr_t gpa,
		       unsigned int size);

/**
 * passthrough_trap_range() - register the guest pages of @d's iomem[@i]
 * as trapped passthrough windows (vmmio), once per page. Called by
 * passthrough_map_iomem() for a range that is not mapped whole.
 * Return: 0, or vmmio_register()'s error.
 */
int passthrough_trap_range(struct domain *d, unsigned int i);

/*
 * Arch hooks: interrupt forwarding (RISC-V: arch/riscv/vplic.c through the
 * host PLIC; Arm: arch/arm/irq.c through the GIC).
 */

/**
 * arch_passthrough_irq_bind() - forward host interrupt @irq to @d from now
 * on (routed to the CPU of the vCPU its guest targets once it enables it).
 * Return: 0, or a negative errno for an interrupt @d cannot have (a line
 * its virtual controller lacks or uses itself, one forwarded to another
 * domain, no host controller).
 */
int arch_passthrough_irq_bind(struct domain *d, u32 irq);

/**
 * arch_passthrough_irq_unbind() - stop forwarding @irq to @d: masked on
 * the host, an open host claim completed. Nothing if @d does not have it.
 */
void arch_passthrough_irq_unbind(struct domain *d, u32 irq);

#endif /* XEN_LITE_PASSTHROUGH_H */
