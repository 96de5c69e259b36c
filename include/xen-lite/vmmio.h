/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Emulated MMIO: the one registry of a domain's emulated device windows.
 *
 * A device model (vPLIC, vUART, vGIC, vPL011, ...) registers its window
 * with vmmio_register() from arch_domain_init(), before any vCPU of the
 * domain runs. The stage-2 fault handlers then ask one question,
 * vmmio_find(): "is this guest physical address an emulated device, and
 * which one?", and hand the decoded access to vmmio_emulate(). Nothing
 * else in the hypervisor knows where a device lives.
 *
 * The table is written only while the domain is built and read without
 * a lock afterwards: a domain's windows never change while its vCPUs
 * run (a restart builds a new struct domain).
 */
#ifndef XEN_LITE_VMMIO_H
#define XEN_LITE_VMMIO_H

#include <xen-lite/types.h>

struct domain;
struct vcpu;

/* Windows per domain: interrupt controller, console, and room to grow. */
#define VMMIO_MAX_REGIONS 16

struct vmmio_ops {
	const char *name; /* for diagnostics ("vgic-dist", "vuart", ...) */
	/*
	 * Emulate one access of @size bytes (1, 2, 4 or 8) at @off bytes
	 * into the window. A write's value is in *@val, a read leaves its
	 * value there. Returns 0 when done, a negative errno for an access
	 * the device does not implement (size, alignment): the caller
	 * treats it as the guest's fault. -EFAULT says the address is not
	 * the domain's at all (a trapped passthrough page outside its
	 * windows): the caller applies the domain's mmio_fault policy, as
	 * for an address no window holds.
	 */
	int (*access)(struct vcpu *v, void *priv, paddr_t off,
		      unsigned int size, bool write, u64 *val);
};

struct vmmio_region {
	paddr_t base;
	paddr_t size;
	const struct vmmio_ops *ops;
	void *priv;
};

struct vmmio_table {
	unsigned int nr;
	struct vmmio_region region[VMMIO_MAX_REGIONS];
};

/**
 * vmmio_register() - give @d an emulated window [@base, @base + @size).
 *
 * Call before the domain's vCPUs first run. Lookups try windows in the
 * order they were registered: register the busiest first.
 *
 * Return: 0; -EINVAL for an empty or wrapping window, -EEXIST if it
 * overlaps a window already registered, -ENOSPC if the table is full.
 */
int vmmio_register(struct domain *d, paddr_t base, paddr_t size,
		   const struct vmmio_ops *ops, void *priv);

/**
 * vmmio_find_in() - the window of @t that contains @gpa, or NULL.
 *
 * Inline: it is on every MMIO exit, and a domain has a handful of
 * windows, so the scan is a few compares; a call would cost more.
 */
static inline const struct vmmio_region *
vmmio_find_in(const struct vmmio_table *t, paddr_t gpa)
{
	const struct vmmio_region *r = t->region, *end = r + t->nr;

	for (; r < end; r++) {
		if (gpa - r->base < r->size)
			return r;
	}
	return NULL;
}

/* vmmio_find(d, gpa) - the emulated window of domain @d containing @gpa. */
#define vmmio_find(d, gpa) vmmio_find_in(&(d)->vmmio, (gpa))

/**
 * vmmio_emulate() - emulate a decoded access at @gpa inside @r.
 *
 * Return: what the device's access() returned.
 */
static inline int vmmio_emulate(struct vcpu *v, const struct vmmio_region *r,
				paddr_t gpa, unsigned int size, bool write,
				u64 *val)
{
	return r->ops->access(v, r->priv, gpa - r->base, size, write, val);
}

#endif /* XEN_LITE_VMMIO_H */
