/* SPDX-License-Identifier: GPL-2.0 */
/*
 * World switch between the hypervisor (HS-mode) and a guest (VS/VU-mode),
 * and the guest exit path.
 *
 * riscv_guest_run(struct arch_vcpu *a) saves the hypervisor's
 * callee-saved registers, sstatus, stvec and sscratch in a->host, points
 * stvec at guest_exit and sscratch at @a, loads the guest's sstatus
 * (SPP, SPIE, FS, VS), hstatus (SPV = 1), sepc and registers, and srets
 * into the guest. The next trap of this hart (a guest exception that is
 * not delegated, or any host interrupt: HS interrupts are always enabled
 * while V = 1) lands in guest_exit, which saves the guest's registers in
 * a->gregs, gives the hart back to the hypervisor (its sp, gp, tp, stvec,
 * sstatus; sscratch keeps @a) and calls riscv_vcpu_exit(@a) (vcpu.c): the
 * exit's handler and the checks before the next entry. When that returns
 * true, guest_resume enters the guest again from a->gregs; when false,
 * the guest's state is complete in a->gregs and riscv_guest_run()
 * returns to its caller as from an ordinary call. Called with
 * sstatus.SIE clear; the hypervisor's callee-saved registers are saved
 * and restored once per riscv_guest_run(), not once per exit.
 *
 * Partial save (issue 20): riscv_vcpu_exit() is C code, which preserves
 * s0..s11 (the RISC-V calling convention's callee-saved registers), so
 * on the exits whose handlers only use the SBI argument registers or no
 * guest register at all (host interrupts, ecall from VS-mode, WFI), the
 * guest's s0..s11 stay live in the hart across the handler and are
 * neither saved nor restored: a->gregs holds x1..x7, x10..x17 and
 * x28..x31 only. This is decided here, by scause, once per exit, and
 * nowhere else: every other cause (guest-page faults: MMIO emulation
 * reads or writes any register; virtual-instruction emulation: CSR
 * operands; illegal instructions, ...) saves s0..s11 first and reloads
 * them from a->gregs before the guest runs again. When the vCPU leaves
 * the loop (riscv_vcpu_exit() false: a block, a context switch, a pause),
 * a partial exit saves s0..s11 then, so that a->gregs is the whole
 * register file whenever the vCPU is outside riscv_guest_run(). stval,
 * htval and htinst are read only on the full-frame exits (and stval on
 * WFI); on the others their a->gregs copies are stale.
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

/* WFI's encoding (asm/exit.h INSN_WFI), as the hart writes it to stval. */
#define WFI_INSN 0x10500073

/* The guest's callee-saved registers s0, s1 (x8, x9), s2..s11 (x18..x27). */
.macro GUEST_S op
	\op	x8, G(8)(a0)
	\op	x9, G(9)(a0)
	\op	x18, G(18)(a0)
	\op	x19, G(19)(a0)
	\op	x20, G(20)(a0)
	\op	x21, G(21)(a0)
	\op	x22, G(22)(a0)
	\op	x23, G(23)(a0)
	\op	x24, G(24)(a0)
	\op	x25, G(25)(a0)
	\op	x26, G(26)(a0)
	\op	x27, G(27)(a0)
.endm

/* The hypervisor's callee-saved registers, in a->host. */
.macro HOST_S op
	\op	s0, H_S(0)(a0)
	\op	s1, H_S(1)(a0)
	\op	s2, H_S(2)(a0)
	\op	s3, H_S(3)(a0)
	\op	s4, H_S(4)(a0)
	\op	s5, H_S(5)(a0)
	\op	s6, H_S(6)(a0)
	\op	s7, H_S(7)(a0)
	\op	s8, H_S(8)(a0)
	\op	s9, H_S(9)(a0)
	\op	s10, H_S(10)(a0)
	\op	s11, H_S(11)(a0)
.endm

	.text
ENTRY(riscv_guest_run)
	sd	ra, H_RA(a0)
	sd	sp, H_SP(a0)
	sd	gp, H_GP(a0)
	sd	tp, H_TP(a0)
	HOST_S	sd
	csrr	t0, CSR_SSTATUS
	sd	t0, H_SSTATUS(a0)
	csrr	t0, CSR_STVEC
	sd	t0, H_STVEC(a0)
	csrr	t0, CSR_SSCRATCH
	sd	t0, H_SSCRATCH(a0)
	csrw	CSR_SSCRATCH, a0
	j	guest_resume_full
END(riscv_guest_run)

	.align	4
ENTRY(guest_exit)
	/* a0 <-> sscratch: a0 = struct arch_vcpu, sscratch = guest a0. */
	csrrw	a0, CSR_SSCRATCH, a0
	sd	x1, G(1)(a0)
	sd	x2, G(2)(a0)
	sd	x3, G(3)(a0)
	sd	x4, G(4)(a0)
	sd	x5, G(5)(a0)
	sd	x6, G(6)(a0)
	sd	x7, G(7)(a0)
	sd	x11, G(11)(a0)
	sd	x12, G(12)(a0)
	sd	x13, G(13)(a0)
	sd	x14, G(14)(a0)
	sd	x15, G(15)(a0)
	sd	x16, G(16)(a0)
	sd	x17, G(17)(a0)
	sd	x28, G(28)(a0)
	sd	x29, G(29)(a0)
	sd	x30, G(30)(a0)
	sd	x31, G(31)(a0)
	csrr	t0, CSR_SSCRATCH
	sd	t0, G(10)(a0)
	/* sscratch holds @a while the hypervisor runs: guest_resume. */
	csrw	CSR_SSCRATCH, a0

	csrr	t0, CSR_SEPC
	sd	t0, G(REGS_SEPC)(a0)
	csrr	t0, CSR_SSTATUS
	sd	t0, G(REGS_SSTATUS)(a0)
	csrr	t0, CSR_HSTATUS
	sd	t0, G(REGS_HSTATUS)(a0)
	csrr	t1, CSR_SCAUSE
	sd	t1, G(REGS_SCAUSE)(a0)

	/* The hypervisor's hart: sp, gp, tp (this_cpu()), stvec, sstatus. */
	ld	sp, H_SP(a0)
	ld	gp, H_GP(a0)
	ld	tp, H_TP(a0)
	ld	t0, H_STVEC(a0)
	csrw	CSR_STVEC, t0
	ld	t0, H_SSTATUS(a0)
	csrw	CSR_SSTATUS, t0

	/* The one decision: which exits keep s0..s11 live (see above). */
	bltz	t1, exit_partial		/* an interrupt */
	li	t2, EXC_ECALL_VS
	beq	t1, t2, exit_partial
	li	t2, EXC_VIRTUAL_INST
	bne	t1, t2, exit_full
	csrr	t0, CSR_STVAL
	sd	t0, G(REGS_STVAL)(a0)
	li	t2, WFI_INSN
	beq	t0, t2, exit_partial
exit_full:
	GUEST_S	sd
	csrr	t0, CSR_STVAL
	sd	t0, G(REGS_STVAL)(a0)
	csrr	t0, CSR_HTVAL
	sd	t0, G(REGS_HTVAL)(a0)
	csrr	t0, CSR_HTINST
	sd	t0, G(REGS_HTINST)(a0)
	call	riscv_vcpu_exit
	mv	t0, a0
	csrr	a0, CSR_SSCRATCH
	beqz	t0, guest_leave
	j	guest_resume_full

exit_partial:
	call	riscv_vcpu_exit
	mv	t0, a0
	csrr	a0, CSR_SSCRATCH
	bnez	t0, guest_resume
	/* Leaving the loop: the register file complete in a->gregs. */
	GUEST_S	sd
	/* fall through */
guest_leave:
	ld	t0, H_SSCRATCH(a0)
	csrw	CSR_SSCRATCH, t0
	ld	ra, H_RA(a0)
	ld	gp, H_GP(a0)
	ld	tp, H_TP(a0)
	HOST_S	ld
	ret
END(guest_exit)

/*
 * Enter the guest from a->gregs (a0 = @a, sscratch = @a, stvec and
 * sstatus the hypervisor's): guest_resume_full with s0..s11 from a->gregs
 * too (the first entry, and the exits that saved them), guest_resume
 * with s0..s11 as the hart holds them (the partial exits).
 */
ENTRY(guest_resume_full)
	GUEST_S	ld
	.size guest_resume_full, . - guest_resume_full
ENTRY(guest_resume)
	ld	t0, G(REGS_SSTATUS)(a0)
	csrw	CSR_SSTATUS, t0
	ld	t0, G(REGS_HSTATUS)(a0)
	csrw	CSR_HSTATUS, t0
	ld	t0, G(REGS_SEPC)(a0)
	csrw	CSR_SEPC, t0
	lla	t0, guest_exit
	csrw	CSR_STVEC, t0

	ld	x1, G(1)(a0)
	ld	x2, G(2)(a0)
	ld	x3, G(3)(a0)
	ld	x4, G(4)(a0)
	ld	x5, G(5)(a0)
	ld	x6, G(6)(a0)
	ld	x7, G(7)(a0)
	ld	x11, G(11)(a0)
	ld	x12, G(12)(a0)
	ld	x13, G(13)(a0)
	ld	x14, G(14)(a0)
	ld	x15, G(15)(a0)
	ld	x16, G(16)(a0)
	ld	x17, G(17)(a0)
	ld	x28, G(28)(a0)
	ld	x29, G(29)(a0)
	ld	x30, G(30)(a0)
	ld	x31, G(31)(a0)
	ld	x10, G(10)(a0)
	sret
END(guest_resume)

/*
 * unsigned long riscv_guest_load_insn(unsigned long gva): fetch the
 * instruction at guest virtual address @gva with the guest's own
 * translation (vsatp, then G-stage) and execute permission (HLVX). A
 * fault on the way (the guest changed its page tables meanwhile) returns
 * 0 through hlvx_fault instead of reaching hyp_trap_vector (0 is no
 * instruction: an all-zero parcel is defined illegal). Interrupts must be
 * masked. Return: the instruction (16 or 32 bits), or 0.
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
	mv	a0, t3
	ret
2:	csrw	CSR_STVEC, t1
	li	a0, 0
	ret
END(riscv_guest_load_insn)

	.align	4
hlvx_fault:
	csrr	t2, CSR_SEPC
	addi	t2, t2, 4
	csrw	CSR_SEPC, t2
	li	t0, 1
	sret
