// SPDX-License-Identifier: GPL-2.0
/*
 * The Arm side of the PV MMU (docs/pv-mmu.md "Arch hooks", "Arm"): base
 * pointers in TTBR0_EL1 / TTBR1_EL1, stage-1 TLB maintenance for the
 * guest, HCR_EL2.TVM for PV domains (their EL1 virtual-memory control
 * registers trap: the TTBRs are refused, the rest emulated), and stores
 * to pinned tables that fault in stage 2.
 *
 * The validated tables only mean something if the hardware walks them
 * the way the validator read them, so a PV domain's stage-1 geometry is
 * the hypervisor's: 4 KiB granules, little-endian walks, 48-bit
 * descriptors, the region size of each installed root matching its
 * number of levels, and no hardware Access flag or dirty updates (they
 * would write to tables stage 2 holds read-only). Whatever the guest
 * writes to TCR_EL1 and SCTLR_EL1 is adjusted to that (tcr_sanitize(),
 * sctlr_sanitize()). Stage 2 confines the guest whatever happens; this
 * keeps the PV MMU's own guarantees (well-formed tables, W^X, frames
 * mapped only where counted) true for what the walker actually does.
 *
 * References are to Arm ARM (DDI 0487 K.a): "HCR_EL2" (TVM), "TCR_EL1"
 * and the VMSAv8-64 translation table formats and starting levels, the
 * TLB maintenance rules and "TLBI VMALLE1IS" / "TLBI VAAE1IS", "ESR_EL2"
 * for the syndromes.
 *
 * Every function here runs on the CPU where the vCPU it is given is
 * loaded (a hypercall or a trap of that vCPU), with interrupts masked.
 */
#include <public/xen-lite.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/p2m.h>
#include <xen-lite/pv_mm.h>
#include <xen-lite/sched.h>
#include <xen-lite/smp.h>
#include <asm/dabt.h>
#include <asm/inject.h>
#include <asm/pv_mm.h>
#include <asm/sysregs.h>
#include <asm/system.h>

/* TLBI VAAE1IS argument: VA[55:12] in bits 43:0 (C5.5.51). */
#define TLBI_VA_MASK ((1ULL << 44) - 1)

/*
 * 4 KiB granule: a walk starts at level 0 for TnSZ 16..24 and at level 1
 * for 25..33 (Arm ARM (DDI 0487 K.a) "TCR_EL1", T0SZ), i.e. 4 and 3
 * levels in the PV MMU's numbering.
 */
#define TSZ_4_LEVELS 16U
#define TSZ_PER_LEVEL 9U

/* Is @v the vCPU whose EL1 state is in this CPU's registers? */
static bool vcpu_is_loaded_here(const struct vcpu *v)
{
	return v->arch.loaded && this_cpu()->curr == v;
}

/*
 * Invalidate stage-1 entries of @d's VMID in the inner-shareable domain:
 * every one (@all), or those of the page at @va for every ASID. TLBI
 * *E1IS from EL2 acts on the VMID in VTTBR_EL2: when the caller is not
 * one of @d's vCPUs, borrow VTTBR_EL2 for the duration, as the p2m flush
 * does. A VMID of a past generation names nobody (the rollover flushes
 * every CPU before its next guest entry): flushing it is harmless.
 */
static void s1_tlbi(struct domain *d, bool all, vaddr_t va)
{
	unsigned long flags = local_irq_save();
	u64 saved = READ_SYSREG(vttbr_el2);
	u16 vmid = READ_ONCE(d->p2m->vmid);
	bool borrow = ((saved >> VTTBR_VMID_SHIFT) & 0xffff) != vmid;

	if (borrow) {
		WRITE_SYSREG((u64)vmid << VTTBR_VMID_SHIFT, vttbr_el2);
		isb();
	}
	/* Table writes (mmu_update, emulated stores) before the TLBI. */
	dsb_ishst();
	if (all) {
		tlbi_vmalle1is();
	} else {
		u64 arg = (va >> PAGE_SHIFT) & TLBI_VA_MASK;

		tlbi_vaae1is(arg);
	}
	dsb_ish();
	if (borrow) {
		WRITE_SYSREG(saved, vttbr_el2);
	}
	isb();
	local_irq_restore(flags);
}

/* Clamp the TnSZ field at @shift of @tcr to a walk of @levels levels. */
static u64 tsz_clamp(u64 tcr, unsigned int shift, unsigned int levels)
{
	unsigned int lo = TSZ_4_LEVELS + TSZ_PER_LEVEL * (4 - levels);
	unsigned int tsz = (tcr >> shift) & TCR_EL1_TSZ_MASK;

	tsz = MIN(MAX(tsz, lo), lo + TSZ_PER_LEVEL - 1);
	return (tcr & ~(TCR_EL1_TSZ_MASK << shift)) | ((u64)tsz << shift);
}

/*
 * The TCR_EL1 value @v may run with: 4 KiB granules, no 52-bit
 * descriptors, no hardware table updates, and for each installed root a
 * region size that starts the walk at the root's level.
 */
static u64 tcr_sanitize(const struct vcpu *v, u64 tcr)
{
	tcr &= ~(TCR_EL1_TG0_MASK | TCR_EL1_TG1_MASK | TCR_EL1_HA | TCR_EL1_HD |
		 TCR_EL1_DS);
	tcr |= TCR_EL1_TG0_4K | TCR_EL1_TG1_4K;
	if (v->arch.pv_levels[XL_BASEPTR_USER]) {
		tcr = tsz_clamp(tcr, TCR_EL1_T0SZ_SHIFT,
				v->arch.pv_levels[XL_BASEPTR_USER]);
	}
	if (v->arch.pv_levels[XL_BASEPTR_KERNEL]) {
		tcr = tsz_clamp(tcr, TCR_EL1_T1SZ_SHIFT,
				v->arch.pv_levels[XL_BASEPTR_KERNEL]);
	}
	return tcr;
}

/* SCTLR_EL1 for a PV domain: little-endian EL1 accesses and walks. */
static u64 sctlr_sanitize(u64 sctlr)
{
	return sctlr & ~SCTLR_EE;
}

/*
 * Bring loaded @v's live TCR_EL1 and SCTLR_EL1 in line with the rules
 * above; if that changed anything, drop the stage-1 entries built under
 * the old setting (TLBs may cache TCR fields: Arm ARM (DDI 0487 K.a)
 * "TCR_EL1").
 */
static void el1_sanitize_live(struct vcpu *v)
{
	u64 tcr = READ_SYSREG(tcr_el1), sctlr = READ_SYSREG(sctlr_el1);
	u64 new_tcr = tcr_sanitize(v, tcr), new_sctlr = sctlr_sanitize(sctlr);

	if (new_tcr == tcr && new_sctlr == sctlr) {
		return;
	}
	WRITE_SYSREG(new_tcr, tcr_el1);
	WRITE_SYSREG(new_sctlr, sctlr_el1);
	isb();
	s1_tlbi(v->domain, true, 0);
}

void arch_pv_set_baseptr(struct vcpu *v, unsigned int slot, gfn_t root,
			 unsigned int levels, u16 asid)
{
	/* BADDR = the root's address (4 KiB aligned), CnP clear. */
	u64 ttbr = levels ?
			   gfn_to_gaddr(root) | ((u64)asid << TTBR_ASID_SHIFT) :
			   0;

	slot = slot == XL_BASEPTR_KERNEL ? XL_BASEPTR_KERNEL : XL_BASEPTR_USER;
	v->arch.pv_levels[slot] = levels;
	if (vcpu_is_loaded_here(v)) {
		WRITE_SYSREG(tcr_sanitize(v, READ_SYSREG(tcr_el1)), tcr_el1);
		if (slot == XL_BASEPTR_KERNEL) {
			WRITE_SYSREG(ttbr, ttbr1_el1);
		} else {
			WRITE_SYSREG(ttbr, ttbr0_el1);
		}
		isb();
	} else {
		/*
		 * Applied by el1_restore() at the next load. Common code
		 * only ever passes the calling vCPU, which is loaded; a vCPU
		 * loaded on another CPU would overwrite this at its next
		 * vcpu_put().
		 */
		v->arch.el1.tcr = tcr_sanitize(v, v->arch.el1.tcr);
		if (slot == XL_BASEPTR_KERNEL) {
			v->arch.el1.ttbr1 = ttbr;
		} else {
			v->arch.el1.ttbr0 = ttbr;
		}
	}
	/*
	 * Nothing translated through the old root (or cached under the new
	 * ASID by an earlier root, or global) may survive the switch: a new
	 * base pointer starts from an empty stage-1 TLB, like a CR3 write
	 * without PCIDs. The guest's own ASID management cannot be relied
	 * on for this since it never wrote the register itself.
	 */
	s1_tlbi(v->domain, true, 0);
}

/* Both formats use the 4 KiB granule every AArch64 CPU has. */
bool arch_pv_levels_supported(unsigned int levels)
{
	return levels == 3 || levels == 4;
}

void arch_pv_tlb_flush(struct vcpu *v, u64 vcpu_mask, bool all_va, vaddr_t va)
{
	/*
	 * TLBI *IS reaches every CPU of the inner-shareable domain, so the
	 * mask only decides whether to flush at all (as for stage 2,
	 * docs/p2m.md). A vCPU that is not running has nothing to lose: its
	 * entries, wherever it ran, carry the domain's VMID.
	 */
	if (!vcpu_mask) {
		return;
	}
	s1_tlbi(v->domain, all_va, va);
}

/* Is @w in a CPU's registers without TVM (it may be in the guest)? */
static bool runs_without_tvm(const struct vcpu *w)
{
	return READ_ONCE(w->arch.loaded) && !(READ_ONCE(w->arch.hcr) & HCR_TVM);
}

/*
 * Make every other loaded vCPU of @v's domain pass arm_pv_sync(): kick
 * it out of the guest and wait until it runs with TVM or is unloaded.
 *
 * The full barriers order d->pv_mm_active (already set) before reading
 * w->arch.loaded here, and vcpu_load() orders "loaded" before
 * arm_pv_sync() reads d->pv_mm_active: a vCPU seen unloaded here sees
 * the domain active before it enters the guest. A vCPU in
 * arm_pv_activate() has TVM already, so two vCPUs activating at once do
 * not wait for each other; nothing else waits for this CPU (no lock is
 * held, no cross-CPU call waits for an answer), so the wait ends as soon
 * as each kicked CPU takes its interrupt.
 */
static void stop_other_vcpus(struct vcpu *v)
{
	struct domain *d = v->domain;
	unsigned int i;

	smp_mb();
	for (i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *w = d->vcpus[i];

		if (w && w != v && runs_without_tvm(w)) {
			vcpu_kick(w);
		}
	}
	for (i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *w = d->vcpus[i];

		while (w && w != v && runs_without_tvm(w)) {
			cpu_relax();
		}
	}
}

void arm_pv_activate(struct vcpu *v)
{
	WRITE_ONCE(v->arch.hcr, v->arch.hcr | HCR_TVM);
	WRITE_SYSREG(v->arch.hcr, hcr_el2);
	isb();
	/* What the guest set before it became a PV domain. */
	el1_sanitize_live(v);
	/*
	 * Once the PV operation that made the domain a PV domain has
	 * returned to its caller, no vCPU of the domain may still run
	 * without TVM: another vCPU could otherwise write its TTBR after
	 * being told, through memory, that the tables are pinned. Each vCPU
	 * does this once, when it first sees the domain active: the caller
	 * of that operation is one of them, whichever gets here first.
	 */
	stop_other_vcpus(v);
}

bool arm_pv_vm_reg_write(struct vcpu *v, u32 sysreg, u64 val)
{
	switch (sysreg) {
	case SR_SCTLR_EL1:
		WRITE_SYSREG(sctlr_sanitize(val), sctlr_el1);
		break;
	case SR_TCR_EL1:
		WRITE_SYSREG(tcr_sanitize(v, val), tcr_el1);
		break;
	case SR_AFSR0_EL1:
		WRITE_SYSREG(val, afsr0_el1);
		break;
	case SR_AFSR1_EL1:
		WRITE_SYSREG(val, afsr1_el1);
		break;
	case SR_ESR_EL1:
		WRITE_SYSREG(val, esr_el1);
		break;
	case SR_FAR_EL1:
		WRITE_SYSREG(val, far_el1);
		break;
	case SR_MAIR_EL1:
		WRITE_SYSREG(val, mair_el1);
		break;
	case SR_AMAIR_EL1:
		WRITE_SYSREG(val, amair_el1);
		break;
	case SR_CONTEXTIDR_EL1:
		WRITE_SYSREG(val, contextidr_el1);
		break;
	case SR_TTBR0_EL1:
	case SR_TTBR1_EL1:
		/* The roots belong to the PV MMU: XL_MMUEXT_NEW_BASEPTR. */
	default:
		return false;
	}
	/* The exception return to the guest synchronises the context. */
	return true;
}

/* Does @d's p2m now let the guest write @gpa (the table went away)? */
static bool write_now_allowed(struct domain *d, paddr_t gpa, p2m_type_t *t)
{
	if (mfn_eq(p2m_lookup(d->p2m, gaddr_to_gfn(gpa), t, NULL),
		   INVALID_MFN)) {
		*t = p2m_invalid;
		return false;
	}
	return p2m_access_allowed(*t, true, false);
}

bool arm_pv_table_abort(struct vcpu *v, u64 esr, paddr_t gpa, u64 far)
{
	struct cpu_regs *r = &v->arch.regs;
	struct domain *d = v->domain;
	struct dabt_access a;
	p2m_type_t t;
	u64 val;
	int rc;

	if (!(esr & DABT_WNR)) {
		return false;
	}
	if (write_now_allowed(d, gpa, &t)) {
		return true; /* unpinned meanwhile: retry the store */
	}
	if (t != p2m_pt_pinned) {
		return false;
	}
	if (esr & DABT_S1PTW) {
		/*
		 * The stage-1 walker itself wrote to a table: a hardware
		 * Access flag / dirty update by a vCPU that ran on while
		 * another one pinned the table, before arm_pv_activate()
		 * turned those updates off here. Turn them off and retry;
		 * anything else is the caller's crash.
		 */
		if (!(READ_SYSREG(tcr_el1) & (TCR_EL1_HA | TCR_EL1_HD))) {
			return false;
		}
		el1_sanitize_live(v);
		return true;
	}
	if (esr & DABT_CM) {
		/*
		 * Cache maintenance by VA (DC IVAC) counts as a write for
		 * stage 2. The hypervisor writes tables through the same
		 * cacheable mapping the walker reads: nothing to clean or
		 * discard, and discarding is not the guest's to do.
		 */
		r->pc += (esr & ESR_IL) ? 4 : 2;
		return true;
	}
	rc = dabt_decode(esr, &a);
	if (!rc) {
		val = dabt_store_value(&a, a.reg == 31 ? 0 : r->x[a.reg]);
		rc = pv_mm_emulate_write(v, gpa, val, a.size);
	}
	if (!rc) {
		r->pc += (esr & ESR_IL) ? 4 : 2;
		return true;
	}
	if (rc == -ERESTART) {
		return true; /* the table is being devalidated: retry */
	}
	if (rc == -ENOENT && write_now_allowed(d, gpa, &t)) {
		return true; /* unpinned between the fault and the update */
	}
	/* Refused or not emulatable: as a store to a read-only page. */
	arm_vcpu_inject_dabt(v, far, true);
	return true;
}
