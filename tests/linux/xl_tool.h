/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the static test helpers in tests/linux (xl-shmcp, xl-pwrbtn,
 * xl-diskbench) share: raw Linux system calls without libc and a few
 * string helpers. Both riscv64 and arm64 use the generic system call table
 * (include/uapi/asm-generic/unistd.h), so one set of numbers serves both.
 * Built by linux_tool() in tests/lib/linux.sh (-nostdlib -ffreestanding).
 */
#ifndef XL_TOOL_H
#define XL_TOOL_H

#define SYS_openat 56
#define SYS_close 57
#define SYS_read 63
#define SYS_write 64
#define SYS_exit 93

#define AT_FDCWD (-100)

typedef unsigned long u64;

/* A system call with up to six arguments (RISC-V: a7 and a0-a5; Arm: x8 and x0-x5). */
static inline long sys6(long n, long a, long b, long c, long d, long e, long f)
{
#ifdef __riscv
	register long a7 asm("a7") = n;
	register long a0 asm("a0") = a;
	register long a1 asm("a1") = b;
	register long a2 asm("a2") = c;
	register long a3 asm("a3") = d;
	register long a4 asm("a4") = e;
	register long a5 asm("a5") = f;

	asm volatile("ecall"
		     : "+r"(a0)
		     : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5)
		     : "memory");
	return a0;
#else
	register long x8 asm("x8") = n;
	register long x0 asm("x0") = a;
	register long x1 asm("x1") = b;
	register long x2 asm("x2") = c;
	register long x3 asm("x3") = d;
	register long x4 asm("x4") = e;
	register long x5 asm("x5") = f;

	asm volatile("svc #0"
		     : "+r"(x0)
		     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
		     : "memory");
	return x0;
#endif
}

/* Write the string S to FD; the write's result. */
static inline long out(int fd, const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	return sys6(SYS_write, fd, (long)s, n, 0, 0, 0);
}

/* "PROG: WHY" on stderr (when WHY is given), then exit with CODE. */
static inline void __attribute__((noreturn))
leave(const char *prog, int code, const char *why)
{
	if (why) {
		out(2, prog);
		out(2, ": ");
		out(2, why);
		out(2, "\n");
	}
	sys6(SYS_exit, code, 0, 0, 0, 0, 0);
	for (;;)
		;
}

/* Decimal or 0x hexadecimal below 2^48; -1 on a bad or empty number. */
static inline long number(const char *s)
{
	u64 v = 0, base = 10;

	if (!*s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return -1;
	}
	for (; *s; s++) {
		u64 d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -1;
		v = v * base + d;
		if (v >> 48)
			return -1;
	}
	return (long)v;
}

/* Whether the strings A and B are equal. */
static inline int same(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

#endif /* XL_TOOL_H */
