/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler's arch hooks inline (include/xen-lite/sched.h), for the
 * hand-over of every world switch (issue 20).
 *
 * arch_timer_set(): as a call (to time.c), it kept sched_block_handover()
 * from being a leaf function, whose frame and callee-saved registers cost
 * the switch more than the call itself. A hart without Sstc makes its SBI
 * call here, an ecall with the two argument registers it needs: no
 * function call either.
 *
 * No ARCH_HANDOVER_SETS_WORK: the first entry after a hand-over
 * (vcpu_handover_entry(), vcpu.c) takes nothing from the work word, whose
 * bits stay for the checks of the vCPU's next exit, so the hand-over's
 * raise of WORK_SCHED is the one it counts on.
 */
#ifndef ASM_RISCV_SCHED_H
#define ASM_RISCV_SCHED_H

#include <xen-lite/lib.h>
#include <xen-lite/smp.h>
#include <xen-lite/types.h>
#include <asm/csr.h>
#include <asm/riscv.h>
#include <asm/sbi.h>

/*
 * Program this CPU's hypervisor timer at @deadline (~0: off): the compare
 * value is the earlier of it and, without Sstc, the running vCPU's guest
 * timer (time.c).
 */
static inline void arch_timer_set(u64 deadline)
{
	struct arch_pcpu *a = &this_cpu()->arch;

	a->timer_deadline = deadline;
	deadline = MIN(deadline, a->guest_deadline);
	if (likely(riscv_features.sstc)) {
		csr_write(CSR_STIMECMP, deadline);
	} else {
		/* sbi_set_timer() (sbi.c) without the call. */
		register unsigned long a0 __asm__("a0") = deadline;
		register unsigned long a1 __asm__("a1");
		register unsigned long a6 __asm__("a6") = SBI_TIME_SET_TIMER;
		register unsigned long a7 __asm__("a7") = SBI_EXT_TIME;

		__asm__ __volatile__("ecall"
				     : "+r"(a0), "=r"(a1)
				     : "r"(a6), "r"(a7)
				     : "memory");
	}
}

#endif /* ASM_RISCV_SCHED_H */
