// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "harness.h"

struct xl_test *xl_tests;
int xl_test_failed;

int run_tests(const char *suite)
{
	const char *only = getenv("XL_TEST");
	int passed = 0, failed = 0;

	for (struct xl_test *t = xl_tests; t; t = t->next) {
		if (only && strcmp(only, t->name))
			continue;
		xl_test_failed = 0;
		t->fn();
		if (xl_test_failed) {
			printf("FAIL %s.%s\n", suite, t->name);
			failed++;
		} else {
			printf("ok %s.%s\n", suite, t->name);
			passed++;
		}
		fflush(stdout);
	}
	printf("unit-%s: %d passed, %d failed\n", suite, passed, failed);
	return failed ? 1 : 0;
}
