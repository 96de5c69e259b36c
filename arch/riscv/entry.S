/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypervisor trap vector and CSR probes.
 *
 * While the hypervisor runs, stvec points at hyp_trap_vector: every trap is
 * taken on the current stack, all registers are saved in a struct cpu_regs
 * and riscv_hyp_trap() decides (interrupts are handled, anything else is a
 * hypervisor bug and panics). While a guest runs, stvec points at the
 * guest exit path instead (guest.S).
 */
#include <asm/asm.h>
#include <asm/csr.h>

	.text
	.align	4
ENTRY(hyp_trap_vector)
	addi	sp, sp, -REGS_SIZE
	sd	x1, REG_OFF(1)(sp)
	sd	x3, REG_OFF(3)(sp)
	sd	x4, REG_OFF(4)(sp)
	sd	x5, REG_OFF(5)(sp)
	sd	x6, REG_OFF(6)(sp)
	sd	x7, REG_OFF(7)(sp)
	sd	x8, REG_OFF(8)(sp)
	sd	x9, REG_OFF(9)(sp)
	sd	x10, REG_OFF(10)(sp)
	sd	x11, REG_OFF(11)(sp)
	sd	x12, REG_OFF(12)(sp)
	sd	x13, REG_OFF(13)(sp)
	sd	x14, REG_OFF(14)(sp)
	sd	x15, REG_OFF(15)(sp)
	sd	x16, REG_OFF(16)(sp)
	sd	x17, REG_OFF(17)(sp)
	sd	x18, REG_OFF(18)(sp)
	sd	x19, REG_OFF(19)(sp)
	sd	x20, REG_OFF(20)(sp)
	sd	x21, REG_OFF(21)(sp)
	sd	x22, REG_OFF(22)(sp)
	sd	x23, REG_OFF(23)(sp)
	sd	x24, REG_OFF(24)(sp)
	sd	x25, REG_OFF(25)(sp)
	sd	x26, REG_OFF(26)(sp)
	sd	x27, REG_OFF(27)(sp)
	sd	x28, REG_OFF(28)(sp)
	sd	x29, REG_OFF(29)(sp)
	sd	x30, REG_OFF(30)(sp)
	sd	x31, REG_OFF(31)(sp)
	/* The interrupted sp. */
	addi	t0, sp, REGS_SIZE
	sd	t0, REG_OFF(2)(sp)
	csrr	t0, CSR_SEPC
	sd	t0, REG_OFF(REGS_SEPC)(sp)
	csrr	t0, CSR_SSTATUS
	sd	t0, REG_OFF(REGS_SSTATUS)(sp)
	csrr	t0, CSR_HSTATUS
	sd	t0, REG_OFF(REGS_HSTATUS)(sp)
	csrr	t0, CSR_SCAUSE
	sd	t0, REG_OFF(REGS_SCAUSE)(sp)
	csrr	t0, CSR_STVAL
	sd	t0, REG_OFF(REGS_STVAL)(sp)
	csrr	t0, CSR_HTVAL
	sd	t0, REG_OFF(REGS_HTVAL)(sp)
	csrr	t0, CSR_HTINST
	sd	t0, REG_OFF(REGS_HTINST)(sp)

	mv	a0, sp
	call	riscv_hyp_trap

	/*
	 * sepc and sstatus are restored: the handler may have taken another
	 * trap (a nested interrupt handler) that changed them.
	 */
	ld	t0, REG_OFF(REGS_SEPC)(sp)
	csrw	CSR_SEPC, t0
	ld	t0, REG_OFF(REGS_SSTATUS)(sp)
	csrw	CSR_SSTATUS, t0
	ld	t0, REG_OFF(REGS_HSTATUS)(sp)
	csrw	CSR_HSTATUS, t0

	ld	x1, REG_OFF(1)(sp)
	ld	x3, REG_OFF(3)(sp)
	ld	x4, REG_OFF(4)(sp)
	ld	x5, REG_OFF(5)(sp)
	ld	x6, REG_OFF(6)(sp)
	ld	x7, REG_OFF(7)(sp)
	ld	x8, REG_OFF(8)(sp)
	ld	x9, REG_OFF(9)(sp)
	ld	x10, REG_OFF(10)(sp)
	ld	x11, REG_OFF(11)(sp)
	ld	x12, REG_OFF(12)(sp)
	ld	x13, REG_OFF(13)(sp)
	ld	x14, REG_OFF(14)(sp)
	ld	x15, REG_OFF(15)(sp)
	ld	x16, REG_OFF(16)(sp)
	ld	x17, REG_OFF(17)(sp)
	ld	x18, REG_OFF(18)(sp)
	ld	x19, REG_OFF(19)(sp)
	ld	x20, REG_OFF(20)(sp)
	ld	x21, REG_OFF(21)(sp)
	ld	x22, REG_OFF(22)(sp)
	ld	x23, REG_OFF(23)(sp)
	ld	x24, REG_OFF(24)(sp)
	ld	x25, REG_OFF(25)(sp)
	ld	x26, REG_OFF(26)(sp)
	ld	x27, REG_OFF(27)(sp)
	ld	x28, REG_OFF(28)(sp)
	ld	x29, REG_OFF(29)(sp)
	ld	x30, REG_OFF(30)(sp)
	ld	x31, REG_OFF(31)(sp)
	ld	x2, REG_OFF(2)(sp)
	sret
END(hyp_trap_vector)

/*
 * CSR probes: bool riscv_probe_<csr>(unsigned long *val). stvec points at
 * probe_fault for the duration of one csrr; a trap there (the CSR does not
 * exist or is not accessible from HS-mode) clears t0 and skips the
 * instruction. Callers run with interrupts masked in sstatus, so no
 * interrupt can land on probe_fault.
 */
.macro PROBE_CSR name, csr
ENTRY(\name)
	csrr	t1, CSR_STVEC
	lla	t2, probe_fault
	csrw	CSR_STVEC, t2
	li	t0, 1
	li	t3, 0
	csrr	t3, \csr
	csrw	CSR_STVEC, t1
	beqz	t0, 1f
	sd	t3, 0(a0)
1:	mv	a0, t0
	ret
END(\name)
.endm

PROBE_CSR riscv_probe_hgatp, CSR_HGATP
PROBE_CSR riscv_probe_stimecmp, CSR_STIMECMP
PROBE_CSR riscv_probe_henvcfg, CSR_HENVCFG
PROBE_CSR riscv_probe_stopi, CSR_STOPI
PROBE_CSR riscv_probe_hstateen0, CSR_HSTATEEN0
PROBE_CSR riscv_probe_vlenb, CSR_VLENB
PROBE_CSR riscv_probe_senvcfg, CSR_SENVCFG

	.align	4
probe_fault:
	csrr	t2, CSR_SEPC
	addi	t2, t2, 4
	csrw	CSR_SEPC, t2
	li	t0, 0
	sret
