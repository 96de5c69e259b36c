/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tiny host test harness. Each test case prints one line, "ok NAME" or
 * "FAIL NAME", and the program ends with "unit-SUITE: N passed, N failed".
 *
 *	TEST(p2m_map_4k) { CHECK(x == 1); CHECK_EQ(a, b); }
 *	int main(void) { return run_tests("p2m"); }
 */
#ifndef XL_TEST_HARNESS_H
#define XL_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>

struct xl_test {
	const char *name;
	void (*fn)(void);
	struct xl_test *next;
};

extern struct xl_test *xl_tests;
extern int xl_test_failed;

#define TEST(name)                                                        \
	static void test_##name(void);                                    \
	static struct xl_test xl_test_##name = { #name, test_##name, 0 }; \
	__attribute__((constructor)) static void reg_##name(void)         \
	{                                                                 \
		struct xl_test **p = &xl_tests;                           \
		while (*p)                                                \
			p = &(*p)->next;                                  \
		*p = &xl_test_##name;                                     \
	}                                                                 \
	static void test_##name(void)

#define CHECK(c)                                                       \
	do {                                                           \
		if (!(c)) {                                            \
			fprintf(stderr, "  %s:%d: check failed: %s\n", \
				__FILE__, __LINE__, #c);               \
			xl_test_failed = 1;                            \
			return;                                        \
		}                                                      \
	} while (0)

#define CHECK_EQ(a, b)                                                      \
	do {                                                                \
		long long _a = (long long)(a), _b = (long long)(b);         \
		if (_a != _b) {                                             \
			fprintf(stderr,                                     \
				"  %s:%d: %s == %s failed: %lld != %lld\n", \
				__FILE__, __LINE__, #a, #b, _a, _b);        \
			xl_test_failed = 1;                                 \
			return;                                             \
		}                                                           \
	} while (0)

int run_tests(const char *suite);

#endif
