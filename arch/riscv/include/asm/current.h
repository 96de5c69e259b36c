/* SPDX-License-Identifier: GPL-2.0 */
/*
 * this_cpu(): the tp register holds &pcpu_info[this CPU] whenever the
 * hypervisor runs. While a guest runs, the guest owns tp and the hypervisor
 * finds its per-CPU data again through the vCPU context (sscratch).
 */
#ifndef ASM_RISCV_CURRENT_H
#define ASM_RISCV_CURRENT_H

struct pcpu;

static inline struct pcpu *this_cpu(void)
{
	struct pcpu *p;

	__asm__("mv %0, tp" : "=r"(p));
	return p;
}

#endif /* ASM_RISCV_CURRENT_H */
