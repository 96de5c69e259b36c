// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual GICv2 (Arm IHI 0048B), for guests of a GICv2 host: the
 * distributor is emulated here (registered with common/vmmio.c; the
 * registers it shares with GICv3 are vgic_irq_regs() of vgic-mmio.c,
 * the interrupt state and list registers vgic.c), the CPU interface is
 * the host's GICV frame mapped at the guest's GICC address, fed through
 * the GICH list registers. Per vCPU, GICH_VMCR and GICH_APR are switched.
 *
 * One security state (GICD_TYPER.SecurityExtn = 0), at most 8 vCPUs
 * (CPU interfaces 0..7 = vCPU ids). Differences from the architecture
 * that a Linux guest does not see: an SPI goes to the lowest vCPU of its
 * GICD_ITARGETSR byte (vCPU 0 when the byte is 0, where a GIC would
 * deliver it nowhere); the two group enables of GICD_CTLR act as one;
 * GICD_SPENDSGIR/CPENDSGIR keep one source per SGI (the last sender).
 * Unimplemented registers read as zero and ignore writes.
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/p2m.h>
#include <xen-lite/vmmio.h>
#include <xen-lite/work.h>
#include <asm/gic-v2.h>
#include <asm/gic-v3.h>
#include <asm/io.h>
#include <asm/vgic.h>

static void *gich(unsigned int off)
{
	return (void *)(uintptr_t)(gic_info.hyp_base + off);
}

void vgic_v2_save(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;

	c->vmcr = readl(gich(GICH_VMCR));
	c->ap1r0 = readl(gich(GICH_APR));
}

void vgic_v2_restore(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;

	writel(c->vmcr, gich(GICH_VMCR));
	writel(c->ap1r0, gich(GICH_APR));
}

/* GICD_SGIR (IHI 0048B 4.3.15): SGIs to a list, to the others, to self. */
static void sgir_write(struct vcpu *v, u32 val)
{
	struct domain *d = v->domain;
	unsigned int filter = (val >> 24) & 3, sgi = val & 0xf;
	u32 list = (val >> GICD_SGIR_CPUS_SHIFT) & 0xff;
	unsigned int n;

	for (n = 0; n < d->nr_vcpus; n++) {
		struct vcpu *t = d->vcpus[n];
		bool to;

		switch (filter) {
		case 0:
			to = list & (1U << n);
			break;
		case 1:
			to = t != v;
			break;
		case 2:
			to = t == v;
			break;
		default: /* reserved */
			to = false;
			break;
		}
		if (to) {
			vgic_inject_sgi(t, sgi, v->id);
		}
	}
}

/*
 * GICD_SPENDSGIR / GICD_CPENDSGIR: a byte per SGI of the accessing vCPU,
 * a bit per source CPU. Pending from one source at a time here.
 */
static void sgi_pend_access(struct vcpu *v, unsigned int first,
			    unsigned int size, bool set, bool write, u64 *val)
{
	unsigned int n;
	u64 r = 0;

	for (n = 0; n < size && first + n < 16; n++) {
		struct vgic_irq *i = &v->arch.vgic.priv[first + n];
		/* Only the CPU interfaces that exist can be sources. */
		u8 b = (*val >> (8 * n)) & ((1U << v->domain->nr_vcpus) - 1);

		if (!write) {
			if (i->pending) {
				r |= (u64)(1U << (i->sgi_src & 7)) << (8 * n);
			}
		} else if (b && set) {
			i->sgi_src = __builtin_ctz(b);
			i->pending = true;
			if (i->in_lr) {
				i->repend = true;
			}
		} else if (b && (b & (1U << (i->sgi_src & 7)))) {
			i->pending = false;
			i->repend = false;
		}
	}
	if (!write) {
		*val = r;
	}
}

/* GICD_ITARGETSR: a byte per interrupt; read-only own bit for 0..31. */
static void targets_access(struct domain *d, struct vcpu *v, unsigned int first,
			   unsigned int size, bool write, u64 *val)
{
	unsigned int n;
	u64 r = 0;

	for (n = 0; n < size; n++) {
		unsigned int irq = first + n;
		struct vgic_irq *i;

		if (irq < 32) {
			r |= (u64)(1U << v->id) << (8 * n);
			continue;
		}
		i = vgic_get_irq(d, NULL, irq);
		if (!i) {
			continue;
		}
		if (write) {
			u8 b = (*val >> (8 * n)) & 0xff;

			/* Only the CPU interfaces that exist. */
			b &= (1U << d->nr_vcpus) - 1;
			i->irouter = b;
			i->target = b ? __builtin_ctz(b) : 0;
		} else {
			r |= (u64)(i->irouter & 0xff) << (8 * n);
		}
	}
	if (!write) {
		*val = r;
	}
}

/* Does a GICv2 distributor offset address the banked SGI/PPI state? */
static bool banked(unsigned int off)
{
	if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
		return (off & 0x7f) < 4;
	}
	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x400) {
		return off < GICD_IPRIORITYR + 32;
	}
	return off >= GICD_ICFGR && off < GICD_ICFGR + 8;
}

/* Return: 1 handled, -EINVAL for an access the registers do not take. */
static int dist_access(struct vcpu *v, unsigned int off, unsigned int size,
		       bool write, u64 *val)
{
	struct domain *d = v->domain;
	struct vgic_dist *dist = &d->arch.vgic;

	if (vgic_irq_regs(d, banked(off) ? v : NULL, off, size, write, val)) {
		return 1;
	}
	if (off >= GICD_ITARGETSR && off < GICD_ITARGETSR + 0x400 &&
	    (size == 1 || size == 4)) {
		targets_access(d, v, off - GICD_ITARGETSR, size, write, val);
		return 1;
	}
	if (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 0x10 &&
	    (size == 1 || size == 4)) {
		bool set = off >= GICD_SPENDSGIR;

		sgi_pend_access(v,
				off - (set ? GICD_SPENDSGIR : GICD_CPENDSGIR),
				size, set, write, val);
		return 1;
	}
	if (size != 4) {
		return -EINVAL;
	}
	switch (off) {
	case GICD_CTLR:
		if (write) {
			dist->v2_ctlr = *val & (GICD_CTLR_ENABLE_G0 |
						GICD_CTLR_ENABLE_G1);
			/* One enable for both groups (see the top). */
			dist->ctlr = dist->v2_ctlr ? GICD_CTLR_ENABLE_G1 : 0;
		} else {
			*val = dist->v2_ctlr;
		}
		return 1;
	case GICD_TYPER:
		if (!write) {
			/* ITLinesNumber, CPUNumber, no Security Extensions */
			*val = (VGIC_NR_IRQS / 32 - 1) |
			       ((d->nr_vcpus - 1) << GICD_TYPER_CPUS_SHIFT);
		}
		return 1;
	case GICD_IIDR:
		if (!write) {
			*val = 0x43b; /* Arm as implementer */
		}
		return 1;
	case GICD_SGIR:
		/* Write-only; writes are taken by dist_mmio() before the lock. */
		if (!write) {
			*val = 0;
		}
		return 1;
	case GICD_V2_PIDR2:
		if (!write) {
			*val = GIC_PIDR2_ARCH_V2 | 0xb;
		}
		return 1;
	default:
		if (!write) {
			*val = 0;
		}
		return 1;
	}
}

/* Writes that may make an interrupt of another vCPU deliverable. */
static bool may_deliver(unsigned int off)
{
	return (off >= GICD_ISENABLER && off < GICD_ISENABLER + 0x80) ||
	       (off >= GICD_ISPENDR && off < GICD_ISPENDR + 0x80) ||
	       (off >= GICD_ITARGETSR && off < GICD_ITARGETSR + 0x400) ||
	       off == GICD_CTLR || off == GICD_SGIR ||
	       (off >= GICD_SPENDSGIR && off < GICD_SPENDSGIR + 0x10);
}

static int dist_mmio(struct vcpu *v, void *priv, paddr_t off, unsigned int size,
		     bool write, u64 *val)
{
	struct domain *d = v->domain;
	struct vgic_dist *dist = &d->arch.vgic;
	unsigned long flags;
	int ret;

	/* Byte and word accesses only (IHI 0048B 4.1.4). */
	if ((size != 1 && size != 4) || !IS_ALIGNED(off, size) ||
	    off >= VGIC_V2_DIST_SIZE) {
		return -EINVAL;
	}
	if (write && off == GICD_SGIR && size == 4) {
		/* vgic_inject_sgi() takes the lock and notifies itself. */
		sgir_write(v, *val);
		return 0;
	}
	spin_lock_irqsave(&dist->lock, flags);
	ret = dist_access(v, off, size, write, val);
	if (ret > 0 && write) {
		vgic_mark_dist(d, off);
		/* Banked state: this vCPU's SGIs and PPIs. */
		v->arch.vgic.cand = ~0U;
		work_raise_vcpu(v, WORK_IRQ);
	}
	spin_unlock_irqrestore(&dist->lock, flags);
	if (ret > 0 && write && may_deliver(off)) {
		vgic_wake_others(v);
	}
	if (ret > 0 && write) {
		vgic_pt_sync(d);
	}
	return ret < 0 ? ret : 0;
}

static const struct vmmio_ops dist_ops = { "vgic-v2-dist", dist_mmio };

int vgic_v2_domain_init(struct domain *d)
{
	int rc;

	if (d->cfg.vcpus > VGIC_V2_MAX_VCPUS) {
		printk(XL_ERR "d%u: %u vCPUs, a GICv2 host gives guests a "
			      "GICv2, which has at most %u CPU interfaces\n",
		       d->id, d->cfg.vcpus, VGIC_V2_MAX_VCPUS);
		return -EINVAL;
	}
	rc = vmmio_register(d, VGIC_DIST_BASE, VGIC_V2_DIST_SIZE, &dist_ops,
			    NULL);
	if (rc) {
		return rc;
	}
	/*
	 * The guest's GICC is the host's GICV: its accesses go straight to
	 * the virtual CPU interface of the CPU it runs on (IHI 0048B 5.4).
	 */
	return p2m_set_entry(d->p2m, _gfn(VGIC_V2_CPU_BASE >> PAGE_SHIFT),
			     VGIC_V2_CPU_SIZE >> PAGE_SHIFT,
			     _mfn(gic_info.vcpu_base >> PAGE_SHIFT),
			     p2m_mmio_direct_dev);
}
