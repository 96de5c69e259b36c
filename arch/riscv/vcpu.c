// SPDX-License-Identifier: GPL-2.0
/*
 * RISC-V vCPUs: VS-mode register state and the run loop.
 *
 * A vCPU's VS CSRs and FP registers are loaded when arch_vcpu_run() starts
 * on a pCPU (vcpu_load()) and saved when it returns (vcpu_put()); in
 * between, riscv_guest_run() (guest.S) enters the guest and calls
 * riscv_vcpu_exit() on each exit, which hands it to riscv_handle_exit()
 * (asm/exit.h) and makes the checks before the next entry; the loop
 * itself is in guest.S, so that the hypervisor's callee-saved registers
 * are saved once per run and the guest's only on the exits that need
 * them (guest.S, "Partial save"). The FP file is restored only
 * when another vCPU (or nothing) used this pCPU's FP file since, and saved
 * only when the guest dirtied it (sstatus.FS = Dirty): the hypervisor
 * itself runs with FS = Off and never touches the FP registers.
 *
 * The vector registers are switched lazily (vector.c).
 */
#include <xen-lite/arch.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/p2m.h>
#include <xen-lite/sched.h>
#include <xen-lite/stall.h>
#include <xen-lite/smp.h>
#include <xen-lite/vmmio.h>
#include <xen-lite/work.h>
#include <asm/csr.h>
#include <asm/exit.h>
#include <asm/inject.h>
#include <asm/riscv.h>
#include <asm/system.h>
#include <asm/time.h>
#include <asm/tlbflush.h>
#include <asm/vcpu.h>
#include <asm/vector.h>
#include <asm/vimsic.h>

int arch_vcpu_init(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;

	BUILD_BUG_ON(__builtin_offsetof(struct arch_vcpu, gregs) != 0);
	BUILD_BUG_ON(__builtin_offsetof(struct arch_vcpu, host_tp) !=
		     VCPU_TP_OFF);
	BUILD_BUG_ON(__builtin_offsetof(struct arch_vcpu, entry_checks) !=
		     VCPU_CHECKS_OFF);
	BUILD_BUG_ON(__builtin_offsetof(struct arch_vcpu, irq_set) !=
		     VCPU_IRQ_SET_OFF);
	BUILD_BUG_ON(__builtin_offsetof(struct arch_vcpu, eip_level) !=
		     VCPU_EIP_OFF);
	BUILD_BUG_ON(sizeof(((struct arch_vcpu *)0)->eip_level) != 1);
	BUILD_BUG_ON(__builtin_offsetof(struct pcpu, arch.host) !=
		     PCPU_HOST_OFF);
	BUILD_BUG_ON(__builtin_offsetof(struct vcpu, arch) != VCPU_ARCH_OFF);
	BUILD_BUG_ON(__builtin_offsetof(struct pcpu, work) != PCPU_WORK_OFF);
	BUILD_BUG_ON(__builtin_offsetof(struct pcpu, stall.since) !=
		     PCPU_STALL_SINCE_OFF);
	BUILD_BUG_ON(__builtin_offsetof(struct pcpu, stall.limit) !=
		     PCPU_STALL_LIMIT_OFF);
	memset(a, 0, sizeof(*a));
	/* arch_domain_init() set it, before any vCPU: fixed from then on. */
	a->aia = v->domain->arch.aia;
	vimsic_vcpu_init(v);
	a->fp_loaded_on = -1;
	if (riscv_vector_vcpu_init(v)) {
		return -ENOMEM;
	}
	a->last_cpu = -1;
	a->timer_deadline = ~0ULL;
	a->csr.vstimecmp = ~0UL;
	a->csr.henvcfg = riscv_features.henvcfg;
	a->csr.vsstatus = SSTATUS_UXL_64;
	/*
	 * SPV: sret enters V = 1; SPVP: HLV/HLVX access guest memory with
	 * VS privilege; VTW: a WFI in VS-mode traps (virtual instruction)
	 * so the vCPU can give its pCPU up.
	 */
	a->gregs.hstatus = HSTATUS_VSXL_64 | HSTATUS_SPV | HSTATUS_SPVP |
			   HSTATUS_VTW;
	a->gregs.sstatus = SSTATUS_SPP | SSTATUS_FS_CLEAN;
	return 0;
}

void arch_vcpu_destroy(struct vcpu *v)
{
	unsigned int cpu;

	vimsic_hw_detach(v, v->processor);
	/* No pCPU may keep a pointer to a freed vCPU as FP owner. */
	for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++) {
		if (pcpu_info[cpu].arch.fp_owner == v) {
			pcpu_info[cpu].arch.fp_owner = NULL;
		}
	}
	riscv_vector_vcpu_destroy(v);
}

void arch_vcpu_reset(struct vcpu *v, paddr_t entry, register_t arg)
{
	struct arch_vcpu *a = &v->arch;

	/*
	 * SBI HSM hart_start / boot state: a0 = hart ID, a1 = opaque,
	 * satp = 0 and sstatus.SIE = 0 in VS-mode (SBI spec, HSM chapter).
	 */
	memset(a->gregs.x, 0, sizeof(a->gregs.x));
	cpu_regs_set(&a->gregs, REG_A0, v->id);
	cpu_regs_set(&a->gregs, REG_A1, arg);
	a->gregs.sepc = entry;
	a->gregs.sstatus = SSTATUS_SPP | SSTATUS_FS_CLEAN;
	a->csr.vsstatus = SSTATUS_UXL_64;
	a->csr.vsie = 0;
	a->csr.vstvec = 0;
	a->csr.vsscratch = 0;
	a->csr.vsepc = 0;
	a->csr.vscause = 0;
	a->csr.vstval = 0;
	a->csr.vsatp = 0;
	a->csr.senvcfg = 0;
	a->pv_vsatp = 0;
	a->csr.hvip = 0;
	a->csr.vstimecmp = ~0UL;
	a->timer_deadline = ~0ULL;
	a->suspend = HSM_NOT_SUSPENDED;
	riscv_vector_vcpu_reset(v);
	__atomic_store_n(&a->irq_set, 0, __ATOMIC_SEQ_CST);
	/* The hart starts with translation off, whatever was pending. */
	__atomic_fetch_and(&a->pv_pending, ~RISCV_PV_VSATP, __ATOMIC_SEQ_CST);
}

static void fp_save(struct riscv_fp_ctx *fp)
{
	csr_set(CSR_SSTATUS, SSTATUS_FS_CLEAN);
	__asm__ __volatile__("fsd f0, 0(%0)\n fsd f1, 8(%0)\n"
			     "fsd f2, 16(%0)\n fsd f3, 24(%0)\n"
			     "fsd f4, 32(%0)\n fsd f5, 40(%0)\n"
			     "fsd f6, 48(%0)\n fsd f7, 56(%0)\n"
			     "fsd f8, 64(%0)\n fsd f9, 72(%0)\n"
			     "fsd f10, 80(%0)\n fsd f11, 88(%0)\n"
			     "fsd f12, 96(%0)\n fsd f13, 104(%0)\n"
			     "fsd f14, 112(%0)\n fsd f15, 120(%0)\n"
			     "fsd f16, 128(%0)\n fsd f17, 136(%0)\n"
			     "fsd f18, 144(%0)\n fsd f19, 152(%0)\n"
			     "fsd f20, 160(%0)\n fsd f21, 168(%0)\n"
			     "fsd f22, 176(%0)\n fsd f23, 184(%0)\n"
			     "fsd f24, 192(%0)\n fsd f25, 200(%0)\n"
			     "fsd f26, 208(%0)\n fsd f27, 216(%0)\n"
			     "fsd f28, 224(%0)\n fsd f29, 232(%0)\n"
			     "fsd f30, 240(%0)\n fsd f31, 248(%0)\n"
			     :
			     : "r"(fp->f)
			     : "memory");
	fp->fcsr = csr_read(0x003);
	csr_clear(CSR_SSTATUS, SSTATUS_FS);
}

static void fp_restore(const struct riscv_fp_ctx *fp)
{
	csr_set(CSR_SSTATUS, SSTATUS_FS_CLEAN);
	__asm__ __volatile__("fld f0, 0(%0)\n fld f1, 8(%0)\n"
			     "fld f2, 16(%0)\n fld f3, 24(%0)\n"
			     "fld f4, 32(%0)\n fld f5, 40(%0)\n"
			     "fld f6, 48(%0)\n fld f7, 56(%0)\n"
			     "fld f8, 64(%0)\n fld f9, 72(%0)\n"
			     "fld f10, 80(%0)\n fld f11, 88(%0)\n"
			     "fld f12, 96(%0)\n fld f13, 104(%0)\n"
			     "fld f14, 112(%0)\n fld f15, 120(%0)\n"
			     "fld f16, 128(%0)\n fld f17, 136(%0)\n"
			     "fld f18, 144(%0)\n fld f19, 152(%0)\n"
			     "fld f20, 160(%0)\n fld f21, 168(%0)\n"
			     "fld f22, 176(%0)\n fld f23, 184(%0)\n"
			     "fld f24, 192(%0)\n fld f25, 200(%0)\n"
			     "fld f26, 208(%0)\n fld f27, 216(%0)\n"
			     "fld f28, 224(%0)\n fld f29, 232(%0)\n"
			     "fld f30, 240(%0)\n fld f31, 248(%0)\n"
			     :
			     : "r"(fp->f)
			     : "memory");
	csr_write(0x003, fp->fcsr);
	csr_clear(CSR_SSTATUS, SSTATUS_FS);
}

/*
 * Load @v's VS state on this CPU. @sstc: riscv_features.sstc, or true
 * where the caller knows it (asm/inject.h).
 */
static __always_inline void vcpu_load(struct vcpu *v, bool sstc)
{
	struct arch_vcpu *a = &v->arch;
	struct domain *d = v->domain;
	struct pcpu *p = this_cpu();
	unsigned int cpu = p->id;

	csr_write(CSR_VSSTATUS, a->csr.vsstatus);
	csr_write(CSR_VSIE, a->csr.vsie);
	csr_write(CSR_VSTVEC, a->csr.vstvec);
	csr_write(CSR_VSSCRATCH, a->csr.vsscratch);
	csr_write(CSR_VSEPC, a->csr.vsepc);
	csr_write(CSR_VSCAUSE, a->csr.vscause);
	csr_write(CSR_VSTVAL, a->csr.vstval);
	csr_write(CSR_HVIP, a->csr.hvip);
	csr_write(CSR_HENVCFG, a->csr.henvcfg);
	if (sstc) {
		csr_write(CSR_VSTIMECMP, a->csr.vstimecmp);
	}
	if (riscv_features.ssaia) {
		csr_write(CSR_VSISELECT, a->csr.vsiselect);
	}
	if (riscv_features.senvcfg) {
		csr_write(CSR_SENVCFG, a->csr.senvcfg);
	}
	p2m_activate(d->p2m, cpu);
	if (a->aia && !a->vimsic.hw_tried) {
		vimsic_hw_attach(v, cpu);
	}
	if (a->vimsic.hw_file) {
		/* Running: the file is its VSEIP; no wake-up needed. */
		csr_clear(CSR_HGEIE, 1UL << a->vimsic.hw_file);
	}
	/* vsatp after hgatp: its PPN is a guest physical address. */
	csr_write(CSR_VSATP, a->csr.vsatp);
	/*
	 * Another vCPU of the same domain ran on this hart: its VS-stage
	 * entries carry the same VMID (and maybe the same ASIDs for other
	 * page tables), so drop them. A different domain is handled by the
	 * hgatp switch in arch_p2m_activate(). A vCPU that ran on another
	 * hart since it last ran here may find entries here that its local
	 * fences there (sfence.vma, PV MMU flushes of itself) never
	 * reached: drop them too.
	 */
	if ((p->arch.last_domid == d->id && p->arch.last_vcpu != v->id) ||
	    a->last_cpu != (int)cpu) {
		hfence_vvma_all();
	}
	p->arch.last_domid = d->id;
	p->arch.last_vcpu = v->id;
	a->last_cpu = cpu;
	/*
	 * curr (set by the scheduler) before pv_pending is read: a CPU that
	 * sets pv_pending and then finds this vCPU not running counts on
	 * the next entry to see the bit (arch_pv_tlb_flush()).
	 */
	smp_mb();

	/*
	 * The FP file: restored unless it holds @v's state already, or
	 * both it and @v's state are the reset state (issue 20: 38
	 * instructions of every switch between guests that never use FP).
	 */
	if (p->arch.fp_owner != v || a->fp_loaded_on != (int)cpu) {
		if (a->fp_used || !p->arch.fp_reset) {
			fp_restore(&a->fp);
			p->arch.fp_reset = !a->fp_used;
		}
		p->arch.fp_owner = v;
		a->fp_loaded_on = cpu;
	}
	/*
	 * gregs.sstatus.FS is Clean here, as the guest runs with it: set
	 * so at creation and reset, it comes from the hart at each exit,
	 * where only the guest's FP writes change it (to Dirty), and
	 * vcpu_save() makes a Dirty one Clean again (issue 20: no rewrite,
	 * 7 instructions of every switch).
	 */
	if (riscv_features.vector) {
		riscv_vector_load(v, p);
	}
}

/*
 * Save @v's VS state to memory (after it left riscv_guest_run()): its CSRs,
 * FP and vector state. @next: the vCPU about to be loaded on this CPU
 * after a direct hand-over (sched_handover()), or NULL (back to the
 * scheduler loop, maybe to idle). A next vCPU's vcpu_load() writes hvip
 * and vstimecmp itself, so they are parked (no stale interrupt for the
 * hypervisor's idle WFI or another vCPU) only when none follows.
 */
static __always_inline void vcpu_save(struct vcpu *v, bool sstc)
{
	struct arch_vcpu *a = &v->arch;

	a->csr.vsstatus = csr_read(CSR_VSSTATUS);
	a->csr.vsie = csr_read(CSR_VSIE);
	a->csr.vstvec = csr_read(CSR_VSTVEC);
	a->csr.vsscratch = csr_read(CSR_VSSCRATCH);
	a->csr.vsepc = csr_read(CSR_VSEPC);
	a->csr.vscause = csr_read(CSR_VSCAUSE);
	a->csr.vstval = csr_read(CSR_VSTVAL);
	a->csr.vsatp = csr_read(CSR_VSATP);
	a->csr.hvip = csr_read(CSR_HVIP);
	if (riscv_features.ssaia) {
		a->csr.vsiselect = csr_read(CSR_VSISELECT);
		csr_write(CSR_HVICTL, 0);
	}
	if (riscv_features.senvcfg) {
		a->csr.senvcfg = csr_read(CSR_SENVCFG);
	}
	if (sstc) {
		a->csr.vstimecmp = csr_read(CSR_VSTIMECMP);
	}
	if (a->vimsic.hw_file && READ_ONCE(v->state) == VCPU_BLOCKED) {
		/* Its file's interrupt wakes it (vimsic_sgei()). */
		csr_set(CSR_HGEIE, 1UL << a->vimsic.hw_file);
	}
	if ((a->gregs.sstatus & SSTATUS_FS) == SSTATUS_FS_DIRTY) {
		fp_save(&a->fp);
		/* The file and @v's state are the guest's now, not the reset. */
		a->fp_used = true;
		this_cpu()->arch.fp_reset = false;
		a->gregs.sstatus = (a->gregs.sstatus & ~SSTATUS_FS) |
				   SSTATUS_FS_CLEAN;
	}
	/* Without V, sstatus.VS is read-only zero (Off): nothing to save. */
	if (riscv_features.vector) {
		unsigned long vs = a->gregs.sstatus & SSTATUS_VS;

		if (vs == SSTATUS_VS_DIRTY) {
			riscv_vector_put(v);
		} else if (vs == SSTATUS_VS_CLEAN) {
			riscv_vector_put_clean(v);
		}
	}
}

/*
 * No vCPU follows on this CPU (back to the scheduler loop): nothing of the
 * last one may stay pending for the hypervisor or fire later.
 */
static void vcpu_park(void)
{
	if (riscv_features.sstc) {
		/* A stale compare value must not fire for the next vCPU. */
		csr_write(CSR_VSTIMECMP, ~0UL);
	}
	csr_write(CSR_HVIP, 0);
}

/*
 * The stall detector's view of a guest exit (stall_describe_by()):
 * guest_exit stamps the entry's start alone; what it was is read from the
 * exit's saved registers only when the entry is reported or becomes the
 * longest. An SBI call's extension and function (a7, a6), else scause
 * and stval (saved on the full exits and WFI; an interrupt has none).
 */
static void riscv_stall_describe(struct pcpu *p)
{
	const struct cpu_regs *r = &p->curr->arch.gregs;

	if (r->scause == EXC_ECALL_VS) {
		p->stall.what = "SBI call ext:fid";
		p->stall.a = cpu_regs_get(r, REG_A7);
		p->stall.b = cpu_regs_get(r, REG_A6);
	} else {
		p->stall.what = "exit scause:stval";
		p->stall.a = r->scause;
		p->stall.b = (r->scause & CAUSE_IRQ_FLAG) ? 0 : r->stval;
	}
}

/*
 * The checks before a guest entry, run when this CPU's work word is not
 * empty (xen-lite/work.h): whether @v must leave the run loop (blocked,
 * paused, brought down, or this CPU must schedule), the interrupts to
 * load into hvip, the PV MMU's work. Return: false to leave.
 */
static __noinline bool entry_work(struct vcpu *v)
{
	/* Emptied first: whatever is raised from here on is seen next time. */
	work_take();
	if (vcpu_must_leave(v)) {
		return false;
	}
	riscv_vcpu_inject_pending(v, riscv_features.sstc);
	if (unlikely(READ_ONCE(v->arch.pv_pending) ||
		     READ_ONCE(v->domain->pv_mm_active))) {
		riscv_pv_prepare_entry(v);
	}
	return true;
}

#ifdef CONFIG_DEBUG_WORK_CHECK
/* For work_check(): the PV MMU's pending work and the hvip inputs. */
const char *arch_work_check_why(struct vcpu *v, int *irq)
{
	struct arch_vcpu *a = &v->arch;

	if (READ_ONCE(a->pv_pending)) {
		return "the PV MMU's pending work";
	}
	if (READ_ONCE(a->irq_set)) {
		return "an interrupt for hvip (irq_set)";
	}
	if (READ_ONCE(a->eip_level) != !!(csr_read(CSR_HVIP) & HVIP_VSEIP)) {
		return "the external interrupt line (eip_level)";
	}
	return NULL;
}
#endif

/*
 * Before every guest entry. An exit that changed nothing the checks read
 * (an SBI call, an emulated device access, a WFI with an interrupt due)
 * goes straight back: every writer of that state raised a bit in this
 * CPU's work word (riscv_vcpu_notify() for hvip's inputs, the PV MMU for
 * pv_pending, the scheduler for the rest), and the first entry of a run
 * has WORK_LOAD. Two inputs are read every time, raising no bit: without
 * Sstc the guest's timer deadline (time-based), and a PV domain's vsatp
 * (QEMU 7.2 does not trap the guest's satp writes: pv_mm.c).
 * Return: false when @v must leave the run loop.
 */
static inline bool vcpu_entry_ready(struct vcpu *v)
{
	bool pv = READ_ONCE(v->domain->pv_mm_active);

	if (unlikely(work_pending()) || !riscv_features.sstc) {
		if (!entry_work(v)) {
			return false;
		}
		/* After work_take(): a new PV domain raised WORK_PV. */
		pv = READ_ONCE(v->domain->pv_mm_active);
	} else {
		work_check(v);
		if (unlikely(pv)) {
			riscv_pv_prepare_entry(v);
		}
	}
	/* For guest.S: whether it may skip all this on an empty word. */
	v->arch.entry_checks = !riscv_features.sstc || pv;
	stall_leave();
	return true;
}

/*
 * The first entry of @v after a direct hand-over (sched_handover()),
 * instead of the general first entry (WORK_LOAD, then every check). What
 * those checks read: @v's state and pause, which the hand-over found
 * running and unpaused under the run-queue lock (a later writer raises a
 * bit, which stays in this CPU's word: nothing takes it before @v's next
 * exit); the run queue, whose slice the hand-over just started; what is
 * left is @v's own (bits for it may have been taken by the vCPU that ran
 * before): hvip's inputs, folded in here, and the PV MMU's work, for which
 * this returns false (the general way). The hand-over raised WORK_SCHED,
 * as the general checks' slice test would with two vCPUs on the CPU
 * (handover_finish()): the next exit that resumes runs every check.
 * Return: true when done (enter).
 */
static __always_inline bool vcpu_handover_entry(struct vcpu *v, bool sstc)
{
	if (!sstc || READ_ONCE(v->arch.pv_pending) ||
	    READ_ONCE(v->domain->pv_mm_active)) {
		return false;
	}
	riscv_vcpu_inject_pending(v, true);
	v->arch.entry_checks = false;
	stall_leave();
	return true;
}

enum exit_action riscv_vcpu_exit(struct arch_vcpu *a)
{
	return riscv_handle_exit(container_of(a, struct vcpu, arch));
}

enum exit_action riscv_exit_store_fault(struct vcpu *v, paddr_t gpa)
{
	/* A store to a PV domain's pinned page table (pv_mm.c). */
	if (!vmmio_find(v->domain, gpa) && riscv_pv_store_fault(v, gpa)) {
		return EXIT_RESUME;
	}
	return riscv_mmio_fault(v, gpa);
}

bool riscv_vcpu_entry(struct arch_vcpu *a)
{
	return vcpu_entry_ready(container_of(a, struct vcpu, arch));
}

/*
 * guest.S comes here with Sstc only (the vCPU's entry_checks is set on
 * every entry without it): the helpers' @sstc is true, and there is no
 * guest deadline in the hypervisor timer to take back (arch_vcpu_run()).
 */
void riscv_vcpu_block_switch(struct vcpu *v)
{
	/* The deadline first, with @v's CSRs live (riscv_vcpu_wait()). */
	u64 until = riscv_vcpu_timer_due(v, true);
	struct vcpu *next;

	vcpu_save(v, true);
	next = riscv_vcpu_block(v, until, true);
	if (!next) {
		riscv_switch_leave(NULL);
	}
	/* As arch_vcpu_run() after a hand-over. */
	vcpu_load(next, true);
	if (vcpu_handover_entry(next, true)) {
		riscv_switch_enter(&next->arch);
	}
	work_raise_local(WORK_LOAD);
	if (vcpu_entry_ready(next)) {
		riscv_switch_enter(&next->arch);
	}
	riscv_switch_leave(&next->arch);
}

/*
 * Run @v, and after it the vCPUs this CPU is handed to directly: when @v
 * leaves the guest (it blocked, or anything else), it is saved first, as
 * the scheduler expects of a vCPU that is not current, then
 * sched_handover() may give the CPU straight to the next runnable vCPU of
 * this CPU's queue, when the scheduler loop's pass would have had nothing
 * else to do (issue 20: the loop's pass, the return through it and the
 * parking of the CSRs were some 250 instructions of every switch).
 * Returns with the last vCPU run current; the loop puts it back.
 */
void arch_vcpu_run(struct vcpu *v)
{
	unsigned long flags = local_irq_save();
	bool handed = false, enter;

	stall_describe_by(riscv_stall_describe);
	for (;;) {
		vcpu_load(v, riscv_features.sstc);
		if (handed && vcpu_handover_entry(v, riscv_features.sstc)) {
			enter = true;
		} else {
			/* What changed while @v was off raised no bit here. */
			work_raise_local(WORK_LOAD);
			enter = vcpu_entry_ready(v);
		}
		if (enter) {
			/*
			 * Until an exit says leave (guest.S), maybe after
			 * direct switches to other vCPUs on WFI.
			 */
			struct arch_vcpu *a = riscv_guest_run(&v->arch);

			if (!a) {
				/* The last one blocked, saved; none follows. */
				break;
			}
			v = container_of(a, struct vcpu, arch);
		}
		if (!riscv_features.sstc) {
			riscv_timer_guest_deadline(~0ULL);
		}
		vcpu_save(v, riscv_features.sstc);
		if (v->arch.waiting) {
			v = riscv_vcpu_wait_block(v);
		} else {
			v = sched_handover(v);
		}
		if (!v) {
			break;
		}
		handed = true;
	}
	vcpu_park();
	stall_leave();
	stall_describe_by(NULL);
	local_irq_restore(flags);
}

size_t arch_vcpu_dump(const struct vcpu *v, char *buf, size_t len)
{
	const struct cpu_regs *r = &v->arch.gregs;
	const struct riscv_vs_csrs *c = &v->arch.csr;
	size_t n = 0;

	n += snprintf(
		buf + n, len - n,
		"  pc %016lx sstatus %016lx hstatus %016lx\n"
		"  last exit: scause %lx stval %lx htval %lx htinst %lx\n"
		"  guest trap: vscause %lx vstval %lx vsepc %lx vsatp %lx\n",
		r->sepc, r->sstatus, r->hstatus, r->scause, r->stval, r->htval,
		r->htinst, c->vscause, c->vstval, c->vsepc, c->vsatp);
	for (unsigned int i = 0; i < 31 && n < len; i += 4) {
		n += snprintf(buf + n, len - n, " ");
		for (unsigned int j = i; j < i + 4 && j < 31 && n < len; j++)
			n += snprintf(buf + n, len - n, " x%-2u %016lx", j + 1,
				      r->x[j]);
		if (n < len)
			n += snprintf(buf + n, len - n, "\n");
	}
	return MIN(n, len);
}
