/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The boot-time device tree checks shared by fuzz_bootfdt.c (raw blobs)
 * and fuzz_fdtgen.c (trees generated from the input): bootfdt_parse(),
 * then domain_fdt_parse() as start_xen() and start_domains() do, and the
 * properties the rest of the boot relies on. Besides memory safety:
 * RAM banks and reserved ranges are sane, and every kernel and ramdisk
 * the domain parser hands to domain_build() lies inside a boot-module
 * range bootfdt reserved (so the frame allocator never gives those pages
 * away and domain_build() reads only RAM).
 */
#ifndef XL_FUZZ_BOOT_CHECK_H
#define XL_FUZZ_BOOT_CHECK_H

#include <xen-lite/bootinfo.h>
#include <xen-lite/domain_fdt.h>
#include <xen-lite/errno.h>

#include "fdt_input.h"

static bool overlap(u64 a, u64 as, u64 b, u64 bs)
{
	return a < b + bs && b < a + as;
}

static bool in_module(const struct bootinfo *bi, u64 start, u64 size)
{
	for (u32 i = 0; i < bi->nr_resv; i++) {
		const struct resv *r = &bi->resv[i];

		if (r->kind == RESV_MODULE && start >= r->start &&
		    start + size <= r->start + r->size)
			return true;
	}
	return false;
}

static void check_bootinfo(const struct bootinfo *bi, const void *fdt)
{
	CHECK(bi->nr_mem >= 1 && bi->nr_mem <= BI_MAX_BANKS);
	for (u32 i = 0; i < bi->nr_mem; i++) {
		const struct membank *m = &bi->mem[i];

		CHECK(m->size && m->start + m->size > m->start);
		for (u32 j = 0; j < i; j++)
			CHECK(!overlap(m->start, m->size, bi->mem[j].start,
				       bi->mem[j].size));
	}
	CHECK(bi->nr_resv <= BI_MAX_RESERVED);
	for (u32 i = 0; i < bi->nr_resv; i++) {
		const struct resv *r = &bi->resv[i];

		CHECK(r->size && r->start + r->size > r->start);
		for (u32 j = 0; j < i; j++)
			CHECK(!overlap(r->start, r->size, bi->resv[j].start,
				       bi->resv[j].size));
	}
	CHECK(bi->nr_cpus >= 1 && bi->nr_cpus <= BI_MAX_CPUS);
	CHECK(memchr(bi->isa, 0, sizeof(bi->isa)));
	CHECK(memchr(bi->uart.compatible, 0, sizeof(bi->uart.compatible)));
	CHECK(bi->uart.nr_regs <= BI_MAX_REGS);
	CHECK(bi->intc.nr_regs <= BI_MAX_REGS);
	CHECK(bi->timer.nr_regs <= BI_MAX_REGS);
	if (bi->bootargs) {
		const char *b = bi->bootargs, *base = fdt;

		CHECK(b >= base && b < base + fdt_totalsize(fdt));
		CHECK(memchr(b, 0, base + fdt_totalsize(fdt) - b));
	}
}

static void boot_check(const void *fdt, paddr_t fdt_pa)
{
	static struct bootinfo bi;
	static struct domain_config cfgs[MAX_BOOT_DOMAINS];
	char err[160];
	int rc, n;

	rc = bootfdt_parse(fdt, fdt_pa, &bi);
	CHECK(memchr(bi.error, 0, sizeof(bi.error)));
	if (getenv("XL_FUZZ_VERBOSE"))
		fprintf(stderr, "bootfdt_parse: %d %s\n", rc, bi.error);
	if (rc) {
		CHECK(rc == -EINVAL || rc == -ERANGE || rc == -E2BIG);
		CHECK(bi.error[0]);
		return;
	}
	check_bootinfo(&bi, fdt);
	(void)bootinfo_ram_size(&bi);

	n = domain_fdt_parse(fdt, cfgs, MAX_BOOT_DOMAINS, bi.nr_cpus, err,
			     sizeof(err));
	if (getenv("XL_FUZZ_VERBOSE"))
		fprintf(stderr, "domain_fdt_parse: %d %s\n", n, err);
	if (n < 0)
		return;
	CHECK((u32)n == bi.nr_domain_nodes);
	for (int i = 0; i < n; i++) {
		const struct domain_config *c = &cfgs[i];

		if (!in_module(&bi, c->kernel_pa, c->kernel_size)) {
			fprintf(stderr,
				"domain %s: kernel [%#llx, +%#llx) is not in a reserved boot module\n",
				c->name, (unsigned long long)c->kernel_pa,
				(unsigned long long)c->kernel_size);
			abort();
		}
		if (c->ramdisk_size &&
		    !in_module(&bi, c->ramdisk_pa, c->ramdisk_size)) {
			fprintf(stderr,
				"domain %s: ramdisk [%#llx, +%#llx) is not in a reserved boot module\n",
				c->name, (unsigned long long)c->ramdisk_pa,
				(unsigned long long)c->ramdisk_size);
			abort();
		}
	}
}

#endif
