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
#define XL_HC_VERSION 0 /* () -> (major << 16) | minor */
#define XL_HC_CONSOLE_WRITE 1 /* (gpa, len) -> bytes written */
#define XL_HC_DOMAIN_SHUTDOWN 2 /* (reason, code) -> does not return */
#define XL_HC_VCPU_OP 3 /* (op, vcpu, a, b) */
#define XL_HC_MEMORY_OP 4 /* (cmd, gpa of argument) */
#define XL_HC_MMUEXT_OP 5 /* (gpa of ops, count, gpa of done) */
#define XL_HC_MMU_UPDATE 6 /* (gpa of reqs, count, gpa of done) */
#define XL_HC_MULTICALL 7 /* (gpa of entries, count) */
#define XL_HC_DOMAIN_INFO 8 /* (gpa of struct xl_domain_info) */
/* (slot, peer) -> 0: ring a shared-memory peer (docs/shared-memory.md) */
#define XL_HC_SHM_NOTIFY 9
#define XL_HC_NR 10

/* XL_HC_DOMAIN_SHUTDOWN reasons */
#define XL_SHUTDOWN_POWEROFF 0
#define XL_SHUTDOWN_REBOOT 1
#define XL_SHUTDOWN_CRASH 2

/* XL_HC_VCPU_OP ops */
#define XL_VCPU_IS_UP 0 /* (vcpu) -> 1 if running or runnable, 0 if down */
#define XL_VCPU_ID 1 /* () -> the calling vCPU's index */

/* XL_HC_MEMORY_OP commands */
#define XL_MEM_INCREASE_RESERVATION 0 /* populate_physmap alias */
#define XL_MEM_DECREASE_RESERVATION 1
#define XL_MEM_POPULATE_PHYSMAP 2
#define XL_MEM_CURRENT_RESERVATION 3 /* (domid in arg gpa) -> pages */
#define XL_MEM_MAXIMUM_RESERVATION 4 /* (domid in arg gpa) -> pages */
#define XL_MEM_MAP_FOREIGN 5 /* struct xl_foreign_map */
#define XL_MEM_UNMAP_FOREIGN 6 /* struct xl_foreign_map */

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
	unsigned short domid; /* XL_DOMID_SELF */
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

/*
 * ---- PV MMU: paravirtual guest page tables (docs/pv-mmu.md) ----
 *
 * A guest hands its stage-1 page tables to xen-lite. Levels are numbered
 * from the leaves: an L1 table maps 4 KiB pages, L2 entries map L1 tables
 * or 2 MiB leaves, L3 entries map L2 tables or 1 GiB leaves, L4 entries
 * map L3 tables. Every address in a table entry, a ptr or an argument is
 * guest physical. Tables are named by guest frame number (GPA >> 12).
 *
 * Batch status (optional, third argument of XL_HC_MMUEXT_OP and
 * XL_HC_MMU_UPDATE; 0 = none, the batch then acts on the caller):
 *   domid  in:  XL_DOMID_SELF or the caller's own ID; another domain's
 *               ID needs a privileged caller (else the call fails with
 *               -XL_EPERM before doing anything).
 *   done   out: number of operations applied (also the return value).
 *   error  out: 0, or the -XL_E* code of the first failing operation.
 *   index  out: index of the failing operation (== done), or ~0 if none.
 * Both calls stop at the first failing operation, which has no effect.
 * They return the number applied (>= 0) or a negative XL_E* code when the
 * call itself is malformed (count too large, unreadable status).
 */
#define XL_PV_BATCH_MAX 4096U /* largest count of one call */

struct xl_pv_batch_status {
	unsigned short domid; /* in */
	unsigned short pad;
	int error; /* out */
	unsigned int done; /* out */
	unsigned int index; /* out */
};

/* XL_HC_MMUEXT_OP: (gpa of struct xl_mmuext_op[count], count, status) */
#define XL_MMUEXT_PIN_L1_TABLE 0 /* arg1 = gfn */
#define XL_MMUEXT_PIN_L2_TABLE 1 /* arg1 = gfn */
#define XL_MMUEXT_PIN_L3_TABLE 2 /* arg1 = gfn */
#define XL_MMUEXT_PIN_L4_TABLE 3 /* arg1 = gfn */
#define XL_MMUEXT_UNPIN_TABLE 4 /* arg1 = gfn */
#define XL_MMUEXT_NEW_BASEPTR 5 /* arg1 = gfn, arg2 = XL_BASEPTR_* */
#define XL_MMUEXT_TLB_FLUSH_LOCAL 6 /* calling vCPU, every VA */
#define XL_MMUEXT_INVLPG_LOCAL 7 /* calling vCPU, arg1 = VA */
#define XL_MMUEXT_TLB_FLUSH_MULTI 8 /* arg2 = vCPU mask */
#define XL_MMUEXT_INVLPG_MULTI 9 /* arg1 = VA, arg2 = vCPU mask */
#define XL_MMUEXT_TLB_FLUSH_ALL 10 /* every vCPU of the domain */
#define XL_MMUEXT_INVLPG_ALL 11 /* arg1 = VA, every vCPU */
#define XL_MMUEXT_SET_FORMAT 12 /* arg1 = XL_PT_FORMAT_* */

/* XL_MMUEXT_NEW_BASEPTR arg2: bit 0 = root register, bits 31..16 = ASID */
#define XL_BASEPTR_USER 0 /* RISC-V vsatp, Arm TTBR0_EL1 */
#define XL_BASEPTR_KERNEL 1 /* Arm TTBR1_EL1 (-XL_EINVAL on RISC-V) */
#define XL_BASEPTR_ASID_SHIFT 16
/* XL_MMUEXT_NEW_BASEPTR arg1: drop the base pointer (RISC-V: vsatp Bare) */
#define XL_BASEPTR_NONE 0xffffffffffffffffULL

/*
 * Stage-1 formats (XL_MMUEXT_SET_FORMAT, only while nothing is pinned).
 * Default: Sv39 on RISC-V, 4 levels on Arm.
 */
#define XL_PT_FORMAT_SV39 1 /* RISC-V Sv39, root L3 */
#define XL_PT_FORMAT_SV48 2 /* RISC-V Sv48, root L4 */
#define XL_PT_FORMAT_ARM64_L4 3 /* AArch64 4K granule, 48-bit VA, root L4 */
#define XL_PT_FORMAT_ARM64_L3 4 /* AArch64 4K granule, 39-bit VA, root L3 */

struct xl_mmuext_op {
	unsigned int cmd;
	unsigned int pad; /* must be 0 */
	unsigned long long arg1;
	unsigned long long arg2;
};

/*
 * XL_HC_MMU_UPDATE: (gpa of struct xl_mmu_update[count], count, status).
 * ptr: guest physical address of an 8-byte entry inside a validated table
 * of the target domain; val: the new entry.
 */
struct xl_mmu_update {
	unsigned long long ptr;
	unsigned long long val;
};

/*
 * XL_HC_MULTICALL: (gpa of struct xl_multicall_entry[count], count), at
 * most XL_MULTICALL_MAX entries. Each entry's result is written back to
 * its result field; nested XL_HC_MULTICALL entries get -XL_EINVAL.
 * Return: the number of entries run (all of them unless one could not be
 * read or written back).
 */
#define XL_MULTICALL_MAX 512U

struct xl_multicall_entry {
	unsigned long long op;
	unsigned long long args[5];
	long long result;
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
#define XL_ELOOP 40

#endif /* XL_PUBLIC_XEN_LITE_H */
