// SPDX-License-Identifier: GPL-2.0
/*
 * RISC-V G-stage: hgatp, mode and VMID probing, HFENCE.GVMA and the SBI
 * RFENCE call that runs it on other harts (sbi.c; RISC-V privileged spec, the
 * hypervisor extension's "Hypervisor Memory-Management Fence
 * Instructions"; SBI specification, RFENCE extension).
 */
#include <xen-lite/arch/p2m.h>
#include <xen-lite/cpumask.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>
#include <xen-lite/smp.h>
#include <asm/csr.h>
#include <asm/sbi.h>
#include <asm/system.h>

/* Above this many pages one whole-VMID fence is cheaper than the loop. */
#define GVMA_RANGE_MAX 512

static const struct p2m_format *gstage_fmt;

/*
 * The assembler's -march has no H extension: encode the fence by hand.
 * HFENCE.GVMA rs1, rs2 is SYSTEM (0x73), funct3 0, funct7 0x31, rd x0.
 * rs1 holds the guest physical address shifted right by 2; x0 selects
 * every address, rs2 = x0 every VMID.
 */
static inline void hfence_gvma(unsigned long gaddr_shr2, unsigned long vmid)
{
	__asm__ __volatile__(".insn r 0x73, 0, 0x31, x0, %0, %1"
			     :
			     : "r"(gaddr_shr2), "r"(vmid)
			     : "memory");
}

static inline void hfence_gvma_vmid(unsigned long vmid)
{
	__asm__ __volatile__(".insn r 0x73, 0, 0x31, x0, x0, %0"
			     :
			     : "r"(vmid)
			     : "memory");
}

static inline void hfence_gvma_all(void)
{
	__asm__ __volatile__(".insn r 0x73, 0, 0x31, x0, x0, x0" ::: "memory");
}

static void local_flush(u16 vmid, u64 gfn, u64 nr)
{
	u64 i;

	if (!nr || nr > GVMA_RANGE_MAX) {
		hfence_gvma_vmid(vmid);
		return;
	}
	for (i = 0; i < nr; i++) {
		hfence_gvma(((gfn + i) << PAGE_SHIFT) >> 2, vmid);
	}
}

/*
 * Lazy remote fences. A hart whose hgatp holds another VMID cannot use
 * the translations of @vmid until it loads @vmid again, so it need not be
 * fenced now: the VMID is marked stale for that hart, and the hart fences
 * it in arch_p2m_activate() before it runs a guest with it. Only the harts
 * that hold @vmid in hgatp get the SBI remote fence, which waits for them.
 * (KVM RISC-V defers its G-stage fences to vCPUs that are not running the
 * same way.) Besides saving IPIs, this keeps a balloon-out of many pages
 * from holding its CPU, interrupts masked, for as many round trips to
 * other harts as there are pages: under QEMU TCG on a loaded host one
 * such round trip took up to 28 ms, and 32 ballooning domains on 4 CPUs
 * starved vCPUs for over 10 s (docs/robustness.md, bug 4).
 *
 * The hart publishes the VMID it loads, then looks for a stale mark; the
 * flushing CPU sets the mark, then looks at the published VMID. With a
 * full fence between the two steps on both sides, either the flushing
 * CPU sees the VMID loaded (and fences synchronously) or the hart sees the
 * mark (and fences itself).
 */
/*
 * Each hart's VMID in hgatp (0 until its first guest) and the VMIDs it
 * must fence before it loads them again are in its struct pcpu
 * (arch.hart_vmid, arch.stale_vmids): the activation on every world
 * switch reaches them from tp (issue 20).
 */

/* Return: true if @cpu holds @vmid now (fence it), false if marked. */
static bool defer_or_fence(unsigned int cpu, u16 vmid)
{
	struct arch_pcpu *ap = &pcpu_info[cpu].arch;
	unsigned int i = vmid & (RISCV_VMIDS - 1);

	__atomic_fetch_or(&ap->stale_vmids[i / 64], 1ULL << (i % 64),
			  __ATOMIC_SEQ_CST);
	smp_mb();
	return READ_ONCE(ap->hart_vmid) == vmid;
}

/* Called with @vmid about to be loaded: fence it if a flush was deferred. */
static inline void fence_if_stale(u16 vmid)
{
	struct arch_pcpu *ap = &this_cpu()->arch;
	unsigned int i = vmid & (RISCV_VMIDS - 1);
	u64 bit = 1ULL << (i % 64);

	WRITE_ONCE(ap->hart_vmid, vmid);
	smp_mb();
	if (unlikely(READ_ONCE(ap->stale_vmids[i / 64]) & bit)) {
		__atomic_fetch_and(&ap->stale_vmids[i / 64], ~bit,
				   __ATOMIC_SEQ_CST);
		hfence_gvma_vmid(vmid);
	}
}

/*
 * Fence @vmid on every other hart of @mask that holds it, in groups of
 * harts whose IDs fit one 64-bit hart mask; mark it stale on the others.
 * size 0 asks for the whole VMID.
 */
static void remote_flush(u16 vmid, const cpumask_t *mask, u64 gfn, u64 nr)
{
	unsigned long start = 0, size = 0, base, bits;
	unsigned int cpu, me = smp_processor_id();
	u64 todo = 0;
	int err;

	for_each_cpu(cpu, mask) {
		if (cpu != me && cpu < CONFIG_NR_CPUS &&
		    defer_or_fence(cpu, vmid)) {
			todo |= 1ULL << cpu;
		}
	}
	if (nr && nr <= GVMA_RANGE_MAX) {
		start = gfn << PAGE_SHIFT;
		size = nr << PAGE_SHIFT;
	}
	while (todo) {
		base = ~0UL;
		for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++) {
			if ((todo >> cpu) & 1) {
				base = MIN(base, pcpu_info[cpu].hwid);
			}
		}
		bits = 0;
		for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++) {
			unsigned long h = pcpu_info[cpu].hwid;

			if (((todo >> cpu) & 1) && h - base < 64) {
				bits |= 1UL << (h - base);
				todo &= ~(1ULL << cpu);
			}
		}
		err = sbi_remote_hfence_gvma_vmid(bits, base, start, size,
						  vmid);
		/* Without the fence the TLBs would keep stale entries. */
		BUG_ON(err);
	}
}

void arch_p2m_flush_range(u16 vmid, const cpumask_t *mask, gfn_t gfn, u64 nr)
{
	/* The PTE writes must be visible before any hart fences. */
	smp_mb();
	if (cpumask_test_cpu(smp_processor_id(), mask)) {
		local_flush(vmid, gfn_x(gfn), nr);
	}
	remote_flush(vmid, mask, gfn_x(gfn), nr);
}

void arch_p2m_flush_vmid(u16 vmid, const cpumask_t *mask)
{
	smp_mb();
	if (cpumask_test_cpu(smp_processor_id(), mask)) {
		hfence_gvma_vmid(vmid);
	}
	remote_flush(vmid, mask, 0, 0);
}

void arch_p2m_flush_local_all(void)
{
	hfence_gvma_all();
}

void arch_p2m_activate(const struct p2m_domain *p2m)
{
	u16 vmid = p2m->vmid;
	/* The root's address kept by p2m_init(): no frame table arithmetic. */
	unsigned long v =
		((unsigned long)p2m->fmt->hw_mode << HGATP_MODE_SHIFT) |
		((unsigned long)vmid << HGATP_VMID_SHIFT) |
		((p2m->root_maddr >> PAGE_SHIFT) & HGATP_PPN_MASK);

	fence_if_stale(vmid);
	/*
	 * Written whether it changed or not: a read to compare costs as
	 * much (issue 20), and the write orders nothing by itself (below).
	 */
	/*
	 * Another domain ran here. The architecture needs no fence: guest
	 * TLB entries are tagged with hgatp.VMID, and a write of hgatp
	 * orders nothing by itself (RISC-V privileged spec 20211203,
	 * 8.2.10 "hgatp" and 8.3.2 "HFENCE.GVMA": a fence is needed only
	 * when a VMID's tables changed or the VMID is reused). Both cases
	 * are the VMID allocator's: fence_if_stale() above, and the
	 * rollover (p2m_vmid.c), which also covers harts without VMIDs.
	 *
	 * QEMU does not tag its TLB by VMID, in 7.2 or 10.0 (hgatp writes
	 * only store the value), but it flushes its whole TLB on every
	 * change of V (riscv_cpu_set_virt_enabled() in 7.2,
	 * riscv_cpu_set_mode() in 10.0), so a domain switch, which goes
	 * through HS-mode, leaves nothing to the next domain on either
	 * (the HLVX of riscv_guest_load_insn() fills that TLB in HS-mode
	 * too, but only while the vCPU whose exit it decodes is loaded).
	 * CONFIG_RISCV_HGATP_SWITCH_FENCE keeps a local fence per switch
	 * for a hart that neither honours the VMID nor flushes on its own
	 * (docs/platforms.md).
	 */
	csr_write(CSR_HGATP, v);
#ifdef CONFIG_RISCV_HGATP_SWITCH_FENCE
	hfence_gvma_all();
#endif
}

/* Write @mode with every VMID bit set; Return: what hgatp kept. */
static unsigned long hgatp_try(unsigned long mode)
{
	unsigned long v;

	csr_write(CSR_HGATP, (mode << HGATP_MODE_SHIFT) | HGATP_VMID_MASK);
	v = csr_read(CSR_HGATP);
	csr_write(CSR_HGATP, 0);
	return v;
}

int arch_p2m_setup(void)
{
	const struct p2m_format *want = &p2m_format_sv39x4;
	unsigned long v;
	unsigned int bits;

	if (gstage_fmt) {
		return 0;
	}
#ifdef CONFIG_RISCV_GSTAGE_SV48X4
	want = &p2m_format_sv48x4;
#endif
	/* An unsupported MODE makes the whole write have no effect. */
	v = hgatp_try(want->hw_mode);
	if ((v >> HGATP_MODE_SHIFT) != want->hw_mode) {
		want = &p2m_format_sv39x4;
		v = hgatp_try(want->hw_mode);
		if ((v >> HGATP_MODE_SHIFT) != want->hw_mode) {
			printk(XL_ERR "p2m: hgatp implements neither Sv48x4 "
				      "nor Sv39x4\n");
			return -ENODEV;
		}
	}
	/* VMIDLEN: the VMID bits that stuck. */
	bits = __builtin_popcountl(v & HGATP_VMID_MASK);
	hfence_gvma_all();
	gstage_fmt = want;
	p2m_vmid_init(bits);
	printk("p2m: G-stage %s (%u-bit guest physical), %u-bit VMIDs\n",
	       want->name, want->gpa_bits, bits);
	return 0;
}

const struct p2m_format *arch_p2m_format(void)
{
	/* Set up on first use if the boot path did not do it yet. */
	if (!gstage_fmt) {
		BUG_ON(arch_p2m_setup());
	}
	return gstage_fmt;
}
