// SPDX-License-Identifier: MIT
/*
 * AArch64 half of the test-guest runtime: HVC #0 wrappers (SMCCC) for
 * xen-lite hypercalls (x0 = XL_SMCCC_FN(nr)) and PSCI, the virtual
 * counter, I-cache maintenance, the GIC (v3 or v2, from the DT).
 */
#include <rt.h>

#define PSCI_CPU_OFF 0x84000002UL
#define PSCI_CPU_ON_64 0xC4000003UL
#define PSCI_SYSTEM_OFF 0x84000008UL
#define PSCI_SYSTEM_RESET 0x84000009UL
#define SMCCC_RET_NOT_SUPPORTED (-1L)

extern char rt_secondary_entry[];

struct fw_ret fw_call(unsigned long ext, unsigned long fn, unsigned long a0,
		      unsigned long a1, unsigned long a2, unsigned long a3,
		      unsigned long a4, unsigned long a5)
{
	register unsigned long r0 asm("x0") = fn;
	register unsigned long r1 asm("x1") = a0;
	register unsigned long r2 asm("x2") = a1;
	register unsigned long r3 asm("x3") = a2;
	register unsigned long r4 asm("x4") = a3;
	register unsigned long r5 asm("x5") = a4;
	register unsigned long r6 asm("x6") = a5;
	struct fw_ret ret;

	/* SMCCC 1.0 lets the callee change x4-x17: all clobbered. */
	asm volatile("hvc #0"
		     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4),
		       "+r"(r5), "+r"(r6)
		     :
		     : "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
		       "x15", "x16", "x17", "memory");
	ret.error = (long)r0;
	ret.value = (long)r1;
	return ret;
}

#if defined(RT_XEN) || defined(RT_NATIVE)
/*
 * Under Xen, or on the bare machine (no EL2: HVC is undefined), no
 * xen-lite hypercall exists; the runtime then reads the DT.
 */
long xl_hypercall(unsigned long nr, unsigned long a0, unsigned long a1,
		  unsigned long a2, unsigned long a3, unsigned long a4)
{
	return -XL_ENOSYS;
}
#endif

#ifdef RT_XEN
long xen_hypercall(unsigned long nr, unsigned long a0, unsigned long a1,
		   unsigned long a2, unsigned long a3, unsigned long a4)
{
	register unsigned long r0 asm("x0") = a0;
	register unsigned long r1 asm("x1") = a1;
	register unsigned long r2 asm("x2") = a2;
	register unsigned long r3 asm("x3") = a3;
	register unsigned long r4 asm("x4") = a4;
	register unsigned long r16 asm("x16") = nr;

	/* The hypercall may change x0-x5 and x16 (a debug Xen clobbers them). */
	asm volatile("hvc #0xea1"
		     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4),
		       "+r"(r16)
		     :
		     : "x5", "memory");
	return (long)r0;
}
#elif !defined(RT_NATIVE)
long xl_hypercall(unsigned long nr, unsigned long a0, unsigned long a1,
		  unsigned long a2, unsigned long a3, unsigned long a4)
{
	return fw_call(0, XL_SMCCC_FN(nr), a0, a1, a2, a3, a4, 0).error;
}
#endif

void arch_std_shutdown(bool reboot, bool failure)
{
	/* PSCI has no failure status: a failure crashes through xen-lite. */
	if (failure)
		rt_shutdown(XL_SHUTDOWN_CRASH, 1);
	fw_call(0, reboot ? PSCI_SYSTEM_RESET : PSCI_SYSTEM_OFF, 0, 0, 0, 0, 0,
		0);
}

long arch_cpu_on(unsigned long hwid, unsigned long ctx)
{
	return fw_call(0, PSCI_CPU_ON_64, hwid,
		       (unsigned long)rt_secondary_entry, ctx, 0, 0, 0)
		.error;
}

__noreturn void arch_cpu_off(void)
{
	fw_call(0, PSCI_CPU_OFF, 0, 0, 0, 0, 0, 0);
	rt_panic("PSCI CPU_OFF returned on vCPU%u", rt_cpu());
}

uint64_t arch_counter(void)
{
	uint64_t t;

	asm volatile("isb; mrs %0, cntvct_el0" : "=r"(t) : : "memory");
	return t;
}

uint64_t arch_counter_freq(void)
{
	uint64_t f;

	asm volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return f ? f : 62500000;
}

void arch_sync_icache(void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p & ~63UL, end = (uintptr_t)p + len;

	for (; a < end; a += 64)
		asm volatile("dc cvau, %0" : : "r"(a) : "memory");
	asm volatile("dsb ish; ic iallu; dsb ish; isb" ::: "memory");
}

unsigned int rt_cpu(void)
{
	unsigned long v;

	asm volatile("mrs %0, tpidr_el1" : "=r"(v));
	return (unsigned int)v;
}

void arch_relax(void)
{
	asm volatile("yield" ::: "memory");
}

/* ---- AArch64 4 KiB-granule stage-1 tables (PV MMU suite) ---- */

#define DESC_VALID (1UL << 0)
#define DESC_TABLE (1UL << 1) /* table (levels 0-2) or page (level 3) */
#define DESC_ATTR_DEVICE (1UL << 2) /* AttrIndx 1 (MAIR attr1) */
#define DESC_AP_RO (1UL << 7) /* AP[2] */
#define DESC_SH_INNER (3UL << 8)
#define DESC_AF (1UL << 10)
#define DESC_PXN (1UL << 53)
#define DESC_UXN (1UL << 54)
#define DESC_ADDR_MASK 0x0000fffffffff000UL

#define SCTLR_M (1UL << 0)
#define SCTLR_C (1UL << 2)
#define SCTLR_I (1UL << 12)

unsigned int arch_pt_format(void)
{
	return XL_PT_FORMAT_ARM64_L4;
}

unsigned int arch_pt_format_alt(void)
{
	return XL_PT_FORMAT_ARM64_L3;
}

unsigned int arch_pt_levels(unsigned int format)
{
	return format == XL_PT_FORMAT_ARM64_L3 ? 3 : 4;
}

uint64_t arch_pte_table(uint64_t pa, unsigned int level)
{
	return (pa & DESC_ADDR_MASK) | DESC_TABLE | DESC_VALID;
}

uint64_t arch_pte_leaf(uint64_t pa, unsigned int level, unsigned int perms)
{
	/* EL1 only (AP[1] clear), never executable at EL0. */
	uint64_t d = (pa & DESC_ADDR_MASK) | DESC_VALID | DESC_AF | DESC_UXN;

	if (level == 1)
		d |= DESC_TABLE; /* a page descriptor */
	if (perms & RT_PT_DEV)
		d |= DESC_ATTR_DEVICE;
	else
		d |= DESC_SH_INNER;
	if (!(perms & RT_PT_W))
		d |= DESC_AP_RO;
	if (!(perms & RT_PT_X))
		d |= DESC_PXN;
	return d;
}

uint64_t arch_pte_reserved(unsigned int level)
{
	/* Level 3 (our L1): bits 1:0 = 01 is reserved; elsewhere RES0 bit 49. */
	if (level == 1)
		return DESC_VALID;
	return DESC_TABLE | DESC_VALID | (1UL << 49);
}

void arch_mmu_on(unsigned int format)
{
	uint64_t t0sz = format == XL_PT_FORMAT_ARM64_L3 ? 25 : 16;
	/* attr0 normal write-back, attr1 device nGnRnE. */
	uint64_t mair = 0xffUL;
	/* TTBR0 walks cacheable inner shareable, 4K granule, TTBR1 walks
	 * off (EPD1), IPS 40 bits. */
	uint64_t tcr = t0sz | (1UL << 8) | (1UL << 10) | (3UL << 12) |
		       (1UL << 23) | (2UL << 32);
	uint64_t sctlr;

	asm volatile("msr mair_el1, %0; msr tcr_el1, %1; isb"
		     :
		     : "r"(mair), "r"(tcr)
		     : "memory");
	arch_tlb_flush_local();
	asm volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
	asm volatile("msr sctlr_el1, %0; isb" : : "r"(sctlr) : "memory");
}

void arch_mmu_off(void)
{
	uint64_t sctlr;

	asm volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	sctlr &= ~(SCTLR_M | SCTLR_C);
	asm volatile("msr sctlr_el1, %0; isb" : : "r"(sctlr) : "memory");
	arch_tlb_flush_local();
}

void arch_tlb_flush_local(void)
{
	asm volatile("dsb ishst; tlbi vmalle1; dsb nsh; isb" ::: "memory");
}

void arch_write_root(uint64_t val)
{
	asm volatile("msr ttbr0_el1, %0; isb" : : "r"(val) : "memory");
}

uint64_t arch_read_root(void)
{
	uint64_t v;

	asm volatile("mrs %0, ttbr0_el1" : "=r"(v) : : "memory");
	return v;
}

/* ------------------------------------------------------------------ */
/* GIC (rt.h): GICv3 (Arm IHI 0069) or GICv2 (Arm IHI 0048B) */

#define GICD_BASE 0x08000000UL
#define GICR_BASE 0x080a0000UL /* GICv3, 128 KiB per vCPU */
#define GICR_SGI 0x10000UL /* its SGI_base frame */
#define GICC_BASE 0x08010000UL /* GICv2 */

static void w32(unsigned long a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static uint32_t r32(unsigned long a)
{
	return *(volatile uint32_t *)a;
}

static void w8(unsigned long a, uint8_t v)
{
	*(volatile uint8_t *)a = v;
}

/* Where the SGI/PPI registers of this vCPU are: GICR SGI frame or GICD. */
static unsigned long priv_base(void)
{
	return rt_env.gic == 3 ? GICR_BASE + 0x20000UL * rt_cpu() + GICR_SGI :
				 GICD_BASE;
}

void rt_gic_cpu_init(void)
{
	if (rt_env.gic == 3) {
		/* GICR_WAKER.ProcessorSleep = 0 */
		w32(GICR_BASE + 0x20000UL * rt_cpu() + 0x14, 0);
		w32(GICD_BASE, 2); /* GICD_CTLR.EnableGrp1 (ARE, DS fixed) */
		asm volatile("msr s3_0_c4_c6_0, %0" : : "r"(0xffUL)); /* PMR */
		asm volatile("msr s3_0_c12_c12_4, %0" : : "r"(0UL)); /* CTLR */
		asm volatile("msr s3_0_c12_c12_7, %0; isb"
			     :
			     : "r"(1UL)); /* ICC_IGRPEN1_EL1 */
	} else {
		w32(GICD_BASE, 1); /* GICD_CTLR: EnableGrp0 */
		w32(GICC_BASE + 0x4, 0xff); /* GICC_PMR */
		w32(GICC_BASE + 0x0, 1); /* GICC_CTLR: EnableGrp0, EOImode 0 */
	}
}

void rt_gic_enable(unsigned int intid, unsigned int prio, bool on)
{
	unsigned long base = intid < 32 ? priv_base() : GICD_BASE;
	unsigned long word = 4 * (intid / 32);
	uint32_t bit = 1U << (intid % 32);

	if (rt_env.gic == 3) {
		/* Group 1 */
		w32(base + 0x80 + word, r32(base + 0x80 + word) | bit);
		if (intid >= 32) /* GICD_IROUTER: affinity 0.0.0.0 */
			*(volatile uint64_t *)(GICD_BASE + 0x6000 + 8 * intid) =
				0;
	} else if (intid >= 32) {
		w8(GICD_BASE + 0x800 + intid, 1); /* ITARGETSR: CPU 0 */
	}
	w8(base + 0x400 + intid, prio);
	w32(base + (on ? 0x100 : 0x180) + word, bit);
}

unsigned int rt_gic_ack(void)
{
	unsigned long iar;

	if (rt_env.gic == 3)
		asm volatile("mrs %0, s3_0_c12_c12_0" : "=r"(iar)); /* IAR1 */
	else
		iar = r32(GICC_BASE + 0xc);
	return iar;
}

void rt_gic_eoi(unsigned int iar)
{
	if (rt_env.gic == 3)
		asm volatile("msr s3_0_c12_c12_1, %0; isb"
			     :
			     : "r"((unsigned long)iar)); /* ICC_EOIR1_EL1 */
	else
		w32(GICC_BASE + 0x10, iar);
}

void rt_gic_send_sgi(unsigned int cpu, unsigned int sgi)
{
	uint64_t hwid = rt_env.cpu_hwid[cpu % RT_MAX_CPUS];

	asm volatile("dsb ishst" ::: "memory");
	if (rt_env.gic == 3) {
		/* ICC_SGI1R_EL1: Aff1 [23:16], INTID [27:24], list [15:0] */
		uint64_t v = (((hwid >> 8) & 0xff) << 16) |
			     ((uint64_t)(sgi & 15) << 24) |
			     (1UL << (hwid & 15));

		asm volatile("msr s3_0_c12_c11_5, %0; isb" : : "r"(v));
	} else {
		/* GICD_SGIR: target list [23:16], INTID [3:0] */
		w32(GICD_BASE + 0xf00, (1U << (16 + cpu)) | (sgi & 15));
	}
}
