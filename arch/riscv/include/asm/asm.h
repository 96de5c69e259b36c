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

/* offsetof(struct arch_vcpu, host): right after the guest registers */
#define VCPU_HOST_OFF REGS_SIZE

/* struct riscv_v_ctx (asm/domain.h), checked in vcpu.c */
#define VCTX_VSTART 0
#define VCTX_VCSR 8
#define VCTX_VL 16
#define VCTX_VTYPE 24
#define VCTX_REGS 32

/* offsetof(struct pcpu, stack_top), checked by a BUILD_BUG_ON in setup.c */
#define PCPU_STACK_TOP_OFF 24

#ifdef __ASSEMBLY__
#define ENTRY(name)            \
	.globl name;           \
	.type name, @function; \
	name:
#define END(name) .size name, .- name
#endif

#endif /* ASM_RISCV_ASM_H */
