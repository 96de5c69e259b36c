/* SPDX-License-Identifier: GPL-2.0 */
/*
 * World switch between the hypervisor (HS-mode) and a guest (VS/VU-mode),
 * and the guest exit path.
 *
 * riscv_guest_run(struct arch_vcpu *a) saves the hypervisor's
 * callee-saved registers, sstatus, stvec and sscratch in this CPU's
 * struct riscv_host_ctx (pcpu.arch.host, asm/pcpu.h) and its tp in
 * a->host_tp, points stvec at guest_exit and sscratch at @a, loads the
 * guest's sstatus (SPP, SPIE, FS, VS), hstatus (SPV = 1), sepc and
 * registers, and srets into the guest. The next trap of this hart (a
 * guest exception that is not delegated, or any host interrupt: HS
 * interrupts are always enabled while V = 1) lands in guest_exit, which
 * saves the guest's registers in a->gregs, gives the hart back to the
 * hypervisor (tp from a->host_tp, then its sp, gp, stvec, sstatus;
 * sscratch keeps @a), stamps the stall detector's start of the entry and
 * runs the exit's handler: SBI calls go to vsbi_ecall() (vsbi.c) or, for
 * xen-lite's hypercalls, to do_hypercall() through the dispatch below
 * (exit_hypercall); WFI is decided here (exit_wfi), and when it blocks,
 * riscv_vcpu_block_switch() (vcpu.c) hands the CPU to the next vCPU,
 * entered from here; load and store guest-page faults go to
 * riscv_mmio_load_fault() (exit.c) and riscv_exit_store_fault() (vcpu.c);
 * every other exit to riscv_vcpu_exit() (vcpu.c). Then the checks before
 * the next entry (ENTRY_CHECKS, or riscv_vcpu_entry() in C). While they
 * say enter, guest_resume enters the guest again from a->gregs; when a
 * handler or the checks say leave, the guest's state is complete in
 * a->gregs and riscv_guest_run() returns that vCPU's @a to its caller as
 * from an ordinary call. Called with sstatus.SIE clear; the hypervisor's
 * callee-saved registers are saved and restored once per
 * riscv_guest_run(), not once per exit, and are this CPU's, not a vCPU's:
 * any vCPU entered from here may be the one that leaves.
 *
 * Partial save (issue 20): the handlers are C code, which preserves
 * s0..s11 (the RISC-V calling convention's callee-saved registers), so
 * on the exits whose handlers only use the SBI argument registers or no
 * guest register at all (host interrupts, ecall from VS-mode, WFI), the
 * guest's s0..s11 stay live in the hart across the handler and are
 * neither saved nor restored: a->gregs holds x1..x7, x10..x17 and
 * x28..x31 only. Load guest-page faults (MMIO reads) too: a load writes
 * only its destination, which the handler writes in a->gregs and, when
 * it is one of s0..s11, returns for exit_load_gpf to load into the hart
 * (reload_s). This is decided here, by scause, once per exit, and
 * nowhere else: every other cause (store guest-page faults: MMIO
 * emulation reads any register; virtual-instruction emulation: CSR
 * operands; illegal instructions, ...) saves s0..s11 first and reloads
 * them from a->gregs before the guest runs again. When the vCPU leaves
 * the loop (a block, a context switch, a pause),
 * a partial exit saves s0..s11 then, so that a->gregs is the whole
 * register file whenever the vCPU is outside riscv_guest_run(). stval,
 * htval and htinst are read only on the full-frame exits (and stval on
 * WFI); on the others their a->gregs copies are stale.
 */
#include <asm/asm.h>
#include <asm/csr.h>

/* The hypervisor's registers, this CPU's (tp) struct riscv_host_ctx. */
#define HOST(n) (PCPU_HOST_OFF + (n) * REGBYTES)
#define H_RA HOST(0)
#define H_SP HOST(1)
#define H_GP HOST(2)
#define H_S(n) HOST(3 + (n))
#define H_SSTATUS HOST(15)
#define H_STVEC HOST(16)
#define H_SSCRATCH HOST(17)

#if defined(CONFIG_STALL_DETECT_US) && CONFIG_STALL_DETECT_US > 0
#define STALL_DETECT 1
#else
#define STALL_DETECT 0
#endif

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

/*
 * The checks before an entry, on the way back from a handler that said
 * EXIT_RESUME (the partial and the full exits alike; vcpu.c,
 * vcpu_entry_ready(), is the same in C): when this CPU's work word is
 * empty and the vCPU does not need them on every entry (H_CHECKS), only
 * the stall detector's end of the entry, when it is neither the longest
 * so far nor over the threshold (pcpu.stall.limit); anything else goes
 * to \slow (riscv_vcpu_entry()), which does it all. Leaves a0 = @a
 * (sscratch). tp is this CPU's struct pcpu (the C code never changes
 * it).
 */
.macro ENTRY_CHECKS slow
	ld	t0, PCPU_WORK_OFF(tp)
	csrr	a0, CSR_SSCRATCH
	bnez	t0, \slow
	ld	t0, VCPU_CHECKS_OFF(a0)
	bnez	t0, \slow
#ifdef CONFIG_DEBUG_WORK_CHECK
	addi	a0, a0, -VCPU_ARCH_OFF
	call	work_check
	csrr	a0, CSR_SSCRATCH
#endif
#if STALL_DETECT
	rdtime	t0
	ld	t1, PCPU_STALL_SINCE_OFF(tp)
	sub	t0, t0, t1
	ld	t1, PCPU_STALL_LIMIT_OFF(tp)
	bgtu	t0, t1, \slow
	sd	zero, PCPU_STALL_SINCE_OFF(tp)
#endif
.endm

/* The hypervisor's callee-saved registers, in this CPU's (tp) host. */
.macro HOST_S op
	\op	s0, H_S(0)(tp)
	\op	s1, H_S(1)(tp)
	\op	s2, H_S(2)(tp)
	\op	s3, H_S(3)(tp)
	\op	s4, H_S(4)(tp)
	\op	s5, H_S(5)(tp)
	\op	s6, H_S(6)(tp)
	\op	s7, H_S(7)(tp)
	\op	s8, H_S(8)(tp)
	\op	s9, H_S(9)(tp)
	\op	s10, H_S(10)(tp)
	\op	s11, H_S(11)(tp)
.endm

	.text
ENTRY(riscv_guest_run)
	sd	tp, VCPU_TP_OFF(a0)
	sd	ra, H_RA(tp)
	sd	sp, H_SP(tp)
	sd	gp, H_GP(tp)
	HOST_S	sd
	csrr	t0, CSR_SSTATUS
	sd	t0, H_SSTATUS(tp)
	csrr	t0, CSR_STVEC
	sd	t0, H_STVEC(tp)
	csrr	t0, CSR_SSCRATCH
	sd	t0, H_SSCRATCH(tp)
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

	/* The hypervisor's hart: tp (this_cpu()), sp, gp, stvec, sstatus. */
	ld	tp, VCPU_TP_OFF(a0)
	ld	sp, H_SP(tp)
	ld	gp, H_GP(tp)
	ld	t0, H_STVEC(tp)
	csrw	CSR_STVEC, t0
	ld	t0, H_SSTATUS(tp)
	csrw	CSR_SSTATUS, t0
#if STALL_DETECT
	/* The stall detector: the start of this entry, nothing else. */
	rdtime	t0
	sd	t0, PCPU_STALL_SINCE_OFF(tp)
#endif

	/* The one decision: which exits keep s0..s11 live (see above). */
	bltz	t1, exit_partial		/* an interrupt */
	li	t2, EXC_ECALL_VS
	beq	t1, t2, exit_ecall
	li	t2, EXC_VIRTUAL_INST
	beq	t1, t2, exit_virtual
	li	t2, EXC_LOAD_GUEST_PAGE_FAULT
	beq	t1, t2, exit_load_gpf
exit_full:
	GUEST_S	sd
	csrr	t0, CSR_STVAL
	sd	t0, G(REGS_STVAL)(a0)
	csrr	t3, CSR_HTVAL
	sd	t3, G(REGS_HTVAL)(a0)
	csrr	t2, CSR_HTINST
	sd	t2, G(REGS_HTINST)(a0)
	/*
	 * Store guest-page faults (MMIO; the PV MMU's page-table stores)
	 * straight to their handler, (v, gpa = a1), gpa = htval << 2 | the
	 * low bits of stval (privileged spec 20211203, 8.6.3 "Hypervisor
	 * Trap Value Register").
	 */
	slli	a1, t3, 2
	andi	t0, t0, 3
	or	a1, a1, t0
	li	t2, EXC_STORE_GUEST_PAGE_FAULT
	beq	t1, t2, exit_store_gpf
	call	riscv_vcpu_exit
	j	exit_full_done
exit_store_gpf:
	addi	a0, a0, -VCPU_ARCH_OFF
	call	riscv_exit_store_fault
exit_full_done:
	bnez	a0, leave_full
	ENTRY_CHECKS entry_full_slow
	j	guest_resume_full
entry_full_slow:
	csrr	a0, CSR_SSCRATCH
	call	riscv_vcpu_entry
	bnez	a0, resume_full
leave_full:
	csrr	a0, CSR_SSCRATCH
	j	guest_leave
resume_full:
	csrr	a0, CSR_SSCRATCH
	j	guest_resume_full

	/*
	 * SBI calls: xen-lite's hypercalls here, every other extension in
	 * the SBI server (vsbi.c, vsbi_ecall()).
	 */
exit_ecall:
	li	t2, ASM_XL_SBI_EXT
	beq	a7, t2, exit_hypercall
	addi	a0, a0, -VCPU_ARCH_OFF
	call	vsbi_ecall
	j	exit_partial_done

	/*
	 * xen-lite's hypercall ABI (include/public/xen-lite.h, RISC-V):
	 * a7 = XL_SBI_EXT, a6 = the number, a0..a4 the arguments (a1..a4
	 * and a6 still in the hart, a0 saved); back a0 = 0 and a1 = the
	 * result, or a0 = SBI_ERR_NOT_SUPPORTED for -ENOSYS; for -ERESTART
	 * (a continuation, xen-lite/hypercall.h) a0..a4 = v->hc_cont and
	 * sepc stays at the ecall, which runs again after the checks (a
	 * chance to preempt the vCPU). Here rather than in C: the C version
	 * kept the vCPU across do_hypercall() in a frame of its own and
	 * copied the arguments from a->gregs (issue 20: 12 instructions of
	 * every hypercall). A hypercall that changed what the checks read
	 * raised the work word.
	 */
exit_hypercall:
	mv	t3, a6
	mv	a6, a4
	mv	a5, a3
	mv	a4, a2
	mv	a3, a1
	ld	a2, G(10)(a0)
	mv	a1, t3
	addi	a0, a0, -VCPU_ARCH_OFF
	/* A new hypervisor entry: a new work budget (v->hc_work). */
	sd	zero, VCPU_HC_WORK_OFF(a0)
	call	do_hypercall
	csrr	t0, CSR_SSCRATCH
	li	t1, -ASM_ERESTART
	beq	a0, t1, hypercall_restart
	li	t1, -ASM_ENOSYS
	beq	a0, t1, hypercall_nosys
	sd	a0, G(11)(t0)
	li	a0, 0
hypercall_done:
	sd	a0, G(10)(t0)
	ld	t1, G(REGS_SEPC)(t0)
	addi	t1, t1, 4
	sd	t1, G(REGS_SEPC)(t0)
	j	exit_partial_resume
hypercall_nosys:
	li	a0, ASM_SBI_ERR_NOT_SUPPORTED
	j	hypercall_done
hypercall_restart:
	addi	t1, t0, -VCPU_ARCH_OFF
	ld	t2, VCPU_HC_CONT_OFF(t1)
	sd	t2, G(10)(t0)
	ld	t2, VCPU_HC_CONT_OFF + 8(t1)
	sd	t2, G(11)(t0)
	ld	t2, VCPU_HC_CONT_OFF + 16(t1)
	sd	t2, G(12)(t0)
	ld	t2, VCPU_HC_CONT_OFF + 24(t1)
	sd	t2, G(13)(t0)
	ld	t2, VCPU_HC_CONT_OFF + 32(t1)
	sd	t2, G(14)(t0)
	j	exit_partial_resume
	/* Virtual instructions: WFI below, the others on the full frame. */
exit_virtual:
	csrr	t0, CSR_STVAL
	sd	t0, G(REGS_STVAL)(a0)
	li	t2, WFI_INSN
	bne	t0, t2, exit_full
	/*
	 * WFI (hstatus.VTW, privileged spec 20211203, 8.2.1 "hstatus"): past
	 * it, and wait (inject.c) without riscv_vcpu_exit()'s frame and
	 * scause dispatch (issue 20: 22 instructions of every WFI exit and
	 * of every switch between vCPUs that block).
	 */
exit_wfi:
	ld	t0, G(REGS_SEPC)(a0)
	addi	t0, t0, 4
	sd	t0, G(REGS_SEPC)(a0)
	/*
	 * Without Sstc (the guest's timer is a deadline in memory) or for a
	 * PV domain (VCPU_CHECKS_OFF, vcpu.c vcpu_entry_ready()): in C.
	 */
	ld	t1, VCPU_CHECKS_OFF(a0)
	bnez	t1, wfi_c
	/*
	 * With Sstc, inject.c's irq_pending() here: an enabled VS interrupt
	 * pending in hip, raised by another CPU (irq_set) or by the vPLIC
	 * or emulated IMSIC (eip_level) resumes the guest at once (issue
	 * 20: riscv_vcpu_wait()'s frame and call on every WFI).
	 */
	csrr	t0, CSR_HIP
	ld	t1, VCPU_IRQ_SET_OFF(a0)
	or	t0, t0, t1
	lbu	t1, VCPU_EIP_OFF(a0)
	beqz	t1, 1f
	ori	t0, t0, HVIP_VSEIP
1:	csrr	t1, CSR_HIE
	and	t0, t0, t1
	andi	t0, t0, HIDELEG_VS_ALL
	bnez	t0, exit_partial_resume
	/*
	 * None: the vCPU blocks. Its register file complete in a->gregs
	 * first (another CPU may run it once it is not current), then
	 * riscv_vcpu_block_switch() (vcpu.c) saves its CSRs, blocks it and
	 * loads the next vCPU of this CPU, which it enters through
	 * riscv_switch_enter() without leaving riscv_guest_run() (issue 20:
	 * the hypervisor's registers restored and saved again, 55
	 * instructions of every switch), or leaves the loop through
	 * riscv_switch_leave(). It does not return: the guest's s0..s11 its
	 * frame saved are not restored for nothing.
	 */
	GUEST_S	sd
	addi	a0, a0, -VCPU_ARCH_OFF
	call	riscv_vcpu_block_switch
wfi_c:
	addi	a0, a0, -VCPU_ARCH_OFF
	call	riscv_vcpu_wait
	j	exit_partial_done
	/*
	 * Load guest-page faults (MMIO reads) on the partial frame (issue
	 * 20: the 24 loads and stores of s0..s11 were a twelfth of an MMIO
	 * read): the trap CSRs, then riscv_mmio_load_fault(v, gpa = a1, as
	 * for the stores above). A load writes only its destination
	 * register; when that is one of s0..s11, which C preserves, the
	 * handler writes it in a->gregs and returns its number, and it is
	 * loaded into the hart here (reload_s). The handler reads no other
	 * guest register (exit.c, mmio_fault()).
	 */
exit_load_gpf:
	csrr	t0, CSR_STVAL
	sd	t0, G(REGS_STVAL)(a0)
	csrr	t3, CSR_HTVAL
	sd	t3, G(REGS_HTVAL)(a0)
	csrr	t2, CSR_HTINST
	sd	t2, G(REGS_HTINST)(a0)
	slli	a1, t3, 2
	andi	t0, t0, 3
	or	a1, a1, t0
	addi	a0, a0, -VCPU_ARCH_OFF
	call	riscv_mmio_load_fault
	beqz	a0, exit_partial_resume
	li	t0, 1
	beq	a0, t0, leave_partial
	/* a0 = 8, 9 or 18..27: reload_s entry a0 (8 bytes each). */
	lla	t0, reload_s
	slli	a0, a0, 3
	add	t0, t0, a0
	csrr	a0, CSR_SSCRATCH
	jr	t0
exit_partial:
	call	riscv_vcpu_exit
exit_partial_done:
	bnez	a0, leave_partial
exit_partial_resume:
	ENTRY_CHECKS entry_partial_slow
	j	guest_resume
entry_partial_slow:
	csrr	a0, CSR_SSCRATCH
	call	riscv_vcpu_entry
	bnez	a0, resume_partial
leave_partial:
	csrr	a0, CSR_SSCRATCH
	/* Leaving the loop: the register file complete in a->gregs. */
	GUEST_S	sd
	/* Return a0 (@a of the vCPU that leaves, or NULL) to the run loop. */
guest_leave:
	ld	t0, H_SSCRATCH(tp)
	csrw	CSR_SSCRATCH, t0
	ld	ra, H_RA(tp)
	ld	gp, H_GP(tp)
	HOST_S	ld
	ret
resume_partial:
	csrr	a0, CSR_SSCRATCH
	j	guest_resume

	/*
	 * reload_s + 8 * n: load xn from a->gregs (a0 = @a), then the checks;
	 * entries only for the callee-saved x8, x9, x18..x27 (the others
	 * are never jumped to). No compressed instructions: 8 bytes each.
	 */
	.option	push
	.option	norvc
	.balign	8
reload_s:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	.if	(\n == 8) || (\n == 9) || ((\n >= 18) && (\n <= 27))
	ld	x\n, G(\n)(a0)
	.else
	unimp
	.endif
	j	exit_partial_resume
	.endr
	.option	pop
END(guest_exit)

/*
 * riscv_switch_enter(struct arch_vcpu *a), riscv_switch_leave(struct
 * arch_vcpu *a): the ends of riscv_vcpu_block_switch() (vcpu.c), which
 * guest_exit called on a WFI that blocks and which does not return, with
 * the hypervisor's sp, gp, tp, stvec and sstatus (its stack frame is
 * dropped). Enter @a's guest from a->gregs (@a loaded on this CPU, its
 * checks made), or leave riscv_guest_run() for its caller with @a (or
 * NULL), whose register file is complete in a->gregs.
 */
ENTRY(riscv_switch_enter)
	csrw	CSR_SSCRATCH, a0
	sd	tp, VCPU_TP_OFF(a0)
	j	guest_resume_full
END(riscv_switch_enter)

ENTRY(riscv_switch_leave)
	ld	sp, H_SP(tp)
	j	guest_leave
END(riscv_switch_leave)

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
