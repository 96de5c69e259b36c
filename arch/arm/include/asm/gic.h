/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GICv3 register layout (Arm IHI 0069, chapter 12) and the host driver
 * interface (gic.c).
 */
#ifndef ASM_ARM_GIC_H
#define ASM_ARM_GIC_H

#include <xen-lite/types.h>

/* Distributor */
#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_TYPER2 0x000c
#define GICD_STATUSR 0x0010
#define GICD_SETSPI_NSR 0x0040
#define GICD_CLRSPI_NSR 0x0048
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_ICPENDR 0x0280
#define GICD_ISACTIVER 0x0300
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR 0x0800
#define GICD_ICFGR 0x0c00
#define GICD_IGRPMODR 0x0d00
#define GICD_NSACR 0x0e00
#define GICD_SGIR 0x0f00
#define GICD_IROUTER 0x6000
#define GICD_PIDR2 0xffe8

#define GICD_CTLR_ENABLE_G0 (1U << 0)
#define GICD_CTLR_ENABLE_G1 (1U << 1)
#define GICD_CTLR_ARE (1U << 4)
#define GICD_CTLR_DS (1U << 6)
#define GICD_CTLR_RWP (1U << 31)

/* Redistributor, RD_base frame */
#define GICR_CTLR 0x0000
#define GICR_IIDR 0x0004
#define GICR_TYPER 0x0008
#define GICR_STATUSR 0x0010
#define GICR_WAKER 0x0014
#define GICR_PROPBASER 0x0070
#define GICR_PENDBASER 0x0078
#define GICR_PIDR2 0xffe8
/* SGI_base frame (RD_base + 64 KiB) */
#define GICR_SGI_OFFSET 0x10000
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_ISPENDR0 0x0200
#define GICR_ICPENDR0 0x0280
#define GICR_ISACTIVER0 0x0300
#define GICR_ICACTIVER0 0x0380
#define GICR_IPRIORITYR0 0x0400
#define GICR_ICFGR0 0x0c00
#define GICR_ICFGR1 0x0c04
#define GICR_IGRPMODR0 0x0d00
#define GICR_NSACR 0x0e00

#define GICR_TYPER_LAST (1U << 4)
#define GICR_WAKER_PS (1U << 1)
#define GICR_WAKER_CA (1U << 2)
#define GICR_FRAME_SIZE 0x20000

#define GIC_PIDR2_ARCH_V3 (3U << 4)

#define GIC_NR_PRIV 32
#define GIC_SPURIOUS 1020

/* Interrupt numbers the hypervisor uses */
#define IRQ_SGI_IPI 1
#define IRQ_PPI_MAINT 25
#define IRQ_PPI_HYP_TIMER 26
#define IRQ_PPI_VTIMER 27
#define IRQ_PPI_PTIMER 30

/* ICH_HCR_EL2 */
#define ICH_HCR_EN (1UL << 0)
#define ICH_HCR_UIE (1UL << 1)
#define ICH_HCR_LRENPIE (1UL << 2)
#define ICH_HCR_NPIE (1UL << 3)

/* ICH_LR<n>_EL2 */
#define ICH_LR_VINTID_MASK 0xffffffffUL
#define ICH_LR_PINTID_SHIFT 32
#define ICH_LR_PINTID_MASK 0x1fffUL
#define ICH_LR_EOI (1UL << 41)
#define ICH_LR_PRIO_SHIFT 48
#define ICH_LR_GROUP1 (1UL << 60)
#define ICH_LR_HW (1UL << 61)
#define ICH_LR_STATE_SHIFT 62
#define ICH_LR_PENDING (1UL << 62)
#define ICH_LR_ACTIVE (2UL << 62)
#define ICH_LR_STATE_MASK (3UL << 62)

/* ICH_VMCR_EL2 */
#define ICH_VMCR_ENG1 (1UL << 1)

/* ICH_MISR_EL2 */
#define ICH_MISR_EOI (1UL << 0)
#define ICH_MISR_U (1UL << 1)

/* ICC_SRE_ELx */
#define ICC_SRE_SRE (1UL << 0)
#define ICC_SRE_DFB (1UL << 1)
#define ICC_SRE_DIB (1UL << 2)
#define ICC_SRE_EL2_ENABLE (1UL << 3)

#define ICC_CTLR_EOIMODE (1UL << 1)

struct gic_info {
	paddr_t dist_base;
	paddr_t dist_size;
	paddr_t redist_base;
	paddr_t redist_size;
	unsigned int nr_irqs; /* lines the distributor implements */
	unsigned int nr_lrs; /* list registers */
	unsigned int pri_bits; /* virtual priority bits */
};

extern struct gic_info gic_info;
/*
 * While the GIC named by the device tree is first read: what is being
 * read, so that an external abort there (nothing answers at that address,
 * the tree does not describe this machine) panics naming it.
 */
extern const char *gic_probing;

/**
 * gic_init() - probe the GICv3 the host device tree describes (@bi->intc)
 * and set up the distributor and the boot CPU's redistributor and CPU
 * interface.
 * Return: 0, or -ENODEV when no usable GICv3 is described.
 */
struct bootinfo;
int gic_init(const struct bootinfo *bi);

/**
 * gic_cpu_init() - wake this CPU's redistributor and enable its CPU
 * interface (each CPU, including the boot CPU from gic_init()).
 * Return: 0, or -ENODEV when no redistributor matches this CPU.
 */
int gic_cpu_init(void);

/** gic_send_sgi() - raise SGI @sgi on the CPU with MPIDR @mpidr. */
void gic_send_sgi(u64 mpidr, unsigned int sgi);

/** gic_enable_ppi() - enable private interrupt @irq on this CPU. */
void gic_enable_ppi(unsigned int irq, unsigned int prio);

/**
 * gic_deactivate() - deactivate physical interrupt @irq (EOImode 1:
 * priority drop and deactivation are separate).
 */
void gic_deactivate(unsigned int irq);

#endif /* ASM_ARM_GIC_H */
