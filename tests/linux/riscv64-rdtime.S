/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdtime: a static riscv64 Linux program that prints the platform counter
 * (the time CSR, ticks since reset: under xen-lite guests see the machine
 * counter unchanged) in decimal and exits. The Linux test initramfs uses
 * it to tell the machine uptime at its markers.
 */
#define SYS_write 64
#define SYS_exit 93

	.text
	.globl _start
_start:
	rdtime	t0
	la	a1, buf_end
	li	t1, 10
	addi	a1, a1, -1
	li	t2, '\n'
	sb	t2, 0(a1)
1:	remu	t2, t0, t1
	divu	t0, t0, t1
	addi	t2, t2, '0'
	addi	a1, a1, -1
	sb	t2, 0(a1)
	bnez	t0, 1b
	la	a2, buf_end
	sub	a2, a2, a1
	li	a0, 1
	li	a7, SYS_write
	ecall
	li	a0, 0
	li	a7, SYS_exit
	ecall

	.bss
buf:
	.space	32
buf_end:
