// SPDX-License-Identifier: MIT
/*
 * console: the per-domain console output budget (docs/robustness.md).
 *   role=flood   print numbered 100-byte lines in a tight loop for
 *                flood_ms (default 3000), then wait rest_ms (default
 *                1500, the budget refills) and print "flood done: N
 *                lines written, S short writes" (which tells the runner
 *                how many lines it wrote). Over its budget the
 *                hypervisor takes fewer bytes than asked, and the
 *                runtime writes the rest again 1 ms later (S counts
 *                those short writes): nothing may be lost, and a
 *                flood whose lines cost more than the budget allowed
 *                over its time (burst=, rate=, line_cost=: 16384, 2048
 *                and 110) must have been cut short. via=dbcn
 *                (RISC-V): through SBI DBCN console_write instead of
 *                the hypercall (ignored on Arm). via=uart: byte by
 *                byte through the emulated UART (16550 THR on RISC-V,
 *                PL011 DR on Arm), waiting while it says its
 *                transmitter is full (LSR.THRE clear, FR.TXFF set), as a
 *                polling driver on real hardware does (S then counts
 *                the bytes that had to wait). lines=N: stop after N
 *                lines instead of flood_ms. chunk=K (the hypercall
 *                only): K lines per write (at most 1024 bytes).
 *   role=probe   after start_ms (default 0; the flooders' bursts are
 *                allowed first), every period_ms (default 50) for run_ms
 *                (default 3000):
 *                print one timestamped line and measure how long the
 *                console write took (the hypercall returns once the line
 *                is on the UART); checks that no write took longer than
 *                max_us (default 50000), that they took mean_us (default
 *                25000) on average at most, and that at least min_pct
 *                (default 80) percent of the periods got their line out.
 *                linger_ms (default 0): stay that long before exiting
 *                (keep the console input focus, whose partial lines go
 *                out after 30 ms, off the flooders until they are done).
 *   role=steady  for run_ms (default 3000) spin reading the clock and
 *                check that no gap between two readings was longer than
 *                max_gap_us (default 100000): the vCPU kept running
 *                (the hypervisor held its CPU for no longer), whatever
 *                the others do to the console.
 */
#include <rt.h>

const char rt_suite[] = "console";

#define LINE_FMT                                             \
	"flood %08lu ......................................" \
	"..........................................\n"
#define LINE_LEN 100

#ifdef __aarch64__
#define UART_BASE 0x09000000UL /* PL011 */
static bool uart_full(void)
{
	return *(volatile uint32_t *)(UART_BASE + 0x18) & (1U << 5); /* TXFF */
}

static void uart_put(char c)
{
	*(volatile uint32_t *)UART_BASE = (uint8_t)c;
}
#else
#define UART_BASE 0x10000000UL /* 16550 */
static bool uart_full(void)
{
	return !(*(volatile uint8_t *)(UART_BASE + 5) & 0x20); /* LSR.THRE */
}

static void uart_put(char c)
{
	*(volatile uint8_t *)UART_BASE = (uint8_t)c;
}
#endif

/* The emulated UART, as a polling driver: wait while it is full. */
static unsigned long uart_waits;

static void uart_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (uart_full()) {
			uart_waits++;
			while (uart_full())
				arch_relax();
		}
		uart_put(s[i]);
	}
}

/* @len bytes through the hypercall, written again while cut short. */
static void hc_write_all(const char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		long r = xl_console_write(buf + done, len - done);

		if (r < 0)
			return;
		if ((size_t)r < len - done) {
			rt_console_short++;
			rt_udelay(1000);
		}
		done += (size_t)r;
	}
}

static int flood(void)
{
	uint64_t t0 = rt_now_us(), took;
	uint64_t end = t0 + rt_arg_ul("flood_ms", 3000) * 1000;
	unsigned long allowed, cost;
	unsigned long max = rt_arg_ul("lines", 0), n = 0;
	unsigned long chunk = rt_arg_ul("chunk", 1);
	bool uart = rt_arg_is("via", "uart");
	static char buf[1024];

	if (chunk < 1 || chunk > sizeof(buf) / LINE_LEN)
		chunk = 1;
	rt_console_dbcn = rt_arg_is("via", "dbcn");
	rt_printf("flood start\n");
	while (max ? n < max : rt_now_us() < end) {
		size_t len = 0;

		/* 100 bytes with the newline, @chunk of them. */
		for (unsigned long i = 0; i < chunk && (!max || n < max); i++)
			len += (size_t)rt_snprintf(buf + len, sizeof(buf) - len,
						   LINE_FMT, n++);
		if (uart)
			uart_write(buf, len);
		else if (chunk > 1)
			hc_write_all(buf, len);
		else
			rt_printf("%s", buf);
	}
	if (uart)
		rt_console_short = uart_waits;
	/*
	 * What the budget let through meanwhile (burst=, rate=: the
	 * defaults of CONFIG_CONSOLE_DOMAIN_BURST and _RATE; line_cost=:
	 * what one line costs it, the 100 bytes and the "[flood-u] " the
	 * hypervisor puts before them). A flood slower than that (a loaded
	 * host: each byte through the UART is an exit) is never cut short,
	 * rightly.
	 */
	took = rt_now_us() - t0;
	cost = n * rt_arg_ul("line_cost", 110);
	allowed = rt_arg_ul("burst", 16384) +
		  (unsigned long)(rt_arg_ul("rate", 2048) * took / 1000000);
	rt_udelay(rt_arg_ul("rest_ms", 1500) * 1000);
	rt_printf("flood done: %lu lines written, %lu short writes\n", n,
		  rt_console_short);
	rt_printf("flood: %lu bytes of budget in %lu ms, which allows %lu\n",
		  cost, (unsigned long)(took / 1000), allowed);
	/* expect_short=0: a run whose flood fits the budget and the ring. */
	rt_check(rt_console_short || !rt_arg_ul("expect_short", 1) ||
			 cost <= allowed,
		 "short_writes",
		 "no write was cut short though %lu bytes of budget in %lu ms "
		 "are over the %lu it allows",
		 cost, (unsigned long)(took / 1000), allowed);
	rt_ok("flooded");
	return 0;
}

static int probe(void)
{
	uint64_t period = rt_arg_ul("period_ms", 50) * 1000;
	uint64_t run = rt_arg_ul("run_ms", 3000) * 1000;
	uint64_t max_us = rt_arg_ul("max_us", 50000);
	uint64_t mean_us = rt_arg_ul("mean_us", 25000);
	unsigned long min_pct = rt_arg_ul("min_pct", 80);
	uint64_t t_start, next, worst = 0, sum = 0;
	unsigned long lines = 0, periods = run / period;

	rt_udelay(rt_arg_ul("start_ms", 0) * 1000);
	t_start = next = rt_now_us();

	while (rt_now_us() < t_start + run) {
		uint64_t t0, dt;

		while (rt_now_us() < next)
			arch_relax();
		t0 = rt_now_us();
		rt_printf("probe %lu at %llu us\n", lines,
			  (unsigned long long)(t0 - t_start));
		dt = rt_now_us() - t0;
		if (dt > worst)
			worst = dt;
		sum += dt;
		lines++;
		next += period;
		/* A late period is skipped, not made up in a burst. */
		if (next < rt_now_us())
			next = rt_now_us() + period -
			       (rt_now_us() - next) % period;
	}
	rt_printf("probe: %lu lines in %llu ms, console write max %llu us, "
		  "mean %llu us\n",
		  lines, (unsigned long long)(rt_now_us() - t_start) / 1000,
		  (unsigned long long)worst,
		  (unsigned long long)(lines ? sum / lines : 0));
	rt_check(worst <= max_us, "write_latency_bounded",
		 "a console write took %llu us (bound %llu us)",
		 (unsigned long long)worst, (unsigned long long)max_us);
	rt_check(lines && sum / lines <= mean_us, "write_latency_mean",
		 "console writes took %llu us on average (bound %llu us)",
		 (unsigned long long)(lines ? sum / lines : 0),
		 (unsigned long long)mean_us);
	rt_check(lines * 100 >= periods * min_pct, "progress",
		 "%lu lines in %lu periods (want %lu%%)", lines, periods,
		 min_pct);
	rt_udelay(rt_arg_ul("linger_ms", 0) * 1000);
	return 0;
}

static int steady(void)
{
	uint64_t run = rt_arg_ul("run_ms", 3000) * 1000;
	uint64_t max_gap = rt_arg_ul("max_gap_us", 100000);
	uint64_t start = rt_now_us(), last = start, gap = 0, now;
	unsigned long loops = 0;

	rt_printf("steady start\n");
	while ((now = rt_now_us()) < start + run) {
		if (now - last > gap)
			gap = now - last;
		last = now;
		loops++;
	}
	rt_printf("steady: %lu loops in %llu ms, longest gap %llu us\n", loops,
		  (unsigned long long)(now - start) / 1000,
		  (unsigned long long)gap);
	rt_check(gap <= max_gap, "progress_gap",
		 "the vCPU stood still for %llu us (bound %llu us)",
		 (unsigned long long)gap, (unsigned long long)max_gap);
	return 0;
}

int test_main(void)
{
	if (rt_arg_is("role", "steady"))
		return steady();
	if (rt_arg_is("role", "flood"))
		return flood();
	if (rt_arg_is("role", "probe"))
		return probe();
	rt_panic("role=flood, role=probe or role=steady");
}
