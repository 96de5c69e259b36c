/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The /chosen domain nodes written by the CLI (docs/boot-protocol.md,
 * include/public/boot_schema.h), parsed and validated again by the
 * hypervisor: the DTB is input too. Pure libfdt code, compiled into the
 * host CLI (which checks every bundle with it), the unit tests and the
 * fuzzers.
 */
#ifndef XL_DOMAIN_FDT_H
#define XL_DOMAIN_FDT_H

#include <stddef.h>
#include <xen-lite/domain_config.h>

#define MAX_BOOT_DOMAINS XL_BOOT_MAX_DOMAINS

/**
 * domain_fdt_parse_max() - read every "xen-lite,domain" child of /chosen.
 * @fdt: a blob whose header was checked.
 * @cfgs: output array of @max entries.
 * @nr_cpus: physical CPUs online (affinity bound).
 * @max_vcpus: vCPUs a domain may have: CONFIG_MAX_VCPUS of the build
 *	the DTB boots on (the host CLI reads it from that build's .config);
 *	at most CONFIG_MAX_VCPUS of this compilation (the affinity array).
 * @err: a one-line reason on failure (size @errlen).
 * Return: number of domains (>= 0), or a negative errno.
 */
int domain_fdt_parse_max(const void *fdt, struct domain_config *cfgs, int max,
			 unsigned int nr_cpus, unsigned int max_vcpus,
			 char *err, size_t errlen);

/** domain_fdt_parse() - domain_fdt_parse_max() for this build. */
static inline int domain_fdt_parse(const void *fdt, struct domain_config *cfgs,
				   int max, unsigned int nr_cpus, char *err,
				   size_t errlen)
{
	return domain_fdt_parse_max(fdt, cfgs, max, nr_cpus, CONFIG_MAX_VCPUS,
				    err, errlen);
}

#endif /* XL_DOMAIN_FDT_H */
