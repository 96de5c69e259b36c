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

#include <xen-lite/lib.h>
#include <xen-lite/mm.h>

static inline void race_window(void)
{
	u64 end = arch_counter_read() +
		  arch_counter_freq() * CONFIG_DEBUG_RACE_WINDOW_US / 1000000;

	while (arch_counter_read() < end)
		;
}

/*
 * race_window_owned() - at the end of a window, the frame @pg about to be
 * accessed for domain @id must still be that domain's: a frame freed
 * meanwhile (a use after free, the bug of issue 14's finding 1) panics
 * here, whoever gets the frame next. The allocator does not hand a frame
 * freed last back first, so a guest rarely sees such a write itself.
 */
static inline void race_window_owned(const struct page_info *pg, domid_t id)
{
	if (pg->state != PGS_DOMAIN || pg->owner != id)
		panic("race window: frame %#llx of d%u freed during the window",
		      (unsigned long long)mfn_x(page_to_mfn(pg)), id);
}
#else
static inline void race_window(void)
{
}

#define race_window_owned(pg, id) ((void)(pg), (void)(id))
#endif

#endif /* XL_RACE_WINDOW_H */
