// SPDX-License-Identifier: GPL-2.0
/*
 * Guest instructions: the load or store behind a guest-page fault (MMIO
 * emulation in exit.c, PV page-table writes in pv_mm.c).
 *
 * The faulting load/store is decoded from htinst when the hart provides a
 * transformed instruction there (privileged spec, "Transformed Instruction
 * or Pseudoinstruction for mtinst or htinst"), otherwise fetched from the
 * guest with HLVX. Only plain integer loads and stores (and their
 * compressed forms) are emulated: that is how a kernel touches device
 * registers.
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <asm/insn.h>
#include <asm/vcpu.h>

int riscv_insn_decode32(u32 insn, struct mmio_insn *m)
{
	return riscv_decode32(insn, m);
}

int riscv_insn_decode16(u16 insn, struct mmio_insn *m)
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

int riscv_mmio_decode(struct vcpu *v, struct mmio_insn *m)
{
	return riscv_mmio_decode_inline(v, m);
}
