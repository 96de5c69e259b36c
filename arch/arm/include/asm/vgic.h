/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual GICv3: an emulated distributor and one emulated redistributor
 * per vCPU, with the CPU interface provided by the hardware's virtual
 * interface (ICV_* registers) and fed through the list registers.
 */
#ifndef ASM_ARM_VGIC_H
#define ASM_ARM_VGIC_H

#include <xen-lite/spinlock.h>
#include <xen-lite/types.h>
#include <asm/gic.h>

/* Guest physical layout, as on QEMU's virt machine. */
#define VGIC_DIST_BASE 0x08000000ULL
#define VGIC_DIST_SIZE 0x10000ULL
#define VGIC_REDIST_BASE 0x080a0000ULL
#define VGIC_REDIST_STRIDE 0x20000ULL
/* GICv2 (Arm IHI 0048B): a 4 KiB distributor, the CPU interface (GICV) */
#define VGIC_V2_DIST_SIZE 0x1000ULL
#define VGIC_V2_CPU_BASE 0x08010000ULL
#define VGIC_V2_CPU_SIZE 0x2000ULL
#define VGIC_V2_MAX_VCPUS 8 /* CPU interfaces a GICv2 can have */

/*
 * SPIs per domain: INTID 32..127, so that a passed-through device keeps
 * its host INTID (QEMU virt's virtio-mmio transports: 48..79) and the
 * shared-memory doorbells (SPI 64 + slot, INTID 96..103) sit above them.
 * GICD_TYPER.ITLinesNumber reports it (Arm IHI 0069 12.9.38).
 */
#define VGIC_NR_SPIS 96
#define VGIC_NR_IRQS (32 + VGIC_NR_SPIS)
#define VGIC_SPI_WORDS (VGIC_NR_SPIS / 32) /* of the SPI candidate mask */
#define VGIC_MAX_LRS 16

/* Priority bits kept: 5, as most implementations (32 levels). */
#define VGIC_PRIO_MASK 0xf8

struct vgic_irq {
	u8 priority;
	u8 target; /* SPI: vCPU the interrupt is routed to */
	bool enabled;
	bool pending; /* latched pending state (edge, or set by software) */
	bool line; /* level of the input line (level-sensitive) */
	bool active;
	bool edge; /* configured edge-triggered */
	bool group1;
	bool hw; /* linked to the physical interrupt of the same ID */
	bool in_lr; /* currently in a list register of its vCPU */
	bool repend; /* made pending again while in a list register */
	u8 sgi_src; /* SGI: the vCPU that sent it last (GICv2 LR CPUID) */
	u64 irouter; /* SPI: GICD_IROUTER value (GICv2: ITARGETSR byte) */
};

/*
 * Candidate masks (vgic_cpu.cand for SGIs/PPIs, vgic_dist.spi_cand for
 * SPIs, bit n = INTID n resp. bit n % 32 of word n / 32 = INTID 32 + n): a
 * superset of the interrupts that
 * are deliverable (active, or enabled and pending with group 1 enabled)
 * and not in a list register. Every change that can make an interrupt
 * deliverable sets its bit; the list register scan clears the bits of
 * those found undeliverable. An empty mask is the common case of an exit
 * with nothing to inject, which then costs no scan at all.
 */
struct vgic_cpu {
	struct vgic_irq priv[32]; /* SGIs and PPIs */
	u32 cand; /* candidate SGIs/PPIs (see above) */
	u32 waker;
	u8 lr_irq[VGIC_MAX_LRS]; /* INTID held by each used list register */
	unsigned int nr_lr_used;
	u64 vmcr;
	u64 ap0r0, ap1r0;
};

struct vgic_dist {
	spinlock_t lock;
	u32 ctlr;
	u32 v2_ctlr; /* GICv2: GICD_CTLR as the guest wrote it */
	/* candidate SPIs (see above), of every vCPU */
	u32 spi_cand[VGIC_SPI_WORDS];
	/* SPIs forwarded from the host (passthrough), bit as spi_cand */
	u32 pt_spi[VGIC_SPI_WORDS];
	struct vgic_irq spi[VGIC_NR_SPIS];
};

struct domain;
struct vcpu;

/**
 * vgic_get_irq() - the state of INTID @irq as seen by @v (vGIC lock held).
 * Return: the irq, or NULL for an INTID the vGIC does not implement.
 */
struct vgic_irq *vgic_get_irq(struct domain *d, struct vcpu *v,
			      unsigned int irq);

/** vgic_domain_init() - reset @d's distributor. Return: 0. */
int vgic_domain_init(struct domain *d);

/** vgic_vcpu_init() - reset @v's redistributor state. */
void vgic_vcpu_init(struct vcpu *v);

/**
 * vgic_inject() - make INTID @irq pending for @v (SGI/PPI) or for the
 * SPI's target (@v ignored for SPIs), waking or kicking the vCPU.
 * @hw: link to the physical interrupt (virtual timer).
 */
void vgic_inject(struct domain *d, struct vcpu *v, unsigned int irq, bool hw);

/**
 * vgic_mark_all() - every vCPU of @d looks at its candidates before its
 * next entry (after a change that may make any interrupt deliverable:
 * distributor or redistributor writes; vGIC lock held or not).
 */
void vgic_mark_all(struct domain *d);

/**
 * vgic_debug_deliverable() - CONFIG_DEBUG_WORK_CHECK: an interrupt of @v
 * (loaded, its list registers empty) that the next flush would load.
 * Return: its INTID, or -1.
 */
int vgic_debug_deliverable(struct vcpu *v);

/** vgic_vcpu_put() - the vCPU interface off: no vCPU on this CPU now. */
void vgic_vcpu_put(void);

/** vgic_notify() - wake or kick @v so that it sees a new interrupt. */
void vgic_notify(struct vcpu *v);

/**
 * vgic_set_line() - drive the level of level-sensitive SPI @irq of @d.
 */
void vgic_set_line(struct domain *d, unsigned int irq, bool level);

/**
 * vgic_flush_lrs() - load the list registers of the running vCPU @v with
 * its highest priority pending/active interrupts, before guest entry.
 */
void vgic_flush_lrs(struct vcpu *v);

/**
 * vgic_sync_lrs() - fold the list registers back into the interrupt
 * state after a guest exit, and empty them.
 */
void vgic_sync_lrs(struct vcpu *v);

/**
 * vgic_vcpu_pending() - Return: true when @v has an interrupt the guest
 * could take (used to decide whether WFI blocks).
 */
bool vgic_vcpu_pending(struct vcpu *v);

/*
 * vgic_cand_any() - any candidate (above) among the SGIs and PPIs of @c
 * and the SPIs of @dist, read without the lock: false means
 * vgic_vcpu_pending() is false without a look under the lock. Inline for
 * the WFI exit (issue 20: its two calls of vgic_vcpu_pending() were 26
 * instructions of a world switch, the call itself a third).
 */
static inline bool vgic_cand_any(const struct vgic_cpu *c,
				 const struct vgic_dist *dist)
{
	u32 any = READ_ONCE(c->cand);

	for (unsigned int w = 0; w < VGIC_SPI_WORDS; w++) {
		any |= READ_ONCE(dist->spi_cand[w]);
	}
	return any;
}

/**
 * vgic_irq_state() - Return: true when INTID @irq of @v is pending or
 * active in the virtual GIC (virtual timer bookkeeping).
 */
bool vgic_irq_state(struct vcpu *v, unsigned int irq);

/** vgic_v2_save() / vgic_v2_restore() - GICv2 CPU interface state. */
void vgic_v2_save(struct vcpu *v);
void vgic_v2_restore(struct vcpu *v);

/*
 * vgic_save() / vgic_restore(), the CPU interface state across a switch,
 * are in asm/vgic-direct.h: the GICv3 part inline, as it is on every
 * world switch.
 */

/**
 * vgic_inject_sgi() - make SGI @sgi pending for @v, sent by vCPU @src.
 */
void vgic_inject_sgi(struct vcpu *v, unsigned int sgi, unsigned int src);

/**
 * vgic_v2_domain_init() - give @d a virtual GICv2: register its
 * distributor (common/vmmio.c) and map the host's GICV as its CPU
 * interface (vgic-v2.c). Return: 0, -EINVAL for more vCPUs than a GICv2
 * has CPU interfaces, or the error of the registration or mapping.
 */
int vgic_v2_domain_init(struct domain *d);

/*
 * Shared with the GICv2 distributor (vgic-mmio.c): the registers the
 * versions lay out alike, the candidate marking after a write, and the
 * wake-up of the other vCPUs. vGIC lock held for the first two.
 */
bool vgic_irq_regs(struct domain *d, struct vcpu *v, unsigned int off,
		   unsigned int size, bool write, u64 *val);
void vgic_mark_dist(struct domain *d, unsigned int off);
void vgic_wake_others(struct vcpu *v);

/**
 * vgic_pt_forward() - physical SPI @irq arrived (its priority dropped,
 * interrupts off): if it is forwarded to a domain, inject it there as a
 * hardware-linked interrupt, which the guest's deactivation deactivates.
 * Return: true if forwarded (the caller must not deactivate it).
 */
bool vgic_pt_forward(unsigned int irq);

/**
 * vgic_pt_sync() - after the guest of @d wrote its distributor: enable and
 * route each SPI forwarded to it as the guest now enables and routes it
 * (to the physical CPU of the target vCPU), or disable it. Called without
 * the vGIC lock.
 */
void vgic_pt_sync(struct domain *d);

/**
 * vgic_mmio_register() - register @d's distributor and redistributor
 * windows (common/vmmio.c); called by arch_domain_init() after
 * vgic_domain_init().
 */
int vgic_mmio_register(struct domain *d);

/**
 * vgic_sgi1r() - the guest wrote @val to ICC_SGI1R_EL1: send SGIs
 * (vgic-v3.c).
 */
void vgic_sgi1r(struct vcpu *v, u64 val);

#endif /* ASM_ARM_VGIC_H */
