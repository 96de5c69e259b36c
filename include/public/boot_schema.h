/* SPDX-License-Identifier: MIT */
/*
 * The boot schema: what the domain builder (tools/, a host program) writes
 * into the host DTB's /chosen domain nodes and what the hypervisor
 * (common/domain_fdt.c) reads back (docs/boot-protocol.md). One header for
 * both sides, so that a property name, a limit or the p2m pool formula
 * cannot differ between them. Freestanding: no includes, no types beyond
 * the C language's own.
 *
 * Kconfig-dependent limits live in the build's .config (CONFIG_*); the
 * hypervisor gets them from autoconf.h, the CLI reads the same .config at
 * run time (tools/domcfg.c, domcfg_load_limits()). What is here for them
 * is the range and default common/Kconfig declares, which the CLI needs
 * when a build is not configured yet (tests/cli checks that they match).
 */
#ifndef XL_PUBLIC_BOOT_SCHEMA_H
#define XL_PUBLIC_BOOT_SCHEMA_H

#define XL_BOOT_SCHEMA_VERSION 1

/* Compatible strings. */
#define XL_BOOT_COMPAT_DOMAIN "xen-lite,domain"
#define XL_BOOT_COMPAT_MODULE "multiboot,module"
#define XL_BOOT_COMPAT_KERNEL "xen-lite,kernel"
#define XL_BOOT_COMPAT_RAMDISK "xen-lite,ramdisk"

/* Properties of a /chosen/domain@N node. */
#define XL_BOOT_PROP_NAME "xen-lite,name"
#define XL_BOOT_PROP_MEMORY "xen-lite,memory"
#define XL_BOOT_PROP_VCPUS "xen-lite,vcpus"
#define XL_BOOT_PROP_CPU_AFFINITY "xen-lite,cpu-affinity"
#define XL_BOOT_PROP_P2M_POOL_KB "xen-lite,p2m-pool-kb"
#define XL_BOOT_PROP_PRIVILEGED "xen-lite,privileged"
#define XL_BOOT_PROP_ON_POWEROFF "xen-lite,on-poweroff"
#define XL_BOOT_PROP_ON_REBOOT "xen-lite,on-reboot"
#define XL_BOOT_PROP_ON_CRASH "xen-lite,on-crash"
#define XL_BOOT_PROP_PV_MMU_POLICY "xen-lite,pv-mmu-policy"
#define XL_BOOT_PROP_MMIO_FAULT "xen-lite,mmio-fault"
#define XL_BOOT_PROP_BOOTARGS "bootargs"

/* String values. */
#define XL_BOOT_ACTION_DESTROY "destroy"
#define XL_BOOT_ACTION_RESTART "restart"
#define XL_BOOT_ACTION_PRESERVE "preserve"
#define XL_BOOT_PV_MMU_NONE "none"
#define XL_BOOT_PV_MMU_NO_WX "no-wx"
#define XL_BOOT_MMIO_FAULT_INJECT "inject"
#define XL_BOOT_MMIO_FAULT_CRASH "crash"

/*
 * Passthrough (docs/passthrough.md), in a domain node: host MMIO as
 * <host-address guest-address size> (two cells each), host interrupt
 * numbers (riscv64: PLIC sources; arm64: SPI INTIDs), the host device
 * tree nodes copied into the guest's (a string list), and guest RAM at
 * host physical addresses (empty).
 */
#define XL_BOOT_PROP_IOMEM "xen-lite,iomem"
#define XL_BOOT_PROP_IRQS "xen-lite,irqs"
#define XL_BOOT_PROP_DTDEV "xen-lite,dtdev"
#define XL_BOOT_PROP_DIRECT_MAP "xen-lite,direct-map"
#define XL_BOOT_PT_MAX 32 /* iomem ranges; interrupts */
#define XL_BOOT_DTDEV_BYTES 512 /* the whole dtdev string list */

/*
 * The management channel (docs/cli.md, runtime commands): the virtio-mmio
 * transport of QEMU's virt board through which the CLI talks to a running
 * hypervisor. It is the hypervisor's, never a domain's: passthrough does
 * not assign it, and on arm64 not the rest of its page either (transports
 * 24..31, eight 0x200-byte transports to a 4 KiB page, which a domain
 * could only get whole). QEMU attaches it as bus=virtio-mmio-bus.N.
 */
#define XL_MGMT_TRANSPORT_RISCV64 7
#define XL_MGMT_ADDR_RISCV64 0x10008000ULL
#define XL_MGMT_IRQ_RISCV64 8 /* PLIC source */
#define XL_MGMT_TRANSPORT_ARM64 31
#define XL_MGMT_ADDR_ARM64 0x0a003e00ULL
#define XL_MGMT_IRQ_ARM64 79 /* INTID (SPI 47) */
#define XL_MGMT_PAGE_ARM64 0x0a003000ULL /* transports 24..31 */
#define XL_MGMT_FIRST_RESERVED_ARM64 24

/*
 * The power button (docs/cli.md, "xen-lite shutdown"): a device every
 * domain has, through which the CLI asks a guest to shut down, the way
 * a machine's power button does. No passthrough may use its page or its
 * interrupt line (the CLI refuses iomem and irqs on them).
 *   arm64: a PL061 GPIO controller with a gpio-keys KEY_POWER on line 3,
 *   exactly as QEMU's virt board has its power button (same address,
 *   SPI 7 = INTID 39); Debian's kernel drives both (gpio-pl061,
 *   gpio_keys).
 *   riscv64: a virtio-input device (virtio-mmio, version 2) that reports
 *   KEY_POWER, one page after QEMU virt's eight virtio-mmio transports,
 *   vPLIC (or vAPLIC) source 9, which QEMU's board leaves unused; Debian's
 *   riscv64 kernel has no gpio-keys, but virtio_mmio and virtio_input.
 */
#define XL_PWRBTN_ADDR_ARM64 0x09030000ULL
#define XL_PWRBTN_SIZE_ARM64 0x1000ULL
#define XL_PWRBTN_IRQ_ARM64 39 /* INTID (SPI 7) */
#define XL_PWRBTN_GPIO_LINE_ARM64 3
#define XL_PWRBTN_ADDR_RISCV64 0x10009000ULL
#define XL_PWRBTN_SIZE_RISCV64 0x1000ULL
#define XL_PWRBTN_IRQ_RISCV64 9 /* vPLIC source */
#define XL_PWRBTN_KEY 116 /* Linux's KEY_POWER */

/* Fixed limits (not Kconfig options). */
#define XL_BOOT_MAX_DOMAINS 32 /* domain nodes the hypervisor reads */
#define XL_BOOT_NAME_MAX 31 /* characters of [A-Za-z0-9_-] */
#define XL_BOOT_BOOTARGS_MAX 511 /* bytes, without the NUL */
#define XL_BOOT_MEM_ALIGN (2ULL << 20) /* domain memory and module unit */
#define XL_BOOT_MEM_MAX (64ULL << 30)
#define XL_BOOT_POOL_MIN_KB 16U
#define XL_BOOT_POOL_MAX_KB (4U << 20) /* 4 GiB */

/*
 * Guest physical address of a domain's RAM: where QEMU's virt machine has
 * RAM, so that a guest built for the machine runs unchanged.
 */
#define XL_BOOT_GUEST_RAM_BASE_RISCV64 0x80000000ULL
#define XL_BOOT_GUEST_RAM_BASE_ARM64 0x40000000ULL

/*
 * Static shared memory (docs/shared-memory.md): each region of a domain is
 * a subnode "shm@SLOT" of its /chosen/domain@N node, compatible
 * XL_BOOT_COMPAT_SHM, with these properties. The CLI always writes the
 * guest physical address (it places regions that have none in the file).
 */
#define XL_BOOT_COMPAT_SHM "xen-lite,shm"
#define XL_BOOT_PROP_SHM_ID "xen-lite,shm-id" /* string */
#define XL_BOOT_PROP_SHM_SIZE "xen-lite,shm-size" /* 64-bit bytes */
#define XL_BOOT_PROP_SHM_GPA "xen-lite,shm-gpa" /* 64-bit address */
#define XL_BOOT_PROP_SHM_ROLE "xen-lite,shm-role" /* owner | borrower */
#define XL_BOOT_PROP_SHM_ACCESS "xen-lite,shm-access" /* rw | ro */
#define XL_BOOT_SHM_OWNER "owner"
#define XL_BOOT_SHM_BORROWER "borrower"
#define XL_BOOT_SHM_RW "rw"
#define XL_BOOT_SHM_RO "ro"
#define XL_BOOT_SHM_MAX 8 /* regions per domain (slots 0..7) */
#define XL_BOOT_SHM_MAX_PEERS 16 /* participants of a region, owner too */
#define XL_BOOT_SHM_ID_MAX 31 /* characters of [A-Za-z0-9_-] */
#define XL_BOOT_SHM_SIZE_MAX (1ULL << 30)
#define XL_BOOT_SHM_ALIGN 4096ULL /* size and address unit */
/*
 * The shared-memory area, where regions without a gpa go: below guest
 * RAM, above every emulated device; the doorbell pages just below it
 * (one per slot). The interrupt line of slot N: vPLIC source
 * XL_BOOT_SHM_IRQ_BASE_RISCV64 + N; Arm SPI XL_BOOT_SHM_SPI_BASE_ARM64 + N
 * (INTID 96 + N, above the INTIDs QEMU virt's devices use, which
 * passthrough keeps).
 */
#define XL_BOOT_SHM_AREA_RISCV64 0x40000000ULL
#define XL_BOOT_SHM_AREA_END_RISCV64 0x80000000ULL /* RAM base */
#define XL_BOOT_SHM_AREA_ARM64 0x10000000ULL
#define XL_BOOT_SHM_AREA_END_ARM64 0x3f000000ULL /* doorbells */
#define XL_BOOT_SHM_DOORBELL_BASE 0x3f000000ULL
#define XL_BOOT_SHM_DOORBELL_SIZE 0x1000ULL
#define XL_BOOT_SHM_IRQ_BASE_RISCV64 24
#define XL_BOOT_SHM_SPI_BASE_ARM64 64

/*
 * Kconfig symbols the schema depends on: their range and default in
 * common/Kconfig and arch/arm/Kconfig, as plain numbers (tests/cli
 * compares them with the Kconfig files).
 */
#define XL_KCONFIG_NR_CPUS_MIN 1
#define XL_KCONFIG_NR_CPUS_MAX 64
#define XL_KCONFIG_NR_CPUS_DEFAULT 8
#define XL_KCONFIG_MAX_VCPUS_MIN 1
#define XL_KCONFIG_MAX_VCPUS_MAX 64
#define XL_KCONFIG_MAX_VCPUS_DEFAULT 8
#define XL_KCONFIG_MAX_DOMAINS_MIN 1
#define XL_KCONFIG_MAX_DOMAINS_MAX 256
#define XL_KCONFIG_MAX_DOMAINS_DEFAULT 64
#define XL_KCONFIG_P2M_POOL_DEFAULT_KB_MIN 0
#define XL_KCONFIG_P2M_POOL_DEFAULT_KB_MAX 4194304 /* XL_BOOT_POOL_MAX_KB */
#define XL_KCONFIG_P2M_POOL_DEFAULT_KB_DEFAULT 0
/* arch/arm/Kconfig */
#define XL_KCONFIG_ARM_IPA_BITS_MAX_MIN 32
#define XL_KCONFIG_ARM_IPA_BITS_MAX_MAX 48
#define XL_KCONFIG_ARM_IPA_BITS_MAX_DEFAULT 40

/* The p2m pool: 4 KiB per MiB of RAM, 64 KiB per vCPU, at least this. */
#define XL_BOOT_POOL_AUTO_KB_PER_MIB 4ULL
#define XL_BOOT_POOL_AUTO_KB_PER_VCPU 64ULL
#define XL_BOOT_POOL_AUTO_MIN_KB 256ULL

/**
 * xl_boot_p2m_pool_kb() - the stage-2 page-table pool a domain gets
 * @pool_kb: its xen-lite,p2m-pool-kb (domain file p2m_pool), 0 if absent
 * @mem_bytes: its xen-lite,memory
 * @vcpus: its xen-lite,vcpus
 * @default_kb: CONFIG_P2M_POOL_DEFAULT_KB (0: automatic)
 *
 * The automatic size maps all of the domain's RAM with 4 KiB pages:
 * mapping 1 MiB needs 1/512 of a last-level table, 1 GiB needs 513 table
 * pages, so one page per MiB leaves room for the root and the higher
 * levels (about 0.4% of RAM); 64 KiB per vCPU cover the device windows
 * and what the guest maps at run time.
 *
 * Return: KiB; the hypervisor fills the pool with that many KiB rounded
 * up to 4 KiB pages.
 */
static inline unsigned long long
xl_boot_p2m_pool_kb(unsigned int pool_kb, unsigned long long mem_bytes,
		    unsigned int vcpus, unsigned long long default_kb)
{
	unsigned long long kb;

	if (pool_kb)
		return pool_kb;
	if (default_kb)
		return default_kb;
	kb = XL_BOOT_POOL_AUTO_KB_PER_MIB *
		     ((mem_bytes + (1ULL << 20) - 1) >> 20) +
	     XL_BOOT_POOL_AUTO_KB_PER_VCPU * vcpus;
	return kb < XL_BOOT_POOL_AUTO_MIN_KB ? XL_BOOT_POOL_AUTO_MIN_KB : kb;
}

#endif /* XL_PUBLIC_BOOT_SCHEMA_H */
