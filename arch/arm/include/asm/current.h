/* SPDX-License-Identifier: GPL-2.0 */
/* This CPU's struct pcpu, kept in TPIDR_EL2 from the first instructions. */
#ifndef ASM_ARM_CURRENT_H
#define ASM_ARM_CURRENT_H

struct pcpu;

static inline struct pcpu *this_cpu(void)
{
	struct pcpu *p;

	__asm__("mrs %0, tpidr_el2" : "=r"(p));
	return p;
}

#endif /* ASM_ARM_CURRENT_H */
