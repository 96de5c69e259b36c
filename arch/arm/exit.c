// SPDX-License-Identifier: GPL-2.0
/*
 * Arm guest exits: decode the exit and dispatch it (Arm ARM (DDI 0487 K.a)
 * "ESR_EL2"), and the stage-2 fault path:
 * retry while the p2m changes an entry, writes to pinned PV page tables,
 * emulated devices (vmmio), accesses nothing answers. The only caller of
 * the handlers (vpsci.c, sysreg.c, pv_mm.c, vmmio); they inject through
 * inject.c.
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/p2m.h>
#include <xen-lite/sched.h>
#include <xen-lite/smp.h>
#include <xen-lite/vmmio.h>
#include <asm/dabt.h>
#include <asm/exit.h>
#include <asm/gic.h>
#include <asm/inject.h>
#include <asm/irq.h>
#include <asm/pv_mm.h>
#include <asm/regs.h>
#include <asm/sysregs.h>
#include <asm/vcpu.h>

bool arm_dabt_unhandled(struct vcpu *v, u64 esr, paddr_t gpa, u64 far,
			const struct vmmio_region *dev)
{
	struct domain *d = v->domain;
	u64 pc = v->arch.regs.pc;
	struct dabt_access a;

	/*
	 * The guest's own stage-1 walk read an unassigned address: the abort
	 * of the access that walked. Reported as "not on a translation table
	 * walk" (xFSC 0b010000), as KVM does: the walk's stage-1 level,
	 * which the "on translation table walk, level n" codes need, is not
	 * in the stage-2 syndrome.
	 */
	if ((esr & DABT_S1PTW) && !dev && !d->cfg.mmio_fault_crash) {
		arm_vcpu_inject_sea(v, far, esr & DABT_WNR, false);
		return true;
	}
	if (esr & DABT_S1PTW) {
		domain_crash(d,
			     "vCPU%u: stage-1 table walk at unmapped guest "
			     "physical %#llx (pc %#llx)",
			     v->id, (unsigned long long)gpa,
			     (unsigned long long)pc);
		return false;
	}
	/*
	 * Neither RAM (any RAM mapping was retried) nor an emulated device:
	 * what a bus does with an access nobody answers, an external abort,
	 * unless the domain asked to be crashed for it.
	 */
	if (!dev && !d->cfg.mmio_fault_crash) {
		printk(XL_DEBUG "d%u v%u: %s unassigned guest physical %#llx "
				"(pc %#llx): external abort injected\n",
		       d->id, v->id, (esr & DABT_WNR) ? "write to" : "read of",
		       (unsigned long long)gpa, (unsigned long long)pc);
		arm_vcpu_inject_sea(v, far, esr & DABT_WNR, false);
		return true;
	}
	if (dabt_decode(esr, &a)) {
		domain_crash(d,
			     "vCPU%u: undecodable access to guest physical "
			     "%#llx (pc %#llx, ESR %#llx)",
			     v->id, (unsigned long long)gpa,
			     (unsigned long long)pc, (unsigned long long)esr);
		return false;
	}
	domain_crash(d,
		     "vCPU%u: %s of %u bytes at guest physical "
		     "%#llx, which the domain does not own (pc %#llx)",
		     v->id, a.write ? "write" : "read", a.size,
		     (unsigned long long)gpa, (unsigned long long)pc);
	return false;
}

bool arm_mmio_refused(struct vcpu *v, paddr_t gpa, unsigned int size,
		      bool write, int rc)
{
	if (rc == -EFAULT && !v->domain->cfg.mmio_fault_crash) {
		printk(XL_DEBUG "d%u v%u: %u-byte %s guest physical %#llx "
				"outside its windows (pc %#llx): external "
				"abort injected\n",
		       v->domain->id, v->id, size,
		       write ? "write to" : "read of", (unsigned long long)gpa,
		       (unsigned long long)v->arch.regs.pc);
		arm_vcpu_inject_sea(v, READ_SYSREG(far_el2), write, false);
		return true;
	}
	if (rc == -EFAULT) {
		domain_crash(v->domain,
			     "vCPU%u: %s of %u bytes at guest physical %#llx, "
			     "which the domain does not own (pc %#llx)",
			     v->id, write ? "write" : "read", size,
			     (unsigned long long)gpa,
			     (unsigned long long)v->arch.regs.pc);
		return false;
	}
	domain_crash(v->domain,
		     "vCPU%u: unsupported %u-byte %s at device "
		     "address %#llx (pc %#llx)",
		     v->id, size, write ? "write" : "read",
		     (unsigned long long)gpa,
		     (unsigned long long)v->arch.regs.pc);
	return false;
}

/* WFE: a hint that the vCPU spins on a lock (HCR_EL2.TWE). */
static __noinline bool handle_wfe(struct vcpu *v)
{
	/*
	 * Spinning on a lock another vCPU may hold: let a runnable vCPU
	 * sharing this CPU run (it may be the holder); alone on the CPU,
	 * resume at once.
	 */
	sched_yield();
	return true;
}

/* Lazy FP/SIMD switch: first use since the vCPU was loaded (CPTR_EL2.TFP) */
static __noinline bool handle_fp(struct vcpu *v)
{
	WRITE_SYSREG(CPTR_EL2_RES1, cptr_el2);
	isb();
	fpsimd_restore(&v->arch.fp);
	v->arch.fp_loaded = true;
	this_cpu()->arch.fp_owner = v;
	return true;
}

/* An instruction fetch that stage 2 did not translate. */
static __noinline bool handle_iabt(struct vcpu *v)
{
	struct domain *d = v->domain;

	if (p2m_fault_retry(d->p2m, _gfn(READ_SYSREG(hpfar_el2) >> 4), false,
			    true)) {
		return true;
	}
	if (!d->cfg.mmio_fault_crash) {
		arm_vcpu_inject_sea(v, READ_SYSREG(far_el2), false, true);
		return true;
	}
	domain_crash(d,
		     "vCPU%u: instruction fetch from guest physical %#llx, "
		     "which the domain does not own (pc %#llx)",
		     v->id,
		     (unsigned long long)((READ_SYSREG(hpfar_el2) >> 4)
					  << PAGE_SHIFT),
		     (unsigned long long)v->arch.regs.pc);
	return false;
}

/* The synchronous exits that are not worth a case of their own. */
static __noinline bool handle_sync_other(struct vcpu *v, u64 esr)
{
	struct cpu_regs *r = &v->arch.regs;

	switch (ESR_EC(esr)) {
	case EC_HVC32:
	case EC_SMC32:
	case EC_CP15_32:
	case EC_CP15_64:
	case EC_CP14_MR:
	case EC_CP14_LS:
	case EC_CP14_64:
	case EC_CP10_ID:
		/* Trapped AArch32 EL0 accesses: not offered. */
		r->pc += (esr & ESR_IL) ? 4 : 2;
		arm_vcpu_inject_undef(v);
		return true;
	case EC_PAC:
	case EC_SVE:
	case EC_SME:
		/*
		 * Pointer authentication (HCR_EL2.API/APK clear), SVE and SME
		 * (CPTR_EL2.TZ/TSM set) are hidden from guests (sysreg.c):
		 * their state is not switched. A guest that uses them anyway
		 * gets what a CPU without them gives, an Undefined
		 * Instruction exception at the instruction (Arm ARM (DDI 0487
		 * K.a), ESR_EL2.EC 0x09, 0x19, 0x1D), not a crash.
		 */
		arm_vcpu_inject_undef(v);
		return true;
	default:
		domain_crash(v->domain,
			     "vCPU%u: unhandled exit EC %#x "
			     "(ESR %#llx) at pc %#llx",
			     v->id, (unsigned int)ESR_EC(esr),
			     (unsigned long long)esr,
			     (unsigned long long)r->pc);
		return false;
	}
}

/* FIQ and SError exits (the run loop hands IRQ exits to arm_irq_exit()). */
static __noinline bool handle_async(struct vcpu *v, int exit, u64 esr)
{
	switch (exit) {
	case EXIT_FIQ:
		return true;
	default:
		domain_crash(v->domain,
			     "vCPU%u: SError at pc %#llx "
			     "(ESR %#llx)",
			     v->id, (unsigned long long)v->arch.regs.pc,
			     (unsigned long long)esr);
		return false;
	}
}

/*
 * Called for every exit arm_handle_exit() does not take inline (it takes
 * HVC64, data aborts and WFI, which therefore have no case here): the
 * frequent cases are tail calls, and whatever needs a stack frame is in a
 * function of its own, so that the dispatch costs no more than it would
 * inline in the run loop.
 */
bool arm_dispatch_exit(struct vcpu *v, int exit, u64 esr)
{
	if (exit != EXIT_SYNC) {
		return handle_async(v, exit, esr);
	}
	switch (ESR_EC(esr)) {
	case EC_WFX:
		v->arch.regs.pc += 4;
		if (esr & WFX_ISS_WFE) {
			return handle_wfe(v);
		}
		return arm_vcpu_wait(v);
	case EC_SMC64:
		v->arch.regs.pc += 4;
		return vcpu_handle_smccc(v);
	case EC_SYS64:
		return vcpu_handle_sysreg(v, esr);
	case EC_FP_ASIMD:
		return handle_fp(v);
	case EC_IABT_LOW:
		return handle_iabt(v);
	default:
		return handle_sync_other(v, esr);
	}
}
