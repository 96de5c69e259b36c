/* SPDX-License-Identifier: MIT */
/*
 * RISC-V test-guest entry. The image starts with a Linux RISC-V Image
 * header (Documentation/arch/riscv/boot-image-header.rst), so xen-lite
 * loads it at RAM base + text_offset and enters it in VS-mode with
 * a0 = hart ID, a1 = DTB guest physical address, MMU (vsatp) off.
 */
#define STACK_SIZE 16384
#define MAX_CPUS 8

	.section .head.text, "ax"
	.option push
	.option norvc
	.globl _start
_start:
	j	primary			/* code0 */
	.word	0			/* code1 */
	.dword	0x200000		/* text_offset */
	.dword	_image_size		/* image_size (with .bss and stacks) */
	.dword	0			/* flags */
	.word	2			/* version 0.2 */
	.word	0			/* res1 */
	.dword	0			/* res2 */
	.ascii	"RISCV\0\0\0"		/* magic (deprecated) */
	.ascii	"RSC\x05"		/* magic2 */
	.word	0			/* res3 */
	.option pop

primary:
	csrw	sie, zero
	la	t0, trap_entry
	csrw	stvec, t0
	li	tp, 0			/* the boot vCPU is index 0 */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	la	sp, rt_stacks
	li	t0, STACK_SIZE
	add	sp, sp, t0
	call	rt_start		/* (hart ID, DTB) */
3:	j	3b

/*
 * SBI HSM hart_start target: a0 = hart ID, a1 = opaque (our vCPU index).
 */
	.text
	.globl rt_secondary_entry
rt_secondary_entry:
	csrw	sie, zero
	la	t0, trap_entry
	csrw	stvec, t0
	li	t0, MAX_CPUS
	bgeu	a1, t0, 2f
	mv	tp, a1
	la	sp, rt_stacks
	addi	t0, a1, 1
	li	t1, STACK_SIZE
	mul	t0, t0, t1
	add	sp, sp, t0
	mv	a0, a1
	call	rt_secondary
2:	j	2b

/* Any trap is unexpected: report it and crash the domain. */
	.balign 4
trap_entry:
	li	a0, 0
	csrr	a1, scause
	csrr	a2, sepc
	csrr	a3, stval
	call	rt_trap
1:	j	1b

/*
 * arch_setjmp(buf) / arch_longjmp(buf, v): ra, sp and s0-s11 (rt_catch()
 * unwinds an exception taken in VS-mode, on the same stack, to here).
 */
	.globl arch_setjmp
arch_setjmp:
	sd	ra, 0(a0)
	sd	sp, 8(a0)
	sd	s0, 16(a0)
	sd	s1, 24(a0)
	sd	s2, 32(a0)
	sd	s3, 40(a0)
	sd	s4, 48(a0)
	sd	s5, 56(a0)
	sd	s6, 64(a0)
	sd	s7, 72(a0)
	sd	s8, 80(a0)
	sd	s9, 88(a0)
	sd	s10, 96(a0)
	sd	s11, 104(a0)
	li	a0, 0
	ret

	.globl arch_longjmp
arch_longjmp:
	ld	ra, 0(a0)
	ld	sp, 8(a0)
	ld	s0, 16(a0)
	ld	s1, 24(a0)
	ld	s2, 32(a0)
	ld	s3, 40(a0)
	ld	s4, 48(a0)
	ld	s5, 56(a0)
	ld	s6, 64(a0)
	ld	s7, 72(a0)
	ld	s8, 80(a0)
	ld	s9, 88(a0)
	ld	s10, 96(a0)
	ld	s11, 104(a0)
	mv	a0, a1
	ret

	.section .bss
	.balign 16
	.globl rt_stacks
rt_stacks:
	.skip	STACK_SIZE * MAX_CPUS
