// SPDX-License-Identifier: GPL-2.0
/*
 * Host GICv3 driver (Arm IHI 0069): the distributor for SPIs, one
 * redistributor per CPU for SGIs and PPIs, and the system register CPU
 * interface. All interrupts are Group 1 (Non-secure); EOImode 1 separates
 * priority drop from deactivation so that an interrupt forwarded to a
 * guest (the virtual timer) stays active until the guest deactivates it
 * through a hardware-linked list register.
 */
#include <xen-lite/bootinfo.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/smp.h>
#include <libfdt.h>
#include <asm/gic-v3.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/sysregs.h>

#define GIC_PRIO_IRQ 0xa0
#define GIC_PRIO_IPI 0x90
#define RWP_TIMEOUT 1000000

static void *gicd(unsigned int off)
{
	return (void *)(uintptr_t)(gic_info.dist_base + off);
}

static void gicd_wait_rwp(void)
{
	unsigned int n;

	for (n = 0; n < RWP_TIMEOUT; n++) {
		if (!(readl(gicd(GICD_CTLR)) & GICD_CTLR_RWP)) {
			return;
		}
	}
	printk(XL_WARN "gicv3: distributor write did not complete\n");
}

static void gic_dist_init(void)
{
	unsigned int i;
	u64 boot = this_cpu()->arch.mpidr;

	writel(0, gicd(GICD_CTLR));
	gicd_wait_rwp();
	for (i = GIC_NR_PRIV; i < gic_info.nr_irqs; i += 32) {
		writel(~0U, gicd(GICD_IGROUPR + i / 8));
		writel(~0U, gicd(GICD_ICENABLER + i / 8));
		writel(~0U, gicd(GICD_ICPENDR + i / 8));
		writel(~0U, gicd(GICD_ICACTIVER + i / 8));
	}
	for (i = GIC_NR_PRIV; i < gic_info.nr_irqs; i += 4) {
		writel(GIC_PRIO_IRQ * 0x01010101U, gicd(GICD_IPRIORITYR + i));
	}
	for (i = GIC_NR_PRIV; i < gic_info.nr_irqs; i += 16) {
		writel(0, gicd(GICD_ICFGR + i / 4));
	}
	for (i = GIC_NR_PRIV; i < gic_info.nr_irqs; i++) {
		writeq(boot, gicd(GICD_IROUTER + i * 8));
	}
	writel(GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1, gicd(GICD_CTLR));
	gicd_wait_rwp();
}

static u64 mpidr_to_gicr_aff(u64 mpidr)
{
	return (MPIDR_AFF3(mpidr) << 24) | (MPIDR_AFF2(mpidr) << 16) |
	       (MPIDR_AFF1(mpidr) << 8) | MPIDR_AFF0(mpidr);
}

static void *gic_find_redist(u64 mpidr)
{
	paddr_t pa = gic_info.redist_base;
	paddr_t end = pa + gic_info.redist_size;
	u64 want = mpidr_to_gicr_aff(mpidr);

	while (pa < end) {
		void *rd = (void *)(uintptr_t)pa;
		u64 typer = readq((char *)rd + GICR_TYPER);

		if ((typer >> 32) == want) {
			return rd;
		}
		if (typer & GICR_TYPER_LAST) {
			break;
		}
		/* VLPIS (bit 1) adds two frames for virtual LPIs */
		pa += (typer & (1U << 1)) ? 2 * GICR_FRAME_SIZE :
					    GICR_FRAME_SIZE;
	}
	return NULL;
}

static void *gicr_sgi(unsigned int off)
{
	return (char *)this_cpu()->arch.gicr + GICR_SGI_OFFSET + off;
}

static void gicv3_enable_ppi(unsigned int irq, unsigned int prio)
{
	u32 v;
	void *p = gicr_sgi(GICR_IPRIORITYR0 + (irq & ~3U));

	v = readl(p);
	v &= ~(0xffU << ((irq & 3) * 8));
	v |= (prio & 0xff) << ((irq & 3) * 8);
	writel(v, p);
	writel(1U << irq, gicr_sgi(GICR_ISENABLER0));
}

static int gicv3_cpu_init(void)
{
	struct arch_pcpu *a = &this_cpu()->arch;
	unsigned int n, i;

	a->mpidr = READ_SYSREG(mpidr_el1) & MPIDR_AFF_MASK;
	gic_probing = "GICv3 redistributor";
	a->gicr = gic_find_redist(a->mpidr);
	gic_probing = NULL;
	if (!a->gicr) {
		printk(XL_ERR "gicv3: no redistributor for MPIDR %#lx\n",
		       (unsigned long)a->mpidr);
		return -ENODEV;
	}
	/* Wake the redistributor (IHI 0069 12.11.47 GICR_WAKER) */
	writel(readl((char *)a->gicr + GICR_WAKER) & ~GICR_WAKER_PS,
	       (char *)a->gicr + GICR_WAKER);
	for (n = 0; n < RWP_TIMEOUT; n++) {
		if (!(readl((char *)a->gicr + GICR_WAKER) & GICR_WAKER_CA)) {
			break;
		}
	}
	writel(~0U, gicr_sgi(GICR_IGROUPR0));
	writel(~0U, gicr_sgi(GICR_ICENABLER0));
	writel(~0U, gicr_sgi(GICR_ICPENDR0));
	writel(~0U, gicr_sgi(GICR_ICACTIVER0));
	for (i = 0; i < GIC_NR_PRIV; i += 4) {
		writel(GIC_PRIO_IRQ * 0x01010101U,
		       gicr_sgi(GICR_IPRIORITYR0 + i));
	}
	/* PPIs are level-sensitive on QEMU virt; SGIs are always edge. */
	writel(0, gicr_sgi(GICR_ICFGR1));

	WRITE_SYSREG(ICC_SRE_SRE | ICC_SRE_EL2_ENABLE | ICC_SRE_DFB |
			     ICC_SRE_DIB,
		     ICC_SRE_EL2);
	isb();
	WRITE_SYSREG(0xff, ICC_PMR_EL1);
	WRITE_SYSREG(0, ICC_BPR1_EL1);
	WRITE_SYSREG(ICC_CTLR_EOIMODE, ICC_CTLR_EL1);
	WRITE_SYSREG(1, ICC_IGRPEN1_EL1);
	WRITE_SYSREG(0, ICH_HCR_EL2);
	isb();

	gicv3_enable_ppi(IRQ_SGI_IPI, GIC_PRIO_IPI);
	gicv3_enable_ppi(IRQ_SGI_STOP, GIC_PRIO_IPI);
	gicv3_enable_ppi(IRQ_PPI_VTIMER, GIC_PRIO_IRQ);
	gicv3_enable_ppi(IRQ_PPI_MAINT, GIC_PRIO_IRQ);
	return 0;
}

/* The hardware-linked virtual timer's active state (asm/time.h). */
void gicv3_set_ppi_active(unsigned int irq, bool active)
{
	writel(1U << irq, gicr_sgi(active ? GICR_ISACTIVER0 : GICR_ICACTIVER0));
}

static void gicv3_send_sgi(unsigned int cpu, unsigned int sgi)
{
	u64 mpidr = pcpu_info[cpu].arch.mpidr;
	u64 aff0 = MPIDR_AFF0(mpidr);
	u64 v;

	/* ICC_SGI1R_EL1: RS selects a block of 16 Aff0 values */
	v = (MPIDR_AFF3(mpidr) << 48) | ((aff0 >> 4) << 44) |
	    (MPIDR_AFF2(mpidr) << 32) | ((u64)(sgi & 0xf) << 24) |
	    (MPIDR_AFF1(mpidr) << 16) | (1UL << (aff0 & 0xf));
	dsb_ishst();
	WRITE_SYSREG(v, ICC_SGI1R_EL1);
	isb();
}

/* GICD_IROUTER<n> takes the target's affinity in MPIDR's layout (IRM 0). */
static void gicv3_route_spi(unsigned int irq, unsigned int cpu)
{
	if (irq < GIC_NR_PRIV || irq >= gic_info.nr_irqs ||
	    cpu >= CONFIG_NR_CPUS) {
		return;
	}
	writeq(pcpu_info[cpu].arch.mpidr, gicd(GICD_IROUTER + irq * 8));
}

void gicv3_deactivate(unsigned int irq)
{
	WRITE_SYSREG(irq, ICC_DIR_EL1);
}

static int gicv3_init(const struct bootinfo *bi)
{
	const struct bi_device *d = &bi->intc;
	u32 typer, pidr2;
	u64 vtr;
	int ret;

	/*
	 * Without the system register CPU interface (ID_AA64PFR0_EL1.GIC
	 * = 0) the ICC_* and ICH_* registers are UNDEFINED (IHI 0069,
	 * 12.1): a tree naming a GICv3 on such a CPU is wrong.
	 */
	if (((READ_SYSREG(id_aa64pfr0_el1) >> 24) & 0xf) == 0) {
		printk(XL_ERR
		       "gicv3: the device tree names a GICv3 but the CPU "
		       "has no GICv3 CPU interface "
		       "(ID_AA64PFR0_EL1.GIC = 0)\n");
		return -ENODEV;
	}
	if (d->nr_regs < 2) {
		printk(XL_ERR "gicv3: bad reg property\n");
		return -ENODEV;
	}
	gic_info.dist_base = d->regs[0].start;
	gic_info.dist_size = d->regs[0].size;
	gic_info.redist_base = d->regs[1].start;
	gic_info.redist_size = d->regs[1].size;
	/*
	 * The tree says GICv3: check that the hardware agrees before using
	 * it (IHI 0069, GICD_PIDR2.ArchRev: 3 = GICv3, 4 = GICv4).
	 * A distributor that does not answer at all ends in hyp_trap_sync().
	 */
	gic_probing = "GICv3 distributor";
	pidr2 = readl(gicd(GICD_PIDR2));
	gic_probing = NULL;
	if ((pidr2 & 0xf0) != GIC_PIDR2_ARCH_V3 &&
	    (pidr2 & 0xf0) != (4U << 4)) {
		printk(XL_ERR
		       "gicv3: the device tree names a GICv3 at %#lx "
		       "but its GICD_PIDR2.ArchRev is %u (not a GICv3)\n",
		       (unsigned long)gic_info.dist_base, (pidr2 >> 4) & 0xf);
		return -ENODEV;
	}
	typer = readl(gicd(GICD_TYPER));
	gic_info.nr_irqs = MIN(32 * ((typer & 0x1f) + 1), 1020U);
	vtr = READ_SYSREG(ICH_VTR_EL2);
	gic_info.nr_lrs = (vtr & 0x1f) + 1;
	gic_info.pri_bits = ((vtr >> 29) & 7) + 1;

	this_cpu()->arch.mpidr = READ_SYSREG(mpidr_el1) & MPIDR_AFF_MASK;
	gic_dist_init();
	ret = gicv3_cpu_init();
	if (ret) {
		return ret;
	}
	printk("gicv3: dist %#lx redist %#lx+%#lx, %u lines, %u LRs\n",
	       (unsigned long)gic_info.dist_base,
	       (unsigned long)gic_info.redist_base,
	       (unsigned long)gic_info.redist_size, gic_info.nr_irqs,
	       gic_info.nr_lrs);
	return 0;
}

static const char *const gicv3_compatible[] = { "arm,gic-v3", NULL };

static const struct gic_ops gic_v3_ops = {
	.name = "GICv3",
	.compatible = gicv3_compatible,
	.init = gicv3_init,
	.cpu_init = gicv3_cpu_init,
	.send_sgi = gicv3_send_sgi,
	.enable_ppi = gicv3_enable_ppi,
	.route_spi = gicv3_route_spi,
};
GIC_DRIVER(gic_v3_ops);
