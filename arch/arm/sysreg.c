// SPDX-License-Identifier: GPL-2.0
/*
 * Trapped AArch64 system register accesses of Arm guests (ESR_EL2.EC
 * 0x18): the ID registers (HCR_EL2.TID1/TID3, filtered), debug, PMU and
 * implementation defined registers (RAZ/WI), GICv3 SGI generation, and
 * the EL1 memory-management registers a PV MMU domain writes under
 * HCR_EL2.TVM (pv_mm.c).
 */
#include <xen-lite/domain.h>
#include <xen-lite/lib.h>
#include <asm/inject.h>
#include <asm/pv_mm.h>
#include <asm/regs.h>
#include <asm/sysregs.h>
#include <asm/vcpu.h>
#include <asm/vgic.h>

/* Trapped registers by their EC 0x18 encoding (asm/sysregs.h). */
#define SR_ICC_SGI1R SYSREG(3, 0, 12, 11, 5)
#define SR_ICC_ASGI1R SYSREG(3, 0, 12, 11, 6)
#define SR_ICC_SGI0R SYSREG(3, 0, 12, 11, 7)
#define SR_ACTLR_EL1 SYSREG(3, 0, 1, 0, 1)
#define SR_AIDR_EL1 SYSREG(3, 1, 0, 0, 7)
#define SR_REVIDR_EL1 SYSREG(3, 0, 0, 0, 6)
#define SR_CNTP_TVAL SYSREG(3, 3, 14, 2, 0)
#define SR_CNTP_CTL SYSREG(3, 3, 14, 2, 1)
#define SR_CNTP_CVAL SYSREG(3, 3, 14, 2, 2)

/*
 * ID register group 3 (HCR_EL2.TID3): op0 3, op1 0, CRn 0, CRm 1..7. The
 * registers an Armv8.0-8.2 CPU implements are read from the hardware and
 * filtered; the rest of the space is reserved and reads as zero
 * (Arm ARM (DDI 0487 K.a): reserved ID registers are RAZ;
 * ID_AA64ISAR2_EL1 among them, so its PAuth fields read as zero).
 * Hidden: the PMU and trace (not virtualized), SVE, MPAM, AMU, MTE and
 * SME (their state is not switched), pointer authentication
 * (HCR_EL2.API/APK are clear and the keys are not switched: a guest told
 * it exists would trap on first use).
 */
#define ID_AA64PFR0_HIDE ((0xfUL << 32) | (0xfUL << 40) | (0xfUL << 44))
/* ID_AA64PFR1_EL1: MTE [11:8], SME [27:24] */
#define ID_AA64PFR1_HIDE ((0xfUL << 8) | (0xfUL << 24))
/* ID_AA64ISAR1_EL1: APA [7:4], API [11:8], GPA [27:24], GPI [31:28] */
#define ID_AA64ISAR1_HIDE \
	((0xfUL << 4) | (0xfUL << 8) | (0xfUL << 24) | (0xfUL << 28))
#define ID_AA64DFR0_HIDE ((0xfUL << 4) | (0xfUL << 8))
#define ID_DFR0_HIDE ((0xfUL << 12) | (0xfUL << 24))

static u64 id_reg_read(unsigned int crm, unsigned int op2)
{
	switch ((crm << 3) | op2) {
	case (1 << 3) | 0:
		return READ_SYSREG(S3_0_C0_C1_0); /* ID_PFR0_EL1 */
	case (1 << 3) | 1:
		return READ_SYSREG(S3_0_C0_C1_1); /* ID_PFR1_EL1 */
	case (1 << 3) | 2:
		return READ_SYSREG(S3_0_C0_C1_2) & ~ID_DFR0_HIDE;
	case (1 << 3) | 3:
		return READ_SYSREG(S3_0_C0_C1_3); /* ID_AFR0_EL1 */
	case (1 << 3) | 4:
		return READ_SYSREG(S3_0_C0_C1_4); /* ID_MMFR0_EL1 */
	case (1 << 3) | 5:
		return READ_SYSREG(S3_0_C0_C1_5);
	case (1 << 3) | 6:
		return READ_SYSREG(S3_0_C0_C1_6);
	case (1 << 3) | 7:
		return READ_SYSREG(S3_0_C0_C1_7); /* ID_MMFR3_EL1 */
	case (2 << 3) | 0:
		return READ_SYSREG(S3_0_C0_C2_0); /* ID_ISAR0_EL1 */
	case (2 << 3) | 1:
		return READ_SYSREG(S3_0_C0_C2_1);
	case (2 << 3) | 2:
		return READ_SYSREG(S3_0_C0_C2_2);
	case (2 << 3) | 3:
		return READ_SYSREG(S3_0_C0_C2_3);
	case (2 << 3) | 4:
		return READ_SYSREG(S3_0_C0_C2_4);
	case (2 << 3) | 5:
		return READ_SYSREG(S3_0_C0_C2_5); /* ID_ISAR5_EL1 */
	case (3 << 3) | 0:
		return READ_SYSREG(S3_0_C0_C3_0); /* MVFR0_EL1 */
	case (3 << 3) | 1:
		return READ_SYSREG(S3_0_C0_C3_1);
	case (3 << 3) | 2:
		return READ_SYSREG(S3_0_C0_C3_2); /* MVFR2_EL1 */
	case (4 << 3) | 0:
		return READ_SYSREG(id_aa64pfr0_el1) & ~ID_AA64PFR0_HIDE;
	case (4 << 3) | 1:
		return READ_SYSREG(id_aa64pfr1_el1) & ~ID_AA64PFR1_HIDE;
	case (5 << 3) | 0:
		return READ_SYSREG(id_aa64dfr0_el1) & ~ID_AA64DFR0_HIDE;
	case (5 << 3) | 1:
		return READ_SYSREG(id_aa64dfr1_el1);
	case (5 << 3) | 4:
		return READ_SYSREG(id_aa64afr0_el1);
	case (5 << 3) | 5:
		return READ_SYSREG(id_aa64afr1_el1);
	case (6 << 3) | 0:
		return READ_SYSREG(id_aa64isar0_el1);
	case (6 << 3) | 1:
		return READ_SYSREG(id_aa64isar1_el1) & ~ID_AA64ISAR1_HIDE;
	case (7 << 3) | 0:
		return READ_SYSREG(id_aa64mmfr0_el1);
	case (7 << 3) | 1:
		return READ_SYSREG(id_aa64mmfr1_el1);
	case (7 << 3) | 2:
		return READ_SYSREG(id_aa64mmfr2_el1);
	default:
		return 0;
	}
}

bool vcpu_handle_sysreg(struct vcpu *v, u64 esr)
{
	struct cpu_regs *r = &v->arch.regs;
	unsigned int op0 = (esr >> 20) & 3, op2 = (esr >> 17) & 7;
	unsigned int op1 = (esr >> 14) & 7, crn = (esr >> 10) & 0xf;
	unsigned int rt = (esr >> 5) & 0x1f, crm = (esr >> 1) & 0xf;
	bool read = esr & 1;
	u64 val = rt == 31 ? 0 : r->x[rt];
	u64 res = 0;

	if (op0 == 3 && op1 == 0 && crn == 0 && crm >= 1 && crm <= 7) {
		if (!read) {
			goto undef;
		}
		res = id_reg_read(crm, op2);
		goto done;
	}
	/*
	 * Debug registers (op0 == 2: MDSCR, OS lock, breakpoints,
	 * watchpoints, DCC) and the PMU (CRn == 9, CRm 12..14): no debug or
	 * performance monitors for guests. Read as zero, writes ignored:
	 * what Linux needs to boot with them absent.
	 */
	if (op0 == 2 || (op0 == 3 && crn == 9 && crm >= 12 && crm <= 14 &&
			 (op1 == 3 || op1 == 0))) {
		res = 0;
		goto done;
	}
	switch (SYSREG(op0, op1, crn, crm, op2)) {
	case SR_ICC_SGI1R:
		if (read) {
			goto undef;
		}
		vgic_sgi1r(v, val);
		break;
	case SR_ICC_ASGI1R:
	case SR_ICC_SGI0R:
		/* Group 0 / secure SGIs do not exist for the guest. */
		if (read) {
			goto undef;
		}
		break;
	case SR_ACTLR_EL1:
	case SR_AIDR_EL1:
	case SR_REVIDR_EL1:
	case SR_CNTP_TVAL:
	case SR_CNTP_CTL:
	case SR_CNTP_CVAL:
		/* No implementation defined controls; no EL1 physical timer */
		res = 0;
		break;
	case SR_SCTLR_EL1:
	case SR_TTBR0_EL1:
	case SR_TTBR1_EL1:
	case SR_TCR_EL1:
	case SR_AFSR0_EL1:
	case SR_AFSR1_EL1:
	case SR_ESR_EL1:
	case SR_FAR_EL1:
	case SR_MAIR_EL1:
	case SR_AMAIR_EL1:
	case SR_CONTEXTIDR_EL1:
		/*
		 * Writes trap only under HCR_EL2.TVM, which a PV MMU domain
		 * runs with (reads are never trapped: no TRVM).
		 */
		if (read || !arm_pv_vm_reg_write(
				    v, SYSREG(op0, op1, crn, crm, op2), val)) {
			goto undef;
		}
		break;
	default:
		goto undef;
	}
done:
	if (read && rt != 31) {
		r->x[rt] = res;
	}
	r->pc += 4;
	return true;
undef:
	printk(XL_DEBUG "d%u v%u: undefined sysreg op%u op1 %u c%u c%u op2 "
			"%u (%s) at %#lx\n",
	       v->domain->id, v->id, op0, op1, crn, crm, op2,
	       read ? "read" : "write", (unsigned long)r->pc);
	arm_vcpu_inject_undef(v);
	return true;
}
