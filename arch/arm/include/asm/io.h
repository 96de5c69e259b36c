/* SPDX-License-Identifier: GPL-2.0 */
/* MMIO accessors (device memory is identity-mapped nGnRE). */
#ifndef ASM_ARM_IO_H
#define ASM_ARM_IO_H

#include <xen-lite/types.h>

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

#endif /* ASM_ARM_IO_H */
