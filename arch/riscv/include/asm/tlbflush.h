/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Local fences of guest translations (privileged spec, "Hypervisor
 * Virtual-Machine Fence"): HFENCE.VVMA applies to the VMID in hgatp, i.e.
 * to the domain whose vCPU this hart is running or just ran.
 */
#ifndef ASM_RISCV_TLBFLUSH_H
#define ASM_RISCV_TLBFLUSH_H

/* hfence.vvma x0, x0: every VS-stage translation of the current VMID. */
static inline void hfence_vvma_all(void)
{
	__asm__ __volatile__(".insn r 0x73, 0, 0x11, x0, x0, x0" ::: "memory");
}

/* hfence.vvma x0, asid: one guest address space. */
static inline void hfence_vvma_asid(unsigned long asid)
{
	__asm__ __volatile__(".insn r 0x73, 0, 0x11, x0, x0, %0" ::"r"(asid)
			     : "memory");
}

/* hfence.vvma va, x0: one guest virtual page in every address space. */
static inline void hfence_vvma_va(unsigned long va)
{
	__asm__ __volatile__(".insn r 0x73, 0, 0x11, x0, %0, x0" ::"r"(va)
			     : "memory");
}

/* hfence.vvma va, asid: one guest virtual page of one address space. */
static inline void hfence_vvma_va_asid(unsigned long va, unsigned long asid)
{
	__asm__ __volatile__(".insn r 0x73, 0, 0x11, x0, %0, %1" ::"r"(va),
			     "r"(asid)
			     : "memory");
}

/* fence.i: this hart's instruction fetches see earlier stores. */
static inline void local_fence_i(void)
{
	__asm__ __volatile__("fence.i" ::: "memory");
}

#endif /* ASM_RISCV_TLBFLUSH_H */
