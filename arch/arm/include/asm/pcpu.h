/* SPDX-License-Identifier: GPL-2.0 */
/* Arm part of the per physical CPU data (struct pcpu in xen-lite/smp.h). */
#ifndef ASM_ARM_PCPU_H
#define ASM_ARM_PCPU_H

#include <xen-lite/types.h>

struct vcpu;

struct arch_pcpu {
	u64 mpidr; /* MPIDR_EL1 affinity fields */
	void *gicr; /* GICv3: redistributor RD_base frame */
	u8 gic_cpumask; /* GICv2: this CPU interface's bit in target lists */
	struct vcpu *fp_owner; /* vCPU whose FP/SIMD state is in the regs */
	u64 timer_deadline; /* CNTHP compare value, ~0 when none */
};

#endif /* ASM_ARM_PCPU_H */
