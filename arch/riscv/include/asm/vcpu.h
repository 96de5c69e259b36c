/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RISC-V vCPU internals shared by the arch files: what an exit handler
 * returns, the world switch (guest.S), the SBI server (vsbi.c) and the PV
 * MMU (pv_mm.c). Exit dispatch is in asm/exit.h, injection in
 * asm/inject.h, instruction decode in asm/insn.h, timers in asm/time.h.
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

/**
 * riscv_guest_run() - run @a's guest (guest.S) until an exit's handler or
 * the checks before the next entry say leave. A WFI that blocks may enter
 * the next vCPU of this CPU directly (riscv_vcpu_block_switch()), so the
 * vCPU that leaves need not be @a.
 * Return: the vCPU that left (current, its whole register file in
 * gregs, its CSRs loaded), or NULL when the last one blocked and no vCPU
 * followed (it is saved: vcpu_save(), and still current).
 */
struct arch_vcpu *riscv_guest_run(struct arch_vcpu *a);

/**
 * riscv_vcpu_block_switch() - guest.S's WFI exit of @v (current) found no
 * interrupt pending (with Sstc, for a domain that is not PV) and saved its
 * whole register file: save its CSRs, block it until its timer's deadline
 * and hand this CPU to the next runnable vCPU of its queue
 * (sched_block_handover()), whose CSRs are loaded and whose checks before
 * its first entry are made here. Interrupts masked. Does not return: it
 * enters the next vCPU (riscv_switch_enter()), or leaves the run loop
 * (riscv_switch_leave()) with the next vCPU when its checks say so, or
 * with NULL when no vCPU follows (@v stays current, saved, blocked or
 * woken again).
 */
void __noreturn riscv_vcpu_block_switch(struct vcpu *v);

/**
 * riscv_switch_enter() - the end of riscv_vcpu_block_switch() (guest.S):
 * enter @a's guest (loaded, its checks made).
 */
void __noreturn riscv_switch_enter(struct arch_vcpu *a);

/**
 * riscv_switch_leave() - the end of riscv_vcpu_block_switch() (guest.S):
 * riscv_guest_run() returns @a, or NULL.
 */
void __noreturn riscv_switch_leave(struct arch_vcpu *a);

/**
 * riscv_vcpu_exit() - called by guest.S on every exit of @a's guest but
 * those it dispatches itself (SBI calls, WFI, load and store guest-page
 * faults), with the hypervisor's sp, gp, tp, stvec and sstatus: handle
 * the exit. Runs with the guest's s0..s11 still in the hart on the
 * partial exits (guest.S): the handlers of those (host interrupts, SBI
 * calls, WFI) must not use a->gregs' s0..s11.
 * guest.S makes the checks before the next entry itself, or calls
 * riscv_vcpu_entry() for them.
 * Return: what the run loop does next.
 */
enum exit_action riscv_vcpu_exit(struct arch_vcpu *a);

/**
 * riscv_exit_store_fault() - a store guest-page fault of @v at guest
 * physical @gpa, for guest.S (exit_store_gpf, the full frame saved): a store to
 * a PV domain's pinned page table goes to the PV MMU, anything else to
 * riscv_mmio_fault().
 * Return: what the run loop does next.
 */
enum exit_action riscv_exit_store_fault(struct vcpu *v, paddr_t gpa);

/**
 * riscv_vcpu_entry() - the checks before the next entry of @a's guest
 * (vcpu.c), for guest.S when its own short version cannot do: this CPU's
 * work word is not empty, the vCPU needs them on every entry, the stall
 * detector has an entry to report or a new longest one, or
 * CONFIG_DEBUG_WORK_CHECK.
 * Return: true to enter the guest again, false to leave the run loop.
 */
bool riscv_vcpu_entry(struct arch_vcpu *a);

/**
 * riscv_guest_load_insn() - fetch the guest instruction at @gva (guest.S).
 * Return: the instruction, or 0 when the guest's translation faulted.
 */
unsigned long riscv_guest_load_insn(unsigned long gva);

/* Largest single DBCN transfer of vsbi.c, in bytes (the guest loops). */
#define DBCN_CHUNK 256

/**
 * vsbi_ecall() - serve an SBI call of @v (ecall from VS-mode; sepc not yet
 * advanced) of any extension but xen-lite's hypercalls (XL_SBI_EXT),
 * which guest.S serves itself (exit_hypercall), and which get
 * SBI_ERR_NOT_SUPPORTED here.
 * Return: what the run loop does next.
 */
enum exit_action vsbi_ecall(struct vcpu *v);

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
 * back to what the hypervisor installed if the guest changed it (for
 * QEMU 7.2, which does not trap VS-mode satp writes under VTVM; a
 * conforming hart, QEMU 10 among them, traps them).
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
