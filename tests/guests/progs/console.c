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
 *                those short writes): nothing may be lost. via=dbcn
 *                (RISC-V): through SBI DBCN console_write instead of
 *                the hypercall (ignored on Arm).
 *   role=probe   after start_ms (default 0; the flooders' bursts are
 *                allowed first), every period_ms (default 50) for run_ms
 *                (default 3000):
 *                print one timestamped line and measure how long the
 *                console write took (the hypercall returns once the line
 *                is on the UART); checks that no write took longer than
 *                max_us (default 50000), that they took mean_us (default
 *                25000) on average at most, and that at least min_pct
 *                (default 80) percent of the periods got their line out.
 */
#include <rt.h>

const char rt_suite[] = "console";

static int flood(void)
{
	uint64_t end = rt_now_us() + rt_arg_ul("flood_ms", 3000) * 1000;
	unsigned long n = 0;

	rt_console_dbcn = rt_arg_is("via", "dbcn");
	rt_printf("flood start\n");
	while (rt_now_us() < end) {
		/* 100 bytes with the newline. */
		rt_printf("flood %08lu ......................................"
			  "..........................................\n",
			  n);
		n++;
	}
	rt_udelay(rt_arg_ul("rest_ms", 1500) * 1000);
	rt_printf("flood done: %lu lines written, %lu short writes\n", n,
		  rt_console_short);
	rt_check(rt_console_short, "short_writes",
		 "no write was cut short: the budget was never reached");
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
	return 0;
}

int test_main(void)
{
	if (rt_arg_is("role", "flood"))
		return flood();
	if (rt_arg_is("role", "probe"))
		return probe();
	rt_panic("role=flood or role=probe");
}
