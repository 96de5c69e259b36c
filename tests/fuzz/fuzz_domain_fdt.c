// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the /chosen domain-node parser (common/domain_fdt.c)
 * on arbitrary device trees. Whatever it accepts must satisfy the limits
 * of docs/boot-protocol.md, since domain_build() trusts the result.
 */
#include <xen-lite/domain_fdt.h>
#include <xen-lite/errno.h>

#include "fdt_input.h"

static bool valid_name(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (n < 1 || n > 31 || n == max)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

static void check_cfg(const struct domain_config *c, unsigned int nr_cpus)
{
	CHECK(valid_name(c->name, sizeof(c->name)));
	CHECK(c->mem_bytes && c->mem_bytes <= (64ULL << 30));
	CHECK(!(c->mem_bytes & ((2ULL << 20) - 1)));
	CHECK(c->vcpus >= 1 && c->vcpus <= CONFIG_MAX_VCPUS);
	for (unsigned int i = 0; i < CONFIG_MAX_VCPUS; i++) {
		if (i < c->vcpus)
			CHECK(c->affinity[i] >= -1 &&
			      c->affinity[i] < (int)nr_cpus);
		else
			CHECK(c->affinity[i] == -1);
	}
	CHECK(!c->p2m_pool_kb || (c->p2m_pool_kb >= XL_BOOT_POOL_MIN_KB &&
				  c->p2m_pool_kb <= XL_BOOT_POOL_MAX_KB));
	CHECK(c->on_poweroff <= ACTION_PRESERVE);
	CHECK(c->on_reboot <= ACTION_PRESERVE);
	CHECK(c->on_crash <= ACTION_PRESERVE);
	CHECK(memchr(c->bootargs, 0, sizeof(c->bootargs)));
	CHECK(c->kernel_size && c->kernel_size <= c->mem_bytes / 2);
	CHECK(c->kernel_pa + c->kernel_size > c->kernel_pa);
	if (c->ramdisk_size) {
		CHECK(c->ramdisk_size <= c->mem_bytes / 2);
		CHECK(c->ramdisk_pa + c->ramdisk_size > c->ramdisk_pa);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct domain_config cfgs[MAX_BOOT_DOMAINS];
	const uint8_t *extra;
	size_t nr_extra;
	unsigned int nr_cpus = 4;
	int max = MAX_BOOT_DOMAINS;
	char err[160];
	void *fdt = fdt_input(data, size, &extra, &nr_extra);
	int n;

	if (!fdt)
		return -1;
	/* A trailing byte after the blob varies the limits. */
	if (nr_extra) {
		max = 1 + extra[0] % MAX_BOOT_DOMAINS;
		nr_cpus = 1 + (extra[0] >> 5);
	}
	memset(cfgs, 0xa5, sizeof(cfgs));
	n = domain_fdt_parse(fdt, cfgs, max, nr_cpus, err, sizeof(err));
	CHECK(memchr(err, 0, sizeof(err)));
	if (getenv("XL_FUZZ_VERBOSE"))
		fprintf(stderr, "domain_fdt_parse: %d %s\n", n, err);
	if (n < 0) {
		CHECK(n == -EINVAL || n == -E2BIG);
		CHECK(err[0]);
	} else {
		CHECK(n <= max);
		for (int i = 0; i < n; i++) {
			check_cfg(&cfgs[i], nr_cpus);
			for (int j = 0; j < i; j++)
				CHECK(strcmp(cfgs[i].name, cfgs[j].name));
		}
	}
	free(fdt);
	return 0;
}
