// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the Arm trapped system-register handler (ESR EC 0x18,
 * arm_handle_exit() of arch/arm/exit.c -> vcpu_handle_sysreg() of
 * arch/arm/sysreg.c, with the PV MMU's TVM write emulation
 * arm_pv_vm_reg_write() of arch/arm/pv_mm.c and the Undefined exception
 * of arch/arm/inject.c), linked as they are (tests/fuzz/Makefile). The
 * EL1 and ID system registers are a named register file in the harness
 * (under XL_HOST_TEST, arch/arm/include/asm/sysregs.h turns mrs/msr into
 * calls of xl_host_sysreg_read()/xl_host_sysreg_write()), filled from the
 * input; vgic_sgi1r() is a recording stub.
 *
 * An input is a short sequence of trapped accesses (any ISS: Op0, Op1,
 * CRn, CRm, Op2, Rt, direction) from EL0t, EL1t or EL1h, each with the
 * value of Rt. After each one it is checked against a reference written
 * from the encodings of Arm ARM (DDI 0487 K.a) and the handler's own rules
 * (the comments of vcpu_handle_sysreg(), id_reg_read(),
 * arm_pv_vm_reg_write(), tcr_sanitize()):
 *
 *  - exactly one outcome: emulated (pc + 4, pstate untouched, a read
 *    writes only Rt and nothing for Rt = 31, a write changes only the
 *    register it names, with the value the rules give) or an Undefined
 *    exception (pc, x0..x30 untouched before the vector; ESR_EL1 =
 *    EC 0 with IL, ELR_EL1 = pc, SPSR_EL1 = pstate, pc = VBAR_EL1 + the
 *    vector offset of the mode it came from, pstate = EL1h with DAIF
 *    masked, and no other register written);
 *  - which of the two, per register: ID group 3 reads return the
 *    hardware value with the documented fields hidden (ID_AA64PFR0: SVE,
 *    MPAM, AMU; ID_AA64PFR1: MTE, SME; ID_AA64ISAR1: APA, API, GPA, GPI;
 *    ID_AA64DFR0: TraceVer, PMUVer; ID_DFR0: CopTrc, PerfMon)
 *    or zero for the reserved encodings, and writes to them are refused;
 *    debug (Op0 = 2) and PMU registers, ACTLR_EL1, AIDR_EL1, REVIDR_EL1
 *    and the EL1 physical timer are RAZ/WI; ICC_SGI1R_EL1 writes reach
 *    vgic_sgi1r() once with Rt's value (0 for XZR), ICC_ASGI1R/SGI0R
 *    writes are ignored, reads of the three are refused; TVM registers:
 *    reads refused (never trapped), TTBR0/TTBR1_EL1 writes refused (the
 *    roots belong to the PV MMU), SCTLR_EL1 written without EE, TCR_EL1
 *    with 4 KiB granules, no HA/HD/DS and TnSZ clamped to the levels of
 *    the installed root, the others as written; anything else refused;
 *  - no TLB maintenance, no hardware register read that the reference
 *    does not name (reading an unmodelled register aborts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <xen-lite/domain.h>
#include <xen-lite/p2m.h>
#include <xen-lite/smp.h>
#include <asm/exit.h>
#include <asm/regs.h>
#include <asm/sysregs.h>
#include <asm/vcpu.h>

#include "fuzz_check.h"
#include "fuzz_input.h"

struct pcpu pcpu_info[CONFIG_NR_CPUS];
cpumask_t cpu_online_map;
unsigned int nr_cpu_ids = 1;
struct pcpu *fuzz_this_cpu = &pcpu_info[0];

static struct domain dom;
static struct vcpu vcpu;
static struct p2m_domain p2m;

/* What the stubs saw during one access. */
static struct {
	unsigned int tlbi, other_asm, sgi;
	u64 sgi_val;
} s;

/* splitmix64: register contents from a seed in the input. */
static u64 mix(u64 *x)
{
	u64 z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * The register file: every register the handler may read or write, by
 * the name the code passes to mrs/msr. ID registers first, with their
 * encoding (CRm, Op2 in Op0 3, Op1 0, CRn 0) and the fields the handler
 * documents as hidden from guests (field positions:
 * Arm ARM (DDI 0487 K.a), the ID register descriptions).
 */
#define F(hi, lo) ((~0ULL >> (63 - (hi))) & ~((1ULL << (lo)) - 1))

struct sreg {
	const char *name;
	int crm, op2; /* ID registers; -1 otherwise */
	u64 hide;
	u64 val;
};

static struct sreg regs[] = {
	{ "S3_0_C0_C1_0", 1, 0, 0 }, /* ID_PFR0_EL1 */
	{ "S3_0_C0_C1_1", 1, 1, 0 }, /* ID_PFR1_EL1 */
	{ "S3_0_C0_C1_2", 1, 2, F(15, 12) | F(27, 24) }, /* ID_DFR0_EL1 */
	{ "S3_0_C0_C1_3", 1, 3, 0 }, /* ID_AFR0_EL1 */
	{ "S3_0_C0_C1_4", 1, 4, 0 }, /* ID_MMFR0_EL1 */
	{ "S3_0_C0_C1_5", 1, 5, 0 }, /* ID_MMFR1_EL1 */
	{ "S3_0_C0_C1_6", 1, 6, 0 }, /* ID_MMFR2_EL1 */
	{ "S3_0_C0_C1_7", 1, 7, 0 }, /* ID_MMFR3_EL1 */
	{ "S3_0_C0_C2_0", 2, 0, 0 }, /* ID_ISAR0_EL1 */
	{ "S3_0_C0_C2_1", 2, 1, 0 }, /* ID_ISAR1_EL1 */
	{ "S3_0_C0_C2_2", 2, 2, 0 }, /* ID_ISAR2_EL1 */
	{ "S3_0_C0_C2_3", 2, 3, 0 }, /* ID_ISAR3_EL1 */
	{ "S3_0_C0_C2_4", 2, 4, 0 }, /* ID_ISAR4_EL1 */
	{ "S3_0_C0_C2_5", 2, 5, 0 }, /* ID_ISAR5_EL1 */
	{ "S3_0_C0_C3_0", 3, 0, 0 }, /* MVFR0_EL1 */
	{ "S3_0_C0_C3_1", 3, 1, 0 }, /* MVFR1_EL1 */
	{ "S3_0_C0_C3_2", 3, 2, 0 }, /* MVFR2_EL1 */
	/* ID_AA64PFR0_EL1: SVE [35:32], MPAM [43:40], AMU [47:44] */
	{ "id_aa64pfr0_el1", 4, 0, F(35, 32) | F(43, 40) | F(47, 44) },
	/* ID_AA64PFR1_EL1: MTE [11:8], SME [27:24] */
	{ "id_aa64pfr1_el1", 4, 1, F(11, 8) | F(27, 24) },
	/* ID_AA64DFR0_EL1: TraceVer [7:4], PMUVer [11:8] */
	{ "id_aa64dfr0_el1", 5, 0, F(7, 4) | F(11, 8) },
	{ "id_aa64dfr1_el1", 5, 1, 0 },
	{ "id_aa64afr0_el1", 5, 4, 0 },
	{ "id_aa64afr1_el1", 5, 5, 0 },
	{ "id_aa64isar0_el1", 6, 0, 0 },
	/* ID_AA64ISAR1_EL1: APA [7:4], API [11:8], GPA [27:24], GPI [31:28] */
	{ "id_aa64isar1_el1", 6, 1,
	  F(7, 4) | F(11, 8) | F(27, 24) | F(31, 28) },
	{ "id_aa64mmfr0_el1", 7, 0, 0 },
	{ "id_aa64mmfr1_el1", 7, 1, 0 },
	{ "id_aa64mmfr2_el1", 7, 2, 0 },
#define NR_ID 28
	{ "esr_el2", -1 },
	{ "sctlr_el1", -1 },
	{ "ttbr0_el1", -1 },
	{ "ttbr1_el1", -1 },
	{ "tcr_el1", -1 },
	{ "afsr0_el1", -1 },
	{ "afsr1_el1", -1 },
	{ "esr_el1", -1 },
	{ "far_el1", -1 },
	{ "mair_el1", -1 },
	{ "amair_el1", -1 },
	{ "contextidr_el1", -1 },
	{ "elr_el1", -1 },
	{ "spsr_el1", -1 },
	{ "vbar_el1", -1 },
};

#define NR_REGS ARRAY_SIZE(regs)

static struct sreg *reg_named_slow(const char *name)
{
	for (unsigned int i = 0; i < NR_REGS; i++)
		if (!strcmp(regs[i].name, name))
			return &regs[i];
	return NULL;
}

/*
 * Names are string literals (__stringify() in asm/sysregs.h, the
 * harness's own): remember each pointer's register once. The strcmp()
 * loop on every access was most of the run time (each call also fed the
 * fuzzer's comparison hooks values the input cannot reach), so the
 * lookup is memoised by address; the first lookup of an address still
 * goes by name, so an unmodelled register is still refused.
 */
#define NAME_CACHE 256
static struct {
	const char *name;
	struct sreg *r;
} name_cache[NAME_CACHE];

static struct sreg *reg_named(const char *name)
{
	unsigned int h = ((uintptr_t)name >> 3) % NAME_CACHE;

	for (unsigned int k = 0; k < NAME_CACHE; k++) {
		unsigned int i = (h + k) % NAME_CACHE;

		if (name_cache[i].name == name)
			return name_cache[i].r;
		if (!name_cache[i].name) {
			struct sreg *r = reg_named_slow(name);

			if (r) {
				name_cache[i].name = name;
				name_cache[i].r = r;
			}
			return r;
		}
	}
	return reg_named_slow(name);
}

static u64 *reg(const char *name)
{
	struct sreg *r = reg_named(name);

	CHECK(r);
	return &r->val;
}

/* Writes of one access, in order. */
static struct {
	unsigned int n;
	struct sreg *reg[8];
	u64 val[8];
} wlog;

u64 xl_host_sysreg_read(const char *name)
{
	struct sreg *r = reg_named(name);

	if (!r) {
		fprintf(stderr, "read of unmodelled register %s\n", name);
		abort();
	}
	return r->val;
}

void xl_host_sysreg_write(const char *name, u64 val)
{
	struct sreg *r = reg_named(name);

	if (!r) {
		fprintf(stderr, "write of unmodelled register %s\n", name);
		abort();
	}
	CHECK(r->crm < 0); /* ID registers are read-only */
	CHECK(wlog.n < ARRAY_SIZE(wlog.reg));
	wlog.reg[wlog.n] = r;
	wlog.val[wlog.n++] = val;
	r->val = val;
}

/* Classified once per instruction text (a literal), as reg_named(). */
static int insn_kind(const char *text)
{
	static struct {
		const char *text;
		int kind;
	} memo[32];
	unsigned int i;
	int kind;

	for (i = 0; i < ARRAY_SIZE(memo) && memo[i].text; i++)
		if (memo[i].text == text)
			return memo[i].kind;
	kind = strstr(text, "tlbi")			      ? 1 :
	       (!strstr(text, "isb") && !strstr(text, "dsb")) ? 2 :
								0;
	if (i < ARRAY_SIZE(memo)) {
		memo[i].text = text;
		memo[i].kind = kind;
	}
	return kind;
}

void xl_host_insn(const char *text, u64 arg)
{
	switch (insn_kind(text)) {
	case 1:
		s.tlbi++;
		break;
	case 2:
		s.other_asm++;
		break;
	}
}

/*
 * Stubs of what exit.c, sysreg.c, inject.c and pv_mm.c call; only
 * vgic_sgi1r() may be.
 */
void vgic_sgi1r(struct vcpu *v, u64 val)
{
	CHECK(v == &vcpu);
	s.sgi++;
	s.sgi_val = val;
}

#define NOT_REACHED(...)                                   \
	do {                                               \
		fprintf(stderr, "%s reached\n", __func__); \
		abort();                                   \
	} while (0)

void fpsimd_restore(const struct fpsimd_state *st)
{
	NOT_REACHED();
}

void vgic_inject(struct domain *d, struct vcpu *v, unsigned int irq, bool hw)
{
	NOT_REACHED();
}

bool vgic_irq_state(struct vcpu *v, unsigned int irq)
{
	NOT_REACHED();
}

bool vgic_vcpu_pending(struct vcpu *v)
{
	NOT_REACHED();
}

void gicv3_set_ppi_active(unsigned int irq, bool active)
{
	NOT_REACHED();
}

void gic_handle_irqs(void)
{
	NOT_REACHED();
}

u64 arch_counter_read(void)
{
	NOT_REACHED();
}

void vcpu_block(struct vcpu *v, u64 wake)
{
	NOT_REACHED();
}

void vcpu_wake(struct vcpu *v)
{
	NOT_REACHED();
}

void vcpu_kick(struct vcpu *v)
{
	NOT_REACHED();
}

bool vcpu_handle_smccc(struct vcpu *v)
{
	NOT_REACHED();
}

bool p2m_fault_retry(struct p2m_domain *p, gfn_t gfn, bool write, bool exec)
{
	NOT_REACHED();
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	NOT_REACHED();
}

int pv_mm_emulate_write(struct vcpu *v, paddr_t gpa, u64 val, unsigned int size)
{
	NOT_REACHED();
}

bool p2m_access_allowed(p2m_type_t t, bool write, bool exec)
{
	NOT_REACHED();
}

mfn_t p2m_lookup(struct p2m_domain *p, gfn_t gfn, p2m_type_t *t,
		 unsigned int *order)
{
	NOT_REACHED();
}

/*
 * The reference: what one trapped access must do, from the encodings of
 * Arm ARM (DDI 0487 K.a) (the AArch64 system register descriptions) and
 * the rules the handler documents.
 */
#define ENC(op0, op1, crn, crm, op2) \
	(((op0) << 16) | ((op1) << 12) | ((crn) << 8) | ((crm) << 4) | (op2))

struct expect {
	bool emulated; /* else an Undefined exception */
	u64 val; /* emulated read: the value Rt gets */
	struct sreg *wreg; /* emulated write: the one register written */
	u64 wval;
	bool sgi; /* vgic_sgi1r() called once with sgi_val */
	u64 sgi_val;
};

/* TnSZ at @shift kept to a walk starting at the root of @levels levels. */
static u64 tsz_ref(u64 tcr, unsigned int shift, unsigned int levels)
{
	u64 tsz = (tcr >> shift) & 0x3f;
	u64 lo = levels == 4 ? 16 : 25; /* 4 KiB granule (TCR_EL1.TnSZ) */
	u64 hi = lo + 8;

	tsz = tsz < lo ? lo : tsz > hi ? hi : tsz;
	return (tcr & ~(0x3fULL << shift)) | (tsz << shift);
}

/* TCR_EL1 of a PV domain: TG0 = 4K (0b00), TG1 = 4K (0b10), no HA/HD/DS */
static u64 tcr_ref(u64 tcr)
{
	tcr &= ~(F(15, 14) | F(31, 30) | F(39, 39) | F(40, 40) | F(59, 59));
	tcr |= 2ULL << 30;
	if (vcpu.arch.pv_levels[0])
		tcr = tsz_ref(tcr, 0, vcpu.arch.pv_levels[0]);
	if (vcpu.arch.pv_levels[1])
		tcr = tsz_ref(tcr, 16, vcpu.arch.pv_levels[1]);
	return tcr;
}

static void reference(unsigned int op0, unsigned int op1, unsigned int crn,
		      unsigned int crm, unsigned int op2, bool read, u64 val,
		      struct expect *e)
{
	memset(e, 0, sizeof(*e));
	/* ID group 3 (HCR_EL2.TID3): read-only, filtered, reserved RAZ. */
	if (op0 == 3 && op1 == 0 && crn == 0 && crm >= 1 && crm <= 7) {
		if (!read)
			return;
		e->emulated = true;
		for (unsigned int i = 0; i < NR_ID; i++)
			if (regs[i].crm == crm && regs[i].op2 == op2)
				e->val = regs[i].val & ~regs[i].hide;
		return;
	}
	/* Debug (Op0 2) and PMU (CRn 9, CRm 12..14): RAZ/WI. */
	if (op0 == 2 || (op0 == 3 && (op1 == 0 || op1 == 3) && crn == 9 &&
			 crm >= 12 && crm <= 14)) {
		e->emulated = true;
		return;
	}
	switch (ENC(op0, op1, crn, crm, op2)) {
	case ENC(3, 0, 12, 11, 5): /* ICC_SGI1R_EL1 */
		if (!read) {
			e->emulated = true;
			e->sgi = true;
			e->sgi_val = val;
		}
		return;
	case ENC(3, 0, 12, 11, 6): /* ICC_ASGI1R_EL1 */
	case ENC(3, 0, 12, 11, 7): /* ICC_SGI0R_EL1 */
		e->emulated = !read;
		return;
	case ENC(3, 0, 1, 0, 1): /* ACTLR_EL1 (TACR) */
	case ENC(3, 1, 0, 0, 7): /* AIDR_EL1 (TID1) */
	case ENC(3, 0, 0, 0, 6): /* REVIDR_EL1 (TID1) */
	case ENC(3, 3, 14, 2, 0): /* CNTP_TVAL_EL0 (CNTHCTL_EL2.EL1PCEN) */
	case ENC(3, 3, 14, 2, 1): /* CNTP_CTL_EL0 */
	case ENC(3, 3, 14, 2, 2): /* CNTP_CVAL_EL0 */
		e->emulated = true;
		return;
	}
	/* HCR_EL2.TVM: writes only; the TTBRs belong to the PV MMU. */
	if (read)
		return;
	switch (ENC(op0, op1, crn, crm, op2)) {
	case ENC(3, 0, 1, 0, 0): /* SCTLR_EL1: little-endian walks */
		e->wreg = reg_named("sctlr_el1");
		e->wval = val & ~F(25, 25); /* EE */
		break;
	case ENC(3, 0, 2, 0, 2):
		e->wreg = reg_named("tcr_el1");
		e->wval = tcr_ref(val);
		break;
	case ENC(3, 0, 5, 1, 0):
		e->wreg = reg_named("afsr0_el1");
		break;
	case ENC(3, 0, 5, 1, 1):
		e->wreg = reg_named("afsr1_el1");
		break;
	case ENC(3, 0, 5, 2, 0):
		e->wreg = reg_named("esr_el1");
		break;
	case ENC(3, 0, 6, 0, 0):
		e->wreg = reg_named("far_el1");
		break;
	case ENC(3, 0, 10, 2, 0):
		e->wreg = reg_named("mair_el1");
		break;
	case ENC(3, 0, 10, 3, 0):
		e->wreg = reg_named("amair_el1");
		break;
	case ENC(3, 0, 13, 0, 1):
		e->wreg = reg_named("contextidr_el1");
		break;
	default: /* TTBR0_EL1, TTBR1_EL1 and the rest */
		return;
	}
	CHECK(e->wreg);
	if (e->wreg != reg_named("sctlr_el1") &&
	    e->wreg != reg_named("tcr_el1"))
		e->wval = val;
	e->emulated = true;
}

static bool verbose;

/* One trapped access with ISS @iss from mode byte @m, Rt holding @rtval. */
static void one_access(u32 iss, u8 m, u64 rtval)
{
	static const u64 modes[3] = { PSR_MODE_EL0t, PSR_MODE_EL1t,
				      PSR_MODE_EL1h };
	/* Arm ARM (DDI 0487 K.a) "Exception vectors" */
	static const u64 vec[3] = { 0x400, 0x000, 0x200 };
	struct cpu_regs *r = &vcpu.arch.regs, before;
	unsigned int op0 = (iss >> 20) & 3, op2 = (iss >> 17) & 7;
	unsigned int op1 = (iss >> 14) & 7, crn = (iss >> 10) & 15;
	unsigned int rt = (iss >> 5) & 31, crm = (iss >> 1) & 15;
	bool read = iss & 1;
	u64 sr_before[NR_REGS], hcr = vcpu.arch.hcr;
	u8 levels[2] = { vcpu.arch.pv_levels[0], vcpu.arch.pv_levels[1] };
	struct expect e;

	r->pstate = modes[m % 3] | ((m & 4) ? PSR_DAIF : 0) |
		    ((u64)(m >> 4) << 28);
	if (rt != 31)
		r->x[rt] = rtval;
	*reg("esr_el2") = ((u64)EC_SYS64 << ESR_EC_SHIFT) | ESR_IL | iss;
	before = *r;
	for (unsigned int i = 0; i < NR_REGS; i++)
		sr_before[i] = regs[i].val;
	memset(&s, 0, sizeof(s));
	wlog.n = 0;
	reference(op0, op1, crn, crm, op2, read, rt == 31 ? 0 : rtval, &e);
	if (verbose)
		fprintf(stderr,
			"op0 %u op1 %u c%u c%u op2 %u x%u %s %#llx: expect %s\n",
			op0, op1, crn, crm, op2, rt, read ? "read" : "write",
			(unsigned long long)rtval,
			e.emulated ? "emulated" : "undef");

	CHECK(arm_handle_exit(&vcpu, EXIT_SYNC, *reg("esr_el2")));

	CHECK(s.tlbi == 0 && s.other_asm == 0);
	CHECK(vcpu.arch.hcr == hcr && vcpu.arch.loaded);
	CHECK(vcpu.arch.pv_levels[0] == levels[0] &&
	      vcpu.arch.pv_levels[1] == levels[1]);
	CHECK(r->sp == before.sp);
	CHECK(s.sgi == e.sgi);
	if (e.sgi)
		CHECK(s.sgi_val == e.sgi_val);
	if (e.emulated) {
		CHECK(r->pc == before.pc + 4);
		CHECK(r->pstate == before.pstate);
		for (unsigned int i = 0; i < 31; i++)
			CHECK(r->x[i] ==
			      ((read && i == rt) ? e.val : before.x[i]));
		if (e.wreg) {
			CHECK(wlog.n == 1);
			CHECK(wlog.reg[0] == e.wreg);
			CHECK(wlog.val[0] == e.wval);
		} else {
			CHECK(wlog.n == 0);
		}
		return;
	}
	/* Undefined exception at the trapping instruction. */
	for (unsigned int i = 0; i < 31; i++)
		CHECK(r->x[i] == before.x[i]);
	CHECK(wlog.n == 3);
	for (unsigned int i = 0; i < NR_REGS; i++) {
		struct sreg *sr = &regs[i];
		unsigned int n = 0;

		for (unsigned int j = 0; j < wlog.n; j++)
			n += wlog.reg[j] == sr;
		if (sr == reg_named("esr_el1"))
			CHECK(n == 1 &&
			      sr->val == (ESR_IL | (EC_UNKNOWN << 26)));
		else if (sr == reg_named("elr_el1"))
			CHECK(n == 1 && sr->val == before.pc);
		else if (sr == reg_named("spsr_el1"))
			CHECK(n == 1 && sr->val == before.pstate);
		else
			CHECK(n == 0 && sr->val == sr_before[i]);
	}
	CHECK(r->pc == *reg("vbar_el1") + vec[m % 3]);
	CHECK(r->pstate == (PSR_MODE_EL1h | PSR_DAIF));
}

/*
 * Input: a flags byte (bits 0-1: levels of the TTBR0 root, 2-3: of the
 * TTBR1 root, {none, 3, 4, none}; bit 4: every register all ones), an
 * 8-byte seed for the register contents, then up to 16 accesses of 13
 * bytes: the ISS (4 bytes, big-endian, bits 24:0 used), the mode byte
 * (mode EL0t/EL1t/EL1h = byte % 3, bit 2 DAIF, bits 7:4 NZCV) and Rt's
 * value (8 bytes, big-endian).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u8 lv[4] = { 0, 3, 4, 0 };
	struct cpu_regs *r = &vcpu.arch.regs;
	u8 flags;
	u64 seed;

	CHECK(regs[NR_ID - 1].crm > 0 && regs[NR_ID].crm < 0);
	verbose = getenv("XL_FUZZ_VERBOSE");
	in_p = data;
	in_end = data + size;
	flags = in8();
	seed = in64();
	memset(&dom, 0, sizeof(dom));
	memset(&vcpu, 0, sizeof(vcpu));
	memset(&p2m, 0, sizeof(p2m));
	memset(pcpu_info, 0, sizeof(pcpu_info));
	dom.id = 1;
	dom.nr_vcpus = 1;
	dom.vcpus[0] = &vcpu;
	dom.p2m = &p2m;
	dom.state = DOM_RUNNING;
	dom.pv_mm_active = true;
	vcpu.domain = &dom;
	vcpu.state = VCPU_RUNNING;
	vcpu.arch.loaded = true;
	vcpu.arch.hcr = GUEST_HCR | HCR_TVM;
	vcpu.arch.pv_levels[0] = lv[flags & 3];
	vcpu.arch.pv_levels[1] = lv[(flags >> 2) & 3];
	pcpu_info[0].curr = &vcpu;
	for (unsigned int i = 0; i < NR_REGS; i++)
		regs[i].val = (flags & 0x10) ? ~0ULL : mix(&seed);
	*reg("vbar_el1") &= ~0x7ffULL; /* bits 10:0 RES0 */
	for (unsigned int i = 0; i < 31; i++)
		r->x[i] = mix(&seed);
	r->sp = mix(&seed);
	r->pc = mix(&seed) & ~3ULL;
	for (unsigned int n = 0; n < 16 && in_p < in_end; n++) {
		u32 iss = 0;
		u8 m;

		for (int i = 0; i < 4; i++)
			iss = (iss << 8) | in8();
		m = in8();
		one_access(iss & ESR_ISS_MASK, m, in64());
	}
	return 0;
}
