// SPDX-License-Identifier: GPL-2.0
/*
 * copy_from_guest() / copy_to_guest(): the only way the hypervisor reads
 * or writes a domain's memory (hypercall arguments and results, console
 * buffers, the boot images). Kept apart from domain.c so that the host
 * unit tests run it against the real p2m (tests/unit/test_memory.c).
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>
#include <xen-lite/race_window.h>
#include <xen-lite/spinlock.h>

/*
 * Guest memory access. Every page is reached through p2m_get_page(): the
 * frame keeps a reference for the whole copy, so another vCPU of the
 * domain ballooning it out meanwhile (XL_MEM_DECREASE_RESERVATION) only
 * unmaps it; it is freed by our put_page(), after the copy, and is never
 * written or read while it belongs to someone else.
 *
 * A write also holds the domain's PV lock (CONFIG_PV_MMU): pinning a
 * frame as a page table makes it p2m_pt_pinned and validates its entries
 * under that lock, so a write either finds the frame still ram_rw and
 * finishes before any entry is read, or finds it pinned and is refused;
 * it can never change a validated table behind the PV MMU's back.
 */
int copy_from_guest(struct domain *d, void *dst, paddr_t gpa, size_t len)
{
	u8 *out = dst;

	while (len) {
		size_t off = gpa & (PAGE_SIZE - 1);
		size_t n = MIN(len, PAGE_SIZE - off);
		struct page_info *pg =
			p2m_get_page(d->p2m, gaddr_to_gfn(gpa), NULL);

		/* p2m_get_page(): RAM, read-only RAM or a pinned table. */
		if (!pg)
			return -EFAULT;
		memcpy(out, (u8 *)page_to_virt(pg) + off, n);
		put_page(pg);
		out += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

int copy_to_guest(struct domain *d, paddr_t gpa, const void *src, size_t len)
{
	const u8 *in = src;

	while (len) {
		size_t off = gpa & (PAGE_SIZE - 1);
		size_t n = MIN(len, PAGE_SIZE - off);
		struct page_info *pg;
		p2m_type_t t;

#ifdef CONFIG_PV_MMU
		spin_lock(&d->pv_lock);
#endif
		pg = p2m_get_page(d->p2m, gaddr_to_gfn(gpa), &t);
		race_window_copy(); /* finding 1: another vCPU balloons it out */
		if (pg && t == p2m_ram_rw) {
			memcpy((u8 *)page_to_virt(pg) + off, in, n);
			race_window_wrote(pg, d->id, gfn_x(gaddr_to_gfn(gpa)));
		}
#ifdef CONFIG_PV_MMU
		spin_unlock(&d->pv_lock);
#endif
		if (pg)
			put_page(pg);
		if (t != p2m_ram_rw)
			return -EFAULT;
		in += n;
		gpa += n;
		len -= n;
	}
	return 0;
}
