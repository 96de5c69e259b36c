/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host interrupt controller interface shared by the GICv3 (gic-v3.c, Arm
 * IHI 0069) and GICv2 (Arm IHI 0048B) drivers: the distributor registers
 * both versions lay out alike, the interrupt numbers the hypervisor uses,
 * and struct gic_ops, through which gic.c dispatches to the driver the
 * host device tree names. Version-specific layouts: asm/gic-v3.h.
 */
#ifndef ASM_ARM_GIC_H
#define ASM_ARM_GIC_H

#include <xen-lite/compiler.h>
#include <xen-lite/types.h>

/* Distributor registers at the same offsets in GICv2 and GICv3 */
#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
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
#define GICD_NSACR 0x0e00
#define GICD_SGIR 0x0f00

#define GICD_CTLR_ENABLE_G0 (1U << 0)
#define GICD_CTLR_ENABLE_G1 (1U << 1)

#define GIC_NR_PRIV 32
#define GIC_SPURIOUS 1020

/* Interrupt numbers the hypervisor uses */
#define IRQ_SGI_IPI 1
#define IRQ_PPI_MAINT 25
#define IRQ_PPI_HYP_TIMER 26
#define IRQ_PPI_VTIMER 27
#define IRQ_PPI_PTIMER 30

struct gic_info {
	paddr_t dist_base;
	paddr_t dist_size;
	paddr_t redist_base; /* GICv3 */
	paddr_t redist_size;
	paddr_t cpu_base; /* GICv2: GICC, GICH and GICV */
	paddr_t hyp_base;
	paddr_t vcpu_base;
	paddr_t vcpu_size;
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

struct bootinfo;

/*
 * One host GIC driver. gic.c picks one from the host device tree at boot
 * and calls it through gic_ops; the hooks run on the CPU they concern.
 */
struct gic_ops {
	const char *name;
	/* Device tree compatible strings of the GICs it drives, NULL ended */
	const char *const *compatible;
	/* Probe the GIC of node @bi->intc, set up the distributor and the
	 * boot CPU's interface. Return: 0 or -ENODEV. */
	int (*init)(const struct bootinfo *bi);
	/* Enable this CPU's interface (secondary CPUs). Return: 0 or -ENODEV */
	int (*cpu_init)(void);
	/* Raise SGI @sgi on physical CPU @cpu. */
	void (*send_sgi)(unsigned int cpu, unsigned int sgi);
	/* Enable private interrupt @irq on this CPU at priority @prio. */
	void (*enable_ppi)(unsigned int irq, unsigned int prio);
	/* Deliver SPI @irq to physical CPU @cpu (GICv3: GICD_IROUTER<n>;
	 * GICv2: GICD_ITARGETSR<n>). */
	void (*route_spi)(unsigned int irq, unsigned int cpu);
};

/*
 * GIC_DRIVER(ops) in a driver file puts its struct gic_ops in the table
 * gic.c searches (section .gic_drivers, xen-lite.lds.S): gic.c names no
 * driver, and a driver left out of the build is simply not found.
 */
#define GIC_DRIVER(ops)                                              \
	static const struct gic_ops *const __gic_driver_##ops __used \
		__section(".gic_drivers") = &(ops)

/**
 * gic_init() - pick the driver for the GIC the host device tree describes
 * (@bi->intc) and set up the distributor and the boot CPU's interface.
 * Return: 0, or -ENODEV when no usable GIC is described.
 */
int gic_init(const struct bootinfo *bi);

/**
 * gic_cpu_init() - enable this CPU's GIC interface (each secondary CPU).
 * Return: 0, or -ENODEV when the GIC has none for this CPU.
 */
int gic_cpu_init(void);

/** gic_send_sgi() - raise SGI @sgi on physical CPU @cpu. */
void gic_send_sgi(unsigned int cpu, unsigned int sgi);

/** gic_enable_ppi() - enable private interrupt @irq on this CPU. */
void gic_enable_ppi(unsigned int irq, unsigned int prio);

/*
 * SPIs forwarded to a guest (docs/passthrough.md; arch/arm/vgic.c): the
 * distributor registers the GIC versions share, and the routing through
 * the driver. The caller serialises the calls for one SPI.
 */

/** gic_route_spi() - deliver SPI @irq to physical CPU @cpu. */
void gic_route_spi(unsigned int irq, unsigned int cpu);

/** gic_spi_enable() - enable (@on) or disable SPI @irq at the distributor. */
void gic_spi_enable(unsigned int irq, bool on);

/**
 * gic_spi_clear_active() - deactivate SPI @irq through the distributor
 * (GICD_ICACTIVER), from any CPU: a forwarded one its guest left active.
 * Return: whether it was active.
 */
bool gic_spi_clear_active(unsigned int irq);

/*
 * The operations of every interrupt exit and world switch (here, in
 * irq.c and in vgic.c) test the version instead of calling through
 * gic_ops: a load and a branch, and direct calls of the GICv3 functions
 * as before the split. Without CONFIG_ARM_GICV2 the test is constant.
 */
#ifdef CONFIG_ARM_GICV2
extern bool gic_is_v2; /* set by gic-v2.c when it drives the host GIC */
static inline bool gic_v2(void)
{
	return gic_is_v2;
}
#else
static inline bool gic_v2(void)
{
	return false;
}
#endif

void gicv3_deactivate(unsigned int irq);
void gicv3_set_ppi_active(unsigned int irq, bool active);
void gicv2_deactivate(unsigned int irq);
void gicv2_set_ppi_active(unsigned int irq, bool active);

/**
 * gic_deactivate() - deactivate physical interrupt @irq (EOImode 1:
 * priority drop and deactivation are separate).
 */
static inline void gic_deactivate(unsigned int irq)
{
	if (gic_v2()) {
		gicv2_deactivate(irq);
	} else {
		gicv3_deactivate(irq);
	}
}

/**
 * gic_set_ppi_active() - set or clear the active state of private
 * interrupt @irq on this CPU (the hardware-linked virtual timer).
 */
static inline void gic_set_ppi_active(unsigned int irq, bool active)
{
	if (gic_v2()) {
		gicv2_set_ppi_active(irq, active);
	} else {
		gicv3_set_ppi_active(irq, active);
	}
}

#endif /* ASM_ARM_GIC_H */
