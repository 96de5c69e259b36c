// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

struct xl_test *xl_tests;
int xl_test_failed;

/* In file order (constructors run in the order of the definitions). */
void xl_test_register(struct xl_test *t)
{
	struct xl_test **p = &xl_tests;

	while (*p)
		p = &(*p)->next;
	*p = t;
}

void diag(const char *fmt, ...)
{
	char buf[4096], *line, *save;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		printf("# %s\n", line);
	fflush(stdout);
}

void run_isolated(void (*body)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		diag("fork: %s", strerror(errno));
		xl_test_failed = 1;
		return;
	}
	if (!pid) {
		xl_test_failed = 0;
		body();
		fflush(stdout);
		fflush(stderr);
		_exit(xl_test_failed ? 1 : 0);
	}
	if (waitpid(pid, &st, 0) != pid) {
		xl_test_failed = 1;
		return;
	}
	if (WIFSIGNALED(st)) {
		diag("test child killed by signal %d", WTERMSIG(st));
		xl_test_failed = 1;
	} else if (WEXITSTATUS(st)) {
		xl_test_failed = 1;
	}
}

bool dies_with(void (*fn)(void *), void *arg, const char *needle)
{
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	int fds[2], st;
	pid_t pid;

	if (pipe(fds))
		return false;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (!pid) {
		dup2(fds[1], 2);
		close(fds[0]);
		fn(arg);
		_exit(0);
	}
	close(fds[1]);
	while (len < sizeof(buf) - 1 &&
	       (n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
	close(fds[0]);
	waitpid(pid, &st, 0);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGABRT ||
	    !strstr(buf, needle)) {
		diag("expected a panic with \"%s\", got: %s", needle,
		     len ? buf : "(nothing)");
		return false;
	}
	return true;
}

int run_tests(const char *suite)
{
	const char *only = getenv("XL_TEST");
	int passed = 0, failed = 0, n = 0;
	struct xl_test *t;

	for (t = xl_tests; t; t = t->next)
		n += !only || !strcmp(only, t->name);
	printf("TAP version 13\n1..%d\n", n);
	fflush(stdout);
	for (t = xl_tests; t; t = t->next) {
		if (only && strcmp(only, t->name))
			continue;
		xl_test_failed = 0;
		t->fn();
		if (xl_test_failed)
			failed++;
		else
			passed++;
		printf("%sok %d - %s.%s\n", xl_test_failed ? "not " : "",
		       passed + failed, suite, t->name);
		fflush(stdout);
	}
	printf("# unit-%s: %d passed, %d failed\n", suite, passed, failed);
	return failed ? 1 : 0;
}
