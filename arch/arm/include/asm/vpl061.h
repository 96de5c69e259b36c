/* SPDX-License-Identifier: GPL-2.0 */
/* Virtual PL061 GPIO: the domain's power button (arch/arm/vpl061.c). */
#ifndef ASM_ARM_VPL061_H
#define ASM_ARM_VPL061_H

#include <xen-lite/spinlock.h>
#include <xen-lite/types.h>
#include <public/boot_schema.h>

struct vpl061 {
	spinlock_t lock;
	u32 in; /* input levels (line 3: the button) */
	u32 out; /* output levels the guest wrote */
	u32 dir, is, ibe, iev, ie, afsel;
	u32 ris; /* edges latched, until GPIOIC */
	u32 presses;
};

struct domain;

/**
 * vpl061_init() - reset @d's GPIO controller and register its window
 * (common/vmmio.c). Return: 0 or vmmio_register()'s error.
 */
int vpl061_init(struct domain *d);

#endif /* ASM_ARM_VPL061_H */
