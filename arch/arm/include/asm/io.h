/* SPDX-License-Identifier: GPL-2.0 */
/* MMIO accessors (device memory is identity-mapped nGnRE). */
#ifndef ASM_ARM_IO_H
#define ASM_ARM_IO_H

#include <xen-lite/types.h>

#ifdef XL_HOST_TEST
/* Host tests: plain accesses (a fake device is a buffer). */
static inline void writeb(u8 v, volatile void *addr)
{
	*(volatile u8 *)addr = v;
}

static inline u32 readl(const volatile void *addr)
{
	return *(const volatile u32 *)addr;
}

static inline void writel(u32 v, volatile void *addr)
{
	*(volatile u32 *)addr = v;
}
#else

static inline void writeb(u8 v, volatile void *addr)
{
	__asm__ __volatile__("strb %w0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

static inline u32 readl(const volatile void *addr)
{
	u32 v;

	__asm__ __volatile__("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void writel(u32 v, volatile void *addr)
{
	__asm__ __volatile__("str %w0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

static inline u64 readq(const volatile void *addr)
{
	u64 v;

	__asm__ __volatile__("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void writeq(u64 v, volatile void *addr)
{
	__asm__ __volatile__("str %0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

#endif /* XL_HOST_TEST */

#endif /* ASM_ARM_IO_H */
