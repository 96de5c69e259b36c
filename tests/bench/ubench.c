// SPDX-License-Identifier: MIT
/*
 * ubench: on-target micro-benchmarks, a test guest (tests/guests runtime)
 * that times exits with the platform counter. Run under QEMU with
 * -icount shift=0 by tests/bench/ubench.sh, so a nanosecond of the
 * counter is one instruction executed (guest, hypervisor and firmware).
 *
 * For each kind of exit it times N calls in a row, subtracts an empty
 * loop of N iterations and prints "UBENCH <name> <ns per call>":
 *   null_hypercall  XL_HC_VERSION (the cheapest xen-lite hypercall); built
 *                   for Xen (RT_XEN, tests/bench/xen-arm64.sh): Xen's
 *                   xen_version(XENVER_version), HVC #0xEA1
 *   fw_call         RISC-V: SBI BASE get_spec_version, served by the
 *                   hypervisor's SBI server; Arm: PSCI_VERSION over HVC
 *   mmio_read       a 32-bit load of a virtual UART register (RISC-V
 *                   vUART LSR, Arm vPL011 FR): guest page fault, decode,
 *                   device model, return
 */
#include <rt.h>

const char rt_suite[] = "ubench";

/* Calls per figure (cmdline n=, default 2000). */
static unsigned int N = 2000;

#ifdef RT_XEN
#define XEN_HC_XEN_VERSION 17 /* __HYPERVISOR_xen_version; XENVER_version = 0 */
#endif

#if defined(__riscv)
#define UART_REG ((volatile uint8_t *)0x10000005UL) /* LSR */
#define FW_EXT 0x10UL /* SBI BASE */
#define FW_FN 0UL /* get_spec_version */
#else
#define UART_REG ((volatile uint32_t *)(RT_UART_BASE + 0x18)) /* PL011 FR */
#define FW_EXT 0UL
#define FW_FN 0x84000000UL /* PSCI_VERSION */
#endif

static uint64_t ns(uint64_t ticks)
{
	return ticks * 1000000000ULL / arch_counter_freq();
}

static uint64_t empty_loop(void)
{
	uint64_t t0 = arch_counter();

	for (unsigned int i = 0; i < N; i++)
		__asm__ __volatile__("" ::: "memory");
	return arch_counter() - t0;
}

static void report(const char *name, uint64_t ticks, uint64_t base)
{
	uint64_t t = ticks > base ? ticks - base : 0;

	rt_printf("UBENCH %s %llu\n", name, (unsigned long long)(ns(t) / N));
}

int test_main(void)
{
	uint64_t base, t0, t;
	long sink = 0;

	N = rt_arg_ul("n", 2000);
	base = empty_loop();

	t0 = arch_counter();
	for (unsigned int i = 0; i < N; i++)
#ifdef RT_XEN
		sink += xen_hypercall(XEN_HC_XEN_VERSION, 0, 0, 0, 0, 0);
#else
		sink += xl_hypercall(XL_HC_VERSION, 0, 0, 0, 0, 0);
#endif
	t = arch_counter() - t0;
	report("null_hypercall", t, base);

	t0 = arch_counter();
	for (unsigned int i = 0; i < N; i++)
		sink += fw_call(FW_EXT, FW_FN, 0, 0, 0, 0, 0, 0).value;
	t = arch_counter() - t0;
	report("fw_call", t, base);

	t0 = arch_counter();
	for (unsigned int i = 0; i < N; i++)
		sink += *UART_REG;
	t = arch_counter() - t0;
	report("mmio_read", t, base);

	rt_check(sink != 0, "ran", "no call returned anything");
	return 0;
}
