/* SPDX-License-Identifier: GPL-2.0 */
/* RISC-V hypervisor internals shared between arch/riscv/ files. */
#ifndef ASM_RISCV_RISCV_H
#define ASM_RISCV_RISCV_H

#include <xen-lite/compiler.h>
#include <xen-lite/types.h>
#include <asm/csr.h>

/* What boot found out about the host harts (all harts are alike). */
struct riscv_features {
	bool sstc; /* stimecmp/vstimecmp usable */
	bool svpbmt; /* henvcfg.PBMTE sticks */
	unsigned long henvcfg; /* bits every vCPU gets (STCE, PBMTE) */
	bool vs_sv39; /* vsatp takes MODE Sv39 */
	bool vs_sv48; /* vsatp takes MODE Sv48 */
	bool ssaia; /* the AIA CSRs (stopi, siselect, ...) exist */
	bool smstateen; /* hstateen0 exists (and gates VS-mode state) */
	bool vector; /* V: guests get it, state switched (vcpu.c) */
	unsigned long vlenb; /* V: bytes per vector register */
	bool senvcfg; /* guests reach senvcfg: switched per vCPU */
};

/*
 * The synchronous exceptions a guest handles itself (hedeleg; setup.c
 * hart_init()): its own page faults, breakpoints, system calls of its
 * user space, misaligned accesses and illegal instructions. While a
 * vCPU's vector registers are not live on its hart, illegal instructions
 * come to the hypervisor instead (vcpu.c vcpu_load()): with the HS-level
 * sstatus.VS Off a vector instruction raises one (privileged spec
 * 20211203, 8.2.11 "vsstatus": with V = 1 both vsstatus.VS and
 * sstatus.VS are in effect), and hedeleg decides who takes it.
 */
#define RISCV_HEDELEG                                                  \
	((1UL << EXC_INST_MISALIGNED) | (1UL << EXC_ILLEGAL_INST) |    \
	 (1UL << EXC_BREAKPOINT) | (1UL << EXC_LOAD_MISALIGNED) |      \
	 (1UL << EXC_STORE_MISALIGNED) | (1UL << EXC_ECALL_U) |        \
	 (1UL << EXC_INST_PAGE_FAULT) | (1UL << EXC_LOAD_PAGE_FAULT) | \
	 (1UL << EXC_STORE_PAGE_FAULT))

/* The largest vector register the hypervisor switches (VLEN 4096). */
#define RISCV_VLENB_MAX 512

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

/**
 * riscv_isa_has_letter() - does the single-letter part of @isa (after
 * "rv64", up to the first '_') contain @c?
 */
bool riscv_isa_has_letter(const char *isa, char c);

#endif /* ASM_RISCV_RISCV_H */
