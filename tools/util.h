/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the xen-lite CLI. */
#ifndef XL_TOOLS_UTIL_H
#define XL_TOOLS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growable NULL-terminated array of heap strings (an argv). */
struct strvec {
	char **v;
	int n;
	int cap;
};

void strvec_add(struct strvec *sv, const char *s);
void strvec_addf(struct strvec *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strvec_free(struct strvec *sv);

/* Allocation that cannot fail (the CLI exits on out-of-memory). */
void *xmalloc(size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "xen-lite: message" on stderr. */
void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Quote one shell word if it needs it; returns a heap string. */
char *shell_quote(const char *s);

/* Copy a file; returns 0 or -errno. */
int copy_file(const char *from, const char *to);

/* Write a whole buffer to a new file; returns 0 or -errno. */
int write_file(const char *path, const void *buf, size_t len, int mode);

/* Read a whole file (NUL-terminated); returns NULL with errno set. */
char *read_file(const char *path, size_t *len);

/* mkdir -p; returns 0 or -errno. */
int mkdir_p(const char *path);

bool file_exists(const char *path);

#endif
