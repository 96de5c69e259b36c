// SPDX-License-Identifier: GPL-2.0
/*
 * Trapped passthrough windows (docs/passthrough.md, "Sub-page windows"):
 * an assigned MMIO range smaller than the pages it sits in, whose pages
 * the domain does not have whole (QEMU Arm virt's 0x200-byte virtio-mmio
 * transports, eight to a 4 KiB page, given to several domains or one at
 * a time). Stage 2 maps whole pages only, so such a page is left
 * unmapped and registered as one emulated window (common/vmmio.c): every
 * access traps, is checked against the domain's assigned windows in it,
 * and is done by the hypervisor on the host address, with the same width
 * (its own mapping of device space has device attributes: Arm's first
 * GiB is Device-nGnRE, RISC-V HS-mode accesses are untranslated, the
 * PMAs make them I/O). An access outside every window, straddling one's
 * end, misaligned or of an odd size is refused with -EFAULT, which the
 * fault paths treat as an access to an address the domain does not own:
 * its mmio_fault policy (an abort injected, or a crash).
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/passthrough.h>
#include <xen-lite/vmmio.h>

/*
 * Is every byte of [@s, @e) (host addresses) in a range of @cfg that has
 * @delta = hpa - gpa? Ranges do not overlap (the bundle check), so walk
 * from @s, each step to the end of the range holding it.
 */
static bool covered(const struct domain_config *cfg, paddr_t s, paddr_t e,
		    paddr_t delta)
{
	while (s < e) {
		unsigned int k;

		for (k = 0; k < cfg->nr_iomem; k++) {
			const struct domain_iomem *b = &cfg->iomem[k];

			if (b->hpa - b->gpa == delta && b->hpa <= s &&
			    s - b->hpa < b->size)
				break;
		}
		if (k == cfg->nr_iomem)
			return false;
		s = cfg->iomem[k].hpa + cfg->iomem[k].size;
	}
	return true;
}

bool passthrough_iomem_whole(const struct domain_config *cfg, unsigned int i)
{
	const struct domain_iomem *a = &cfg->iomem[i];
	paddr_t s = ROUNDDOWN(a->hpa, PAGE_SIZE);
	paddr_t e = ROUNDUP(a->hpa + a->size, PAGE_SIZE);
	paddr_t delta = a->hpa - a->gpa;

	/* The rest of its first and last pages: the domain's too? */
	return covered(cfg, s, a->hpa, delta) &&
	       covered(cfg, a->hpa + a->size, e, delta);
}

int passthrough_window(const struct domain_config *cfg, paddr_t gpa,
		       unsigned int size)
{
	if ((size != 1 && size != 2 && size != 4 && size != 8) ||
	    (gpa & (size - 1)))
		return -1;
	for (unsigned int i = 0; i < cfg->nr_iomem; i++) {
		const struct domain_iomem *w = &cfg->iomem[i];

		/* All @size bytes inside: no wrap (size <= 8, gpa aligned). */
		if (gpa >= w->gpa && gpa - w->gpa < w->size &&
		    w->size - (gpa - w->gpa) >= size)
			return (int)i;
	}
	return -1;
}

/*
 * One access of @size bytes at host address @hpa, the same width as the
 * guest's. Ordering: the guest's own barriers before its trapped access
 * order its earlier memory accesses before this one, which the same CPU
 * does later in program order (Arm ARM (DDI 0487 K.a) B2.3; RISC-V: the
 * guest's FENCE, privileged spec 20211203 3.5 "I/O ordering").
 */
static void pt_forward(paddr_t hpa, unsigned int size, bool write, u64 *val)
{
	volatile void *p = (volatile void *)(uintptr_t)hpa;

	switch (size) {
	case 1:
		if (write)
			*(volatile u8 *)p = (u8)*val;
		else
			*val = *(volatile u8 *)p;
		break;
	case 2:
		if (write)
			*(volatile u16 *)p = (u16)*val;
		else
			*val = *(volatile u16 *)p;
		break;
	case 4:
		if (write)
			*(volatile u32 *)p = (u32)*val;
		else
			*val = *(volatile u32 *)p;
		break;
	default:
		if (write)
			*(volatile u64 *)p = *val;
		else
			*val = *(volatile u64 *)p;
		break;
	}
}

/* @priv: the guest physical address of the trapped page. */
static int pt_window_access(struct vcpu *v, void *priv, paddr_t off,
			    unsigned int size, bool write, u64 *val)
{
	const struct domain_config *cfg = &v->domain->cfg;
	paddr_t gpa = (paddr_t)(uintptr_t)priv + off;
	int i = passthrough_window(cfg, gpa, size);

	if (i < 0)
		return -EFAULT;
	pt_forward(cfg->iomem[i].hpa + (gpa - cfg->iomem[i].gpa), size, write,
		   val);
	return 0;
}

static const struct vmmio_ops pt_window_ops = { "passthrough",
						pt_window_access };

int passthrough_trap_range(struct domain *d, unsigned int i)
{
	const struct domain_iomem *a = &d->cfg.iomem[i];
	paddr_t gs = ROUNDDOWN(a->gpa, PAGE_SIZE);
	paddr_t ge = ROUNDUP(a->gpa + a->size, PAGE_SIZE);

	for (paddr_t g = gs; g < ge; g += PAGE_SIZE) {
		const struct vmmio_region *r = vmmio_find(d, g);
		int rc;

		/* The page of another window of the domain, already there. */
		if (r && r->ops == &pt_window_ops)
			continue;
		rc = vmmio_register(d, g, PAGE_SIZE, &pt_window_ops,
				    (void *)(uintptr_t)g);
		if (rc)
			return rc;
	}
	return 0;
}
