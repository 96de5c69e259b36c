/* SPDX-License-Identifier: GPL-2.0 */
/* Sets of physical CPUs (at most 64, see CONFIG_NR_CPUS). */
#ifndef XL_CPUMASK_H
#define XL_CPUMASK_H

#include <xen-lite/types.h>

typedef struct {
	u64 bits;
} cpumask_t;

static inline void cpumask_clear(cpumask_t *m)
{
	m->bits = 0;
}

static inline void cpumask_set_cpu(unsigned int cpu, cpumask_t *m)
{
	__atomic_fetch_or(&m->bits, 1ULL << cpu, __ATOMIC_SEQ_CST);
}

static inline void cpumask_clear_cpu(unsigned int cpu, cpumask_t *m)
{
	__atomic_fetch_and(&m->bits, ~(1ULL << cpu), __ATOMIC_SEQ_CST);
}

static inline bool cpumask_test_cpu(unsigned int cpu, const cpumask_t *m)
{
	return (__atomic_load_n(&m->bits, __ATOMIC_RELAXED) >> cpu) & 1;
}

static inline bool cpumask_empty(const cpumask_t *m)
{
	return __atomic_load_n(&m->bits, __ATOMIC_RELAXED) == 0;
}

static inline unsigned int cpumask_weight(const cpumask_t *m)
{
	return __builtin_popcountll(m->bits);
}

#define for_each_cpu(cpu, mask)              \
	for ((cpu) = 0; (cpu) < 64; (cpu)++) \
		if (cpumask_test_cpu((cpu), (mask)))

#endif /* XL_CPUMASK_H */
