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
	/* Shared memory (docs/shared-memory.md): each region sound, ... */
	CHECK(c->nr_shm <= XL_BOOT_SHM_MAX);
	for (unsigned int s = 0; s < c->nr_shm && s < XL_BOOT_SHM_MAX; s++) {
		const struct domain_shm_config *m = &c->shm[s];

		CHECK(valid_name(m->id, sizeof(m->id)));
		CHECK(m->size && m->size <= XL_BOOT_SHM_SIZE_MAX);
		CHECK(!(m->size % XL_BOOT_SHM_ALIGN));
		CHECK(!(m->gpa % XL_BOOT_SHM_ALIGN));
		CHECK(m->gpa + m->size > m->gpa);
		/* ... no two with one id or overlapping in a domain. */
		for (unsigned int t = 0; t < s; t++) {
			CHECK(strcmp(m->id, c->shm[t].id));
			CHECK(m->gpa + m->size <= c->shm[t].gpa ||
			      c->shm[t].gpa + c->shm[t].size <= m->gpa);
		}
	}
}

/*
 * Across the accepted domains: a region has at most one owner, one size
 * and XL_BOOT_SHM_MAX_PEERS participants (common/shm.c relies on it).
 */
static void check_shm_set(const struct domain_config *cfgs, int n)
{
	for (int i = 0; i < n; i++) {
		for (unsigned int s = 0; s < cfgs[i].nr_shm; s++) {
			const struct domain_shm_config *m = &cfgs[i].shm[s];
			unsigned int owners = 0, peers = 0;

			for (int j = 0; j < n; j++) {
				for (unsigned int t = 0; t < cfgs[j].nr_shm;
				     t++) {
					const struct domain_shm_config *o =
						&cfgs[j].shm[t];

					if (strcmp(o->id, m->id))
						continue;
					CHECK(o->size == m->size);
					owners += o->owner;
					peers++;
				}
			}
			CHECK(owners <= 1);
			CHECK(peers <= XL_BOOT_SHM_MAX_PEERS);
		}
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
		check_shm_set(cfgs, n);
	}
	free(fdt);
	return 0;
}
