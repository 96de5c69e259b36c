// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated PLIC. Register map (PLIC specification v1.0.0, "Memory Map"):
 *   0x000000 + 4 * src          priority of source src (1..31)
 *   0x001000                    pending bits of sources 0..31
 *   0x002000 + 0x80 * ctx       enable bits of context ctx
 *   0x200000 + 0x1000 * ctx     threshold of context ctx
 *   0x200004 + 0x1000 * ctx     claim (read) / complete (write)
 * Context n is the S-mode external interrupt of vCPU n; its level drives
 * that vCPU's VSEIP (hvip). Sources are level-triggered: the gateway
 * forwards a high level as pending unless the source is claimed and not
 * yet completed.
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/vmmio.h>
#include <xen-lite/shm.h>
#include <xen-lite/passthrough.h>
#include <xen-lite/smp.h>
#include <public/boot_schema.h>
#include <asm/inject.h>
#include <asm/irqchip.h>
#include <asm/vaplic.h>
#include <asm/vcpu.h>
#include <asm/vplic.h>
#include <asm/vuart.h>

#define PLIC_PRIORITY 0x000000
#define PLIC_PENDING 0x001000
#define PLIC_ENABLE 0x002000
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT 0x200000
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_SOURCE_MASK (~1U) /* source 0 does not exist */

static inline struct vplic *dom_vplic(struct domain *d)
{
	return &d->arch.vplic;
}

static const struct vmmio_ops vplic_ops = { "vplic", vplic_mmio };

int vplic_init(struct domain *d, unsigned int nr_contexts)
{
	struct vplic *p = dom_vplic(d);

	memset(p, 0, sizeof(*p));
	spin_lock_init(&p->lock);
	p->nr_contexts = MIN(nr_contexts, (unsigned int)VPLIC_MAX_CONTEXTS);
	return vmmio_register(d, VPLIC_BASE, VPLIC_SIZE, &vplic_ops, NULL);
}

/*
 * The index of the lowest set bit of @x (not 0). __builtin_ctz() is a
 * libgcc call of about 50 instructions on a hart without Zbb (rv64gc),
 * two of them in each vPLIC claim (issue 20, tests/bench/disk.sh
 * --trace): a de Bruijn sequence instead, 0x077CB531 (every 5-bit window
 * of it differs), so the top 5 bits of it shifted by the bit's index name
 * the index; tab[] inverts that.
 */
static inline unsigned int lowest_bit(u32 x)
{
	static const u8 tab[32] = { 0,	1,  28, 2,  29, 14, 24, 3,  30, 22, 20,
				    15, 25, 17, 4,  8,	31, 27, 13, 23, 21, 19,
				    16, 7,  26, 12, 18, 6,  11, 5,  10, 9 };

	return tab[((x & -x) * 0x077CB531U) >> 27];
}

/* Highest-priority source claimable by @ctx, or 0. Lock held. */
static unsigned int best_source(const struct vplic *p, unsigned int ctx)
{
	u32 cand = p->pending & p->enable[ctx] & PLIC_SOURCE_MASK;
	u32 best_prio = p->threshold[ctx];
	unsigned int best = 0;

	while (cand) {
		unsigned int src = lowest_bit(cand);

		cand &= cand - 1;
		if (p->priority[src] > best_prio) {
			best_prio = p->priority[src];
			best = src;
		}
	}
	return best;
}

/*
 * Recompute every context's output line; notify vCPUs whose line changed.
 * Called with the lock held; notifying only sets flags and sends IPIs.
 */
static void update_outputs(struct domain *d)
{
	struct vplic *p = dom_vplic(d);
	unsigned int ctx;

	for (ctx = 0; ctx < p->nr_contexts && ctx < d->nr_vcpus; ctx++) {
		struct vcpu *v = d->vcpus[ctx];
		bool level = best_source(p, ctx) != 0;

		if (!v || READ_ONCE(v->arch.eip_level) == level) {
			continue;
		}
		WRITE_ONCE(v->arch.eip_level, level);
		riscv_vcpu_notify(v);
	}
}

/* Gateway: a high, unclaimed source becomes pending. Lock held. */
static void gateway(struct vplic *p, unsigned int src)
{
	u32 bit = 1U << src;

	if ((p->level & bit) && !(p->claimed & bit)) {
		p->pending |= bit;
	} else if (!(p->level & bit)) {
		p->pending &= ~bit;
	}
}

void vplic_set_level(struct domain *d, unsigned int src, bool level)
{
	struct vplic *p = dom_vplic(d);
	unsigned long flags;

	if (d->arch.aia) {
		vaplic_set_level(d, src, level);
		return;
	}
	if (!src || src >= VPLIC_NR_SOURCES) {
		return;
	}
	/*
	 * The line as it is already: nothing to do. Every change of the
	 * gateway's other inputs (a claim, a completion) and of the
	 * outputs' (enables, priorities, thresholds) applies the gateway
	 * and recomputes the outputs itself, so the state is already what
	 * this call would make it. The UART model sets its line on every
	 * register access (issue 20: 118 of the 627 instructions of a
	 * riscv64 vUART read were this). Unlocked: a racing change of the
	 * line is ordered after this call.
	 */
	if (!(READ_ONCE(p->level) & (1U << src)) == !level) {
		return;
	}
	spin_lock_irqsave(&p->lock, flags);
	if (level) {
		p->level |= 1U << src;
	} else {
		p->level &= ~(1U << src);
	}
	gateway(p, src);
	update_outputs(d);
	spin_unlock_irqrestore(&p->lock, flags);
}

/*
 * Forwarded sources (docs/passthrough.md). A host source given to a domain
 * with irqs is the vPLIC source of the same number, marked in its hw mask.
 * The host controller signals it to the CPU of the vCPU whose context the
 * guest enabled it in (vCPUs do not migrate, so that route holds until the
 * guest changes its enables); vplic_host_irq() raises the line. The guest
 * claims it, quiets the device and completes it: the line goes low and the
 * host claim is completed, so that a device still asserting it is signalled
 * again. Lock order: pt_lock, then a vPLIC's lock; the host controller is
 * called under pt_lock only.
 */
static const struct irqchip_ops *host_chip;
static DEFINE_SPINLOCK(pt_lock);
static struct pt_irq {
	struct domain *d; /* owner, NULL if none */
	int cpu; /* CPU the host source is routed to, -1 if masked */
	bool inflight; /* claimed on the host, the guest's completion due */
} pt_irqs[VPLIC_NR_SOURCES];

void vplic_set_host_chip(const struct irqchip_ops *chip)
{
	host_chip = chip;
	for (unsigned int i = 0; i < VPLIC_NR_SOURCES; i++)
		pt_irqs[i].cpu = -1;
}

/* Interrupts off (the supervisor external interrupt). */
void vplic_host_irq(unsigned int irq)
{
	struct pt_irq *e = irq < VPLIC_NR_SOURCES ? &pt_irqs[irq] : NULL;

	spin_lock(&pt_lock);
	if (!e || !e->d) {
		/* Nobody's (a race with its unbinding): masked, let go. */
		host_chip->route(irq, smp_processor_id(), false);
		host_chip->complete(irq);
		spin_unlock(&pt_lock);
		return;
	}
	e->inflight = true;
	vplic_set_level(e->d, irq, true);
	spin_unlock(&pt_lock);
}

/* The guest completed forwarded source @irq: so does the host. */
static void pt_eoi(struct domain *d, unsigned int irq)
{
	struct pt_irq *e = &pt_irqs[irq];
	unsigned long flags;

	spin_lock_irqsave(&pt_lock, flags);
	if (e->d == d && e->inflight) {
		e->inflight = false;
		host_chip->complete(irq);
	}
	spin_unlock_irqrestore(&pt_lock, flags);
}

/*
 * Route forwarded source @irq of @d to the CPU of the first vCPU whose
 * context enables it, or mask it when none does. The enables are read
 * here, under both locks, so that two racing writes end in the route of
 * the last.
 */
static void pt_retarget(struct domain *d, unsigned int irq)
{
	struct vplic *p = dom_vplic(d);
	struct pt_irq *e = &pt_irqs[irq];
	unsigned long flags;
	int cpu = -1;

	spin_lock_irqsave(&pt_lock, flags);
	if (e->d != d) {
		spin_unlock_irqrestore(&pt_lock, flags);
		return;
	}
	spin_lock(&p->lock);
	for (unsigned int c = 0; c < p->nr_contexts && c < d->nr_vcpus; c++) {
		if ((p->enable[c] & (1U << irq)) && d->vcpus[c]) {
			cpu = (int)d->vcpus[c]->processor;
			break;
		}
	}
	spin_unlock(&p->lock);
	if (cpu != e->cpu) {
		if (e->cpu >= 0)
			host_chip->route(irq, (unsigned int)e->cpu, false);
		if (cpu >= 0)
			host_chip->route(irq, (unsigned int)cpu, true);
		e->cpu = cpu;
	}
	spin_unlock_irqrestore(&pt_lock, flags);
}

int arch_passthrough_irq_bind(struct domain *d, u32 irq)
{
	struct vplic *p = dom_vplic(d);
	unsigned long flags;
	int rc = 0;

	if (!host_chip) {
		printk(XL_ERR "domain %s: irqs %u: no host interrupt "
			      "controller to forward it from\n",
		       d->name, irq);
		return -ENODEV;
	}
	if (d->arch.aia) {
		/*
		 * Forwarding follows the vPLIC's enables and completions; a
		 * domain with an AIA (vAPLIC) has neither yet.
		 */
		printk(XL_ERR "domain %s: irqs %u: interrupt forwarding into a "
			      "domain with an AIA is not supported yet\n",
		       d->name, irq);
		return -EOPNOTSUPP;
	}
	if (!irq || irq >= VPLIC_NR_SOURCES || irq == VUART_IRQ ||
	    (irq >= XL_BOOT_SHM_IRQ_BASE_RISCV64 &&
	     irq < XL_BOOT_SHM_IRQ_BASE_RISCV64 + d->cfg.nr_shm)) {
		printk(XL_ERR "domain %s: irqs %u: not a source its vPLIC "
			      "can forward (1..%u, not its UART's or a "
			      "doorbell's)\n",
		       d->name, irq, VPLIC_NR_SOURCES - 1);
		return -EINVAL;
	}
	spin_lock_irqsave(&pt_lock, flags);
	if (pt_irqs[irq].d) {
		rc = -EBUSY;
	} else {
		pt_irqs[irq] = (struct pt_irq){ d, -1, false };
		spin_lock(&p->lock);
		p->hw |= 1U << irq;
		spin_unlock(&p->lock);
	}
	spin_unlock_irqrestore(&pt_lock, flags);
	if (rc)
		printk(XL_ERR "domain %s: irqs %u: forwarded to another "
			      "domain\n",
		       d->name, irq);
	return rc;
}

void arch_passthrough_irq_unbind(struct domain *d, u32 irq)
{
	struct pt_irq *e = irq < VPLIC_NR_SOURCES ? &pt_irqs[irq] : NULL;
	unsigned long flags;
	bool inflight;

	if (!e || !host_chip)
		return;
	spin_lock_irqsave(&pt_lock, flags);
	if (e->d != d) {
		spin_unlock_irqrestore(&pt_lock, flags);
		return;
	}
	if (e->cpu >= 0)
		host_chip->route(irq, (unsigned int)e->cpu, false);
	inflight = e->inflight;
	if (inflight)
		host_chip->complete(irq);
	*e = (struct pt_irq){ NULL, -1, false };
	spin_unlock_irqrestore(&pt_lock, flags);
	printk("domain %u (%s): host interrupt %u masked%s\n", d->id, d->name,
	       irq, inflight ? ", its open claim completed" : "");
}

static u32 claim(struct vplic *p, unsigned int ctx)
{
	unsigned int src = best_source(p, ctx);

	if (src) {
		p->pending &= ~(1U << src);
		p->claimed |= 1U << src;
	}
	return src;
}

/* Return: true for a forwarded source, whose host claim is then due. */
static bool complete(struct vplic *p, unsigned int ctx, u32 src)
{
	/* The specification ignores completions of sources not enabled. */
	if (!src || src >= VPLIC_NR_SOURCES ||
	    !(p->enable[ctx] & (1U << src))) {
		return false;
	}
	p->claimed &= ~(1U << src);
	/*
	 * A forwarded line is low until the host signals it again, which
	 * it does once completed if the device still asserts it.
	 */
	if (p->hw & (1U << src)) {
		p->level &= ~(1U << src);
	}
	gateway(p, src);
	return (p->hw & (1U << src)) != 0;
}

int vplic_mmio(struct vcpu *v, void *priv, paddr_t off, unsigned int size,
	       bool is_write, u64 *val)
{
	struct domain *d = v->domain;
	struct vplic *p = dom_vplic(d);
	unsigned long flags;
	u32 w = is_write ? (u32)*val : 0;
	u32 r = 0, eoi = 0, retarget = 0;
	/* A write or a claim: the outputs are recomputed (reads change none). */
	bool changed = is_write;
	int rc = 0;

	if (size != 4 || (off & 3)) {
		return -EINVAL;
	}
	spin_lock_irqsave(&p->lock, flags);
	if (off < PLIC_PENDING) {
		unsigned int src = off / 4;

		if (src && src < VPLIC_NR_SOURCES) {
			if (is_write) {
				p->priority[src] = w & VPLIC_PRIO_MAX;
			} else {
				r = p->priority[src];
			}
		}
	} else if (off < PLIC_ENABLE) {
		if (off == PLIC_PENDING && !is_write) {
			r = p->pending;
		}
	} else if (off < PLIC_CONTEXT) {
		unsigned int ctx = (off - PLIC_ENABLE) / PLIC_ENABLE_STRIDE;
		unsigned int word = (off - PLIC_ENABLE) % PLIC_ENABLE_STRIDE;

		if (ctx < p->nr_contexts && word == 0) {
			if (is_write) {
				retarget = (p->enable[ctx] ^ w) & p->hw;
				p->enable[ctx] = w & PLIC_SOURCE_MASK;
			} else {
				r = p->enable[ctx];
			}
		}
	} else {
		unsigned int ctx = (off - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE;
		unsigned int reg = (off - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE;

		if (ctx >= p->nr_contexts) {
			rc = -EINVAL;
		} else if (reg == 0) {
			if (is_write) {
				p->threshold[ctx] = w & VPLIC_PRIO_MAX;
			} else {
				r = p->threshold[ctx];
			}
		} else if (reg == 4) {
			if (is_write) {
				eoi = complete(p, ctx, w) ? w : 0;
			} else {
				r = claim(p, ctx);
				changed = r != 0;
			}
		}
	}
	if (changed) {
		update_outputs(d);
	}
	spin_unlock_irqrestore(&p->lock, flags);
	if (eoi) {
		pt_eoi(d, eoi);
	}
	while (retarget) {
		pt_retarget(d, lowest_bit(retarget));
		retarget &= retarget - 1;
	}
	if (!is_write) {
		*val = r;
	}
	return rc;
}

/* A shared-memory doorbell (common/shm.c) drives a vPLIC source. */
void arch_shm_set_line(struct domain *d, unsigned int slot, bool level)
{
	vplic_set_level(d, XL_BOOT_SHM_IRQ_BASE_RISCV64 + slot, level);
}
