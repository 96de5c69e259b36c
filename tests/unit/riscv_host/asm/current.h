/* SPDX-License-Identifier: GPL-2.0 */
/* Host stand-in for the RISC-V asm/current.h in riscv_vdev.mk's tests. */
#ifndef ASM_RISCV_CURRENT_H
#define ASM_RISCV_CURRENT_H

struct pcpu;

/* The test's notion of the calling CPU (test_riscv_vdev.c). */
struct pcpu *test_this_cpu(void);

static inline struct pcpu *this_cpu(void)
{
	return test_this_cpu();
}

#endif
