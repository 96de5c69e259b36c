/* SPDX-License-Identifier: GPL-2.0 */
/* RISC-V hypervisor internals shared between arch/riscv/ files. */
#ifndef ASM_RISCV_RISCV_H
#define ASM_RISCV_RISCV_H

#include <xen-lite/compiler.h>
#include <xen-lite/types.h>

/* What boot found out about the host harts (all harts are alike). */
struct riscv_features {
	bool sstc; /* stimecmp/vstimecmp usable */
	bool svpbmt; /* henvcfg.PBMTE sticks */
	unsigned long henvcfg; /* bits every vCPU gets (STCE, PBMTE) */
	bool vs_sv39; /* vsatp takes MODE Sv39 */
	bool vs_sv48; /* vsatp takes MODE Sv48 */
	bool ssaia; /* the AIA CSRs (stopi, siselect, ...) exist */
	bool smstateen; /* hstateen0 exists (and gates VS-mode state) */
};

/* cpufeature.c, filled by riscv_detect_features() at boot. */
extern struct riscv_features riscv_features;

/**
 * riscv_detect_features() - probe this (the boot) hart for what
 * riscv_features records; @isa is the device tree's riscv,isa string
 * ("" when absent).
 */
void riscv_detect_features(const char *isa);

/** riscv_secondary_start - SBI HSM entry point of secondaries (head.S). */
extern char riscv_secondary_start[];

/**
 * riscv_isa_has() - does the riscv,isa string @isa (such as
 * "rv64imafdch_zicsr_sstc") list the multi-letter extension @ext?
 * Return: true when @ext follows an '_' and ends at '_' or the end.
 */
bool riscv_isa_has(const char *isa, const char *ext);

#endif /* ASM_RISCV_RISCV_H */
