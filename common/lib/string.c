// SPDX-License-Identifier: GPL-2.0
/*
 * The C string and memory functions used by the hypervisor and by Debian's
 * libfdt.a, which is linked into the image.
 */
#include <xen-lite/lib.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	if (!(((uintptr_t)d | (uintptr_t)s) & 7)) {
		u64 *d8 = dst;
		const u64 *s8 = src;
		size_t words = n / 8;

		/*
		 * Eight words per iteration: domain build copies whole
		 * kernels (tens of MiB), where loop overhead is most of the
		 * cost on a simple core (or under QEMU).
		 */
		for (; words >= 8; words -= 8, d8 += 8, s8 += 8) {
			u64 a = s8[0], b = s8[1], c = s8[2], e = s8[3];
			u64 f = s8[4], g = s8[5], h = s8[6], k = s8[7];

			d8[0] = a;
			d8[1] = b;
			d8[2] = c;
			d8[3] = e;
			d8[4] = f;
			d8[5] = g;
			d8[6] = h;
			d8[7] = k;
		}
		while (words--)
			*d8++ = *s8++;
		d = (u8 *)d8;
		s = (const u8 *)s8;
		n &= 7;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

#if defined(__aarch64__) && !defined(XL_HOST_TEST)
/*
 * Large zero fills on arm64 (domain RAM at build time): DC ZVA clears a
 * whole DCZID_EL0-sized block per instruction. Only for Normal memory,
 * which is all the hypervisor ever memsets. Return: bytes cleared from
 * the start of @d (0 when DC ZVA is prohibited or @d is misaligned).
 */
static size_t memzero_dczva(u8 *d, size_t n)
{
	size_t bs, done = 0;
	u64 dczid;

	__asm__("mrs %0, dczid_el0" : "=r"(dczid));
	if (dczid & 16)
		return 0;
	bs = 4UL << (dczid & 15);
	if ((uintptr_t)d & (bs - 1))
		return 0;
	for (; n - done >= bs; done += bs)
		__asm__ __volatile__("dc zva, %0" : : "r"(d + done) : "memory");
	return done;
}
#endif

#if defined(__riscv) && !defined(XL_HOST_TEST)
/*
 * Large zero fills on RISC-V (no Zicboz on QEMU 7.2): eight stores per
 * loop iteration, so the loop overhead is an eighth of the plain loop's.
 * Return: bytes cleared from the start of @d (a multiple of 64; 0 when
 * @d is not 8-byte aligned).
 */
static size_t memzero_unrolled(u8 *d, size_t n)
{
	u64 *p = (u64 *)d;
	size_t blocks = n / 64;

	if ((uintptr_t)d & 7)
		return 0;
	for (size_t i = 0; i < blocks; i++, p += 8) {
		p[0] = 0;
		p[1] = 0;
		p[2] = 0;
		p[3] = 0;
		p[4] = 0;
		p[5] = 0;
		p[6] = 0;
		p[7] = 0;
	}
	return blocks * 64;
}
#endif

void *memset(void *dst, int c, size_t n)
{
	u8 *d = dst;

#if defined(__aarch64__) && !defined(XL_HOST_TEST)
	if (c == 0 && n >= 4096) {
		size_t done = memzero_dczva(d, n);

		d += done;
		n -= done;
	}
#endif
#if defined(__riscv) && !defined(XL_HOST_TEST)
	if (c == 0 && n >= 4096) {
		size_t done = memzero_unrolled(d, n);

		d += done;
		n -= done;
	}
#endif

	if (!(((uintptr_t)d | n) & 7)) {
		u64 v = (u8)c;
		u64 *d8 = (u64 *)d;

		v |= v << 8;
		v |= v << 16;
		v |= v << 32;
		for (size_t i = 0; i < n / 8; i++)
			d8[i] = v;
		return dst;
	}
	while (n--)
		*d++ = (u8)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	}
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const u8 *p = s;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == (u8)c)
			return (void *)(p + i);
	}
	return NULL;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (u8)*a - (u8)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (u8)*a - (u8)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	unsigned long v = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if ((base == 0 || base == 16) && s[0] == '0' &&
	    (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = s[0] == '0' ? 8 : 10;
	}
	while (digit_value(*s) < base)
		v = v * base + digit_value(*s++);
	if (end)
		*end = (char *)s;
	return v;
}
