/* SPDX-License-Identifier: GPL-2.0 */
/* Hypercall dispatch (ABI in include/public/xen-lite.h). */
#ifndef XL_HYPERCALL_H
#define XL_HYPERCALL_H

#include <xen-lite/domain.h>
#include <xen-lite/errno.h>

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

/**
 * hypercall_continue() - make the current hypercall of @v a continuation:
 * the arch handler does not return to the guest with a result but has
 * it execute the hypercall instruction again with @a0..@a4 as arguments
 * (advanced past the work done), after the CPU had a chance to preempt
 * it. Inside a multicall the entry's arguments are updated instead.
 * Return: -ERESTART, for the handler to return.
 */
static inline long hypercall_continue(struct vcpu *v, unsigned long a0,
				      unsigned long a1, unsigned long a2,
				      unsigned long a3, unsigned long a4)
{
	v->hc_cont[0] = a0;
	v->hc_cont[1] = a1;
	v->hc_cont[2] = a2;
	v->hc_cont[3] = a3;
	v->hc_cont[4] = a4;
	return -ERESTART;
}

/*
 * A batch count argument that was continued carries the number of
 * entries done before in its upper half (hypercall_continue()): only the
 * result the guest gets depends on it.
 */
#define HC_COUNT_MASK 0x3fffffffUL
#define HC_DONE_SHIFT 32
/*
 * In a continued batch count: the batch itself ended (its status is
 * written); only the tables it released are still being devalidated.
 */
#define HC_DRAIN_ONLY (1UL << 30)
/*
 * With HC_DRAIN_ONLY: the batch's status could not be written and it had
 * done nothing, so the call ends in -EFAULT once the tables are drained.
 */
#define HC_STATUS_FAULT (1UL << 31)

/** do_memory_op() - XL_HC_MEMORY_OP. Return: see include/public. */
long do_memory_op(struct vcpu *v, unsigned long cmd, unsigned long arg);

#endif /* XL_HYPERCALL_H */
