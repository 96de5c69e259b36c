/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ticket spinlocks on compiler atomics (both architectures implement them
 * with their native atomics: AMOs on RISC-V, LDAXR/STLXR or LSE on Arm).
 */
#ifndef XL_SPINLOCK_H
#define XL_SPINLOCK_H

#include <xen-lite/types.h>
#include <asm/system.h>

typedef struct {
	u32 next;
	u32 owner;
} spinlock_t;

#define SPIN_LOCK_UNLOCKED \
	{                  \
		0, 0       \
	}
#define DEFINE_SPINLOCK(l) spinlock_t l = SPIN_LOCK_UNLOCKED

static inline void spin_lock_init(spinlock_t *l)
{
	l->next = 0;
	l->owner = 0;
}

static inline void spin_lock(spinlock_t *l)
{
	u32 me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		cpu_relax();
}

static inline bool spin_trylock(spinlock_t *l)
{
	u32 o = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	u32 expect = o;

	return __atomic_compare_exchange_n(&l->next, &expect, o + 1, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}

#define spin_lock_irqsave(l, flags)       \
	do {                              \
		flags = local_irq_save(); \
		spin_lock(l);             \
	} while (0)

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock(l);
	local_irq_restore(flags);
}

#endif /* XL_SPINLOCK_H */
