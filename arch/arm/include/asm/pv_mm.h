/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Arm side of the PV MMU (arch/arm/pv_mm.c, docs/pv-mmu.md "Arch hooks"):
 * what the vCPU run loop and the trap handlers call. Without
 * CONFIG_PV_MMU no domain ever becomes a PV domain and these are no-ops.
 */
#ifndef ASM_ARM_PV_MM_H
#define ASM_ARM_PV_MM_H

#include <xen-lite/compiler.h>
#include <xen-lite/domain.h>
#include <asm/sysregs.h>

#ifdef CONFIG_PV_MMU

/**
 * arm_pv_activate() - @v's domain became a PV domain (d->pv_mm_active)
 * while @v runs without HCR_EL2.TVM: trap its EL1 virtual-memory control
 * registers from now on, clear hardware access/dirty-flag updates from
 * its live TCR_EL1, and make the domain's other vCPUs exit so that they
 * do the same before they run on. @v is loaded on this CPU.
 */
void arm_pv_activate(struct vcpu *v);

/**
 * arm_pv_sync() - before each guest entry of @v (loaded on this CPU):
 * HCR_EL2.TVM exactly while its domain is a PV domain. One load and a
 * branch for every other domain.
 */
static inline void arm_pv_sync(struct vcpu *v)
{
	if (unlikely(READ_ONCE(v->domain->pv_mm_active)) &&
	    !(v->arch.hcr & HCR_TVM)) {
		arm_pv_activate(v);
	}
}

/**
 * arm_pv_vm_reg_write() - emulate a trapped (HCR_EL2.TVM) EL1 write of
 * @val to the register with the EC 0x18 encoding @sysreg (SYSREG() in
 * arch/arm/vcpu.c) for loaded @v.
 * Return: true when it was written (the caller skips the instruction),
 * false when it is refused or not a TVM register (the caller injects an
 * Undefined exception): TTBR0_EL1 and TTBR1_EL1 belong to the PV MMU
 * (XL_MMUEXT_NEW_BASEPTR).
 */
bool arm_pv_vm_reg_write(struct vcpu *v, u32 sysreg, u64 val);

/**
 * arm_pv_table_abort() - stage-2 permission fault of loaded @v at guest
 * physical @gpa, ESR_EL2 @esr, FAR_EL2 @far: if the frame is a pinned PV
 * page table, handle it. A decodable store is applied as a validated
 * single-entry update (pv_mm_emulate_write()) and skipped; a refused or
 * undecodable one is reflected to the guest as a stage-1 permission fault
 * at @far; a hardware access/dirty update of a table by the walker turns
 * those updates off and retries.
 * Return: true when handled (keep running @v), false when the frame is
 * not a PV table or the fault is none of the above (the caller goes on
 * with its own handling).
 */
bool arm_pv_table_abort(struct vcpu *v, u64 esr, paddr_t gpa, u64 far);

#else /* !CONFIG_PV_MMU */

static inline void arm_pv_sync(struct vcpu *v)
{
}

static inline bool arm_pv_vm_reg_write(struct vcpu *v, u32 sysreg, u64 val)
{
	return false;
}

static inline bool arm_pv_table_abort(struct vcpu *v, u64 esr, paddr_t gpa,
				      u64 far)
{
	return false;
}

#endif /* CONFIG_PV_MMU */

#endif /* ASM_ARM_PV_MM_H */
