// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the Arm data-abort syndrome decoder used by MMIO
 * emulation and PV MMU direct writes (arch/arm/include/asm/dabt.h,
 * included as it is), on arbitrary ESR_EL2 values, register values and
 * memory values.
 *
 * Compared with a reference written from Arm ARM (DDI 0487 K.a) "ESR_EL2",
 * "ISS encoding for an exception from a Data Abort" (EC 0x24): accepted
 * exactly when EC is 0x24, ISV is set and CM is clear; size 1 << SAS,
 * register SRT, write = WnR; a store hands over the low SAS bytes of the
 * register (zero for register 31);
 * a load writes the SAS bytes, sign-extended when SSE (to 64 bits when SF,
 * else to 32 bits with the upper half clear), zero-extended otherwise.
 * A rejected syndrome leaves the output untouched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asm/dabt.h>

#include "fuzz_check.h"

static u64 in64(const u8 **p, const u8 *end)
{
	u64 v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | (*p < end ? *(*p)++ : 0);
	return v;
}

/* The value a load leaves in its register, bit by bit from the spec. */
static u64 ref_load(u64 mem, unsigned int bytes, bool sse, bool sf)
{
	unsigned int bits = 8 * bytes, width = sf ? 64 : 32;
	u64 v = 0;

	for (unsigned int b = 0; b < width; b++) {
		unsigned int src = b < bits ? b : (sse ? bits - 1 : 64);
		u64 bit = src < 64 ? (mem >> src) & 1 : 0;

		v |= bit << b;
	}
	return v;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	const u8 *p = data, *end = data + size;

	while (p < end) {
		u64 esr = in64(&p, end), reg = in64(&p, end),
		    mem = in64(&p, end);
		struct dabt_access a, keep;
		bool ok;
		int rc;

		/* Steer half the inputs to the data-abort class. */
		if (esr & (1ULL << 63))
			esr = (esr & ~(0x3fULL << 26)) | (0x24ULL << 26);
		memset(&a, 0xa5, sizeof(a));
		keep = a;
		rc = dabt_decode(esr, &a);
		ok = ((esr >> 26) & 0x3f) == 0x24 && (esr & (1ULL << 24)) &&
		     !(esr & (1ULL << 8));
		CHECK(ok == (rc == 0));
		if (!ok) {
			CHECK(rc == -EINVAL);
			CHECK(!memcmp(&a, &keep, sizeof(a)));
			continue;
		}
		CHECK(a.size == 1U << ((esr >> 22) & 3));
		CHECK(a.reg == ((esr >> 16) & 0x1f));
		CHECK(a.write == !!(esr & (1ULL << 6)));
		if (a.write) {
			u64 want =
				a.reg == 31 ?
					0 :
					(a.size == 8 ?
						 reg :
						 reg & ((1ULL << (8 * a.size)) -
							1));

			CHECK(dabt_store_value(&a, reg) == want);
		} else {
			bool sse = esr & (1ULL << 21), sf = esr & (1ULL << 15);

			CHECK(a.sign_extend == sse);
			CHECK(a.reg64 == sf);
			CHECK(dabt_load_value(&a, mem) ==
			      ref_load(mem, a.size, sse, sf));
		}
	}
	return 0;
}
