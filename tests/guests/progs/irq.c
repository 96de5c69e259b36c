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
 * wfi_race=N (three vCPUs, vCPU0 and vCPU1 on one CPU): only the WFI race
 * below, N SGIs.
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

/*
 * Virtual timer ticks on vCPU1 while vCPU0 sends it SGIs (issue 20):
 * xen-lite injects a tick of the running vCPU straight into a list
 * register at the IRQ exit when nothing else is in the way, and an SGI
 * made pending around that (its work bit raised before or just after)
 * must be loaded with it, neither overwriting the tick's list register
 * nor lost. vCPU1 arms its timer 2-9 us ahead, takes every interrupt until
 * the tick, STORM_TICKS times; vCPU0 sends an SGI every few us meanwhile.
 * A tick lost (its PPI stays active, no later tick comes) or an SGI that
 * never arrives ends a wait of 200 ms: FAIL.
 */
#define SGI_STORM 7
#define STORM_TICKS 3000
static volatile unsigned int storm_ready, storm_done, storm_ticks, storm_sgis,
	storm_bad = ~0U;
static volatile unsigned long storm_sent;

static void storm_secondary(unsigned long unused)
{
	unsigned long kind;
	unsigned int ticks = 0, sgis = 0;

	rt_gic_cpu_init();
	rt_gic_enable(PPI_VTIMER, 0xa0, true);
	rt_gic_enable(SGI_STORM, 0x80, true);
	WRITE_ONCE(storm_ready, 1);
	while (ticks < STORM_TICKS) {
		uint64_t ahead =
			arch_counter_freq() / 1000000 * (2 + ticks % 8);

		asm volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb"
			     :
			     : "r"(arch_counter() + ahead), "r"(1UL));
		for (;;) {
			unsigned int iar;

			if (!irq_within(200, &kind)) {
				WRITE_ONCE(storm_bad, 1000000 + ticks);
				goto out;
			}
			iar = rt_gic_ack() & 0xffffff;
			if (iar == PPI_VTIMER) {
				timer_off();
				rt_gic_eoi(iar);
				ticks++;
				break;
			}
			if (iar == SGI_STORM) {
				rt_gic_eoi(iar);
				sgis++;
				continue;
			}
			if (iar < 1020) {
				rt_gic_eoi(iar);
				WRITE_ONCE(storm_bad, iar);
				goto out;
			}
		}
	}
	/* The last SGI sent arrives too. */
	WRITE_ONCE(storm_done, 1);
	while (READ_ONCE(storm_sent) != ~0UL)
		arch_relax();
	if (irq_within(200, &kind)) {
		unsigned int iar = rt_gic_ack() & 0xffffff;

		if (iar < 1020) {
			rt_gic_eoi(iar);
			sgis += iar == SGI_STORM;
		}
	}
out:
	WRITE_ONCE(storm_ticks, ticks);
	WRITE_ONCE(storm_sgis, sgis);
	WRITE_ONCE(storm_done, 2);
}

static void test_storm(void)
{
	uint64_t end = rt_now_us() + 30000000;
	unsigned long sent = 0;

	if (rt_env.nr_cpus < 2)
		return;
	/* vCPU1 is off again once test_cross()'s secondary() returned. */
	while (rt_cpu_start(1, storm_secondary, 0) && rt_now_us() < end)
		arch_relax();
	while (!READ_ONCE(storm_ready) && rt_now_us() < end)
		arch_relax();
	while (!READ_ONCE(storm_done) && rt_now_us() < end) {
		uint64_t t = arch_counter() +
			     arch_counter_freq() / 1000000 * (1 + sent % 5);

		rt_gic_send_sgi(1, SGI_STORM);
		sent++;
		while (arch_counter() < t)
			arch_relax();
	}
	WRITE_ONCE(storm_sent, ~0UL);
	while (READ_ONCE(storm_done) != 2 && rt_now_us() < end)
		arch_relax();
	if (!rt_check(READ_ONCE(storm_done) == 2, "storm_done",
		      "vCPU1 did not finish in 30 s"))
		return;
	rt_check(READ_ONCE(storm_ticks) == STORM_TICKS, "storm_ticks",
		 "vCPU1 took %u of %u timer ticks (%s %u)",
		 READ_ONCE(storm_ticks), STORM_TICKS,
		 READ_ONCE(storm_bad) >= 1000000 ?
			 "no interrupt in 200 ms at tick" :
			 "unexpected INTID",
		 READ_ONCE(storm_bad) >= 1000000 ?
			 READ_ONCE(storm_bad) - 1000000 :
			 READ_ONCE(storm_bad));
	/* SGIs sent while one is pending merge: at least one arrives. */
	rt_check(READ_ONCE(storm_sgis) > 0 && READ_ONCE(storm_sgis) <= sent,
		 "storm_sgis", "vCPU1 took %u SGIs of %lu sent",
		 READ_ONCE(storm_sgis), sent);
	rt_printf("storm: %u ticks, %u of %lu SGIs taken\n",
		  READ_ONCE(storm_ticks), READ_ONCE(storm_sgis), sent);
}

/*
 * wfi_race=N: an SGI that comes while vCPU0 traps on WFI must end that WFI
 * (issue 20). vCPU0 waits in WFI with interrupts masked (a safety timer
 * 1 s ahead, its PPI disabled: only the due timer ends the WFI then) and
 * acknowledges each SGI; vCPU2, on another CPU, sends the next SGI as
 * soon as the last one is acknowledged, after a delay that varies from 0
 * to some 600 instructions, so the SGI arrives at every point of vCPU0's
 * way into the block. vCPU1 shares vCPU0's CPU and blocks in WFI on its
 * timer 3 us ahead again and again, so that vCPU0's WFI hands the CPU to
 * it (sched_block_handover(): the blocked vCPU's second look at its
 * interrupts comes after vCPU1's load) or, when vCPU1 is blocked too,
 * goes back to the scheduler loop (arm_vcpu_wfi_blocked()). An SGI made
 * pending between xen-lite's look at vCPU0's interrupts and its block
 * finds vCPU0 still running and only kicks it: without the second look
 * vCPU0 stays blocked until its safety timer, and vCPU2's wait of 500 ms
 * for the acknowledgement fails ("wfi_race").
 */
#define SGI_RACE 9
static volatile unsigned long race_acked;
static volatile unsigned int race_stop, race_lost, race_done;

static void race_sharer(unsigned long unused)
{
	uint64_t ahead = arch_counter_freq() / 1000000 * 3;

	while (!READ_ONCE(race_stop)) {
		asm volatile("msr cntv_cval_el0, %0\n"
			     "msr cntv_ctl_el0, %1\n"
			     "isb\n"
			     "dsb sy\n"
			     "wfi" ::"r"(arch_counter() + ahead),
			     "r"(1UL)
			     : "memory");
		timer_off();
	}
	__atomic_fetch_add(&race_done, 1, __ATOMIC_SEQ_CST);
}

static void race_sender(unsigned long n)
{
	uint64_t wait = arch_counter_freq() / 2;

	for (unsigned long i = 0; i < n && !READ_ONCE(race_stop); i++) {
		uint64_t end;

		for (unsigned long k = (i * 37) % 211; k; k--)
			asm volatile("" ::: "memory");
		rt_gic_send_sgi(0, SGI_RACE);
		end = arch_counter() + wait;
		while (READ_ONCE(race_acked) <= i && arch_counter() < end)
			arch_relax();
		if (READ_ONCE(race_acked) <= i) {
			WRITE_ONCE(race_lost, (unsigned int)i + 1);
			break;
		}
	}
	WRITE_ONCE(race_stop, 1);
	__atomic_fetch_add(&race_done, 1, __ATOMIC_SEQ_CST);
}

static void test_wfi_race(unsigned long n)
{
	uint64_t safety = arch_counter_freq();
	uint64_t end = rt_now_us() + 60000000;
	unsigned long acked = 0, other = 0;

	rt_gic_cpu_init();
	rt_gic_enable(SGI_RACE, 0x80, true);
	if (!rt_check(rt_env.nr_cpus >= 3 &&
			      rt_cpu_start(1, race_sharer, 0) == 0 &&
			      rt_cpu_start(2, race_sender, n) == 0,
		      "wfi_race_start", "vCPU1 and vCPU2 did not start"))
		return;
	while (!READ_ONCE(race_stop) && rt_now_us() < end) {
		unsigned int iar;

		asm volatile("msr cntv_cval_el0, %0\n"
			     "msr cntv_ctl_el0, %1\n"
			     "isb\n"
			     "dsb sy\n"
			     "wfi" ::"r"(arch_counter() + safety),
			     "r"(1UL)
			     : "memory");
		timer_off();
		iar = rt_gic_ack() & 0xffffff;
		if (iar == SGI_RACE) {
			rt_gic_eoi(iar);
			WRITE_ONCE(race_acked, ++acked);
		} else if (iar < 1020) {
			rt_gic_eoi(iar);
			other++;
		}
	}
	WRITE_ONCE(race_stop, 1);
	while (READ_ONCE(race_done) < 2 && rt_now_us() < end)
		arch_relax();
	rt_printf("wfi_race: %lu of %lu SGIs acknowledged\n", acked, n);
	rt_check(!READ_ONCE(race_lost) && acked == n && !other, "wfi_race",
		 "SGI %u not acknowledged within 500 ms (a lost wake-up), "
		 "%lu of %lu acknowledged, %lu other interrupts",
		 READ_ONCE(race_lost), acked, n, other);
}

int test_main(void)
{
	unsigned long race = rt_arg_ul("wfi_race", 0);

	if (race) {
		test_wfi_race(race);
		return 0;
	}
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
	test_storm();
	return 0;
}
#else
int test_main(void)
{
	return 0;
}
#endif
