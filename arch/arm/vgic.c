// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual GICv3 (Arm IHI 0069): interrupt state, the list registers and
 * SGI generation. The distributor and redistributor register files are
 * emulated in vgic-mmio.c.
 *
 * Every interrupt of a domain is described by a struct vgic_irq: private
 * ones (SGIs, PPIs) per vCPU, SPIs per domain. One lock per domain
 * (vgic_dist.lock) covers all of them. Before each guest entry the
 * highest priority pending or active interrupts of the vCPU are written
 * to the list registers; after each exit their state is read back and
 * the registers emptied. When more interrupts wait than there are list
 * registers, the underflow / no-pending maintenance interrupts bring the
 * vCPU back to refill them (IHI 0069 12.5 ICH_HCR_EL2). Only the
 * interrupts in the candidate masks (asm/vgic.h) are looked at, so an
 * exit with nothing to deliver costs two loads here.
 */
#include <xen-lite/domain.h>
#include <xen-lite/lib.h>
#include <xen-lite/sched.h>
#include <xen-lite/smp.h>
#include <xen-lite/shm.h>
#include <asm/gic.h>
#include <asm/sysregs.h>
#include <asm/vgic.h>

static u64 read_lr(unsigned int i)
{
	switch (i) {
	case 0:
		return READ_SYSREG(ICH_LR0_EL2);
	case 1:
		return READ_SYSREG(ICH_LR1_EL2);
	case 2:
		return READ_SYSREG(ICH_LR2_EL2);
	case 3:
		return READ_SYSREG(ICH_LR3_EL2);
	case 4:
		return READ_SYSREG(ICH_LR4_EL2);
	case 5:
		return READ_SYSREG(ICH_LR5_EL2);
	case 6:
		return READ_SYSREG(ICH_LR6_EL2);
	case 7:
		return READ_SYSREG(ICH_LR7_EL2);
	case 8:
		return READ_SYSREG(ICH_LR8_EL2);
	case 9:
		return READ_SYSREG(ICH_LR9_EL2);
	case 10:
		return READ_SYSREG(ICH_LR10_EL2);
	case 11:
		return READ_SYSREG(ICH_LR11_EL2);
	case 12:
		return READ_SYSREG(ICH_LR12_EL2);
	case 13:
		return READ_SYSREG(ICH_LR13_EL2);
	case 14:
		return READ_SYSREG(ICH_LR14_EL2);
	default:
		return READ_SYSREG(ICH_LR15_EL2);
	}
}

static void write_lr(unsigned int i, u64 v)
{
	switch (i) {
	case 0:
		WRITE_SYSREG(v, ICH_LR0_EL2);
		break;
	case 1:
		WRITE_SYSREG(v, ICH_LR1_EL2);
		break;
	case 2:
		WRITE_SYSREG(v, ICH_LR2_EL2);
		break;
	case 3:
		WRITE_SYSREG(v, ICH_LR3_EL2);
		break;
	case 4:
		WRITE_SYSREG(v, ICH_LR4_EL2);
		break;
	case 5:
		WRITE_SYSREG(v, ICH_LR5_EL2);
		break;
	case 6:
		WRITE_SYSREG(v, ICH_LR6_EL2);
		break;
	case 7:
		WRITE_SYSREG(v, ICH_LR7_EL2);
		break;
	case 8:
		WRITE_SYSREG(v, ICH_LR8_EL2);
		break;
	case 9:
		WRITE_SYSREG(v, ICH_LR9_EL2);
		break;
	case 10:
		WRITE_SYSREG(v, ICH_LR10_EL2);
		break;
	case 11:
		WRITE_SYSREG(v, ICH_LR11_EL2);
		break;
	case 12:
		WRITE_SYSREG(v, ICH_LR12_EL2);
		break;
	case 13:
		WRITE_SYSREG(v, ICH_LR13_EL2);
		break;
	case 14:
		WRITE_SYSREG(v, ICH_LR14_EL2);
		break;
	default:
		WRITE_SYSREG(v, ICH_LR15_EL2);
		break;
	}
}

struct vgic_irq *vgic_get_irq(struct domain *d, struct vcpu *v,
			      unsigned int irq)
{
	if (irq < 32) {
		return v ? &v->arch.vgic.priv[irq] : NULL;
	}
	if (irq < VGIC_NR_IRQS) {
		return &d->arch.vgic.spi[irq - 32];
	}
	return NULL;
}

BUILD_BUG_ON(VGIC_NR_SPIS % 32 != 0 || VGIC_NR_IRQS > 1020);

/*
 * Make INTID @irq (of @v when private) a list register candidate again
 * after a change to its state (vGIC lock held).
 */
static void vgic_mark(struct domain *d, struct vcpu *v, unsigned int irq)
{
	if (irq < 32) {
		if (v) {
			v->arch.vgic.cand |= 1U << irq;
		}
	} else if (irq < VGIC_NR_IRQS) {
		d->arch.vgic.spi_cand[(irq - 32) / 32] |= 1U << (irq % 32);
	}
}

static bool irq_is_pending(const struct vgic_irq *i)
{
	return i->pending || (!i->edge && i->line);
}

static void irq_init(struct vgic_irq *i, bool edge)
{
	memset(i, 0, sizeof(*i));
	i->edge = edge;
	i->group1 = false;
	i->priority = 0;
}

int vgic_domain_init(struct domain *d)
{
	struct vgic_dist *dist = &d->arch.vgic;
	unsigned int i;

	spin_lock_init(&dist->lock);
	dist->ctlr = 0;
	for (i = 0; i < VGIC_NR_SPIS; i++) {
		irq_init(&dist->spi[i], false);
	}
	return 0;
}

void vgic_vcpu_init(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;
	unsigned int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < 32; i++) {
		/* SGIs are always edge-triggered; PPIs level on virt. */
		irq_init(&c->priv[i], i < 16);
	}
	c->waker = GICR_WAKER_PS | GICR_WAKER_CA;
	c->vmcr = 0;
}

/* The vCPU an SPI is delivered to (IROUTER affinity, vCPU 0 if none). */
static struct vcpu *spi_target(struct domain *d, struct vgic_irq *irq)
{
	unsigned int t = irq->target;

	return t < d->nr_vcpus ? d->vcpus[t] : d->vcpus[0];
}

void vgic_notify(struct vcpu *v)
{
	if (!v) {
		return;
	}
	if (READ_ONCE(v->state) == VCPU_BLOCKED) {
		vcpu_wake(v);
	} else if (READ_ONCE(v->state) == VCPU_RUNNING &&
		   v != this_cpu()->curr) {
		vcpu_kick(v);
	}
}

void vgic_inject(struct domain *d, struct vcpu *v, unsigned int irq, bool hw)
{
	struct vgic_dist *dist = &d->arch.vgic;
	struct vgic_irq *i;
	unsigned long flags;
	struct vcpu *target = v;

	spin_lock_irqsave(&dist->lock, flags);
	i = vgic_get_irq(d, v, irq);
	if (!i) {
		spin_unlock_irqrestore(&dist->lock, flags);
		return;
	}
	if (irq >= 32) {
		target = spi_target(d, i);
	}
	i->pending = true;
	i->hw = hw;
	if (i->in_lr) {
		i->repend = true;
	}
	vgic_mark(d, v, irq);
	spin_unlock_irqrestore(&dist->lock, flags);
	vgic_notify(target);
}

void vgic_set_line(struct domain *d, unsigned int irq, bool level)
{
	struct vgic_dist *dist = &d->arch.vgic;
	struct vgic_irq *i;
	unsigned long flags;
	struct vcpu *target;
	bool rise;

	if (irq < 32 || irq >= VGIC_NR_IRQS) {
		return;
	}
	i = &dist->spi[irq - 32];
	/*
	 * No change of level, no change at all (a device model updates its
	 * line on every register access). Racing with another update is
	 * the same as this one coming first.
	 */
	if (READ_ONCE(i->line) == level) {
		return;
	}
	spin_lock_irqsave(&dist->lock, flags);
	rise = level && !i->line;
	i->line = level;
	if (i->edge && rise) {
		i->pending = true;
		if (i->in_lr) {
			i->repend = true;
		}
	}
	if (rise) {
		/* Pending now: through the latch (edge) or the line. */
		dist->spi_cand[(irq - 32) / 32] |= 1U << (irq % 32);
	}
	target = spi_target(d, i);
	spin_unlock_irqrestore(&dist->lock, flags);
	if (rise) {
		vgic_notify(target);
	}
}

/* Is @i a candidate for a list register of its vCPU? */
static bool irq_deliverable(const struct vgic_dist *dist,
			    const struct vgic_irq *i)
{
	if (i->active) {
		return true;
	}
	return i->enabled && irq_is_pending(i) &&
	       (dist->ctlr & GICD_CTLR_ENABLE_G1);
}

bool vgic_vcpu_pending(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct vgic_dist *dist = &d->arch.vgic;
	unsigned long flags;
	bool ret = false;
	unsigned int w;
	u32 m;

	spin_lock_irqsave(&dist->lock, flags);
	if (dist->ctlr & GICD_CTLR_ENABLE_G1) {
		for (m = v->arch.vgic.cand; m && !ret; m &= m - 1) {
			struct vgic_irq *i =
				&v->arch.vgic.priv[__builtin_ctz(m)];

			ret = i->enabled && irq_is_pending(i);
		}
		for (w = 0; w < VGIC_SPI_WORDS && !ret; w++) {
			for (m = dist->spi_cand[w]; m && !ret; m &= m - 1) {
				struct vgic_irq *i =
					&dist->spi[32 * w + __builtin_ctz(m)];

				ret = spi_target(d, i) == v && i->enabled &&
				      irq_is_pending(i);
			}
		}
	}
	spin_unlock_irqrestore(&dist->lock, flags);
	return ret;
}

bool vgic_irq_state(struct vcpu *v, unsigned int irq)
{
	struct vgic_dist *dist = &v->domain->arch.vgic;
	struct vgic_irq *i;
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&dist->lock, flags);
	i = vgic_get_irq(v->domain, v, irq);
	ret = i && (irq_is_pending(i) || i->active);
	spin_unlock_irqrestore(&dist->lock, flags);
	return ret;
}

/* A list register candidate: priority, then INTID. */
struct lr_cand {
	u8 prio;
	u8 n;
};

/*
 * Add INTID @n of priority @prio to @sel, kept sorted by priority and, as
 * the INTIDs come in increasing order, by INTID among equals; at most
 * @cap entries, the worst falls off.
 */
static unsigned int cand_add(struct lr_cand *sel, unsigned int cnt,
			     unsigned int cap, u8 prio, unsigned int n)
{
	unsigned int p = cnt;

	if (cnt == cap) {
		if (sel[cap - 1].prio <= prio) {
			return cnt;
		}
		p = --cnt;
	}
	for (; p > 0 && sel[p - 1].prio > prio; p--) {
		sel[p] = sel[p - 1];
	}
	sel[p].prio = prio;
	sel[p].n = n;
	return cnt + 1;
}

/*
 * Add the deliverable interrupts of candidate mask @*mask (INTIDs @base +
 * bit) to @sel, dropping from the mask those that are not deliverable.
 * SPIs (@spi) routed to another vCPU than @v, or in another vCPU's list
 * registers, stay in the mask for that vCPU.
 */
static unsigned int cand_scan(struct domain *d, struct vcpu *v, u32 *mask,
			      struct vgic_irq *irqs, unsigned int base,
			      bool spi, struct lr_cand *sel, unsigned int cnt,
			      unsigned int cap)
{
	const struct vgic_dist *dist = &d->arch.vgic;
	u32 m;

	for (m = *mask; m; m &= m - 1) {
		unsigned int b = __builtin_ctz(m);
		struct vgic_irq *i = &irqs[b];

		if (i->in_lr) {
			continue;
		}
		if (!irq_deliverable(dist, i)) {
			*mask &= ~(1U << b);
			continue;
		}
		if (spi && spi_target(d, i) != v) {
			continue;
		}
		cnt = cand_add(sel, cnt, cap, i->priority, base + b);
	}
	return cnt;
}

static void __attribute__((noinline)) flush_lrs(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct vgic_dist *dist = &d->arch.vgic;
	struct vgic_cpu *c = &v->arch.vgic;
	unsigned int nr_lrs = MIN(gic_info.nr_lrs, (unsigned int)VGIC_MAX_LRS);
	struct lr_cand sel[VGIC_MAX_LRS + 1];
	unsigned int k, w, cnt;
	u64 hcr = ICH_HCR_EN;
	unsigned long flags;

	spin_lock_irqsave(&dist->lock, flags);
	/* The nr_lrs highest priority candidates, and whether more wait. */
	cnt = cand_scan(d, v, &c->cand, c->priv, 0, false, sel, 0, nr_lrs + 1);
	for (w = 0; w < VGIC_SPI_WORDS; w++) {
		cnt = cand_scan(d, v, &dist->spi_cand[w], &dist->spi[32 * w],
				32 + 32 * w, true, sel, cnt, nr_lrs + 1);
	}
	if (cnt > nr_lrs) {
		/* More waiting than fits: come back when the LRs run low. */
		hcr |= ICH_HCR_UIE;
		cnt = nr_lrs;
	}
	for (k = 0; k < cnt; k++) {
		unsigned int n = sel[k].n;
		struct vgic_irq *i = vgic_get_irq(d, v, n);
		u64 lr;

		lr = n | ((u64)i->priority << ICH_LR_PRIO_SHIFT) |
		     ICH_LR_GROUP1;
		if (irq_is_pending(i) && i->enabled) {
			lr |= ICH_LR_PENDING;
		}
		if (i->active) {
			lr |= ICH_LR_ACTIVE;
		}
		if (i->hw) {
			lr |= ICH_LR_HW | ((u64)n << ICH_LR_PINTID_SHIFT);
		} else if (!i->edge) {
			/* Resample the line when the guest deactivates it. */
			lr |= ICH_LR_EOI;
		}
		/* The pending latch of an edge interrupt moves to the LR. */
		i->pending = false;
		i->repend = false;
		i->in_lr = true;
		/* Back in the mask by vgic_sync_lrs() if still deliverable. */
		if (n < 32) {
			c->cand &= ~(1U << n);
		} else {
			dist->spi_cand[(n - 32) / 32] &= ~(1U << (n % 32));
		}
		c->lr_irq[k] = n;
		write_lr(k, lr);
	}
	c->nr_lr_used = cnt;
	spin_unlock_irqrestore(&dist->lock, flags);
	WRITE_SYSREG(hcr, ICH_HCR_EL2);
}

/* Any SPI candidate? Read without the lock (see vgic_flush_lrs()). */
static bool spi_cand_any(const struct vgic_dist *dist)
{
	u32 any = 0;
	unsigned int w;

	for (w = 0; w < VGIC_SPI_WORDS; w++) {
		any |= READ_ONCE(dist->spi_cand[w]);
	}
	return any;
}

void vgic_flush_lrs(struct vcpu *v)
{
	/*
	 * Nothing can be deliverable (the list registers are empty, synced
	 * after the last exit). Read without the lock: an interrupt made
	 * pending by another CPU after this is followed by a kick
	 * (vgic_notify()), which brings the vCPU straight back.
	 */
	if (!READ_ONCE(v->arch.vgic.cand) &&
	    !spi_cand_any(&v->domain->arch.vgic)) {
		WRITE_SYSREG(ICH_HCR_EN, ICH_HCR_EL2);
		return;
	}
	flush_lrs(v);
}

void vgic_sync_lrs(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct vgic_dist *dist = &d->arch.vgic;
	struct vgic_cpu *c = &v->arch.vgic;
	struct vcpu *wake = NULL;
	unsigned long flags;
	unsigned int n;

	WRITE_SYSREG(0, ICH_HCR_EL2);
	if (!c->nr_lr_used) {
		return;
	}
	spin_lock_irqsave(&dist->lock, flags);
	for (n = 0; n < c->nr_lr_used; n++) {
		u64 lr = read_lr(n);
		unsigned int irq = c->lr_irq[n];
		struct vgic_irq *i = vgic_get_irq(d, v, irq);

		i->in_lr = false;
		i->active = !!(lr & ICH_LR_ACTIVE);
		/*
		 * A level interrupt stays pending through its line, which
		 * the device drives: only a software latch survives.
		 */
		if (i->edge || i->hw) {
			i->pending = !!(lr & ICH_LR_PENDING) || i->repend;
		} else {
			i->pending = i->repend;
		}
		i->repend = false;
		if (i->hw && !i->pending && !i->active) {
			i->hw = false;
		}
		if (irq_deliverable(dist, i)) {
			vgic_mark(d, v, irq);
			/* An SPI rerouted while it was in this vCPU's LRs */
			if (irq >= 32 && spi_target(d, i) != v) {
				wake = spi_target(d, i);
			}
		}
		write_lr(n, 0);
	}
	c->nr_lr_used = 0;
	spin_unlock_irqrestore(&dist->lock, flags);
	if (wake) {
		vgic_notify(wake);
	}
}

void vgic_save(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;

	c->vmcr = READ_SYSREG(ICH_VMCR_EL2);
	c->ap0r0 = READ_SYSREG(ICH_AP0R0_EL2);
	c->ap1r0 = READ_SYSREG(ICH_AP1R0_EL2);
}

void vgic_restore(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;

	WRITE_SYSREG(c->vmcr, ICH_VMCR_EL2);
	WRITE_SYSREG(c->ap0r0, ICH_AP0R0_EL2);
	WRITE_SYSREG(c->ap1r0, ICH_AP1R0_EL2);
}

void vgic_sgi1r(struct vcpu *v, u64 val)
{
	struct domain *d = v->domain;
	unsigned int sgi = (val >> 24) & 0xf;
	u64 aff1 = (val >> 16) & 0xff, aff2 = (val >> 32) & 0xff;
	u64 aff3 = (val >> 48) & 0xff, rs = (val >> 44) & 0xf;
	bool all_but_self = val & (1UL << 40);
	u16 targets = val & 0xffff;
	unsigned int n;

	for (n = 0; n < d->nr_vcpus; n++) {
		struct vcpu *t = d->vcpus[n];
		u64 mp = t->arch.vmpidr;
		u64 aff0 = MPIDR_AFF0(mp);

		if (all_but_self) {
			if (t == v) {
				continue;
			}
		} else {
			if (MPIDR_AFF1(mp) != aff1 || MPIDR_AFF2(mp) != aff2 ||
			    MPIDR_AFF3(mp) != aff3 || (aff0 >> 4) != rs ||
			    !(targets & (1U << (aff0 & 0xf)))) {
				continue;
			}
		}
		vgic_inject(d, t, sgi, false);
	}
}

/* A shared-memory doorbell (common/shm.c) drives an SPI. */
void arch_shm_set_line(struct domain *d, unsigned int slot, bool level)
{
	vgic_set_line(d, 32 + XL_BOOT_SHM_SPI_BASE_ARM64 + slot, level);
}
