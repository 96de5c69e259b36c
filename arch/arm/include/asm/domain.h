/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Arch parts of struct domain and struct vcpu (include/xen-lite/domain.h):
 * the saved EL1 context, the virtual GIC, the virtual timer, the virtual
 * UART and the lazily switched FP/SIMD registers.
 */
#ifndef XL_ASM_DOMAIN_H
#define XL_ASM_DOMAIN_H

#include <xen-lite/types.h>
#include <asm/regs.h>
#include <asm/vgic.h>
#include <asm/vpl011.h>
#include <asm/vpl061.h>

struct arch_domain {
	u64 flags;
	u64 cntvoff; /* CNTVOFF_EL2: the domain's virtual time 0 */
	struct vgic_dist vgic;
	struct vpl011 uart;
	struct vpl061 gpio; /* the power button */
};

/* EL1 system registers switched with the vCPU. */
struct el1_sysregs {
	u64 sctlr, ttbr0, ttbr1, tcr, mair, amair, vbar, contextidr;
	u64 tpidr_el0, tpidrro_el0, tpidr_el1;
	u64 esr, far, afsr0, afsr1, elr, spsr;
	u64 sp_el0, sp_el1, cpacr, cntkctl, par, csselr;
};

struct arch_vcpu {
	struct cpu_regs regs; /* x0..x30, pc, pstate */
	struct el1_sysregs el1;
	u64 vmpidr;
	u64 hcr;
	u64 cntv_ctl, cntv_cval;
	struct vgic_cpu vgic;
	struct fpsimd_state fp;
	u64 wfi_wake; /* a WFI exit's deadline (arm_vcpu_wfi()) */
	bool fp_loaded; /* fp is in the CPU's registers */
	bool loaded; /* EL1 state is in the CPU (between load/put) */
	/* PV MMU: levels of the root in TTBR0/TTBR1_EL1, 0 = none. */
	u8 pv_levels[2];
};

#endif
