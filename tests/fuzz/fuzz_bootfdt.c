// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the host device tree parser (common/bootfdt.c) on
 * arbitrary blobs, followed as at boot by the /chosen domain-node parser
 * (common/domain_fdt.c); the checks are in boot_check.h.
 */
#include "boot_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *extra;
	size_t nr_extra;
	paddr_t fdt_pa = 0;
	void *fdt = fdt_input(data, size, &extra, &nr_extra);

	if (!fdt)
		return -1;
	/* Eight trailing bytes after the blob give its physical address. */
	if (nr_extra >= 8)
		memcpy(&fdt_pa, extra, 8);
	boot_check(fdt, fdt_pa);
	free(fdt);
	return 0;
}
