/* SPDX-License-Identifier: GPL-2.0 */
/* RISC-V vCPU internals shared by vcpu.c, vsbi.c, mmio.c and the vdevs. */
#ifndef ASM_RISCV_VCPU_H
#define ASM_RISCV_VCPU_H

#include <xen-lite/types.h>
#include <asm/traps.h>

struct vcpu;
struct arch_vcpu;

/* What an exit handler asks of the run loop. */
enum exit_action {
	EXIT_RESUME = 0, /* enter the guest again */
	EXIT_LEAVE, /* give the pCPU back to the scheduler */
};

/** riscv_guest_enter() - world switch into @a's guest (guest.S). */
void riscv_guest_enter(struct arch_vcpu *a);

/**
 * riscv_guest_load_insn() - fetch the guest instruction at @gva (guest.S).
 * Return: 0 and *@insn, or -1 when the guest's translation faulted.
 */
int riscv_guest_load_insn(unsigned long gva, unsigned long *insn);

/**
 * riscv_vcpu_notify() - an interrupt for @v was raised (irq_set or
 * eip_level changed): wake it if blocked, make it exit if it runs on
 * another pCPU.
 */
void riscv_vcpu_notify(struct vcpu *v);

/**
 * riscv_vcpu_inject_exception() - deliver exception @cause with @tval to
 * the guest's VS-mode trap handler, as the hart would have (privileged
 * spec, "Supervisor Trap" semantics on vsstatus/vsepc/vscause/vstval).
 */
void riscv_vcpu_inject_exception(struct vcpu *v, unsigned long cause,
				 unsigned long tval);

/**
 * riscv_vcpu_irq_pending() - does @v (current, CSRs loaded) have an
 * enabled VS interrupt pending?
 * Return: true if a WFI of @v would complete.
 */
bool riscv_vcpu_irq_pending(struct vcpu *v);

/**
 * riscv_vcpu_wait() - @v (current) waits for an interrupt (WFI, HSM
 * retentive suspend): blocks it until an interrupt is pending or its
 * timer is due.
 * Return: EXIT_LEAVE when it blocked, EXIT_RESUME if an interrupt is
 * already pending.
 */
enum exit_action riscv_vcpu_wait(struct vcpu *v);

/**
 * vsbi_ecall() - serve an SBI call of @v (ecall from VS-mode; sepc not yet
 * advanced).
 * Return: what the run loop does next.
 */
enum exit_action vsbi_ecall(struct vcpu *v);

/**
 * riscv_mmio_fault() - a guest-page fault of @v at guest physical @gpa:
 * emulate the access if a virtual device claims it, else crash the domain.
 * Return: what the run loop does next.
 */
enum exit_action riscv_mmio_fault(struct vcpu *v, paddr_t gpa);

/**
 * riscv_vcpu_resume_reset() - @v (current) resumes from a non-retentive
 * HSM suspend: guest MMU off (vsatp = 0) and interrupts off
 * (vsstatus.SIE = 0), as after hart_start.
 */
void riscv_vcpu_resume_reset(struct vcpu *v);

/**
 * riscv_vcpu_set_timer() - SBI TIME set_timer without Sstc: the guest's
 * timer interrupt is due at @deadline (absolute counter value).
 */
void riscv_vcpu_set_timer(struct vcpu *v, u64 deadline);

#endif /* ASM_RISCV_VCPU_H */
