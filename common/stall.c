// SPDX-License-Identifier: GPL-2.0
/* Stall detector: the report (include/xen-lite/stall.h). */
#include <xen-lite/arch.h>
#include <xen-lite/domain.h>
#include <xen-lite/lib.h>
#include <xen-lite/smp.h>
#include <xen-lite/stall.h>

u64 stall_ticks = ~0ULL;

void stall_init(void)
{
	stall_ticks = arch_counter_freq() * CONFIG_STALL_DETECT_US / 1000000;
	for (unsigned int c = 0; c < CONFIG_NR_CPUS; c++)
		pcpu_info[c].stall.limit =
			MIN(pcpu_info[c].stall.max, stall_ticks);
}

/* The entry's what, a and b, if only its start was stamped. */
static void stall_describe(struct pcpu *p)
{
	if (p->stall.describe)
		p->stall.describe(p);
}

void stall_new_max(struct pcpu *p, u64 ticks)
{
	stall_describe(p);
	p->stall.max = ticks;
	p->stall.limit = MIN(ticks, stall_ticks);
	p->stall.max_what = p->stall.what;
	p->stall.max_a = p->stall.a;
	p->stall.max_b = p->stall.b;
}

void stall_long(struct pcpu *p, u64 ticks)
{
	if (ticks > stall_ticks && !p->stall.told)
		stall_report(p->stall.since + ticks);
	if (ticks > p->stall.max)
		stall_new_max(p, ticks);
}

void stall_summary(void)
{
	const struct pcpu *best = NULL;

	for (unsigned int c = 0; c < CONFIG_NR_CPUS; c++) {
		const struct pcpu *p = &pcpu_info[c];

		if (p->online && p->stall.max_what &&
		    (!best || p->stall.max > best->stall.max))
			best = p;
	}
	if (!best)
		return;
	printk("xen-lite: longest hypervisor entry: %llu us on CPU%u, in %s %#llx %#llx\n",
	       (unsigned long long)(best->stall.max * 1000000 /
				    arch_counter_freq()),
	       best->id, best->stall.max_what,
	       (unsigned long long)best->stall.max_a,
	       (unsigned long long)best->stall.max_b);
}

void stall_report(u64 now)
{
	struct pcpu *p = this_cpu();
	u64 us = (now - p->stall.since) * 1000000 / arch_counter_freq();
	struct vcpu *v = p->curr;

	stall_describe(p);
	p->stall.told = true;
	if (v)
		printk(XL_WARN
		       "xen-lite: stall: CPU%u spent %llu.%llu ms in %s %#llx %#llx for d%uv%u\n",
		       p->id, (unsigned long long)(us / 1000),
		       (unsigned long long)(us % 1000 / 100), p->stall.what,
		       (unsigned long long)p->stall.a,
		       (unsigned long long)p->stall.b, v->domain->id, v->id);
	else
		printk(XL_WARN
		       "xen-lite: stall: CPU%u spent %llu.%llu ms in %s %#llx %#llx\n",
		       p->id, (unsigned long long)(us / 1000),
		       (unsigned long long)(us % 1000 / 100), p->stall.what,
		       (unsigned long long)p->stall.a,
		       (unsigned long long)p->stall.b);
}
