/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EL2 exception vectors, the guest entry/exit path and FP/SIMD register
 * save/restore.
 *
 * The hypervisor runs on SP_EL2 (EL2h). Exceptions from EL2 itself push a
 * struct cpu_regs frame and call C. Exceptions from a guest return from
 * __guest_enter(): it pushed the host's callee-saved registers and the
 * guest frame pointer before the ERET, and SP_EL2 is untouched while the
 * guest runs, so the exit path finds them at the top of the stack.
 */
#include <asm/regs.h>
#include <asm/sysregs.h>

	.arch	armv8-a+fp+simd

.macro	save_hyp_frame
	sub	sp, sp, #REGS_SIZE
	stp	x0, x1, [sp, #REGS_X(0)]
	stp	x2, x3, [sp, #REGS_X(2)]
	stp	x4, x5, [sp, #REGS_X(4)]
	stp	x6, x7, [sp, #REGS_X(6)]
	stp	x8, x9, [sp, #REGS_X(8)]
	stp	x10, x11, [sp, #REGS_X(10)]
	stp	x12, x13, [sp, #REGS_X(12)]
	stp	x14, x15, [sp, #REGS_X(14)]
	stp	x16, x17, [sp, #REGS_X(16)]
	stp	x18, x19, [sp, #REGS_X(18)]
	stp	x20, x21, [sp, #REGS_X(20)]
	stp	x22, x23, [sp, #REGS_X(22)]
	stp	x24, x25, [sp, #REGS_X(24)]
	stp	x26, x27, [sp, #REGS_X(26)]
	stp	x28, x29, [sp, #REGS_X(28)]
	add	x0, sp, #REGS_SIZE
	stp	x30, x0, [sp, #REGS_X(30)]
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	stp	x0, x1, [sp, #REGS_PC]
.endm

.macro	restore_hyp_frame
	ldp	x0, x1, [sp, #REGS_PC]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	ldp	x0, x1, [sp, #REGS_X(0)]
	ldp	x2, x3, [sp, #REGS_X(2)]
	ldp	x4, x5, [sp, #REGS_X(4)]
	ldp	x6, x7, [sp, #REGS_X(6)]
	ldp	x8, x9, [sp, #REGS_X(8)]
	ldp	x10, x11, [sp, #REGS_X(10)]
	ldp	x12, x13, [sp, #REGS_X(12)]
	ldp	x14, x15, [sp, #REGS_X(14)]
	ldp	x16, x17, [sp, #REGS_X(16)]
	ldp	x18, x19, [sp, #REGS_X(18)]
	ldp	x20, x21, [sp, #REGS_X(20)]
	ldp	x22, x23, [sp, #REGS_X(22)]
	ldp	x24, x25, [sp, #REGS_X(24)]
	ldp	x26, x27, [sp, #REGS_X(26)]
	ldp	x28, x29, [sp, #REGS_X(28)]
	ldr	x30, [sp, #REGS_X(30)]
	add	sp, sp, #REGS_SIZE
.endm

.macro	bad_vector kind
	.align	7
	save_hyp_frame
	mov	x0, sp
	mov	x1, #\kind
	bl	hyp_trap_bad
	b	.
.endm

.macro	guest_vector code
	.align	7
	stp	x0, x1, [sp, #-16]!
	mov	x0, #\code
	b	guest_exit
.endm

	.text
	.align	11
	.global	hyp_vectors
hyp_vectors:
	/* Current EL with SP_EL0: never used by the hypervisor. */
	bad_vector 0
	bad_vector 1
	bad_vector 2
	bad_vector 3

	/* Current EL with SP_EL2 */
	.align	7
	b	hyp_sync
	.align	7
	b	hyp_irq
	bad_vector 6
	bad_vector 7

	/* Lower EL, AArch64 */
	guest_vector EXIT_SYNC
	guest_vector EXIT_IRQ
	guest_vector EXIT_FIQ
	guest_vector EXIT_SERROR

	/* Lower EL, AArch32 (a guest's 32-bit EL0) */
	guest_vector EXIT_SYNC
	guest_vector EXIT_IRQ
	guest_vector EXIT_FIQ
	guest_vector EXIT_SERROR

hyp_sync:
	save_hyp_frame
	mov	x0, sp
	bl	hyp_trap_sync
	restore_hyp_frame
	eret

hyp_irq:
	save_hyp_frame
	mov	x0, sp
	bl	hyp_trap_irq
	restore_hyp_frame
	eret

/*
 * int __guest_enter(struct cpu_regs *regs)
 *
 * Stack while the guest runs (growing down):
 *   x19..x30 of the host (96 bytes)
 *   regs pointer, padding (16 bytes)  <- SP_EL2
 */
	.global	__guest_enter
__guest_enter:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	stp	x0, xzr, [sp, #-16]!

	ldp	x1, x2, [x0, #REGS_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldp	x2, x3, [x0, #REGS_X(2)]
	ldp	x4, x5, [x0, #REGS_X(4)]
	ldp	x6, x7, [x0, #REGS_X(6)]
	ldp	x8, x9, [x0, #REGS_X(8)]
	ldp	x10, x11, [x0, #REGS_X(10)]
	ldp	x12, x13, [x0, #REGS_X(12)]
	ldp	x14, x15, [x0, #REGS_X(14)]
	ldp	x16, x17, [x0, #REGS_X(16)]
	ldp	x18, x19, [x0, #REGS_X(18)]
	ldp	x20, x21, [x0, #REGS_X(20)]
	ldp	x22, x23, [x0, #REGS_X(22)]
	ldp	x24, x25, [x0, #REGS_X(24)]
	ldp	x26, x27, [x0, #REGS_X(26)]
	ldp	x28, x29, [x0, #REGS_X(28)]
	ldr	x30, [x0, #REGS_X(30)]
	ldp	x0, x1, [x0, #REGS_X(0)]
	eret
	/* No speculation past the ERET. */
	dsb	nsh
	isb

/* x0 = exit code; the guest's x0/x1 are at [sp], the regs pointer above. */
guest_exit:
	ldr	x1, [sp, #16]
	stp	x2, x3, [x1, #REGS_X(2)]
	stp	x4, x5, [x1, #REGS_X(4)]
	stp	x6, x7, [x1, #REGS_X(6)]
	stp	x8, x9, [x1, #REGS_X(8)]
	stp	x10, x11, [x1, #REGS_X(10)]
	stp	x12, x13, [x1, #REGS_X(12)]
	stp	x14, x15, [x1, #REGS_X(14)]
	stp	x16, x17, [x1, #REGS_X(16)]
	stp	x18, x19, [x1, #REGS_X(18)]
	stp	x20, x21, [x1, #REGS_X(20)]
	stp	x22, x23, [x1, #REGS_X(22)]
	stp	x24, x25, [x1, #REGS_X(24)]
	stp	x26, x27, [x1, #REGS_X(26)]
	stp	x28, x29, [x1, #REGS_X(28)]
	str	x30, [x1, #REGS_X(30)]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x1, #REGS_X(0)]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x1, #REGS_PC]

	add	sp, sp, #16
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret

	.global	fpsimd_save
fpsimd_save:
	stp	q0, q1, [x0, #0]
	stp	q2, q3, [x0, #32]
	stp	q4, q5, [x0, #64]
	stp	q6, q7, [x0, #96]
	stp	q8, q9, [x0, #128]
	stp	q10, q11, [x0, #160]
	stp	q12, q13, [x0, #192]
	stp	q14, q15, [x0, #224]
	stp	q16, q17, [x0, #256]
	stp	q18, q19, [x0, #288]
	stp	q20, q21, [x0, #320]
	stp	q22, q23, [x0, #352]
	stp	q24, q25, [x0, #384]
	stp	q26, q27, [x0, #416]
	stp	q28, q29, [x0, #448]
	stp	q30, q31, [x0, #480]
	mrs	x1, fpsr
	mrs	x2, fpcr
	add	x0, x0, #512
	stp	x1, x2, [x0]
	ret

	.global	fpsimd_restore
fpsimd_restore:
	ldp	q0, q1, [x0, #0]
	ldp	q2, q3, [x0, #32]
	ldp	q4, q5, [x0, #64]
	ldp	q6, q7, [x0, #96]
	ldp	q8, q9, [x0, #128]
	ldp	q10, q11, [x0, #160]
	ldp	q12, q13, [x0, #192]
	ldp	q14, q15, [x0, #224]
	ldp	q16, q17, [x0, #256]
	ldp	q18, q19, [x0, #288]
	ldp	q20, q21, [x0, #320]
	ldp	q22, q23, [x0, #352]
	ldp	q24, q25, [x0, #384]
	ldp	q26, q27, [x0, #416]
	ldp	q28, q29, [x0, #448]
	ldp	q30, q31, [x0, #480]
	add	x0, x0, #512
	ldp	x1, x2, [x0]
	msr	fpsr, x1
	msr	fpcr, x2
	ret
