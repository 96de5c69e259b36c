/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CHECK(): the property checks of the fuzz harnesses. A failed check
 * prints where and what, then aborts, which libFuzzer reports like a
 * crash (the input is kept).
 */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c)) {                                                    \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #c);                                 \
			abort();                                               \
		}                                                              \
	} while (0)

#endif /* FUZZ_CHECK_H */
