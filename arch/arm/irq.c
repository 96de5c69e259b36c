// SPDX-License-Identifier: GPL-2.0
/* Physical interrupt dispatch: IPIs, the hypervisor timer, guest IRQs. */
#include <xen-lite/lib.h>
#include <xen-lite/smp.h>
#include <asm/gic.h>
#include <asm/irq.h>
#include <asm/time.h>

bool arm_irq_dispatch(unsigned int irq)
{
	switch (irq) {
	case IRQ_SGI_IPI:
		return false;
	case IRQ_SGI_STOP:
		gic_deactivate(irq);
		arm_stop_this_cpu();
	case IRQ_PPI_HYP_TIMER:
		arm_timer_interrupt();
		return false;
	default:
		printk(XL_WARN "CPU%u: unexpected interrupt %u\n",
		       smp_processor_id(), irq);
		return false;
	}
}
