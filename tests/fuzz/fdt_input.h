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
 * Blobs with a property whose length wraps the structure offset past
 * INT_MAX are skipped unless XL_FUZZ_LIBFDT_HANG is set: libfdt 1.6.1
 * (the host's, and Debian bookworm's that the arm64 image links) loops
 * for ever in fdt_next_tag() on them (finding F5); 1.7 returns FDT_END.
 */
#ifndef XL_FUZZ_FDT_INPUT_H
#define XL_FUZZ_FDT_INPUT_H

#include <libfdt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"

/* Largest blob accepted; the hypervisor's own limit is 16 MiB. */
#define FUZZ_FDT_MAX (1U << 20)

/* Does a property length make libfdt 1.6.1's fdt_next_tag() wrap? */
static inline bool fdt_len_wraps(const uint8_t *b, uint32_t total)
{
	uint32_t base = fdt_off_dt_struct(b);
	uint32_t size = fdt_version(b) >= 17 ? fdt_size_dt_struct(b) :
					       total - base;
	uint32_t off = 0;

	if (base > total || size > total - base)
		return false;
	while (off + 4 <= size) {
		uint32_t tag = fdt32_ld((const fdt32_t *)(b + base + off));

		off += 4;
		if (tag == FDT_BEGIN_NODE) {
			while (off < size && b[base + off])
				off++;
			off = (off + 4) & ~3U;
		} else if (tag == FDT_PROP) {
			uint32_t len;

			if (off + 8 > size)
				return false;
			len = fdt32_ld((const fdt32_t *)(b + base + off));
			if (len + off >= 0x7fffffffU || len + off < off)
				return true;
			off = (off + 8 + len + 3) & ~3U;
		} else if (tag != FDT_END_NODE && tag != FDT_NOP) {
			return false;
		}
	}
	return false;
}

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
	if (fdt_len_wraps(data, total) && !getenv("XL_FUZZ_LIBFDT_HANG"))
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
