// SPDX-License-Identifier: GPL-2.0
/*
 * Boot-schema round trip (tests/cli/run.sh): each domain file is parsed by
 * tools/domcfg.c, written as the CLI writes a bundle's /chosen node
 * (tools/bundle.c), read back by the hypervisor's common/domain_fdt.c and
 * compared field by field (tools/bootcheck.c). Then every field of the
 * parsed file is changed in turn, the node left as written, and the
 * comparison must name that field: a field the comparison skipped would
 * let the CLI and the hypervisor disagree unseen. Last, with a lower
 * CONFIG_MAX_VCPUS than the file's vcpus, the hypervisor's parser must
 * refuse the node and the CLI say so.
 *
 *   schema-roundtrip [--arch riscv64|arm64] [--no-files] FILE...
 *
 * One line per file: "ok FILE" or "FAIL FILE: why". Exit 0 if all pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "domcfg.h"

/* One change of the parsed file (@d) or its placed modules (@m). */
struct mutation {
	const char *field; /* what the comparison must name */
	/* Return: false if it does not apply to this domain. */
	bool (*apply)(struct domcfg *d, struct module *m, int nr_mods);
};

static bool m_name(struct domcfg *d, struct module *m, int n)
{
	d->name[0] = d->name[0] == 'x' ? 'y' : 'x';
	return true;
}

static bool m_memory(struct domcfg *d, struct module *m, int n)
{
	d->memory += XL_BOOT_MEM_ALIGN;
	return true;
}

static bool m_vcpus(struct domcfg *d, struct module *m, int n)
{
	d->vcpus++;
	return true;
}

static bool m_cpus(struct domcfg *d, struct module *m, int n)
{
	if (d->nr_cpus) {
		d->cpus[0] ^= 1;
	} else {
		d->nr_cpus = d->vcpus;
		memset(d->cpus, 0, sizeof(d->cpus));
	}
	return true;
}

static bool m_pool(struct domcfg *d, struct module *m, int n)
{
	d->p2m_pool_kb = d->p2m_pool_kb ? d->p2m_pool_kb + 4 : 1024;
	return true;
}

static bool m_privileged(struct domcfg *d, struct module *m, int n)
{
	d->privileged = !d->privileged;
	return true;
}

static enum domcfg_action next(enum domcfg_action a)
{
	return a == DOMCFG_PRESERVE ? DOMCFG_DESTROY : a + 1;
}

static bool m_poweroff(struct domcfg *d, struct module *m, int n)
{
	d->on_poweroff = next(d->on_poweroff);
	return true;
}

static bool m_reboot(struct domcfg *d, struct module *m, int n)
{
	d->on_reboot = next(d->on_reboot);
	return true;
}

static bool m_crash(struct domcfg *d, struct module *m, int n)
{
	d->on_crash = next(d->on_crash);
	return true;
}

static bool m_pv_mmu(struct domcfg *d, struct module *m, int n)
{
	d->pv_mmu_policy = d->pv_mmu_policy == DOMCFG_PV_MMU_NO_WX ?
				   DOMCFG_PV_MMU_NONE :
				   DOMCFG_PV_MMU_NO_WX;
	return true;
}

static bool m_mmio_fault(struct domcfg *d, struct module *m, int n)
{
	d->mmio_fault_crash = !d->mmio_fault_crash;
	return true;
}

static bool m_cmdline(struct domcfg *d, struct module *m, int n)
{
	static char other[] = "roundtrip";

	d->cmdline = d->cmdline && !strcmp(d->cmdline, other) ? NULL : other;
	return true;
}

static bool m_kernel_addr(struct domcfg *d, struct module *m, int n)
{
	m[0].addr += XL_BOOT_MEM_ALIGN;
	return true;
}

static bool m_kernel_size(struct domcfg *d, struct module *m, int n)
{
	m[0].size--;
	return true;
}

static bool m_ramdisk_addr(struct domcfg *d, struct module *m, int n)
{
	if (n < 2)
		return false;
	m[1].addr += XL_BOOT_MEM_ALIGN;
	return true;
}

static bool m_ramdisk_size(struct domcfg *d, struct module *m, int n)
{
	if (n < 2)
		return false;
	m[1].size--;
	return true;
}

/* Shared-memory regions: one change per field of the first region. */
static bool m_shm_count(struct domcfg *d, struct module *m, int n)
{
	if (d->nr_shm == XL_BOOT_SHM_MAX)
		d->nr_shm--;
	else
		d->shm[d->nr_shm++] =
			(struct domcfg_shm){ .id = "rt", .size = 4096 };
	return true;
}

#define M_SHM(fn, change)                                         \
	static bool fn(struct domcfg *d, struct module *m, int n) \
	{                                                         \
		if (!d->nr_shm)                                   \
			return false;                             \
		change;                                           \
		return true;                                      \
	}
M_SHM(m_shm_id, d->shm[0].id[0] = d->shm[0].id[0] == 'x' ? 'y' : 'x')
M_SHM(m_shm_size, d->shm[0].size += 4096)
M_SHM(m_shm_gpa, d->shm[0].gpa += 4096)
M_SHM(m_shm_owner, d->shm[0].owner = !d->shm[0].owner)
M_SHM(m_shm_ro, d->shm[0].ro = !d->shm[0].ro)

/* Passthrough (docs/passthrough.md): one more of each, or one changed. */
static bool m_iomem_add(struct domcfg *d, struct module *m, int n)
{
	d->pt.iomem[d->pt.nr_iomem++] =
		(struct domcfg_iomem){ 0x1000, 0x1000, 0x1000, false };
	return true;
}

static bool m_iomem_gpa(struct domcfg *d, struct module *m, int n)
{
	if (!d->pt.nr_iomem)
		return false;
	d->pt.iomem[0].gpa += 0x1000;
	return true;
}

static bool m_irq_add(struct domcfg *d, struct module *m, int n)
{
	d->pt.irq[d->pt.nr_irqs++] = 33;
	return true;
}

static bool m_irq(struct domcfg *d, struct module *m, int n)
{
	if (!d->pt.nr_irqs)
		return false;
	d->pt.irq[0]++;
	return true;
}

static char rt_path[] = "/roundtrip";

static bool m_dtdev_add(struct domcfg *d, struct module *m, int n)
{
	d->pt.dtdev[d->pt.nr_dtdev++] = rt_path;
	return true;
}

static bool m_dtdev(struct domcfg *d, struct module *m, int n)
{
	if (!d->pt.nr_dtdev)
		return false;
	d->pt.dtdev[0] = rt_path;
	return true;
}

static bool m_direct_map(struct domcfg *d, struct module *m, int n)
{
	d->pt.direct_map = !d->pt.direct_map;
	return true;
}

static const struct mutation mutations[] = {
	{ "name", m_name },
	{ "memory", m_memory },
	{ "vcpus", m_vcpus },
	{ "cpus[0]", m_cpus },
	{ "p2m_pool (KiB)", m_pool },
	{ "privileged", m_privileged },
	{ "on_poweroff", m_poweroff },
	{ "on_reboot", m_reboot },
	{ "on_crash", m_crash },
	{ "pv_mmu_policy no-wx", m_pv_mmu },
	{ "mmio_fault crash", m_mmio_fault },
	{ "cmdline", m_cmdline },
	{ "kernel address", m_kernel_addr },
	{ "kernel size", m_kernel_size },
	{ "ramdisk address", m_ramdisk_addr },
	{ "ramdisk size", m_ramdisk_size },
	{ "shm regions", m_shm_count },
	{ "shm[0] id", m_shm_id },
	{ "shm[0] size", m_shm_size },
	{ "shm[0] gpa", m_shm_gpa },
	{ "shm[0] owner", m_shm_owner },
	{ "shm[0] ro", m_shm_ro },
	{ "iomem ranges", m_iomem_add },
	{ "iomem guest address", m_iomem_gpa },
	{ "irqs", m_irq_add },
	{ "irq", m_irq },
	{ "dtdev paths", m_dtdev_add },
	{ "dtdev", m_dtdev },
	{ "direct_map", m_direct_map },
};

static int roundtrip(const char *path, unsigned int flags)
{
	struct domcfg_error *err = calloc(1, sizeof(*err));
	struct domcfg d = { 0 };
	struct module *mods;
	char why[512], needle[64];
	int nr_mods, rc = 1;
	unsigned int nr_cpus = domcfg_limits.nr_cpus;
	const struct domcfg_host host = { .nr_cpus = nr_cpus,
					  .ram_size = 1ull << 30 };
	void *fdt;

	if (!err)
		return 1;
	if (domcfg_parse_file_flags(path, flags, &d, err)) {
		printf("FAIL %s: %s:%d: %s\n", path, err->diag[0].file,
		       err->diag[0].line, err->diag[0].msg);
		goto out_free;
	}
	/* Disks and NICs become transports, as for 'xen-lite build'. */
	if (domcfg_pt_assign(&d, 1, &host, err)) {
		printf("FAIL %s: %s:%d: %s\n", path, err->diag[0].file,
		       err->diag[0].line, err->diag[0].msg);
		goto out_free;
	}
	fdt = bundle_domain_fdt(&d, 1, &mods, &nr_mods);
	if (bundle_verify(fdt, &d, 1, mods, nr_cpus, why, sizeof(why))) {
		printf("FAIL %s: %s\n", path, why);
		goto out;
	}
	for (size_t i = 0; i < sizeof(mutations) / sizeof(mutations[0]); i++) {
		const struct mutation *mu = &mutations[i];
		struct domcfg c = d;
		struct module m[2];

		memcpy(m, mods, sizeof(*m) * (size_t)nr_mods);
		if (!mu->apply(&c, m, nr_mods))
			continue;
		if (!bundle_verify(fdt, &c, 1, m, nr_cpus, why, sizeof(why))) {
			printf("FAIL %s: a different %s went unnoticed\n", path,
			       mu->field);
			goto out;
		}
		snprintf(needle, sizeof(needle), "%s: ", mu->field);
		if (!strstr(why, needle)) {
			printf("FAIL %s: a different %s was reported as: %s\n",
			       path, mu->field, why);
			goto out;
		}
	}
	/*
	 * The hypervisor's verdict, with the .config's limit: a build with
	 * fewer vCPUs than the domain's refuses the node, and so must the CLI.
	 */
	if (d.vcpus > 1) {
		uint32_t saved = domcfg_limits.max_vcpus;

		domcfg_limits.max_vcpus = d.vcpus - 1;
		snprintf(needle, sizeof(needle),
			 "xen-lite,vcpus is %u; this build allows 1..%u",
			 d.vcpus, d.vcpus - 1);
		if (!bundle_verify(fdt, &d, 1, mods, nr_cpus, why, sizeof(why)))
			strcpy(why, "accepted");
		if (!strstr(why, "the hypervisor would refuse the bundle") ||
		    !strstr(why, needle)) {
			printf("FAIL %s: with CONFIG_MAX_VCPUS=%u: %s\n", path,
			       d.vcpus - 1, why);
			domcfg_limits.max_vcpus = saved;
			goto out;
		}
		domcfg_limits.max_vcpus = saved;
	}
	printf("ok %s\n", path);
	rc = 0;
out:
	free(fdt);
	free(mods);
out_free:
	domcfg_free(&d);
	free(err);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned int flags = 0;
	int i, failed = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--no-files")) {
			flags |= DOMCFG_NO_FS;
		} else if (!strcmp(argv[i], "--arch") && i + 1 < argc) {
			domcfg_arch = argv[++i];
		} else {
			fprintf(stderr, "usage: schema-roundtrip [--arch A] "
					"[--no-files] FILE...\n");
			return 2;
		}
	}
	for (; i < argc; i++)
		failed += roundtrip(argv[i], flags);
	return failed ? 1 : 0;
}
