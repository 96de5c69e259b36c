/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host stand-in for arch/arm/include/asm/current.h in the fuzzing
 * harnesses that compile Arm exit handlers: the harness says which pCPU
 * the code runs on instead of TPIDR_EL2.
 */
#ifndef ASM_ARM_CURRENT_H
#define ASM_ARM_CURRENT_H

struct pcpu;

extern struct pcpu *fuzz_this_cpu;

static inline struct pcpu *this_cpu(void)
{
	return fuzz_this_cpu;
}

#endif /* ASM_ARM_CURRENT_H */
