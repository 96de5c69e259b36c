/* SPDX-License-Identifier: GPL-2.0 */
/* Hypercall dispatch (ABI in include/public/xen-lite.h). */
#ifndef XL_HYPERCALL_H
#define XL_HYPERCALL_H

#include <xen-lite/domain.h>

/**
 * do_hypercall() - run hypercall @nr for the current vCPU @v.
 * Called by the arch trap handlers (RISC-V ecall with a7 = XL_SBI_EXT,
 * Arm HVC with an XL_SMCCC_FN function ID).
 * Return: the result: >= 0, or a negative errno (-ENOSYS for an unknown
 * @nr). Never fails the hypervisor whatever the arguments.
 */
long do_hypercall(struct vcpu *v, unsigned long nr, unsigned long a0,
		  unsigned long a1, unsigned long a2, unsigned long a3,
		  unsigned long a4);

/** do_memory_op() - XL_HC_MEMORY_OP. Return: see include/public. */
long do_memory_op(struct vcpu *v, unsigned long cmd, unsigned long arg);

#endif /* XL_HYPERCALL_H */
