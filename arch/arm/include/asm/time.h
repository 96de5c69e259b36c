/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timers (time.c): the hypervisor's own timer, the EL2 physical timer
 * (CNTHP), and the guests' EL1 virtual timer (CNTV), whose switch with
 * the vCPU is inline here.
 */
#ifndef ASM_ARM_TIME_H
#define ASM_ARM_TIME_H

#include <xen-lite/arch.h>
#include <xen-lite/domain.h>
#include <xen-lite/types.h>
#include <xen-lite/smp.h>
#include <asm/gic-v3.h>
#include <asm/gic.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/sysregs.h>
#include <asm/vgic.h>

/** arm_timer_cpu_init() - quiesce CNTHP and enable its PPI on this CPU. */
void arm_timer_cpu_init(void);

/**
 * arm_timer_interrupt() - acknowledge the CNTHP interrupt.
 * Return: true when the timer condition was met (a real expiry).
 */
bool arm_timer_interrupt(void);

/** arm_stop_this_cpu() - park this CPU for good (panic, IRQ_SGI_STOP). */
void arm_stop_this_cpu(void) __attribute__((noreturn));

/*
 * vtimer_fired() - @v's saved virtual timer condition is met and not
 * masked (Arm ARM (DDI 0487 K.a) "CNTV_CTL_EL0"). Inline: vcpu_load()
 * and the WFI exit ask it on every switch.
 */
static inline bool vtimer_fired(const struct vcpu *v)
{
	u64 ctl = v->arch.cntv_ctl;
	u64 now = arch_counter_read() - v->domain->arch.cntvoff;

	return (ctl & CNT_CTL_ENABLE) && !(ctl & CNT_CTL_IMASK) &&
	       now >= v->arch.cntv_cval;
}

/*
 * vtimer_irq_on() - @v's virtual timer interrupt is pending or active in
 * its vGIC (vgic_irq_state() for INTID 27), read without the vGIC lock
 * (issue 20: the lock round trip was 27 of a world switch's
 * instructions). @v is not loaded anywhere, so nothing changes these
 * fields but a writer under the vGIC lock on another CPU (another vCPU's
 * GICR_I[SC]PENDR0 / I[SC]ACTIVER0 write): each field is one byte, read
 * once, and a writer changes one of them per register write, so the
 * answer is the state at some instant of the read. The locked read gave
 * no more: the writer could come between its unlock and the physical
 * write below just as well (docs/architecture.md, "World switch fast
 * paths").
 */
static inline bool vtimer_irq_on(const struct vcpu *v)
{
	const struct vgic_irq *i = &v->arch.vgic.priv[IRQ_PPI_VTIMER];

	return READ_ONCE(i->pending) || READ_ONCE(i->active) ||
	       (READ_ONCE(i->line) && !READ_ONCE(i->edge));
}

/*
 * vtimer_ppi_set_active() - gic_set_ppi_active() for the virtual timer's
 * PPI; the GICv3 redistributor write inline (issue 20: on every world
 * switch), GICR_ISACTIVER0 / GICR_ICACTIVER0 of this CPU's SGI frame.
 */
static inline void vtimer_ppi_set_active(bool on)
{
	if (gic_v2()) {
		gicv2_set_ppi_active(IRQ_PPI_VTIMER, on);
		return;
	}
	writel(1U << IRQ_PPI_VTIMER,
	       (char *)this_cpu()->arch.gicr + GICR_SGI_OFFSET +
		       (on ? GICR_ISACTIVER0 : GICR_ICACTIVER0));
}

/*
 * vtimer_load() - give the CPU's virtual timer to @v (vcpu_load()).
 * Inline, as vtimer_put(): both are on every vCPU switch.
 */
static inline void vtimer_load(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;

	/*
	 * The virtual timer interrupt is linked to the physical PPI: keep
	 * the physical interrupt active exactly while the virtual one is
	 * pending or active, so that it fires again only once the guest
	 * has deactivated it.
	 */
	bool on = vtimer_irq_on(v);

	/* Injected, it is pending: no second look under the vGIC lock. */
	if (!on && vtimer_fired(v)) {
		vgic_inject(v->domain, v, IRQ_PPI_VTIMER, true);
		on = true;
	}
	vtimer_ppi_set_active(on);
	WRITE_SYSREG(a->cntv_cval, cntv_cval_el0);
	WRITE_SYSREG(a->cntv_ctl, cntv_ctl_el0);
}

/* vtimer_put() - save @v's virtual timer and silence it (vcpu_put()). */
static inline void vtimer_put(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;

	a->cntv_ctl = READ_SYSREG(cntv_ctl_el0);
	a->cntv_cval = READ_SYSREG(cntv_cval_el0);
	/* Not this vCPU's timer any more: silence it. */
	WRITE_SYSREG(0, cntv_ctl_el0);
}

/**
 * vtimer_interrupt() - the physical virtual-timer PPI fired on this CPU.
 * Return: true when it was forwarded to the running vCPU through a
 * hardware-linked list register (the guest deactivates it).
 */
bool vtimer_interrupt(void);

#endif /* ASM_ARM_TIME_H */
