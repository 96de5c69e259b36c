/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a domain is built from, as common/domain_fdt.c reads it from the
 * boot schema (include/public/boot_schema.h). Apart from the rest of
 * domain.h so that the host CLI can compile domain_fdt.c (tools/Makefile).
 */
#ifndef XL_DOMAIN_CONFIG_H
#define XL_DOMAIN_CONFIG_H

#include <public/boot_schema.h>
#include <xen-lite/types.h>

enum shutdown_action {
	ACTION_DESTROY = 0,
	ACTION_RESTART,
	ACTION_PRESERVE,
};

#define DOMAIN_NAME_LEN (XL_BOOT_NAME_MAX + 1)

/* One shared-memory region of a domain (docs/shared-memory.md). */
struct domain_shm_config {
	char id[XL_BOOT_SHM_ID_MAX + 1];
	u64 size;
	paddr_t gpa;
	bool owner; /* else borrower */
	bool ro;
};

/* What a domain is built from: the /chosen node, validated. */
struct domain_config {
	char name[DOMAIN_NAME_LEN];
	/*
	 * The ID the domain gets (0: the next free one). Boot domains get
	 * 1 + their /chosen/domain@N index, and a restart keeps the ID, so
	 * the tools' numbering (xen-lite inspect) is the hypervisor's.
	 */
	domid_t domid;
	u64 mem_bytes;
	u32 vcpus;
	s32 affinity[CONFIG_MAX_VCPUS]; /* -1 = any CPU */
	u32 p2m_pool_kb; /* 0 = automatic */
	bool privileged;
	bool pv_no_wx;
	/*
	 * An access to a guest physical address that is neither RAM nor an
	 * emulated device crashes the domain (mmio_fault = "crash") instead
	 * of taking a fault in the guest (default "inject").
	 */
	bool mmio_fault_crash;
	enum shutdown_action on_poweroff, on_reboot, on_crash;
	char bootargs[XL_BOOT_BOOTARGS_MAX + 1];
	paddr_t kernel_pa;
	u64 kernel_size;
	paddr_t ramdisk_pa;
	u64 ramdisk_size;
	/*
	 * The frames of the kernel and ramdisk modules may become the
	 * domain's RAM instead of being copied: no on_* action restarts the
	 * domain (a rebuild would need the modules intact) and no other
	 * domain's module shares their frames.
	 */
	bool modules_in_place;
	/* Shared-memory regions, by slot (the order of the domain file). */
	u32 nr_shm;
	struct domain_shm_config shm[XL_BOOT_SHM_MAX];
	/* Passthrough (docs/passthrough.md): the domain's host devices. */
	struct domain_iomem {
		paddr_t hpa, gpa;
		u64 size;
	} iomem[XL_BOOT_PT_MAX];
	u32 irqs[XL_BOOT_PT_MAX];
	unsigned int nr_iomem, nr_irqs;
	char dtdev[XL_BOOT_DTDEV_BYTES]; /* the string list, as in the DTB */
	unsigned int dtdev_len; /* bytes of it, 0 if none */
	bool direct_map;
	/*
	 * A domain created at run time (common/mgmt_cmds.c): the frames its
	 * kernel and ramdisk were received into, kept for restarts and freed
	 * when it is destroyed for good (0 pages: a boot domain).
	 */
	paddr_t staging_pa;
	u64 staging_pages;
};

#endif /* XL_DOMAIN_CONFIG_H */
