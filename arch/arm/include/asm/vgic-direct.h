/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtual timer's direct injection (issue 20), the one piece of the
 * vGIC's list register logic (vgic.c) that runs inline in the run loop's
 * IRQ exit (arch/arm/vcpu.c, arm_irq_exit()).
 */
#ifndef ASM_ARM_VGIC_DIRECT_H
#define ASM_ARM_VGIC_DIRECT_H

#include <xen-lite/domain.h>
#include <xen-lite/spinlock.h>
#include <asm/gic-v3.h>
#include <asm/gic.h>
#include <asm/vgic.h>

/*
 * vgic_save() / vgic_restore() - the CPU interface state across a switch:
 * on GICv3 the virtual interface's control (ICH_VMCR_EL2) and the first
 * active priorities registers (ICH_AP0R0_EL2, ICH_AP1R0_EL2; Arm IHI
 * 0069), inline (issue 20: they are on every world switch).
 */
static inline void vgic_save(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;

	if (gic_v2()) {
		vgic_v2_save(v);
		return;
	}
	c->vmcr = READ_SYSREG(ICH_VMCR_EL2);
	c->ap0r0 = READ_SYSREG(ICH_AP0R0_EL2);
	c->ap1r0 = READ_SYSREG(ICH_AP1R0_EL2);
}

static inline void vgic_restore(struct vcpu *v)
{
	const struct vgic_cpu *c = &v->arch.vgic;

	if (gic_v2()) {
		vgic_v2_restore(v);
		return;
	}
	WRITE_SYSREG(c->vmcr, ICH_VMCR_EL2);
	WRITE_SYSREG(c->ap0r0, ICH_AP0R0_EL2);
	WRITE_SYSREG(c->ap1r0, ICH_AP1R0_EL2);
}

/*
 * The direct injection of the virtual timer (issue 20): what
 * vgic_sync_lrs(), vgic_inject() and vgic_flush_lrs() would do for a
 * virtual timer tick of the running vCPU in the common case, under one
 * lock round trip and without the work word, the candidate scan or the
 * notification (the vCPU is the one running here). The common case: the
 * timer's interrupt is enabled and inactive, list register 0 empty or
 * holding the timer's previous tick, now inactive, and no other list
 * register in use. Other interrupts need no look: one that became a
 * candidate raised the work word of this CPU under the vGIC lock
 * (vgic_mark(); a remote writer also kicks), so the run loop's checks run
 * before the entry and fold register 0 back first (entry_work()): the
 * flush then loads everything in priority order, the timer included. The
 * result is the state the general path
 * leaves (load_lr() of a pending hardware interrupt): pending in list
 * register 0, hardware-linked to the physical PPI (which the caller
 * acknowledged and dropped the priority of: the guest's deactivation
 * deactivates it), in_lr, not a candidate, ICH_HCR_EL2 still En (no list
 * register was full, so vgic_flush_lrs() set no UIE). Anything else:
 * false, nothing changed, and the caller takes the general path. GICv3
 * only (the list register by its system register; the caller checks).
 * Inline in the run loop (arch/arm/vcpu.c), its one caller.
 */
static __always_inline bool vgic_vtimer_direct(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct vgic_dist *dist = &d->arch.vgic;
	struct vgic_cpu *c = &v->arch.vgic;
	struct vgic_irq *i = &c->priv[IRQ_PPI_VTIMER];
	bool done = false;

	/* The run loop runs with interrupts masked: no irqsave. */
	spin_lock(&dist->lock);
	if (i->enabled && !i->active && (dist->ctlr & GICD_CTLR_ENABLE_G1) &&
	    (c->nr_lr_used == 0 ||
	     (c->nr_lr_used == 1 && c->lr_irq[0] == IRQ_PPI_VTIMER &&
	      !(ich_read_lr(0) & ICH_LR_STATE_MASK)))) {
		/*
		 * The previous tick, if it is still in register 0, was
		 * deactivated by the guest: unload_lr() would leave it
		 * inactive and not pending but for a repend, which this
		 * tick makes pending anyway.
		 */
		i->pending = false;
		i->repend = false;
		i->hw = true;
		i->in_lr = true;
		c->cand &= ~(1U << IRQ_PPI_VTIMER);
		c->lr_irq[0] = IRQ_PPI_VTIMER;
		c->nr_lr_used = 1;
		ich_write_lr(
			0,
			IRQ_PPI_VTIMER |
				((u64)IRQ_PPI_VTIMER << ICH_LR_PINTID_SHIFT) |
				((u64)i->priority << ICH_LR_PRIO_SHIFT) |
				ICH_LR_GROUP1 | ICH_LR_HW | ICH_LR_PENDING);
		done = true;
	}
	spin_unlock(&dist->lock);
	return done;
}

#endif /* ASM_ARM_VGIC_DIRECT_H */
