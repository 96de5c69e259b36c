/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host test harness. A test program prints TAP (the Test Anything
 * Protocol, version 13) on standard output:
 *
 *	TAP version 13
 *	1..N
 *	ok 1 - SUITE.NAME
 *	# file.c:12: check failed: x == 1
 *	not ok 2 - SUITE.NAME
 *	# unit-SUITE: N passed, N failed
 *
 * Diagnostics are "# " lines (diag()); the exit status is 0 only when every
 * test passed. tests/unit/run.sh turns the TAP into make test's lines.
 *
 *	TEST(p2m_map_4k) { CHECK(x == 1); CHECK_EQ(a, b); }
 *	TEST_ISOLATED(boot) { ... }	in a child process of its own
 *	CHECK(dies_with(fn, arg, "message"));	fn(arg) must panic()
 *	int main(void) { return run_tests("p2m"); }
 *
 * XL_TEST=NAME in the environment runs only the test NAME.
 */
#ifndef XL_TEST_HARNESS_H
#define XL_TEST_HARNESS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

struct xl_test {
	const char *name;
	void (*fn)(void);
	struct xl_test *next;
};

extern struct xl_test *xl_tests;
extern int xl_test_failed;

void xl_test_register(struct xl_test *t);

#define TEST(name)                                                        \
	static void test_##name(void);                                    \
	static struct xl_test xl_test_##name = { #name, test_##name, 0 }; \
	__attribute__((constructor)) static void reg_##name(void)         \
	{                                                                 \
		xl_test_register(&xl_test_##name);                        \
	}                                                                 \
	static void test_##name(void)

/*
 * A test whose body runs in a forked child: for code with boot-once
 * static state, or that may panic (abort()) or be killed by a signal; the
 * test fails then instead of the whole program.
 */
void run_isolated(void (*body)(void));

#define TEST_ISOLATED(name)                \
	static void body_##name(void);     \
	TEST(name)                         \
	{                                  \
		run_isolated(body_##name); \
	}                                  \
	static void body_##name(void)

/*
 * A death test: run fn(arg) in a child with its standard error captured.
 * Return: true if it died of SIGABRT (panic(), BUG_ON) with @needle in
 * what it wrote; otherwise say what happened (diag()) and return false.
 */
bool dies_with(void (*fn)(void *), void *arg, const char *needle);

/* One or more "# " lines of diagnostics (a trailing newline is optional). */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define CHECK(c)                                                            \
	do {                                                                \
		if (!(c)) {                                                 \
			diag("%s:%d: check failed: %s", __FILE__, __LINE__, \
			     #c);                                           \
			xl_test_failed = 1;                                 \
			return;                                             \
		}                                                           \
	} while (0)

#define CHECK_EQ(a, b)                                                         \
	do {                                                                   \
		long long _a = (long long)(a), _b = (long long)(b);            \
		if (_a != _b) {                                                \
			diag("%s:%d: %s == %s failed: %lld != %lld", __FILE__, \
			     __LINE__, #a, #b, _a, _b);                        \
			xl_test_failed = 1;                                    \
			return;                                                \
		}                                                              \
	} while (0)

int run_tests(const char *suite);

#endif
