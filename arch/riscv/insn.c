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
	return riscv_decode16(insn, m);
}

int riscv_mmio_decode(struct vcpu *v, struct mmio_insn *m)
{
	return riscv_mmio_decode_inline(v, m);
}
