// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual GIC, the part shared by the GIC versions: interrupt state,
 * injection and the list register logic. The distributor and
 * redistributor register files are emulated in vgic-mmio.c; the CPU
 * interface side (GICv3: ICH_* / ICC_* system registers) in vgic-v3.c.
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
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/passthrough.h>
#include <xen-lite/sched.h>
#include <xen-lite/smp.h>
#include <xen-lite/work.h>
#include <xen-lite/shm.h>
#include <asm/gic-v2.h>
#include <asm/gic-v3.h>
#include <asm/io.h>
#include <asm/sysregs.h>
#include <asm/vgic.h>
#include <asm/vpl011.h>

/*
 * The hardware's virtual interface: the list registers and the control
 * register, GICv3's ICH_LR<n>_EL2 and ICH_HCR_EL2 or GICv2's GICH_LR<n>
 * and GICH_HCR (IHI 0048B 5.3). The shared code below builds list
 * register values in the ICH_LR<n>_EL2 layout; on GICv2 they are
 * converted on the way to GICH_LR<n> (priority bits [7:3], the group of
 * the interrupt: a Linux GICv2 guest uses Group 0; the source CPU of an
 * SGI, which the guest reads in GICV_IAR and writes back to GICV_EOIR)
 * and only the state comes back. GICH_HCR has ICH_HCR_EL2's bits.
 */
static void *gich(unsigned int off)
{
	return (void *)(uintptr_t)(gic_info.hyp_base + off);
}

static inline u32 lr_to_gich(u64 lr, const struct vgic_irq *i)
{
	unsigned int vid = lr & GICH_LR_VID_MASK;
	u32 v = vid |
		(u32)((lr >> ICH_LR_PRIO_SHIFT) & VGIC_PRIO_MASK)
			<< (GICH_LR_PRIO_SHIFT - 3) |
		(u32)(lr >> ICH_LR_STATE_SHIFT) << GICH_LR_STATE_SHIFT;

	if (lr & ICH_LR_HW) {
		v |= GICH_LR_HW |
		     (u32)((lr >> ICH_LR_PINTID_SHIFT) & GICH_LR_VID_MASK)
			     << GICH_LR_PID_SHIFT;
	} else {
		if (lr & ICH_LR_EOI) {
			v |= GICH_LR_EOI;
		}
		if (vid < 16) {
			v |= (u32)(i->sgi_src & 7) << GICH_LR_CPUID_SHIFT;
		}
	}
	if (i->group1) {
		v |= GICH_LR_GROUP1;
	}
	return v;
}

static inline u64 read_lr(unsigned int i)
{
	if (gic_v2()) {
		u32 v = readl(gich(GICH_LR0 + 4 * i));

		return (u64)((v >> GICH_LR_STATE_SHIFT) & 3)
		       << ICH_LR_STATE_SHIFT;
	}
	return ich_read_lr(i);
}

static inline void write_lr(unsigned int i, u64 v, const struct vgic_irq *irq)
{
	if (gic_v2()) {
		writel(irq ? lr_to_gich(v, irq) : 0, gich(GICH_LR0 + 4 * i));
		return;
	}
	ich_write_lr(i, v);
}

static inline void write_hcr(u64 hcr)
{
	if (gic_v2()) {
		writel(hcr, gich(GICH_HCR));
		return;
	}
	WRITE_SYSREG(hcr, ICH_HCR_EL2);
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

/* The vCPU an SPI is delivered to (IROUTER affinity, vCPU 0 if none). */
static struct vcpu *spi_target(struct domain *d, struct vgic_irq *irq)
{
	unsigned int t = irq->target;

	return t < d->nr_vcpus ? d->vcpus[t] : d->vcpus[0];
}

/*
 * @v looks at its candidates before its next entry. The vCPU running on
 * this CPU (a timer tick, an exit's own injection) needs no barrier: its
 * checks run later on this CPU, and the vGIC lock orders the rest.
 */
static __always_inline void vgic_work(struct vcpu *v)
{
	if (v == this_cpu()->curr) {
		work_raise_local(WORK_IRQ);
	} else {
		work_raise_vcpu(v, WORK_IRQ);
	}
}

/*
 * Make INTID @irq (of @v when private) a list register candidate again
 * after a change to its state (vGIC lock held). The vCPU it is for looks
 * at its candidates before its next entry (xen-lite/work.h: the run loop
 * skips vgic_flush_lrs() while the CPU's work word is empty); a remote
 * one is kicked by the caller (vgic_notify()).
 */
static __always_inline void vgic_mark(struct domain *d, struct vcpu *v,
				      unsigned int irq)
{
	if (irq < 32) {
		if (v) {
			v->arch.vgic.cand |= 1U << irq;
			vgic_work(v);
		}
	} else if (irq < VGIC_NR_IRQS) {
		d->arch.vgic.spi_cand[(irq - 32) / 32] |= 1U << (irq % 32);
		vgic_work(spi_target(d, &d->arch.vgic.spi[irq - 32]));
	}
}

void vgic_mark_all(struct domain *d)
{
	for (unsigned int n = 0; n < d->nr_vcpus; n++) {
		if (d->vcpus[n]) {
			work_raise_vcpu(d->vcpus[n], WORK_IRQ);
		}
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

/* @src: the sending vCPU of an SGI (GICv2 reports it), or -1. */
static __always_inline void inject(struct domain *d, struct vcpu *v,
				   unsigned int irq, bool hw, int src)
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
	if (src >= 0) {
		i->sgi_src = src;
	}
	if (i->in_lr) {
		i->repend = true;
	}
	vgic_mark(d, v, irq);
	spin_unlock_irqrestore(&dist->lock, flags);
	vgic_notify(target);
}

void vgic_inject(struct domain *d, struct vcpu *v, unsigned int irq, bool hw)
{
	inject(d, v, irq, hw, -1);
}

void vgic_inject_sgi(struct vcpu *v, unsigned int sgi, unsigned int src)
{
	inject(v->domain, v, sgi & 15, false, src);
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
	target = spi_target(d, i);
	if (rise) {
		/* Pending now: through the latch (edge) or the line. */
		dist->spi_cand[(irq - 32) / 32] |= 1U << (irq % 32);
		work_raise_vcpu(target, WORK_IRQ);
	}
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

bool vgic_vcpu_pending(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct vgic_dist *dist = &d->arch.vgic;
	unsigned long flags;
	bool ret = false;
	unsigned int w;
	u32 m;

	/*
	 * Only candidates are looked at below: none, no lock (issue 20: the
	 * lock round trip was twice on every WFI that blocks). An injection
	 * racing with this read sets its candidate bit and then, after a
	 * full barrier (work_raise()), reads the vCPU's state; the WFI path
	 * blocks, and after a full barrier looks again (arm_vcpu_wait()):
	 * one of the two sees the other, and the vCPU is woken.
	 */
	if (!vgic_cand_any(&v->arch.vgic, dist)) {
		return false;
	}
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

#ifdef CONFIG_DEBUG_WORK_CHECK
int vgic_debug_deliverable(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct vgic_dist *dist = &d->arch.vgic;
	unsigned long flags;
	int found = -1;

	spin_lock_irqsave(&dist->lock, flags);
	for (unsigned int n = 0; n < 32 && found < 0; n++) {
		const struct vgic_irq *i = &v->arch.vgic.priv[n];

		if (!i->in_lr && irq_deliverable(dist, i)) {
			found = (int)n;
		}
	}
	for (unsigned int n = 0; n < VGIC_NR_SPIS && found < 0; n++) {
		struct vgic_irq *i = &dist->spi[n];

		if (!i->in_lr && irq_deliverable(dist, i) &&
		    spi_target(d, i) == v) {
			found = (int)n + 32;
		}
	}
	spin_unlock_irqrestore(&dist->lock, flags);
	return found;
}
#endif

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

/*
 * Load INTID @n of @v (a candidate that is deliverable and not in a list
 * register) into list register @k (vGIC lock held).
 */
static __always_inline void load_lr(struct domain *d, struct vcpu *v,
				    unsigned int k, unsigned int n)
{
	struct vgic_cpu *c = &v->arch.vgic;
	struct vgic_irq *i = vgic_get_irq(d, v, n);
	u64 lr;

	lr = n | ((u64)i->priority << ICH_LR_PRIO_SHIFT) | ICH_LR_GROUP1;
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
		d->arch.vgic.spi_cand[(n - 32) / 32] &= ~(1U << (n % 32));
	}
	c->lr_irq[k] = n;
	write_lr(k, lr, i);
}

/*
 * flush_lrs() when one private interrupt waits and no SPI does (a timer
 * tick, an IPI: the common case): what flush_lrs() would do, list register
 * 0, without the candidate scan and sort (issue 20: some 180 of the 617
 * hypervisor instructions of an Arm virtual timer interrupt). The list
 * registers are empty (vgic_sync_lrs() after every exit). Return: false
 * if that is not the case under the lock; flush_lrs() then does it all.
 */
static bool flush_one_private(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct vgic_dist *dist = &d->arch.vgic;
	struct vgic_cpu *c = &v->arch.vgic;
	unsigned long flags;
	bool done = false;
	u32 m;

	spin_lock_irqsave(&dist->lock, flags);
	m = c->cand;
	if (m && !(m & (m - 1)) && !spi_cand_any(dist)) {
		unsigned int n = __builtin_ctz(m);

		if (irq_deliverable(dist, &c->priv[n])) {
			load_lr(d, v, 0, n);
			c->nr_lr_used = 1;
		} else {
			c->cand = 0;
		}
		done = true;
	}
	spin_unlock_irqrestore(&dist->lock, flags);
	if (done) {
		write_hcr(ICH_HCR_EN);
	}
	return done;
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
		/*
		 * More waiting than fits: come back when the LRs run low, and
		 * look again at every entry until they are all in.
		 */
		hcr |= ICH_HCR_UIE;
		cnt = nr_lrs;
		work_raise_local(WORK_IRQ);
	}
	for (k = 0; k < cnt; k++) {
		load_lr(d, v, k, sel[k].n);
	}
	c->nr_lr_used = cnt;
	spin_unlock_irqrestore(&dist->lock, flags);
	write_hcr(hcr);
}

void vgic_flush_lrs(struct vcpu *v)
{
	u32 cand = READ_ONCE(v->arch.vgic.cand);
	bool spis = spi_cand_any(&v->domain->arch.vgic);

	/*
	 * Nothing can be deliverable (the list registers are empty, synced
	 * after the last exit). Read without the lock: an interrupt made
	 * pending by another CPU after this is followed by a kick
	 * (vgic_notify()), which brings the vCPU straight back.
	 */
	if (!cand && !spis) {
		write_hcr(ICH_HCR_EN);
		return;
	}
	if (!spis && !(cand & (cand - 1)) && flush_one_private(v)) {
		return;
	}
	flush_lrs(v);
}

/*
 * Take list register @k back after an exit: the state of the interrupt it
 * held, from the register (vGIC lock held). Return: the vCPU to notify
 * for an SPI rerouted while it was in the register, or NULL.
 */
static __always_inline struct vcpu *unload_lr(struct domain *d, struct vcpu *v,
					      unsigned int k)
{
	struct vgic_dist *dist = &d->arch.vgic;
	u64 lr = read_lr(k);
	unsigned int irq = v->arch.vgic.lr_irq[k];
	struct vgic_irq *i = vgic_get_irq(d, v, irq);
	struct vcpu *wake = NULL;

	i->in_lr = false;
	i->active = !!(lr & ICH_LR_ACTIVE);
	/*
	 * A level interrupt stays pending through its line, which the device
	 * drives: only a software latch survives.
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
	write_lr(k, 0, NULL);
	return wake;
}

void vgic_sync_lrs(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct vgic_dist *dist = &d->arch.vgic;
	struct vgic_cpu *c = &v->arch.vgic;
	struct vcpu *wake = NULL;
	unsigned long flags;
	unsigned int n;

	/*
	 * No list register in use: ICH_HCR_EL2 is just En (vgic_flush_lrs()
	 * sets UIE only with every register full), which signals no
	 * maintenance interrupt (IHI 0069 12.5 ICH_MISR_EL2): it stays as
	 * it is, and an exit that injects nothing touches no vGIC register.
	 * Otherwise UIE goes before the registers are emptied (an underflow
	 * would signal one), and En stays for the next entry.
	 */
	if (!c->nr_lr_used) {
		return;
	}
	write_hcr(ICH_HCR_EN);
	spin_lock_irqsave(&dist->lock, flags);
	if (c->nr_lr_used == 1) {
		/*
		 * The common case (a timer tick, an IPI): list register 0 by
		 * name, without the loop (issue 20).
		 */
		wake = unload_lr(d, v, 0);
	} else {
		for (n = 0; n < c->nr_lr_used; n++) {
			struct vcpu *w = unload_lr(d, v, n);

			if (w) {
				wake = w;
			}
		}
	}
	c->nr_lr_used = 0;
	spin_unlock_irqrestore(&dist->lock, flags);
	if (wake) {
		vgic_notify(wake);
	}
}

void vgic_vcpu_put(void)
{
	/* The virtual CPU interface off while no vCPU is loaded. */
	write_hcr(0);
}

/* A shared-memory doorbell (common/shm.c) drives an SPI. */
void arch_shm_set_line(struct domain *d, unsigned int slot, bool level)
{
	vgic_set_line(d, 32 + XL_BOOT_SHM_SPI_BASE_ARM64 + slot, level);
}

/*
 * Forwarded SPIs (docs/passthrough.md). A host SPI given to a domain with
 * irqs is the vGIC SPI of the same INTID, marked in pt_spi. It stays
 * disabled at the distributor until the guest enables it in its vGIC;
 * then it is routed to the physical CPU that runs the vCPU the guest
 * routes it to (vCPUs do not migrate, so the route changes only with the
 * guest's GICD_IROUTER) and enabled. When it fires, the hypervisor drops
 * its priority and injects it with a hardware-linked list register (HW =
 * 1, pINTID = INTID): it stays active until the guest deactivates the
 * virtual interrupt, which deactivates the physical one with no exit
 * (IHI 0069 4.9, "Hardware-generated interrupts"); a device still
 * asserting its line then signals it again. Lock order: pt_lock, then a
 * domain's vGIC lock.
 */
static DEFINE_SPINLOCK(pt_lock);
static struct pt_spi {
	struct domain *d; /* owner, NULL if none */
	int cpu; /* physical CPU it is routed to and enabled for, or -1 */
} pt_spis[VGIC_NR_SPIS] = { [0 ... VGIC_NR_SPIS - 1] = { NULL, -1 } };

bool vgic_pt_forward(unsigned int irq)
{
	struct pt_spi *e;
	bool fwd = false;

	if (irq < 32 || irq >= VGIC_NR_IRQS) {
		return false;
	}
	e = &pt_spis[irq - 32];
	spin_lock(&pt_lock);
	if (e->d) {
		vgic_inject(e->d, NULL, irq, true);
		fwd = true;
	} else {
		/* Nobody's (a race with its unbinding): off for good. */
		gic_spi_enable(irq, false);
	}
	spin_unlock(&pt_lock);
	return fwd;
}

void vgic_pt_sync(struct domain *d)
{
	struct vgic_dist *dist = &d->arch.vgic;

	for (unsigned int w = 0; w < VGIC_SPI_WORDS; w++) {
		for (u32 m = READ_ONCE(dist->pt_spi[w]); m; m &= m - 1) {
			unsigned int n = 32 * w + __builtin_ctz(m);
			struct pt_spi *e = &pt_spis[n];
			unsigned long flags;
			int cpu = -1;

			spin_lock_irqsave(&pt_lock, flags);
			if (e->d != d) {
				spin_unlock_irqrestore(&pt_lock, flags);
				continue;
			}
			spin_lock(&dist->lock);
			if (dist->spi[n].enabled &&
			    (dist->ctlr & GICD_CTLR_ENABLE_G1)) {
				cpu = (int)spi_target(d, &dist->spi[n])
					      ->processor;
			}
			spin_unlock(&dist->lock);
			if (cpu != e->cpu) {
				if (cpu >= 0) {
					gic_route_spi(32 + n,
						      (unsigned int)cpu);
				}
				if ((cpu >= 0) != (e->cpu >= 0)) {
					gic_spi_enable(32 + n, cpu >= 0);
				}
				e->cpu = cpu;
			}
			spin_unlock_irqrestore(&pt_lock, flags);
		}
	}
}

int arch_passthrough_irq_bind(struct domain *d, u32 irq)
{
	struct vgic_dist *dist = &d->arch.vgic;
	unsigned int db = 32 + XL_BOOT_SHM_SPI_BASE_ARM64;
	unsigned long flags;
	int rc = 0;

	if (irq < 32 || irq >= VGIC_NR_IRQS || irq >= gic_info.nr_irqs ||
	    irq == VPL011_IRQ || (irq >= db && irq < db + d->cfg.nr_shm)) {
		printk(XL_ERR "domain %s: irqs %u: not an SPI its vGIC can "
			      "forward (32..%u, not its UART's or a "
			      "doorbell's)\n",
		       d->name, irq, VGIC_NR_IRQS - 1);
		return -EINVAL;
	}
	spin_lock_irqsave(&pt_lock, flags);
	if (pt_spis[irq - 32].d) {
		rc = -EBUSY;
	} else {
		pt_spis[irq - 32] = (struct pt_spi){ d, -1 };
		spin_lock(&dist->lock);
		dist->pt_spi[(irq - 32) / 32] |= 1U << (irq % 32);
		spin_unlock(&dist->lock);
	}
	spin_unlock_irqrestore(&pt_lock, flags);
	if (rc) {
		printk(XL_ERR "domain %s: irqs %u: forwarded to another "
			      "domain\n",
		       d->name, irq);
	}
	return rc;
}

void arch_passthrough_irq_unbind(struct domain *d, u32 irq)
{
	struct pt_spi *e =
		irq >= 32 && irq < VGIC_NR_IRQS ? &pt_spis[irq - 32] : NULL;
	unsigned long flags;
	bool active;

	if (!e) {
		return;
	}
	spin_lock_irqsave(&pt_lock, flags);
	if (e->d != d) {
		spin_unlock_irqrestore(&pt_lock, flags);
		return;
	}
	gic_spi_enable(irq, false);
	/* Forwarded and never deactivated by the guest (no vCPU runs). */
	active = gic_spi_clear_active(irq);
	*e = (struct pt_spi){ NULL, -1 };
	spin_unlock_irqrestore(&pt_lock, flags);
	printk("domain %u (%s): host interrupt %u masked%s\n", d->id, d->name,
	       irq, active ? ", its active state cleared" : "");
}
