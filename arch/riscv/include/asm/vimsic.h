/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vCPU's IMSIC interrupt file (RISC-V AIA specification 1.0, chapter
 * 3) on an AIA host: a guest interrupt file of the vCPU's hart mapped
 * into the domain's stage 2 when one is free (the hart does the rest),
 * else emulated here: the file's page (seteipnum) through the MMIO
 * registry, its CSRs (sireg for eidelivery, eithreshold, eip, eie, and
 * stopei) through the virtual-instruction exits a VS-mode access raises
 * while hstatus.VGEIN names no guest file (AIA 1.0, 5.3 "Hypervisor and
 * VS CSRs"), and its interrupt line as VSEIP (eip_level).
 */
#ifndef ASM_RISCV_VIMSIC_H
#define ASM_RISCV_VIMSIC_H

#include <xen-lite/spinlock.h>
#include <xen-lite/types.h>

#define VIMSIC_BASE 0x28000000UL
/* One 4 KiB page per vCPU: vCPU n's file at VIMSIC_BASE + n * 4 KiB. */
#define VIMSIC_NR_IDS 63 /* identities 1..63: one eip/eie register */

struct domain;
struct vcpu;

struct vimsic {
	spinlock_t lock;
	u64 eip; /* pending identities (bit 0 never) */
	u64 eie; /* enabled identities */
	u32 eidelivery; /* 1: the file interrupts the vCPU */
	u32 eithreshold; /* 0: none; else only identities below it */
	/* Guest interrupt file of the vCPU's hart in use (0: emulated). */
	unsigned int hw_file;
	bool hw_tried; /* vimsic_hw_attach() ran */
	paddr_t hw_pa; /* its page */
};

/**
 * vimsic_vcpu_init() - a vCPU's file: emulated, all zero.
 */
void vimsic_vcpu_init(struct vcpu *v);

/**
 * vimsic_init() - register the domain's window, a page per vCPU of its
 * configuration.
 * Return: 0 or vmmio_register()'s error.
 */
int vimsic_init(struct domain *d);

/**
 * vimsic_send() - an MSI: make identity @id pending in @v's file
 * (identities 0 and above VIMSIC_NR_IDS are dropped, as the hart's file
 * drops identities it does not implement).
 */
void vimsic_send(struct vcpu *v, unsigned int id);

/**
 * vimsic_mmio() - the struct vmmio_ops access() of the window: a 32-bit
 * write of seteipnum_le (offset 0) or seteipnum_be (4) of a vCPU's page.
 * Reads are zero. Return: 0, or -EINVAL for another size or alignment.
 */
int vimsic_mmio(struct vcpu *v, void *priv, paddr_t off, unsigned int size,
		bool is_write, u64 *val);

/**
 * vimsic_csr() - emulate a VS-mode access of @v to sireg (with vsiselect
 * @isel) or stopei (@csr): the old value in *@old, then, if @write (a
 * csrrs/csrrc with x0 does not write), the bits of @mask from @new_val
 * (any write of stopei claims the identity it reported).
 * Return: 0, or -EINVAL for a register the file does not have (the
 * caller raises an illegal-instruction exception).
 */
int vimsic_csr(struct vcpu *v, unsigned int csr, unsigned long isel,
	       unsigned long *old, bool write, unsigned long new_val,
	       unsigned long mask);

/**
 * vimsic_virtual_insn() - a virtual-instruction exit of @v for @insn: a
 * csrr* of sireg or stopei is emulated (rd written, sepc advanced, or an
 * illegal-instruction exception injected). @isel is the vCPU's vsiselect.
 * Return: true when @insn was one of those.
 */
bool vimsic_virtual_insn(struct vcpu *v, unsigned long insn,
			 unsigned long isel);

/**
 * vimsic_hw_send() - write identity @id into the guest file page @pa (a
 * hardware file's MSI register; vimsic.c calls it for a vCPU with one).
 */
void vimsic_hw_send(paddr_t pa, unsigned int id);

/**
 * vimsic_hw_attach() - @v (about to run on @cpu, interrupts off) takes a
 * free guest interrupt file of @cpu: mapped at its IMSIC page, named by
 * its hstatus.VGEIN, loaded with the emulated file's state. Without a
 * free file (or a mapping) the file stays emulated. Once per vCPU.
 */
void vimsic_hw_attach(struct vcpu *v, unsigned int cpu);

/** vimsic_hw_detach() - @v (destroyed) gives its file of @cpu back. */
void vimsic_hw_detach(struct vcpu *v, unsigned int cpu);

/**
 * vimsic_sgei() - a guest external interrupt (SGEI) on this CPU: wake the
 * blocked vCPUs whose files interrupt (hgeip & hgeie), and stop watching
 * those files (vcpu_load() / vcpu_put() manage hgeie).
 */
void vimsic_sgei(void);

/* The vCPU's vsiselect (current vCPU, CSRs loaded); the tests' own. */
#ifdef XL_HOST_TEST
extern unsigned long vimsic_test_vsiselect;
static inline unsigned long vimsic_vsiselect(void)
{
	return vimsic_test_vsiselect;
}
#else
#include <asm/csr.h>
static inline unsigned long vimsic_vsiselect(void)
{
	return csr_read(CSR_VSISELECT);
}
#endif

#endif /* ASM_RISCV_VIMSIC_H */
