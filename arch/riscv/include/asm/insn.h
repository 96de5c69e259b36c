/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest instruction fetch and load/store decode (insn.c), for the exits
 * that need the trapping instruction: guest-page faults (MMIO emulation in
 * exit.c, PV page-table writes in pv_mm.c) and virtual-instruction exits.
 */
#ifndef ASM_RISCV_INSN_H
#define ASM_RISCV_INSN_H

#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/types.h>
#include <asm/vcpu.h>

/* A guest load or store decoded by riscv_mmio_decode(). */
struct mmio_insn {
	unsigned int len; /* 2 or 4 bytes */
	unsigned int size; /* access size in bytes */
	bool is_write;
	bool sign_extend;
	unsigned int reg; /* rd of a load, rs2 of a store */
};

/**
 * riscv_insn_decode32() - decode a 32-bit instruction as a plain integer
 * load or store (RV64I LOAD / STORE major opcodes).
 * Return: 0 and *@m, or -EINVAL for anything else.
 */
int riscv_insn_decode32(u32 insn, struct mmio_insn *m);

/**
 * riscv_insn_decode16() - decode a compressed instruction as a load or
 * store (RVC quadrants 0 and 2: c.lw, c.ld, c.sw, c.sd and their
 * sp-relative forms).
 * Return: 0 and *@m, or -EINVAL for anything else.
 */
int riscv_insn_decode16(u16 insn, struct mmio_insn *m);

/**
 * riscv_insn_fetch() - fetch the guest instruction at guest virtual @gva
 * of the current vCPU with its own translation (HLVX, guest.S). Inline:
 * the fetch returns the instruction in a register (no stack slot, so no
 * stack-protector check in the MMIO decode).
 * Return: the instruction (16 or 32 bits), or 0 when the fetch faulted
 * (0 is no instruction: an all-zero parcel is defined illegal).
 */
static inline unsigned long riscv_insn_fetch(unsigned long gva)
{
	return riscv_guest_load_insn(gva);
}

/**
 * riscv_mmio_decode() - decode the load or store that made @v (current)
 * take a guest-page fault: from htinst when the hart gave a transformed
 * instruction, else fetched from the guest at sepc.
 * Return: 0 and *@m; -EINVAL for anything but a plain integer load or
 * store (AMOs, LR/SC, FP, implicit accesses of the guest's page-table
 * walk); -EFAULT when the instruction could not be fetched.
 */
int riscv_mmio_decode(struct vcpu *v, struct mmio_insn *m);

/**
 * riscv_exit_insn() - the instruction of a virtual-instruction exit of @v
 * (current): stval when the hart wrote the instruction bits there (it
 * may, as for an illegal instruction: privileged spec 20211203, 4.1.9
 * "Supervisor Trap Value Register"), else fetched from the guest at
 * sepc. Inline: it is on the WFI path of every blocking vCPU.
 * Return: the instruction, or 0 when it could not be fetched.
 */
static inline unsigned long riscv_exit_insn(struct vcpu *v)
{
	const struct cpu_regs *r = &v->arch.gregs;

	return r->stval ? r->stval : riscv_insn_fetch(r->sepc);
}

#define INSN_OPC_LOAD 0x03
#define INSN_OPC_STORE 0x23

/* A 32-bit load or store: riscv_insn_decode32(), inline. */
static __always_inline int riscv_decode32(u32 insn, struct mmio_insn *m)
{
	unsigned int funct3 = (insn >> 12) & 7;

	m->len = 4;
	switch (insn & 0x7f) {
	case INSN_OPC_LOAD:
		if (funct3 == 7) {
			return -EINVAL;
		}
		m->is_write = false;
		m->size = 1U << (funct3 & 3);
		m->sign_extend = !(funct3 & 4);
		m->reg = (insn >> 7) & 0x1f;
		return 0;
	case INSN_OPC_STORE:
		if (funct3 > 3) {
			return -EINVAL;
		}
		m->is_write = true;
		m->size = 1U << funct3;
		m->sign_extend = false;
		m->reg = (insn >> 20) & 0x1f;
		return 0;
	default:
		return -EINVAL;
	}
}

/* A compressed load or store: riscv_insn_decode16(), inline. */
static __always_inline int riscv_decode16(u16 insn, struct mmio_insn *m)
{
	unsigned int funct3 = (insn >> 13) & 7;
	unsigned int quadrant = insn & 3;

	m->len = 2;
	m->sign_extend = true;
	if (quadrant == 0) {
		switch (funct3) {
		case 2: /* c.lw */
		case 3: /* c.ld */
			m->is_write = false;
			m->reg = 8 + ((insn >> 2) & 7);
			break;
		case 6: /* c.sw */
		case 7: /* c.sd */
			m->is_write = true;
			m->reg = 8 + ((insn >> 2) & 7);
			break;
		default:
			return -EINVAL;
		}
	} else if (quadrant == 2) {
		switch (funct3) {
		case 2: /* c.lwsp */
		case 3: /* c.ldsp */
			m->is_write = false;
			m->reg = (insn >> 7) & 0x1f;
			break;
		case 6: /* c.swsp */
		case 7: /* c.sdsp */
			m->is_write = true;
			m->reg = (insn >> 2) & 0x1f;
			break;
		default:
			return -EINVAL;
		}
	} else {
		return -EINVAL;
	}
	m->size = (funct3 & 1) ? 8 : 4;
	return 0;
}

/*
 * riscv_mmio_decode(), inline in the MMIO exit's handler (exit.c): the
 * decoded fields stay in registers there (issue 20: a call, a frame and
 * the fields through memory were some 25 instructions of every MMIO
 * exit).
 */
static __always_inline int riscv_mmio_decode_inline(struct vcpu *v,
						    struct mmio_insn *m)
{
	struct cpu_regs *r = &v->arch.gregs;
	unsigned long insn = r->htinst;

	/*
	 * A transformed instruction has bit 0 set; bit 1 clear means the
	 * original was a 16-bit one (the transform is its 32-bit
	 * equivalent). Pseudoinstructions (implicit accesses of the guest's
	 * own page-table walk) are not loads or stores of the guest.
	 */
	if (insn & 1) {
		int rc = riscv_decode32((u32)(insn | 2), m);

		if (!rc && !(insn & 2)) {
			m->len = 2;
		}
		return rc;
	}
	if (insn) {
		return -EINVAL;
	}
	insn = riscv_guest_load_insn(r->sepc);
	if (!insn) {
		return -EFAULT;
	}
	if ((insn & 3) == 3) {
		return riscv_decode32((u32)insn, m);
	}
	return riscv_decode16((u16)insn, m);
}

#endif /* ASM_RISCV_INSN_H */
