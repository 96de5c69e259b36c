/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Arch parts of struct domain and struct vcpu (include/xen-lite/domain.h).
 * The arch code adds its virtual devices and vCPU register state here.
 */
#ifndef XL_ASM_DOMAIN_H
#define XL_ASM_DOMAIN_H

#include <xen-lite/types.h>

struct arch_domain {
	u64 flags;
};

struct arch_vcpu {
	register_t regs[32];
};

#endif
