// SPDX-License-Identifier: GPL-2.0
/*
 * The arch nodes of a RISC-V guest's device tree (/cpus, the PLIC and the
 * 16550 UART) and its stdout-path.
 */
#include <libfdt.h>
#include <xen-lite/arch.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/setup.h>
#include <xen-lite/shm.h>
#include <xen-lite/spinlock.h>
#include <asm/aia.h>
#include <asm/riscv.h>
#include <asm/vaplic.h>
#include <asm/vimsic.h>
#include <asm/vplic.h>
#include <asm/vuart.h>

/*
 * Phandles of the guest tree: cpu N's interrupt controller, the PLIC (or,
 * in a domain with an AIA, the APLIC: the wired interrupt controller
 * either way), the IMSIC.
 */
#define PHANDLE_CPU_INTC(n) (0x100 + (n))
#define PHANDLE_PLIC 0x80
#define PHANDLE_IMSIC 0x81

/*
 * Multi-letter extensions a vCPU has when the host has them: everything
 * that works in VS-mode without hypervisor help (no state of its own, no
 * enable bit in henvcfg or hstateen0): docs/riscv.md "Extensions of
 * -cpu max" has the whole table, with what is hidden and why.
 */
static const char *const guest_exts[] = {
	"zicsr",   "zifencei", "zihintpause", "zihintntl", "zicntr",   "zicond",
	"zimop",   "zcmop",    "zmmul",	      "zaamo",	   "zalrsc",   "zabha",
	"zacas",   "zama16b",  "za64rs",      "zic64b",	   "ziccamoa", "ziccif",
	"zicclsm", "ziccrse",  "zca",	      "zcb",	   "zcd",      "zba",
	"zbb",	   "zbc",      "zbs",	      "zbkb",	   "zbkc",     "zbkx",
	"zkn",	   "zknd",     "zkne",	      "zknh",	   "zks",      "zksed",
	"zksh",	   "zkt",      "zfa",	      "zfbfmin",   "zfh",      "zfhmin",
	"ztso",	   "svinval",  "svnapot",     "zawrs", /* WRS.NTO's exit: exit.c */
};

/* The vector extensions: only when V is switched (vcpu.c). */
static const char *const guest_vector_exts[] = {
	"zve32f",   "zve32x",	"zve64f", "zve64d",  "zve64x",
	"zvfbfmin", "zvfbfwma", "zvfh",	  "zvfhmin", "zvbb",
	"zvbc",	    "zvkb",	"zvkg",	  "zvkn",    "zvknc",
	"zvkned",   "zvkng",	"zvknha", "zvknhb",  "zvks",
	"zvksc",    "zvksed",	"zvksg",  "zvksh",   "zvkt",
};

/* The single-letter extensions of the host (after "rv64"), minus H, B. */
static void base_letters(const char *isa, char *out, size_t size)
{
	const char *p = isa;
	size_t n = 0;

	if (!strncmp(p, "rv64", 4)) {
		p += 4;
	}
	for (; *p && *p != '_' && n + 1 < size; p++) {
		if (strchr("imafdcq", *p) ||
		    (*p == 'v' && riscv_features.vector)) {
			out[n++] = *p;
		}
	}
	out[n] = '\0';
}

static void add_ext(char *isa, size_t isa_size, size_t *n, char *list,
		    size_t list_size, size_t *l, const char *ext)
{
	*n += snprintf(isa + *n, *n < isa_size ? isa_size - *n : 0, "_%s", ext);
	if (*l < list_size) {
		*l += strlcpy(list + *l, ext, list_size - *l) + 1;
	} else {
		*l += strlen(ext) + 1;
	}
}

static int guest_isa(struct domain *d, char *isa, size_t isa_size, char *list,
		     size_t list_size, int *list_len)
{
	const char *host = bootinfo.isa[0] ? bootinfo.isa : "rv64imafdc";
	char letters[16];
	size_t n, l = 0;
	unsigned int i;

	base_letters(host, letters, sizeof(letters));
	n = snprintf(isa, isa_size, "rv64%s", letters);
	for (i = 0; letters[i] && l + 2 < list_size; i++) {
		list[l++] = letters[i];
		list[l++] = '\0';
	}
	for (i = 0; i < ARRAY_SIZE(guest_exts); i++) {
		if (riscv_isa_has(host, guest_exts[i])) {
			add_ext(isa, isa_size, &n, list, list_size, &l,
				guest_exts[i]);
		}
	}
	for (i = 0; riscv_features.vector && i < ARRAY_SIZE(guest_vector_exts);
	     i++) {
		if (riscv_isa_has(host, guest_vector_exts[i])) {
			add_ext(isa, isa_size, &n, list, list_size, &l,
				guest_vector_exts[i]);
		}
	}
	if (riscv_features.sstc) {
		add_ext(isa, isa_size, &n, list, list_size, &l, "sstc");
	}
	if (riscv_features.svpbmt) {
		add_ext(isa, isa_size, &n, list, list_size, &l, "svpbmt");
	}
	if (d->arch.aia) {
		/* The AIA CSRs: VS-mode's stopi, siselect, sireg, stopei. */
		add_ext(isa, isa_size, &n, list, list_size, &l, "ssaia");
	}
	if (n >= isa_size || l > list_size) {
		return -E2BIG;
	}
	*list_len = (int)l;
	return 0;
}

static int fdt_reg64(void *fdt, u64 base, u64 size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

static int cpus_node(struct domain *d, void *fdt)
{
	/* Static: about 1.3 KiB, too much for a hypervisor stack. */
	static char isa[640], exts[640];
	static DEFINE_SPINLOCK(isa_lock);
	char name[24];
	int exts_len, rc;
	unsigned int i;

	spin_lock(&isa_lock);
	rc = guest_isa(d, isa, sizeof(isa), exts, sizeof(exts), &exts_len);
	if (rc) {
		spin_unlock(&isa_lock);
		return rc;
	}
	rc = fdt_begin_node(fdt, "cpus");
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 1);
	rc = rc ?: fdt_property_u32(fdt, "#size-cells", 0);
	rc = rc	   ?:
		     fdt_property_u32(fdt, "timebase-frequency",
				      (u32)arch_counter_freq());
	for (i = 0; i < d->nr_vcpus && !rc; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		rc = fdt_begin_node(fdt, name);
		rc = rc ?: fdt_property_string(fdt, "device_type", "cpu");
		rc = rc ?: fdt_property_u32(fdt, "reg", i);
		rc = rc ?: fdt_property_string(fdt, "status", "okay");
		rc = rc ?: fdt_property_string(fdt, "compatible", "riscv");
		rc = rc ?: fdt_property_string(fdt, "riscv,isa", isa);
		rc = rc ?: fdt_property_string(fdt, "riscv,isa-base", "rv64i");
		rc = rc	   ?:
			     fdt_property(fdt, "riscv,isa-extensions", exts,
					  exts_len);
		rc = rc ?: fdt_property_string(fdt, "mmu-type", "riscv,sv39");
		rc = rc ?: fdt_begin_node(fdt, "interrupt-controller");
		rc = rc ?: fdt_property_u32(fdt, "#interrupt-cells", 1);
		rc = rc ?: fdt_property(fdt, "interrupt-controller", NULL, 0);
		rc = rc	   ?:
			     fdt_property_string(fdt, "compatible",
						 "riscv,cpu-intc");
		rc = rc	   ?:
			     fdt_property_u32(fdt, "phandle",
					      PHANDLE_CPU_INTC(i));
		rc = rc ?: fdt_end_node(fdt);
		rc = rc ?: fdt_end_node(fdt);
	}
	spin_unlock(&isa_lock);
	rc = rc ?: fdt_end_node(fdt);
	return rc;
}

static int plic_node(struct domain *d, void *fdt)
{
	static const char compat[] = "sifive,plic-1.0.0\0riscv,plic0";
	fdt32_t irqs[2 * CONFIG_MAX_VCPUS];
	char name[32];
	unsigned int i;
	int rc;

	for (i = 0; i < d->nr_vcpus; i++) {
		irqs[2 * i] = cpu_to_fdt32(PHANDLE_CPU_INTC(i));
		irqs[2 * i + 1] = cpu_to_fdt32(9); /* S-mode external */
	}
	snprintf(name, sizeof(name), "plic@%lx", VPLIC_BASE);
	rc = fdt_begin_node(fdt, name);
	rc = rc ?: fdt_property(fdt, "compatible", compat, sizeof(compat));
	rc = rc ?: fdt_reg64(fdt, VPLIC_BASE, VPLIC_SIZE);
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 0);
	rc = rc ?: fdt_property_u32(fdt, "#interrupt-cells", 1);
	rc = rc ?: fdt_property(fdt, "interrupt-controller", NULL, 0);
	rc = rc	   ?:
		     fdt_property(fdt, "interrupts-extended", irqs,
				  d->nr_vcpus * 2 * sizeof(fdt32_t));
	rc = rc ?: fdt_property_u32(fdt, "riscv,ndev", VPLIC_NR_SOURCES - 1);
	rc = rc ?: fdt_property_u32(fdt, "phandle", PHANDLE_PLIC);
	rc = rc ?: fdt_end_node(fdt);
	return rc;
}

/*
 * The IMSIC and the APLIC of a domain with an AIA, as QEMU describes its
 * own (virt,aia=aplic-imsic) and Linux's irq-riscv-imsic and -aplic
 * drivers read them: one S-level file page per vCPU (hart index = vCPU,
 * no guest index bits), the APLIC in MSI mode (msi-parent), two
 * interrupt cells (source, sense).
 */
static int aia_nodes(struct domain *d, void *fdt)
{
	static const char imsic_compat[] = "riscv,imsics";
	static const char aplic_compat[] = "riscv,aplic";
	fdt32_t irqs[2 * CONFIG_MAX_VCPUS];
	char name[40];
	unsigned int i;
	int rc;

	for (i = 0; i < d->nr_vcpus; i++) {
		irqs[2 * i] = cpu_to_fdt32(PHANDLE_CPU_INTC(i));
		irqs[2 * i + 1] = cpu_to_fdt32(9); /* S-mode external */
	}
	snprintf(name, sizeof(name), "imsics@%lx", VIMSIC_BASE);
	rc = fdt_begin_node(fdt, name);
	rc = rc	   ?:
		     fdt_property(fdt, "compatible", imsic_compat,
				  sizeof(imsic_compat));
	rc = rc	   ?:
		     fdt_reg64(fdt, VIMSIC_BASE,
			       (u64)d->nr_vcpus * IMSIC_PAGE_SIZE);
	rc = rc	   ?:
		     fdt_property(fdt, "interrupts-extended", irqs,
				  d->nr_vcpus * 2 * sizeof(fdt32_t));
	rc = rc ?: fdt_property(fdt, "msi-controller", NULL, 0);
	rc = rc ?: fdt_property(fdt, "interrupt-controller", NULL, 0);
	rc = rc ?: fdt_property_u32(fdt, "#interrupt-cells", 0);
	rc = rc ?: fdt_property_u32(fdt, "riscv,num-ids", VIMSIC_NR_IDS);
	rc = rc ?: fdt_property_u32(fdt, "phandle", PHANDLE_IMSIC);
	rc = rc ?: fdt_end_node(fdt);

	snprintf(name, sizeof(name), "aplic@%lx", VAPLIC_BASE);
	rc = rc ?: fdt_begin_node(fdt, name);
	rc = rc	   ?:
		     fdt_property(fdt, "compatible", aplic_compat,
				  sizeof(aplic_compat));
	rc = rc ?: fdt_reg64(fdt, VAPLIC_BASE, VAPLIC_SIZE);
	rc = rc ?: fdt_property_u32(fdt, "msi-parent", PHANDLE_IMSIC);
	rc = rc ?: fdt_property(fdt, "interrupt-controller", NULL, 0);
	rc = rc ?: fdt_property_u32(fdt, "#interrupt-cells", 2);
	rc = rc ?: fdt_property_u32(fdt, "#address-cells", 0);
	rc = rc	   ?:
		     fdt_property_u32(fdt, "riscv,num-sources",
				      VAPLIC_NR_SOURCES - 1);
	rc = rc ?: fdt_property_u32(fdt, "phandle", PHANDLE_PLIC);
	rc = rc ?: fdt_end_node(fdt);
	return rc;
}

/*
 * The interrupts property of a device on wired line @irq: one cell under
 * the PLIC, source and sense (4: level high) under the APLIC.
 */
static int irq_prop(struct domain *d, void *fdt, unsigned int irq)
{
	fdt32_t cells[2] = { cpu_to_fdt32(irq), cpu_to_fdt32(4) };

	return fdt_property(fdt, "interrupts", cells,
			    (d->arch.aia ? 2 : 1) * sizeof(fdt32_t));
}

static int uart_node(struct domain *d, void *fdt)
{
	char name[32];
	int rc;

	snprintf(name, sizeof(name), "serial@%lx", VUART_BASE);
	rc = fdt_begin_node(fdt, name);
	rc = rc ?: fdt_property_string(fdt, "compatible", "ns16550a");
	rc = rc ?: fdt_reg64(fdt, VUART_BASE, VUART_SIZE);
	rc = rc ?: fdt_property_u32(fdt, "clock-frequency", VUART_CLOCK);
	rc = rc ?: irq_prop(d, fdt, VUART_IRQ);
	rc = rc ?: fdt_property_u32(fdt, "interrupt-parent", PHANDLE_PLIC);
	rc = rc ?: fdt_end_node(fdt);
	return rc;
}

/* The power button (arch/riscv/vinput.c): a virtio-mmio transport. */
static int power_button_node(struct domain *d, void *fdt)
{
	char name[32];
	int rc;

	snprintf(name, sizeof(name), "virtio_mmio@%llx",
		 (unsigned long long)XL_PWRBTN_ADDR_RISCV64);
	rc = fdt_begin_node(fdt, name);
	rc = rc ?: fdt_property_string(fdt, "compatible", "virtio,mmio");
	rc = rc	   ?:
		     fdt_reg64(fdt, XL_PWRBTN_ADDR_RISCV64,
			       XL_PWRBTN_SIZE_RISCV64);
	rc = rc ?: irq_prop(d, fdt, XL_PWRBTN_IRQ_RISCV64);
	rc = rc ?: fdt_property_u32(fdt, "interrupt-parent", PHANDLE_PLIC);
	rc = rc ?: fdt_property(fdt, "dma-coherent", NULL, 0);
	rc = rc ?: fdt_end_node(fdt);
	return rc;
}

int arch_guest_fdt_nodes(struct domain *d, void *fdt)
{
	int rc;

	rc = cpus_node(d, fdt);
	rc = rc ?: (d->arch.aia ? aia_nodes(d, fdt) : plic_node(d, fdt));
	rc = rc ?: uart_node(d, fdt);
	rc = rc ?: power_button_node(d, fdt);
	return rc;
}

u32 arch_guest_intc_phandle(void)
{
	return PHANDLE_PLIC;
}

const char *arch_guest_stdout_path(void)
{
	return "/serial@10000000";
}

/*
 * A shared-memory doorbell's line: vPLIC source, or the same vAPLIC
 * source in a domain with an AIA (docs/shared-memory.md).
 */
int arch_shm_fdt_irq(struct domain *d, void *fdt, unsigned int slot)
{
	int rc = irq_prop(d, fdt, XL_BOOT_SHM_IRQ_BASE_RISCV64 + slot);

	return rc ?: fdt_property_u32(fdt, "interrupt-parent", PHANDLE_PLIC);
}
