// SPDX-License-Identifier: MIT
/*
 * ticker: a long-running domain for runtime control (docs/runtime.md,
 * tests/runtime).
 *   role=tick   (default) prints "tick N" every period_ms (default 200)
 *               until run_ms (default 0: for ever), and echoes what its
 *               UART receives as "got: TEXT" (one line per burst), so a
 *               test sees both that it runs (the count moves, or stops
 *               while it is paused) and that console input reaches it;
 *               prints "target N pages" when its reservation
 *               (XL_MEM_MAXIMUM_RESERVATION: xen-lite mem-set) changes.
 *   role=crash  prints "crashing" after delay_ms (default 300) and
 *               stores to an address that is neither RAM nor a device
 *               (domain file: mmio_fault = "crash", on_crash =
 *               "preserve"): a preserved crashed domain to dump.
 */
#include <rt.h>

const char rt_suite[] = "ticker";

#ifdef __aarch64__
#define UART_BASE 0x09000000UL /* PL011 */
static int uart_getc(void)
{
	volatile uint32_t *u = (volatile uint32_t *)UART_BASE;

	if (u[0x18 / 4] & (1U << 4)) /* FR.RXFE */
		return -1;
	return (int)(u[0] & 0xff);
}
#else
#define UART_BASE 0x10000000UL /* 16550 */
static int uart_getc(void)
{
	volatile uint8_t *u = (volatile uint8_t *)UART_BASE;

	if (!(u[5] & 1)) /* LSR.DR */
		return -1;
	return u[0];
}
#endif

/*
 * Sleep in WFI until the counter reaches @t (interrupts stay masked: a
 * pending timer only ends the WFI), so that idle tickers leave the host's
 * CPUs to QEMU's other threads as an idle guest would.
 */
static void sleep_until(uint64_t t)
{
#ifdef __aarch64__
	asm volatile("msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb"
		     :
		     : "r"(t), "r"(1UL)
		     : "memory");
	while (arch_counter() < t)
		asm volatile("wfi" ::: "memory");
	asm volatile("msr cntv_ctl_el0, %0\n\tisb" : : "r"(0UL) : "memory");
#else
	asm volatile("csrs sie, %0" : : "r"(1UL << 5)); /* STIE */
	fw_call(0x54494D45UL /* SBI TIME */, 0, t, 0, 0, 0, 0, 0);
	while (arch_counter() < t)
		asm volatile("wfi" ::: "memory");
	fw_call(0x54494D45UL, 0, ~0UL, 0, 0, 0, 0, 0);
	asm volatile("csrc sie, %0" : : "r"(1UL << 5));
#endif
}

static void echo_input(void)
{
	char line[80];
	size_t n = 0;
	int c;

	while ((c = uart_getc()) >= 0 && n < sizeof(line) - 1) {
		if (c == '\r' || c == '\n')
			continue;
		line[n++] = (char)c;
	}
	if (n) {
		line[n] = '\0';
		rt_printf("got: %s\n", line);
	}
}

int test_main(void)
{
	uint64_t period = rt_arg_ul("period_ms", 200) * 1000;
	uint64_t run = rt_arg_ul("run_ms", 0) * 1000;
	uint64_t t0 = rt_now_us(), next = t0;
	unsigned long n = 0;
	long target = -1;

	if (rt_arg_is("role", "crash")) {
		rt_udelay(rt_arg_ul("delay_ms", 300) * 1000);
		rt_printf("crashing\n");
		*(volatile uint64_t *)(uintptr_t)0x4000000UL = 1;
		rt_printf("still alive after the store\n");
		return 1;
	}
	rt_printf("ticker up: domid %u\n", rt_env.info.domid);
	for (;;) {
		uint64_t now = rt_now_us();

		if (run && now - t0 >= run)
			break;
		if (now >= next) {
			long t = xl_memory_op(XL_MEM_MAXIMUM_RESERVATION,
					      (void *)(uintptr_t)XL_DOMID_SELF);

			if (t != target && target != -1)
				rt_printf("target %ld pages\n", t);
			target = t;
			rt_printf("tick %lu\n", n++);
			next += period;
		}
		echo_input();
		/* 20 ms: console input is echoed soon enough. */
		sleep_until(arch_counter() + arch_counter_freq() / 50);
	}
	return 0;
}
