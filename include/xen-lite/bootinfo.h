/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the hypervisor learns from the host device tree at boot
 * (common/bootfdt.c). The parser is pure: it compiles into the host unit
 * tests, which feed it crafted device trees.
 */
#ifndef XL_BOOTINFO_H
#define XL_BOOTINFO_H

#include <xen-lite/types.h>

#define BI_MAX_BANKS 16
#define BI_MAX_RESERVED 48
#define BI_MAX_CPUS 64
#define BI_MAX_REGS 4

struct membank {
	paddr_t start;
	u64 size;
};

enum resv_kind {
	RESV_MEMRESERVE, /* /memreserve/ header entry */
	RESV_NODE, /* /reserved-memory child */
	RESV_MODULE, /* a boot module of a /chosen domain node */
	RESV_IMAGE, /* the hypervisor image */
	RESV_DTB, /* the device tree blob itself */
};

struct resv {
	paddr_t start;
	u64 size;
	enum resv_kind kind;
};

enum uart_type {
	UART_NONE = 0,
	UART_NS16550,
	UART_PL011,
};

struct bi_device {
	char compatible[40];
	int node; /* offset in the DTB, -1 if absent */
	u32 nr_regs;
	struct membank regs[BI_MAX_REGS];
	u32 irq; /* first interrupt specifier cell that names the line */
};

struct bootinfo {
	const void *fdt;
	paddr_t fdt_pa;
	u32 fdt_size;

	u32 nr_mem;
	struct membank mem[BI_MAX_BANKS];
	u32 nr_resv;
	struct resv resv[BI_MAX_RESERVED];

	u32 nr_cpus;
	unsigned long cpu_hwid[BI_MAX_CPUS];
	char isa[512]; /* RISC-V: riscv,isa of the first CPU (QEMU 10's: 314) */

	u64 timebase_hz; /* RISC-V /cpus timebase-frequency or Arm timer */

	enum uart_type uart_type;
	struct bi_device uart;
	u32 uart_reg_shift;
	u32 uart_reg_io_width;
	u32 uart_clock;

	struct bi_device intc; /* PLIC or GICv3 */
	struct bi_device timer; /* Arm architected timer node */

	const char *bootargs;
	int chosen; /* /chosen offset or -1 */
	u32 nr_domain_nodes;

	char error[160]; /* one-line reason when parsing failed */
};

/**
 * bootfdt_parse() - fill @bi from the flattened device tree at @fdt.
 * @fdt: the blob (its header is checked; the size is taken from it).
 * @fdt_pa: where the blob lives (recorded as a reserved range).
 * @bi: output; bi->error says why when an error is returned.
 *
 * Reads memory banks, /memreserve/ and /reserved-memory, CPUs, the console
 * UART (/chosen stdout-path, else the first one found), the interrupt
 * controller, timer frequency, /chosen bootargs and the reg ranges of the
 * /chosen domain modules (reserved so the allocator never hands them out).
 * Return: 0, -EINVAL for a malformed tree or a missing memory node,
 * -ERANGE for overlapping or out-of-RAM reserved ranges, -E2BIG for
 * more entries than the tables hold.
 */
int bootfdt_parse(const void *fdt, paddr_t fdt_pa, struct bootinfo *bi);

/**
 * bootinfo_add_resv() - record another reserved range (e.g. the image).
 * Return: 0, -E2BIG when the table is full, -ERANGE if it overlaps an
 * existing reserved range.
 */
int bootinfo_add_resv(struct bootinfo *bi, paddr_t start, u64 size,
		      enum resv_kind kind);

/** bootinfo_ram_size() - total RAM described by the memory banks. */
u64 bootinfo_ram_size(const struct bootinfo *bi);

#endif /* XL_BOOTINFO_H */
