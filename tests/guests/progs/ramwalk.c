// SPDX-License-Identifier: MIT
/*
 * ramwalk: read and write every page of guest RAM. Every page outside the
 * image gets a pattern that depends on its address and the pass (so a
 * page mapped twice, or a frame shared with another page, shows up),
 * then all of RAM is read back and checksummed twice.
 *   stride=N   bytes between the words written in a page (default 8:
 *              every word; larger values make big domains faster)
 *   passes=N   write/verify passes with different seeds (default 2)
 */
#include <rt.h>

const char rt_suite[] = "ramwalk";

static uint64_t pattern(uint64_t addr, uint64_t pass)
{
	return rt_mix(addr ^ (pass << 56));
}

static uint64_t ram_sum(uint64_t base, uint64_t size, uint64_t lo, uint64_t hi)
{
	return rt_mix(rt_checksum((void *)(uintptr_t)base, lo - base, 1)) ^
	       rt_checksum((void *)(uintptr_t)hi, base + size - hi, 2);
}

int test_main(void)
{
	uint64_t base = rt_env.ram_base, size = rt_env.ram_size;
	uint64_t img_lo = ALIGN_DOWN((uintptr_t)_start, PAGE_SIZE);
	uint64_t img_hi = ALIGN_UP((uintptr_t)_end, PAGE_SIZE);
	unsigned long stride = rt_arg_ul("stride", 8);
	unsigned long passes = rt_arg_ul("passes", 2);
	uint64_t pages = 0, t0 = rt_now_us();
	uint64_t sum1, sum2;

	if (stride < 8 || (stride & 7))
		stride = 8;
	if (!rt_check(size && base <= img_lo && img_hi <= base + size, "layout",
		      "RAM %#llx+%#llx, image %#llx-%#llx",
		      (unsigned long long)base, (unsigned long long)size,
		      (unsigned long long)img_lo, (unsigned long long)img_hi))
		return 1;
	rt_printf("walking %llu MiB at %#llx (image %#llx-%#llx), stride %lu\n",
		  (unsigned long long)(size >> 20), (unsigned long long)base,
		  (unsigned long long)img_lo, (unsigned long long)img_hi,
		  stride);
	for (uint64_t pass = 0; pass < passes; pass++) {
		uint64_t bad = 0, first_bad = 0;

		pages = 0;
		for (uint64_t a = base; a < base + size; a += PAGE_SIZE) {
			if (a >= img_lo && a < img_hi)
				continue;
			for (uint64_t o = 0; o < PAGE_SIZE; o += stride)
				*(volatile uint64_t *)(a + o) =
					pattern(a + o, pass);
			pages++;
		}
		for (uint64_t a = base; a < base + size; a += PAGE_SIZE) {
			if (a >= img_lo && a < img_hi)
				continue;
			for (uint64_t o = 0; o < PAGE_SIZE; o += stride) {
				if (*(volatile uint64_t *)(a + o) !=
				    pattern(a + o, pass)) {
					if (!bad++)
						first_bad = a + o;
				}
			}
		}
		if (pass == 0)
			rt_check(!bad, "write_read",
				 "%llu words wrong, first at %#llx",
				 (unsigned long long)bad,
				 (unsigned long long)first_bad);
		else if (pass == passes - 1)
			rt_check(!bad, "rewrite_read",
				 "%llu words wrong, first at %#llx",
				 (unsigned long long)bad,
				 (unsigned long long)first_bad);
	}
	/* The image changes while we run (stack, .bss): leave it out. */
	sum1 = ram_sum(base, size, img_lo, img_hi);
	sum2 = ram_sum(base, size, img_lo, img_hi);
	rt_check(sum1 == sum2, "checksum_stable",
		 "two checksums of RAM differ: %#llx %#llx",
		 (unsigned long long)sum1, (unsigned long long)sum2);
	rt_check(pages == (size - (img_hi - img_lo)) / PAGE_SIZE, "all_pages",
		 "walked %llu pages", (unsigned long long)pages);
	rt_printf("walked %llu pages in %llu ms, checksum %#llx\n",
		  (unsigned long long)pages,
		  (unsigned long long)(rt_now_us() - t0) / 1000,
		  (unsigned long long)sum1);
	return 0;
}
