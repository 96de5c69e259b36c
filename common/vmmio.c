// SPDX-License-Identifier: GPL-2.0
/*
 * The emulated-MMIO registry (include/xen-lite/vmmio.h): a short array
 * per domain, searched in registration order. A domain has a handful of
 * windows and the busiest (the console) is registered first, so a linear
 * scan costs a compare or two on the MMIO exit path; a tree would cost
 * more than it saves at this size.
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/vmmio.h>

int vmmio_register(struct domain *d, paddr_t base, paddr_t size,
		   const struct vmmio_ops *ops, void *priv)
{
	struct vmmio_table *t = &d->vmmio;
	unsigned int i;

	if (!size || base + size - 1 < base || !ops || !ops->access)
		return -EINVAL;
	for (i = 0; i < t->nr; i++) {
		const struct vmmio_region *r = &t->region[i];

		if (base <= r->base + r->size - 1 && r->base <= base + size - 1)
			return -EEXIST;
	}
	if (t->nr == VMMIO_MAX_REGIONS)
		return -ENOSPC;
	t->region[t->nr] = (struct vmmio_region){
		.base = base,
		.size = size,
		.ops = ops,
		.priv = priv,
	};
	t->nr++;
	return 0;
}
