/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PSCI and SMCCC function identifiers and return codes (Arm DEN 0022 PSCI
 * 1.1, DEN 0028 SMCCC 1.1). Used both as a client of the firmware (SMC
 * conduit) and by the PSCI server offered to guests (vpsci.c).
 */
#ifndef ASM_ARM_PSCI_H
#define ASM_ARM_PSCI_H

#define PSCI_0_2_FN_BASE 0x84000000U
#define PSCI_0_2_FN64_BASE 0xc4000000U

#define PSCI_VERSION 0x84000000U
#define PSCI_CPU_SUSPEND 0x84000001U
#define PSCI_CPU_SUSPEND_64 0xc4000001U
#define PSCI_CPU_OFF 0x84000002U
#define PSCI_CPU_ON 0x84000003U
#define PSCI_CPU_ON_64 0xc4000003U
#define PSCI_AFFINITY_INFO 0x84000004U
#define PSCI_AFFINITY_INFO_64 0xc4000004U
#define PSCI_MIGRATE_INFO_TYPE 0x84000006U
#define PSCI_SYSTEM_OFF 0x84000008U
#define PSCI_SYSTEM_RESET 0x84000009U
#define PSCI_FEATURES 0x8400000aU

#define PSCI_RET_SUCCESS 0
#define PSCI_RET_NOT_SUPPORTED (-1)
#define PSCI_RET_INVALID_PARAMS (-2)
#define PSCI_RET_DENIED (-3)
#define PSCI_RET_ALREADY_ON (-4)
#define PSCI_RET_ON_PENDING (-5)
#define PSCI_RET_INTERNAL_FAILURE (-6)
#define PSCI_RET_NOT_PRESENT (-7)
#define PSCI_RET_DISABLED (-8)
#define PSCI_RET_INVALID_ADDRESS (-9)

/* AFFINITY_INFO results */
#define PSCI_AFF_ON 0
#define PSCI_AFF_OFF 1
#define PSCI_AFF_ON_PENDING 2

/* MIGRATE_INFO_TYPE: no Trusted OS needing migration */
#define PSCI_TOS_NOT_PRESENT_MP 2

#define PSCI_VERSION_1_1 0x00010001U

#define SMCCC_VERSION 0x80000000U
#define SMCCC_ARCH_FEATURES 0x80000001U
#define SMCCC_ARCH_WORKAROUND_1 0x80008000U
#define SMCCC_ARCH_WORKAROUND_2 0x80007fffU
#define SMCCC_VERSION_1_1 0x00010001U
#define SMCCC_RET_NOT_SUPPORTED (-1)

/* SMCCC function ID fields */
#define SMCCC_FAST_CALL (1U << 31)
#define SMCCC_64 (1U << 30)
#define SMCCC_OWNER_SHIFT 24
#define SMCCC_OWNER_MASK 0x3fU
#define SMCCC_OWNER_ARCH 0
#define SMCCC_OWNER_STANDARD 4
#define SMCCC_OWNER_VENDOR_HYP 6
#define SMCCC_FUNC_MASK 0xffffU

#ifndef __ASSEMBLY__

#include <xen-lite/types.h>

/**
 * psci_smc() - issue a firmware call over the SMC conduit.
 * Return: the firmware's x0.
 */
long psci_smc(u64 fn, u64 a1, u64 a2, u64 a3);

#endif

#endif /* ASM_ARM_PSCI_H */
