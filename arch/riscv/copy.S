/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arch_copy_blocks(): the bulk of a boot module's copy into a domain being
 * built (common/domain_build.c). RISC-V without V has no load or store
 * wider than a register, so this is the floor of a scalar copy: 16 loads
 * and 16 stores per 128 bytes, and one loop branch for each 128 bytes
 * (36 instructions, against 40 for memcpy()'s 64-byte loop).
 */

	.text
/*
 * void arch_copy_blocks(void *dst, const void *src, size_t n):
 * @n a non-zero multiple of 128; @dst and @src 8-byte aligned.
 */
	.globl	arch_copy_blocks
arch_copy_blocks:
1:	ld	t0, 0(a1)
	ld	t1, 8(a1)
	ld	t2, 16(a1)
	ld	t3, 24(a1)
	ld	t4, 32(a1)
	ld	t5, 40(a1)
	ld	t6, 48(a1)
	ld	a3, 56(a1)
	sd	t0, 0(a0)
	sd	t1, 8(a0)
	sd	t2, 16(a0)
	sd	t3, 24(a0)
	sd	t4, 32(a0)
	sd	t5, 40(a0)
	sd	t6, 48(a0)
	sd	a3, 56(a0)
	ld	t0, 64(a1)
	ld	t1, 72(a1)
	ld	t2, 80(a1)
	ld	t3, 88(a1)
	ld	t4, 96(a1)
	ld	t5, 104(a1)
	ld	t6, 112(a1)
	ld	a3, 120(a1)
	sd	t0, 64(a0)
	sd	t1, 72(a0)
	sd	t2, 80(a0)
	sd	t3, 88(a0)
	sd	t4, 96(a0)
	sd	t5, 104(a0)
	sd	t6, 112(a0)
	sd	a3, 120(a0)
	addi	a1, a1, 128
	addi	a0, a0, 128
	addi	a2, a2, -128
	bnez	a2, 1b
	ret
