/* SPDX-License-Identifier: GPL-2.0 */
/* Assembler helpers and register-frame layouts shared by .S and .c files. */
#ifndef ASM_RISCV_ASM_H
#define ASM_RISCV_ASM_H

#define REGBYTES 8

/*
 * struct cpu_regs (include/asm/traps.h): x1..x31 at slots 1..31 (slot 0
 * holds sepc), then the trap CSRs. The hypervisor's own trap frame and a
 * vCPU's guest registers share this layout.
 */
#define REGS_SEPC 0
#define REGS_SSTATUS 32
#define REGS_HSTATUS 33
#define REGS_SCAUSE 34
#define REGS_STVAL 35
#define REGS_HTVAL 36
#define REGS_HTINST 37
#define REGS_NR 38
#define REGS_SIZE (REGS_NR * REGBYTES)

#define REG_OFF(n) ((n)*REGBYTES)

/*
 * struct arch_vcpu (asm/domain.h), right after the guest registers:
 * host_tp, entry_checks, irq_set, eip_level; checked in vcpu.c.
 */
#define VCPU_TP_OFF REGS_SIZE
#define VCPU_CHECKS_OFF (REGS_SIZE + 8)
#define VCPU_IRQ_SET_OFF (REGS_SIZE + 16)
#define VCPU_EIP_OFF (REGS_SIZE + 24)

/* struct riscv_v_ctx (asm/domain.h), checked in vcpu.c */
#define VCTX_VSTART 0
#define VCTX_VCSR 8
#define VCTX_VL 16
#define VCTX_VTYPE 24
#define VCTX_REGS 32

/* offsetof(struct pcpu, stack_top), checked by a BUILD_BUG_ON in setup.c */
#define PCPU_STACK_TOP_OFF 24

/*
 * For guest.S's exit path, checked by BUILD_BUG_ONs in vcpu.c:
 * offsetof(struct pcpu, work), (..., stall.since), (..., stall.limit),
 * (..., arch.host: struct riscv_host_ctx, asm/pcpu.h) and
 * offsetof(struct vcpu, arch).
 */
#define PCPU_WORK_OFF 40
#define PCPU_STALL_SINCE_OFF 48
#define PCPU_STALL_LIMIT_OFF 96
#define PCPU_HOST_OFF 136
#define VCPU_ARCH_OFF 152

/*
 * For guest.S's hypercall dispatch, checked by BUILD_BUG_ONs in vsbi.c:
 * offsetof(struct vcpu, hc_work), (..., hc_cont), XL_SBI_EXT, ERESTART,
 * ENOSYS and SBI_ERR_NOT_SUPPORTED.
 */
#define VCPU_HC_WORK_OFF 64
#define VCPU_HC_CONT_OFF 72
#define ASM_XL_SBI_EXT 0x0A584C00
#define ASM_ERESTART 85
#define ASM_ENOSYS 38
#define ASM_SBI_ERR_NOT_SUPPORTED (-2)

#ifdef __ASSEMBLY__
#define ENTRY(name)            \
	.globl name;           \
	.type name, @function; \
	name:
#define END(name) .size name, .- name
#endif

#endif /* ASM_RISCV_ASM_H */
