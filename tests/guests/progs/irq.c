// SPDX-License-Identifier: MIT
/*
 * irq: interrupts through the virtual GIC (Arm), GICv3 or GICv2 as the
 * guest's device tree says (rt_gic_*() of rt/arm64/arch.c): the
 * distributor's identification, an SGI to itself, the virtual timer PPI
 * (hardware-linked in the list registers), a level SPI (the PL011's
 * transmit interrupt, INTID 33) that must not come back once the device
 * lowers it, and with two vCPUs an SGI from vCPU0 to vCPU1 and one back
 * (the GICv2 source CPU in the IAR). Each interrupt is acknowledged and ended
 * through the CPU interface (ICC_* or the GICV frame at GICC's address).
 * Arguments: gic=N fails unless the tree names GIC version N.
 * RISC-V has no GIC: the suite checks nothing there and is not run.
 */
#include <rt.h>

const char rt_suite[] = "irq";

#ifdef __aarch64__
#define GICD_BASE 0x08000000UL
#define UART_IMSC 0x09000038UL
#define UART_TXIM (1U << 5)
#define SGI_SELF 3
#define SGI_CROSS 5
#define SGI_BACK 6
#define PPI_VTIMER 27
#define SPI_UART 33
#define IRQ_VECTOR 5 /* rt_trap() kind: IRQ from EL1 with SP_EL1 */

static void spin_irq(void *arg)
{
	uint64_t end = *(uint64_t *)arg;

	asm volatile("msr daifclr, #2" ::: "memory");
	while (arch_counter() < end)
		arch_relax();
	asm volatile("msr daifset, #2" ::: "memory");
}

/* Unmask IRQs for up to @ms ms. Return: true if an IRQ was taken. */
static bool irq_within(unsigned long ms, unsigned long *kind)
{
	uint64_t end = arch_counter() + arch_counter_freq() / 1000 * ms;
	struct rt_fault f = { 0 };
	bool took = rt_catch(spin_irq, &end, &f);

	*kind = f.kind;
	return took && f.kind == IRQ_VECTOR;
}

static void test_id(void)
{
	unsigned long want = rt_arg_ul("gic", 0);
	uint32_t pidr2 =
		*(volatile uint32_t *)(GICD_BASE +
				       (rt_env.gic == 3 ? 0xffe8 : 0xfe8));

	rt_check(rt_env.gic == 2 || rt_env.gic == 3, "dt_names_gic",
		 "no GICv2/v3 interrupt-controller node (%u)", rt_env.gic);
	if (want)
		rt_check(rt_env.gic == want, "gic_version",
			 "the tree names a GICv%u, expected v%lu", rt_env.gic,
			 want);
	rt_check(((pidr2 >> 4) & 0xf) == rt_env.gic, "pidr2_archrev",
		 "GICD_PIDR2 %#x for a GICv%u", pidr2, rt_env.gic);
	if (rt_env.gic == 2) {
		uint32_t typer = *(volatile uint32_t *)(GICD_BASE + 4);

		rt_check(((typer >> 5) & 7) + 1 == rt_env.nr_cpus, "typer_cpus",
			 "GICD_TYPER %#x for %u vCPUs", typer, rt_env.nr_cpus);
	}
}

/* Take IRQ @intid (IAR checked, GICv2: from CPU @src), end it. */
static void take(const char *name, unsigned int intid, unsigned int src,
		 void (*lower)(void))
{
	unsigned long kind;
	unsigned int iar;
	char n2[48];

	if (!rt_check(irq_within(2000, &kind), name, "no IRQ in 2 s (%lu)",
		      kind))
		return;
	iar = rt_gic_ack();
	rt_snprintf(n2, sizeof(n2), "%s_iar", name);
	if (rt_env.gic == 2)
		rt_check(iar == (intid | src << 10), n2,
			 "IAR %#x, expected %#x", iar, intid | src << 10);
	else
		rt_check(iar == intid, n2, "IAR %#x, expected %#x", iar, intid);
	if (lower)
		lower();
	rt_gic_eoi(iar);
	rt_snprintf(n2, sizeof(n2), "%s_once", name);
	rt_check(!irq_within(10, &kind), n2, "taken again (%lu)", kind);
}

static void timer_off(void)
{
	asm volatile("msr cntv_ctl_el0, %0; isb" : : "r"(0UL));
}

static void uart_off(void)
{
	*(volatile uint32_t *)UART_IMSC = 0;
}

static volatile unsigned int cross_ready, cross_iar = ~0U, cross_done;

static void secondary(unsigned long cpu)
{
	unsigned long kind;

	rt_gic_cpu_init();
	rt_gic_enable(SGI_CROSS, 0xa0, true);
	WRITE_ONCE(cross_ready, 1);
	if (irq_within(4000, &kind)) {
		unsigned int iar = rt_gic_ack();

		WRITE_ONCE(cross_iar, iar);
		rt_gic_eoi(iar);
		/* And one back: vCPU0 must see vCPU1 as its source. */
		rt_gic_send_sgi(0, SGI_BACK);
	}
	WRITE_ONCE(cross_done, 1);
}

static void test_cross(void)
{
	uint64_t end = rt_now_us() + 10000000;
	unsigned int want = SGI_CROSS;

	if (rt_env.nr_cpus < 2)
		return;
	if (!rt_check(rt_cpu_start(1, secondary, 1) == 0, "cross_start",
		      "vCPU1 did not start"))
		return;
	rt_gic_enable(SGI_BACK, 0xa0, true);
	while (!READ_ONCE(cross_ready) && rt_now_us() < end)
		arch_relax();
	rt_gic_send_sgi(1, SGI_CROSS);
	while (!READ_ONCE(cross_done) && rt_now_us() < end)
		arch_relax();
	/* From vCPU0: source 0 in a GICv2 IAR, as in a GICv3 one. */
	rt_check(READ_ONCE(cross_iar) == want, "cross_sgi",
		 "vCPU1 acknowledged %#x, expected %#x", READ_ONCE(cross_iar),
		 want);
	take("sgi_from_vcpu1", SGI_BACK, 1, NULL);
}

int test_main(void)
{
	test_id();
	rt_gic_cpu_init();

	rt_gic_enable(SGI_SELF, 0xa0, true);
	rt_gic_send_sgi(0, SGI_SELF);
	take("sgi_self", SGI_SELF, 0, NULL);

	rt_gic_enable(PPI_VTIMER, 0xa0, true);
	asm volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb"
		     :
		     : "r"(arch_counter() + arch_counter_freq() / 1000),
		       "r"(1UL));
	take("vtimer_ppi", PPI_VTIMER, 0, timer_off);

	rt_gic_enable(SPI_UART, 0xa0, true);
	*(volatile uint32_t *)UART_IMSC = UART_TXIM;
	take("uart_spi", SPI_UART, 0, uart_off);
	rt_gic_enable(SPI_UART, 0xa0, false);

	test_cross();
	return 0;
}
#else
int test_main(void)
{
	return 0;
}
#endif
