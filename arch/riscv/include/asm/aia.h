/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host's Advanced Interrupt Architecture (RISC-V AIA specification
 * 1.0): what imsic.c found out about the IMSICs and what the host APLIC
 * driver (aplic.c) and the virtual AIA (vaplic.c, vimsic.c) use of it.
 *
 * IMSIC interrupt identities of the hypervisor's own S-level file:
 * IMSIC_ID_IPI is the inter-processor interrupt, IMSIC_ID_SELFTEST the
 * boot check of each hart's file, and wired APLIC source s arrives as
 * identity s + IMSIC_ID_SOURCE0 - 1.
 */
#ifndef ASM_RISCV_AIA_H
#define ASM_RISCV_AIA_H

#include <xen-lite/types.h>
#include <asm/csr.h>

/* Indirectly accessed interrupt-file registers (*iselect values). */
#define IMSIC_EIDELIVERY 0x70
#define IMSIC_EITHRESHOLD 0x72
#define IMSIC_EIP0 0x80
#define IMSIC_EIE0 0xc0
#define IMSIC_ISEL_FIRST 0x70
#define IMSIC_ISEL_LAST 0xff
#define IMSIC_TOPEI_ID_SHIFT 16

/* An interrupt file's MMIO page: the set-pending registers. */
#define IMSIC_PAGE_SIZE 0x1000
#define IMSIC_SETEIPNUM_LE 0x0
#define IMSIC_SETEIPNUM_BE 0x4

#define IMSIC_ID_IPI 1
#define IMSIC_ID_SELFTEST 2
#define IMSIC_ID_SOURCE0 3

/* Largest GEILEN (hgeie bits 1..63 on RV64). */
#define IMSIC_MAX_GUEST_FILES 63

/** riscv_aia_imsic - the hart has an S-level IMSIC file the host uses. */
extern bool riscv_aia_imsic;

/**
 * aia_node_is_slevel() - do the interrupts-extended of the IMSIC or
 * APLIC node @node name the harts' S-level external interrupt (9)? The
 * M-level controllers of the same machine name 11.
 */
bool aia_node_is_slevel(const void *fdt, int node);

/**
 * imsic_probe() - find the S-level IMSIC of the host tree @fdt (the
 * "riscv,imsics" node whose interrupts-extended name S-external, 9).
 * Return: 0, -ENODEV when there is none, -EINVAL for a node that does
 * not describe a hart's file.
 */
int imsic_probe(const void *fdt);

/**
 * imsic_hart() - the S-level file of hart @hartid: its physical page and
 * its hart index (the APLIC target register's field).
 * Return: 0, or -ENOENT when the IMSIC node does not list the hart.
 */
int imsic_hart(unsigned long hartid, paddr_t *pa, unsigned int *index);

/** imsic_guest_index_bits() - riscv,guest-index-bits of the S-level IMSIC. */
unsigned int imsic_guest_index_bits(void);

/** imsic_cpu_init() - this hart's file on: delivery, the IPI identity. */
void imsic_cpu_init(unsigned int cpu);

/** imsic_enable() - let identity @id of this hart's file interrupt. */
void imsic_enable(unsigned int id, bool on);

/** imsic_claim() - claim this hart's highest-priority identity (0: none). */
unsigned int imsic_claim(void);

/** imsic_send() - make identity @id pending in the S-level file of @cpu. */
void imsic_send(unsigned int cpu, unsigned int id);

/** imsic_nr_guest_files() - GEILEN: guest interrupt files per hart. */
unsigned int imsic_nr_guest_files(void);

/** imsic_gfile_pa() - the MMIO page of guest file @n of @cpu. */
paddr_t imsic_gfile_pa(unsigned int cpu, unsigned int n);

#endif /* ASM_RISCV_AIA_H */
