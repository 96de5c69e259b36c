/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Library functions, printing and assertions used by the whole hypervisor.
 */
#ifndef XL_LIB_H
#define XL_LIB_H

#include <stdarg.h>
#include <xen-lite/compiler.h>
#include <xen-lite/types.h>

/* Log levels for printk: lower is more important. */
#define XLOG_ERR 0
#define XLOG_WARN 1
#define XLOG_INFO 2
#define XLOG_DEBUG 3

/**
 * printk() - print a message on the hypervisor console.
 * @fmt: format, optionally starting with a level prefix (XL_ERR ...).
 *
 * Whole lines are written under the console lock, prefixed with the
 * uptime, so lines from several CPUs never interleave. Messages above
 * CONFIG_LOGLEVEL are dropped.
 */
void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list ap);

/* Level prefixes, as in Linux: printk(XL_WARN "...") */
#define XL_ERR "\0010"
#define XL_WARN "\0011"
#define XL_INFO "\0012"
#define XL_DEBUG "\0013"

int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/**
 * panic() - stop the hypervisor with a message.
 *
 * Prints the message, the registers of the calling CPU and a
 * backtrace-friendly PC list, stops the other CPUs and powers the machine
 * off with a failure status. Never returns.
 */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(c)                                                             \
	do {                                                                  \
		if (unlikely(c))                                              \
			panic("BUG_ON(%s) at %s:%d", #c, __FILE__, __LINE__); \
	} while (0)

#ifdef CONFIG_DEBUG_ASSERTIONS
#define ASSERT(c)                                                             \
	do {                                                                  \
		if (unlikely(!(c)))                                           \
			panic("Assertion '%s' failed at %s:%d", #c, __FILE__, \
			      __LINE__);                                      \
	} while (0)
#else
#define ASSERT(c) ((void)sizeof(c))
#endif

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
/*
 * arch_copy_blocks() - copy @n bytes, a non-zero multiple of 128, from
 * @src to @dst, both 16-byte aligned Normal memory: the widest copy the
 * architecture has (arch/<arch>/copy.S), for boot modules copied into a
 * domain being built (tens of MiB).
 */
void arch_copy_blocks(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);
unsigned long strtoul(const char *s, char **end, int base);

/* Uptime in nanoseconds, from the platform counter since reset. */
u64 uptime_ns(void);

#endif /* XL_LIB_H */
