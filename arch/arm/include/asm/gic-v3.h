/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GICv3 register layout (Arm IHI 0069, chapter 12) beyond what GICv2
 * shares (asm/gic.h): the affinity-routing distributor registers, the
 * redistributors, and the system register CPU interface and virtual
 * interface (ICC_*, ICH_*), with the list register accessors.
 */
#ifndef ASM_ARM_GIC_V3_H
#define ASM_ARM_GIC_V3_H

#include <asm/gic.h>
#include <asm/sysregs.h>

/* Distributor */
#define GICD_TYPER2 0x000c
#define GICD_STATUSR 0x0010
#define GICD_SETSPI_NSR 0x0040
#define GICD_CLRSPI_NSR 0x0048
#define GICD_IGRPMODR 0x0d00
#define GICD_IROUTER 0x6000
#define GICD_PIDR2 0xffe8

#define GICD_CTLR_ARE (1U << 4)
#define GICD_CTLR_DS (1U << 6)
#define GICD_CTLR_RWP (1U << 31)

/* Redistributor, RD_base frame */
#define GICR_CTLR 0x0000
#define GICR_IIDR 0x0004
#define GICR_TYPER 0x0008
#define GICR_STATUSR 0x0010
#define GICR_WAKER 0x0014
#define GICR_PROPBASER 0x0070
#define GICR_PENDBASER 0x0078
#define GICR_PIDR2 0xffe8
/* SGI_base frame (RD_base + 64 KiB) */
#define GICR_SGI_OFFSET 0x10000
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_ISPENDR0 0x0200
#define GICR_ICPENDR0 0x0280
#define GICR_ISACTIVER0 0x0300
#define GICR_ICACTIVER0 0x0380
#define GICR_IPRIORITYR0 0x0400
#define GICR_ICFGR0 0x0c00
#define GICR_ICFGR1 0x0c04
#define GICR_IGRPMODR0 0x0d00
#define GICR_NSACR 0x0e00

#define GICR_TYPER_LAST (1U << 4)
#define GICR_WAKER_PS (1U << 1)
#define GICR_WAKER_CA (1U << 2)
#define GICR_FRAME_SIZE 0x20000

#define GIC_PIDR2_ARCH_V3 (3U << 4)

/* ICH_HCR_EL2 */
#define ICH_HCR_EN (1UL << 0)
#define ICH_HCR_UIE (1UL << 1)
#define ICH_HCR_LRENPIE (1UL << 2)
#define ICH_HCR_NPIE (1UL << 3)

/* ICH_LR<n>_EL2 */
#define ICH_LR_VINTID_MASK 0xffffffffUL
#define ICH_LR_PINTID_SHIFT 32
#define ICH_LR_PINTID_MASK 0x1fffUL
#define ICH_LR_EOI (1UL << 41)
#define ICH_LR_PRIO_SHIFT 48
#define ICH_LR_GROUP1 (1UL << 60)
#define ICH_LR_HW (1UL << 61)
#define ICH_LR_STATE_SHIFT 62
#define ICH_LR_PENDING (1UL << 62)
#define ICH_LR_ACTIVE (2UL << 62)
#define ICH_LR_STATE_MASK (3UL << 62)

/* ICH_VMCR_EL2 */
#define ICH_VMCR_ENG1 (1UL << 1)

/* ICH_MISR_EL2 */
#define ICH_MISR_EOI (1UL << 0)
#define ICH_MISR_U (1UL << 1)

/* ICC_SRE_ELx */
#define ICC_SRE_SRE (1UL << 0)
#define ICC_SRE_DFB (1UL << 1)
#define ICC_SRE_DIB (1UL << 2)
#define ICC_SRE_EL2_ENABLE (1UL << 3)

#define ICC_CTLR_EOIMODE (1UL << 1)

/* ICH_LR<n>_EL2 by number: each is its own system register encoding. */
static inline u64 ich_read_lr(unsigned int i)
{
	switch (i) {
	case 0:
		return READ_SYSREG(ICH_LR0_EL2);
	case 1:
		return READ_SYSREG(ICH_LR1_EL2);
	case 2:
		return READ_SYSREG(ICH_LR2_EL2);
	case 3:
		return READ_SYSREG(ICH_LR3_EL2);
	case 4:
		return READ_SYSREG(ICH_LR4_EL2);
	case 5:
		return READ_SYSREG(ICH_LR5_EL2);
	case 6:
		return READ_SYSREG(ICH_LR6_EL2);
	case 7:
		return READ_SYSREG(ICH_LR7_EL2);
	case 8:
		return READ_SYSREG(ICH_LR8_EL2);
	case 9:
		return READ_SYSREG(ICH_LR9_EL2);
	case 10:
		return READ_SYSREG(ICH_LR10_EL2);
	case 11:
		return READ_SYSREG(ICH_LR11_EL2);
	case 12:
		return READ_SYSREG(ICH_LR12_EL2);
	case 13:
		return READ_SYSREG(ICH_LR13_EL2);
	case 14:
		return READ_SYSREG(ICH_LR14_EL2);
	default:
		return READ_SYSREG(ICH_LR15_EL2);
	}
}

static inline void ich_write_lr(unsigned int i, u64 v)
{
	switch (i) {
	case 0:
		WRITE_SYSREG(v, ICH_LR0_EL2);
		break;
	case 1:
		WRITE_SYSREG(v, ICH_LR1_EL2);
		break;
	case 2:
		WRITE_SYSREG(v, ICH_LR2_EL2);
		break;
	case 3:
		WRITE_SYSREG(v, ICH_LR3_EL2);
		break;
	case 4:
		WRITE_SYSREG(v, ICH_LR4_EL2);
		break;
	case 5:
		WRITE_SYSREG(v, ICH_LR5_EL2);
		break;
	case 6:
		WRITE_SYSREG(v, ICH_LR6_EL2);
		break;
	case 7:
		WRITE_SYSREG(v, ICH_LR7_EL2);
		break;
	case 8:
		WRITE_SYSREG(v, ICH_LR8_EL2);
		break;
	case 9:
		WRITE_SYSREG(v, ICH_LR9_EL2);
		break;
	case 10:
		WRITE_SYSREG(v, ICH_LR10_EL2);
		break;
	case 11:
		WRITE_SYSREG(v, ICH_LR11_EL2);
		break;
	case 12:
		WRITE_SYSREG(v, ICH_LR12_EL2);
		break;
	case 13:
		WRITE_SYSREG(v, ICH_LR13_EL2);
		break;
	case 14:
		WRITE_SYSREG(v, ICH_LR14_EL2);
		break;
	default:
		WRITE_SYSREG(v, ICH_LR15_EL2);
		break;
	}
}

#endif /* ASM_ARM_GIC_V3_H */
