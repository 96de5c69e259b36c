/* SPDX-License-Identifier: GPL-2.0 */
/* Host stand-in for asm/tlbflush.h: the tests count the local fences. */
#ifndef ASM_RISCV_TLBFLUSH_H
#define ASM_RISCV_TLBFLUSH_H

extern unsigned int test_local_fences;

static inline void hfence_vvma_all(void)
{
	test_local_fences++;
}

static inline void hfence_vvma_asid(unsigned long asid)
{
	test_local_fences++;
}

static inline void hfence_vvma_va(unsigned long va)
{
	test_local_fences++;
}

static inline void hfence_vvma_va_asid(unsigned long va, unsigned long asid)
{
	test_local_fences++;
}

static inline void local_fence_i(void)
{
	test_local_fences++;
}

#endif
