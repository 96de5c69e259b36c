// SPDX-License-Identifier: GPL-2.0
/*
 * The host APLIC (RISC-V AIA specification 1.0, chapter 4), the S-level
 * interrupt domain the firmware delegates the machine's wired sources
 * to, in the two ways a machine may wire it:
 *
 * - MSI mode (QEMU virt,aia=aplic-imsic): the APLIC turns a source into
 *   an MSI to the IMSIC file of the hart its target register names
 *   (imsic.c); source s arrives there as identity s + IMSIC_ID_SOURCE0 - 1.
 *   A level-triggered source is pended again by a setipnum write after
 *   its handler (4.9.2 "Special consideration for level-sensitive
 *   interrupt sources"): that is complete().
 * - direct mode (virt,aia=aplic): each hart has an interrupt delivery
 *   control (IDC) structure whose claimi register claims. A level source
 *   stays pending while asserted, so claim() masks it and complete()
 *   unmasks it.
 *
 * Each CPU checks its path at boot: one MSI through genmsi to its own
 * file, or one detached source pended by setipnum and claimed through
 * its IDC; a hart the controller cannot reach stops the boot.
 */
#include <libfdt.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/arch.h>
#include <xen-lite/smp.h>
#include <xen-lite/spinlock.h>
#include <asm/aia.h>
#include <asm/aplic.h>
#include <asm/csr.h>
#include <asm/irqchip.h>
#include <asm/system.h>
#include <asm/traps.h>

#define SELFTEST_SPINS 1000000

static volatile u8 *aplic;
static unsigned int nr_sources;
static bool msi_mode;
static unsigned int hart_index[CONFIG_NR_CPUS];
static volatile u8 *idc[CONFIG_NR_CPUS];
static DEFINE_SPINLOCK(selftest_lock);

/* Direct mode: hart ID of IDC i (interrupts-extended order). */
static unsigned long idc_hartid[CONFIG_NR_CPUS];
static unsigned int nr_idcs;

static inline void wr(unsigned long off, u32 v)
{
	*(volatile u32 *)(aplic + off) = v;
}

static inline u32 rd(unsigned long off)
{
	return *(volatile u32 *)(aplic + off);
}

static u64 reg_base(const void *fdt, int node)
{
	int parent = fdt_parent_offset(fdt, node);
	const fdt32_t *ac = fdt_getprop(fdt, parent, "#address-cells", NULL);
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", NULL);
	unsigned int n = ac ? fdt32_to_cpu(*ac) : 2;

	if (!reg || n < 1 || n > 2) {
		return 0;
	}
	return n == 2 ? ((u64)fdt32_to_cpu(reg[0]) << 32) |
				fdt32_to_cpu(reg[1]) :
			fdt32_to_cpu(reg[0]);
}

/*
 * The S-level APLIC: in MSI mode the one whose msi-parent is an S-level
 * IMSIC, in direct mode the one whose interrupts-extended name S-external.
 */
static int find_aplic(const void *fdt, bool msi)
{
	int node = -1;

	while ((node = fdt_node_offset_by_compatible(fdt, node,
						     "riscv,aplic")) >= 0) {
		const fdt32_t *mp = fdt_getprop(fdt, node, "msi-parent", NULL);

		if (msi && mp) {
			int imsic = fdt_node_offset_by_phandle(
				fdt, fdt32_to_cpu(*mp));

			if (imsic >= 0 && aia_node_is_slevel(fdt, imsic)) {
				return node;
			}
		} else if (!msi && !mp && aia_node_is_slevel(fdt, node)) {
			return node;
		}
	}
	return -ENODEV;
}

static int setup_common(const void *fdt, int node)
{
	const fdt32_t *ns = fdt_getprop(fdt, node, "riscv,num-sources", NULL);
	u64 base = reg_base(fdt, node);
	unsigned int i;

	if (!ns || !base) {
		return -EINVAL;
	}
	nr_sources = MIN(fdt32_to_cpu(*ns), 1023U);
	aplic = (volatile u8 *)(uintptr_t)base;
	/* Everything off until route() (4.5.2 sourcecfg, 4.5.11 clrie). */
	wr(APLIC_DOMAINCFG, 0);
	for (i = 0; i <= nr_sources; i += 32) {
		wr(APLIC_CLRIE + i / 8, ~0U);
	}
	for (i = 1; i <= nr_sources; i++) {
		wr(APLIC_SOURCECFG + 4 * (i - 1), APLIC_SM_INACTIVE);
	}
	return 0;
}

static int aplic_msi_probe(const void *fdt)
{
	int node = find_aplic(fdt, true), rc;

	if (node < 0) {
		return -ENODEV;
	}
	rc = imsic_probe(fdt);
	if (rc) {
		return rc == -ENODEV ? -ENODEV : rc;
	}
	rc = setup_common(fdt, node);
	if (rc) {
		return rc;
	}
	msi_mode = true;
	/*
	 * The MSI addresses of an S-level domain are the root domain's
	 * smsiaddrcfg, which the firmware sets (4.5.4); only IE and DM here.
	 */
	wr(APLIC_DOMAINCFG, APLIC_DOMAINCFG_IE | APLIC_DOMAINCFG_DM);
	if (!(rd(APLIC_DOMAINCFG) & APLIC_DOMAINCFG_DM)) {
		printk(XL_ERR "riscv: the APLIC at %p stays in direct mode\n",
		       aplic);
		return -EIO;
	}
	printk("riscv: APLIC at %p in MSI mode, %u sources\n", aplic,
	       nr_sources);
	return 0;
}

static int aplic_direct_probe(const void *fdt)
{
	int node = find_aplic(fdt, false), len, rc;
	const fdt32_t *ie;
	unsigned int i;

	if (node < 0) {
		return -ENODEV;
	}
	rc = setup_common(fdt, node);
	if (rc) {
		return rc;
	}
	ie = fdt_getprop(fdt, node, "interrupts-extended", &len);
	for (i = 0; i < (unsigned int)len / 8 && i < CONFIG_NR_CPUS; i++) {
		int intc = fdt_node_offset_by_phandle(fdt,
						      fdt32_to_cpu(ie[2 * i]));
		int cpu = intc >= 0 ? fdt_parent_offset(fdt, intc) : -1;
		const fdt32_t *reg;
		int rlen;

		reg = cpu >= 0 ? fdt_getprop(fdt, cpu, "reg", &rlen) : NULL;
		if (!reg || rlen < 4) {
			return -EINVAL;
		}
		idc_hartid[i] = rlen >= 8 ? ((u64)fdt32_to_cpu(reg[0]) << 32) |
						    fdt32_to_cpu(reg[1]) :
					    fdt32_to_cpu(reg[0]);
	}
	nr_idcs = i;
	wr(APLIC_DOMAINCFG, APLIC_DOMAINCFG_IE);
	printk("riscv: APLIC at %p in direct mode, %u sources, %u IDCs\n",
	       aplic, nr_sources, nr_idcs);
	return 0;
}

static void __noreturn selftest_failed(unsigned int cpu, const char *what)
{
	char why[96];

	snprintf(why, sizeof(why), "CPU%u: %s did not arrive", cpu, what);
	/* The one-line boot failure of common/setup.c. */
	printk(XL_ERR "xen-lite: boot failed: interrupt controller: %s\n", why);
	arch_machine_poweroff(false);
}

static void aplic_msi_cpu_init(unsigned int cpu)
{
	unsigned int i, id = 0;
	unsigned long flags;
	paddr_t pa;

	if (imsic_hart(pcpu_info[cpu].hwid, &pa, &hart_index[cpu])) {
		selftest_failed(cpu, "its IMSIC file (not in the tree)");
	}
	imsic_cpu_init(cpu);
	for (i = IMSIC_ID_SOURCE0; i < IMSIC_ID_SOURCE0 + nr_sources; i++) {
		imsic_enable(i, true);
	}
	/*
	 * One MSI from the APLIC to this hart's file (genmsi, 4.5.17): the
	 * hart index and the file agree, and the file delivers. genmsi is
	 * one register for all harts: one CPU at a time.
	 */
	imsic_enable(IMSIC_ID_SELFTEST, true);
	spin_lock_irqsave(&selftest_lock, flags);
	while (rd(APLIC_GENMSI) & APLIC_GENMSI_BUSY) {
		cpu_relax();
	}
	wr(APLIC_GENMSI,
	   (hart_index[cpu] << APLIC_TARGET_HART_SHIFT) | IMSIC_ID_SELFTEST);
	for (i = 0; i < SELFTEST_SPINS && id != IMSIC_ID_SELFTEST; i++) {
		if (csr_read(CSR_SIP) & SIP_SEIP) {
			id = imsic_claim();
		}
	}
	spin_unlock_irqrestore(&selftest_lock, flags);
	imsic_enable(IMSIC_ID_SELFTEST, false);
	if (id != IMSIC_ID_SELFTEST) {
		selftest_failed(cpu, "the APLIC's MSI to its IMSIC file");
	}
	printk("riscv: CPU%u: APLIC MSI to hart index %u reached its IMSIC "
	       "file\n",
	       cpu, hart_index[cpu]);
}

static void aplic_direct_cpu_init(unsigned int cpu)
{
	unsigned int i, src = nr_sources, id = 0;
	unsigned long flags;

	for (i = 0; i < nr_idcs; i++) {
		if (idc_hartid[i] == pcpu_info[cpu].hwid) {
			break;
		}
	}
	if (i == nr_idcs) {
		selftest_failed(cpu, "its IDC (not in the tree)");
	}
	hart_index[cpu] = i;
	idc[cpu] = aplic + APLIC_IDC + i * APLIC_IDC_SIZE;
	*(volatile u32 *)(idc[cpu] + APLIC_IDC_IFORCE) = 0;
	*(volatile u32 *)(idc[cpu] + APLIC_IDC_ITHRESHOLD) = 0;
	*(volatile u32 *)(idc[cpu] + APLIC_IDC_IDELIVERY) = 1;
	/*
	 * One interrupt through this hart's IDC: the last source, detached
	 * (pended only by software, 4.5.2), pended by setipnum and claimed.
	 */
	spin_lock_irqsave(&selftest_lock, flags);
	wr(APLIC_SOURCECFG + 4 * (src - 1), APLIC_SM_DETACHED);
	wr(APLIC_TARGET + 4 * (src - 1), (i << APLIC_TARGET_HART_SHIFT) | 1);
	wr(APLIC_SETIENUM, src);
	wr(APLIC_SETIPNUM, src);
	for (i = 0; i < SELFTEST_SPINS && id != src; i++) {
		id = *(volatile u32 *)(idc[cpu] + APLIC_IDC_CLAIMI) >>
		     APLIC_TOPI_ID_SHIFT;
	}
	wr(APLIC_CLRIENUM, src);
	wr(APLIC_SOURCECFG + 4 * (src - 1), APLIC_SM_INACTIVE);
	spin_unlock_irqrestore(&selftest_lock, flags);
	if (id != src) {
		selftest_failed(cpu, "an APLIC interrupt through its IDC");
	}
	printk("riscv: CPU%u: APLIC source %u claimed through IDC %u\n", cpu,
	       src, hart_index[cpu]);
}

static void aplic_route(unsigned int irq, unsigned int cpu, bool on)
{
	if (!irq || irq > nr_sources || cpu >= nr_cpu_ids) {
		return;
	}
	if (!on) {
		wr(APLIC_CLRIENUM, irq);
		return;
	}
	/* QEMU virt's wired devices are level-high (virtio, 16550, PCI). */
	wr(APLIC_SOURCECFG + 4 * (irq - 1), APLIC_SM_LEVEL1);
	if (msi_mode) {
		wr(APLIC_TARGET + 4 * (irq - 1),
		   (hart_index[cpu] << APLIC_TARGET_HART_SHIFT) |
			   (irq + IMSIC_ID_SOURCE0 - 1));
	} else {
		wr(APLIC_TARGET + 4 * (irq - 1),
		   (hart_index[cpu] << APLIC_TARGET_HART_SHIFT) | 1);
	}
	wr(APLIC_SETIENUM, irq);
}

static unsigned int aplic_msi_claim(void)
{
	unsigned int id;

	while ((id = imsic_claim())) {
		if (id == IMSIC_ID_IPI) {
			return IRQCHIP_IPI;
		} else if (id >= IMSIC_ID_SOURCE0 &&
			   id < IMSIC_ID_SOURCE0 + nr_sources) {
			return id - IMSIC_ID_SOURCE0 + 1;
		}
	}
	return 0;
}

/*
 * Pend a level source again if it still asserts (4.9.2). The spec makes
 * a setipnum write to a level source in MSI mode pend it only while its
 * rectified input is high; QEMU 7.2 pends it whatever the input, so an
 * idle source would come back as an MSI after every completion and the
 * hart would take nothing but that interrupt for ever (seen with the
 * console's transmit interrupt). Reading the input first (in_clrip
 * reads the rectified inputs, 4.5.7) costs one load and is right on
 * both: a source that rises after the read pends itself (4.7).
 */
static void aplic_msi_complete(unsigned int irq)
{
	if (irq && irq <= nr_sources &&
	    (rd(APLIC_IN_CLRIP + 4 * (irq / 32)) & (1U << (irq % 32)))) {
		wr(APLIC_SETIPNUM_LE, irq);
	}
}

static unsigned int aplic_direct_claim(void)
{
	volatile u8 *i = idc[smp_processor_id()];
	unsigned int irq;

	if (!i) {
		return 0;
	}
	irq = *(volatile u32 *)(i + APLIC_IDC_CLAIMI) >> APLIC_TOPI_ID_SHIFT;
	if (irq) {
		/* A level source stays pending while asserted (4.7). */
		wr(APLIC_CLRIENUM, irq);
	}
	return irq;
}

static void aplic_direct_complete(unsigned int irq)
{
	if (irq && irq <= nr_sources) {
		wr(APLIC_SETIENUM, irq);
	}
}

const struct irqchip_ops aplic_msi_ops = {
	.name = "aplic-msi",
	.probe = aplic_msi_probe,
	.cpu_init = aplic_msi_cpu_init,
	.route = aplic_route,
	.claim = aplic_msi_claim,
	.complete = aplic_msi_complete,
};

const struct irqchip_ops aplic_direct_ops = {
	.name = "aplic-direct",
	.probe = aplic_direct_probe,
	.cpu_init = aplic_direct_cpu_init,
	.route = aplic_route,
	.claim = aplic_direct_claim,
	.complete = aplic_direct_complete,
};
