/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding a data abort taken to EL2 from its syndrome
 * (Arm ARM (DDI 0487 K.a) "ESR_EL2", "ISS encoding for an exception from
 * a Data Abort"). Pure functions of their arguments, inline because
 * every MMIO exit runs them: the MMIO emulation and the PV MMU's
 * direct-write emulation use them, and a host fuzzer can include this
 * header and call them without a CPU.
 */
#ifndef ASM_ARM_DABT_H
#define ASM_ARM_DABT_H

#include <xen-lite/errno.h>
#include <xen-lite/types.h>
#include <asm/sysregs.h>

/* One load or store, as the syndrome describes it. */
struct dabt_access {
	unsigned int size; /* bytes: 1, 2, 4 or 8 */
	unsigned int reg; /* transfer register: 0..30, 31 = XZR/WZR */
	bool write; /* store (WnR) */
	bool sign_extend; /* load: sign-extend to the register width (SSE) */
	bool reg64; /* load: 64-bit register (SF), else 32-bit */
};

/**
 * dabt_decode() - the access described by the syndrome @esr of a data
 * abort from a lower exception level (ESR_EL2.EC 0x24).
 * @esr: ESR_EL2
 * @out: the decoded access (written only on success)
 *
 * Only the instruction syndrome is used: an access without one (ISV
 * clear: load/store pair, writeback, SIMD, atomics, exclusive pairs),
 * or a cache maintenance operation (CM), cannot be emulated.
 *
 * Return: 0, or -EINVAL when the syndrome does not describe a single
 * emulatable load or store.
 */
static inline int dabt_decode(u64 esr, struct dabt_access *out)
{
	if (ESR_EC(esr) != EC_DABT_LOW || !(esr & DABT_ISV) ||
	    (esr & DABT_CM)) {
		return -EINVAL;
	}
	out->size = 1U << ((esr >> DABT_SAS_SHIFT) & 3);
	out->reg = (esr >> DABT_SRT_SHIFT) & 0x1f;
	out->write = esr & DABT_WNR;
	out->sign_extend = !out->write && (esr & DABT_SSE);
	out->reg64 = esr & DABT_SF;
	return 0;
}

/* Mask of the low @size bytes. */
static inline u64 dabt_size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/**
 * dabt_store_value() - the bytes a store of @a writes, from @reg_val,
 * the value of its transfer register (ignored for register 31, which is
 * the zero register).
 * Return: the low @a->size bytes of the register, zero extended.
 */
static inline u64 dabt_store_value(const struct dabt_access *a, u64 reg_val)
{
	if (a->reg == 31) {
		return 0;
	}
	return reg_val & dabt_size_mask(a->size);
}

/**
 * dabt_load_value() - the value a load of @a puts in its transfer
 * register when memory returned @mem (only its low @a->size bytes
 * count): sign or zero extended to the register width (SSE, SF), a
 * 32-bit register's upper half cleared.
 * Return: the new register value.
 */
static inline u64 dabt_load_value(const struct dabt_access *a, u64 mem)
{
	u64 mask = dabt_size_mask(a->size);
	u64 val = mem & mask;

	if (a->sign_extend && a->size < 8 &&
	    (val & (1ULL << (8 * a->size - 1)))) {
		val |= ~mask;
	}
	if (!a->reg64) {
		val &= 0xffffffffULL;
	}
	return val;
}

#endif /* ASM_ARM_DABT_H */
