// SPDX-License-Identifier: GPL-2.0
/*
 * RISC-V guest exits: what made the guest trap (scause) goes to its
 * handler: the SBI server (vsbi.c), the PV MMU (pv_mm.c), WFI (inject.c),
 * the MMIO registry (common/vmmio.c) with the instruction decoder
 * (insn.c), the host's own interrupts (traps.c). The dispatch itself,
 * riscv_handle_exit(), is inline in asm/exit.h so that the run loop
 * (vcpu.c, its only caller) pays no call on the hot exits (SBI calls,
 * WFI, MMIO); this file holds the exits behind it. Handlers never call
 * back into here.
 *
 * Guest-page faults: MMIO emulation of the virtual devices; any other
 * address the domain does not own is an access fault injected into the
 * guest, or a domain crash under mmio_fault = "crash".
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/sched.h>
#include <xen-lite/vmmio.h>
#include <asm/csr.h>
#include <asm/exit.h>
#include <asm/inject.h>
#include <asm/insn.h>
#include <asm/riscv.h>
#include <asm/traps.h>
#include <asm/vcpu.h>
#include <asm/vector.h>
#include <asm/vimsic.h>

static u64 sign_extend(u64 val, unsigned int size)
{
	unsigned int shift = 64 - size * 8;

	return (u64)((s64)(val << shift) >> shift);
}

enum exit_action riscv_unassigned_access(struct vcpu *v, paddr_t gpa)
{
	struct cpu_regs *r = &v->arch.gregs;
	unsigned long cause;
	const char *what;

	switch (r->scause) {
	case EXC_STORE_GUEST_PAGE_FAULT:
		cause = EXC_STORE_ACCESS;
		what = "wrote to";
		break;
	case EXC_INST_GUEST_PAGE_FAULT:
		cause = EXC_INST_ACCESS;
		what = "fetched from";
		break;
	default:
		cause = EXC_LOAD_ACCESS;
		what = "read from";
		break;
	}
	if (v->domain->cfg.mmio_fault_crash) {
		domain_crash(
			v->domain,
			"vCPU%u %s unmapped guest physical %#llx (pc %#lx)",
			v->id, what, (unsigned long long)gpa, r->sepc);
		return EXIT_LEAVE;
	}
	/*
	 * What a hart does for an access no device answers: an access
	 * fault (privileged spec 20211203, 3.6 "Physical Memory
	 * Attributes": a failed PMA check raises an access-fault exception)
	 * at the faulting instruction, with stval the virtual address of
	 * the access (4.1.9 "Supervisor Trap Value"). The guest-page fault
	 * left that address in stval (hstatus.GVA): it becomes vstval. The
	 * guest physical address (htval) is the hypervisor's, not the
	 * guest's, and is not shown to it.
	 */
	printk(XL_DEBUG "d%u v%u: %s unassigned guest physical %#llx "
			"(pc %#lx): access fault injected\n",
	       v->domain->id, v->id, what, (unsigned long long)gpa, r->sepc);
	riscv_vcpu_inject_exception(v, cause, r->stval);
	return EXIT_RESUME;
}

/* The callee-saved registers s0, s1, s2..s11: x8, x9, x18..x27. */
static inline bool reg_callee_saved(unsigned int reg)
{
	return reg == 8 || reg == 9 || (reg >= 18 && reg <= 27);
}

/*
 * A guest-page fault of @v at @gpa: emulate the access of a virtual
 * device. @load: a load fault on the partial frame (guest.S,
 * exit_load_gpf), where s0..s11 are live in the hart and stale in
 * a->gregs, so nothing here reads a guest register but sepc, sstatus and
 * the trap CSRs: a load names only its destination, which is written in
 * a->gregs and, if callee-saved, returned for guest.S to load; a store
 * decoded there (the instruction changed since it faulted as a load) is
 * not emulated: the guest runs it again. The device's value goes through
 * v->arch.mmio_val, not a local: no stack protector on this path.
 * Return: EXIT_RESUME, EXIT_LEAVE, or (@load only) the callee-saved
 * register to reload.
 */
static __always_inline long mmio_fault(struct vcpu *v, paddr_t gpa, bool load)
{
	struct domain *d = v->domain;
	struct cpu_regs *r = &v->arch.gregs;
	const struct vmmio_region *dev = vmmio_find(d, gpa);
	struct mmio_insn m;
	u64 val;
	int rc;

	if (!dev) {
		return riscv_unassigned_access(v, gpa);
	}
	rc = riscv_mmio_decode_inline(v, &m);
	if (rc) {
		domain_crash(
			d,
			"vCPU%u: cannot decode the MMIO access at pc %#lx to %#llx",
			v->id, r->sepc, (unsigned long long)gpa);
		return EXIT_LEAVE;
	}
	if (load && m.is_write) {
		return EXIT_RESUME;
	}
	v->arch.mmio_val = m.is_write ? cpu_regs_get(r, m.reg) : 0;
	/*
	 * An access the device does not implement reads as zero and writes
	 * are ignored, as on the PLIC and UART of the machine: the device's
	 * error is not the guest's fault. But -EFAULT, a trapped
	 * passthrough page outside the domain's windows
	 * (common/passthrough_window.c), is an address the domain does not
	 * own.
	 */
	if (vmmio_emulate(v, dev, gpa, m.size, m.is_write, &v->arch.mmio_val) ==
	    -EFAULT) {
		return riscv_unassigned_access(v, gpa);
	}
	r->sepc += m.len;
	if (m.is_write) {
		return EXIT_RESUME;
	}
	val = v->arch.mmio_val;
	if (m.size < 8 && m.sign_extend) {
		val = sign_extend(val, m.size);
	}
	cpu_regs_set(r, m.reg, val);
	return load && reg_callee_saved(m.reg) ? (long)m.reg : EXIT_RESUME;
}

enum exit_action riscv_mmio_fault(struct vcpu *v, paddr_t gpa)
{
	return (enum exit_action)mmio_fault(v, gpa, false);
}

long riscv_mmio_load_fault(struct vcpu *v, paddr_t gpa)
{
	return mmio_fault(v, gpa, true);
}

enum exit_action riscv_exit_virtual_insn(struct vcpu *v, unsigned long insn)
{
	struct cpu_regs *r = &v->arch.gregs;

	/* satp and sfence.vma of a PV domain (hstatus.VTVM), VS-mode only. */
	if ((r->sstatus & SSTATUS_SPP) && riscv_pv_virtual_insn(v, insn)) {
		return EXIT_RESUME;
	}
	/* sireg / stopei of an emulated IMSIC file, VS-mode only. */
	if ((r->sstatus & SSTATUS_SPP) && v->domain->arch.aia &&
	    vimsic_virtual_insn(v, insn, vimsic_vsiselect())) {
		return EXIT_RESUME;
	}
	/*
	 * Zawrs: WRS.NTO traps with hstatus.VTW set (Zawrs 1.01: when it
	 * would not complete within a bounded time). Completing at once is
	 * always allowed (it may end for any reason; the guest checks its
	 * condition again), so step over it, from VS- or VU-mode; the vCPU
	 * is waiting for another one, so let any other vCPU of this CPU run
	 * first, as for Arm's WFE.
	 */
	if (insn == INSN_WRS_NTO) {
		r->sepc += 4;
		sched_yield();
		return EXIT_RESUME;
	}
	/*
	 * Anything else (an hypervisor or M-level CSR, hfence, ...) is not
	 * part of the virtual hart: an illegal instruction to the guest.
	 */
	riscv_vcpu_inject_exception(v, EXC_ILLEGAL_INST, insn);
	return EXIT_RESUME;
}

enum exit_action riscv_exit_illegal_insn(struct vcpu *v)
{
	struct cpu_regs *r = &v->arch.gregs;

	/*
	 * With V = 1 an instruction of a state whose HS-level sstatus field
	 * is Off raises an illegal-instruction exception (privileged spec
	 * 20211203, 8.2.11 "vsstatus"): the vector unit, switched lazily.
	 * Whether it really was a vector instruction does not matter: run
	 * it again with the state live and illegal instructions delegated,
	 * and an instruction that is illegal for the guest traps to it then,
	 * with the cause and stval the hart gives it.
	 */
	if (riscv_features.vector &&
	    (r->sstatus & SSTATUS_VS) == SSTATUS_VS_OFF) {
		riscv_vector_claim(v);
		return EXIT_RESUME;
	}
	riscv_vcpu_inject_exception(v, EXC_ILLEGAL_INST, r->stval);
	return EXIT_RESUME;
}

enum exit_action riscv_exit_unhandled(struct vcpu *v)
{
	const struct cpu_regs *r = &v->arch.gregs;

	domain_crash(
		v->domain,
		"vCPU%u: unhandled trap scause %#lx stval %#lx htval %#lx at pc %#lx",
		v->id, r->scause, r->stval, r->htval, r->sepc);
	return EXIT_LEAVE;
}
