/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RISC-V control and status registers used by the hypervisor: supervisor
 * CSRs, the hypervisor extension's HS and VS CSRs, and their bit fields.
 * Numbers and layouts follow the RISC-V privileged specification (the
 * "Supervisor-Level ISA" and "Hypervisor Extension" chapters).
 */
#ifndef ASM_RISCV_CSR_H
#define ASM_RISCV_CSR_H

#ifndef __ASSEMBLY__
#include <xen-lite/types.h>
#endif

#define _UL(x) (x##UL)

/* Supervisor CSRs */
#define CSR_SSTATUS 0x100
#define CSR_SIE 0x104
#define CSR_STVEC 0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SENVCFG 0x10a
#define CSR_SSCRATCH 0x140
#define CSR_SEPC 0x141
#define CSR_SCAUSE 0x142
#define CSR_STVAL 0x143
#define CSR_SIP 0x144
#define CSR_STIMECMP 0x14d
#define CSR_SATP 0x180

/* Hypervisor CSRs */
#define CSR_HSTATUS 0x600
#define CSR_HEDELEG 0x602
#define CSR_HIDELEG 0x603
#define CSR_HIE 0x604
#define CSR_HTIMEDELTA 0x605
#define CSR_HCOUNTEREN 0x606
#define CSR_HGEIE 0x607
#define CSR_HENVCFG 0x60a
#define CSR_HTVAL 0x643
#define CSR_HIP 0x644
#define CSR_HVIP 0x645
#define CSR_HTINST 0x64a
#define CSR_HGATP 0x680
#define CSR_HGEIP 0xe12

/* Virtual supervisor CSRs */
#define CSR_VSSTATUS 0x200
#define CSR_VSIE 0x204
#define CSR_VSTVEC 0x205
#define CSR_VSSCRATCH 0x240
#define CSR_VSEPC 0x241
#define CSR_VSCAUSE 0x242
#define CSR_VSTVAL 0x243
#define CSR_VSIP 0x244
#define CSR_VSTIMECMP 0x24d
#define CSR_VSATP 0x280

/* AIA CSRs (RISC-V AIA specification 1.0, chapters 2 and 5). */
#define CSR_SISELECT 0x150
#define CSR_SIREG 0x151
#define CSR_STOPEI 0x15c
#define CSR_STOPI 0xdb0
#define CSR_VSISELECT 0x250
#define CSR_VSIREG 0x251
#define CSR_VSTOPEI 0x25c
#define CSR_HVIEN 0x608
#define CSR_HVICTL 0x609
#define CSR_HVIPRIO1 0x646
#define CSR_HVIPRIO2 0x647
#define CSR_HSTATEEN0 0x60c
/* hstateen0 bits (Smstateen 1.0): what VS-mode may reach. */
#define HSTATEEN0_AIA (_UL(1) << 58) /* AIA state besides 59, 60 */
#define HSTATEEN0_IMSIC (_UL(1) << 59) /* stopei, IMSIC registers */
#define HSTATEEN0_CSRIND (_UL(1) << 60) /* siselect, sireg */
#define HSTATEEN0_ENVCFG (_UL(1) << 62) /* senvcfg */
#define HSTATEEN0_SE0 (_UL(1) << 63) /* sstateen0 */
#define CSR_SENVCFG 0x10a
#define HVICTL_IID_SHIFT 16
#define HVICTL_IPRIO_MASK 0xffUL

/* Vector extension (V 1.0, "Vector Extension Programmer's Model") */
#define CSR_VSTART 0x008
#define CSR_VCSR 0x00f
#define CSR_VL 0xc20
#define CSR_VTYPE 0xc21
#define CSR_VLENB 0xc22
#define VTYPE_VILL (_UL(1) << 63)

/* Unprivileged counters */
#define CSR_CYCLE 0xc00
#define CSR_TIME 0xc01
#define CSR_INSTRET 0xc02

/* sstatus */
#define SSTATUS_SIE (_UL(1) << 1)
#define SSTATUS_SPIE (_UL(1) << 5)
#define SSTATUS_SPP (_UL(1) << 8)
#define SSTATUS_FS (_UL(3) << 13)
#define SSTATUS_FS_OFF (_UL(0) << 13)
#define SSTATUS_FS_INITIAL (_UL(1) << 13)
#define SSTATUS_FS_CLEAN (_UL(2) << 13)
#define SSTATUS_FS_DIRTY (_UL(3) << 13)
#define SSTATUS_VS (_UL(3) << 9)
#define SSTATUS_VS_OFF (_UL(0) << 9)
#define SSTATUS_VS_INITIAL (_UL(1) << 9)
#define SSTATUS_VS_CLEAN (_UL(2) << 9)
#define SSTATUS_VS_DIRTY (_UL(3) << 9)
#define SSTATUS_XS (_UL(3) << 15)
#define SSTATUS_SUM (_UL(1) << 18)
#define SSTATUS_MXR (_UL(1) << 19)
#define SSTATUS_UXL (_UL(3) << 32)
#define SSTATUS_UXL_64 (_UL(2) << 32)
#define SSTATUS_SD (_UL(1) << 63)

/* hstatus */
#define HSTATUS_VSBE (_UL(1) << 5)
#define HSTATUS_GVA (_UL(1) << 6)
#define HSTATUS_SPV (_UL(1) << 7)
#define HSTATUS_SPVP (_UL(1) << 8)
#define HSTATUS_HU (_UL(1) << 9)
#define HSTATUS_VGEIN_SHIFT 12
#define HSTATUS_VGEIN (_UL(0x3f) << HSTATUS_VGEIN_SHIFT)
#define HSTATUS_VTVM (_UL(1) << 20)
#define HSTATUS_VTW (_UL(1) << 21)
#define HSTATUS_VTSR (_UL(1) << 22)
#define HSTATUS_VSXL (_UL(3) << 32)
#define HSTATUS_VSXL_64 (_UL(2) << 32)

/* Interrupt numbers (scause with the interrupt bit, sip/sie/hip bits) */
#define IRQ_S_SOFT 1
#define IRQ_VS_SOFT 2
#define IRQ_S_TIMER 5
#define IRQ_VS_TIMER 6
#define IRQ_S_EXT 9
#define IRQ_VS_EXT 10
#define IRQ_S_GEXT 12

#define SIP_SSIP (_UL(1) << IRQ_S_SOFT)
#define SIP_STIP (_UL(1) << IRQ_S_TIMER)
#define SIP_SEIP (_UL(1) << IRQ_S_EXT)
#define SIE_SSIE SIP_SSIP
#define SIE_STIE SIP_STIP
#define SIE_SEIE SIP_SEIP
#define SIE_SGEIE (_UL(1) << IRQ_S_GEXT)
#define HVIP_VSSIP (_UL(1) << IRQ_VS_SOFT)
#define HVIP_VSTIP (_UL(1) << IRQ_VS_TIMER)
#define HVIP_VSEIP (_UL(1) << IRQ_VS_EXT)
#define HIDELEG_VS_ALL (HVIP_VSSIP | HVIP_VSTIP | HVIP_VSEIP)

/* scause */
#define CAUSE_IRQ_FLAG (_UL(1) << 63)
#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS 1
#define EXC_ILLEGAL_INST 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_ECALL_HS 9
#define EXC_ECALL_VS 10
#define EXC_ECALL_M 11
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15
#define EXC_INST_GUEST_PAGE_FAULT 20
#define EXC_LOAD_GUEST_PAGE_FAULT 21
#define EXC_VIRTUAL_INST 22
#define EXC_STORE_GUEST_PAGE_FAULT 23

/* satp / hgatp modes */
#define SATP_MODE_SHIFT 60
#define SATP_MODE_SV39 (_UL(8) << SATP_MODE_SHIFT)
#define SATP_MODE_SV48 (_UL(9) << SATP_MODE_SHIFT)
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK (_UL(0xffff) << SATP_ASID_SHIFT)
#define SATP_PPN_MASK ((_UL(1) << 44) - 1)
#define HGATP_MODE_SHIFT 60
#define HGATP_VMID_SHIFT 44
#define HGATP_VMID_MASK (_UL(0x3fff) << HGATP_VMID_SHIFT)
#define HGATP_PPN_MASK ((_UL(1) << 44) - 1)

/* henvcfg / senvcfg */
#define ENVCFG_FIOM (_UL(1) << 0)
#define ENVCFG_CBIE (_UL(3) << 4)
#define ENVCFG_CBIE_FLUSH (_UL(1) << 4)
#define ENVCFG_CBCFE (_UL(1) << 6)
#define ENVCFG_CBZE (_UL(1) << 7)
#define ENVCFG_ADUE (_UL(1) << 61)
#define ENVCFG_PBMTE (_UL(1) << 62)
#define ENVCFG_STCE (_UL(1) << 63)

#ifndef __ASSEMBLY__

#define __csr_str(x) #x
#define csr_str(x) __csr_str(x)

#define csr_read(csr)                                         \
	({                                                    \
		unsigned long __v;                            \
		__asm__ __volatile__("csrr %0, " csr_str(csr) \
				     : "=r"(__v)              \
				     :                        \
				     : "memory");             \
		__v;                                          \
	})

#define csr_write(csr, val)                                      \
	({                                                       \
		unsigned long __v = (unsigned long)(val);        \
		__asm__ __volatile__("csrw " csr_str(csr) ", %0" \
				     :                           \
				     : "rK"(__v)                 \
				     : "memory");                \
	})

/* CSR read-modify-write @insn (csrrw/csrrs/csrrc): Return: the old value. */
#define __csr_rmw(insn, csr, val)                                     \
	({                                                            \
		unsigned long __v = (unsigned long)(val);             \
		__asm__ __volatile__(insn " %0, " csr_str(csr) ", %1" \
				     : "=r"(__v)                      \
				     : "rK"(__v)                      \
				     : "memory");                     \
		__v;                                                  \
	})

#define csr_swap(csr, val) __csr_rmw("csrrw", csr, val)
#define csr_read_set(csr, val) __csr_rmw("csrrs", csr, val)
#define csr_read_clear(csr, val) __csr_rmw("csrrc", csr, val)

#define csr_set(csr, val)                                        \
	({                                                       \
		unsigned long __v = (unsigned long)(val);        \
		__asm__ __volatile__("csrs " csr_str(csr) ", %0" \
				     :                           \
				     : "rK"(__v)                 \
				     : "memory");                \
	})

#define csr_clear(csr, val)                                      \
	({                                                       \
		unsigned long __v = (unsigned long)(val);        \
		__asm__ __volatile__("csrc " csr_str(csr) ", %0" \
				     :                           \
				     : "rK"(__v)                 \
				     : "memory");                \
	})

#endif /* !__ASSEMBLY__ */

#endif /* ASM_RISCV_CSR_H */
