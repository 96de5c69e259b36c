/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SBI: extension and function IDs (RISC-V SBI specification v2.0), shared
 * by the client (arch/riscv/sbi.c, calls into OpenSBI) and the server that
 * guests call (arch/riscv/vsbi.c).
 */
#ifndef ASM_RISCV_SBI_H
#define ASM_RISCV_SBI_H

#include <xen-lite/types.h>

#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_RFENCE 0x52464e43
#define SBI_EXT_HSM 0x48534d
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_PMU 0x504d55
#define SBI_EXT_DBCN 0x4442434e

/* BASE */
#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMP_ID 1
#define SBI_BASE_GET_IMP_VERSION 2
#define SBI_BASE_PROBE_EXT 3
#define SBI_BASE_GET_MVENDORID 4
#define SBI_BASE_GET_MARCHID 5
#define SBI_BASE_GET_MIMPID 6

/* TIME */
#define SBI_TIME_SET_TIMER 0

/* IPI */
#define SBI_IPI_SEND_IPI 0

/* RFENCE */
#define SBI_RFENCE_FENCE_I 0
#define SBI_RFENCE_SFENCE_VMA 1
#define SBI_RFENCE_SFENCE_VMA_ASID 2
#define SBI_RFENCE_HFENCE_GVMA_VMID 3
#define SBI_RFENCE_HFENCE_GVMA 4
#define SBI_RFENCE_HFENCE_VVMA_ASID 5
#define SBI_RFENCE_HFENCE_VVMA 6

/* HSM */
#define SBI_HSM_HART_START 0
#define SBI_HSM_HART_STOP 1
#define SBI_HSM_HART_GET_STATUS 2
#define SBI_HSM_HART_SUSPEND 3

#define SBI_HSM_STATE_STARTED 0
#define SBI_HSM_STATE_STOPPED 1
#define SBI_HSM_STATE_START_PENDING 2
#define SBI_HSM_STATE_STOP_PENDING 3
#define SBI_HSM_STATE_SUSPENDED 4
#define SBI_HSM_STATE_SUSPEND_PENDING 5
#define SBI_HSM_STATE_RESUME_PENDING 6

#define SBI_HSM_SUSPEND_RET_DEFAULT 0x00000000UL
#define SBI_HSM_SUSPEND_NON_RET_DEFAULT 0x80000000UL

/* SRST */
#define SBI_SRST_RESET 0
#define SBI_SRST_TYPE_SHUTDOWN 0
#define SBI_SRST_TYPE_COLD_REBOOT 1
#define SBI_SRST_TYPE_WARM_REBOOT 2
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_SYSFAIL 1

/* DBCN */
#define SBI_DBCN_WRITE 0
#define SBI_DBCN_READ 1
#define SBI_DBCN_WRITE_BYTE 2

/* Error codes */
#define SBI_SUCCESS 0
#define SBI_ERR_FAILED (-1)
#define SBI_ERR_NOT_SUPPORTED (-2)
#define SBI_ERR_INVALID_PARAM (-3)
#define SBI_ERR_DENIED (-4)
#define SBI_ERR_INVALID_ADDRESS (-5)
#define SBI_ERR_ALREADY_AVAILABLE (-6)
#define SBI_ERR_ALREADY_STARTED (-7)
#define SBI_ERR_ALREADY_STOPPED (-8)
#define SBI_ERR_NO_SHMEM (-9)

#define SBI_SPEC_VERSION_MAJOR_SHIFT 24

struct sbiret {
	long error;
	long value;
};

/**
 * sbi_ecall() - call the SBI implementation (OpenSBI) below the hypervisor.
 * Return: the SBI error code and value.
 */
struct sbiret sbi_ecall(unsigned long ext, unsigned long fid, unsigned long a0,
			unsigned long a1, unsigned long a2, unsigned long a3,
			unsigned long a4, unsigned long a5);

/**
 * sbi_init() - probe the SBI implementation (version, extensions).
 * Return: 0, or -ENODEV when a required extension (TIME, IPI, RFENCE, HSM)
 * is missing.
 */
int sbi_init(void);

/** sbi_set_timer() - program the next S-mode timer interrupt. */
void sbi_set_timer(u64 stime_value);

/**
 * sbi_send_ipi() - raise a supervisor software interrupt on one hart.
 * Return: 0 or a negative errno.
 */
int sbi_send_ipi(unsigned long hartid);

/**
 * sbi_remote_hfence_gvma_vmid() - G-stage TLB flush of @vmid (0 size and
 * start mean everything) on the harts in @hart_mask (relative to
 * @hart_mask_base).
 * Return: 0 or a negative errno.
 */
int sbi_remote_hfence_gvma_vmid(unsigned long hart_mask,
				unsigned long hart_mask_base, paddr_t start,
				unsigned long size, unsigned long vmid);

/**
 * sbi_hart_start() - start a stopped hart at @start_addr in S-mode, with
 * a0 = @hartid and a1 = @opaque, MMU off.
 * Return: 0 or a negative errno.
 */
int sbi_hart_start(unsigned long hartid, unsigned long start_addr,
		   unsigned long opaque);

/**
 * sbi_hart_get_status() - SBI HSM state of a hart
 * Return: 0 started, 1 stopped, 2 start pending, 3 stop pending, 4-6
 * suspend states, or a negative errno.
 */
long sbi_hart_get_status(unsigned long hartid);

/**
 * sbi_system_reset() - SRST system reset.
 * Return: only on failure, with a negative errno.
 */
int sbi_system_reset(unsigned long type, unsigned long reason);

/** sbi_console_putchar() - legacy or DBCN debug console output. */
void sbi_console_putchar(int c);

#endif /* ASM_RISCV_SBI_H */
