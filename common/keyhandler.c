// SPDX-License-Identifier: GPL-2.0
/*
 * The debug keys: what a key typed while the console input focus is on
 * the hypervisor does (domain_console.c routes the input).
 */
#include <xen-lite/arch.h>
#include <xen-lite/domain.h>
#include <xen-lite/keyhandler.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>

void keyhandler_key(char c)
{
	switch (c) {
	case 'd':
		domain_dump_all();
		break;
	case 'm':
		printk("memory: %llu of %llu pages free, %llu heap cache pages, %llu heap objects live\n",
		       (unsigned long long)free_page_count(),
		       (unsigned long long)total_page_count(),
		       (unsigned long long)xmalloc_cache_pages(),
		       (unsigned long long)xmalloc_live_objects());
		break;
	case 'p': {
		struct domain *d;
		unsigned long flags;

		/* The list lock keeps every listed domain's p2m_domain. */
		spin_lock_irqsave(&domain_list_lock, flags);
		list_for_each_entry(d, &domain_list, list)
			p2m_dump(d->p2m);
		spin_unlock_irqrestore(&domain_list_lock, flags);
		break;
	}
	case 'h':
	default:
		printk("debug keys: d = dump domains, p = p2m summaries, m = memory, h = help\n");
		break;
	}
}

static const char *const dom_state_names[] = {
	"building", "running", "shutting down", "dying", "preserved",
};
static const char *const vcpu_state_names[] = {
	"down",
	"runnable",
	"running",
	"blocked",
};

/* What a stopped domain's vCPUs are: they never run again. */
static const char *stopped_vcpu_state(const struct domain *d)
{
	if (d->state == DOM_PRESERVED)
		return d->shutdown_reason == SHUTDOWN_CRASH ?
			       "stopped (crashed, preserved)" :
			       "stopped (preserved)";
	return d->shutdown_reason == SHUTDOWN_CRASH ? "stopping (crashed)" :
						      "stopping";
}

void domain_dump_all(void)
{
	struct domain *d;
	unsigned long flags;
	u64 now = arch_counter_read();

	printk("domains (free memory %llu pages):\n",
	       (unsigned long long)free_page_count());
	spin_lock_irqsave(&domain_list_lock, flags);
	list_for_each_entry(d, &domain_list, list) {
		printk("  domain %u (%s): %s%s, %llu/%llu pages, %u vCPUs%s, restarts %u\n",
		       d->id, d->name, dom_state_names[d->state],
		       d->state >= DOM_SHUTTING_DOWN &&
				       d->shutdown_reason == SHUTDOWN_CRASH ?
			       " after a crash" :
			       "",
		       (unsigned long long)d->tot_pages,
		       (unsigned long long)d->max_pages, d->nr_vcpus,
		       d->cfg.privileged ? ", privileged" : "", d->restarts);
		for (unsigned int i = 0;
		     d->state != DOM_DYING && i < d->nr_vcpus; i++) {
			struct vcpu *v = d->vcpus[i];
			u64 start = READ_ONCE(v->run_start);
			u64 ran = READ_ONCE(v->runtime_ticks);

			/*
			 * Live: the slice in progress counts too (a vCPU
			 * alone on its CPU may run for ever without ending
			 * a slice). Racing with the slice's end can count
			 * it twice for one dump; the next dump is exact.
			 */
			if (start && now > start)
				ran += now - start;
			printk("    vCPU%u: %s on CPU%u%s, ran %llu ms\n",
			       v->id,
			       d->state == DOM_RUNNING ?
				       vcpu_state_names[v->state] :
				       stopped_vcpu_state(d),
			       v->processor,
			       v->affinity >= 0 ? " (pinned)" : "",
			       (unsigned long long)(ran * 1000 /
						    arch_counter_freq()));
		}
		p2m_dump(d->p2m);
	}
	spin_unlock_irqrestore(&domain_list_lock, flags);
}
