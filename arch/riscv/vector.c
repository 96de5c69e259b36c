// SPDX-License-Identifier: GPL-2.0
/*
 * RISC-V vCPUs' vector state (V 1.0).
 *
 * The vector registers (V, up to 16 KiB a vCPU) are switched lazily: a
 * vCPU whose vector state is not live in its hart runs with the HS-level
 * sstatus.VS Off, so its first vector instruction (or vector CSR access)
 * raises an illegal-instruction exception (privileged spec 20211203,
 * 8.2.11 "vsstatus": with V = 1 both vsstatus.VS and sstatus.VS are in
 * effect), which comes to the hypervisor because hedeleg does not
 * delegate illegal instructions while the state is not live
 * (riscv_vector_claim()). It then loads the vCPU's state, delegates
 * illegal instructions again and lets the instruction run again: a
 * guest that uses no vector instruction never pays for the copy, and a
 * guest whose own sstatus.VS is Off gets its illegal instruction from the
 * re-execution. The state is saved at vcpu_put() only when the guest
 * dirtied it (sstatus.VS = Dirty), and stays live in the hart: when the
 * same vCPU comes back to it with nobody else's state loaded in between,
 * it runs with VS = Clean at once.
 *
 * vcpu.c calls in at vcpu_load()/vcpu_put() and for the vCPU's life,
 * exit.c at the illegal-instruction exit; the copies are vector_regs.S.
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/smp.h>
#include <asm/asm.h>
#include <asm/csr.h>
#include <asm/riscv.h>
#include <asm/vector.h>

int riscv_vector_vcpu_init(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;

	BUILD_BUG_ON(__builtin_offsetof(struct riscv_v_ctx, vtype) !=
		     VCTX_VTYPE);
	BUILD_BUG_ON(__builtin_offsetof(struct riscv_v_ctx, regs) != VCTX_REGS);
	a->v_loaded_on = -1;
	if (!riscv_features.vector) {
		return 0;
	}
	a->vec.regs = xzalloc(32 * riscv_features.vlenb);
	if (!a->vec.regs) {
		return -ENOMEM;
	}
	a->vec.vtype = VTYPE_VILL;
	return 0;
}

void riscv_vector_vcpu_destroy(struct vcpu *v)
{
	unsigned int cpu;

	/* No pCPU may keep a pointer to a freed vCPU as vector owner. */
	for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++) {
		if (pcpu_info[cpu].arch.v_owner == v) {
			pcpu_info[cpu].arch.v_owner = NULL;
		}
	}
	xfree(v->arch.vec.regs);
	v->arch.vec.regs = NULL;
}

void riscv_vector_vcpu_reset(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;

	/*
	 * The vector unit as after a hart reset (V 1.0, 3.11: vtype.vill
	 * set, vl = 0); registers zeroed. Called before the vCPU's next
	 * vcpu_load() on this CPU (sched.c vcpu_apply_reset(), domain
	 * build), so forgetting where the state was live is enough.
	 */
	if (!a->vec.regs) {
		return;
	}
	memset(a->vec.regs, 0, 32 * riscv_features.vlenb);
	a->vec.vstart = 0;
	a->vec.vcsr = 0;
	a->vec.vl = 0;
	a->vec.vtype = VTYPE_VILL;
	a->v_loaded_on = -1;
}

static inline void set_vs(struct arch_vcpu *a, unsigned long vs)
{
	a->gregs.sstatus = (a->gregs.sstatus & ~SSTATUS_VS) | vs;
}

void riscv_vector_claim(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	struct pcpu *p = this_cpu();

	/* The previous owner's state was saved at its vcpu_put() if dirty. */
	riscv_vector_restore(&a->vec);
	p->arch.v_owner = v;
	a->v_loaded_on = p->id;
	set_vs(a, SSTATUS_VS_CLEAN);
	csr_write(CSR_HEDELEG, RISCV_HEDELEG);
}

void riscv_vector_load(struct vcpu *v, struct pcpu *p)
{
	struct arch_vcpu *a = &v->arch;

	if (p->arch.v_owner == v && a->v_loaded_on == (int)p->id) {
		set_vs(a, SSTATUS_VS_CLEAN);
		csr_write(CSR_HEDELEG, RISCV_HEDELEG);
	} else {
		set_vs(a, SSTATUS_VS_OFF);
		csr_write(CSR_HEDELEG,
			  RISCV_HEDELEG & ~(1UL << EXC_ILLEGAL_INST));
	}
}

/*
 * QEMU (7.2 and 10.0.2, its vstart/vcsr/vxrm/vxsat CSR write handlers)
 * marks only vsstatus.VS Dirty when a guest writes those CSRs at V = 1,
 * not the HS-level sstatus.VS too, as privileged spec 20211203 8.2.11
 * asks ("modifying the vector state when V=1 causes both fields to be
 * set to 3 (Dirty)"); vector instructions, vsetvl among them, do mark
 * both. So a vCPU whose state is live and Clean may have new vstart and
 * vcsr all the same: copy those two into its saved state at every
 * vcpu_put() (two CSR reads; vl, vtype and the registers change only
 * through vector instructions). Without it, a vsetvl, a save, then a
 * csrw vcsr lost the vcsr at the next switch of the vector unit
 * (tests/guests/progs/vector.c's long rounds).
 */
void riscv_vector_put_clean(struct vcpu *v)
{
	struct riscv_v_ctx *c = &v->arch.vec;

	csr_set(CSR_SSTATUS, SSTATUS_VS);
	c->vstart = csr_read(CSR_VSTART);
	c->vcsr = csr_read(CSR_VCSR);
	csr_clear(CSR_SSTATUS, SSTATUS_VS);
}

void riscv_vector_put(struct vcpu *v)
{
	riscv_vector_save(&v->arch.vec);
	set_vs(&v->arch, SSTATUS_VS_CLEAN);
}
