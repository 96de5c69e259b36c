// SPDX-License-Identifier: GPL-2.0
/*
 * The Arm nodes of a guest's device tree: CPUs with PSCI, the GIC (v3, or
 * v2 on a GICv2 host), the
 * architected timer and the PL011 console with its clock. Addresses and
 * interrupt numbers follow QEMU's virt machine so that guests configured
 * for it run unchanged.
 */
#include <libfdt.h>
#include <xen-lite/domain.h>
#include <xen-lite/lib.h>
#include <xen-lite/shm.h>
#include <asm/gic.h>
#include <asm/vgic.h>
#include <asm/vpl011.h>

#define PHANDLE_GIC 0x8001
#define PHANDLE_CLK 0x8002
#define PHANDLE_GPIO 0x8003

/* Interrupt specifier cells (GIC binding): type, number, flags. */
#define GIC_SPI 0
#define GIC_PPI 1
#define IRQ_LEVEL_HIGH 4

#define TRY(x)                     \
	do {                       \
		int _r = (x);      \
		if (_r < 0)        \
			return _r; \
	} while (0)

static int prop_reg2(void *fdt, u64 a0, u64 s0, u64 a1, u64 s1, int n)
{
	fdt64_t reg[4] = { cpu_to_fdt64(a0), cpu_to_fdt64(s0), cpu_to_fdt64(a1),
			   cpu_to_fdt64(s1) };

	return fdt_property(fdt, "reg", reg, n * 2 * sizeof(fdt64_t));
}

static int prop_irqs(void *fdt, const u32 *cells, int n)
{
	fdt32_t v[12];
	int i;

	for (i = 0; i < n * 3 && i < 12; i++) {
		v[i] = cpu_to_fdt32(cells[i]);
	}
	return fdt_property(fdt, "interrupts", v, n * 3 * sizeof(fdt32_t));
}

static int cpus_nodes(struct domain *d, void *fdt)
{
	char name[32];
	unsigned int n;

	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	for (n = 0; n < d->nr_vcpus; n++) {
		u32 aff = d->vcpus[n]->arch.vmpidr & 0xffffff;

		snprintf(name, sizeof(name), "cpu@%x", aff);
		TRY(fdt_begin_node(fdt, name));
		TRY(fdt_property_string(fdt, "device_type", "cpu"));
		TRY(fdt_property_string(fdt, "compatible", "arm,armv8"));
		TRY(fdt_property_u32(fdt, "reg", aff));
		TRY(fdt_property_string(fdt, "enable-method", "psci"));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

/*
 * The power button (arch/arm/vpl061.c): QEMU virt's PL061 and its
 * gpio-keys node, the same properties, so Linux's gpio-pl061 and
 * gpio_keys drive it unchanged.
 */
static int power_button_nodes(void *fdt)
{
	static const char compat[] = "arm,pl061\0arm,primecell";
	static const u32 irq[] = { GIC_SPI, XL_PWRBTN_IRQ_ARM64 - 32,
				   IRQ_LEVEL_HIGH };
	const fdt32_t gpios[3] = { cpu_to_fdt32(PHANDLE_GPIO),
				   cpu_to_fdt32(XL_PWRBTN_GPIO_LINE_ARM64),
				   cpu_to_fdt32(0) /* active high */ };
	char name[32];

	snprintf(name, sizeof(name), "pl061@%llx",
		 (unsigned long long)XL_PWRBTN_ADDR_ARM64);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	TRY(prop_reg2(fdt, XL_PWRBTN_ADDR_ARM64, XL_PWRBTN_SIZE_ARM64, 0, 0,
		      1));
	TRY(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC));
	TRY(prop_irqs(fdt, irq, 1));
	TRY(fdt_property_u32(fdt, "#gpio-cells", 2));
	TRY(fdt_property(fdt, "gpio-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "clocks", PHANDLE_CLK));
	TRY(fdt_property_string(fdt, "clock-names", "apb_pclk"));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_GPIO));
	TRY(fdt_end_node(fdt));

	TRY(fdt_begin_node(fdt, "gpio-keys"));
	TRY(fdt_property_string(fdt, "compatible", "gpio-keys"));
	TRY(fdt_begin_node(fdt, "poweroff"));
	TRY(fdt_property_string(fdt, "label", "GPIO Key Poweroff"));
	TRY(fdt_property_u32(fdt, "linux,code", XL_PWRBTN_KEY));
	TRY(fdt_property(fdt, "gpios", gpios, sizeof(gpios)));
	TRY(fdt_end_node(fdt));
	return fdt_end_node(fdt);
}

int arch_guest_fdt_nodes(struct domain *d, void *fdt)
{
	static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2";
	static const char uart_compat[] = "arm,pl011\0arm,primecell";
	static const char clk_names[] = "uartclk\0apb_pclk";
	static const u32 timer_irqs[] = {
		GIC_PPI, 13, IRQ_LEVEL_HIGH, /* secure physical */
		GIC_PPI, 14, IRQ_LEVEL_HIGH, /* non-secure physical */
		GIC_PPI, 11, IRQ_LEVEL_HIGH, /* virtual */
		GIC_PPI, 10, IRQ_LEVEL_HIGH, /* hypervisor */
	};
	static const u32 maint_irq[] = { GIC_PPI, IRQ_PPI_MAINT - 16,
					 IRQ_LEVEL_HIGH };
	static const u32 uart_irq[] = { GIC_SPI, VPL011_SPI, IRQ_LEVEL_HIGH };
	fdt32_t clocks[2] = { cpu_to_fdt32(PHANDLE_CLK),
			      cpu_to_fdt32(PHANDLE_CLK) };
	char name[48];

	TRY(cpus_nodes(d, fdt));

	TRY(fdt_begin_node(fdt, "psci"));
	TRY(fdt_property(fdt, "compatible", psci_compat, sizeof(psci_compat)));
	TRY(fdt_property_string(fdt, "method", "hvc"));
	TRY(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "interrupt-controller@%llx",
		 (unsigned long long)VGIC_DIST_BASE);
	TRY(fdt_begin_node(fdt, name));
	if (gic_v2()) {
		/*
		 * A GICv2 without virtualization extensions of its own:
		 * distributor and CPU interface (the binding's
		 * arm,cortex-a15-gic, as QEMU's virt machine names it).
		 */
		TRY(fdt_property_string(fdt, "compatible",
					"arm,cortex-a15-gic"));
		TRY(prop_reg2(fdt, VGIC_DIST_BASE, VGIC_V2_DIST_SIZE,
			      VGIC_V2_CPU_BASE, VGIC_V2_CPU_SIZE, 2));
	} else {
		TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
		TRY(prop_reg2(fdt, VGIC_DIST_BASE, VGIC_DIST_SIZE,
			      VGIC_REDIST_BASE,
			      d->nr_vcpus * VGIC_REDIST_STRIDE, 2));
		TRY(fdt_property_u32(fdt, "#redistributor-regions", 1));
		TRY(prop_irqs(fdt, maint_irq, 1));
	}
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_GIC));
	TRY(fdt_end_node(fdt));

	TRY(fdt_begin_node(fdt, "timer"));
	TRY(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	TRY(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC));
	TRY(prop_irqs(fdt, timer_irqs, 4));
	TRY(fdt_end_node(fdt));

	TRY(fdt_begin_node(fdt, "apb-pclk"));
	TRY(fdt_property_string(fdt, "compatible", "fixed-clock"));
	TRY(fdt_property_u32(fdt, "#clock-cells", 0));
	TRY(fdt_property_u32(fdt, "clock-frequency", 24000000));
	TRY(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_CLK));
	TRY(fdt_end_node(fdt));

	TRY(fdt_begin_node(fdt, arch_guest_stdout_path() + 1));
	TRY(fdt_property(fdt, "compatible", uart_compat, sizeof(uart_compat)));
	TRY(prop_reg2(fdt, VPL011_BASE, VPL011_SIZE, 0, 0, 1));
	TRY(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC));
	TRY(prop_irqs(fdt, uart_irq, 1));
	TRY(fdt_property(fdt, "clocks", clocks, sizeof(clocks)));
	TRY(fdt_property(fdt, "clock-names", clk_names, sizeof(clk_names)));
	TRY(fdt_end_node(fdt));
	return power_button_nodes(fdt);
}

u32 arch_guest_intc_phandle(void)
{
	return PHANDLE_GIC;
}

const char *arch_guest_stdout_path(void)
{
	return "/pl011@9000000";
}

/* A shared-memory doorbell's line: SPI, level high (docs/shared-memory.md). */
int arch_shm_fdt_irq(struct domain *d, void *fdt, unsigned int slot)
{
	const u32 cells[3] = { 0, XL_BOOT_SHM_SPI_BASE_ARM64 + slot, 4 };
	int rc = fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC);

	return rc ?: prop_irqs(fdt, cells, 1);
}
