/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Basic types. Machine and guest frame numbers are single-member structs so
 * that a GFN can never be passed where an MFN is expected.
 */
#ifndef XL_TYPES_H
#define XL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef u64 paddr_t;
typedef u64 vaddr_t;
#ifdef XL_HOST_TEST
#include <sys/types.h> /* the host's register_t, also 64 bits */
#else
typedef u64 register_t;
#endif

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ORDER_4K 0
#define PAGE_ORDER_2M 9
#define PAGE_ORDER_1G 18

typedef struct {
	u64 m;
} mfn_t;
typedef struct {
	u64 g;
} gfn_t;

#define _mfn(x) ((mfn_t){ (x) })
#define _gfn(x) ((gfn_t){ (x) })
#define mfn_x(x) ((x).m)
#define gfn_x(x) ((x).g)
#define INVALID_MFN _mfn(~0ULL)
#define INVALID_GFN _gfn(~0ULL)

static inline bool mfn_eq(mfn_t a, mfn_t b)
{
	return a.m == b.m;
}

static inline bool gfn_eq(gfn_t a, gfn_t b)
{
	return a.g == b.g;
}

static inline mfn_t mfn_add(mfn_t m, u64 n)
{
	return _mfn(m.m + n);
}

static inline gfn_t gfn_add(gfn_t g, u64 n)
{
	return _gfn(g.g + n);
}

static inline paddr_t mfn_to_maddr(mfn_t m)
{
	return m.m << PAGE_SHIFT;
}

static inline mfn_t maddr_to_mfn(paddr_t pa)
{
	return _mfn(pa >> PAGE_SHIFT);
}

static inline paddr_t gfn_to_gaddr(gfn_t g)
{
	return g.g << PAGE_SHIFT;
}

static inline gfn_t gaddr_to_gfn(paddr_t ga)
{
	return _gfn(ga >> PAGE_SHIFT);
}

typedef u16 domid_t;
#define DOMID_INVALID ((domid_t)0xffff)
#define DOMID_XL ((domid_t)0x7ff0) /* frames owned by the hypervisor */

#endif /* XL_TYPES_H */
