// SPDX-License-Identifier: GPL-2.0
/*
 * A bundle's /chosen domain nodes read back with the hypervisor's own
 * parser (common/domain_fdt.c, linked into the CLI) and compared, field by
 * field, with the domain files they were written from: what check and
 * build accept is what boots, or the CLI says where the two disagree.
 */
#include "hyp_host.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>
#include <xen-lite/domain_fdt.h>

#include "bundle.h"

static int differ(char *err, size_t len, int i, const char *name,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int differ(char *err, size_t len, int i, const char *name,
		  const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, len,
		     "domain %d (%s): the hypervisor would read it "
		     "differently: ",
		     i + 1, name);
	if (n < 0 || (size_t)n >= len)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static enum shutdown_action action_of(enum domcfg_action a)
{
	switch (a) {
	case DOMCFG_RESTART:
		return ACTION_RESTART;
	case DOMCFG_PRESERVE:
		return ACTION_PRESERVE;
	default:
		return ACTION_DESTROY;
	}
}

static const char *action_str(enum shutdown_action a)
{
	return a == ACTION_RESTART  ? XL_BOOT_ACTION_RESTART :
	       a == ACTION_PRESERVE ? XL_BOOT_ACTION_PRESERVE :
				      XL_BOOT_ACTION_DESTROY;
}

#define SAME_U64(field, want, got)                                             \
	do {                                                                   \
		uint64_t w_ = (want), g_ = (got);                              \
		if (w_ != g_)                                                  \
			return differ(err, len, i, d->name,                    \
				      "%s: %" PRIu64 " from the domain file, " \
				      "%" PRIu64 " from the DTB",              \
				      field, w_, g_);                          \
	} while (0)

#define SAME_BOOL(field, want, got)                                      \
	do {                                                             \
		bool w_ = (want), g_ = (got);                            \
		if (w_ != g_)                                            \
			return differ(err, len, i, d->name,              \
				      "%s: %s from the domain file, %s " \
				      "from the DTB",                    \
				      field, w_ ? "yes" : "no",          \
				      g_ ? "yes" : "no");                \
	} while (0)

#define SAME_STR(field, want, got)                                        \
	do {                                                              \
		const char *w_ = (want), *g_ = (got);                     \
		if (strcmp(w_, g_))                                       \
			return differ(err, len, i, d->name,               \
				      "%s: \"%s\" from the domain file, " \
				      "\"%s\" from the DTB",              \
				      field, w_, g_);                     \
	} while (0)

/* Domain @i as domain_fdt.c read it (@c) against its file (@d). */
static int compare(int i, const struct domcfg *d, const struct domain_config *c,
		   const struct module *kernel, const struct module *ramdisk,
		   char *err, size_t len)
{
	SAME_STR("name", d->name, c->name);
	SAME_U64("domain ID", (uint64_t)i + 1, c->domid);
	SAME_U64("memory", d->memory, c->mem_bytes);
	SAME_U64("vcpus", d->vcpus, c->vcpus);
	for (uint32_t v = 0; v < c->vcpus && v < CONFIG_MAX_VCPUS; v++) {
		char f[32];

		snprintf(f, sizeof(f), "cpus[%u]", v);
		/* Not pinned: -1 for every vCPU. */
		SAME_U64(f, d->nr_cpus ? (int64_t)d->cpus[v] : -1,
			 (int64_t)c->affinity[v]);
	}
	SAME_U64("p2m_pool (KiB)", d->p2m_pool_kb, c->p2m_pool_kb);
	SAME_BOOL("privileged", d->privileged, c->privileged);
	SAME_STR("on_poweroff", action_str(action_of(d->on_poweroff)),
		 action_str(c->on_poweroff));
	SAME_STR("on_reboot", action_str(action_of(d->on_reboot)),
		 action_str(c->on_reboot));
	SAME_STR("on_crash", action_str(action_of(d->on_crash)),
		 action_str(c->on_crash));
	SAME_BOOL("pv_mmu_policy no-wx",
		  d->pv_mmu_policy == DOMCFG_PV_MMU_NO_WX, c->pv_no_wx);
	SAME_BOOL("mmio_fault crash", d->mmio_fault_crash, c->mmio_fault_crash);
	SAME_STR("cmdline", d->cmdline ? d->cmdline : "", c->bootargs);
	SAME_U64("kernel address", kernel->addr, c->kernel_pa);
	SAME_U64("kernel size", kernel->size, c->kernel_size);
	SAME_U64("ramdisk address", ramdisk ? ramdisk->addr : 0, c->ramdisk_pa);
	SAME_U64("ramdisk size", ramdisk ? ramdisk->size : 0, c->ramdisk_size);
	SAME_U64("shm regions", d->nr_shm, c->nr_shm);
	for (uint32_t s = 0; s < d->nr_shm && s < c->nr_shm; s++) {
		const struct domcfg_shm *w = &d->shm[s];
		const struct domain_shm_config *g = &c->shm[s];
		char f[5][32];

		snprintf(f[0], sizeof(f[0]), "shm[%u] id", s);
		snprintf(f[1], sizeof(f[1]), "shm[%u] size", s);
		snprintf(f[2], sizeof(f[2]), "shm[%u] gpa", s);
		snprintf(f[3], sizeof(f[3]), "shm[%u] owner", s);
		snprintf(f[4], sizeof(f[4]), "shm[%u] ro", s);
		SAME_STR(f[0], w->id, g->id);
		SAME_U64(f[1], w->size, g->size);
		SAME_U64(f[2], w->gpa, g->gpa);
		SAME_BOOL(f[3], w->owner, g->owner);
		SAME_BOOL(f[4], w->ro, g->ro);
	}
	/* Passthrough (docs/passthrough.md). */
	SAME_U64("iomem ranges", d->pt.nr_iomem, c->nr_iomem);
	for (unsigned int j = 0; j < c->nr_iomem; j++) {
		SAME_U64("iomem address", d->pt.iomem[j].hpa, c->iomem[j].hpa);
		SAME_U64("iomem guest address", d->pt.iomem[j].gpa,
			 c->iomem[j].gpa);
		SAME_U64("iomem size", d->pt.iomem[j].size, c->iomem[j].size);
	}
	SAME_U64("irqs", d->pt.nr_irqs, c->nr_irqs);
	for (unsigned int j = 0; j < c->nr_irqs; j++)
		SAME_U64("irq", d->pt.irq[j], c->irqs[j]);
	{
		unsigned int off = 0;
		int j;

		for (j = 0; j < d->pt.nr_dtdev && off < c->dtdev_len; j++) {
			SAME_STR("dtdev", d->pt.dtdev[j], c->dtdev + off);
			off += (unsigned int)strlen(c->dtdev + off) + 1;
		}
		SAME_U64("dtdev paths", (uint64_t)d->pt.nr_dtdev,
			 (uint64_t)j + (off < c->dtdev_len));
	}
	SAME_BOOL("direct_map", d->pt.direct_map, c->direct_map);
	return 0;
}

int bundle_verify(const void *fdt, const struct domcfg *doms, int nr,
		  const struct module *mods, unsigned int nr_cpus, char *err,
		  size_t len)
{
	struct domain_config *cfgs = calloc(XL_BOOT_MAX_DOMAINS, sizeof(*cfgs));
	char why[256];
	int n, i, m = 0, rc = 0;

	if (!cfgs) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	n = domain_fdt_parse_max(fdt, cfgs, XL_BOOT_MAX_DOMAINS, nr_cpus,
				 domcfg_limits.max_vcpus, why, sizeof(why));
	if (n < 0) {
		snprintf(err, len, "the hypervisor would refuse the bundle: %s",
			 why);
		rc = -1;
	} else if (n != nr) {
		snprintf(err, len,
			 "the hypervisor would read %d domain%s, not %d", n,
			 n == 1 ? "" : "s", nr);
		rc = -1;
	}
	for (i = 0; !rc && i < nr; i++) {
		const struct module *k = &mods[m++];
		const struct module *r = doms[i].ramdisk ? &mods[m++] : NULL;

		rc = compare(i, &doms[i], &cfgs[i], k, r, err, len);
	}
	free(cfgs);
	return rc;
}
