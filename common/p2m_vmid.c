// SPDX-License-Identifier: GPL-2.0
/*
 * VMID allocation with generations.
 *
 * A p2m holds (generation, VMID). Within a generation VMIDs come from a
 * bitmap. When it is full the generation moves on: the bitmap is emptied
 * except for the VMID each CPU is running right now (so a domain running
 * on a CPU that has not come back to the hypervisor keeps its VMID, and
 * flushes of that VMID keep reaching it), and every CPU is marked to flush
 * all guest translations once before it next enters a guest. One full
 * flush per CPU per rollover, none otherwise.
 *
 * VMID 0 is never given to a domain. Without VMIDs (width 0) every
 * activation rolls over, which degrades to a flush on each switch between
 * domains: correct, only slower.
 *
 * The lock-free fast path (issue 20; the scheme of Linux's arm64 ASID
 * allocator, written anew here): an activation whose p2m holds a VMID of
 * the current generation, on a CPU whose vmid_active is not zero, only
 * swaps its tag into vmid_active[cpu] with a compare-and-exchange against
 * the value it read first. A rollover exchanges every CPU's vmid_active
 * with zero (under the lock, before anyone can allocate in the new
 * generation), so:
 *
 * - a fast path whose exchange succeeded before the rollover's is seen by
 *   the rollover, which reserves its tag (its VMID stays the p2m's in the
 *   new generation and is given to no other domain);
 * - a fast path that starts after the rollover, or whose exchange comes
 *   after it, finds zero (or a changed value) and takes the lock: it then
 *   refreshes the VMID and makes the flush the rollover asked of its CPU
 *   (vmid_flush_pending) before it runs a guest.
 *
 * A CPU whose vmid_active is zero at a rollover (it activated nothing since
 * the last one, but may still run a guest with the VMID reserved then)
 * keeps its reserved tag. The p2m's VMID is published before its
 * generation (release / acquire), so a fast path that reads the current
 * generation reads the VMID of that generation.
 */
#include <xen-lite/arch/p2m.h>
#include <xen-lite/cpumask.h>
#include <xen-lite/lib.h>
#include <xen-lite/p2m.h>
#include <xen-lite/spinlock.h>

#ifndef CONFIG_NR_CPUS
#define CONFIG_NR_CPUS 64
#endif

#define VMID_MAX_BITS 16
#define VMID_WORDS ((1U << VMID_MAX_BITS) / 64)

static DEFINE_SPINLOCK(vmid_lock);
static u32 vmid_max; /* largest VMID, 0 = no VMIDs */
static u32 vmid_hint = 1; /* where the next search starts */
static u64 vmid_gen = 1; /* 0 means "no VMID" in a p2m */
static u64 vmid_map[VMID_WORDS];
static u64 vmid_active[CONFIG_NR_CPUS]; /* gen << 16 | vmid, per CPU */
static u64 vmid_reserved[CONFIG_NR_CPUS]; /* kept across the rollover */
static cpumask_t vmid_flush_pending;

static bool vmid_test(u32 v)
{
	return (vmid_map[v / 64] >> (v % 64)) & 1;
}

static void vmid_mark(u32 v)
{
	vmid_map[v / 64] |= 1ULL << (v % 64);
}

void p2m_vmid_init(unsigned int bits)
{
	unsigned int cpu;

	spin_lock(&vmid_lock);
	vmid_max = bits ? (1U << MIN(bits, VMID_MAX_BITS)) - 1 : 0;
	vmid_hint = 1;
	vmid_gen = 1;
	memset(vmid_map, 0, sizeof(vmid_map));
	vmid_mark(0);
	for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++) {
		vmid_active[cpu] = 0;
		vmid_reserved[cpu] = 0;
	}
	cpumask_clear(&vmid_flush_pending);
	spin_unlock(&vmid_lock);
}

static void vmid_rollover(void)
{
	unsigned int cpu;

	WRITE_ONCE(vmid_gen, vmid_gen + 1);
	memset(vmid_map, 0, sizeof(vmid_map));
	vmid_mark(0);
	for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++) {
		/* Zero: that CPU's next activation takes the lock (above). */
		u64 tag = __atomic_exchange_n(&vmid_active[cpu], 0,
					      __ATOMIC_SEQ_CST);

		/* Nothing activated since the last rollover: still that. */
		if (!tag) {
			tag = vmid_reserved[cpu];
		}
		vmid_reserved[cpu] = tag;
		if (tag) {
			vmid_mark(tag & 0xffff);
		}
	}
	vmid_hint = 1;
	vmid_flush_pending.bits = ~0ULL;
}

static bool vmid_was_reserved(u64 tag)
{
	unsigned int cpu;

	for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++) {
		if (tag && vmid_reserved[cpu] == tag) {
			return true;
		}
	}
	return false;
}

static u32 vmid_find_free(void)
{
	u32 v;

	for (v = vmid_hint; v <= vmid_max; v++) {
		if (!vmid_test(v)) {
			vmid_hint = v + 1;
			return v;
		}
	}
	return 0;
}

static bool vmid_refresh_locked(struct p2m_domain *p2m)
{
	u64 tag = (p2m->vmid_gen << 16) | p2m->vmid;
	u32 v;

	if (p2m->vmid_gen == vmid_gen) {
		return false;
	}
	if (vmid_max && p2m->vmid_gen && vmid_was_reserved(tag)) {
		/* Still running somewhere: keep it in the new generation. */
		__atomic_store_n(&p2m->vmid_gen, vmid_gen, __ATOMIC_RELEASE);
		return false;
	}
	v = vmid_max ? vmid_find_free() : 0;
	if (!v) {
		vmid_rollover();
		v = vmid_max ? vmid_find_free() : 0;
	}
	if (v) {
		vmid_mark(v);
	}
	/* The VMID before its generation: the fast path reads them so. */
	WRITE_ONCE(p2m->vmid, v);
	__atomic_store_n(&p2m->vmid_gen, vmid_gen, __ATOMIC_RELEASE);
	/*
	 * A new number: every CPU that may hold stale entries tagged with it
	 * flushes before running a guest again, so no CPU holds entries of
	 * this p2m under it yet.
	 */
	cpumask_clear(&p2m->dirty_cpus);
	return true;
}

bool p2m_vmid_cpu_sync(unsigned int cpu)
{
	if (!cpumask_test_cpu(cpu, &vmid_flush_pending)) {
		return false;
	}
	cpumask_clear_cpu(cpu, &vmid_flush_pending);
	arch_p2m_flush_local_all();
	return true;
}

/* This CPU ran @p2m since its VMID was assigned; then the registers. */
static inline void vmid_activate_done(struct p2m_domain *p2m, unsigned int cpu)
{
	/* Only a new VMID clears it (under the lock): test first. */
	if (!cpumask_test_cpu(cpu, &p2m->dirty_cpus)) {
		cpumask_set_cpu(cpu, &p2m->dirty_cpus);
	}
	arch_p2m_activate(p2m);
}

/*
 * The slow path of p2m_activate(): under the lock, as before issue 20.
 * Out of line and complete, so that the fast path needs no stack frame.
 */
static __noinline void vmid_activate_locked(struct p2m_domain *p2m,
					    unsigned int cpu)
{
	spin_lock(&vmid_lock);
	vmid_refresh_locked(p2m);
	/* Recorded under the lock, so a rollover reserves it. */
	__atomic_store_n(&vmid_active[cpu], (p2m->vmid_gen << 16) | p2m->vmid,
			 __ATOMIC_RELAXED);
	spin_unlock(&vmid_lock);
	p2m_vmid_cpu_sync(cpu);
	vmid_activate_done(p2m, cpu);
}

void p2m_activate(struct p2m_domain *p2m, unsigned int cpu)
{
	/* First: a rollover from here on makes the exchange below fail. */
	u64 old = __atomic_load_n(&vmid_active[cpu], __ATOMIC_RELAXED);
	u64 gen = __atomic_load_n(&p2m->vmid_gen, __ATOMIC_ACQUIRE);
	u64 tag = (gen << 16) | READ_ONCE(p2m->vmid);

	ASSERT(cpu < CONFIG_NR_CPUS);
	/*
	 * The fast path (see the top of the file): no rollover since this
	 * CPU last activated (old is not zero, and still there at the
	 * exchange), and the p2m's VMID is of the current generation.
	 * Without VMIDs every activation takes the lock, as before: each
	 * switch between domains is a rollover there.
	 */
	if (!old || !vmid_max || gen != READ_ONCE(vmid_gen) ||
	    !__atomic_compare_exchange_n(&vmid_active[cpu], &old, tag, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
		vmid_activate_locked(p2m, cpu);
		return;
	}
	vmid_activate_done(p2m, cpu);
}

void p2m_vmid_release(struct p2m_domain *p2m)
{
	spin_lock(&vmid_lock);
	/* The teardown flushed this VMID everywhere it ran: reusable now. */
	if (p2m->vmid_gen == vmid_gen && p2m->vmid) {
		vmid_map[p2m->vmid / 64] &= ~(1ULL << (p2m->vmid % 64));
		if (p2m->vmid < vmid_hint) {
			vmid_hint = p2m->vmid;
		}
	}
	spin_unlock(&vmid_lock);
	p2m->vmid = 0;
	p2m->vmid_gen = 0;
	cpumask_clear(&p2m->dirty_cpus);
}
