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
#include <asm/inject.h>
#include <asm/vcpu.h>
#include <asm/vplic.h>

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

/* Highest-priority source claimable by @ctx, or 0. Lock held. */
static unsigned int best_source(const struct vplic *p, unsigned int ctx)
{
	u32 cand = p->pending & p->enable[ctx] & PLIC_SOURCE_MASK;
	u32 best_prio = p->threshold[ctx];
	unsigned int best = 0;

	while (cand) {
		unsigned int src = __builtin_ctz(cand);

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

	if (!src || src >= VPLIC_NR_SOURCES) {
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

static u32 claim(struct vplic *p, unsigned int ctx)
{
	unsigned int src = best_source(p, ctx);

	if (src) {
		p->pending &= ~(1U << src);
		p->claimed |= 1U << src;
	}
	return src;
}

static void complete(struct vplic *p, unsigned int ctx, u32 src)
{
	/* The specification ignores completions of sources not enabled. */
	if (!src || src >= VPLIC_NR_SOURCES ||
	    !(p->enable[ctx] & (1U << src))) {
		return;
	}
	p->claimed &= ~(1U << src);
	gateway(p, src);
}

int vplic_mmio(struct vcpu *v, void *priv, paddr_t off, unsigned int size,
	       bool is_write, u64 *val)
{
	struct domain *d = v->domain;
	struct vplic *p = dom_vplic(d);
	unsigned long flags;
	u32 w = is_write ? (u32)*val : 0;
	u32 r = 0;
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
				complete(p, ctx, w);
			} else {
				r = claim(p, ctx);
			}
		}
	}
	update_outputs(d);
	spin_unlock_irqrestore(&p->lock, flags);
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
