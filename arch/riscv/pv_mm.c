// SPDX-License-Identifier: GPL-2.0
/*
 * RISC-V side of the PV MMU (docs/pv-mmu.md, "Arch hooks"): the guest's
 * stage-1 root is vsatp, written only here; its TLB entries are fenced
 * with hfence.vvma under the domain's VMID.
 *
 * Once the domain is a PV domain (d->pv_mm_active), its vCPUs run with
 * hstatus.VTVM set (vcpu.c, before each entry): every VS-mode access to
 * satp and every sfence.vma / sinval.vma traps as a virtual instruction.
 * Reads of satp are emulated (they return vsatp), writes are refused with
 * an illegal-instruction exception, and the fences become a local
 * hfence.vvma. A guest store to a pinned table takes a stage-2 store
 * fault (the frame is p2m_pt_pinned, read-only) and is decoded and handed
 * to pv_mm_emulate_write(); a refused one becomes a store access fault of
 * the guest.
 *
 * Fences reach the vCPUs of a domain in two ways: a vCPU running on
 * another hart now is fenced there through OpenSBI's RFENCE HFENCE_VVMA
 * (synchronous), and every target also gets RISCV_PV_FLUSH in its
 * pv_pending word, done before its next entry wherever it runs. Entries
 * left on a hart a vCPU ran on earlier are dropped by vcpu_load() when
 * the vCPU comes back (it fences when the vCPU moved since it last ran
 * there), so local fences are enough for a vCPU's own view.
 */
#include <xen-lite/domain.h>
#include <xen-lite/lib.h>
#include <xen-lite/p2m.h>
#include <xen-lite/pv_mm.h>
#include <xen-lite/sched.h>
#include <xen-lite/smp.h>
#include <xen-lite/work.h>
#include <asm/csr.h>
#include <asm/inject.h>
#include <asm/insn.h>
#include <asm/riscv.h>
#include <asm/sbi.h>
#include <asm/system.h>
#include <asm/tlbflush.h>
#include <asm/vcpu.h>

/* SYSTEM major opcode and its encodings used here. */
#define OPC_SYSTEM 0x73
#define FUNCT7_SFENCE_VMA 0x09
#define FUNCT7_SINVAL_VMA 0x0b
#define FUNCT3_CSRRW 1
#define FUNCT3_CSRRS 2
#define FUNCT3_CSRRC 3
#define FUNCT3_CSRRWI 5
#define FUNCT3_CSRRSI 6
#define FUNCT3_CSRRCI 7

#define INSN_RD(i) (((i) >> 7) & 0x1f)
#define INSN_FUNCT3(i) (((i) >> 12) & 7)
#define INSN_RS1(i) (((i) >> 15) & 0x1f)
#define INSN_RS2(i) (((i) >> 20) & 0x1f)
#define INSN_FUNCT7(i) (((i) >> 25) & 0x7f)
#define INSN_CSR(i) (((i) >> 20) & 0xfff)

static bool vcpu_is_current(const struct vcpu *v)
{
	return this_cpu()->curr == v;
}

bool arch_pv_levels_supported(unsigned int levels)
{
	return (levels == 3 && riscv_features.vs_sv39) ||
	       (levels == 4 && riscv_features.vs_sv48);
}

/* The vsatp value for a root at @root of @levels levels, or 0 (Bare). */
static unsigned long make_vsatp(gfn_t root, unsigned int levels, u16 asid)
{
	static bool warned;
	unsigned long mode;

	if (levels == 3 && riscv_features.vs_sv39) {
		mode = SATP_MODE_SV39;
	} else if (levels == 4 && riscv_features.vs_sv48) {
		mode = SATP_MODE_SV48;
	} else {
		if (levels && !warned) {
			warned = true;
			printk(XL_WARN "pv_mm: this hart has no %u-level VS "
				       "translation: vsatp stays Bare\n",
			       levels);
		}
		return 0;
	}
	return mode | ((unsigned long)asid << SATP_ASID_SHIFT) |
	       (gfn_x(root) & SATP_PPN_MASK);
}

void arch_pv_set_baseptr(struct vcpu *v, unsigned int slot, gfn_t root,
			 unsigned int levels, u16 asid)
{
	struct arch_vcpu *a = &v->arch;
	unsigned long vsatp = make_vsatp(root, levels, asid);

	if (vcpu_is_current(v)) {
		/*
		 * hgatp holds this domain's p2m: the PPN is translated by it.
		 * The fence drops what the old root (or an old table that
		 * used the same ASID) left in this hart's TLB; other harts
		 * were fenced by vcpu_load() before the vCPU left them.
		 */
		csr_write(CSR_VSATP, vsatp);
		/* What the hart kept: ASID bits beyond ASIDLEN read as 0. */
		a->pv_vsatp = csr_read(CSR_VSATP);
		a->csr.vsatp = a->pv_vsatp;
		hfence_vvma_all();
		return;
	}
	/* Loaded, with a fence, before the vCPU next enters the guest. */
	WRITE_ONCE(a->pv_next_vsatp, vsatp);
	__atomic_fetch_or(&a->pv_pending, RISCV_PV_VSATP | RISCV_PV_FLUSH,
			  __ATOMIC_SEQ_CST);
	/* Its entry checks run (xen-lite/work.h). */
	work_raise_vcpu(v, WORK_PV);
	if (READ_ONCE(v->state) == VCPU_RUNNING) {
		vcpu_kick(v);
	}
}

void riscv_pv_prepare_entry(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	struct domain *d = v->domain;
	unsigned long pend = 0, now;

	if (READ_ONCE(a->pv_pending)) {
		pend = __atomic_exchange_n(&a->pv_pending, 0, __ATOMIC_SEQ_CST);
		if (pend & RISCV_PV_VSATP) {
			csr_write(CSR_VSATP, READ_ONCE(a->pv_next_vsatp));
			a->pv_vsatp = csr_read(CSR_VSATP);
		}
	}
	if (!(a->gregs.hstatus & HSTATUS_VTVM)) {
		if (READ_ONCE(d->pv_mm_active)) {
			/*
			 * The domain became a PV domain: from now on its root
			 * is the PV MMU's. A root the guest installed before
			 * stays until its first NEW_BASEPTR.
			 *
			 * henvcfg.ADUE = 0 (Svadu): a VS-stage leaf with A or
			 * D clear then raises a page fault instead of being
			 * updated by the walker, which would write a pinned
			 * table. Architecturally that store would be checked
			 * against the read-only G-stage entry; QEMU does not
			 * check it: 10.0 with ADUE = 1 (measured) and 7.2,
			 * which has no Svadu and always updates A/D, both set
			 * the bits in the pinned table. Clearing ADUE is the
			 * fix on QEMU 10; on 7.2 nothing stops it, and the
			 * guests set A and D themselves (docs/platforms.md).
			 */
			a->gregs.hstatus |= HSTATUS_VTVM;
			a->csr.henvcfg &= ~ENVCFG_ADUE;
			csr_clear(CSR_HENVCFG, ENVCFG_ADUE);
			a->pv_vsatp = csr_read(CSR_VSATP);
		}
	} else {
		now = csr_read(CSR_VSATP);
		if (unlikely(now != a->pv_vsatp)) {
			/*
			 * For QEMU 7.2 only. With hstatus.VTVM = 1 a VS-mode
			 * access to satp raises a virtual-instruction
			 * exception (RISC-V privileged spec 20211203, 8.2.1
			 * "hstatus"), which riscv_pv_virtual_insn() refuses:
			 * on a conforming hart, QEMU 10 among them, vsatp
			 * never differs here (platforms.qemu10.riscv64.
			 * pvmmu_satp_trapped). QEMU 7.2 traps sfence.vma
			 * under VTVM but not satp accesses: undo the write,
			 * the guest ran on that root only until this exit.
			 * Kept unconditional: one CSR read per entry of a PV
			 * vCPU, and no way to ask the hart whether it traps.
			 */
			if (!d->arch.pv_satp_warned) {
				d->arch.pv_satp_warned = true;
				printk(XL_WARN
				       "d%u vCPU%u wrote satp %#lx behind "
				       "the PV MMU (the hart did not "
				       "trap it): %#lx restored\n",
				       d->id, v->id, now, a->pv_vsatp);
			}
			csr_write(CSR_VSATP, a->pv_vsatp);
			pend |= RISCV_PV_FLUSH;
		}
	}
	if (pend) {
		hfence_vvma_all();
	}
}

/* hfence.vvma for the VMID in hgatp: every address, or @va's page. */
static void local_flush(bool all_va, vaddr_t va)
{
	if (all_va) {
		hfence_vvma_all();
	} else {
		hfence_vvma_va(va);
	}
}

void arch_pv_tlb_flush(struct vcpu *v, u64 vcpu_mask, bool all_va, vaddr_t va)
{
	struct domain *d = v->domain;
	struct vcpu *targets[CONFIG_MAX_VCPUS];
	unsigned int me = smp_processor_id(), cpu, i, n = 0;
	bool local = false, others;
	unsigned long hmask;
	cpumask_t running;

	/*
	 * Every target other than the caller fences before its next entry;
	 * the bit is set before we look where the targets run (pairs with
	 * the barrier in vcpu_load()), so a target we miss sees it.
	 */
	for (i = 0; i < d->nr_vcpus && i < CONFIG_MAX_VCPUS && i < 64; i++) {
		struct vcpu *t = d->vcpus[i];

		if (!t || !(vcpu_mask & (1ULL << i))) {
			continue;
		}
		if (vcpu_is_current(t)) {
			local = true;
			continue;
		}
		__atomic_fetch_or(&t->arch.pv_pending, RISCV_PV_FLUSH,
				  __ATOMIC_SEQ_CST);
		work_raise_vcpu(t, WORK_PV);
		targets[n++] = t;
	}
	if (local) {
		local_flush(all_va, va);
	}
	/*
	 * Targets in the guest on other harts now: fence them there. Only
	 * pointers are compared: the vCPU another hart runs may belong to
	 * a domain being destroyed.
	 */
	cpumask_clear(&running);
	for (cpu = 0; cpu < nr_cpu_ids && cpu < CONFIG_NR_CPUS; cpu++) {
		struct vcpu *c = READ_ONCE(pcpu_info[cpu].curr);

		for (i = 0; c && cpu != me && i < n; i++) {
			if (c == targets[i]) {
				cpumask_set_cpu(cpu, &running);
				break;
			}
		}
	}
	if (cpumask_empty(&running)) {
		return;
	}
	hmask = vsbi_hart_mask(&running, &others);
	/* hgatp holds v's domain: the firmware fences its VMID. */
	if (all_va) {
		vsbi_remote_fence(SBI_RFENCE_HFENCE_VVMA, hmask, 0, 0, 0);
	} else {
		vsbi_remote_fence(SBI_RFENCE_HFENCE_VVMA, hmask, va & PAGE_MASK,
				  PAGE_SIZE, 0);
	}
}

/* Emulate satp accesses and sfence.vma / sinval.vma (hstatus.VTVM). */
bool riscv_pv_virtual_insn(struct vcpu *v, unsigned long insn)
{
	struct cpu_regs *r = &v->arch.gregs;
	unsigned int funct3 = INSN_FUNCT3(insn);

	if ((insn & 0x7f) != OPC_SYSTEM) {
		return false;
	}
	if (funct3 == 0 && INSN_RD(insn) == 0 &&
	    (INSN_FUNCT7(insn) == FUNCT7_SFENCE_VMA ||
	     INSN_FUNCT7(insn) == FUNCT7_SINVAL_VMA)) {
		unsigned int rs1 = INSN_RS1(insn), rs2 = INSN_RS2(insn);
		unsigned long va = cpu_regs_get(r, rs1);
		unsigned long asid = cpu_regs_get(r, rs2);

		/* Same operands, same meaning, this domain's VMID. */
		if (!rs1 && !rs2) {
			hfence_vvma_all();
		} else if (!rs1) {
			hfence_vvma_asid(asid);
		} else if (!rs2) {
			hfence_vvma_va(va);
		} else {
			hfence_vvma_va_asid(va, asid);
		}
		r->sepc += 4;
		return true;
	}
	if (funct3 == 0 || funct3 == 4 || INSN_CSR(insn) != CSR_SATP) {
		return false;
	}
	/*
	 * csrrs/csrrc with rs1 = x0 and csrrsi/csrrci with a zero immediate
	 * only read; anything else writes, even the same value, and a PV
	 * guest's root is the PV MMU's: refuse it.
	 */
	if (funct3 == FUNCT3_CSRRW || funct3 == FUNCT3_CSRRWI ||
	    INSN_RS1(insn) != 0) {
		riscv_vcpu_inject_exception(v, EXC_ILLEGAL_INST, insn);
		return true;
	}
	cpu_regs_set(r, INSN_RD(insn), csr_read(CSR_VSATP));
	r->sepc += 4;
	return true;
}

bool riscv_pv_store_fault(struct vcpu *v, paddr_t gpa)
{
	struct cpu_regs *r = &v->arch.gregs;
	struct mmio_insn m;
	p2m_type_t t;
	u64 val;
	int rc;

	if (mfn_eq(p2m_lookup(v->domain->p2m, gaddr_to_gfn(gpa), &t, NULL),
		   INVALID_MFN)) {
		return false;
	}
	if (t != p2m_pt_pinned) {
		/*
		 * The entry changed since the fault (a table unpinned by
		 * another vCPU is RAM again): retry. Anything else is the
		 * caller's (a write to read-only RAM crashes the domain).
		 */
		return p2m_access_allowed(t, true, false);
	}
	/*
	 * A pinned table: only a plain store can be emulated; an AMO, LR/SC
	 * or FP store does not decode and is refused like a bad entry.
	 */
	rc = riscv_mmio_decode(v, &m);
	if (!rc && !m.is_write) {
		rc = -EINVAL;
	}
	if (!rc) {
		val = cpu_regs_get(r, m.reg);
		if (m.size < 8) {
			val &= (1ULL << (m.size * 8)) - 1;
		}
		rc = pv_mm_emulate_write(v, gpa, val, m.size);
	}
	if (rc == -ERESTART) {
		return true; /* the table is being devalidated: retry */
	}
	if (rc) {
		/* stval: the guest virtual address of the access. */
		riscv_vcpu_inject_exception(v, EXC_STORE_ACCESS, r->stval);
	} else {
		r->sepc += m.len;
	}
	return true;
}
