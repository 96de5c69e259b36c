// SPDX-License-Identifier: MIT
/*
 * victim: a bystander. Fills its RAM (outside the image) with a pattern
 * of its own, checksums all of it, then keeps checking for wait_ms
 * (default 3000) while other domains misbehave. Its memory must stay
 * byte-for-byte the same, and it must keep running (largest gap between
 * two turns of its loop below max_stall_ms, default 10000).
 */
#include <rt.h>

const char rt_suite[] = "victim";

extern char __bss_start[];
static uint64_t img_lo, img_hi;

static uint64_t ram_sum(void)
{
	uint64_t base = rt_env.ram_base, end = base + rt_env.ram_size;

	/* Code and read-only data of the image too: up to .data. */
	return rt_mix(rt_checksum((void *)(uintptr_t)base, img_lo - base, 1)) ^
	       rt_checksum((void *)(uintptr_t)img_hi, end - img_hi, 2) ^
	       rt_mix(rt_checksum(_start, ALIGN_DOWN(__bss_start - _start, 8),
				  3));
}

int test_main(void)
{
	uint64_t base = rt_env.ram_base, end = base + rt_env.ram_size;
	uint64_t wait = rt_arg_ul("wait_ms", 3000) * 1000;
	uint64_t max_stall = rt_arg_ul("max_stall_ms", 10000) * 1000;
	uint64_t seed = rt_mix(rt_env.info.domid + 77), sum0, t0, last;
	uint64_t gap = 0, checks = 0, bad = 0, hc_bad = 0;

	img_lo = ALIGN_DOWN((uintptr_t)_start, PAGE_SIZE);
	img_hi = ALIGN_UP((uintptr_t)_end, PAGE_SIZE);
	for (uint64_t a = base; a < end; a += 8) {
		if (a >= img_lo && a < img_hi)
			continue;
		*(volatile uint64_t *)(uintptr_t)a = rt_mix(a ^ seed);
	}
	sum0 = ram_sum();
	rt_printf("RAM checksum %#llx, watching for %llu ms\n",
		  (unsigned long long)sum0, (unsigned long long)wait / 1000);
	t0 = last = rt_now_us();
	while (rt_now_us() - t0 < wait) {
		uint64_t now = rt_now_us();

		if (now - last > gap)
			gap = now - last;
		last = now;
		if (ram_sum() != sum0)
			bad++;
		checks++;
		if (xl_hypercall(XL_HC_VERSION, 0, 0, 0, 0, 0) < 0)
			hc_bad++;
	}
	rt_check(!bad, "memory_unchanged", "%llu of %llu checks differed",
		 (unsigned long long)bad, (unsigned long long)checks);
	/* And word by word against the pattern, not just the checksum. */
	bad = 0;
	for (uint64_t a = base; a < end; a += 8) {
		if (a >= img_lo && a < img_hi)
			continue;
		bad += *(volatile uint64_t *)(uintptr_t)a != rt_mix(a ^ seed);
	}
	rt_check(!bad, "pattern_intact", "%llu words changed",
		 (unsigned long long)bad);
	rt_check(gap < max_stall, "never_stalled",
		 "a turn of the loop took %llu ms",
		 (unsigned long long)gap / 1000);
	rt_check(!hc_bad, "hypercalls_work", "%llu XL_HC_VERSION calls failed",
		 (unsigned long long)hc_bad);
	rt_printf("%llu checks, longest turn %llu ms\n",
		  (unsigned long long)checks, (unsigned long long)gap / 1000);
	return 0;
}
