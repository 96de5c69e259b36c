/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RISC-V guest exits: riscv_handle_exit(), the run loop's one entry, and
 * the exits of exit.c behind it.
 */
#ifndef ASM_RISCV_EXIT_H
#define ASM_RISCV_EXIT_H

#include <xen-lite/domain.h>
#include <xen-lite/types.h>
#include <xen-lite/vmmio.h>
#include <asm/csr.h>
#include <asm/inject.h>
#include <asm/insn.h>
#include <asm/traps.h>
#include <asm/vcpu.h>

#define INSN_WFI 0x10500073UL
#define INSN_WRS_NTO 0x00d00073UL

/**
 * riscv_mmio_fault() - a load or store guest-page fault of @v at guest
 * physical @gpa (r->scause says which), the whole register file in
 * a->gregs: emulate the access if a virtual device claims it, else
 * riscv_unassigned_access(). Called by riscv_exit_store_fault() (vcpu.c)
 * for a store.
 * Return: what the run loop does next.
 */
enum exit_action riscv_mmio_fault(struct vcpu *v, paddr_t gpa);

/**
 * riscv_mmio_load_fault() - riscv_mmio_fault() for a load guest-page
 * fault on guest.S's partial frame (exit_load_gpf: s0..s11 live in the
 * hart, stale in a->gregs; issue 20). Reads no guest register; a store
 * decoded at sepc (the code changed since the fault) is run again.
 * Return: EXIT_RESUME, EXIT_LEAVE, or the number of the callee-saved
 * register (8, 9, 18..27) the load wrote in a->gregs, which guest.S
 * loads into the hart.
 */
long riscv_mmio_load_fault(struct vcpu *v, paddr_t gpa);

/**
 * riscv_unassigned_access() - a guest-page fault of @v (r->scause: load,
 * store or fetch) at guest physical @gpa, which is neither the domain's
 * RAM nor a virtual device: inject the matching access fault (scause
 * 5, 7 or 1, vstval = the faulting virtual address), or crash the
 * domain under mmio_fault = "crash".
 *
 * Return: EXIT_RESUME after an injection, EXIT_LEAVE after a crash.
 */
enum exit_action riscv_unassigned_access(struct vcpu *v, paddr_t gpa);

/**
 * riscv_exit_virtual_insn() - a virtual-instruction exit of @v (current)
 * for @insn, other than WFI: the PV MMU's satp and sfence.vma traps, else
 * an illegal-instruction exception to the guest.
 * Return: what the run loop does next.
 */
enum exit_action riscv_exit_virtual_insn(struct vcpu *v, unsigned long insn);

/**
 * riscv_exit_illegal_insn() - an illegal-instruction exit of @v (current):
 * they come here only while @v's vector state is not live in this hart
 * (vcpu.c): load it and run the instruction again; otherwise (no V) the
 * guest's own illegal instruction, injected.
 * Return: EXIT_RESUME.
 */
enum exit_action riscv_exit_illegal_insn(struct vcpu *v);

/**
 * riscv_exit_unhandled() - @v (current) trapped for a cause the
 * hypervisor does not delegate and has no handler for: crash the domain.
 * Return: EXIT_LEAVE.
 */
enum exit_action riscv_exit_unhandled(struct vcpu *v);

/**
 * riscv_handle_exit() - @v (current) left the guest: decode the trap
 * (scause, stval, htval, htinst) and run its handler.
 *
 * Inline, for the run loop only: SBI calls, WFI and MMIO are the hot
 * exits, and a call here (frame, stack protector) would add about 25
 * instructions to each (tests/bench ubench and world-switch, icount).
 * The rest is out of line in exit.c.
 * Return: what the run loop does next.
 */
static inline enum exit_action riscv_handle_exit(struct vcpu *v)
{
	struct cpu_regs *r = &v->arch.gregs;
	unsigned long cause = r->scause;
	unsigned long insn;

	/*
	 * The most frequent exit first, without the jump table: WFI
	 * (guest.S read stval for it). SBI calls never come here: guest.S
	 * dispatches them itself (exit_ecall).
	 */
	if (cause == EXC_VIRTUAL_INST && r->stval == INSN_WFI) {
		r->sepc += 4;
		return riscv_vcpu_wait(v);
	}
	if (cause & CAUSE_IRQ_FLAG) {
		riscv_handle_host_irq(cause & ~CAUSE_IRQ_FLAG);
		return EXIT_RESUME;
	}
	switch (cause) {
	case EXC_VIRTUAL_INST:
		insn = riscv_exit_insn(v);
		if (insn == INSN_WFI) {
			r->sepc += 4;
			return riscv_vcpu_wait(v);
		}
		return riscv_exit_virtual_insn(v, insn);
	case EXC_STORE_GUEST_PAGE_FAULT:
	case EXC_LOAD_GUEST_PAGE_FAULT:
		/* guest.S dispatches these itself: not reached. */
		return riscv_exit_unhandled(v);
	case EXC_INST_GUEST_PAGE_FAULT:
		return riscv_unassigned_access(v, (r->htval << 2) |
							  (r->stval & 3));
	case EXC_ILLEGAL_INST:
		return riscv_exit_illegal_insn(v);
	default:
		return riscv_exit_unhandled(v);
	}
}

#endif /* ASM_RISCV_EXIT_H */
