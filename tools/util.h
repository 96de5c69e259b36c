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

/**
 * strvec_add() - append a copy of a string
 * @sv: the vector (zero-initialised before first use)
 * @s: the string
 */
void strvec_add(struct strvec *sv, const char *s);

/**
 * strvec_addf() - append a formatted string
 * @sv: the vector
 * @fmt: printf format
 */
void strvec_addf(struct strvec *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * strvec_free() - free every string and the array; @sv is left empty
 * @sv: the vector
 */
void strvec_free(struct strvec *sv);

/*
 * Allocation that cannot fail: the CLI prints "out of memory" and exits 1.
 * Return: the new memory / string.
 */
void *xmalloc(size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * msg() - print "xen-lite: MESSAGE" and a newline on stderr
 * @fmt: printf format
 */
void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * shell_quote() - quote one word for a POSIX shell if it needs it
 * @s: the word
 *
 * Return: a heap string: @s itself when it has only safe characters,
 * else @s in single quotes.
 */
char *shell_quote(const char *s);

/**
 * copy_file() - copy a file's bytes to a new or truncated file
 * @from: source
 * @to: destination (mode 0644)
 *
 * Return: 0 or a negative errno.
 */
int copy_file(const char *from, const char *to);

/**
 * write_file() - write a buffer to a new or truncated file
 * @path: the file
 * @buf: bytes
 * @len: how many
 * @mode: permission bits
 *
 * Return: 0 or a negative errno.
 */
int write_file(const char *path, const void *buf, size_t len, int mode);

/**
 * read_file() - read a whole file
 * @path: the file
 * @len: receives the size (may be NULL)
 *
 * Return: a heap buffer with a NUL appended, or NULL with errno set.
 */
char *read_file(const char *path, size_t *len);

/**
 * mkdir_p() - create a directory and its missing parents
 * @path: the directory
 *
 * Return: 0 or a negative errno.
 */
int mkdir_p(const char *path);

/**
 * file_exists() - is @path a regular file (following symlinks)?
 * @path: the path
 *
 * Return: true if so.
 */
bool file_exists(const char *path);

#endif
