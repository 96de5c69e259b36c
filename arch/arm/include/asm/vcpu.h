/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Arm vCPU configuration and the exit handlers arm_handle_exit() (exit.c)
 * dispatches to. Injection is in asm/inject.h, timers in asm/time.h.
 */
#ifndef ASM_ARM_VCPU_H
#define ASM_ARM_VCPU_H

#include <xen-lite/types.h>
#include <asm/sysregs.h>

struct vcpu;

/*
 * HCR_EL2 for guests: stage 2 on; physical IRQ/FIQ/SError to EL2 and the
 * virtual CPU interface for the guest; broadcast TLB and barrier
 * maintenance so that a vCPU may move between CPUs; trap SMC (PSCI may use
 * either conduit), WFI/WFE (block or yield), implementation defined and
 * auxiliary control registers and the ID registers (TID1: AIDR, REVIDR;
 * TID3: the feature registers, filtered); EL1 is AArch64.
 */
#define GUEST_HCR                                                          \
	(HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB |        \
	 HCR_BSU_IS | HCR_TWI | HCR_TWE | HCR_TSC | HCR_TIDCP | HCR_TACR | \
	 HCR_TID1 | HCR_TID3 | HCR_RW)

/**
 * arm_guest_cpu_init() - the EL2 controls that are the same for every
 * vCPU (MDCR_EL2's debug and PMU traps, CNTHCTL_EL2), once per CPU at
 * bring-up (setup.c).
 */
void arm_guest_cpu_init(void);

/**
 * vcpu_handle_smccc() - serve the SMCCC call in @v's x0..x7 (PSCI, SMCCC
 * discovery, xen-lite hypercalls) and put the result in x0 (vpsci.c).
 * Return: true to keep running @v, false to leave arch_vcpu_run().
 */
bool vcpu_handle_smccc(struct vcpu *v);

/**
 * vcpu_handle_sysreg() - emulate the trapped MSR/MRS (ESR_EL2.EC 0x18)
 * of loaded @v whose syndrome is @esr: ID registers, RAZ/WI debug, PMU
 * and implementation defined registers, GICv3 SGI generation, TVM writes
 * (sysreg.c); anything else is Undefined for the guest.
 * Return: true (the vCPU keeps running).
 */
bool vcpu_handle_sysreg(struct vcpu *v, u64 esr);

#endif /* ASM_ARM_VCPU_H */
