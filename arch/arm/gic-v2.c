// SPDX-License-Identifier: GPL-2.0
/*
 * Host GICv2 driver (Arm IHI 0048B): the distributor (GICD), this CPU's
 * memory-mapped CPU interface (GICC) and the virtual interface control
 * registers (GICH) of the virtualization extensions; the virtual CPU
 * interface (GICV) is what guests get as theirs (vgic-v2.c). The device
 * tree node (arm,cortex-a15-gic or arm,gic-400) must have the four reg
 * ranges GICD, GICC, GICH, GICV: without the last two there is nothing to
 * run guests with.
 *
 * Interrupts stay in Group 0 on a GIC without the Security Extensions
 * (QEMU virt), signalled as IRQ since GICC_CTLR.FIQEn is clear; from the
 * Non-secure side of one with them, the group registers are RAZ/WI and
 * the firmware's Group 1 is what GICC_CTLR bit 0 enables. EOImode = 1 as
 * on GICv3 (gic.c).
 */
#include <xen-lite/bootinfo.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/smp.h>
#include <asm/gic-v2.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/sysregs.h>

#define GIC_PRIO_IRQ 0xa0
#define GIC_PRIO_IPI 0x90

bool gic_is_v2;

static void *gicd(unsigned int off)
{
	return (void *)(uintptr_t)(gic_info.dist_base + off);
}

static void *gicc(unsigned int off)
{
	return (void *)(uintptr_t)(gic_info.cpu_base + off);
}

static void gicv2_enable_ppi(unsigned int irq, unsigned int prio)
{
	/* GICD_IPRIORITYR is byte-accessible (IHI 0048B 4.3.11). */
	writeb(prio & 0xff, gicd(GICD_IPRIORITYR + irq));
	writel(1U << irq, gicd(GICD_ISENABLER));
}

/* The hardware-linked virtual timer's active state (asm/time.h). */
void gicv2_set_ppi_active(unsigned int irq, bool active)
{
	writel(1U << irq, gicd(active ? GICD_ISACTIVER : GICD_ICACTIVER));
}

void gicv2_deactivate(unsigned int irq)
{
	writel(irq, gicc(GICC_DIR));
}

static void gicv2_send_sgi(unsigned int cpu, unsigned int sgi)
{
	u32 mask = pcpu_info[cpu].arch.gic_cpumask;

	dsb_ishst();
	writel(GICD_SGIR_TARGET_LIST | (mask << GICD_SGIR_CPUS_SHIFT) |
		       (sgi & 0xf),
	       gicd(GICD_SGIR));
}

static int gicv2_cpu_init(void)
{
	struct arch_pcpu *a = &this_cpu()->arch;
	unsigned int i;

	a->mpidr = READ_SYSREG(mpidr_el1) & MPIDR_AFF_MASK;
	/*
	 * GICD_ITARGETSR0..7 are banked: each byte reads as this CPU
	 * interface's own bit (IHI 0048B 4.3.12). A uniprocessor GIC may
	 * make them RAZ: then this is the only CPU, interface 0.
	 */
	a->gic_cpumask = readl(gicd(GICD_ITARGETSR)) & 0xff;
	if (!a->gic_cpumask) {
		a->gic_cpumask = 1;
	}
	/* The banked SGI/PPI registers of this CPU. */
	writel(0, gicd(GICD_IGROUPR));
	writel(~0U, gicd(GICD_ICENABLER));
	writel(~0U, gicd(GICD_ICPENDR));
	writel(~0U, gicd(GICD_ICACTIVER));
	for (i = 0; i < GIC_NR_PRIV; i += 4) {
		writel(GIC_PRIO_IRQ * 0x01010101U, gicd(GICD_IPRIORITYR + i));
	}
	writel(0xff, gicc(GICC_PMR));
	writel(0, gicc(GICC_BPR));
	writel(GICC_CTLR_ENABLE | GICC_CTLR_EOIMODE, gicc(GICC_CTLR));
	writel(0, (void *)(uintptr_t)(gic_info.hyp_base + GICH_HCR));

	gicv2_enable_ppi(IRQ_SGI_IPI, GIC_PRIO_IPI);
	gicv2_enable_ppi(IRQ_SGI_STOP, GIC_PRIO_IPI);
	gicv2_enable_ppi(IRQ_PPI_VTIMER, GIC_PRIO_IRQ);
	gicv2_enable_ppi(IRQ_PPI_MAINT, GIC_PRIO_IRQ);
	return 0;
}

static void gicv2_dist_init(void)
{
	unsigned int i;
	u32 mask = this_cpu()->arch.gic_cpumask;

	writel(0, gicd(GICD_CTLR));
	for (i = GIC_NR_PRIV; i < gic_info.nr_irqs; i += 32) {
		writel(0, gicd(GICD_IGROUPR + i / 8));
		writel(~0U, gicd(GICD_ICENABLER + i / 8));
		writel(~0U, gicd(GICD_ICPENDR + i / 8));
		writel(~0U, gicd(GICD_ICACTIVER + i / 8));
	}
	for (i = GIC_NR_PRIV; i < gic_info.nr_irqs; i += 4) {
		writel(GIC_PRIO_IRQ * 0x01010101U, gicd(GICD_IPRIORITYR + i));
		/* Every SPI to the boot CPU. */
		writel(mask * 0x01010101U, gicd(GICD_ITARGETSR + i));
	}
	for (i = GIC_NR_PRIV; i < gic_info.nr_irqs; i += 16) {
		writel(0, gicd(GICD_ICFGR + i / 4));
	}
	/* Bit 0: EnableGrp0 without the Security Extensions, else Grp1. */
	writel(GICD_CTLR_ENABLE_G0, gicd(GICD_CTLR));
}

static int gicv2_init(const struct bootinfo *bi)
{
	const struct bi_device *d = &bi->intc;
	u32 typer, pidr2, vtr;

	if (d->nr_regs < 1) {
		printk(XL_ERR "gicv2: the GICv2 node has no reg property\n");
		return -ENODEV;
	}
	gic_info.dist_base = d->regs[0].start;
	gic_info.dist_size = d->regs[0].size;
	/*
	 * The tree says GICv2: check that the hardware agrees before using
	 * it (GICD_PIDR2.ArchRev, IHI 0048B 4.3.15: 2 = GICv2). A
	 * distributor that does not answer ends in hyp_trap_sync().
	 */
	gic_probing = "GICv2 distributor";
	pidr2 = readl(gicd(GICD_V2_PIDR2));
	gic_probing = NULL;
	if ((pidr2 & 0xf0) != GIC_PIDR2_ARCH_V2) {
		printk(XL_ERR
		       "gicv2: the device tree names a GICv2 at %#lx "
		       "but its GICD_PIDR2.ArchRev is %u (not a GICv2)\n",
		       (unsigned long)gic_info.dist_base, (pidr2 >> 4) & 0xf);
		return -ENODEV;
	}
	if (d->nr_regs < 4) {
		printk(XL_ERR "gicv2: the device tree's GICv2 (%s) has %u reg "
			      "ranges, not the 4 of a GIC with the "
			      "virtualization extensions (GICD, GICC, GICH, "
			      "GICV; QEMU: -machine virt,virtualization=on)\n",
		       d->compatible, d->nr_regs);
		return -ENODEV;
	}
	if (d->regs[1].size < GICC_SIZE || d->regs[3].size < GICC_SIZE) {
		printk(XL_ERR "gicv2: GICC or GICV smaller than %#x bytes\n",
		       GICC_SIZE);
		return -ENODEV;
	}
	gic_info.cpu_base = d->regs[1].start;
	gic_info.hyp_base = d->regs[2].start;
	gic_info.vcpu_base = d->regs[3].start;
	gic_info.vcpu_size = d->regs[3].size;
	typer = readl(gicd(GICD_TYPER));
	gic_info.nr_irqs = MIN(32 * ((typer & 0x1f) + 1), 1020U);
	gic_probing = "GICv2 virtual interface control (GICH)";
	vtr = readl((void *)(uintptr_t)(gic_info.hyp_base + GICH_VTR));
	gic_probing = NULL;
	gic_info.nr_lrs = (vtr & GICH_VTR_LISTREGS_MASK) + 1;
	gic_info.pri_bits = ((vtr >> GICH_VTR_PRIBITS_SHIFT) & 7) + 1;
	gic_is_v2 = true;

	gicv2_cpu_init();
	gicv2_dist_init();
	printk("gicv2: dist %#lx cpu %#lx hyp %#lx vcpu %#lx, %u lines, "
	       "%u CPU interfaces, %u LRs\n",
	       (unsigned long)gic_info.dist_base,
	       (unsigned long)gic_info.cpu_base,
	       (unsigned long)gic_info.hyp_base,
	       (unsigned long)gic_info.vcpu_base, gic_info.nr_irqs,
	       ((typer >> GICD_TYPER_CPUS_SHIFT) & 7) + 1, gic_info.nr_lrs);
	return 0;
}

/* GICD_ITARGETSR<n>: a byte per interrupt, a bit per CPU interface. */
static void gicv2_route_spi(unsigned int irq, unsigned int cpu)
{
	if (irq < GIC_NR_PRIV || irq >= gic_info.nr_irqs ||
	    cpu >= CONFIG_NR_CPUS) {
		return;
	}
	writeb((u8)pcpu_info[cpu].arch.gic_cpumask, gicd(GICD_ITARGETSR + irq));
}

static const char *const gicv2_compatible[] = { "arm,cortex-a15-gic",
						"arm,gic-400", NULL };

static const struct gic_ops gic_v2_ops = {
	.name = "GICv2",
	.compatible = gicv2_compatible,
	.init = gicv2_init,
	.cpu_init = gicv2_cpu_init,
	.send_sgi = gicv2_send_sgi,
	.enable_ppi = gicv2_enable_ppi,
	.route_spi = gicv2_route_spi,
};
GIC_DRIVER(gic_v2_ops);
