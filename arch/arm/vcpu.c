// SPDX-License-Identifier: GPL-2.0
/*
 * Arm vCPU state: init/reset, the EL1 context switch (vcpu_load(),
 * vcpu_put()) and the run loop (Arm ARM (DDI 0487 K.a) "HCR_EL2" for
 * what the guest traps).
 *
 * arch_vcpu_run() loads the vCPU's EL1 state, stage 2 and the virtual CPU
 * interface once, then enters the guest repeatedly, handing each exit to
 * arm_handle_exit() (exit.c) with the EL1 state live in the CPU
 * registers, until the vCPU must give the CPU up. FP/SIMD registers are
 * switched lazily: CPTR_EL2.TFP traps the guest's first use after a load
 * (exit.c), and they are saved again before arch_vcpu_run() returns.
 */
#include <xen-lite/domain.h>
#include <xen-lite/lib.h>
#include <xen-lite/p2m.h>
#include <xen-lite/sched.h>
#include <xen-lite/smp.h>
#include <xen-lite/stall.h>
#include <xen-lite/work.h>
#include <xen-lite/arch.h>
#include <asm/exit.h>
#include <asm/irq.h>
#include <asm/pv_mm.h>
#include <asm/regs.h>
#include <asm/sysregs.h>
#include <asm/system.h>
#include <asm/time.h>
#include <asm/vcpu.h>
#include <asm/vgic.h>
#include <asm/vgic-direct.h>

/* SCTLR_EL1 at reset: RES1 bits only, MMU and caches off. */
#define SCTLR_EL1_RESET 0x30d00800UL

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

/*
 * The EL1 registers a guest can write without a trap. Not MDSCR_EL1:
 * MDCR_EL2.TDA traps its accesses (Arm ARM (DDI 0487 K.a) "MDCR_EL2":
 * TDA traps EL1 accesses to MDSCR_EL1 among the debug registers, EC
 * 0x18) and vcpu_handle_sysreg() makes them read as zero and ignores the
 * writes, so the register keeps the hypervisor's value for every vCPU.
 *
 * Two at a time, with one LDP/STP per pair (issue 20: the compiler kept
 * one load or store per register, as each MSR/MRS is a volatile asm of
 * its own: 23 of the 781 instructions of a world switch). The pairs
 * follow struct el1_sysregs (asm/domain.h): the static asserts
 * below fail the build if its order changes.
 */
#define EL1_OFF(f) __builtin_offsetof(struct el1_sysregs, f)
#define EL1_PAIR_OFF(a, b) EL1_OFF(a)

/* Each pair below is two neighbouring fields: LDP/STP need that. */
#define EL1_PAIR_CHECK(a, b)                                                \
	_Static_assert(EL1_OFF(b) == EL1_OFF(a) + 8 && EL1_OFF(a) % 8 == 0, \
		       "el1_sysregs: " #a " and " #b " not a pair")
EL1_PAIR_CHECK(sctlr, ttbr0);
EL1_PAIR_CHECK(ttbr1, tcr);
EL1_PAIR_CHECK(mair, amair);
EL1_PAIR_CHECK(vbar, contextidr);
EL1_PAIR_CHECK(tpidr_el0, tpidrro_el0);
EL1_PAIR_CHECK(tpidr_el1, esr);
EL1_PAIR_CHECK(far, afsr0);
EL1_PAIR_CHECK(afsr1, elr);
EL1_PAIR_CHECK(spsr, sp_el0);
EL1_PAIR_CHECK(sp_el1, cpacr);
EL1_PAIR_CHECK(cntkctl, par);

#define EL1_SAVE2(s, a, ra, b, rb)                             \
	do {                                                   \
		u64 __a, __b;                                  \
		asm volatile("mrs %0, " #ra "\n\tmrs %1, " #rb \
			     "\n\tstp %0, %1, [%2, %3]"        \
			     : "=&r"(__a), "=&r"(__b)          \
			     : "r"(s), "i"(EL1_PAIR_OFF(a, b)) \
			     : "memory");                      \
	} while (0)

#define EL1_RESTORE2(s, a, ra, b, rb)                           \
	do {                                                    \
		u64 __a, __b;                                   \
		asm volatile("ldp %0, %1, [%2, %3]\n\tmsr " #ra \
			     ", %0\n\tmsr " #rb ", %1"          \
			     : "=&r"(__a), "=&r"(__b)           \
			     : "r"(s), "i"(EL1_PAIR_OFF(a, b))  \
			     : "memory");                       \
	} while (0)

static inline void el1_save(struct el1_sysregs *s)
{
	EL1_SAVE2(s, sctlr, sctlr_el1, ttbr0, ttbr0_el1);
	EL1_SAVE2(s, ttbr1, ttbr1_el1, tcr, tcr_el1);
	EL1_SAVE2(s, mair, mair_el1, amair, amair_el1);
	EL1_SAVE2(s, vbar, vbar_el1, contextidr, contextidr_el1);
	EL1_SAVE2(s, tpidr_el0, tpidr_el0, tpidrro_el0, tpidrro_el0);
	EL1_SAVE2(s, tpidr_el1, tpidr_el1, esr, esr_el1);
	EL1_SAVE2(s, far, far_el1, afsr0, afsr0_el1);
	EL1_SAVE2(s, afsr1, afsr1_el1, elr, elr_el1);
	EL1_SAVE2(s, spsr, spsr_el1, sp_el0, sp_el0);
	EL1_SAVE2(s, sp_el1, sp_el1, cpacr, cpacr_el1);
	EL1_SAVE2(s, cntkctl, cntkctl_el1, par, par_el1);
	s->csselr = READ_SYSREG(csselr_el1);
}

static inline void el1_restore(const struct el1_sysregs *s)
{
	EL1_RESTORE2(s, sctlr, sctlr_el1, ttbr0, ttbr0_el1);
	EL1_RESTORE2(s, ttbr1, ttbr1_el1, tcr, tcr_el1);
	EL1_RESTORE2(s, mair, mair_el1, amair, amair_el1);
	EL1_RESTORE2(s, vbar, vbar_el1, contextidr, contextidr_el1);
	EL1_RESTORE2(s, tpidr_el0, tpidr_el0, tpidrro_el0, tpidrro_el0);
	EL1_RESTORE2(s, tpidr_el1, tpidr_el1, esr, esr_el1);
	EL1_RESTORE2(s, far, far_el1, afsr0, afsr0_el1);
	EL1_RESTORE2(s, afsr1, afsr1_el1, elr, elr_el1);
	EL1_RESTORE2(s, spsr, spsr_el1, sp_el0, sp_el0);
	EL1_RESTORE2(s, sp_el1, sp_el1, cpacr, cpacr_el1);
	EL1_RESTORE2(s, cntkctl, cntkctl_el1, par, par_el1);
	WRITE_SYSREG(s->csselr, csselr_el1);
}

static __always_inline void vcpu_load(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct arch_vcpu *a = &v->arch;

	WRITE_SYSREG(a->hcr, hcr_el2);
	WRITE_SYSREG(a->vmpidr, vmpidr_el2);
	WRITE_SYSREG(d->arch.cntvoff, cntvoff_el2);
	el1_restore(&a->el1);
	p2m_activate(d->p2m, smp_processor_id());
	vgic_restore(v);

	vtimer_load(v);

	/* FP/SIMD: trap the first use. */
	a->fp_loaded = false;
	WRITE_SYSREG(CPTR_EL2_RES1 | CPTR_TFP, cptr_el2);
	isb();
	a->loaded = true;
	/* "loaded" before arm_pv_sync() reads d->pv_mm_active (pv_mm.c). */
	smp_mb();
}

/*
 * Save @v's state: after this it may be loaded on another CPU once the
 * scheduler says it is not current here. The CPU still has @v's traps
 * and virtual interface settings: vcpu_put_host() for the hypervisor, or
 * the next vcpu_load() (a hand-over) replaces them.
 */
static __always_inline void vcpu_save_timer(struct vcpu *v, bool timer)
{
	struct arch_vcpu *a = &v->arch;

	if (timer) {
		vtimer_put(v);
	} else {
		/* Saved already (arm_vcpu_wfi()): only silenced. */
		WRITE_SYSREG(0, cntv_ctl_el0);
	}
	el1_save(&a->el1);
	vgic_save(v);
	if (a->fp_loaded) {
		fpsimd_save(&a->fp);
		a->fp_loaded = false;
	}
	this_cpu()->arch.fp_owner = NULL;
	a->loaded = false;
}

static inline void vcpu_save(struct vcpu *v)
{
	vcpu_save_timer(v, true);
}

/* No vCPU on this CPU any more: the hypervisor's own settings. */
static void vcpu_put_host(void)
{
	vgic_vcpu_put();
	/* The hypervisor itself may use FP/SIMD (libfdt). */
	WRITE_SYSREG(CPTR_EL2_RES1, cptr_el2);
	WRITE_SYSREG(HCR_HOST, hcr_el2);
	isb();
}

/*
 * The checks before a guest entry, run only when this CPU's work word is
 * not empty (xen-lite/work.h): whether @v must leave the CPU, the PV MMU
 * trap, the list registers. Return: true to leave arch_vcpu_run().
 */
static inline bool entry_work(struct vcpu *v)
{
	/* Emptied first: whatever is raised from here on is seen next time. */
	work_take();
	/*
	 * A virtual timer tick injected directly at the last exit
	 * (arm_irq_exit()) is still in list register 0; the flush and
	 * vcpu_put() expect them empty: fold it back (it is loaded again
	 * below, with whatever else is now deliverable).
	 */
	if (unlikely(v->arch.vgic.nr_lr_used)) {
		vgic_sync_lrs(v);
	}
	if (vcpu_must_leave(v)) {
		return true;
	}
	arm_pv_sync(v);
	vgic_flush_lrs(v);
	return false;
}

/*
 * entry_work() for the first entry of @v, just loaded after a hand-over
 * (sched_handover(), sched_block_handover()): every check but the
 * scheduler's, which cannot say "leave" before this entry (a slice has
 * just begun, the resched request is cleared, and with interrupts masked
 * no tick comes) and whose bit the hand-over raised for the next ones: it
 * stays raised (taken, the next entries would skip the slice check, and
 * CONFIG_DEBUG_WORK_CHECK's work_check() waits for a bit that cannot
 * come with interrupts masked).
 * Its list registers are empty (saved so). Instead of WORK_LOAD's raise
 * and the look at the word: what changed while @v was off the CPU raised
 * no bit here, so this runs whatever the word holds. The word was emptied
 * before (handover_work()).
 */
static inline bool entry_work_handed(struct vcpu *v)
{
	if (READ_ONCE(v->state) != VCPU_RUNNING || READ_ONCE(v->pause)) {
		return true;
	}
	arm_pv_sync(v);
	/*
	 * Nothing to load (no candidate: vgic_flush_lrs()'s first test)
	 * is the common case: the interface enabled, inline.
	 */
	if (gic_v2() || vgic_cand_any(&v->arch.vgic, &v->domain->arch.vgic)) {
		vgic_flush_lrs(v);
	} else {
		WRITE_SYSREG(ICH_HCR_EN, ICH_HCR_EL2);
	}
	return false;
}

/*
 * The work word at a hand-over, before the next vCPU's load: every bit
 * taken (entry_work_handed() does every check) but WORK_SCHED, which the
 * hand-over leaves to this (ARCH_HANDOVER_SETS_WORK, <asm/sched.h>) and
 * which stays for the entries after the first. A plain store, not
 * the atomic read-modify-write of session 10 (issue 20): the full barrier
 * at the end of vcpu_load() orders it before the checks read any state.
 * A writer on another CPU writes its state, then (full barrier) its bit:
 * if its bit came before this store (and is lost with the others), the
 * checks read its state, as after a take (the barriers on both sides
 * forbid the other outcome, the "R" shape: Arm ARM (DDI 0487 K.a) B2.3,
 * and the Linux kernel memory model's smp_mb()); if after, the bit stays
 * for the next entry. Only this CPU clears its word, interrupts masked.
 */
static inline void handover_work(void)
{
	WRITE_ONCE(this_cpu()->work, WORK_SCHED);
}

/*
 * arm_irq_exit() - the IRQ exit of @v, the vCPU running on this CPU (its
 * list registers still loaded), interrupts masked. A virtual timer tick
 * of @v goes straight into a list register when nothing else is in the
 * way (vgic_vtimer_direct(), issue 20: the general path through the vGIC
 * state and the checks before the next entry cost about 450 instructions,
 * this one about 150 with the exit and the entry); anything else takes
 * arm_irq_exit_general() (irq.c).
 */
static inline void arm_irq_exit(struct vcpu *v)
{
	unsigned int irq;

	if (gic_v2()) {
		arm_irq_exit_general(v, GIC_SPURIOUS);
		return;
	}
	irq = READ_SYSREG(ICC_IAR1_EL1) & 0xffffff;
	if (irq != IRQ_PPI_VTIMER) {
		arm_irq_exit_general(v, irq);
		return;
	}
	/*
	 * The priority drop (EOImode 1: the guest's deactivation through
	 * the hardware-linked list register deactivates it). No ISB on the
	 * direct path: nothing before the guest entry depends on the drop,
	 * and the ERET into the guest is a context synchronization event,
	 * after which the drop and the list register write have taken
	 * effect (Arm ARM (DDI 0487 K.a) "Synchronization requirements for
	 * AArch64 System registers": a direct write is guaranteed visible
	 * after the next Context synchronization event; an exception return
	 * is one). The general path has gic_handle_irqs()' ISB.
	 */
	WRITE_SYSREG(IRQ_PPI_VTIMER, ICC_EOIR1_EL1);
	if (!vgic_vtimer_direct(v)) {
		arm_irq_exit_general(v, IRQ_PPI_VTIMER);
	}
}

#ifdef CONFIG_DEBUG_WORK_CHECK
/* For work_check(): the PV MMU's trap and the vGIC's deliverable interrupts. */
const char *arch_work_check_why(struct vcpu *v, int *irq)
{
	if (READ_ONCE(v->domain->pv_mm_active) && !(v->arch.hcr & HCR_TVM)) {
		return "the PV MMU";
	}
	*irq = vgic_debug_deliverable(v);
	return *irq >= 0 ? "an interrupt" : NULL;
}
#endif

/*
 * Loaded @v must leave the CPU after an exit (@exit, @esr): it blocked (or
 * went down, or its domain stops). Saved first, as the scheduler expects
 * of a vCPU that is not current, then the next runnable vCPU of this CPU
 * straight away if the loop would have nothing else to do, loaded here
 * with its first entry's checks (entry_work_handed()). A WFI (Arm ARM
 * (DDI 0487 K.a) "ESR_EL2", EC 0x01, ISS.TI 0) that blocks is only
 * decided (arm_vcpu_wfi()): the block and the hand-over in one pass. Not
 * inline: inline in the run loop (and with the run loop jumping past its
 * checks), the compiler kept fewer of the exit path's values in
 * registers, and the MMIO exit cost 1 to 9 instructions more (issue 20:
 * mmio_read_ns 209 -> 210-218; the world switch costs 22 more this way).
 * Return: the vCPU to enter now, its checks done, or NULL to return to the
 * scheduler loop.
 */
static __noinline struct vcpu *vcpu_leave(struct vcpu *v, int exit, u64 esr)
{
	struct vcpu *next;

	if (exit == EXIT_SYNC && ESR_EC(esr) == EC_WFX &&
	    !(esr & WFX_ISS_WFE)) {
		/* arm_vcpu_wfi() saved the timer's registers it blocks on. */
		vcpu_save_timer(v, false);
		next = sched_block_handover(v, v->arch.wfi_wake);
		if (!next) {
			arm_vcpu_wfi_blocked(v);
			return NULL;
		}
		handover_work();
		/*
		 * Its look for an interrupt that came since arm_vcpu_wfi()
		 * after the next one's load, whose full barrier (the end of
		 * vcpu_load()) orders the block before it: one barrier for
		 * both (issue 20). Blocked and off the CPU, @v may be woken
		 * any time; the next vCPU is current already.
		 */
		vcpu_load(next);
		if (vgic_cand_any(&v->arch.vgic, &v->domain->arch.vgic)) {
			arm_vcpu_wfi_recheck(v);
		}
	} else {
		vcpu_save(v);
		next = sched_handover(v);
		if (!next) {
			return NULL;
		}
		handover_work();
		vcpu_load(next);
	}
	if (entry_work_handed(next)) {
		vcpu_save(next);
		return NULL;
	}
	return next;
}

/*
 * Load @v and enter it again and again, handing each exit to
 * arm_handle_exit() with the EL1 state live, until it must give the CPU
 * up; then save it. A vCPU that blocks hands the CPU straight to the next
 * runnable vCPU of this CPU's queue when the scheduler loop would have
 * nothing else to do (sched_block_handover(), issue 20), which is loaded
 * and run here in turn: the loop returns only when no vCPU follows, and
 * the one current then (this_cpu()->curr) is the one the scheduler loop
 * puts back. Not inline: the exit path's registers stay to itself.
 */
static __noinline void vcpu_run_loop(struct vcpu *v)
{
	/* @v was just handed the CPU: vcpu_leave() did its checks. */
	bool handed = false;

	vcpu_load(v);
	/* What changed while @v was off the CPU raised no bit here. */
	work_raise_local(WORK_LOAD);
	for (;;) {
		int exit;
		u64 esr;

		/*
		 * An exit that changed nothing the checks read (a hypercall,
		 * an emulated device access, a WFI with an interrupt due)
		 * goes straight back: the list registers are empty, the
		 * interface enabled (vgic_sync_lrs()), the vCPU still runs.
		 */
		if (unlikely(handed)) {
			/* vcpu_leave() did this entry's checks. */
			handed = false;
		} else if (unlikely(work_pending())) {
			if (entry_work(v)) {
				vcpu_save(v);
				return;
			}
		} else {
			work_check(v);
		}
		stall_leave();
		exit = __guest_enter(&v->arch.regs);
		esr = READ_SYSREG(esr_el2);
		stall_enter_again(esr, v->arch.regs.x[0]);
		/* A physical interrupt: it never ends the run by itself. */
		if (exit == EXIT_IRQ) {
			arm_irq_exit(v);
			continue;
		}
		/* Nothing to fold back when no list register was loaded. */
		if (v->arch.vgic.nr_lr_used) {
			vgic_sync_lrs(v);
		}
		if (likely(arm_handle_exit(v, exit, esr))) {
			continue;
		}
		v = vcpu_leave(v, exit, esr);
		if (!v) {
			return;
		}
		handed = true;
	}
}

void arch_vcpu_run(struct vcpu *v)
{
	unsigned long flags = local_irq_save();

	/* Stall detector: every exit's syndrome, x0 (an HVC's ID). */
	stall_what("exit ESR_EL2:x0");
	/*
	 * The slice must end even if the guest never exits on its own (a
	 * hand-over sets the timer to the new slice's end at the latest).
	 */
	if (this_cpu()->arch.timer_deadline > sched_slice_deadline()) {
		arch_timer_set(sched_slice_deadline());
	}
	vcpu_run_loop(v);
	stall_leave();
	vcpu_put_host();
	local_irq_restore(flags);
}

size_t arch_vcpu_dump(const struct vcpu *v, char *buf, size_t len)
{
	const struct cpu_regs *r = &v->arch.regs;
	const struct el1_sysregs *e = &v->arch.el1;
	size_t n = 0;

	n += snprintf(buf + n, len - n,
		      "  pc %016llx pstate %08llx sp_el1 %016llx\n"
		      "  guest trap: esr_el1 %llx far_el1 %llx elr_el1 %llx\n",
		      (unsigned long long)r->pc, (unsigned long long)r->pstate,
		      (unsigned long long)e->sp_el1, (unsigned long long)e->esr,
		      (unsigned long long)e->far, (unsigned long long)e->elr);
	for (unsigned int i = 0; i < 31 && n < len; i += 4) {
		n += snprintf(buf + n, len - n, " ");
		for (unsigned int j = i; j < i + 4 && j < 31 && n < len; j++)
			n += snprintf(buf + n, len - n, " x%-2u %016llx", j,
				      (unsigned long long)r->x[j]);
		if (n < len)
			n += snprintf(buf + n, len - n, "\n");
	}
	return MIN(n, len);
}
