/* SPDX-License-Identifier: MIT */
/*
 * AArch64 test-guest entry. The image starts with a Linux arm64 Image
 * header (Documentation/arch/arm64/booting.rst), so xen-lite loads it at
 * RAM base + text_offset and enters it at EL1h with x0 = DTB guest
 * physical address, MMU and D-cache off, interrupts masked.
 */
#define STACK_SIZE 16384
#define MAX_CPUS 8

	.section .head.text, "ax"
	.globl _start
_start:
	b	primary			/* code0 */
	.word	0			/* code1 */
	.quad	0x200000		/* text_offset */
	.quad	_image_size		/* image_size (with .bss and stacks) */
	.quad	0x2			/* flags: little endian, 4K pages */
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.ascii	"ARM\x64"		/* magic */
	.word	0			/* res5 */

primary:
	msr	daifset, #0xf
	mov	x19, x0
	adrp	x1, rt_vectors
	add	x1, x1, :lo12:rt_vectors
	msr	vbar_el1, x1
	isb
	msr	tpidr_el1, xzr		/* the boot vCPU is index 0 */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	adrp	x1, rt_stacks
	add	x1, x1, :lo12:rt_stacks
	add	x1, x1, #(STACK_SIZE >> 12), lsl #12
	mov	sp, x1
	mrs	x0, mpidr_el1
	and	x0, x0, #0xffffff
	mov	x1, x19
	bl	rt_start		/* (MPIDR, DTB) */
3:	b	3b

/* PSCI CPU_ON target: x0 = context ID (our vCPU index). */
	.text
	.globl rt_secondary_entry
rt_secondary_entry:
	msr	daifset, #0xf
	adrp	x1, rt_vectors
	add	x1, x1, :lo12:rt_vectors
	msr	vbar_el1, x1
	isb
	cmp	x0, #MAX_CPUS
	b.hs	2f
	msr	tpidr_el1, x0
	adrp	x1, rt_stacks
	add	x1, x1, :lo12:rt_stacks
	add	x2, x0, #1
	lsl	x2, x2, #14		/* * STACK_SIZE */
	add	x1, x1, x2
	mov	sp, x1
	bl	rt_secondary
2:	b	2b

	.ltorg

/* Any exception is unexpected: report it and crash the domain. */
	.balign 2048
rt_vectors:
	.irp	i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.balign	128
	mov	x0, #\i
	b	vec_common
	.endr
vec_common:
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	bl	rt_trap
1:	b	1b

/*
 * arch_setjmp(buf) / arch_longjmp(buf, v): x19-x30 and sp (rt_catch()
 * unwinds an exception taken at EL1h, on the same stack, to here).
 */
	.globl arch_setjmp
arch_setjmp:
	stp	x19, x20, [x0, #0]
	stp	x21, x22, [x0, #16]
	stp	x23, x24, [x0, #32]
	stp	x25, x26, [x0, #48]
	stp	x27, x28, [x0, #64]
	stp	x29, x30, [x0, #80]
	mov	x1, sp
	str	x1, [x0, #96]
	mov	x0, #0
	ret

	.globl arch_longjmp
arch_longjmp:
	ldp	x19, x20, [x0, #0]
	ldp	x21, x22, [x0, #16]
	ldp	x23, x24, [x0, #32]
	ldp	x25, x26, [x0, #48]
	ldp	x27, x28, [x0, #64]
	ldp	x29, x30, [x0, #80]
	ldr	x2, [x0, #96]
	mov	sp, x2
	mov	x0, x1
	ret

	.section .bss
	.balign 16
	.globl rt_stacks
rt_stacks:
	.skip	STACK_SIZE * MAX_CPUS
