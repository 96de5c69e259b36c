/* SPDX-License-Identifier: MIT */
/*
 * xen-lite guest ABI, version 1. Shared by the hypervisor, the test guests
 * and the tools; the structures have fixed sizes and no pointers (guest
 * memory is named by guest physical address).
 *
 * Calling convention
 *   RISC-V: ecall from VS-mode with a7 = XL_SBI_EXT (an SBI
 *           firmware-specific extension ID), a6 = hypercall number,
 *           a0..a4 = arguments. Return: a0 = 0 (SBI_SUCCESS) and
 *           a1 = the hypercall's result (>= 0, or a negative XL_E* code);
 *           a0 = SBI_ERR_NOT_SUPPORTED (-2) for an unknown number.
 *   Arm:    HVC #0 with x0 = XL_SMCCC_FN(nr) (SMCCC fast call, SMC64,
 *           owner 6: vendor-specific hypervisor service), x1..x5 =
 *           arguments. Return: x0 = the result (>= 0 or negative XL_E*);
 *           SMCCC_RET_NOT_SUPPORTED (-1) for an unknown function ID.
 */
#ifndef XL_PUBLIC_XEN_LITE_H
#define XL_PUBLIC_XEN_LITE_H

#define XL_ABI_VERSION_MAJOR 1
#define XL_ABI_VERSION_MINOR 0

#define XL_SBI_EXT 0x0A584C00UL /* "XL" in the firmware-specific range */
#define XL_SMCCC_FN(nr) (0xC6000000UL | (nr))
#define XL_SMCCC_FN_MASK 0xFFFFUL

/* Hypercall numbers */
#define XL_HC_VERSION 0         /* () -> (major << 16) | minor */
#define XL_HC_CONSOLE_WRITE 1   /* (gpa, len) -> bytes written */
#define XL_HC_DOMAIN_SHUTDOWN 2 /* (reason, code) -> does not return */
#define XL_HC_VCPU_OP 3         /* (op, vcpu, a, b) */
#define XL_HC_MEMORY_OP 4       /* (cmd, gpa of argument) */
#define XL_HC_MMUEXT_OP 5       /* (gpa of ops, count, gpa of done) */
#define XL_HC_MMU_UPDATE 6      /* (gpa of reqs, count, gpa of done) */
#define XL_HC_MULTICALL 7       /* (gpa of entries, count) */
#define XL_HC_DOMAIN_INFO 8     /* (gpa of struct xl_domain_info) */
#define XL_HC_NR 9

/* XL_HC_DOMAIN_SHUTDOWN reasons */
#define XL_SHUTDOWN_POWEROFF 0
#define XL_SHUTDOWN_REBOOT 1
#define XL_SHUTDOWN_CRASH 2

/* XL_HC_VCPU_OP ops */
#define XL_VCPU_IS_UP 0 /* (vcpu) -> 1 if running or runnable, 0 if down */
#define XL_VCPU_ID 1    /* () -> the calling vCPU's index */

/* XL_HC_MEMORY_OP commands */
#define XL_MEM_INCREASE_RESERVATION 0 /* populate_physmap alias */
#define XL_MEM_DECREASE_RESERVATION 1
#define XL_MEM_POPULATE_PHYSMAP 2
#define XL_MEM_CURRENT_RESERVATION 3 /* (domid in arg gpa) -> pages */
#define XL_MEM_MAXIMUM_RESERVATION 4 /* (domid in arg gpa) -> pages */
#define XL_MEM_MAP_FOREIGN 5         /* struct xl_foreign_map */
#define XL_MEM_UNMAP_FOREIGN 6       /* struct xl_foreign_map */

#define XL_DOMID_SELF 0x7ff0U

/*
 * Argument of XL_MEM_{INCREASE,DECREASE}_RESERVATION and POPULATE_PHYSMAP:
 * extent_start is the guest physical address of an array of nr_extents
 * u64 GFNs. Return: the number of extents done (a short count means the
 * next one failed).
 */
struct xl_memory_reservation {
	unsigned long long extent_start;
	unsigned int nr_extents;
	unsigned int extent_order; /* 0 (4 KiB) or 9 (2 MiB) */
	unsigned short domid;      /* XL_DOMID_SELF */
	unsigned short pad[3];
};

/*
 * Argument of XL_MEM_MAP_FOREIGN / XL_MEM_UNMAP_FOREIGN (privileged
 * domains only): map frame foreign_gfn of domain domid at gfn in the
 * caller's physical address space (rw unless readonly).
 */
struct xl_foreign_map {
	unsigned long long gfn;
	unsigned long long foreign_gfn;
	unsigned short domid;
	unsigned short readonly;
	unsigned int pad;
};

/* XL_HC_DOMAIN_INFO */
struct xl_domain_info {
	unsigned short domid;
	unsigned short nr_vcpus;
	unsigned int flags; /* bit 0: privileged */
	unsigned long long ram_base;
	unsigned long long ram_size;
	unsigned long long tot_pages;
	unsigned long long max_pages;
	char name[32];
};

/* Error codes returned by hypercalls (negated). */
#define XL_EPERM 1
#define XL_ENOENT 2
#define XL_ESRCH 3
#define XL_EFAULT 14
#define XL_EBUSY 16
#define XL_EEXIST 17
#define XL_EINVAL 22
#define XL_ENOSPC 28
#define XL_ERANGE 34
#define XL_ENOSYS 38
#define XL_ENOMEM 12
#define XL_E2BIG 7
#define XL_EACCES 13
#define XL_EOVERFLOW 75

#endif /* XL_PUBLIC_XEN_LITE_H */
