// SPDX-License-Identifier: GPL-2.0
/*
 * Arm timers: the platform counter (CNTPCT_EL0), the hypervisor's own
 * timer (the EL2 physical timer, CNTHP, one-shot at the scheduler's next
 * deadline) and the guests' EL1 virtual timer (CNTV), switched with the
 * vCPU and linked to the physical PPI while it is loaded.
 */
#include <xen-lite/arch.h>
#include <xen-lite/domain.h>
#include <xen-lite/sched.h>
#include <xen-lite/smp.h>
#include <asm/gic.h>
#include <asm/irq.h>
#include <asm/sysregs.h>
#include <asm/time.h>
#include <asm/vgic.h>

static u64 counter_freq;

u64 arch_counter_freq(void)
{
	if (!counter_freq) {
		counter_freq = READ_SYSREG(cntfrq_el0) & 0xffffffffUL;
		if (!counter_freq) {
			/* Firmware left CNTFRQ unset: QEMU virt's value. */
			counter_freq = 62500000;
		}
	}
	return counter_freq;
}

void arm_timer_cpu_init(void)
{
	WRITE_SYSREG(0, cnthp_ctl_el2);
	this_cpu()->arch.timer_deadline = ~0ULL;
	gic_enable_ppi(IRQ_PPI_HYP_TIMER, 0xa0);
}

bool arm_timer_interrupt(void)
{
	u64 ctl = READ_SYSREG(cnthp_ctl_el2);

	if (!(ctl & CNT_CTL_ISTATUS)) {
		return false;
	}
	/* One-shot: masked until the next arch_timer_set(). */
	WRITE_SYSREG(0, cnthp_ctl_el2);
	this_cpu()->arch.timer_deadline = ~0ULL;
	return true;
}

bool vtimer_interrupt(void)
{
	struct vcpu *v = this_cpu()->curr;

	if (!v || !v->arch.loaded) {
		return false;
	}
	vgic_inject(v->domain, v, IRQ_PPI_VTIMER, true);
	return true;
}
