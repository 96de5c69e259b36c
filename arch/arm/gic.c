// SPDX-License-Identifier: GPL-2.0
/*
 * Host GIC: what the GICv3 (gic-v3.c) and GICv2 drivers share, and the
 * dispatch to the one the host device tree describes (struct gic_ops).
 * All interrupts are Group 1 (Non-secure) and EOImode is 1 on both:
 * priority drop and deactivation are separate, so that an interrupt
 * forwarded to a guest (the virtual timer) stays active until the guest
 * deactivates it through a hardware-linked list register.
 */
#include <xen-lite/bootinfo.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <libfdt.h>
#include <asm/gic.h>
#include <asm/io.h>
#include <asm/irq.h>

struct gic_info gic_info;
const char *gic_probing;
static const struct gic_ops *gic_ops;

/* The drivers built in (GIC_DRIVER(), xen-lite.lds.S). */
extern const struct gic_ops *const __gic_drivers_start[];
extern const struct gic_ops *const __gic_drivers_end[];

/* The driver for the GIC of device tree node @node, or NULL. */
static const struct gic_ops *gic_driver(const void *fdt, int node)
{
	const struct gic_ops *const *p;
	const char *const *c;

	if (node < 0) {
		return NULL;
	}
	for (p = __gic_drivers_start; p < __gic_drivers_end; p++) {
		for (c = (*p)->compatible; *c; c++) {
			if (!fdt_node_check_compatible(fdt, node, *c)) {
				return *p;
			}
		}
	}
	return NULL;
}

int gic_init(const struct bootinfo *bi)
{
	const struct bi_device *d = &bi->intc;

	/*
	 * bootfdt_parse() took the first GIC node (arm,gic-v3, else a GICv2
	 * compatible; it looks for those before the PLICs) and read its reg.
	 */
	gic_ops = gic_driver(bi->fdt, d->node);
	if (!gic_ops) {
		static const char *const v2[] = { "arm,cortex-a15-gic",
						  "arm,gic-400" };

		for (unsigned int i = 0; i < ARRAY_SIZE(v2); i++) {
			if (fdt_node_offset_by_compatible(bi->fdt, -1, v2[i]) >=
			    0) {
				printk(XL_ERR
				       "gic: the device tree describes a GICv2 "
				       "(%s) and this build has no GICv2 "
				       "driver (CONFIG_ARM_GICV2)\n",
				       v2[i]);
				return -ENODEV;
			}
		}
		printk(XL_ERR "gic: no arm,gic-v3 or GICv2 node in the device "
			      "tree\n");
		return -ENODEV;
	}
	return gic_ops->init(bi);
}

int gic_cpu_init(void)
{
	return gic_ops->cpu_init();
}

void gic_send_sgi(unsigned int cpu, unsigned int sgi)
{
	gic_ops->send_sgi(cpu, sgi);
}

void gic_enable_ppi(unsigned int irq, unsigned int prio)
{
	gic_ops->enable_ppi(irq, prio);
}

void gic_route_spi(unsigned int irq, unsigned int cpu)
{
	/* A driver without it leaves SPIs where its init put them. */
	if (gic_ops->route_spi) {
		gic_ops->route_spi(irq, cpu);
	}
}

static volatile void *gicd_bit(unsigned int reg, unsigned int irq)
{
	return (volatile void *)(uintptr_t)(gic_info.dist_base + reg +
					    irq / 32 * 4);
}

void gic_spi_enable(unsigned int irq, bool on)
{
	if (irq < GIC_NR_PRIV || irq >= gic_info.nr_irqs) {
		return;
	}
	writel(1U << (irq % 32),
	       gicd_bit(on ? GICD_ISENABLER : GICD_ICENABLER, irq));
}

bool gic_spi_clear_active(unsigned int irq)
{
	bool active;

	if (irq < GIC_NR_PRIV || irq >= gic_info.nr_irqs) {
		return false;
	}
	active = readl(gicd_bit(GICD_ISACTIVER, irq)) & (1U << (irq % 32));
	writel(1U << (irq % 32), gicd_bit(GICD_ICACTIVER, irq));
	return active;
}
