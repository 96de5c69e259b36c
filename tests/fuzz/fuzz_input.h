/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The harness's input read as a byte stream (big-endian words); past its
 * end every read gives zero, so any input is a complete test case.
 */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <stdint.h>

static const uint8_t *in_p, *in_end;

static inline uint8_t in8(void)
{
	return in_p < in_end ? *in_p++ : 0;
}

static inline uint64_t in64(void)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | in8();
	return v;
}

#endif /* FUZZ_INPUT_H */
