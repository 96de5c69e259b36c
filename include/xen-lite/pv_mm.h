/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Paravirtual guest page tables (docs/pv-mmu.md): page types with counts,
 * pin/validate/unpin, and the mmuext_op / mmu_update / multicall
 * hypercalls.
 */
#ifndef XL_PV_MM_H
#define XL_PV_MM_H

#include <xen-lite/domain.h>
#include <xen-lite/mm.h>

/**
 * pv_mm_page_busy() - may this frame leave its domain (balloon out)?
 * Return: true if it is a pinned/validated page table or is mapped by one.
 */
bool pv_mm_page_busy(const struct page_info *pg);

/**
 * pv_mm_domain_teardown() - unpin every table of @d and drop all type
 * references (domain destruction). Return: 0, or -ERESTART to be called
 * again (bounded work per call).
 */
int pv_mm_domain_teardown(struct domain *d);

/** do_mmuext_op() - XL_HC_MMUEXT_OP. Return: ops done or -errno. */
long do_mmuext_op(struct vcpu *v, unsigned long ops_gpa, unsigned long count,
		  unsigned long done_gpa);

/** do_mmu_update() - XL_HC_MMU_UPDATE. Return: entries applied or -errno. */
long do_mmu_update(struct vcpu *v, unsigned long reqs_gpa,
		   unsigned long count, unsigned long done_gpa);

/** do_multicall() - XL_HC_MULTICALL. Return: calls made or -errno. */
long do_multicall(struct vcpu *v, unsigned long entries_gpa,
		  unsigned long count);

#endif /* XL_PV_MM_H */
