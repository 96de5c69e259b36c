/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host stand-in for arch/riscv/include/asm/current.h in the fuzzing
 * harnesses that compile RISC-V exit handlers: the harness says which
 * pCPU the code runs on instead of the tp register.
 */
#ifndef ASM_RISCV_CURRENT_H
#define ASM_RISCV_CURRENT_H

struct pcpu;

extern struct pcpu *fuzz_this_cpu;

static inline struct pcpu *this_cpu(void)
{
	return fuzz_this_cpu;
}

#endif /* ASM_RISCV_CURRENT_H */
