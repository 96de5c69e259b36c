/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stall detector (CONFIG_STALL_DETECT_US): a CPU that stays in the
 * hypervisor longer than the threshold, in counter time, prints one line
 * saying where:
 *
 *   xen-lite: stall: CPU1 spent 12.3 ms in SBI call 0x584c0006 for d2v1
 *
 * The cost on the fast path is a counter read when a guest exits and a
 * compare when it is entered again: stall_enter() when the CPU leaves the
 * guest (or starts a scheduler-side job such as a teardown step),
 * stall_check() at the preemption points of long operations (it reports
 * while they still run), stall_leave() before the guest is entered again.
 * Every QEMU-driven test fails on the line (tests/lib/result.sh).
 */
#ifndef XL_STALL_H
#define XL_STALL_H

#include <xen-lite/types.h>

struct pcpu;

#if defined(CONFIG_STALL_DETECT_US) && CONFIG_STALL_DETECT_US > 0 && \
	!defined(XL_HOST_TEST)
#include <xen-lite/arch.h>
#include <xen-lite/smp.h>

/* The threshold in counter ticks (~0 until stall_init()). */
extern u64 stall_ticks;

/** stall_init() - compute the threshold; call once the counter is known. */
void stall_init(void);

/** stall_report() - print the line for this CPU's entry (once). */
void stall_report(u64 now);

/*
 * stall_enter() - this CPU starts an entry: @what with two numbers that
 * say more (an exit cause, a function ID...).
 */
static inline void stall_enter(const char *what, u64 a, u64 b)
{
	struct pcpu *p = this_cpu();

	p->stall.what = what;
	p->stall.a = a;
	p->stall.b = b;
	p->stall.told = false;
	p->stall.since = arch_counter_read();
}

/*
 * stall_what() / stall_enter_again() - stall_enter() in two halves, for a
 * run loop whose every entry is the same kind (issue 20: two stores fewer
 * on each guest exit): @what once per run, the numbers at each exit.
 * Nothing else may stall_enter() between the two (the loop calls nothing
 * that does).
 */
static inline void stall_what(const char *what)
{
	this_cpu()->stall.what = what;
}

static inline void stall_enter_again(u64 a, u64 b)
{
	struct pcpu *p = this_cpu();

	p->stall.a = a;
	p->stall.b = b;
	/* told: false since the last stall_leave() (issue 20: one store). */
	p->stall.since = arch_counter_read();
}

/*
 * stall_describe_by() - a run loop whose exit vector stamps only
 * p->stall.since (RISC-V guest.S: one counter read and one store on a
 * guest exit, issue 20): @describe fills p->stall.what, a and b from the
 * exit when the entry is reported or becomes the longest; NULL again
 * when the loop ends. Nothing may stall_enter() in between.
 */
static inline void stall_describe_by(void (*describe)(struct pcpu *p))
{
	this_cpu()->stall.describe = describe;
}

/* stall_check() - report now if the entry is over the threshold. */
static inline void stall_check(void)
{
	struct pcpu *p = this_cpu();
	u64 now;

	if (!p->stall.since || p->stall.told)
		return;
	now = arch_counter_read();
	if (now - p->stall.since > stall_ticks)
		stall_report(now);
}

void stall_new_max(struct pcpu *p, u64 ticks);

/*
 * stall_long() - stall_leave() of an entry of @ticks over stall.limit:
 * report it if it was too long, keep it if it is the longest.
 */
void stall_long(struct pcpu *p, u64 ticks);

/*
 * stall_leave() - the entry ends (back to the guest, or done): report it
 * if it was too long, and keep the longest (stall_summary()). One
 * compare for an entry that is neither (stall.limit, issue 20).
 */
static inline void stall_leave(void)
{
	struct pcpu *p = this_cpu();
	u64 since = p->stall.since, ticks;

	if (!since)
		return;
	ticks = arch_counter_read() - since;
	if (unlikely(ticks > p->stall.limit)) {
		stall_long(p, ticks);
		/*
		 * For an entry whose start alone is stamped
		 * (stall_describe_by()), and stall_enter_again()'s next
		 * entry. Only here (issue 20: a store of every entry): told
		 * is set by a report, which an entry gets only over the
		 * threshold, so over stall.limit too.
		 */
		p->stall.told = false;
	}
	p->stall.since = 0;
}

/**
 * stall_summary() - print the longest entry any CPU made (at power-off;
 * tests/bench/max-entry.sh reads it).
 */
void stall_summary(void);
#else
static inline void stall_init(void)
{
}

static inline void stall_enter(const char *what, u64 a, u64 b)
{
}

static inline void stall_check(void)
{
}

static inline void stall_what(const char *what)
{
}

static inline void stall_describe_by(void (*describe)(struct pcpu *p))
{
}

static inline void stall_enter_again(u64 a, u64 b)
{
}

static inline void stall_leave(void)
{
}

static inline void stall_summary(void)
{
}
#endif

#endif /* XL_STALL_H */
