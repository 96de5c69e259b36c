// SPDX-License-Identifier: MIT
/*
 * cpufeat: the CPU features a guest must not half-see (Arm; issue 19 item
 * 5). xen-lite does not switch the state of SVE, SME, pointer
 * authentication or MTE, so it hides them: their ID register fields read
 * as zero (Arm ARM (DDI 0487 K.a): ID_AA64PFR0_EL1.SVE, ID_AA64PFR1_EL1.SME
 * and .MTE, ID_AA64ISAR1_EL1.APA/API/GPA/GPI, the whole of
 * ID_AA64ISAR2_EL1, ID_AA64ZFR0_EL1, ID_AA64SMFR0_EL1), and every use
 * that would reach their state is UNDEFINED to the guest, as on a CPU
 * without them: an SVE instruction (RDVL) and ZCR_EL1, SMSTART, RDSVL,
 * SMCR_EL1 and TPIDR2_EL0, PACGA and the PAuth key registers, MTE's
 * GCR_EL1, RGSR_EL1 and TFSR_EL1. Each must end in an Undefined
 * Instruction exception at EL1 (ESR_EL1.EC 0), never in a crash of the
 * domain or in state another guest left. On a CPU without the features
 * (QEMU's cortex-a72) the same holds by the hardware; on -cpu max
 * (QEMU 10) it is xen-lite's doing.
 * RISC-V: nothing (not run).
 */
#include <rt.h>

const char rt_suite[] = "cpufeat";

#ifdef __aarch64__
#define RD(name, enc)                                                \
	static void rd_##name(void *p)                               \
	{                                                            \
		uint64_t v;                                          \
		asm volatile("mrs %0, " enc : "=r"(v) : : "memory"); \
		*(uint64_t *)p = v;                                  \
	}
#define WR(name, enc)                              \
	static void wr_##name(void *p)             \
	{                                          \
		asm volatile("msr " enc ", %0"     \
			     :                     \
			     : "r"(*(uint64_t *)p) \
			     : "memory");          \
	}

RD(pfr0, "s3_0_c0_c4_0")
RD(pfr1, "s3_0_c0_c4_1")
RD(zfr0, "s3_0_c0_c4_4")
RD(smfr0, "s3_0_c0_c4_5")
RD(isar1, "s3_0_c0_c6_1")
RD(isar2, "s3_0_c0_c6_2")
RD(zcr, "s3_0_c1_c2_0")
RD(smcr, "s3_0_c1_c2_6")
RD(tpidr2, "s3_3_c13_c0_5")
RD(apiakeylo, "s3_0_c2_c1_0")
RD(apgakeylo, "s3_0_c2_c3_0")
RD(gcr, "s3_0_c1_c0_6")
RD(rgsr, "s3_0_c1_c0_5")
RD(tfsr, "s3_0_c5_c6_0")
WR(tpidr2, "s3_3_c13_c0_5")
WR(apiakeylo, "s3_0_c2_c1_0")
WR(gcr, "s3_0_c1_c0_6")

static void rdvl(void *p)
{
	/* RDVL x0, #1 (SVE) */
	asm volatile(".inst 0x04bf5020" ::: "x0", "memory");
}

static void smstart(void *p)
{
	/* SMSTART (MSR SVCRSMZA, #1) */
	asm volatile(".inst 0xd503477f" ::: "memory");
}

static void rdsvl(void *p)
{
	/* RDSVL x0, #1 (SME) */
	asm volatile(".inst 0x04bf5820" ::: "x0", "memory");
}

static void pacga(void *p)
{
	/* PACGA x0, x1, x2 (not in the HINT space) */
	asm volatile(".inst 0x9ac23020" ::: "x0", "memory");
}

/* @fn must end in an Undefined Instruction exception (ESR_EL1.EC 0). */
static void undef(const char *name, void (*fn)(void *))
{
	uint64_t v = 0x5a5a5a5a5a5a5a5aULL;
	struct rt_fault f = { 0 };
	bool took = rt_catch(fn, &v, &f);

	rt_check(took && (f.cause >> 26) == 0, name,
		 "%s (ESR_EL1 %#lx, read %#llx)",
		 took ? "not an Undefined Instruction exception" : "executed",
		 f.cause, (unsigned long long)v);
}

/* ID register read by @fn: the bits of @mask must be zero. */
static void id_hidden(const char *name, void (*fn)(void *), uint64_t mask)
{
	uint64_t v = 0;
	struct rt_fault f = { 0 };

	if (!rt_check(!rt_catch(fn, &v, &f), name, "read trapped (ESR %#lx)",
		      f.cause))
		return;
	rt_check(!(v & mask), name, "%#llx has bits of %#llx set",
		 (unsigned long long)v, (unsigned long long)mask);
}

/*
 * CPACR_EL1: FPEN [21:20], ZEN [17:16], SMEN [25:24] all 0b11, so that
 * nothing traps at EL1 and every use reaches xen-lite's traps (with them
 * clear, the CPU raises its SVE / SME / FP access trap at EL1 first, EC
 * 0x19 / 0x1D / 0x07, which xen-lite cannot see: the architecture
 * prioritises the EL1 trap).
 */
static void cpacr_all_on(void)
{
	uint64_t v;

	asm volatile("mrs %0, cpacr_el1" : "=r"(v));
	v |= (3UL << 20) | (3UL << 16) | (3UL << 24);
	asm volatile("msr cpacr_el1, %0; isb" : : "r"(v));
}

int test_main(void)
{
	cpacr_all_on();
	/* PFR0.SVE [35:32]; PFR1.MTE [11:8], SME [27:24]; ISAR1 APA, API,
	 * GPA, GPI; ISAR2, ZFR0, SMFR0 whole. */
	id_hidden("id_sve", rd_pfr0, 0xfULL << 32);
	id_hidden("id_mte_sme", rd_pfr1, (0xfULL << 8) | (0xfULL << 24));
	id_hidden("id_pauth", rd_isar1,
		  (0xfULL << 4) | (0xfULL << 8) | (0xfULL << 24) |
			  (0xfULL << 28));
	id_hidden("id_isar2", rd_isar2, ~0ULL);
	id_hidden("id_zfr0", rd_zfr0, ~0ULL);
	id_hidden("id_smfr0", rd_smfr0, ~0ULL);

	undef("sve_rdvl", rdvl);
	undef("sve_zcr", rd_zcr);
	undef("sme_smstart", smstart);
	undef("sme_rdsvl", rdsvl);
	undef("sme_smcr", rd_smcr);
	undef("sme_tpidr2_read", rd_tpidr2);
	undef("sme_tpidr2_write", wr_tpidr2);
	undef("pauth_pacga", pacga);
	undef("pauth_key_read", rd_apiakeylo);
	undef("pauth_key_write", wr_apiakeylo);
	undef("pauth_gkey_read", rd_apgakeylo);
	undef("mte_gcr_read", rd_gcr);
	undef("mte_gcr_write", wr_gcr);
	undef("mte_rgsr", rd_rgsr);
	undef("mte_tfsr", rd_tfsr);
	return 0;
}
#else
int test_main(void)
{
	return 0;
}
#endif
