// SPDX-License-Identifier: GPL-2.0
/*
 * Arm vCPUs: EL1 context switch, the run loop and guest exit handling
 * (Arm ARM D1.10 exception entry, D13.2.37 HCR_EL2).
 *
 * arch_vcpu_run() loads the vCPU's EL1 state, stage 2 and the virtual CPU
 * interface once, then enters the guest repeatedly, handling each exit in
 * C with the EL1 state live in the CPU registers, until the vCPU must give
 * the CPU up. FP/SIMD registers are switched lazily: CPTR_EL2.TFP traps
 * the guest's first use after a load, and they are saved again before
 * arch_vcpu_run() returns.
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/p2m.h>
#include <xen-lite/sched.h>
#include <xen-lite/smp.h>
#include <xen-lite/stall.h>
#include <xen-lite/vmmio.h>
#include <xen-lite/arch.h>
#include <asm/gic.h>
#include <asm/dabt.h>
#include <asm/irq.h>
#include <asm/pv_mm.h>
#include <asm/regs.h>
#include <asm/sysregs.h>
#include <asm/system.h>
#include <asm/vcpu.h>
#include <asm/vgic.h>
#include <asm/vpl011.h>

/*
 * HCR_EL2 for guests: stage 2 on; physical IRQ/FIQ/SError to EL2 and the
 * virtual CPU interface for the guest; broadcast TLB and barrier
 * maintenance so that a vCPU may move between CPUs; trap SMC (PSCI may use
 * either conduit), WFI/WFE (block or yield), implementation defined and
 * auxiliary control registers and the ID registers (TID1: AIDR, REVIDR;
 * TID3: the feature registers, filtered); EL1 is AArch64.
 */
#define GUEST_HCR                                                          \
	(HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB |        \
	 HCR_BSU_IS | HCR_TWI | HCR_TWE | HCR_TSC | HCR_TIDCP | HCR_TACR | \
	 HCR_TID1 | HCR_TID3 | HCR_RW)

/* SCTLR_EL1 at reset: RES1 bits only, MMU and caches off. */
#define SCTLR_EL1_RESET 0x30d00800UL

int arch_domain_init(struct domain *d)
{
	d->arch.cntvoff = arch_counter_read();
	/* The console first: by far the most frequent MMIO exit. */
	return vpl011_init(d) ?: vgic_domain_init(d);
}

void arch_domain_destroy(struct domain *d)
{
}

int arch_vcpu_init(struct vcpu *v)
{
	memset(&v->arch, 0, sizeof(v->arch));
	/* Aff0 holds 16 vCPUs (GICv3 SGI target lists), then Aff1. */
	v->arch.vmpidr = MPIDR_RES1 | ((u64)(v->id / 16) << 8) | (v->id % 16);
	v->arch.hcr = GUEST_HCR;
	v->arch.el1.sctlr = SCTLR_EL1_RESET;
	vgic_vcpu_init(v);
	return 0;
}

void arch_vcpu_destroy(struct vcpu *v)
{
	unsigned int cpu;

	for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++) {
		if (pcpu_info[cpu].arch.fp_owner == v) {
			pcpu_info[cpu].arch.fp_owner = NULL;
		}
	}
}

void arch_vcpu_reset(struct vcpu *v, paddr_t entry, register_t arg)
{
	struct arch_vcpu *a = &v->arch;

	memset(&a->regs, 0, sizeof(a->regs));
	memset(&a->el1, 0, sizeof(a->el1));
	memset(&a->fp, 0, sizeof(a->fp));
	a->el1.sctlr = SCTLR_EL1_RESET;
	a->regs.x[0] = arg;
	a->regs.pc = entry;
	/* Linux boot protocol: EL1h, D/A/I/F masked, MMU off. */
	a->regs.pstate = PSR_MODE_EL1h | PSR_DAIF;
	a->cntv_ctl = 0;
	a->cntv_cval = 0;
	a->fp_loaded = false;
}

static void el1_save(struct el1_sysregs *s)
{
	s->sctlr = READ_SYSREG(sctlr_el1);
	s->ttbr0 = READ_SYSREG(ttbr0_el1);
	s->ttbr1 = READ_SYSREG(ttbr1_el1);
	s->tcr = READ_SYSREG(tcr_el1);
	s->mair = READ_SYSREG(mair_el1);
	s->amair = READ_SYSREG(amair_el1);
	s->vbar = READ_SYSREG(vbar_el1);
	s->contextidr = READ_SYSREG(contextidr_el1);
	s->tpidr_el0 = READ_SYSREG(tpidr_el0);
	s->tpidrro_el0 = READ_SYSREG(tpidrro_el0);
	s->tpidr_el1 = READ_SYSREG(tpidr_el1);
	s->esr = READ_SYSREG(esr_el1);
	s->far = READ_SYSREG(far_el1);
	s->afsr0 = READ_SYSREG(afsr0_el1);
	s->afsr1 = READ_SYSREG(afsr1_el1);
	s->elr = READ_SYSREG(elr_el1);
	s->spsr = READ_SYSREG(spsr_el1);
	s->sp_el0 = READ_SYSREG(sp_el0);
	s->sp_el1 = READ_SYSREG(sp_el1);
	s->cpacr = READ_SYSREG(cpacr_el1);
	s->cntkctl = READ_SYSREG(cntkctl_el1);
	s->par = READ_SYSREG(par_el1);
	s->csselr = READ_SYSREG(csselr_el1);
	s->mdscr = READ_SYSREG(mdscr_el1);
}

static void el1_restore(const struct el1_sysregs *s)
{
	WRITE_SYSREG(s->sctlr, sctlr_el1);
	WRITE_SYSREG(s->ttbr0, ttbr0_el1);
	WRITE_SYSREG(s->ttbr1, ttbr1_el1);
	WRITE_SYSREG(s->tcr, tcr_el1);
	WRITE_SYSREG(s->mair, mair_el1);
	WRITE_SYSREG(s->amair, amair_el1);
	WRITE_SYSREG(s->vbar, vbar_el1);
	WRITE_SYSREG(s->contextidr, contextidr_el1);
	WRITE_SYSREG(s->tpidr_el0, tpidr_el0);
	WRITE_SYSREG(s->tpidrro_el0, tpidrro_el0);
	WRITE_SYSREG(s->tpidr_el1, tpidr_el1);
	WRITE_SYSREG(s->esr, esr_el1);
	WRITE_SYSREG(s->far, far_el1);
	WRITE_SYSREG(s->afsr0, afsr0_el1);
	WRITE_SYSREG(s->afsr1, afsr1_el1);
	WRITE_SYSREG(s->elr, elr_el1);
	WRITE_SYSREG(s->spsr, spsr_el1);
	WRITE_SYSREG(s->sp_el0, sp_el0);
	WRITE_SYSREG(s->sp_el1, sp_el1);
	WRITE_SYSREG(s->cpacr, cpacr_el1);
	WRITE_SYSREG(s->cntkctl, cntkctl_el1);
	WRITE_SYSREG(s->par, par_el1);
	WRITE_SYSREG(s->csselr, csselr_el1);
	WRITE_SYSREG(s->mdscr, mdscr_el1);
}

/* Virtual timer condition met and not masked (Arm ARM D11.2.4). */
static bool vtimer_fired(struct vcpu *v)
{
	u64 ctl = v->arch.cntv_ctl;
	u64 now = arch_counter_read() - v->domain->arch.cntvoff;

	return (ctl & CNT_CTL_ENABLE) && !(ctl & CNT_CTL_IMASK) &&
	       now >= v->arch.cntv_cval;
}

static void vcpu_load(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct arch_vcpu *a = &v->arch;

	WRITE_SYSREG(a->hcr, hcr_el2);
	/*
	 * Debug and PMU registers are not switched per vCPU: trap them all
	 * (in handle_sysreg() debug registers and the PMU registers of CRn 9
	 * read as zero and ignore writes; the event counters and filters of
	 * CRn 14 are Undefined, as without a PMU, which ID_AA64DFR0 hides),
	 * so one guest's breakpoints, watchpoints or counters can never fire
	 * in another. HPMN keeps the hardware's counter count (0 is not
	 * allowed before FEAT_HPMN0).
	 */
	WRITE_SYSREG(((READ_SYSREG(pmcr_el0) >> PMCR_N_SHIFT) &
		      MDCR_HPMN_MASK) |
			     MDCR_TPMCR | MDCR_TPM | MDCR_TDA | MDCR_TDOSA |
			     MDCR_TDRA,
		     mdcr_el2);
	WRITE_SYSREG(a->vmpidr, vmpidr_el2);
	WRITE_SYSREG(d->arch.cntvoff, cntvoff_el2);
	/* EL1 may read the physical counter, not use the physical timer. */
	WRITE_SYSREG(CNTHCTL_EL1PCTEN, cnthctl_el2);
	el1_restore(&a->el1);
	p2m_activate(d->p2m, smp_processor_id());
	vgic_restore(v);

	/*
	 * The virtual timer interrupt is linked to the physical PPI: keep
	 * the physical interrupt active exactly while the virtual one is
	 * pending or active, so that it fires again only once the guest
	 * has deactivated it.
	 */
	if (vtimer_fired(v) && !vgic_irq_state(v, IRQ_PPI_VTIMER)) {
		vgic_inject(d, v, IRQ_PPI_VTIMER, true);
	}
	gic_set_ppi_active(IRQ_PPI_VTIMER, vgic_irq_state(v, IRQ_PPI_VTIMER));
	WRITE_SYSREG(a->cntv_cval, cntv_cval_el0);
	WRITE_SYSREG(a->cntv_ctl, cntv_ctl_el0);

	/* The slice must end even if the guest never exits on its own. */
	if (this_cpu()->arch.timer_deadline > sched_slice_deadline()) {
		arch_timer_set(sched_slice_deadline());
	}

	/* FP/SIMD: trap the first use. */
	a->fp_loaded = false;
	WRITE_SYSREG(CPTR_EL2_RES1 | CPTR_TFP, cptr_el2);
	isb();
	a->loaded = true;
	/* "loaded" before arm_pv_sync() reads d->pv_mm_active (pv_mm.c). */
	smp_mb();
}

static void vcpu_put(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;

	a->cntv_ctl = READ_SYSREG(cntv_ctl_el0);
	a->cntv_cval = READ_SYSREG(cntv_cval_el0);
	/* Not this vCPU's timer any more: silence it. */
	WRITE_SYSREG(0, cntv_ctl_el0);
	el1_save(&a->el1);
	vgic_save(v);
	if (a->fp_loaded) {
		fpsimd_save(&a->fp);
		a->fp_loaded = false;
	}
	this_cpu()->arch.fp_owner = NULL;
	/* The hypervisor itself may use FP/SIMD (libfdt). */
	WRITE_SYSREG(CPTR_EL2_RES1, cptr_el2);
	WRITE_SYSREG(HCR_HOST, hcr_el2);
	isb();
	a->loaded = false;
}

bool vtimer_interrupt(void)
{
	struct vcpu *v = this_cpu()->curr;

	if (!v || !v->arch.loaded) {
		return false;
	}
	vgic_inject(v->domain, v, IRQ_PPI_VTIMER, true);
	return true;
}

/* Did loaded @v trap from EL0 (AArch64 or AArch32)? */
static bool vcpu_from_el0(const struct vcpu *v)
{
	u64 pstate = v->arch.regs.pstate;

	return (pstate & PSR_MODE32) ||
	       (pstate & PSR_MODE_MASK) == PSR_MODE_EL0t;
}

/*
 * Make loaded @v take a synchronous exception to EL1 with syndrome @esr
 * at its current pc (Arm ARM D1.10.2: vector offset by the mode the
 * exception is taken from).
 */
static void inject_sync(struct vcpu *v, u64 esr)
{
	struct cpu_regs *r = &v->arch.regs;
	u64 vbar = READ_SYSREG(vbar_el1);
	u64 off;

	if (r->pstate & PSR_MODE32) {
		off = 0x600;
	} else if ((r->pstate & PSR_MODE_MASK) == PSR_MODE_EL0t) {
		off = 0x400;
	} else if ((r->pstate & PSR_MODE_MASK) == PSR_MODE_EL1h) {
		off = 0x200;
	} else {
		off = 0;
	}
	WRITE_SYSREG(esr, esr_el1);
	WRITE_SYSREG(r->pc, elr_el1);
	WRITE_SYSREG(r->pstate, spsr_el1);
	r->pc = vbar + off;
	r->pstate = PSR_MODE_EL1h | PSR_DAIF;
}

void vcpu_inject_undef(struct vcpu *v)
{
	inject_sync(v, ((u64)EC_UNKNOWN << ESR_EC_SHIFT) | ESR_IL);
}

void vcpu_inject_dabt(struct vcpu *v, u64 far, bool write)
{
	unsigned int ec = vcpu_from_el0(v) ? EC_DABT_LOW : EC_DABT_CUR;

	/* Permission fault, level 3 (DFSC 0b001111), FAR valid. */
	inject_sync(v, ((u64)ec << ESR_EC_SHIFT) | ESR_IL |
			       (write ? DABT_WNR : 0) | FSC_PERM | 3);
	WRITE_SYSREG(far, far_el1);
}

/* Synchronous External abort, not on a translation table walk (ISS). */
#define FSC_SEA 0x10

void vcpu_inject_sea(struct vcpu *v, u64 far, bool write, bool fetch)
{
	bool el0 = vcpu_from_el0(v);
	unsigned int ec;

	/*
	 * Arm ARM DDI 0487 K.a, ESR_EL1 "ISS encoding for an exception from
	 * a Data Abort" / "... an Instruction Abort": EC 0x20/0x21
	 * (instruction abort from a lower / the same EL) or 0x24/0x25 (data
	 * abort), IL set (a 32-bit instruction), ISV clear (no syndrome to
	 * emulate with), EA 0, S1PTW 0, WnR for a store, xFSC 0b010000
	 * "Synchronous External abort, not on translation table walk or
	 * hardware update of translation table"; FnV clear: FAR_EL1 holds
	 * the faulting virtual address. The return address is the faulting
	 * instruction (chapter D1, "Preferred exception return address" of a
	 * synchronous abort); inject_sync() takes the vector offset from the
	 * mode the exception is taken from (D1, "Exception vectors").
	 */
	if (fetch) {
		ec = el0 ? EC_IABT_LOW : EC_IABT_CUR;
	} else {
		ec = el0 ? EC_DABT_LOW : EC_DABT_CUR;
	}
	inject_sync(v, ((u64)ec << ESR_EC_SHIFT) | ESR_IL |
			       (write && !fetch ? DABT_WNR : 0) | FSC_SEA);
	WRITE_SYSREG(far, far_el1);
}

bool vcpu_wait_for_interrupt(struct vcpu *v)
{
	u64 wake = 0;
	u64 ctl = READ_SYSREG(cntv_ctl_el0);

	if (vgic_vcpu_pending(v)) {
		return true;
	}
	v->arch.cntv_ctl = ctl;
	v->arch.cntv_cval = READ_SYSREG(cntv_cval_el0);
	if ((ctl & CNT_CTL_ENABLE) && !(ctl & CNT_CTL_IMASK)) {
		if (vtimer_fired(v)) {
			if (!vgic_irq_state(v, IRQ_PPI_VTIMER)) {
				vgic_inject(v->domain, v, IRQ_PPI_VTIMER, true);
				gic_set_ppi_active(IRQ_PPI_VTIMER, true);
			}
			return true;
		}
		wake = v->arch.cntv_cval + v->domain->arch.cntvoff;
		if (!wake) {
			wake = 1;
		}
	}
	vcpu_block(v, wake);
	/*
	 * An interrupt injected between the check above and the block saw
	 * the vCPU running and only kicked it: wake it ourselves.
	 */
	smp_mb();
	if (vgic_vcpu_pending(v)) {
		vcpu_wake(v);
	}
	return false;
}

/* Trapped registers by their EC 0x18 encoding (asm/sysregs.h). */
#define SR_ICC_SGI1R SYSREG(3, 0, 12, 11, 5)
#define SR_ICC_ASGI1R SYSREG(3, 0, 12, 11, 6)
#define SR_ICC_SGI0R SYSREG(3, 0, 12, 11, 7)
#define SR_ACTLR_EL1 SYSREG(3, 0, 1, 0, 1)
#define SR_AIDR_EL1 SYSREG(3, 1, 0, 0, 7)
#define SR_REVIDR_EL1 SYSREG(3, 0, 0, 0, 6)
#define SR_CNTP_TVAL SYSREG(3, 3, 14, 2, 0)
#define SR_CNTP_CTL SYSREG(3, 3, 14, 2, 1)
#define SR_CNTP_CVAL SYSREG(3, 3, 14, 2, 2)

/*
 * ID register group 3 (HCR_EL2.TID3): op0 3, op1 0, CRn 0, CRm 1..7. The
 * registers an Armv8.0-8.2 CPU implements are read from the hardware and
 * filtered; the rest of the space is reserved and reads as zero (Arm ARM
 * D19.3, "reserved ID registers are RAZ"; ID_AA64ISAR2_EL1 among them,
 * so its PAuth fields read as zero). Hidden: the PMU and trace (not
 * virtualized), SVE, MPAM, AMU, MTE and SME (their state is not
 * switched), pointer authentication (HCR_EL2.API/APK are clear and the
 * keys are not switched: a guest told it exists would trap on first
 * use).
 */
#define ID_AA64PFR0_HIDE ((0xfUL << 32) | (0xfUL << 40) | (0xfUL << 44))
/* ID_AA64PFR1_EL1: MTE [11:8], SME [27:24] */
#define ID_AA64PFR1_HIDE ((0xfUL << 8) | (0xfUL << 24))
/* ID_AA64ISAR1_EL1: APA [7:4], API [11:8], GPA [27:24], GPI [31:28] */
#define ID_AA64ISAR1_HIDE \
	((0xfUL << 4) | (0xfUL << 8) | (0xfUL << 24) | (0xfUL << 28))
#define ID_AA64DFR0_HIDE ((0xfUL << 4) | (0xfUL << 8))
#define ID_DFR0_HIDE ((0xfUL << 12) | (0xfUL << 24))

static u64 id_reg_read(unsigned int crm, unsigned int op2)
{
	switch ((crm << 3) | op2) {
	case (1 << 3) | 0:
		return READ_SYSREG(S3_0_C0_C1_0); /* ID_PFR0_EL1 */
	case (1 << 3) | 1:
		return READ_SYSREG(S3_0_C0_C1_1); /* ID_PFR1_EL1 */
	case (1 << 3) | 2:
		return READ_SYSREG(S3_0_C0_C1_2) & ~ID_DFR0_HIDE;
	case (1 << 3) | 3:
		return READ_SYSREG(S3_0_C0_C1_3); /* ID_AFR0_EL1 */
	case (1 << 3) | 4:
		return READ_SYSREG(S3_0_C0_C1_4); /* ID_MMFR0_EL1 */
	case (1 << 3) | 5:
		return READ_SYSREG(S3_0_C0_C1_5);
	case (1 << 3) | 6:
		return READ_SYSREG(S3_0_C0_C1_6);
	case (1 << 3) | 7:
		return READ_SYSREG(S3_0_C0_C1_7); /* ID_MMFR3_EL1 */
	case (2 << 3) | 0:
		return READ_SYSREG(S3_0_C0_C2_0); /* ID_ISAR0_EL1 */
	case (2 << 3) | 1:
		return READ_SYSREG(S3_0_C0_C2_1);
	case (2 << 3) | 2:
		return READ_SYSREG(S3_0_C0_C2_2);
	case (2 << 3) | 3:
		return READ_SYSREG(S3_0_C0_C2_3);
	case (2 << 3) | 4:
		return READ_SYSREG(S3_0_C0_C2_4);
	case (2 << 3) | 5:
		return READ_SYSREG(S3_0_C0_C2_5); /* ID_ISAR5_EL1 */
	case (3 << 3) | 0:
		return READ_SYSREG(S3_0_C0_C3_0); /* MVFR0_EL1 */
	case (3 << 3) | 1:
		return READ_SYSREG(S3_0_C0_C3_1);
	case (3 << 3) | 2:
		return READ_SYSREG(S3_0_C0_C3_2); /* MVFR2_EL1 */
	case (4 << 3) | 0:
		return READ_SYSREG(id_aa64pfr0_el1) & ~ID_AA64PFR0_HIDE;
	case (4 << 3) | 1:
		return READ_SYSREG(id_aa64pfr1_el1) & ~ID_AA64PFR1_HIDE;
	case (5 << 3) | 0:
		return READ_SYSREG(id_aa64dfr0_el1) & ~ID_AA64DFR0_HIDE;
	case (5 << 3) | 1:
		return READ_SYSREG(id_aa64dfr1_el1);
	case (5 << 3) | 4:
		return READ_SYSREG(id_aa64afr0_el1);
	case (5 << 3) | 5:
		return READ_SYSREG(id_aa64afr1_el1);
	case (6 << 3) | 0:
		return READ_SYSREG(id_aa64isar0_el1);
	case (6 << 3) | 1:
		return READ_SYSREG(id_aa64isar1_el1) & ~ID_AA64ISAR1_HIDE;
	case (7 << 3) | 0:
		return READ_SYSREG(id_aa64mmfr0_el1);
	case (7 << 3) | 1:
		return READ_SYSREG(id_aa64mmfr1_el1);
	case (7 << 3) | 2:
		return READ_SYSREG(id_aa64mmfr2_el1);
	default:
		return 0;
	}
}

static bool handle_sysreg(struct vcpu *v, u64 esr)
{
	struct cpu_regs *r = &v->arch.regs;
	unsigned int op0 = (esr >> 20) & 3, op2 = (esr >> 17) & 7;
	unsigned int op1 = (esr >> 14) & 7, crn = (esr >> 10) & 0xf;
	unsigned int rt = (esr >> 5) & 0x1f, crm = (esr >> 1) & 0xf;
	bool read = esr & 1;
	u64 val = rt == 31 ? 0 : r->x[rt];
	u64 res = 0;

	if (op0 == 3 && op1 == 0 && crn == 0 && crm >= 1 && crm <= 7) {
		if (!read) {
			goto undef;
		}
		res = id_reg_read(crm, op2);
		goto done;
	}
	/*
	 * Debug registers (op0 == 2: MDSCR, OS lock, breakpoints,
	 * watchpoints, DCC) and the PMU (CRn == 9, CRm 12..14): no debug or
	 * performance monitors for guests. Read as zero, writes ignored:
	 * what Linux needs to boot with them absent.
	 */
	if (op0 == 2 || (op0 == 3 && crn == 9 && crm >= 12 && crm <= 14 &&
			 (op1 == 3 || op1 == 0))) {
		res = 0;
		goto done;
	}
	switch (SYSREG(op0, op1, crn, crm, op2)) {
	case SR_ICC_SGI1R:
		if (read) {
			goto undef;
		}
		vgic_sgi1r(v, val);
		break;
	case SR_ICC_ASGI1R:
	case SR_ICC_SGI0R:
		/* Group 0 / secure SGIs do not exist for the guest. */
		if (read) {
			goto undef;
		}
		break;
	case SR_ACTLR_EL1:
	case SR_AIDR_EL1:
	case SR_REVIDR_EL1:
	case SR_CNTP_TVAL:
	case SR_CNTP_CTL:
	case SR_CNTP_CVAL:
		/* No implementation defined controls; no EL1 physical timer */
		res = 0;
		break;
	case SR_SCTLR_EL1:
	case SR_TTBR0_EL1:
	case SR_TTBR1_EL1:
	case SR_TCR_EL1:
	case SR_AFSR0_EL1:
	case SR_AFSR1_EL1:
	case SR_ESR_EL1:
	case SR_FAR_EL1:
	case SR_MAIR_EL1:
	case SR_AMAIR_EL1:
	case SR_CONTEXTIDR_EL1:
		/*
		 * Writes trap only under HCR_EL2.TVM, which a PV MMU domain
		 * runs with (reads are never trapped: no TRVM).
		 */
		if (read || !arm_pv_vm_reg_write(
				    v, SYSREG(op0, op1, crn, crm, op2), val)) {
			goto undef;
		}
		break;
	default:
		goto undef;
	}
done:
	if (read && rt != 31) {
		r->x[rt] = res;
	}
	r->pc += 4;
	return true;
undef:
	printk(XL_DEBUG "d%u v%u: undefined sysreg op%u op1 %u c%u c%u op2 "
			"%u (%s) at %#lx\n",
	       v->domain->id, v->id, op0, op1, crn, crm, op2,
	       read ? "read" : "write", (unsigned long)r->pc);
	vcpu_inject_undef(v);
	return true;
}

static bool handle_dabt(struct vcpu *v, u64 esr)
{
	struct cpu_regs *r = &v->arch.regs;
	struct domain *d = v->domain;
	u64 hpfar = READ_SYSREG(hpfar_el2);
	u64 far = READ_SYSREG(far_el2);
	paddr_t gpa = ((hpfar >> 4) << PAGE_SHIFT) | (far & ~PAGE_MASK);
	const struct vmmio_region *dev = vmmio_find(d, gpa);
	struct dabt_access a;
	u64 val;
	int ret;

	/*
	 * The entry was invalid only while the p2m changed it: retry. Not
	 * looked up for a translation fault in an emulated device window,
	 * the common MMIO exit: nothing is mapped there but what the domain
	 * maps over its own devices (a foreign page), and an access racing
	 * with that mapping may as well reach the device.
	 */
	if (!((esr & FSC_TYPE_MASK) == FSC_TRANS && dev) &&
	    p2m_fault_retry(d->p2m, gaddr_to_gfn(gpa), esr & DABT_WNR, false)) {
		return true;
	}
	/* A write to a pinned PV page table (a stage-2 permission fault). */
	if ((esr & FSC_TYPE_MASK) == FSC_PERM &&
	    arm_pv_table_abort(v, esr, gpa, far)) {
		return true;
	}
	/*
	 * The guest's own stage-1 walk read an unassigned address: the abort
	 * of the access that walked. Reported as "not on a translation table
	 * walk" (xFSC 0b010000), as KVM does: the walk's stage-1 level,
	 * which the "on translation table walk, level n" codes need, is not
	 * in the stage-2 syndrome.
	 */
	if ((esr & DABT_S1PTW) && !dev && !d->cfg.mmio_fault_crash) {
		vcpu_inject_sea(v, far, esr & DABT_WNR, false);
		return true;
	}
	if (esr & DABT_S1PTW) {
		domain_crash(d,
			     "vCPU%u: stage-1 table walk at unmapped guest "
			     "physical %#llx (pc %#llx)",
			     v->id, (unsigned long long)gpa,
			     (unsigned long long)r->pc);
		return false;
	}
	/*
	 * Neither RAM (any RAM mapping was retried above) nor an emulated
	 * device: what a bus does with an access nobody answers, an
	 * external abort, unless the domain asked to be crashed for it.
	 */
	if (!dev && !d->cfg.mmio_fault_crash) {
		printk(XL_DEBUG "d%u v%u: %s unassigned guest physical %#llx "
				"(pc %#llx): external abort injected\n",
		       d->id, v->id, (esr & DABT_WNR) ? "write to" : "read of",
		       (unsigned long long)gpa, (unsigned long long)r->pc);
		vcpu_inject_sea(v, far, esr & DABT_WNR, false);
		return true;
	}
	if (dabt_decode(esr, &a)) {
		domain_crash(d,
			     "vCPU%u: undecodable access to guest physical "
			     "%#llx (pc %#llx, ESR %#llx)",
			     v->id, (unsigned long long)gpa,
			     (unsigned long long)r->pc,
			     (unsigned long long)esr);
		return false;
	}
	if (!dev) {
		domain_crash(d,
			     "vCPU%u: %s of %u bytes at guest physical "
			     "%#llx, which the domain does not own (pc %#llx)",
			     v->id, a.write ? "write" : "read", a.size,
			     (unsigned long long)gpa,
			     (unsigned long long)r->pc);
		return false;
	}
	val = a.write ? dabt_store_value(&a, a.reg == 31 ? 0 : r->x[a.reg]) : 0;
	ret = vmmio_emulate(v, dev, gpa, a.size, a.write, &val);
	if (ret < 0) {
		domain_crash(d,
			     "vCPU%u: unsupported %u-byte %s at device "
			     "address %#llx (pc %#llx)",
			     v->id, a.size, a.write ? "write" : "read",
			     (unsigned long long)gpa,
			     (unsigned long long)r->pc);
		return false;
	}
	if (!a.write && a.reg != 31) {
		r->x[a.reg] = dabt_load_value(&a, val);
	}
	r->pc += 4;
	return true;
}

static bool handle_sync(struct vcpu *v)
{
	struct cpu_regs *r = &v->arch.regs;
	u64 esr = READ_SYSREG(esr_el2);
	unsigned int ec = ESR_EC(esr);

	switch (ec) {
	case EC_WFX:
		r->pc += 4;
		if (esr & WFX_ISS_WFE) {
			/*
			 * Spinning on a lock another vCPU may hold: let a
			 * runnable vCPU sharing this CPU run (it may be the
			 * holder); alone on the CPU, resume at once.
			 */
			sched_yield();
			return true;
		}
		return vcpu_wait_for_interrupt(v);
	case EC_HVC64:
		return vcpu_handle_smccc(v);
	case EC_SMC64:
		r->pc += 4;
		return vcpu_handle_smccc(v);
	case EC_SYS64:
		return handle_sysreg(v, esr);
	case EC_DABT_LOW:
		return handle_dabt(v, esr);
	case EC_FP_ASIMD:
		/* Lazy FP/SIMD switch: first use since the vCPU was loaded */
		WRITE_SYSREG(CPTR_EL2_RES1, cptr_el2);
		isb();
		fpsimd_restore(&v->arch.fp);
		v->arch.fp_loaded = true;
		this_cpu()->arch.fp_owner = v;
		return true;
	case EC_IABT_LOW:
		if (p2m_fault_retry(v->domain->p2m,
				    _gfn(READ_SYSREG(hpfar_el2) >> 4), false,
				    true)) {
			return true;
		}
		if (!v->domain->cfg.mmio_fault_crash) {
			vcpu_inject_sea(v, READ_SYSREG(far_el2), false, true);
			return true;
		}
		domain_crash(v->domain,
			     "vCPU%u: instruction fetch from guest "
			     "physical %#llx, which the domain does not own "
			     "(pc %#llx)",
			     v->id,
			     (unsigned long long)((READ_SYSREG(hpfar_el2) >> 4)
						  << PAGE_SHIFT),
			     (unsigned long long)r->pc);
		return false;
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
		vcpu_inject_undef(v);
		return true;
	default:
		domain_crash(v->domain,
			     "vCPU%u: unhandled exit EC %#x "
			     "(ESR %#llx) at pc %#llx",
			     v->id, ec, (unsigned long long)esr,
			     (unsigned long long)r->pc);
		return false;
	}
}

void arch_vcpu_run(struct vcpu *v)
{
	unsigned long flags = local_irq_save();

	vcpu_load(v);
	while (!vcpu_must_leave(v)) {
		int exit;
		bool stay = true;

		arm_pv_sync(v);
		vgic_flush_lrs(v);
		stall_leave();
		exit = __guest_enter(&v->arch.regs);
		/* Stall detector: the exit's syndrome, x0 (an HVC's ID). */
		stall_enter("exit ESR_EL2:x0", READ_SYSREG(esr_el2),
			    v->arch.regs.x[0]);
		vgic_sync_lrs(v);
		switch (exit) {
		case EXIT_SYNC:
			stay = handle_sync(v);
			break;
		case EXIT_IRQ:
			gic_handle_irqs();
			break;
		case EXIT_FIQ:
			break;
		default:
			domain_crash(v->domain,
				     "vCPU%u: SError at pc %#llx "
				     "(ESR %#llx)",
				     v->id, (unsigned long long)v->arch.regs.pc,
				     (unsigned long long)READ_SYSREG(esr_el2));
			stay = false;
			break;
		}
		if (!stay) {
			break;
		}
	}
	stall_leave();
	vcpu_put(v);
	local_irq_restore(flags);
}

void arch_domain_console_input(struct domain *d)
{
	vpl011_update(d);
}
