// SPDX-License-Identifier: GPL-2.0
/*
 * Register files of the virtual GICv3 distributor and redistributors
 * (Arm IHI 0069 chapter 12). Affinity routing is always enabled, there is
 * a single security state (GICD_CTLR.DS = 1) and no LPIs: enough for
 * Linux's irq-gic-v3 driver. Unimplemented registers read as zero and
 * ignore writes, as the architecture allows for reserved locations.
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/smp.h>
#include <xen-lite/vmmio.h>
#include <xen-lite/work.h>
#include <asm/gic-v3.h>
#include <asm/sysregs.h>
#include <asm/vgic.h>

enum bitop {
	BIT_GROUP,
	BIT_SENABLE,
	BIT_CENABLE,
	BIT_SPEND,
	BIT_CPEND,
	BIT_SACTIVE,
	BIT_CACTIVE,
};

static bool bit_get(struct vgic_irq *i, enum bitop op)
{
	switch (op) {
	case BIT_GROUP:
		return i->group1;
	case BIT_SENABLE:
	case BIT_CENABLE:
		return i->enabled;
	case BIT_SPEND:
	case BIT_CPEND:
		return i->pending || (!i->edge && i->line);
	default:
		return i->active;
	}
}

static void bit_set(struct vgic_irq *i, enum bitop op, bool val)
{
	switch (op) {
	case BIT_GROUP:
		i->group1 = val;
		break;
	case BIT_SENABLE:
		if (val) {
			i->enabled = true;
		}
		break;
	case BIT_CENABLE:
		if (val) {
			i->enabled = false;
		}
		break;
	case BIT_SPEND:
		if (val) {
			i->pending = true;
			if (i->in_lr) {
				i->repend = true;
			}
		}
		break;
	case BIT_CPEND:
		if (val) {
			i->pending = false;
			i->repend = false;
		}
		break;
	case BIT_SACTIVE:
		if (val) {
			i->active = true;
		}
		break;
	case BIT_CACTIVE:
		if (val) {
			i->active = false;
		}
		break;
	}
}

/* A 32-bit one-bit-per-interrupt register covering INTIDs [first, +32). */
static void bits_access(struct domain *d, struct vcpu *v, unsigned int first,
			enum bitop op, bool write, u64 *val)
{
	unsigned int n;
	u32 r = 0;

	for (n = 0; n < 32; n++) {
		struct vgic_irq *i = vgic_get_irq(d, v, first + n);

		if (!i) {
			continue;
		}
		if (write) {
			bit_set(i, op, (*val >> n) & 1);
		} else if (bit_get(i, op)) {
			r |= 1U << n;
		}
	}
	if (!write) {
		*val = r;
	}
}

/* IPRIORITYR: one byte per interrupt, byte or word accesses. */
static void prio_access(struct domain *d, struct vcpu *v, unsigned int first,
			unsigned int size, bool write, u64 *val)
{
	unsigned int n;
	u64 r = 0;

	for (n = 0; n < size; n++) {
		struct vgic_irq *i = vgic_get_irq(d, v, first + n);

		if (!i) {
			continue;
		}
		if (write) {
			i->priority = (*val >> (8 * n)) & VGIC_PRIO_MASK;
		} else {
			r |= (u64)i->priority << (8 * n);
		}
	}
	if (!write) {
		*val = r;
	}
}

/* ICFGR: two bits per interrupt, bit 1 of each pair = edge. */
static void cfg_access(struct domain *d, struct vcpu *v, unsigned int first,
		       bool write, u64 *val)
{
	unsigned int n;
	u32 r = 0;

	for (n = 0; n < 16; n++) {
		struct vgic_irq *i = vgic_get_irq(d, v, first + n);

		if (!i) {
			continue;
		}
		if (write) {
			/* SGIs are always edge; writes are ignored. */
			if (first + n >= 16) {
				i->edge = (*val >> (2 * n + 1)) & 1;
			}
		} else if (i->edge) {
			r |= 2U << (2 * n);
		}
	}
	if (!write) {
		*val = r;
	}
}

/*
 * The registers common to GICD (SPIs, @v == NULL) and the SGI_base frame
 * of GICR (private interrupts of @v). @first_base is the INTID of bit 0
 * of the first register of each bank. Return: true when @off is one of
 * them.
 */
bool vgic_irq_regs(struct domain *d, struct vcpu *v, unsigned int off,
		   unsigned int size, bool write, u64 *val)
{
	static const struct {
		unsigned int base;
		enum bitop op;
	} banks[] = {
		{ GICD_IGROUPR, BIT_GROUP },
		{ GICD_ISENABLER, BIT_SENABLE },
		{ GICD_ICENABLER, BIT_CENABLE },
		{ GICD_ISPENDR, BIT_SPEND },
		{ GICD_ICPENDR, BIT_CPEND },
		{ GICD_ISACTIVER, BIT_SACTIVE },
		{ GICD_ICACTIVER, BIT_CACTIVE },
	};
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(banks); k++) {
		if (off >= banks[k].base && off < banks[k].base + 0x80) {
			unsigned int first = (off - banks[k].base) * 8;

			if (size != 4) {
				return false;
			}
			if ((v && first >= 32) || (!v && first < 32)) {
				if (!write) {
					*val = 0;
				}
				return true;
			}
			bits_access(d, v, first, banks[k].op, write, val);
			return true;
		}
	}
	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x400) {
		unsigned int first = off - GICD_IPRIORITYR;

		if ((v && first >= 32) || (!v && first < 32)) {
			if (!write) {
				*val = 0;
			}
			return true;
		}
		prio_access(d, v, first, size, write, val);
		return true;
	}
	if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100 && size == 4) {
		unsigned int first = (off - GICD_ICFGR) * 4;

		if ((v && first >= 32) || (!v && first < 32)) {
			if (!write) {
				*val = 0;
			}
			return true;
		}
		cfg_access(d, v, first, write, val);
		return true;
	}
	return false;
}

static struct vcpu *vcpu_by_affinity(struct domain *d, u64 aff)
{
	unsigned int n;

	for (n = 0; n < d->nr_vcpus; n++) {
		if ((d->vcpus[n]->arch.vmpidr & MPIDR_AFF_MASK) ==
		    (aff & MPIDR_AFF_MASK)) {
			return d->vcpus[n];
		}
	}
	return NULL;
}

static int dist_access(struct vcpu *v, unsigned int off, unsigned int size,
		       bool write, u64 *val)
{
	struct domain *d = v->domain;
	struct vgic_dist *dist = &d->arch.vgic;

	if (vgic_irq_regs(d, NULL, off, size, write, val)) {
		return 1;
	}
	if (off >= GICD_IROUTER + 32 * 8 &&
	    off < GICD_IROUTER + VGIC_NR_IRQS * 8 && (size == 8 || size == 4)) {
		unsigned int irq = (off - GICD_IROUTER) / 8;
		struct vgic_irq *i = &dist->spi[irq - 32];
		bool high = off & 4;

		if (write) {
			u64 r = i->irouter;
			struct vcpu *t;

			if (size == 8) {
				r = *val;
			} else if (high) {
				r = (r & 0xffffffffULL) | (*val << 32);
			} else {
				r = (r & ~0xffffffffULL) |
				    (*val & 0xffffffffULL);
			}
			i->irouter = r & (MPIDR_AFF_MASK | (1UL << 31));
			t = vcpu_by_affinity(d, r & ~(1UL << 31));
			i->target = t ? t->id : 0;
		} else {
			*val = size == 8 ? i->irouter :
			       high	 ? i->irouter >> 32 :
					   i->irouter & 0xffffffffULL;
		}
		return 1;
	}
	if (size != 4) {
		return -EINVAL;
	}
	switch (off) {
	case GICD_CTLR:
		if (write) {
			dist->ctlr = *val & (GICD_CTLR_ENABLE_G0 |
					     GICD_CTLR_ENABLE_G1);
		} else {
			*val = dist->ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
		}
		return 1;
	case GICD_TYPER:
		if (!write) {
			/* ITLinesNumber, IDbits = 10 bits, No1N */
			*val = (VGIC_NR_IRQS / 32 - 1) | (9U << 19) |
			       (1U << 25);
		}
		return 1;
	case GICD_IIDR:
		if (!write) {
			*val = 0x43b; /* Arm as implementer */
		}
		return 1;
	case GICD_PIDR2:
		if (!write) {
			*val = GIC_PIDR2_ARCH_V3 | 0xb;
		}
		return 1;
	default:
		if (!write) {
			*val = 0;
		}
		return 1;
	}
}

static int redist_access(struct vcpu *v, struct vcpu *t, unsigned int off,
			 unsigned int size, bool write, u64 *val)
{
	struct domain *d = v->domain;

	if (off >= GICR_SGI_OFFSET) {
		off -= GICR_SGI_OFFSET;
		if (vgic_irq_regs(d, t, off, size, write, val)) {
			return 1;
		}
		if (!write) {
			*val = 0;
		}
		return 1;
	}
	if (off == GICR_TYPER && (size == 8 || size == 4)) {
		u64 mp = t->arch.vmpidr;
		u64 typer = ((MPIDR_AFF3(mp) << 56) | (MPIDR_AFF2(mp) << 48) |
			     (MPIDR_AFF1(mp) << 40) | (MPIDR_AFF0(mp) << 32)) |
			    ((u64)t->id << 8);

		if (t->id == d->nr_vcpus - 1) {
			typer |= GICR_TYPER_LAST;
		}
		if (!write) {
			*val = size == 8 ? typer : typer & 0xffffffffULL;
		}
		return 1;
	}
	if (off == GICR_TYPER + 4 && size == 4) {
		if (!write) {
			u64 mp = t->arch.vmpidr;

			*val = (MPIDR_AFF3(mp) << 24) | (MPIDR_AFF2(mp) << 16) |
			       (MPIDR_AFF1(mp) << 8) | MPIDR_AFF0(mp);
		}
		return 1;
	}
	if (size != 4 && size != 8) {
		return -EINVAL;
	}
	switch (off) {
	case GICR_WAKER:
		if (write) {
			/* ChildrenAsleep follows ProcessorSleep at once. */
			t->arch.vgic.waker = (*val & GICR_WAKER_PS) ?
						     GICR_WAKER_PS |
							     GICR_WAKER_CA :
						     0;
		} else {
			*val = t->arch.vgic.waker;
		}
		return 1;
	case GICR_IIDR:
		if (!write) {
			*val = 0x43b;
		}
		return 1;
	case GICR_PIDR2:
		if (!write) {
			*val = GIC_PIDR2_ARCH_V3 | 0xb;
		}
		return 1;
	default:
		if (!write) {
			*val = 0;
		}
		return 1;
	}
}

/* Is @gpa an ISENABLER or ISPENDR register (GICD or GICR SGI frame)? */
static bool may_deliver(paddr_t gpa)
{
	u64 off;

	if (gpa >= VGIC_DIST_BASE && gpa < VGIC_DIST_BASE + VGIC_DIST_SIZE) {
		off = gpa - VGIC_DIST_BASE;
	} else {
		off = (gpa - VGIC_REDIST_BASE) % VGIC_REDIST_STRIDE;
		if (off < GICR_SGI_OFFSET) {
			return false;
		}
		off -= GICR_SGI_OFFSET;
	}
	return (off >= GICD_ISENABLER && off < GICD_ISENABLER + 0x80) ||
	       (off >= GICD_ISPENDR && off < GICD_ISPENDR + 0x80);
}

/*
 * After a write to the distributor at @off: every SPI may have become
 * deliverable (enable, pending, active, trigger mode, routing), and with
 * GICD_CTLR the SGIs and PPIs of every vCPU too. Writes are rare (setup,
 * affinity changes): no need to be more precise. vGIC lock held.
 */
void vgic_mark_dist(struct domain *d, unsigned int off)
{
	unsigned int n;

	memset(d->arch.vgic.spi_cand, 0xff, sizeof(d->arch.vgic.spi_cand));
	if (off == GICD_CTLR) {
		for (n = 0; n < d->nr_vcpus; n++) {
			d->vcpus[n]->arch.vgic.cand = ~0U;
		}
	}
	vgic_mark_all(d);
}

/* An enable or a pending write may wake another vCPU. */
void vgic_wake_others(struct vcpu *v)
{
	struct domain *d = v->domain;
	unsigned int n;

	for (n = 0; n < d->nr_vcpus; n++) {
		struct vcpu *t = d->vcpus[n];

		if (t != v && vgic_vcpu_pending(t)) {
			vgic_notify(t);
		}
	}
}

static void wake_others(struct vcpu *v, paddr_t gpa)
{
	if (may_deliver(gpa)) {
		vgic_wake_others(v);
	}
}

static int dist_mmio(struct vcpu *v, void *priv, paddr_t off, unsigned int size,
		     bool write, u64 *val)
{
	struct domain *d = v->domain;
	struct vgic_dist *dist = &d->arch.vgic;
	unsigned long flags;
	int ret;

	if (!IS_ALIGNED(off, size)) {
		return -EINVAL;
	}
	spin_lock_irqsave(&dist->lock, flags);
	ret = dist_access(v, off, size, write, val);
	if (ret > 0 && write) {
		vgic_mark_dist(d, off);
	}
	spin_unlock_irqrestore(&dist->lock, flags);
	if (ret > 0 && write) {
		wake_others(v, VGIC_DIST_BASE + off);
		vgic_pt_sync(d);
	}
	return ret < 0 ? ret : 0;
}

static int redist_mmio(struct vcpu *v, void *priv, paddr_t off,
		       unsigned int size, bool write, u64 *val)
{
	struct domain *d = v->domain;
	struct vgic_dist *dist = &d->arch.vgic;
	struct vcpu *t = d->vcpus[off / VGIC_REDIST_STRIDE];
	unsigned long flags;
	int ret;

	if (!IS_ALIGNED(off, size)) {
		return -EINVAL;
	}
	spin_lock_irqsave(&dist->lock, flags);
	ret = redist_access(v, t, off % VGIC_REDIST_STRIDE, size, write, val);
	if (ret > 0 && write) {
		/* Any SGI/PPI of @t may have become deliverable. */
		t->arch.vgic.cand = ~0U;
		work_raise_vcpu(t, WORK_IRQ);
	}
	spin_unlock_irqrestore(&dist->lock, flags);
	if (ret > 0 && write) {
		wake_others(v, VGIC_REDIST_BASE + off);
	}
	return ret < 0 ? ret : 0;
}

static const struct vmmio_ops dist_ops = { "vgic-dist", dist_mmio };
static const struct vmmio_ops redist_ops = { "vgic-redist", redist_mmio };

int vgic_mmio_register(struct domain *d)
{
	/* One redistributor frame pair per vCPU the domain will have. */
	return vmmio_register(d, VGIC_DIST_BASE, VGIC_DIST_SIZE, &dist_ops, NULL) ?:
		       vmmio_register(d, VGIC_REDIST_BASE,
				      (paddr_t)d->cfg.vcpus *
					      VGIC_REDIST_STRIDE,
				      &redist_ops, NULL);
}
