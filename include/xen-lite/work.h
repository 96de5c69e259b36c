/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-CPU "work pending" word (struct pcpu.work), the standard design
 * of Xen's softirq_pending and Linux's TIF flags: whoever changes state
 * that the checks before a guest entry read sets a bit in the word of the
 * CPU those checks run on; the run loop then runs its checks only when
 * the word is not zero, and a guest exit that changed nothing (a
 * hypercall, an emulated device access, a WFI with an interrupt already
 * due) returns to the guest without them (issue 20). The bits only say
 * which kind of change it was (for the reader of a trace or a dump): any
 * bit means "run them all".
 *
 * The contract (docs/architecture.md, "The work pending word"):
 *
 * - A writer first writes its state, then raises the bit on the CPU that
 *   checks it: work_raise() (any CPU; a full barrier orders the state
 *   before the bit), or work_raise_vcpu() for the CPU a vCPU is placed
 *   on. A remote CPU that runs a guest must also be kicked out of it, as
 *   before (arch_send_ipi(), vcpu_kick()); vcpu_kick() raises the bit
 *   itself.
 * - The run loop raises WORK_LOAD when it loads a vCPU, so the first
 *   entry of every run does every check: what changed while the vCPU was
 *   not on a CPU needs no bit.
 * - The checks start with work_take(), which empties the word, and only
 *   then read the state: a bit raised after the take stays for the next
 *   entry. A check whose answer depends on time rather than on a writer
 *   (the slice end while other vCPUs share the CPU) raises its bit again
 *   every time it runs (sched_need_resched()).
 * - Only this CPU clears its word, with interrupts masked.
 */
#ifndef XL_WORK_H
#define XL_WORK_H

#include <xen-lite/compiler.h>
#include <xen-lite/sched.h> /* WORK_* */
#include <xen-lite/smp.h>
#include <xen-lite/types.h>

/**
 * work_raise() - tell CPU @cpu that state its entry checks read changed
 * (@bits: WORK_*). The caller wrote that state before; a running guest
 * on @cpu must still be kicked out of it to see the change at once.
 */
static inline void work_raise(unsigned int cpu, unsigned long bits)
{
	/* The state before the bit: pairs with work_take()'s acquire. */
	smp_mb();
	__atomic_fetch_or(&pcpu_info[cpu].work, bits, __ATOMIC_RELAXED);
}

/** work_raise_local() - work_raise() on this CPU (no barrier needed). */
static inline void work_raise_local(unsigned long bits)
{
	__atomic_fetch_or(&this_cpu()->work, bits, __ATOMIC_RELAXED);
}

/**
 * work_raise_vcpu() - work_raise() on the CPU vCPU @v is placed on
 * (v->processor; a vCPU moves only while off every CPU, and its next run
 * starts with WORK_LOAD). A macro: struct vcpu is not known here.
 */
#define work_raise_vcpu(v, bits) work_raise(READ_ONCE((v)->processor), (bits))

/** work_pending() - does this CPU have to run its entry checks? */
static inline bool work_pending(void)
{
	return READ_ONCE(this_cpu()->work) != 0;
}

/**
 * work_take() - empty this CPU's word before its entry checks read the
 * state (interrupts masked). Return: the bits that were raised.
 */
static inline unsigned long work_take(void)
{
	return __atomic_exchange_n(&this_cpu()->work, 0UL, __ATOMIC_ACQ_REL);
}

struct vcpu;

#ifdef CONFIG_DEBUG_WORK_CHECK
/**
 * work_check() - CONFIG_DEBUG_WORK_CHECK, at a return to @v (current)
 * that skipped the entry checks: they must have had nothing to do (its
 * state, its pause, the run queue, and what arch_work_check_why() says),
 * or the writer's bit is on its way (a writer on another CPU between its
 * state and its bit): give it a millisecond, then panic naming what
 * changed (a writer that forgot its bit). common/sched.c.
 */
void work_check(struct vcpu *v);
/**
 * arch_work_check_why() - what the arch's entry checks would have had to
 * do for @v, or NULL; *@irq the interrupt concerned, or -1.
 */
const char *arch_work_check_why(struct vcpu *v, int *irq);
#else
static inline void work_check(struct vcpu *v)
{
}
#endif

#endif /* XL_WORK_H */
