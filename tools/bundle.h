/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot bundles: QEMU's host DTB with one /chosen/domain@N node per domain
 * (docs/boot-protocol.md), the boot modules, and the QEMU command line.
 */
#ifndef XL_TOOLS_BUNDLE_H
#define XL_TOOLS_BUNDLE_H

#include <stdbool.h>
#include <stdint.h>

#include "domcfg.h"
#include "util.h"

/* What differs between the two QEMU machines. */
struct arch_info {
	const char *name; /* riscv64, arm64 */
	const char *qemu; /* qemu-system-riscv64 */
	const char *machine; /* -machine value (without dumpdtb) */
	const char *cpu; /* -cpu value */
	const char *gdb_arch; /* for gdb's 'set architecture' */
};

/**
 * arch_lookup() - the QEMU machine description for an architecture
 * @name: riscv64 or arm64 (riscv, aarch64 and arm are accepted too)
 *
 * Return: the description, or NULL for an unknown name.
 */
const struct arch_info *arch_lookup(const char *name);

/* Options of build, run and demo. */
struct xl_opts {
	const struct arch_info *arch;
	const char *root; /* repository root */
	uint32_t smp;
	uint64_t mem; /* bytes */
	bool icount;
	bool gdb;
	unsigned int gdb_port; /* 0 = QEMU's default (-s: 1234) */
	bool dry_run;
	bool overcommit; /* skip the host-memory fit check */
	bool no_files; /* check --no-files */
	unsigned int timeout; /* seconds, 0 = none */
	struct strvec qemu_args;
	const char *outdir;
	const char *bios; /* RISC-V firmware */
	unsigned int qemu_ver; /* 0: the system's QEMU (Debian 12: 7.2); 10 */
	struct strvec machine_opts; /* --machine-opt KEY=VAL, in order */
	const char *cpu; /* --cpu MODEL; NULL: the architecture's default */
	const char *machine; /* start --machine NAME (tools/runtime.c) */
};

/*
 * Where 'make deps' unpacks QEMU 10.0.2 and OpenSBI 1.5.1 from Debian 12's
 * bookworm-backports (scripts/deps.sh), relative to the repository root.
 */
#define QEMU10_ROOT "build/debian/qemu10/root"
#define QEMU10_DATA QEMU10_ROOT "/usr/share/qemu"
#define QEMU10_OPENSBI \
	QEMU10_ROOT "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"

/**
 * qemu_check() - is the QEMU that @o selects there?
 * @o: options (qemu_ver, arch, root)
 *
 * Return: 0, or -1 after printing what is missing and how to get it.
 */
int qemu_check(const struct xl_opts *o);

/* One boot module placed in host RAM. */
struct module {
	const char *kind; /* "kernel" or "ramdisk" */
	const char *src;
	char *file; /* copy inside the bundle (absolute) */
	uint64_t addr;
	uint64_t size;
};

/**
 * bundle_build() - write a boot bundle into o->outdir
 * @o: options; o->outdir must be set
 * @doms: validated domains
 * @nr: how many
 * @argv: receives the QEMU command line
 *
 * Return: 0 on success; BUNDLE_INVALID when a domain file asks for what
 * the machine lacks (a dtdev node not in its tree), another negative value
 * otherwise; the reason is printed.
 */
#define BUNDLE_INVALID (-2)
int bundle_build(const struct xl_opts *o, const struct domcfg *doms, int nr,
		 struct strvec *argv);

/**
 * bundle_host_tree() - the device tree QEMU gives the machine @o describes
 * (the one a bundle built with @o would carry), dumped in a temporary
 * directory: one QEMU start, about 0.1 s.
 *
 * Return: the tree (heap), or NULL after printing why.
 */
void *bundle_host_tree(const struct xl_opts *o);

/**
 * bundle_domain_fdt() - a blank tree with the domains' /chosen nodes
 * @doms: valid domains
 * @nr: how many
 * @mods: receives their modules (heap), at made-up addresses; a file not
 *	read (check --no-files) stands as 4 KiB
 * @nr_mods: receives how many
 *
 * Return: the tree (heap), with the nodes bundle_build() would write.
 */
void *bundle_domain_fdt(const struct domcfg *doms, int nr, struct module **mods,
			int *nr_mods);

/**
 * bundle_check() - the domains' nodes read back by the hypervisor's parser
 * @o: options (smp: the host's CPUs)
 * @doms: domains that passed domcfg_check_set()
 * @nr: how many
 * @err: why not, one line (size @errlen)
 *
 * bundle_domain_fdt() handed to bundle_verify().
 *
 * Return: 0 if the hypervisor would read exactly these domains, else -1.
 */
int bundle_check(const struct xl_opts *o, const struct domcfg *doms, int nr,
		 char *err, size_t errlen);

/**
 * bundle_verify() - read a DTB's domain nodes back as the hypervisor will
 * @fdt: the DTB
 * @doms: the domains it was written from
 * @nr: how many
 * @mods: their modules as placed: per domain the kernel, then the
 *	ramdisk if there is one
 * @nr_cpus: CPUs the hypervisor will have online
 * @err: why not, one line (size @errlen)
 *
 * Parses @fdt with common/domain_fdt.c (against the limits of the build's
 * .config, domcfg_limits) and compares each domain field by field with
 * @doms (tools/bootcheck.c).
 *
 * Return: 0 if they agree; -1 if the hypervisor would refuse the DTB or
 * read something else.
 */
int bundle_verify(const void *fdt, const struct domcfg *doms, int nr,
		  const struct module *mods, unsigned int nr_cpus, char *err,
		  size_t errlen);

/* Files bundle_build() writes into the bundle directory. */
#define BUNDLE_DTB "host.dtb"
#define BUNDLE_QEMU_DTB "qemu.dtb"
#define BUNDLE_CMDLINE "qemu.cmdline"
#define BUNDLE_RUN "run.sh"
#define BUNDLE_HYP "xen-lite.bin" /* the hypervisor image */

/**
 * bundle_remove() - delete a bundle directory bundle_build() wrote
 * @dir: the directory
 */
void bundle_remove(const char *dir);

/**
 * bundle_inspect() - print what a bundle holds
 * @dir: the directory
 *
 * Return: 0, or 1 after printing why the bundle cannot be read.
 */
int bundle_inspect(const char *dir);

/*
 * hyp_image(), hyp_elf() - the hypervisor's build outputs for @arch
 * Return: heap strings ROOT/build/ARCH/xen-lite.bin and .elf.
 */
char *hyp_image(const char *root, const struct arch_info *arch);
char *hyp_elf(const char *root, const struct arch_info *arch);

#endif
