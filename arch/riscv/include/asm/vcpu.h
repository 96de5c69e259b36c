/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RISC-V vCPU internals shared by vcpu.c, vsbi.c, mmio.c, pv_mm.c and the
 * vdevs.
 */
#ifndef ASM_RISCV_VCPU_H
#define ASM_RISCV_VCPU_H

#include <xen-lite/cpumask.h>
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
 * riscv_unassigned_access() - a guest-page fault of @v (r->scause: load,
 * store or fetch) at guest physical @gpa, which is neither the domain's
 * RAM nor a virtual device: inject the matching access fault (scause
 * 5, 7 or 1, vstval = the faulting virtual address), or crash the
 * domain under mmio_fault = "crash".
 *
 * Return: EXIT_RESUME after an injection, EXIT_LEAVE after a crash.
 */
enum exit_action riscv_unassigned_access(struct vcpu *v, paddr_t gpa);

/* A guest load or store decoded by riscv_mmio_decode(). */
struct mmio_insn {
	unsigned int len; /* 2 or 4 bytes */
	unsigned int size; /* access size in bytes */
	bool is_write;
	bool sign_extend;
	unsigned int reg; /* rd of a load, rs2 of a store */
};

/**
 * riscv_mmio_decode() - decode the load or store that made @v (current)
 * take a guest-page fault: from htinst when the hart gave a transformed
 * instruction, else fetched from the guest at sepc.
 * Return: 0 and *@m; -EINVAL for anything but a plain integer load or
 * store (AMOs, LR/SC, FP, implicit accesses of the guest's page-table
 * walk); -EFAULT when the instruction could not be fetched.
 */
int riscv_mmio_decode(struct vcpu *v, struct mmio_insn *m);

/**
 * riscv_vcpu_resume_reset() - @v (current) resumes from a non-retentive
 * HSM suspend: guest MMU off (vsatp = 0) and interrupts off
 * (vsstatus.SIE = 0), as after hart_start.
 */
void riscv_vcpu_resume_reset(struct vcpu *v);

/**
 * riscv_vcpu_set_timer() - SBI TIME set_timer on the current vCPU: its
 * timer interrupt is due at @deadline (the guest's counter value). With
 * Sstc this is the guest's vstimecmp; without it the hypervisor's timer
 * injects VSTIP.
 */
void riscv_vcpu_set_timer(struct vcpu *v, u64 deadline);

/**
 * vsbi_hart_mask() - the SBI hart mask of the pCPUs in @cpus (bit n =
 * hart ID n), or ~0UL (every hart) when one of their hart IDs does not fit
 * in 64 bits.
 * @others: set to true when @cpus holds a pCPU other than this one.
 * Return: the mask.
 */
unsigned long vsbi_hart_mask(const cpumask_t *cpus, bool *others);

/**
 * vsbi_remote_fence() - OpenSBI RFENCE function @fid (SBI_RFENCE_FENCE_I,
 * SBI_RFENCE_HFENCE_VVMA or SBI_RFENCE_HFENCE_VVMA_ASID) on the harts of
 * @hmask (~0UL: every hart), for the VMID in this hart's hgatp;
 * synchronous. @start 0 and @size 0 (or @size ~0UL) mean every address.
 * When the firmware refuses, this hart fences everything instead.
 */
void vsbi_remote_fence(unsigned long fid, unsigned long hmask,
		       unsigned long start, unsigned long size,
		       unsigned long asid);

/* ---- PV MMU (pv_mm.c, docs/pv-mmu.md "Arch hooks") ---- */

/* arch_vcpu.pv_pending: work for the vCPU's next guest entry. */
#define RISCV_PV_FLUSH (1UL << 0) /* hfence.vvma of the whole VMID */
#define RISCV_PV_VSATP (1UL << 1) /* load arch_vcpu.pv_next_vsatp */

/**
 * riscv_pv_prepare_entry() - PV MMU work before @v (current) enters the
 * guest: what other CPUs asked (RISCV_PV_*); for a PV domain
 * (d->pv_mm_active) hstatus.VTVM on, hardware A/D updates off, and vsatp
 * back to what the hypervisor installed if the guest changed it (harts
 * that do not trap VS-mode satp writes, such as QEMU 7.2).
 */
void riscv_pv_prepare_entry(struct vcpu *v);

/**
 * riscv_pv_virtual_insn() - a virtual-instruction exit of @v (current,
 * from VS-mode) with instruction @insn: emulate the satp accesses and
 * sfence.vma / sinval.vma that hstatus.VTVM traps for a PV domain.
 * Return: true when handled (sepc advanced, or an illegal-instruction
 * exception injected), false when @insn is none of them.
 */
bool riscv_pv_virtual_insn(struct vcpu *v, unsigned long insn);

/**
 * riscv_pv_store_fault() - a store/AMO guest-page fault of @v (current)
 * at guest physical @gpa, outside every virtual device: emulate a store
 * to a pinned page table (pv_mm_emulate_write()), or let the guest retry
 * an access the p2m permits by now.
 * Return: true when handled (the guest resumes, maybe with a store
 * access fault injected), false for a fault the caller treats as before.
 */
bool riscv_pv_store_fault(struct vcpu *v, paddr_t gpa);

#endif /* ASM_RISCV_VCPU_H */
