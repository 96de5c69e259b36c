/* SPDX-License-Identifier: GPL-2.0 */
/* Arm boot-time state shared between head.S and the arch C files. */
#ifndef ASM_ARM_SETUP_H
#define ASM_ARM_SETUP_H

#include <xen-lite/types.h>

/* CurrentEL value at entry (CURRENTEL_EL2 when all is well). */
extern u64 arm_boot_el;

/**
 * arm_boot_c() - C entry of the boot CPU, from head.S.
 * Records the boot state and calls start_xen().
 */
void arm_boot_c(unsigned long mpidr, paddr_t dtb) __attribute__((noreturn));

/**
 * arm_p2m_cpu_init() - this secondary CPU's VTCR_EL2 (p2m.c; the boot CPU
 * gets it from arch_p2m_setup(), which runs before any secondary starts).
 */
void arm_p2m_cpu_init(void);

/** arm_secondary_c() - C entry of secondary CPU @cpu, from head.S. */
void arm_secondary_c(unsigned int cpu) __attribute__((noreturn));

/**
 * arm_semihosting_exit() - semihosting SYS_EXIT with status @code
 * (semihosting.c): QEMU exits.
 * Return: false when semihosting is disabled (the call trapped).
 */
bool arm_semihosting_exit(unsigned long code);

/**
 * arm_skip_semihosting_trap() - called for an undefined-instruction trap
 * in the hypervisor at @pc.
 * Return: true when @pc is the semihosting call (semihosting disabled in
 * QEMU) and execution may continue after it.
 */
bool arm_skip_semihosting_trap(u64 pc);

#endif /* ASM_ARM_SETUP_H */
