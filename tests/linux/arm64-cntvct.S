/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cntvct: a static arm64 Linux program that prints the virtual counter
 * (CNTVCT_EL0; natively the machine counter since reset, under xen-lite
 * the counter since the domain was created) in decimal and exits; with
 * any argument, its frequency (CNTFRQ_EL0) instead. The Linux test
 * initramfs prints the counter next to its markers and times its workload
 * with it.
 */
#define SYS_write 64
#define SYS_exit 93

	.text
	.globl _start
_start:
	ldr	x9, [sp]		/* argc */
	cmp	x9, #1
	b.le	0f
	mrs	x9, cntfrq_el0
	b	2f
0:	isb
	mrs	x9, cntvct_el0
2:
	adr	x1, buf_end
	mov	x10, #10
	sub	x1, x1, #1
	mov	w11, #'\n'
	strb	w11, [x1]
1:	udiv	x12, x9, x10
	msub	x11, x12, x10, x9
	add	w11, w11, #'0'
	sub	x1, x1, #1
	strb	w11, [x1]
	mov	x9, x12
	cbnz	x9, 1b
	adr	x2, buf_end
	sub	x2, x2, x1
	mov	x0, #1
	mov	x8, #SYS_write
	svc	#0
	mov	x0, #0
	mov	x8, #SYS_exit
	svc	#0

	.data
buf:
	.space	32
buf_end:
