/* SPDX-License-Identifier: GPL-2.0 */
/*
 * race_window() - a busy wait of CONFIG_DEBUG_RACE_WINDOW_US at a point
 * where a race used to open (issue 14), for the in-guest race tests:
 * another vCPU then reliably acts inside the window, so a test of the
 * race fails every time on code that has it and must pass on code that
 * does not. Compiles to nothing when the option is 0 (the default) and in
 * the host unit tests. See common/Kconfig and docs/robustness.md.
 */
#ifndef XL_RACE_WINDOW_H
#define XL_RACE_WINDOW_H

#include <xen-lite/types.h>

#if defined(CONFIG_DEBUG_RACE_WINDOW_US) && CONFIG_DEBUG_RACE_WINDOW_US > 0 && \
	!defined(XL_HOST_TEST)
#include <xen-lite/arch.h>

#include <xen-lite/domain.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>

/* Balloon-outs between their checks and their last put (common/memory.c). */
extern unsigned long race_window_decreasing;

static inline void race_window(void)
{
	u64 end = arch_counter_read() +
		  arch_counter_freq() * CONFIG_DEBUG_RACE_WINDOW_US / 1000000;

	while (arch_counter_read() < end)
		;
}

/* A balloon-out starts (+1) or ends (-1) changing the p2m and the frames. */
static inline void race_window_decrease(long delta)
{
	__atomic_add_fetch(&race_window_decreasing, (unsigned long)delta,
			   __ATOMIC_SEQ_CST);
}

/*
 * race_window_copy() - the window of a guest write (finding 1): the usual
 * wait, then as long as a balloon-out that began meanwhile is still under
 * way (at most 100 ms). Without the second part the window is shorter than
 * a balloon-out: on RISC-V its remote TLB fence alone (an SBI IPI round
 * trip to the writer's hart) took 1.5 to 27 ms under TCG, and the frame
 * was freed only after the write. A real writer can be held up as long by
 * an interrupt or, under TCG, by the host descheduling its thread.
 */
static inline void race_window_copy(void)
{
	u64 end;

	race_window();
	end = arch_counter_read() + arch_counter_freq() / 10;
	while (READ_ONCE(race_window_decreasing) && arch_counter_read() < end)
		;
}

/*
 * race_window_wrote() - after a write into frame @pg, looked up at @gfn of
 * domain @id, that the writer holds a reference on: the frame must still
 * be that domain's (unmapped meanwhile is fine: the reference keeps it
 * from being freed). A frame freed or handed on meanwhile is a use after
 * free, the bug of finding 1: one line the race tests look for (the code
 * before the fix prints the same line, with the stricter test that the
 * frame is still mapped at @gfn, as it holds no reference).
 */
static inline void race_window_wrote(const struct page_info *pg, domid_t id,
				     u64 gfn)
{
	if (pg->state != PGS_DOMAIN || pg->owner != id)
		printk(XL_ERR "race window: use after free: d%u's write "
			      "for gfn %#llx went to frame %#llx, no longer "
			      "the domain's\n",
		       id, (unsigned long long)gfn,
		       (unsigned long long)mfn_x(page_to_mfn(pg)));
}

/*
 * race_window_started() - after domain_create() queued @d's vCPUs (a
 * guest that reboots at once shuts it down there): wait until the reaper
 * has taken @d off the domain list, at most 100 ms, so that whatever
 * domain_create() still does with @d comes after its teardown. The
 * caller holds a reference; @d is compared, never read, here.
 */
static inline void race_window_started(const void *d)
{
	u64 end = arch_counter_read() + arch_counter_freq() / 10;
	const struct list_head *e;
	unsigned long flags;
	bool listed = true;

	while (listed && arch_counter_read() < end) {
		listed = false;
		spin_lock_irqsave(&domain_list_lock, flags);
		for (e = domain_list.next; e != &domain_list; e = e->next)
			listed |= (const void *)list_entry(e, struct domain,
							   list) == d;
		spin_unlock_irqrestore(&domain_list_lock, flags);
	}
}
#else
static inline void race_window(void)
{
}

static inline void race_window_started(const void *d)
{
	(void)d;
}

static inline void race_window_decrease(long delta)
{
	(void)delta;
}

static inline void race_window_copy(void)
{
}

#define race_window_wrote(pg, id, gfn) ((void)(pg), (void)(id), (void)(gfn))
#endif

#endif /* XL_RACE_WINDOW_H */
