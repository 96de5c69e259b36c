/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Domain files: an xl.cfg-like "key = value" format describing one
 * boot-time domain each. The syntax and every key are documented in
 * docs/domain-file.md.
 *
 * The parser is self-contained (libc only) so that a fuzzing harness can
 * drive domcfg_parse_buf() directly with DOMCFG_NO_FS.
 */
#ifndef XL_TOOLS_DOMCFG_H
#define XL_TOOLS_DOMCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The boot schema shared with the hypervisor: property names, fixed limits,
 * Kconfig ranges and defaults, the p2m pool formula.
 */
#include <public/boot_schema.h>

#define DOMCFG_NAME_MAX XL_BOOT_NAME_MAX /* characters in a domain name */
/* The hypervisor's own limit on boot domains: not a Kconfig option. */
#define DOMCFG_MAX_BOOT_DOMAINS XL_BOOT_MAX_DOMAINS
/* Elements in one list value: cpus has one per vCPU. */
#define DOMCFG_MAX_LIST XL_KCONFIG_MAX_VCPUS_MAX
#define DOMCFG_STR_MAX 4096 /* bytes in one string value */
#define DOMCFG_MAX_ERRORS 32 /* diagnostics kept */
#define DOMCFG_DEFAULT_MEMORY (64ull << 20)
#define DOMCFG_MIN_POOL_KB XL_BOOT_POOL_MIN_KB
#define DOMCFG_MAX_POOL_KB XL_BOOT_POOL_MAX_KB
#define DOMCFG_MAX_MEMORY XL_BOOT_MEM_MAX
#define DOMCFG_CMDLINE_MAX XL_BOOT_BOOTARGS_MAX /* bytes, without the NUL */

/* What the hypervisor does when a domain powers off, reboots or crashes. */
enum domcfg_action {
	DOMCFG_DESTROY,
	DOMCFG_RESTART,
	DOMCFG_PRESERVE,
};

enum domcfg_pv_mmu {
	DOMCFG_PV_MMU_UNSET,
	DOMCFG_PV_MMU_NONE,
	DOMCFG_PV_MMU_NO_WX,
};

/* Keys, used to remember on which line each one was set. */
enum domcfg_key {
	DOMCFG_K_NAME,
	DOMCFG_K_KERNEL,
	DOMCFG_K_RAMDISK,
	DOMCFG_K_CMDLINE,
	DOMCFG_K_MEMORY,
	DOMCFG_K_VCPUS,
	DOMCFG_K_CPUS,
	DOMCFG_K_P2M_POOL,
	DOMCFG_K_PRIVILEGED,
	DOMCFG_K_ON_POWEROFF,
	DOMCFG_K_ON_REBOOT,
	DOMCFG_K_ON_CRASH,
	DOMCFG_K_PV_MMU_POLICY,
	DOMCFG_K_MMIO_FAULT,
	DOMCFG_K_SHM,
	/* Passthrough (docs/passthrough.md). */
	DOMCFG_K_DISK,
	DOMCFG_K_VIF,
	DOMCFG_K_IOMEM,
	DOMCFG_K_IRQS,
	DOMCFG_K_DTDEV,
	DOMCFG_K_DIRECT_MAP,
	DOMCFG_NR_KEYS,
};

/*
 * Passthrough (docs/passthrough.md): what a domain file asks for, and
 * after domcfg_pt_assign() the resolved assignment the bundle carries.
 */
#define DOMCFG_PT_MAX 16 /* elements of each passthrough list */
#define DOMCFG_PT_NO_TRANSPORT (-1)

struct domcfg_disk {
	char *target; /* resolved against the file's directory */
	bool ro;
	int vdev; /* 0 = vda; -1 = next free */
	int transport; /* virtio-mmio bus number, after domcfg_pt_assign() */
};

struct domcfg_vif {
	char mac[18]; /* "" = QEMU's choice */
	char *hostfwd; /* "tcp:127.0.0.1:8080-:80;..." or NULL */
	int transport;
};

struct domcfg_iomem {
	uint64_t hpa, gpa, size; /* bytes */
	bool from_dtdev; /* derived (disk, vif, dtdev), not written */
};

struct domcfg_pt {
	int nr_disks, nr_vifs, nr_iomem, nr_irqs, nr_dtdev;
	struct domcfg_disk disk[DOMCFG_PT_MAX];
	struct domcfg_vif vif[DOMCFG_PT_MAX];
	/* iomem and irqs: the file's, then those of dtdev, disk and vif */
	struct domcfg_iomem iomem[3 * DOMCFG_PT_MAX];
	uint32_t irq[3 * DOMCFG_PT_MAX];
	char *dtdev[3 * DOMCFG_PT_MAX]; /* the file's, then disk's and vif's */
	int nr_file_iomem, nr_file_irqs, nr_file_dtdev;
	bool direct_map;
};

/* One element of shm = [...] (docs/shared-memory.md). */
struct domcfg_shm {
	char id[XL_BOOT_SHM_ID_MAX + 1];
	uint64_t size; /* bytes, multiple of 4 KiB */
	uint64_t gpa; /* placed by the parser when not given */
	bool gpa_given;
	bool owner; /* role=owner, else borrower */
	bool ro; /* access=ro */
};

/* One parsed domain file. Strings are heap copies; see domcfg_free(). */
struct domcfg {
	char *path; /* the file as named on the command line */
	int nr_lines; /* lines in the file (at least 1) */
	int line[DOMCFG_NR_KEYS]; /* line of each key, 0 if absent */

	char name[DOMCFG_NAME_MAX + 1];
	char *kernel; /* resolved against the file's directory */
	char *ramdisk; /* NULL if none */
	char *cmdline; /* NULL if none */
	uint64_t kernel_size; /* bytes; 0 with DOMCFG_NO_FS */
	uint64_t ramdisk_size;
	uint64_t memory; /* bytes, multiple of 2 MiB */
	uint32_t vcpus;
	uint32_t nr_cpus; /* pinning entries, 0 = not pinned */
	uint32_t cpus[DOMCFG_MAX_LIST];
	uint32_t p2m_pool_kb; /* 0 = automatic */
	bool privileged;
	enum domcfg_action on_poweroff;
	enum domcfg_action on_reboot;
	enum domcfg_action on_crash;
	enum domcfg_pv_mmu pv_mmu_policy;
	bool mmio_fault_crash; /* mmio_fault = "crash" (default "inject") */
	uint32_t nr_shm; /* shared-memory regions, in file order (slots) */
	struct domcfg_shm shm[XL_BOOT_SHM_MAX];
	struct domcfg_pt pt; /* passthrough */
};

struct domcfg_diag {
	char file[512];
	int line;
	char msg[256];
};

/* Diagnostics collected by the parser and the checks, in order. */
struct domcfg_error {
	int count; /* errors found (may exceed the kept ones) */
	struct domcfg_diag diag[DOMCFG_MAX_ERRORS];
};

/* The machine the domains must fit on. */
struct domcfg_host {
	uint32_t nr_cpus;
	uint64_t ram_size; /* bytes */
	bool overcommit; /* do not check that domains fit in ram_size */
};

/*
 * Limits of the hypervisor build the domains will boot on, read from that
 * build's .config (build/ARCH/.config, the file 'make menuconfig ARCH=..'
 * edits) by domcfg_load_limits(). Before that, or when the build is not
 * configured, they hold the Kconfig defaults and @config is NULL.
 */
struct domcfg_limits {
	uint32_t max_vcpus; /* CONFIG_MAX_VCPUS */
	uint32_t max_domains; /* CONFIG_MAX_DOMAINS */
	uint32_t nr_cpus; /* CONFIG_NR_CPUS: CPUs the hypervisor brings up */
	uint32_t p2m_pool_default_kb; /* CONFIG_P2M_POOL_DEFAULT_KB, 0 = auto */
	/* arm64: CONFIG_ARM_IPA_BITS_MAX, guest physical address bits */
	uint32_t arm_ipa_bits;
	const char *config; /* the .config they came from, or NULL */
};

extern struct domcfg_limits domcfg_limits;

/**
 * domcfg_load_limits() - read the limits from a build's .config
 * @config: path of the .config (e.g. ROOT/build/riscv64/.config)
 *
 * A missing file leaves the Kconfig defaults in place.
 *
 * Return: 0 if read, -ENOENT if missing, -EINVAL (after printing why) if
 * a value is malformed.
 */
int domcfg_load_limits(const char *config);

/**
 * domcfg_limit_source() - where a limit came from, for messages
 * @sym: the Kconfig symbol without CONFIG_ (e.g. "MAX_VCPUS")
 * @val: its value
 *
 * Return: a static string "CONFIG_MAX_VCPUS=8 in build/riscv64/.config"
 * or "CONFIG_MAX_VCPUS=8, the Kconfig default".
 */
const char *domcfg_limit_source(const char *sym, unsigned long val);

/* Flags for domcfg_parse_buf(). */
#define DOMCFG_NO_FS 1 /* do not resolve or read kernel/ramdisk */

/**
 * domcfg_parse_buf() - parse one domain file held in memory
 * @path: the file's name, used in diagnostics and to resolve paths
 * @buf: the contents (need not be NUL-terminated; NUL bytes are errors)
 * @len: bytes in @buf
 * @flags: 0 or DOMCFG_NO_FS
 * @out: filled in; release with domcfg_free() whatever the result
 * @err: diagnostics are appended here
 *
 * Return: 0 if the file is valid, -EINVAL if diagnostics were added.
 */
int domcfg_parse_buf(const char *path, const char *buf, size_t len,
		     unsigned int flags, struct domcfg *out,
		     struct domcfg_error *err);

/**
 * domcfg_parse_file() - read and parse one domain file
 * @path: the file
 * @out: filled in; release with domcfg_free() whatever the result
 * @err: diagnostics are appended here
 *
 * Kernel and ramdisk paths are resolved against the file's directory and
 * must name readable, non-empty regular files.
 *
 * Return: 0 if the file is valid, -EINVAL if diagnostics were added.
 */
int domcfg_parse_file(const char *path, struct domcfg *out,
		      struct domcfg_error *err);

/**
 * domcfg_parse_file_flags() - domcfg_parse_file() with parser flags
 * @path: the file
 * @flags: 0 or DOMCFG_NO_FS (module files are not looked at)
 * @out: filled in; release with domcfg_free() whatever the result
 * @err: diagnostics are appended here
 *
 * Return: 0 if the file is valid, -EINVAL if diagnostics were added.
 */
int domcfg_parse_file_flags(const char *path, unsigned int flags,
			    struct domcfg *out, struct domcfg_error *err);

/**
 * domcfg_check_set() - check domains against each other and the host
 * @doms: parsed domains, in command-line order
 * @nr: how many
 * @host: the machine they will run on
 * @err: diagnostics are appended here
 *
 * Checks duplicate names, pinning against the host's CPUs and that all
 * memory (domains, page-table pools, boot modules, xen-lite itself) fits.
 *
 * Return: 0 if the set is valid, -EINVAL if diagnostics were added.
 */
int domcfg_check_set(const struct domcfg *doms, int nr,
		     const struct domcfg_host *host, struct domcfg_error *err);

/**
 * domcfg_warn() - print warnings (not errors) about a valid domain
 * @d: the domain
 * @f: where to, as "FILE:LINE: warning: message" lines
 *
 * Today: a Linux kernel with on_crash set and no panic= on its command
 * line (a Linux panic never reaches on_crash).
 *
 * Return: the number of warnings printed.
 */
int domcfg_warn(const struct domcfg *d, FILE *f);

/**
 * domcfg_free() - release what domcfg_parse_*() allocated
 * @d: the domain; it is left zeroed
 */
void domcfg_free(struct domcfg *d);

/**
 * domcfg_error_print() - print diagnostics as "FILE:LINE: message" lines
 * @err: the diagnostics
 * @f: where to
 */
void domcfg_error_print(const struct domcfg_error *err, FILE *f);

/**
 * domcfg_parse_size() - parse "<digits>[K|M|G|T]"
 * @s: the text
 * @unit: multiplier when there is no suffix (e.g. 1 << 20 for MiB)
 * @out: bytes
 *
 * Return: 0 on success, -EINVAL on bad syntax, -ERANGE on overflow.
 */
int domcfg_parse_size(const char *s, uint64_t unit, uint64_t *out);

/**
 * domcfg_pool_kb() - page-table pool the hypervisor gives a domain
 * @d: the domain
 *
 * Return: p2m_pool if set, else CONFIG_P2M_POOL_DEFAULT_KB if set, else
 * the automatic size (4 KiB per MiB of RAM plus 64 KiB per vCPU, at least
 * 256 KiB): xl_boot_p2m_pool_kb(), the hypervisor's formula.
 */
uint64_t domcfg_pool_kb(const struct domcfg *d);

/*
 * Architecture substituted for "${arch}" in kernel and ramdisk paths
 * ("riscv64" or "arm64"); NULL means "riscv64".
 */
extern const char *domcfg_arch;

/*
 * domcfg_action_name(), domcfg_pv_mmu_name() - the DTB/domain-file spelling
 * Return: "destroy", "restart", "preserve" / "none", "no-wx" (NULL if
 * unset).
 */
const char *domcfg_action_name(enum domcfg_action a);
const char *domcfg_pv_mmu_name(enum domcfg_pv_mmu p);

/**
 * domcfg_pt_assign() - give disks and NICs their transports, check devices
 * @doms: parsed domains, in command-line order
 * @nr: how many
 * @host: the machine (its RAM, for the MMIO-overlaps-RAM check)
 * @err: diagnostics are appended here
 *
 * Hands out the board's virtio-mmio transports (docs/passthrough.md),
 * adds each transport's node, MMIO and interrupt to its domain's dtdev,
 * iomem and irqs, and checks devices across domains: a range or IRQ
 * given twice, MMIO over RAM or a device the hypervisor drives, a
 * DMA-capable device without direct_map. tools/passthrough.c.
 *
 * Return: 0, or -EINVAL if diagnostics were added.
 */
int domcfg_pt_assign(struct domcfg *doms, int nr,
		     const struct domcfg_host *host, struct domcfg_error *err);

/**
 * domcfg_pt_check_dtdev() - refuse a dtdev path the host tree lacks
 * @doms: the domains
 * @nr: how many
 * @tree: the host device tree the bundle would carry (QEMU's dump for
 *	these machine options)
 * @err: one "dtdev: the host device tree has no node PATH" per path
 *
 * Only the files' own dtdev paths: the ones disk and vif add name the
 * board's transports. tools/passthrough.c.
 *
 * Return: 0, or -EINVAL if diagnostics were added.
 */
int domcfg_pt_check_dtdev(const struct domcfg *doms, int nr, const void *tree,
			  struct domcfg_error *err);

/* Does any of @doms name a dtdev in its file? */
bool domcfg_pt_has_dtdev(const struct domcfg *doms, int nr);

/* Add one "FILE:LINE: message" diagnostic (also used by tools/passthrough.c). */
void domcfg_diag(struct domcfg_error *err, const char *file, int line,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Bytes xen-lite keeps for itself when checking that domains fit. */
#define DOMCFG_HYP_RESERVE (16ull << 20)
/* Boot modules and domain memory are handled in 2 MiB units. */
#define DOMCFG_ALIGN XL_BOOT_MEM_ALIGN

#endif
