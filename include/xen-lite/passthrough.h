/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device passthrough (common/passthrough.c, docs/passthrough.md): the host
 * devices a domain was given (domain_config iomem, irqs, dtdev).
 */
#ifndef XEN_LITE_PASSTHROUGH_H
#define XEN_LITE_PASSTHROUGH_H

#include <xen-lite/types.h>

struct domain;

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
 * passthrough_teardown() - quiesce @d's passed-through devices, its vCPUs
 * off every CPU, before its frames go: a virtio-mmio device is reset
 * (status 0), so that it does not go on writing (DMA) into frames another
 * domain gets next. Called by the domain teardown (common/domain.c).
 */
void passthrough_teardown(struct domain *d);

#endif /* XEN_LITE_PASSTHROUGH_H */
