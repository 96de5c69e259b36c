/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration the CLI compiles hypervisor sources with
 * (tools/Makefile): the largest a build may have, since the build a bundle
 * boots on is only known at run time, from its .config
 * (domcfg_load_limits()). Limits that depend on the build are passed to
 * the code as arguments (domain_fdt_parse_max()).
 */
#ifndef XL_TOOLS_HYP_HOST_H
#define XL_TOOLS_HYP_HOST_H

#include <public/boot_schema.h>

/* A host program: types.h takes the host's register_t. */
#ifndef XL_HOST_TEST
#define XL_HOST_TEST 1
#endif
#define CONFIG_MAX_VCPUS XL_KCONFIG_MAX_VCPUS_MAX

#endif
