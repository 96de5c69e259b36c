/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host stand-in for arch/riscv/include/asm/tlbflush.h in the fuzzing
 * harnesses that link RISC-V exit handlers: each local fence is a call of
 * the harness, which counts them (and stops a call that fences too much
 * right away, before it loops for long).
 */
#ifndef ASM_RISCV_TLBFLUSH_H
#define ASM_RISCV_TLBFLUSH_H

/* The harness: one hfence.vvma (any operands), one fence.i. */
void fuzz_hfence_vvma(void);
void fuzz_fence_i(void);

static inline void hfence_vvma_all(void)
{
	fuzz_hfence_vvma();
}

static inline void hfence_vvma_asid(unsigned long asid)
{
	fuzz_hfence_vvma();
}

static inline void hfence_vvma_va(unsigned long va)
{
	fuzz_hfence_vvma();
}

static inline void hfence_vvma_va_asid(unsigned long va, unsigned long asid)
{
	fuzz_hfence_vvma();
}

static inline void local_fence_i(void)
{
	fuzz_fence_i();
}

#endif /* ASM_RISCV_TLBFLUSH_H */
