/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The /chosen domain nodes written by the CLI (docs/boot-protocol.md),
 * parsed and validated again by the hypervisor: the DTB is input too.
 * Pure libfdt code, compiled into the host unit tests and a fuzzer.
 */
#ifndef XL_DOMAIN_FDT_H
#define XL_DOMAIN_FDT_H

#include <xen-lite/domain.h>

#define MAX_BOOT_DOMAINS 32

/**
 * domain_fdt_parse() - read every "xen-lite,domain" child of /chosen.
 * @fdt: a blob whose header was checked.
 * @cfgs: output array of @max entries.
 * @nr_cpus: physical CPUs online (affinity bound).
 * @err: a one-line reason on failure (size @errlen).
 * Return: number of domains (>= 0), or a negative errno.
 */
int domain_fdt_parse(const void *fdt, struct domain_config *cfgs, int max,
		     unsigned int nr_cpus, char *err, size_t errlen);

#endif /* XL_DOMAIN_FDT_H */
