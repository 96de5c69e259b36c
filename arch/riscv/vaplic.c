// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated APLIC, MSI delivery mode (asm/vaplic.h; register map in
 * asm/aplic.h, RISC-V AIA specification 1.0, chapter 4). The guest's one
 * interrupt domain: no child domains (sourcecfg.D reads 0), no interrupt
 * delivery controls (domaincfg.DM reads 1), little-endian (BE reads 0),
 * sources 1..31. A pending, enabled, active source is forwarded as an MSI
 * to the vCPU whose hart index its target register names (the guest's
 * IMSIC has one page per vCPU and no guest files: hart index = vCPU,
 * guest index 0), which clears its pending bit (4.9.3 "MSI delivery").
 *
 * Pending bits follow 4.7 "Precise effects on interrupt-pending bits" for
 * MSI mode: detached sources only by setip writes; edge sources also by
 * an edge of the rectified input; level sources are set by the rectified
 * input going high or by a setip write while it is high, and cleared when
 * it goes low. Linux pends a level source again by setipnum after its
 * handler (4.9.2); a device line still high then interrupts again.
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/vmmio.h>
#include <asm/aplic.h>
#include <asm/vaplic.h>
#include <asm/vimsic.h>

#define SRC_MASK (~1U) /* source 0 does not exist */

static const struct vmmio_ops vaplic_ops = { "vaplic", vaplic_mmio };

static inline struct vaplic *dom_vaplic(struct domain *d)
{
	return &d->arch.vaplic;
}

int vaplic_init(struct domain *d)
{
	struct vaplic *a = dom_vaplic(d);

	memset(a, 0, sizeof(*a));
	spin_lock_init(&a->lock);
	return vmmio_register(d, VAPLIC_BASE, VAPLIC_SIZE, &vaplic_ops, NULL);
}

static unsigned int mode(const struct vaplic *a, unsigned int src)
{
	return a->sourcecfg[src] & APLIC_SOURCECFG_SM;
}

/* Sources whose mode is not inactive. */
static u32 active_mask(const struct vaplic *a)
{
	u32 m = 0;
	unsigned int i;

	for (i = 1; i < VAPLIC_NR_SOURCES; i++) {
		if (mode(a, i) != APLIC_SM_INACTIVE) {
			m |= 1U << i;
		}
	}
	return m;
}

/* The rectified input of @src: 0 for inactive and detached sources. */
static bool rectified(const struct vaplic *a, unsigned int src)
{
	bool in = a->level & (1U << src);

	switch (mode(a, src)) {
	case APLIC_SM_EDGE1:
	case APLIC_SM_LEVEL1:
		return in;
	case APLIC_SM_EDGE0:
	case APLIC_SM_LEVEL0:
		return !in;
	default:
		return false;
	}
}

static u32 rectified_mask(const struct vaplic *a)
{
	u32 m = 0;
	unsigned int i;

	for (i = 1; i < VAPLIC_NR_SOURCES; i++) {
		if (rectified(a, i)) {
			m |= 1U << i;
		}
	}
	return m;
}

static void send_msi(struct domain *d, u32 target)
{
	unsigned int hart = target >> APLIC_TARGET_HART_SHIFT;
	unsigned int guest = (target >> APLIC_TARGET_GUEST_SHIFT) &
			     APLIC_TARGET_GUEST_MASK;

	/* No such hart or guest file: the write reaches nothing. */
	if (guest || hart >= d->nr_vcpus || !d->vcpus[hart]) {
		return;
	}
	vimsic_send(d->vcpus[hart], target & APLIC_TARGET_EIID_MASK);
}

/* Forward every pending, enabled source as an MSI. Lock held. */
static void deliver(struct domain *d)
{
	struct vaplic *a = dom_vaplic(d);
	u32 ready;

	if (!(a->domaincfg & APLIC_DOMAINCFG_IE)) {
		return;
	}
	ready = a->pending & a->enable & active_mask(a);
	while (ready) {
		unsigned int src = __builtin_ctz(ready);

		ready &= ready - 1;
		a->pending &= ~(1U << src);
		send_msi(d, a->target[src]);
	}
}

/* A setip/setipnum write for @src (4.7). Lock held. */
static void set_pending(struct vaplic *a, unsigned int src)
{
	switch (mode(a, src)) {
	case APLIC_SM_DETACHED:
	case APLIC_SM_EDGE1:
	case APLIC_SM_EDGE0:
		a->pending |= 1U << src;
		break;
	case APLIC_SM_LEVEL1:
	case APLIC_SM_LEVEL0:
		if (rectified(a, src)) {
			a->pending |= 1U << src;
		}
		break;
	default:
		break;
	}
}

void vaplic_set_level(struct domain *d, unsigned int src, bool level)
{
	struct vaplic *a = dom_vaplic(d);
	unsigned long flags;
	bool before, after;

	if (!src || src >= VAPLIC_NR_SOURCES) {
		return;
	}
	spin_lock_irqsave(&a->lock, flags);
	before = rectified(a, src);
	if (level) {
		a->level |= 1U << src;
	} else {
		a->level &= ~(1U << src);
	}
	after = rectified(a, src);
	switch (mode(a, src)) {
	case APLIC_SM_EDGE1:
	case APLIC_SM_EDGE0:
		if (!before && after) {
			a->pending |= 1U << src;
		}
		break;
	case APLIC_SM_LEVEL1:
	case APLIC_SM_LEVEL0:
		if (!before && after) {
			a->pending |= 1U << src;
		} else if (!after) {
			a->pending &= ~(1U << src);
		}
		break;
	default:
		break;
	}
	deliver(d);
	spin_unlock_irqrestore(&a->lock, flags);
}

static void write_sourcecfg(struct vaplic *a, unsigned int src, u32 w)
{
	u32 sm = w & APLIC_SOURCECFG_SM;

	/* D is read-only zero without child domains; SM 2, 3 reserved. */
	if (w & APLIC_SOURCECFG_D || sm == 2 || sm == 3) {
		sm = APLIC_SM_INACTIVE;
	}
	a->sourcecfg[src] = sm;
	if (sm == APLIC_SM_INACTIVE) {
		/* An inactive source's pending and enable bits read zero. */
		a->pending &= ~(1U << src);
		a->enable &= ~(1U << src);
	} else if ((sm == APLIC_SM_LEVEL1 || sm == APLIC_SM_LEVEL0) &&
		   !rectified(a, src)) {
		a->pending &= ~(1U << src);
	}
}

static u32 mmio_read(struct vaplic *a, paddr_t off)
{
	if (off == APLIC_DOMAINCFG) {
		return APLIC_DOMAINCFG_RDONLY | APLIC_DOMAINCFG_DM |
		       (a->domaincfg & APLIC_DOMAINCFG_IE);
	}
	if (off >= APLIC_SOURCECFG &&
	    off < APLIC_SOURCECFG + 4 * (VAPLIC_NR_SOURCES - 1)) {
		return a->sourcecfg[(off - APLIC_SOURCECFG) / 4 + 1];
	}
	if (off >= APLIC_TARGET &&
	    off < APLIC_TARGET + 4 * (VAPLIC_NR_SOURCES - 1)) {
		return a->target[(off - APLIC_TARGET) / 4 + 1];
	}
	switch (off) {
	case APLIC_SETIP:
		return a->pending & active_mask(a);
	case APLIC_IN_CLRIP:
		return rectified_mask(a);
	case APLIC_SETIE:
		return a->enable & active_mask(a);
	case APLIC_GENMSI:
		return a->genmsi; /* never busy: sent at once */
	default:
		/* msiaddrcfg (the firmware's in a root domain), words of
		 * sources 32.., the *num registers: zero. */
		return 0;
	}
}

static void mmio_write(struct domain *d, struct vaplic *a, paddr_t off, u32 w)
{
	u32 act = active_mask(a);

	if (off == APLIC_DOMAINCFG) {
		a->domaincfg = w & APLIC_DOMAINCFG_IE;
		return;
	}
	if (off >= APLIC_SOURCECFG &&
	    off < APLIC_SOURCECFG + 4 * (VAPLIC_NR_SOURCES - 1)) {
		write_sourcecfg(a, (off - APLIC_SOURCECFG) / 4 + 1, w);
		return;
	}
	if (off >= APLIC_TARGET &&
	    off < APLIC_TARGET + 4 * (VAPLIC_NR_SOURCES - 1)) {
		unsigned int src = (off - APLIC_TARGET) / 4 + 1;

		/* Hart index, guest index, EIID (4.5.16); the rest is 0. */
		a->target[src] = w & ~((1U << APLIC_TARGET_GUEST_SHIFT) -
				       (APLIC_TARGET_EIID_MASK + 1));
		return;
	}
	switch (off) {
	case APLIC_SETIP: {
		u32 bits = w & act & SRC_MASK;

		while (bits) {
			set_pending(a, __builtin_ctz(bits));
			bits &= bits - 1;
		}
		break;
	}
	case APLIC_SETIPNUM:
	case APLIC_SETIPNUM_LE:
	case APLIC_SETIPNUM_BE:
		if (off == APLIC_SETIPNUM_BE) {
			w = __builtin_bswap32(w);
		}
		if (w && w < VAPLIC_NR_SOURCES) {
			set_pending(a, w);
		}
		break;
	case APLIC_IN_CLRIP:
		a->pending &= ~(w & SRC_MASK);
		break;
	case APLIC_CLRIPNUM:
		if (w && w < VAPLIC_NR_SOURCES) {
			a->pending &= ~(1U << w);
		}
		break;
	case APLIC_SETIE:
		a->enable |= w & act & SRC_MASK;
		break;
	case APLIC_SETIENUM:
		if (w && w < VAPLIC_NR_SOURCES && (act & (1U << w))) {
			a->enable |= 1U << w;
		}
		break;
	case APLIC_CLRIE:
		a->enable &= ~(w & SRC_MASK);
		break;
	case APLIC_CLRIENUM:
		if (w && w < VAPLIC_NR_SOURCES) {
			a->enable &= ~(1U << w);
		}
		break;
	case APLIC_GENMSI:
		/* Hart index and EIID (4.5.17); sent whether or not IE is set. */
		a->genmsi = w & ~((1U << APLIC_TARGET_HART_SHIFT) -
				  (APLIC_TARGET_EIID_MASK + 1));
		send_msi(d, a->genmsi);
		break;
	default:
		break;
	}
}

int vaplic_mmio(struct vcpu *v, void *priv, paddr_t off, unsigned int size,
		bool is_write, u64 *val)
{
	struct domain *d = v->domain;
	struct vaplic *a = dom_vaplic(d);
	unsigned long flags;

	if (size != 4 || (off & 3)) {
		return -EINVAL;
	}
	spin_lock_irqsave(&a->lock, flags);
	if (is_write) {
		mmio_write(d, a, off, (u32)*val);
		deliver(d);
	} else {
		*val = mmio_read(a, off);
	}
	spin_unlock_irqrestore(&a->lock, flags);
	return 0;
}
