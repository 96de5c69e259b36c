// SPDX-License-Identifier: GPL-2.0
/*
 * AArch64 stage 2: VTCR_EL2 / VTTBR_EL2, IPA size and VMID width probing,
 * and the TLB maintenance that follows a stage-2 change
 * (Arm ARM (DDI 0487 K.a) "TLB maintenance", "Using break-before-make",
 * and the TLBI instructions).
 *
 * TLBI *IS operations are broadcast to the inner-shareable domain, so the
 * CPU mask only decides whether a flush is needed at all: Arm cannot aim
 * a TLBI at chosen CPUs, and every CPU of the domain is in that domain.
 */
#include <xen-lite/arch/p2m.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>
#include <asm/setup.h>
#include <asm/sysregs.h>
#include <asm/system.h>

#ifndef CONFIG_ARM_IPA_BITS_MAX
#define CONFIG_ARM_IPA_BITS_MAX 40
#endif

/* Up to this many pages, invalidate by IPA; above, the whole VMID. */
#define TLBI_IPA_MAX 64

#define VTCR_IRGN0_WBWA (1ULL << 8)
#define VTCR_ORGN0_WBWA (1ULL << 10)
#define VTCR_SH0_INNER (3ULL << 12)
#define VTCR_TG0_4K (0ULL << 14)
#define VTCR_PS_SHIFT 16
#define VTCR_VS_16BIT (1ULL << 19)
#define VTCR_RES1 (1ULL << 31)

static struct p2m_format s2_fmt;
static bool s2_ready;
static u64 s2_vtcr;

/* Arm ARM (DDI 0487 K.a) "ID_AA64MMFR0_EL1": PARange -> address bits. */
static const u8 parange_bits[] = { 32, 36, 40, 42, 44, 48, 52 };

int arch_p2m_setup(void)
{
	u64 mmfr0 = READ_SYSREG(id_aa64mmfr0_el1);
	u64 mmfr1 = READ_SYSREG(id_aa64mmfr1_el1);
	unsigned int parange = mmfr0 & 0xf, ipa, vmid_bits, ps;
	int rc;

	if (s2_ready) {
		return 0;
	}
	if (parange >= ARRAY_SIZE(parange_bits)) {
		parange = ARRAY_SIZE(parange_bits) - 1;
	}
	/* Our descriptors hold 48-bit output addresses: no 52-bit PAs. */
	ps = MIN(parange, 5U);
	ipa = MIN((unsigned int)parange_bits[ps],
		  (unsigned int)CONFIG_ARM_IPA_BITS_MAX);
	rc = p2m_format_arm_init(&s2_fmt, ipa);
	if (rc) {
		printk(XL_ERR "p2m: unsupported IPA size %u\n", ipa);
		return rc;
	}
	vmid_bits = ((mmfr1 >> 4) & 0xf) == 2 ? 16 : 8;
	s2_vtcr = s2_fmt.hw_mode | VTCR_IRGN0_WBWA | VTCR_ORGN0_WBWA |
		  VTCR_SH0_INNER | VTCR_TG0_4K | ((u64)ps << VTCR_PS_SHIFT) |
		  VTCR_RES1 | (vmid_bits == 16 ? VTCR_VS_16BIT : 0);
	WRITE_SYSREG(s2_vtcr, vtcr_el2);
	isb();
	s2_ready = true;
	p2m_vmid_init(vmid_bits);
	printk("p2m: stage 2 %u-bit IPA, %u levels, %u root table(s), "
	       "%u-bit VMIDs\n",
	       ipa, s2_fmt.levels, 1U << s2_fmt.root_order, vmid_bits);
	return 0;
}

const struct p2m_format *arch_p2m_format(void)
{
	if (!s2_ready) {
		BUG_ON(arch_p2m_setup());
	}
	return &s2_fmt;
}

void arm_p2m_cpu_init(void)
{
	/* VTCR_EL2 is per CPU; the boot CPU's is set by arch_p2m_setup(). */
	WRITE_SYSREG(s2_vtcr, vtcr_el2);
	isb();
}

void arch_p2m_activate(const struct p2m_domain *p2m)
{
	u64 vttbr = p2m->root_maddr | ((u64)p2m->vmid << VTTBR_VMID_SHIFT);

	/*
	 * No ISB here (issue 20): a direct write is guaranteed visible to
	 * later instructions after the next Context synchronization event
	 * (Arm ARM (DDI 0487 K.a) "Synchronization requirements for AArch64
	 * System registers"), and the only caller, vcpu_load(), ends with an
	 * ISB (after CPTR_EL2) before anything that uses the stage-2
	 * context: between the two it restores the vGIC interface and the
	 * virtual timer, which do not.
	 */
	WRITE_SYSREG(vttbr, vttbr_el2);
}

/*
 * TLBI IPAS2E1IS and VMALLS12E1IS act on the VMID in VTTBR_EL2
 * (Arm ARM (DDI 0487 K.a) "TLBI IPAS2E1IS", "TLBI VMALLS12E1IS"): switch
 * to the target VMID for the duration, with interrupts off so nothing
 * runs on the borrowed VTTBR.
 */
static unsigned long vmid_enter(u16 vmid, u64 *saved)
{
	unsigned long flags = local_irq_save();

	*saved = READ_SYSREG(vttbr_el2);
	WRITE_SYSREG((u64)vmid << VTTBR_VMID_SHIFT, vttbr_el2);
	isb();
	return flags;
}

static void vmid_leave(u64 saved, unsigned long flags)
{
	WRITE_SYSREG(saved, vttbr_el2);
	isb();
	local_irq_restore(flags);
}

static void flush_whole_vmid(u16 vmid)
{
	unsigned long flags;
	u64 saved;

	flags = vmid_enter(vmid, &saved);
	/* Descriptor writes complete before the invalidation (TLB rules). */
	dsb_ishst();
	__asm__ __volatile__("tlbi vmalls12e1is" ::: "memory");
	dsb_ish();
	vmid_leave(saved, flags);
}

void arch_p2m_flush_range(u16 vmid, const cpumask_t *mask, gfn_t gfn, u64 nr)
{
	unsigned long flags;
	u64 saved, i;

	if (!nr || nr > TLBI_IPA_MAX) {
		flush_whole_vmid(vmid);
		return;
	}
	flags = vmid_enter(vmid, &saved);
	dsb_ishst();
	for (i = 0; i < nr; i++) {
		/* Xt holds IPA[55:12]. */
		u64 arg = gfn_x(gfn) + i;

		__asm__ __volatile__("tlbi ipas2e1is, %0"
				     :
				     : "r"(arg)
				     : "memory");
	}
	/*
	 * IPAS2E1IS leaves the combined stage 1+2 entries built on these
	 * IPAs: invalidate the guest's stage 1 of this VMID after the
	 * stage-2 invalidation has completed.
	 */
	dsb_ish();
	__asm__ __volatile__("tlbi vmalle1is" ::: "memory");
	dsb_ish();
	vmid_leave(saved, flags);
}

void arch_p2m_flush_vmid(u16 vmid, const cpumask_t *mask)
{
	flush_whole_vmid(vmid);
}

void arch_p2m_flush_local_all(void)
{
	/* Every EL1&0 entry of every VMID, this CPU only. */
	dsb_ishst();
	__asm__ __volatile__("tlbi alle1" ::: "memory");
	__asm__ __volatile__("dsb nsh" ::: "memory");
	isb();
}
