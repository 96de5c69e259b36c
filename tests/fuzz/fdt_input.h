/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the device tree harnesses: turn fuzzer bytes into a blob the
 * way the hypervisor gets one. Firmware is trusted for the blob's size
 * (the header's totalsize is where the blob ends) and for nothing inside
 * it, so only inputs whose header passes fdt_check_header() and whose
 * totalsize fits the input are used. The blob is copied into a heap
 * buffer of exactly totalsize bytes so ASan reports any read past its end.
 * Bytes after totalsize, if any, are handed back as extra parameters.
 *
 * Blobs whose memory reservation block is not 8-byte aligned or whose
 * structure block is not 4-byte aligned (dtc and libfdt never write
 * such blobs; fdt_check_header() accepts them) are skipped unless
 * XL_FUZZ_MISALIGNED is set in the environment: the parsers read property
 * cells through fdt32_t pointers, which UBSan reports as misaligned loads
 * on the first such input (docs/robustness.md, finding F2), hiding
 * everything else.
 */
#ifndef XL_FUZZ_FDT_INPUT_H
#define XL_FUZZ_FDT_INPUT_H

#include <libfdt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c)							\
	do {								\
		if (!(c)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #c);		\
			abort();					\
		}							\
	} while (0)

/* Largest blob accepted; the hypervisor's own limit is 16 MiB. */
#define FUZZ_FDT_MAX (1U << 20)

static inline void *fdt_input(const uint8_t *data, size_t size,
			      const uint8_t **extra, size_t *nr_extra)
{
	uint32_t total;
	void *fdt;

	if (size < sizeof(struct fdt_header))
		return NULL;
	total = fdt_totalsize(data);
	if (total < sizeof(struct fdt_header) || total > size ||
	    total > FUZZ_FDT_MAX)
		return NULL;
	if ((fdt_off_mem_rsvmap(data) % 8 || fdt_off_dt_struct(data) % 4) &&
	    !getenv("XL_FUZZ_MISALIGNED"))
		return NULL;
	fdt = malloc(total);
	if (!fdt)
		return NULL;
	memcpy(fdt, data, total);
	if (fdt_check_header(fdt)) {
		free(fdt);
		return NULL;
	}
	*extra = data + total;
	*nr_extra = size - total;
	return fdt;
}

#endif
