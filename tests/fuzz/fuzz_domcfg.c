// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the domain-file parser (tools/domcfg.c) on arbitrary
 * bytes, through its buffer entry point with DOMCFG_NO_FS so no file is
 * opened. A file the parser accepts must satisfy every documented limit
 * (docs/domain-file.md); the set check then runs on it twice (a duplicate
 * name must be reported) and once alone.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domcfg.h"

#include "fuzz_check.h"

static FILE *devnull;

static void check_valid(const struct domcfg *d)
{
	size_t n = strnlen(d->name, sizeof(d->name));

	CHECK(n >= 1 && n <= DOMCFG_NAME_MAX);
	for (size_t i = 0; i < n; i++) {
		char c = d->name[i];

		CHECK((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-');
	}
	CHECK(d->kernel && d->kernel[0]);
	CHECK(d->memory && d->memory <= DOMCFG_MAX_MEMORY);
	CHECK(d->memory % DOMCFG_ALIGN == 0);
	CHECK(d->vcpus >= 1 && d->vcpus <= domcfg_limits.max_vcpus);
	CHECK(d->nr_cpus == 0 || d->nr_cpus == d->vcpus);
	CHECK(d->nr_cpus <= DOMCFG_MAX_LIST);
	if (d->cmdline)
		CHECK(strlen(d->cmdline) <= DOMCFG_CMDLINE_MAX);
	if (d->p2m_pool_kb) {
		CHECK(d->p2m_pool_kb >= DOMCFG_MIN_POOL_KB);
		CHECK(d->p2m_pool_kb <= DOMCFG_MAX_POOL_KB);
		CHECK(d->p2m_pool_kb % 4 == 0);
	}
	CHECK(d->on_poweroff <= DOMCFG_PRESERVE);
	CHECK(d->on_reboot <= DOMCFG_PRESERVE);
	CHECK(d->on_crash <= DOMCFG_PRESERVE);
	CHECK(d->pv_mmu_policy <= DOMCFG_PV_MMU_NO_WX);
	CHECK(d->nr_lines >= 1);
	for (int k = 0; k < DOMCFG_NR_KEYS; k++)
		CHECK(d->line[k] >= 0 && d->line[k] <= d->nr_lines);
	CHECK(d->line[DOMCFG_K_NAME] && d->line[DOMCFG_K_KERNEL]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct domcfg_host host = { .nr_cpus = 4, .ram_size = 8ULL << 30 };
	struct domcfg_error *err = calloc(1, sizeof(*err));
	struct domcfg d[2];
	char *buf;
	int rc;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	/* An exact-size copy, so ASan sees any read past the end. */
	buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	memset(d, 0, sizeof(d));
	rc = domcfg_parse_buf("fuzz.cfg", buf, size, DOMCFG_NO_FS, &d[0], err);
	CHECK(rc == 0 || rc == -22);
	CHECK((rc == 0) == (err->count == 0));
	if (devnull)
		domcfg_error_print(err, devnull);
	if (!rc) {
		check_valid(&d[0]);
		(void)domcfg_pool_kb(&d[0]);
		memset(err, 0, sizeof(*err));
		(void)domcfg_check_set(&d[0], 1, &host, err);
		/* The same domain twice: its name is now a duplicate. */
		memset(err, 0, sizeof(*err));
		rc = domcfg_parse_buf("fuzz2.cfg", buf, size, DOMCFG_NO_FS,
				      &d[1], err);
		CHECK(rc == 0);
		CHECK(domcfg_check_set(d, 2, &host, err) != 0);
		domcfg_free(&d[1]);
	}
	domcfg_free(&d[0]);

	/* The size parser alone, on the input as a C string. */
	if (size < 64) {
		char s[64];
		uint64_t v;

		memcpy(s, data, size);
		s[size] = '\0';
		rc = domcfg_parse_size(s, 1ULL << 20, &v);
		CHECK(rc == 0 || rc == -22 || rc == -34);
	}
	free(buf);
	free(err);
	return 0;
}
