/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AArch64 system register access and the bit layouts the hypervisor uses.
 * References are to Arm ARM (DDI 0487 K.a), the AArch64 system register
 * descriptions, by register name.
 */
#ifndef ASM_ARM_SYSREGS_H
#define ASM_ARM_SYSREGS_H

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

#ifdef __ASSEMBLY__
#define _UL(x) x
#else
#define _UL(x) x##UL
#endif

/* GICv3 CPU interface registers, by encoding (older assemblers). */
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_HPPIR1_EL1 S3_0_C12_C12_2
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define ICC_DIR_EL1 S3_0_C12_C11_1
#define ICC_SGI1R_EL1 S3_0_C12_C11_5
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_SRE_EL1 S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_SRE_EL2 S3_4_C12_C9_5

#define ICH_AP0R0_EL2 S3_4_C12_C8_0
#define ICH_AP1R0_EL2 S3_4_C12_C9_0
#define ICH_HCR_EL2 S3_4_C12_C11_0
#define ICH_VTR_EL2 S3_4_C12_C11_1
#define ICH_MISR_EL2 S3_4_C12_C11_2
#define ICH_EISR_EL2 S3_4_C12_C11_3
#define ICH_ELRSR_EL2 S3_4_C12_C11_5
#define ICH_VMCR_EL2 S3_4_C12_C11_7
#define ICH_LR0_EL2 S3_4_C12_C12_0
#define ICH_LR1_EL2 S3_4_C12_C12_1
#define ICH_LR2_EL2 S3_4_C12_C12_2
#define ICH_LR3_EL2 S3_4_C12_C12_3
#define ICH_LR4_EL2 S3_4_C12_C12_4
#define ICH_LR5_EL2 S3_4_C12_C12_5
#define ICH_LR6_EL2 S3_4_C12_C12_6
#define ICH_LR7_EL2 S3_4_C12_C12_7
#define ICH_LR8_EL2 S3_4_C12_C13_0
#define ICH_LR9_EL2 S3_4_C12_C13_1
#define ICH_LR10_EL2 S3_4_C12_C13_2
#define ICH_LR11_EL2 S3_4_C12_C13_3
#define ICH_LR12_EL2 S3_4_C12_C13_4
#define ICH_LR13_EL2 S3_4_C12_C13_5
#define ICH_LR14_EL2 S3_4_C12_C13_6
#define ICH_LR15_EL2 S3_4_C12_C13_7

/* CurrentEL */
#define CURRENTEL_EL2 (_UL(2) << 2)

/* HCR_EL2 */
#define HCR_VM (_UL(1) << 0)
#define HCR_SWIO (_UL(1) << 1)
#define HCR_PTW (_UL(1) << 2)
#define HCR_FMO (_UL(1) << 3)
#define HCR_IMO (_UL(1) << 4)
#define HCR_AMO (_UL(1) << 5)
#define HCR_VF (_UL(1) << 6)
#define HCR_VI (_UL(1) << 7)
#define HCR_VSE (_UL(1) << 8)
#define HCR_FB (_UL(1) << 9)
#define HCR_BSU_IS (_UL(1) << 10)
#define HCR_DC (_UL(1) << 12)
#define HCR_TWI (_UL(1) << 13)
#define HCR_TWE (_UL(1) << 14)
#define HCR_TID0 (_UL(1) << 15)
#define HCR_TID1 (_UL(1) << 16)
#define HCR_TID2 (_UL(1) << 17)
#define HCR_TID3 (_UL(1) << 18)
#define HCR_TSC (_UL(1) << 19)
#define HCR_TIDCP (_UL(1) << 20)
#define HCR_TACR (_UL(1) << 21)
#define HCR_TSW (_UL(1) << 22)
#define HCR_TPCP (_UL(1) << 23)
#define HCR_TPU (_UL(1) << 24)
#define HCR_TTLB (_UL(1) << 25)
#define HCR_TVM (_UL(1) << 26)
#define HCR_TGE (_UL(1) << 27)
#define HCR_TDZ (_UL(1) << 28)
#define HCR_HCD (_UL(1) << 29)
#define HCR_TRVM (_UL(1) << 30)
#define HCR_RW (_UL(1) << 31)
/*
 * HCR_EL2 while no guest is loaded: IMO routes physical IRQs to EL2, so
 * the hypervisor takes them in its own code too (with IMO clear they
 * target EL1 and stay pending at EL2: an idle CPU's WFI would return at
 * once, for ever, without the interrupt ever being handled).
 */
#define HCR_HOST (HCR_RW | HCR_IMO)
#define HCR_TERR (_UL(1) << 36)
#define HCR_TEA (_UL(1) << 37)
#define HCR_APK (_UL(1) << 40)
#define HCR_API (_UL(1) << 41)
#define HCR_E2H (_UL(1) << 34)

/* SCTLR_EL2 (non-VHE layout) */
#define SCTLR_M (_UL(1) << 0)
#define SCTLR_A (_UL(1) << 1)
#define SCTLR_C (_UL(1) << 2)
#define SCTLR_SA (_UL(1) << 3)
#define SCTLR_I (_UL(1) << 12)
#define SCTLR_WXN (_UL(1) << 19)
#define SCTLR_EE (_UL(1) << 25)
#define SCTLR_EL2_RES1 _UL(0x30c50830)

/* CPTR_EL2 (non-VHE layout) */
#define CPTR_TFP (_UL(1) << 10)

/* MDCR_EL2: trap the guest's debug and PMU registers */
#define MDCR_HPMN_MASK _UL(0x1f)
#define MDCR_TPMCR (_UL(1) << 5)
#define MDCR_TPM (_UL(1) << 6)
#define MDCR_TDA (_UL(1) << 9)
#define MDCR_TDOSA (_UL(1) << 10)
#define MDCR_TDRA (_UL(1) << 11)
#define PMCR_N_SHIFT 11
#define CPTR_TTA (_UL(1) << 20)
#define CPTR_TCPAC (_UL(1) << 31)
#define CPTR_EL2_RES1 _UL(0x000033ff)

/* TCR_EL2 (non-VHE layout) */
#define TCR_EL2_RES1 ((_UL(1) << 31) | (_UL(1) << 23))
#define TCR_T0SZ(x) ((_UL(64) - (x)) << 0)
#define TCR_IRGN0_WBWA (_UL(1) << 8)
#define TCR_ORGN0_WBWA (_UL(1) << 10)
#define TCR_SH0_IS (_UL(3) << 12)
#define TCR_TG0_4K (_UL(0) << 14)
#define TCR_PS_SHIFT 16

/* MAIR_EL2 attribute indexes used by the hypervisor's own tables. */
#define MT_DEVICE_nGnRE 0
#define MT_NORMAL 1
#define MT_NORMAL_NC 2
#define MAIR_EL2_VAL _UL(0x44ff04)

/* SPSR / PSTATE */
#define PSR_MODE_EL0t _UL(0x0)
#define PSR_MODE_EL1t _UL(0x4)
#define PSR_MODE_EL1h _UL(0x5)
#define PSR_MODE_EL2t _UL(0x8)
#define PSR_MODE_EL2h _UL(0x9)
#define PSR_MODE_MASK _UL(0xf)
#define PSR_MODE32 (_UL(1) << 4)
#define PSR_F (_UL(1) << 6)
#define PSR_I (_UL(1) << 7)
#define PSR_A (_UL(1) << 8)
#define PSR_D (_UL(1) << 9)
#define PSR_IL (_UL(1) << 20)
#define PSR_SS (_UL(1) << 21)
#define PSR_DAIF (PSR_D | PSR_A | PSR_I | PSR_F)

/* ESR_ELx */
#define ESR_EC_SHIFT 26
#define ESR_EC_MASK _UL(0x3f)
#define ESR_IL (_UL(1) << 25)
#define ESR_ISS_MASK _UL(0x1ffffff)
#define ESR_EC(esr) (((esr) >> ESR_EC_SHIFT) & ESR_EC_MASK)

#define EC_UNKNOWN 0x00
#define EC_WFX 0x01
#define EC_CP15_32 0x03
#define EC_CP15_64 0x04
#define EC_CP14_MR 0x05
#define EC_CP14_LS 0x06
#define EC_FP_ASIMD 0x07
#define EC_CP10_ID 0x08
#define EC_PAC 0x09
#define EC_CP14_64 0x0c
#define EC_ILL 0x0e
#define EC_SVC32 0x11
#define EC_HVC32 0x12
#define EC_SMC32 0x13
#define EC_SVC64 0x15
#define EC_HVC64 0x16
#define EC_SMC64 0x17
#define EC_SYS64 0x18
#define EC_SVE 0x19
#define EC_SME 0x1d
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_PC_ALIGN 0x22
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define EC_SP_ALIGN 0x26
#define EC_FP_EXC64 0x2c
#define EC_SERROR 0x2f
#define EC_BREAKPT_LOW 0x30
#define EC_SOFTSTP_LOW 0x32
#define EC_WATCHPT_LOW 0x34
#define EC_BRK64 0x3c

/* ESR_ELx, "ISS encoding for an exception from a Data Abort" */
#define DABT_ISV (_UL(1) << 24)
#define DABT_SAS_SHIFT 22
#define DABT_SSE (_UL(1) << 21)
#define DABT_SRT_SHIFT 16
#define DABT_SF (_UL(1) << 15)
#define DABT_AR (_UL(1) << 14)
#define DABT_FNV (_UL(1) << 10)
#define DABT_EA (_UL(1) << 9)
#define DABT_CM (_UL(1) << 8)
#define DABT_S1PTW (_UL(1) << 7)
#define DABT_WNR (_UL(1) << 6)
#define DABT_DFSC_MASK _UL(0x3f)

/* Fault status codes: bits [5:2] give the kind, [1:0] the level. */
#define FSC_TYPE_MASK _UL(0x3c)
#define FSC_TRANS 0x04
#define FSC_ACCESS 0x08
#define FSC_PERM 0x0c

/*
 * ISS of a trapped system register access (ESR_ELx, EC 0x18): Op0, Op1,
 * CRn, CRm, Op2 in the positions they have in the ISS, shifted down by
 * one (bit 0 of the ISS is the direction).
 */
#define SYSREG(op0, op1, crn, crm, op2) \
	(((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

/* The EL1 registers whose writes HCR_EL2.TVM traps (HCR_EL2, TVM). */
#define SR_SCTLR_EL1 SYSREG(3, 0, 1, 0, 0)
#define SR_TTBR0_EL1 SYSREG(3, 0, 2, 0, 0)
#define SR_TTBR1_EL1 SYSREG(3, 0, 2, 0, 1)
#define SR_TCR_EL1 SYSREG(3, 0, 2, 0, 2)
#define SR_AFSR0_EL1 SYSREG(3, 0, 5, 1, 0)
#define SR_AFSR1_EL1 SYSREG(3, 0, 5, 1, 1)
#define SR_ESR_EL1 SYSREG(3, 0, 5, 2, 0)
#define SR_FAR_EL1 SYSREG(3, 0, 6, 0, 0)
#define SR_MAIR_EL1 SYSREG(3, 0, 10, 2, 0)
#define SR_AMAIR_EL1 SYSREG(3, 0, 10, 3, 0)
#define SR_CONTEXTIDR_EL1 SYSREG(3, 0, 13, 0, 1)

/*
 * TCR_EL1: region sizes, granules, hardware Access flag and
 * dirty state updates (FEAT_HAFDBS), 52-bit descriptors (FEAT_LPA2).
 */
#define TCR_EL1_T0SZ_SHIFT 0
#define TCR_EL1_T1SZ_SHIFT 16
#define TCR_EL1_TSZ_MASK _UL(0x3f)
#define TCR_EL1_TG0_MASK (_UL(3) << 14)
#define TCR_EL1_TG0_4K (_UL(0) << 14)
#define TCR_EL1_TG1_MASK (_UL(3) << 30)
#define TCR_EL1_TG1_4K (_UL(2) << 30)
#define TCR_EL1_HA (_UL(1) << 39)
#define TCR_EL1_HD (_UL(1) << 40)
#define TCR_EL1_DS (_UL(1) << 59)

/* TTBRn_EL1 / VTTBR_EL2: the ASID / VMID field */
#define TTBR_ASID_SHIFT 48
#define VTTBR_VMID_SHIFT 48

/* WFx ISS */
#define WFX_ISS_WFE (_UL(1) << 0)

/* MPIDR_EL1 */
#define MPIDR_AFF_MASK _UL(0xff00ffffff)
#define MPIDR_U (_UL(1) << 30)
#define MPIDR_MT (_UL(1) << 24)
#define MPIDR_RES1 (_UL(1) << 31)
#define MPIDR_AFF0(m) ((m)&_UL(0xff))
#define MPIDR_AFF1(m) (((m) >> 8) & _UL(0xff))
#define MPIDR_AFF2(m) (((m) >> 16) & _UL(0xff))
#define MPIDR_AFF3(m) (((m) >> 32) & _UL(0xff))

/* CNTx_CTL */
#define CNT_CTL_ENABLE (_UL(1) << 0)
#define CNT_CTL_IMASK (_UL(1) << 1)
#define CNT_CTL_ISTATUS (_UL(1) << 2)

/* CNTHCTL_EL2 (non-VHE): EL1 access to the physical counter and timer */
#define CNTHCTL_EL1PCTEN (_UL(1) << 0)
#define CNTHCTL_EL1PCEN (_UL(1) << 1)

/* CPACR_EL1 */
#define CPACR_FPEN_SHIFT 20

#ifndef __ASSEMBLY__

#include <xen-lite/types.h>

#ifdef XL_HOST_TEST
/*
 * Host tests and fuzzers (tests/fuzz/fuzz_arm_sysreg.c) compile the exit
 * handlers as they are and provide these: a register file by name (the
 * text mrs/msr would use) and a record of the barriers and TLB
 * maintenance instructions, by their text.
 */
u64 xl_host_sysreg_read(const char *name);
void xl_host_sysreg_write(const char *name, u64 val);
void xl_host_insn(const char *insn, u64 arg);

#define READ_SYSREG(name) xl_host_sysreg_read(__stringify(name))
#define WRITE_SYSREG(v, name) xl_host_sysreg_write(__stringify(name), (u64)(v))
#define XL_INSN(insn) xl_host_insn(insn, 0)
#define XL_INSN_ARG(insn, arg) xl_host_insn(insn, arg)
#else
#define READ_SYSREG(name)                                         \
	({                                                        \
		u64 __v;                                          \
		__asm__ __volatile__("mrs %0, " __stringify(name) \
				     : "=r"(__v));                \
		__v;                                              \
	})

#define WRITE_SYSREG(v, name) \
	__asm__ __volatile__("msr " __stringify(name) ", %0" : : "r"((u64)(v)))

/* An instruction without operands, ordered against memory accesses. */
#define XL_INSN(insn) __asm__ __volatile__(insn ::: "memory")
/* The same with one register operand. */
#define XL_INSN_ARG(insn, arg) \
	__asm__ __volatile__(insn " %0" : : "r"((u64)(arg)) : "memory")
#endif

static inline void isb(void)
{
	XL_INSN("isb");
}

static inline void dsb_sy(void)
{
	XL_INSN("dsb sy");
}

static inline void dsb_ish(void)
{
	XL_INSN("dsb ish");
}

static inline void dsb_ishst(void)
{
	XL_INSN("dsb ishst");
}

/* Stage-1 EL1&0 TLB maintenance for the current VMID, Inner Shareable. */
static inline void tlbi_vmalle1is(void)
{
	XL_INSN("tlbi vmalle1is");
}

/* ... of one VA, all ASIDs: @arg = VA[55:12] in bits 43:0. */
static inline void tlbi_vaae1is(u64 arg)
{
	XL_INSN_ARG("tlbi vaae1is,", arg);
}

#endif /* __ASSEMBLY__ */

#endif /* ASM_ARM_SYSREGS_H */
