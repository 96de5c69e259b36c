/* SPDX-License-Identifier: MIT */
/*
 * The management protocol: what the per-machine supervisor (tools/, a
 * host program) sends the hypervisor over the management channel, a
 * virtio console on a reserved virtio-mmio transport (docs/runtime.md),
 * and what the hypervisor answers (common/mgmt.c decodes, common/
 * mgmt_cmds.c acts). One header for both sides, like boot_schema.h.
 * Freestanding: no includes; fields are fixed-width C types on LP64
 * (unsigned short 16, unsigned int 32, unsigned long long 64 bits),
 * little-endian, naturally aligned, no padding the compiler could add.
 *
 * The channel is a byte stream. Every message is a header followed by
 * hdr.len payload bytes. Requests carry a sequence number the response
 * repeats; the hypervisor answers every request exactly once, in order,
 * and checks every field (magic, version, type, lengths, names, sizes)
 * before it acts. A header it cannot read (bad magic or version, unknown
 * type, a length over the type's limit) gets a response of type
 * XL_MGMT_ERROR with status -EPROTO (-71), and the hypervisor skips bytes
 * until the next XL_MGMT_MAGIC.
 */
#ifndef XL_PUBLIC_MGMT_H
#define XL_PUBLIC_MGMT_H

#define XL_MGMT_MAGIC 0x4d4c5821U /* "!XLM" in memory */
#define XL_MGMT_VERSION 1

struct xl_mgmt_hdr {
	unsigned int magic;
	unsigned short version;
	unsigned short type; /* XL_MGMT_*; responses: | XL_MGMT_RESPONSE */
	unsigned int seq; /* chosen by the sender, repeated in the answer */
	int status; /* responses: 0 or a negative errno; requests: 0 */
	unsigned long long len; /* payload bytes after the header */
};

#define XL_MGMT_RESPONSE 0x8000U

/* Requests (payload; response payload). */
#define XL_MGMT_HELLO 1 /* none; struct xl_mgmt_hello */
#define XL_MGMT_LIST 2 /* none; xl_mgmt_list + nr xl_mgmt_dominfo */
#define XL_MGMT_DMESG 3 /* xl_mgmt_dmesg_req; xl_mgmt_dmesg + text */
#define XL_MGMT_PAUSE 4 /* xl_mgmt_dom; none */
#define XL_MGMT_UNPAUSE 5 /* xl_mgmt_dom; none */
#define XL_MGMT_DESTROY 6 /* xl_mgmt_dom; none */
#define XL_MGMT_REBOOT 7 /* xl_mgmt_dom; none (destroy + rebuild) */
#define XL_MGMT_CONSOLE_IN 8 /* xl_mgmt_dom + bytes; none */
#define XL_MGMT_STOP 9 /* none; none (then the machine powers off) */
#define XL_MGMT_CREATE 10 /* xl_mgmt_create + dtb + kernel + ramdisk */
#define XL_MGMT_DUMP 11 /* xl_mgmt_dom; text */
#define XL_MGMT_VCPU_PIN 12 /* xl_mgmt_vcpu_pin; none (reserved) */
#define XL_MGMT_MEM_SET 13 /* xl_mgmt_mem_set; none: the balloon target */
#define XL_MGMT_SHUTDOWN 14 /* xl_mgmt_dom; none: presses its power button */
#define XL_MGMT_TYPE_MAX 14
#define XL_MGMT_ERROR 0x7fffU /* response to a header that cannot be read */

/* Payload limits: everything but CREATE fits in one small buffer. */
#define XL_MGMT_SMALL_MAX 4096U
#define XL_MGMT_CONSOLE_IN_MAX 1024U
#define XL_MGMT_DTB_MAX (64U << 10)
#define XL_MGMT_KERNEL_MAX (512ULL << 20)
#define XL_MGMT_RAMDISK_MAX (512ULL << 20)
#define XL_MGMT_RESPONSE_MAX (64U << 10)

#define XL_MGMT_NAME_LEN 32 /* XL_BOOT_NAME_MAX + 1, NUL padded */

/* Names a domain: a running, paused or preserved one, by name. */
struct xl_mgmt_dom {
	char name[XL_MGMT_NAME_LEN];
};

struct xl_mgmt_hello {
	unsigned int version; /* XL_MGMT_VERSION */
	unsigned int nr_cpus;
	unsigned long long uptime_ns;
};

struct xl_mgmt_list {
	unsigned int nr; /* xl_mgmt_dominfo entries that follow */
	unsigned int nr_cpus;
	unsigned long long free_pages; /* the buddy allocator's */
	unsigned long long cache_pages; /* held by object caches */
	unsigned long long uptime_ns;
};

#define XL_MGMT_STATE_RUNNING 1
#define XL_MGMT_STATE_PAUSED 2
#define XL_MGMT_STATE_SHUTTING_DOWN 3
#define XL_MGMT_STATE_DYING 4
#define XL_MGMT_STATE_PRESERVED 5

#define XL_MGMT_MAX_VCPUS 64 /* XL_KCONFIG_MAX_VCPUS_MAX */

struct xl_mgmt_dominfo {
	unsigned int id;
	unsigned int state; /* XL_MGMT_STATE_* */
	unsigned int vcpus;
	unsigned int restarts;
	unsigned long long mem_bytes;
	unsigned long long tot_pages; /* frames it owns now */
	unsigned long long target_pages; /* its reservation (mem-set) */
	unsigned long long cpu_ns; /* run time of all its vCPUs */
	unsigned long long uptime_ns; /* since it was (re)built */
	char name[XL_MGMT_NAME_LEN];
	/* Per vCPU (first @vcpus): its pCPU, and run time. */
	unsigned int vcpu_cpu[XL_MGMT_MAX_VCPUS];
	unsigned long long vcpu_ns[XL_MGMT_MAX_VCPUS];
};

struct xl_mgmt_dmesg_req {
	unsigned long long from; /* log offset; 0 = the oldest kept */
};

struct xl_mgmt_dmesg {
	unsigned long long from; /* offset of the first byte returned */
	unsigned long long next; /* offset after the last byte returned */
	unsigned long long end; /* offset after the last byte logged */
};

struct xl_mgmt_vcpu_pin {
	char name[XL_MGMT_NAME_LEN];
	unsigned int vcpu;
	unsigned int cpu;
};

/*
 * MEM_SET: the domain's reservation (max_pages, which the guest reads with
 * XL_MEM_MAXIMUM_RESERVATION and XL_HC_DOMAIN_INFO) becomes @bytes: a
 * balloon driver gives memory back down to it and cannot populate past
 * it. A multiple of 4 KiB, at least 1 MiB, at most the domain's memory.
 */
struct xl_mgmt_mem_set {
	char name[XL_MGMT_NAME_LEN];
	unsigned long long bytes;
};

/*
 * CREATE: the domain's /chosen/domain@0 node in a device tree of dtb_len
 * bytes (the boot schema, written by the same CLI code as a bundle's),
 * then kernel_len kernel bytes, then ramdisk_len ramdisk bytes. The
 * node's module sizes must equal kernel_len and ramdisk_len; their
 * addresses are ignored (the hypervisor places the images itself).
 * hdr.len = sizeof(struct xl_mgmt_create) + dtb_len + kernel_len +
 * ramdisk_len. Response payload: the new domain's ID (unsigned int).
 */
struct xl_mgmt_create {
	unsigned int dtb_len;
	unsigned int flags; /* 0 */
	unsigned long long kernel_len;
	unsigned long long ramdisk_len;
};

#endif /* XL_PUBLIC_MGMT_H */
