/* SPDX-License-Identifier: GPL-2.0 */
/* <limits.h> for libfdt inside the hypervisor (LP64 on both targets). */
#ifndef XL_LIBC_LIMITS_H
#define XL_LIBC_LIMITS_H
#define CHAR_BIT 8
#define INT_MAX 0x7fffffff
#define INT_MIN (-INT_MAX - 1)
#define UINT_MAX 0xffffffffU
#define LONG_MAX 0x7fffffffffffffffL
#define LONG_MIN (-LONG_MAX - 1)
#define ULONG_MAX 0xffffffffffffffffUL
#endif
