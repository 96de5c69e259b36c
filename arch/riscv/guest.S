/* SPDX-License-Identifier: GPL-2.0 */
/*
 * World switch between the hypervisor (HS-mode) and a guest (VS/VU-mode).
 *
 * riscv_guest_enter(struct arch_vcpu *a) saves the hypervisor's
 * callee-saved registers, sstatus, stvec and sscratch in a->host, points
 * stvec at guest_exit and sscratch at @a, loads the guest's sstatus
 * (SPP, SPIE, FS), hstatus (SPV = 1), sepc and registers, and srets into
 * the guest. The next trap of this hart (a guest exception that is not
 * delegated, or any host interrupt: HS interrupts are always enabled while
 * V = 1) lands in guest_exit, which saves the guest registers and trap
 * CSRs in a->gregs and returns to the caller of riscv_guest_enter() as if
 * it were an ordinary function call. Called with sstatus.SIE clear.
 */
#include <asm/asm.h>
#include <asm/csr.h>

#define HOST(n) (VCPU_HOST_OFF + (n) * REGBYTES)
#define H_RA HOST(0)
#define H_SP HOST(1)
#define H_GP HOST(2)
#define H_TP HOST(3)
#define H_S(n) HOST(4 + (n))
#define H_SSTATUS HOST(16)
#define H_STVEC HOST(17)
#define H_SSCRATCH HOST(18)

#define G(n) REG_OFF(n)

	.text
ENTRY(riscv_guest_enter)
	sd	ra, H_RA(a0)
	sd	sp, H_SP(a0)
	sd	gp, H_GP(a0)
	sd	tp, H_TP(a0)
	sd	s0, H_S(0)(a0)
	sd	s1, H_S(1)(a0)
	sd	s2, H_S(2)(a0)
	sd	s3, H_S(3)(a0)
	sd	s4, H_S(4)(a0)
	sd	s5, H_S(5)(a0)
	sd	s6, H_S(6)(a0)
	sd	s7, H_S(7)(a0)
	sd	s8, H_S(8)(a0)
	sd	s9, H_S(9)(a0)
	sd	s10, H_S(10)(a0)
	sd	s11, H_S(11)(a0)
	csrr	t0, CSR_SSTATUS
	sd	t0, H_SSTATUS(a0)
	csrr	t0, CSR_STVEC
	sd	t0, H_STVEC(a0)
	csrr	t0, CSR_SSCRATCH
	sd	t0, H_SSCRATCH(a0)

	ld	t0, G(REGS_SSTATUS)(a0)
	csrw	CSR_SSTATUS, t0
	ld	t0, G(REGS_HSTATUS)(a0)
	csrw	CSR_HSTATUS, t0
	ld	t0, G(REGS_SEPC)(a0)
	csrw	CSR_SEPC, t0
	lla	t0, guest_exit
	csrw	CSR_STVEC, t0
	csrw	CSR_SSCRATCH, a0

	ld	x1, G(1)(a0)
	ld	x2, G(2)(a0)
	ld	x3, G(3)(a0)
	ld	x4, G(4)(a0)
	ld	x5, G(5)(a0)
	ld	x6, G(6)(a0)
	ld	x7, G(7)(a0)
	ld	x8, G(8)(a0)
	ld	x9, G(9)(a0)
	ld	x11, G(11)(a0)
	ld	x12, G(12)(a0)
	ld	x13, G(13)(a0)
	ld	x14, G(14)(a0)
	ld	x15, G(15)(a0)
	ld	x16, G(16)(a0)
	ld	x17, G(17)(a0)
	ld	x18, G(18)(a0)
	ld	x19, G(19)(a0)
	ld	x20, G(20)(a0)
	ld	x21, G(21)(a0)
	ld	x22, G(22)(a0)
	ld	x23, G(23)(a0)
	ld	x24, G(24)(a0)
	ld	x25, G(25)(a0)
	ld	x26, G(26)(a0)
	ld	x27, G(27)(a0)
	ld	x28, G(28)(a0)
	ld	x29, G(29)(a0)
	ld	x30, G(30)(a0)
	ld	x31, G(31)(a0)
	ld	x10, G(10)(a0)
	sret
END(riscv_guest_enter)

	.align	4
guest_exit:
	/* a0 <-> sscratch: a0 = struct arch_vcpu, sscratch = guest a0. */
	csrrw	a0, CSR_SSCRATCH, a0
	sd	x1, G(1)(a0)
	sd	x2, G(2)(a0)
	sd	x3, G(3)(a0)
	sd	x4, G(4)(a0)
	sd	x5, G(5)(a0)
	sd	x6, G(6)(a0)
	sd	x7, G(7)(a0)
	sd	x8, G(8)(a0)
	sd	x9, G(9)(a0)
	sd	x11, G(11)(a0)
	sd	x12, G(12)(a0)
	sd	x13, G(13)(a0)
	sd	x14, G(14)(a0)
	sd	x15, G(15)(a0)
	sd	x16, G(16)(a0)
	sd	x17, G(17)(a0)
	sd	x18, G(18)(a0)
	sd	x19, G(19)(a0)
	sd	x20, G(20)(a0)
	sd	x21, G(21)(a0)
	sd	x22, G(22)(a0)
	sd	x23, G(23)(a0)
	sd	x24, G(24)(a0)
	sd	x25, G(25)(a0)
	sd	x26, G(26)(a0)
	sd	x27, G(27)(a0)
	sd	x28, G(28)(a0)
	sd	x29, G(29)(a0)
	sd	x30, G(30)(a0)
	sd	x31, G(31)(a0)
	csrr	t0, CSR_SSCRATCH
	sd	t0, G(10)(a0)

	csrr	t0, CSR_SEPC
	sd	t0, G(REGS_SEPC)(a0)
	csrr	t0, CSR_SSTATUS
	sd	t0, G(REGS_SSTATUS)(a0)
	csrr	t0, CSR_HSTATUS
	sd	t0, G(REGS_HSTATUS)(a0)
	csrr	t0, CSR_SCAUSE
	sd	t0, G(REGS_SCAUSE)(a0)
	csrr	t0, CSR_STVAL
	sd	t0, G(REGS_STVAL)(a0)
	csrr	t0, CSR_HTVAL
	sd	t0, G(REGS_HTVAL)(a0)
	csrr	t0, CSR_HTINST
	sd	t0, G(REGS_HTINST)(a0)

	ld	t0, H_STVEC(a0)
	csrw	CSR_STVEC, t0
	ld	t0, H_SSCRATCH(a0)
	csrw	CSR_SSCRATCH, t0
	ld	t0, H_SSTATUS(a0)
	csrw	CSR_SSTATUS, t0

	ld	ra, H_RA(a0)
	ld	sp, H_SP(a0)
	ld	gp, H_GP(a0)
	ld	tp, H_TP(a0)
	ld	s0, H_S(0)(a0)
	ld	s1, H_S(1)(a0)
	ld	s2, H_S(2)(a0)
	ld	s3, H_S(3)(a0)
	ld	s4, H_S(4)(a0)
	ld	s5, H_S(5)(a0)
	ld	s6, H_S(6)(a0)
	ld	s7, H_S(7)(a0)
	ld	s8, H_S(8)(a0)
	ld	s9, H_S(9)(a0)
	ld	s10, H_S(10)(a0)
	ld	s11, H_S(11)(a0)
	ret

/*
 * int riscv_guest_load_insn(unsigned long gva, unsigned long *insn):
 * fetch the instruction at guest virtual address @gva with the guest's
 * own translation (vsatp, then G-stage) and execute permission (HLVX).
 * A fault on the way (the guest changed its page tables meanwhile)
 * returns -1 through hlvx_fault instead of reaching hyp_trap_vector.
 * Interrupts must be masked. Return: 0, or -1 when the fetch faulted.
 */
ENTRY(riscv_guest_load_insn)
	csrr	t1, CSR_STVEC
	lla	t2, hlvx_fault
	csrw	CSR_STVEC, t2
	li	t0, 0
	/* hlvx.hu t3, (a0) */
	.insn r 0x73, 0x4, 0x32, t3, a0, x3
	bnez	t0, 2f
	andi	t4, t3, 3
	li	t5, 3
	bne	t4, t5, 1f
	addi	a0, a0, 2
	/* hlvx.hu t4, (a0): upper half of a 32-bit instruction */
	.insn r 0x73, 0x4, 0x32, t4, a0, x3
	bnez	t0, 2f
	slli	t4, t4, 16
	or	t3, t3, t4
1:	csrw	CSR_STVEC, t1
	sd	t3, 0(a1)
	li	a0, 0
	ret
2:	csrw	CSR_STVEC, t1
	li	a0, -1
	ret
END(riscv_guest_load_insn)

	.align	4
hlvx_fault:
	csrr	t2, CSR_SEPC
	addi	t2, t2, 4
	csrw	CSR_SEPC, t2
	li	t0, 1
	sret
