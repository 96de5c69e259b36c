/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Emulated APLIC in MSI delivery mode (RISC-V AIA specification 1.0,
 * chapter 4): the one interrupt domain of a guest on an AIA host, whose
 * sources become MSIs to the vCPUs' IMSIC files (vimsic.c).
 */
#ifndef ASM_RISCV_VAPLIC_H
#define ASM_RISCV_VAPLIC_H

#include <xen-lite/spinlock.h>
#include <xen-lite/types.h>

#define VAPLIC_BASE 0x0d000000UL
#define VAPLIC_SIZE 0x4000UL /* MSI mode: no interrupt delivery controls */
/* Sources 1..31, as the vPLIC's (the same device lines on both). */
#define VAPLIC_NR_SOURCES 32

struct domain;
struct vcpu;

struct vaplic {
	spinlock_t lock;
	u32 domaincfg; /* IE; DM reads 1, BE 0 */
	u32 sourcecfg[VAPLIC_NR_SOURCES];
	u32 target[VAPLIC_NR_SOURCES];
	u32 genmsi;
	u32 level; /* input line levels, as the devices drive them */
	u32 pending;
	u32 enable;
};

/**
 * vaplic_init() - reset the vAPLIC of @d and register its window.
 * Return: 0 or vmmio_register()'s error.
 */
int vaplic_init(struct domain *d);

/**
 * vaplic_set_level() - drive source @src of @d's vAPLIC to @level (what
 * vplic_set_level() does on a domain with an AIA).
 */
void vaplic_set_level(struct domain *d, unsigned int src, bool level);

/**
 * vaplic_mmio() - the struct vmmio_ops access() of the vAPLIC's window.
 * Return: 0, or -EINVAL for an access other than an aligned 32-bit one.
 */
int vaplic_mmio(struct vcpu *v, void *priv, paddr_t off, unsigned int size,
		bool is_write, u64 *val);

#endif /* ASM_RISCV_VAPLIC_H */
