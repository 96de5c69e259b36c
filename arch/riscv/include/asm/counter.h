/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arch_counter_read() inline (include/xen-lite/arch.h): the time CSR,
 * one instruction, read twice on every guest exit by the stall detector
 * (issue 20: the call cost 7 instructions each).
 */
#ifndef ASM_RISCV_COUNTER_H
#define ASM_RISCV_COUNTER_H

#include <xen-lite/types.h>
#include <asm/csr.h>

static inline u64 arch_counter_read(void)
{
	return csr_read(CSR_TIME);
}

#endif /* ASM_RISCV_COUNTER_H */
