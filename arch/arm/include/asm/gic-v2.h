/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GICv2 register layout (Arm IHI 0048B, "ARM Generic Interrupt Controller
 * Architecture Specification, version 2.0", chapter 4 for the
 * distributor and CPU interface, chapter 5.3 for the virtual interface
 * control registers GICH_*) beyond what GICv3 shares (asm/gic.h).
 */
#ifndef ASM_ARM_GIC_V2_H
#define ASM_ARM_GIC_V2_H

#include <asm/gic.h>

/* Distributor (4.3) */
#define GICD_CPENDSGIR 0x0f10
#define GICD_SPENDSGIR 0x0f20
#define GICD_V2_PIDR2 0x0fe8 /* the ID registers sit at 0xfd0..0xffc */

#define GICD_TYPER_CPUS_SHIFT 5 /* CPUNumber [7:5]: CPUs - 1 */
#define GICD_SGIR_TARGET_LIST (0U << 24) /* TargetListFilter */
#define GICD_SGIR_TARGET_OTHERS (1U << 24)
#define GICD_SGIR_TARGET_SELF (2U << 24)
#define GICD_SGIR_CPUS_SHIFT 16

#define GIC_PIDR2_ARCH_V2 (2U << 4)

/* CPU interface (4.4); the virtual CPU interface GICV_* is the same */
#define GICC_CTLR 0x0000
#define GICC_PMR 0x0004
#define GICC_BPR 0x0008
#define GICC_IAR 0x000c
#define GICC_EOIR 0x0010
#define GICC_RPR 0x0014
#define GICC_HPPIR 0x0018
#define GICC_APR0 0x00d0
#define GICC_IIDR 0x00fc
#define GICC_DIR 0x1000
#define GICC_SIZE 0x2000 /* two 4 KiB pages: GICC_DIR is in the second */

/*
 * GICC_CTLR: bit 0 enables Group 0 on a GIC without the Security
 * Extensions and Group 1 in the Non-secure view of one with them; bit 9
 * is EOImode (EOImodeNS in the Non-secure view) in both.
 */
#define GICC_CTLR_ENABLE (1U << 0)
#define GICC_CTLR_EOIMODE (1U << 9)
#define GICC_IAR_ID_MASK 0x3ffU
#define GICC_IAR_CPUID_SHIFT 10

/* Virtual interface control (5.3) */
#define GICH_HCR 0x0000
#define GICH_VTR 0x0004
#define GICH_VMCR 0x0008
#define GICH_MISR 0x0010
#define GICH_EISR0 0x0020
#define GICH_ELRSR0 0x0030
#define GICH_APR 0x00f0
#define GICH_LR0 0x0100

/* GICH_HCR: the same bits as ICH_HCR_EL2 (En, UIE, LRENPIE, NPIE) */
#define GICH_HCR_EN (1U << 0)
#define GICH_HCR_UIE (1U << 1)

/* GICH_VTR */
#define GICH_VTR_LISTREGS_MASK 0x3fU /* list registers - 1 */
#define GICH_VTR_PRIBITS_SHIFT 29 /* priority bits - 1 */

/* GICH_LR<n> (5.3.8) */
#define GICH_LR_VID_MASK 0x3ffU
#define GICH_LR_PID_SHIFT 10 /* HW = 1: physical INTID [19:10] */
#define GICH_LR_CPUID_SHIFT 10 /* HW = 0, SGI: source CPU [12:10] */
#define GICH_LR_EOI (1U << 19) /* HW = 0: maintenance interrupt on EOI */
#define GICH_LR_PRIO_SHIFT 23 /* priority [7:3] in [27:23] */
#define GICH_LR_STATE_SHIFT 28
#define GICH_LR_PENDING (1U << 28)
#define GICH_LR_ACTIVE (2U << 28)
#define GICH_LR_GROUP1 (1U << 30)
#define GICH_LR_HW (1U << 31)

#endif /* ASM_ARM_GIC_V2_H */
