/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arch_copy_blocks(): the bulk of a boot module's copy into a domain being
 * built (common/domain_build.c), 128 bytes per loop iteration through
 * eight Q registers: half the instructions of a copy through X registers
 * (LDP/STP of two Q registers move 32 bytes, of two X registers 16).
 *
 * The hypervisor is built without FP/SIMD (-mgeneral-regs-only) and
 * switches a guest's FP/SIMD state lazily (arch/arm/vcpu.c): when this
 * runs, Q0-Q7 may hold a vCPU's live registers and CPTR_EL2.TFP may be
 * set, which traps FP/SIMD at EL2 too (Arm ARM DDI 0487 K.a, D23.2.30,
 * CPTR_EL2 when HCR_EL2.E2H is 0). So TFP is cleared for the copy and put
 * back after it, and Q0-Q7 are saved on the stack and restored: the
 * copy leaves every register as it found it. FPCR/FPSR are neither read
 * nor changed by loads and stores.
 */
#include <asm/sysregs.h>

	.arch	armv8-a+fp+simd

/*
 * void arch_copy_blocks(void *dst, const void *src, size_t n):
 * @n a non-zero multiple of 128; @dst and @src 16-byte aligned, Normal
 * memory.
 */
	.global	arch_copy_blocks
arch_copy_blocks:
	mrs	x3, cptr_el2
	bic	x4, x3, #CPTR_TFP
	msr	cptr_el2, x4
	isb
	sub	sp, sp, #128
	stp	q0, q1, [sp]
	stp	q2, q3, [sp, #32]
	stp	q4, q5, [sp, #64]
	stp	q6, q7, [sp, #96]
1:	ldp	q0, q1, [x1]
	ldp	q2, q3, [x1, #32]
	ldp	q4, q5, [x1, #64]
	ldp	q6, q7, [x1, #96]
	stp	q0, q1, [x0]
	stp	q2, q3, [x0, #32]
	stp	q4, q5, [x0, #64]
	stp	q6, q7, [x0, #96]
	add	x1, x1, #128
	add	x0, x0, #128
	subs	x2, x2, #128
	b.hi	1b
	ldp	q0, q1, [sp]
	ldp	q2, q3, [sp, #32]
	ldp	q4, q5, [sp, #64]
	ldp	q6, q7, [sp, #96]
	add	sp, sp, #128
	msr	cptr_el2, x3
	isb
	ret
