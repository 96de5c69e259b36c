/* SPDX-License-Identifier: GPL-2.0 */
/*
 * APLIC register map (RISC-V AIA specification 1.0, chapter 4,
 * "Memory-mapped control region of an interrupt domain"), shared by the
 * host driver (aplic.c) and the virtual APLIC (vaplic.c).
 */
#ifndef ASM_RISCV_APLIC_H
#define ASM_RISCV_APLIC_H

#define APLIC_DOMAINCFG 0x0000
#define APLIC_DOMAINCFG_RDONLY 0x80000000U /* bits 31:24 read 0x80 */
#define APLIC_DOMAINCFG_IE (1U << 8)
#define APLIC_DOMAINCFG_DM (1U << 2)
#define APLIC_DOMAINCFG_BE (1U << 0)
#define APLIC_SOURCECFG 0x0004 /* + 4 * (source - 1) */
#define APLIC_SOURCECFG_D (1U << 10)
#define APLIC_SOURCECFG_SM 0x7U
#define APLIC_SM_INACTIVE 0
#define APLIC_SM_DETACHED 1
#define APLIC_SM_EDGE1 4
#define APLIC_SM_EDGE0 5
#define APLIC_SM_LEVEL1 6
#define APLIC_SM_LEVEL0 7
#define APLIC_MMSIADDRCFG 0x1bc0
#define APLIC_MMSIADDRCFGH 0x1bc4
#define APLIC_SMSIADDRCFG 0x1bc8
#define APLIC_SMSIADDRCFGH 0x1bcc
#define APLIC_SETIP 0x1c00
#define APLIC_SETIPNUM 0x1cdc
#define APLIC_IN_CLRIP 0x1d00
#define APLIC_CLRIPNUM 0x1ddc
#define APLIC_SETIE 0x1e00
#define APLIC_SETIENUM 0x1edc
#define APLIC_CLRIE 0x1f00
#define APLIC_CLRIENUM 0x1fdc
#define APLIC_SETIPNUM_LE 0x2000
#define APLIC_SETIPNUM_BE 0x2004
#define APLIC_GENMSI 0x3000
#define APLIC_GENMSI_BUSY (1U << 12)
#define APLIC_TARGET 0x3004 /* + 4 * (source - 1) */
#define APLIC_TARGET_HART_SHIFT 18
#define APLIC_TARGET_GUEST_SHIFT 12
#define APLIC_TARGET_GUEST_MASK 0x3fU
#define APLIC_TARGET_EIID_MASK 0x7ffU
#define APLIC_TARGET_IPRIO_MASK 0xffU
#define APLIC_IDC 0x4000 /* + 32 * hart index, direct mode only */
#define APLIC_IDC_SIZE 32
#define APLIC_IDC_IDELIVERY 0x00
#define APLIC_IDC_IFORCE 0x04
#define APLIC_IDC_ITHRESHOLD 0x08
#define APLIC_IDC_TOPI 0x18
#define APLIC_IDC_CLAIMI 0x1c
#define APLIC_TOPI_ID_SHIFT 16

#endif /* ASM_RISCV_APLIC_H */
