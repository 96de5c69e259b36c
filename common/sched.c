// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler and the per-CPU loop.
 *
 * Each physical CPU owns a run queue. vCPUs are placed on their pinned CPU
 * or on the least loaded one, and stay there. A CPU runs the first runnable
 * vCPU of its queue through arch_vcpu_run() for at most one slice, then
 * rotates it to the tail, so vCPUs sharing a CPU get round-robin time. A
 * CPU with nothing runnable sleeps in arch_cpu_idle() until its timer
 * (the earliest wake-up deadline of its blocked vCPUs) or an IPI.
 *
 * Between two runs the loop also reaps domains that shut down (their
 * teardown is preemptible: one bounded step per pass) and, on CPU0, polls
 * the console for input.
 */
#include <xen-lite/arch.h>
#include <xen-lite/console.h>
#include <xen-lite/domain_fdt.h>
#include <xen-lite/errno.h>
#include <xen-lite/keyhandler.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/sched.h>
#include <xen-lite/setup.h>
#include <xen-lite/smp.h>
#include <xen-lite/stall.h>

struct runq {
	spinlock_t lock;
	struct list_head head;
	unsigned int nr;
	bool need_resched;
	u64 slice_end;
};

static struct runq runqs[CONFIG_NR_CPUS];
static u64 slice_ticks;
static u64 tick_ticks;
static DEFINE_SPINLOCK(reap_lock);
static unsigned int nr_crashed;
static unsigned int nr_build_failures;
static u32 powering_off;
static bool sched_ready;
/* A domain's teardown is unfinished: CPUs must come back to reap it. */
static bool reap_more;

static struct runq *rq_of(unsigned int cpu)
{
	return &runqs[cpu];
}

void sched_add_vcpu(struct vcpu *v)
{
	unsigned int best = 0;
	unsigned long flags;
	struct runq *rq;

	if (v->affinity >= 0 && (unsigned int)v->affinity < nr_cpu_ids) {
		best = v->affinity;
	} else {
		for (unsigned int c = 1; c < nr_cpu_ids; c++) {
			if (rq_of(c)->nr < rq_of(best)->nr)
				best = c;
		}
	}
	rq = rq_of(best);
	spin_lock_irqsave(&rq->lock, flags);
	v->processor = best;
	list_add_tail(&v->runq, &rq->head);
	rq->nr++;
	spin_unlock_irqrestore(&rq->lock, flags);
	if (best != smp_processor_id())
		arch_send_ipi(best);
}

void sched_remove_vcpu(struct vcpu *v)
{
	struct runq *rq = rq_of(v->processor);
	unsigned long flags;

	spin_lock_irqsave(&rq->lock, flags);
	if (!list_empty(&v->runq)) {
		list_del(&v->runq);
		rq->nr--;
	}
	spin_unlock_irqrestore(&rq->lock, flags);
}

void vcpu_block(struct vcpu *v, u64 wake_at)
{
	struct runq *rq = rq_of(v->processor);
	unsigned long flags;

	spin_lock_irqsave(&rq->lock, flags);
	if (v->state == VCPU_RUNNING || v->state == VCPU_RUNNABLE) {
		v->wake_at = wake_at;
		v->state = VCPU_BLOCKED;
	}
	spin_unlock_irqrestore(&rq->lock, flags);
}

void vcpu_wake(struct vcpu *v)
{
	struct runq *rq = rq_of(v->processor);
	unsigned long flags;
	bool kick = false;

	spin_lock_irqsave(&rq->lock, flags);
	if (v->state == VCPU_BLOCKED) {
		v->state = VCPU_RUNNABLE;
		v->wake_at = 0;
		kick = pcpu_info[v->processor].curr == NULL;
	}
	spin_unlock_irqrestore(&rq->lock, flags);
	if (kick && v->processor != smp_processor_id())
		arch_send_ipi(v->processor);
}

void vcpu_kick(struct vcpu *v)
{
	unsigned int cpu = READ_ONCE(v->processor);

	if (cpu != smp_processor_id() && READ_ONCE(pcpu_info[cpu].curr) == v)
		arch_send_ipi(cpu);
	else if (cpu != smp_processor_id() && !READ_ONCE(pcpu_info[cpu].curr))
		arch_send_ipi(cpu);
}

/* Slice over: is anyone else on this queue waiting to run? */
static bool rq_has_other_runnable(struct runq *rq, struct vcpu *curr)
{
	u64 now = arch_counter_read();
	unsigned long flags;
	struct vcpu *v;
	bool other = false;

	spin_lock_irqsave(&rq->lock, flags);
	list_for_each_entry(v, &rq->head, runq) {
		if (v == curr || READ_ONCE(v->pause))
			continue;
		if (v->state == VCPU_RUNNABLE ||
		    (v->state == VCPU_BLOCKED && v->wake_at &&
		     v->wake_at <= now)) {
			other = true;
			break;
		}
	}
	if (!other)
		rq->slice_end = now + slice_ticks; /* a new slice */
	spin_unlock_irqrestore(&rq->lock, flags);
	return other;
}

bool sched_need_resched(void)
{
	struct pcpu *p = this_cpu();
	struct runq *rq = rq_of(p->id);
	struct vcpu *v = p->curr;

	if (!v || READ_ONCE(v->pause) || v->state != VCPU_RUNNING)
		return true;
	if (READ_ONCE(rq->need_resched))
		return true;
	/* Teardown steps get their turn once a slice, even on a busy CPU. */
	if (READ_ONCE(reap_more) && arch_counter_read() >= rq->slice_end)
		return true;
	if (rq->nr < 2 || arch_counter_read() < rq->slice_end)
		return false;
	return rq_has_other_runnable(rq, v);
}

void sched_yield(void)
{
	struct runq *rq = rq_of(smp_processor_id());

	if (rq->nr > 1 && rq_has_other_runnable(rq, this_cpu()->curr))
		WRITE_ONCE(rq->need_resched, true);
}

u64 sched_slice_deadline(void)
{
	return rq_of(smp_processor_id())->slice_end;
}

/* Earliest wake-up deadline of the blocked vCPUs of @rq (or ~0). */
static u64 rq_next_wake(struct runq *rq)
{
	struct vcpu *v;
	u64 next = ~0ULL;

	list_for_each_entry(v, &rq->head, runq) {
		if (v->state == VCPU_BLOCKED && v->wake_at)
			next = MIN(next, v->wake_at);
	}
	return next;
}

u64 sched_timer_tick(void)
{
	struct runq *rq = rq_of(smp_processor_id());
	u64 now = arch_counter_read(), next;
	struct vcpu *v;
	unsigned long flags;

	spin_lock_irqsave(&rq->lock, flags);
	list_for_each_entry(v, &rq->head, runq) {
		if (v->state == VCPU_BLOCKED && v->wake_at &&
		    v->wake_at <= now) {
			v->state = VCPU_RUNNABLE;
			v->wake_at = 0;
		}
	}
	next = rq_next_wake(rq);
	/*
	 * While other vCPUs share this CPU, keep a slice timer: at
	 * slice_end, or a slice from now once slice_end has passed (the
	 * running vCPU then keeps the CPU only because nobody else was
	 * runnable, see rq_has_other_runnable(), and nothing re-arms the
	 * timer for its new slice). A vCPU that another CPU wakes or starts
	 * here later gets no IPI while this one runs: without the timer it
	 * would wait until the running vCPU exits on its own, which a
	 * spinning guest may not do for seconds. A stale slice_end is never
	 * used as the deadline itself: it would re-fire at once forever.
	 */
	if (this_cpu()->curr && (rq->nr > 1 || READ_ONCE(reap_more)))
		next = MIN(next, rq->slice_end > now ? rq->slice_end :
						       now + slice_ticks);
	spin_unlock_irqrestore(&rq->lock, flags);
	if (smp_processor_id() == 0) {
		console_poll();
		next = MIN(next, now + tick_ticks);
	}
	return next;
}

/* Pick the first runnable vCPU and mark it running. */
static struct vcpu *pick_next(struct runq *rq)
{
	struct vcpu *v, *found = NULL;
	u64 now = arch_counter_read();
	unsigned long flags;

	spin_lock_irqsave(&rq->lock, flags);
	rq->need_resched = false;
	list_for_each_entry(v, &rq->head, runq) {
		if (v->state == VCPU_BLOCKED && v->wake_at &&
		    v->wake_at <= now) {
			v->state = VCPU_RUNNABLE;
			v->wake_at = 0;
		}
		if (v->state == VCPU_RUNNABLE && !READ_ONCE(v->pause)) {
			found = v;
			break;
		}
	}
	if (found) {
		found->state = VCPU_RUNNING;
		rq->slice_end = now + slice_ticks;
		this_cpu()->curr = found;
	}
	spin_unlock_irqrestore(&rq->lock, flags);
	return found;
}

/* After a run: a preempted vCPU goes back to the tail of the queue. */
static void put_prev(struct runq *rq, struct vcpu *v)
{
	unsigned long flags;

	spin_lock_irqsave(&rq->lock, flags);
	this_cpu()->curr = NULL;
	if (v->state == VCPU_RUNNING)
		v->state = VCPU_RUNNABLE;
	list_del(&v->runq);
	list_add_tail(&v->runq, &rq->head);
	spin_unlock_irqrestore(&rq->lock, flags);
}

static bool vcpus_off_cpu(struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];

		if (v && READ_ONCE(pcpu_info[v->processor].curr) == v)
			return false;
	}
	return true;
}

/* @restarts: how often the domain was restarted (0: first boot). */
static void domain_start_one(const struct domain_config *cfg,
			     unsigned int restarts)
{
	struct domain *d;
	int rc = domain_create(cfg, &d);

	if (rc) {
		printk(XL_ERR
		       "domain %u (%s): build failed (%d); nothing of it is left\n",
		       cfg->domid, cfg->name, rc);
		nr_build_failures++;
		keyhandler_domain_gone(cfg->name, false, false);
		return;
	}
	printk("domain %u (%s) started at %llu us\n", d->id, d->name,
	       (unsigned long long)(uptime_ns() / 1000));
	d->restarts = restarts;
	keyhandler_domain_started(d, restarts > 0);
}

/*
 * Apply the on_* policy to domains whose vCPUs have all stopped. One
 * bounded teardown step per call, so a huge domain never holds a CPU.
 * Return: the number of domains still alive (running or dying).
 */
/*
 * Domains between their destruction and their rebuild by an on_* restart
 * (outside reap_lock): alive, so that no CPU powers the machine off in
 * that window.
 */
static unsigned int nr_restarting;

static unsigned int reap_domains(void)
{
	struct domain *d, *victim = NULL;
	enum shutdown_action act = ACTION_DESTROY;
	unsigned int alive = 0, restarts = 0;
	struct domain_config cfg;
	bool restart = false, more = false;
	int rc;

	/*
	 * reap_lock only picks the domain to work on and marks it (one CPU
	 * per domain); the teardown step itself (bounded: about a
	 * millisecond, see domain_destroy_step()) runs without it, so no
	 * CPU's scheduler loop ever waits for another CPU's step. Not a
	 * trylock: a CPU whose vCPU was the last of a dying domain to leave
	 * must see it now, or nobody may (idle CPUs sleep).
	 */
	spin_lock(&reap_lock);
	/*
	 * Read before the list: a restart that completes after this read
	 * has put its domain back on the list before it decrements.
	 */
	alive = __atomic_load_n(&nr_restarting, __ATOMIC_SEQ_CST);
	list_for_each_entry(d, &domain_list, list) {
		enum shutdown_action a;

		if (d->state == DOM_RUNNING) {
			alive++;
			continue;
		}
		if (d->state == DOM_PRESERVED)
			continue;
		alive++;
		if (d->reaping || victim) {
			more = true; /* another CPU's, or the next pass's */
			continue;
		}
		if (d->state == DOM_SHUTTING_DOWN && !vcpus_off_cpu(d))
			continue;
		a = d->shutdown_reason == SHUTDOWN_POWEROFF ?
			    d->cfg.on_poweroff :
		    d->shutdown_reason == SHUTDOWN_REBOOT ? d->cfg.on_reboot :
							    d->cfg.on_crash;
		if (d->state == DOM_SHUTTING_DOWN) {
			if (d->shutdown_reason == SHUTDOWN_CRASH ||
			    d->shutdown_code != 0)
				nr_crashed++;
			if (a == ACTION_PRESERVE) {
				d->state = DOM_PRESERVED;
				printk("domain %u (%s) preserved\n", d->id,
				       d->name);
				keyhandler_domain_gone(d->name, false, true);
				alive--;
				continue;
			}
		}
		d->reaping = true;
		victim = d;
		act = a;
	}
	spin_unlock(&reap_lock);
	if (!victim) {
		WRITE_ONCE(reap_more, more);
		return alive;
	}
	stall_enter("teardown step of domain", victim->id, 0);
	rc = domain_destroy_step(victim);
	stall_leave();
	spin_lock(&reap_lock);
	victim->reaping = false;
	if (rc == -ERESTART) {
		more = true; /* continue on the next pass */
	} else {
		/* Off the list under reap_lock: nobody walks it meanwhile. */
		domain_unlist(victim);
		printk("domain %u (%s) destroyed%s\n", victim->id, victim->name,
		       act == ACTION_RESTART ? ", restarting" : "");
		if (act == ACTION_RESTART) {
			memcpy(&cfg, &victim->cfg, sizeof(cfg));
			restart = true;
			restarts = victim->restarts + 1;
			__atomic_add_fetch(&nr_restarting, 1, __ATOMIC_SEQ_CST);
		}
		keyhandler_domain_gone(victim->name, act == ACTION_RESTART,
				       false);
		domain_put(victim); /* domain_list's reference */
		alive--;
	}
	WRITE_ONCE(reap_more, more);
	spin_unlock(&reap_lock);
	if (restart) {
		domain_start_one(&cfg, restarts);
		__atomic_sub_fetch(&nr_restarting, 1, __ATOMIC_SEQ_CST);
		alive++;
	}
	return alive;
}

static void __noreturn all_done(void)
{
	bool clean = !nr_crashed && !nr_build_failures;

	if (__atomic_exchange_n(&powering_off, 1, __ATOMIC_SEQ_CST))
		for (;;)
			arch_cpu_idle();
	printk("xen-lite: all domains have exited (%u crashed, %u failed to build); powering off at %llu us\n",
	       nr_crashed, nr_build_failures,
	       (unsigned long long)(uptime_ns() / 1000));
	stall_summary();
	/* Compared with the boot-complete figure by the tests: no leak. */
	printk("xen-lite: %llu free pages at power-off, %llu in object caches, %llu from boot modules\n",
	       (unsigned long long)free_page_count(),
	       (unsigned long long)xmalloc_cache_pages(),
	       (unsigned long long)donated_page_count());
	arch_machine_poweroff(clean);
}

static void __noreturn sched_loop(void)
{
	unsigned int cpu = smp_processor_id();
	struct runq *rq = rq_of(cpu);

	for (;;) {
		struct vcpu *v;
		unsigned int alive = reap_domains();

		if (!alive && !READ_ONCE(powering_off))
			all_done();
		if (cpu == 0)
			console_poll();
		v = pick_next(rq);
		if (!v) {
			u64 next;
			unsigned long flags;

			spin_lock_irqsave(&rq->lock, flags);
			next = rq_next_wake(rq);
			spin_unlock_irqrestore(&rq->lock, flags);
			if (cpu == 0)
				next = MIN(next,
					   arch_counter_read() + tick_ticks);
			if (READ_ONCE(reap_more))
				continue; /* a teardown to finish: no sleep */
			if (next != ~0ULL)
				arch_timer_set(next);
			arch_cpu_idle();
			continue;
		}
		{
			u64 t0 = arch_counter_read();
			u64 next;
			unsigned long flags;

			/*
			 * The hypervisor timer must fire at the end of the
			 * slice (and for CPU0's console tick) even if the
			 * guest never exits on its own.
			 */
			spin_lock_irqsave(&rq->lock, flags);
			next = MIN(rq->slice_end, rq_next_wake(rq));
			spin_unlock_irqrestore(&rq->lock, flags);
			if (cpu == 0)
				next = MIN(next, t0 + tick_ticks);
			arch_timer_set(next);
			vcpu_apply_reset(v);
			/* For the 'd' dump: a lone vCPU's slice never ends. */
			WRITE_ONCE(v->run_start, t0);
			arch_vcpu_run(v);
			v->runtime_ticks += arch_counter_read() - t0;
			WRITE_ONCE(v->run_start, 0);
		}
		put_prev(rq, v);
	}
}

void start_domains(const struct bootinfo *bi)
{
	static struct domain_config cfgs[MAX_BOOT_DOMAINS];
	char err[160];
	int n;

	for (unsigned int c = 0; c < CONFIG_NR_CPUS; c++) {
		spin_lock_init(&runqs[c].lock);
		INIT_LIST_HEAD(&runqs[c].head);
	}
	slice_ticks = arch_counter_freq() * SCHED_SLICE_MS / 1000;
	stall_init();
	tick_ticks = arch_counter_freq() / 100;
	n = domain_fdt_parse(bi->fdt, cfgs, MAX_BOOT_DOMAINS, nr_cpu_ids, err,
			     sizeof(err));
	printk("xen-lite: boot complete at %llu us, %llu free pages, %llu in object caches\n",
	       (unsigned long long)(uptime_ns() / 1000),
	       (unsigned long long)free_page_count(),
	       (unsigned long long)xmalloc_cache_pages());
	if (n < 0) {
		printk(XL_ERR "xen-lite: bad domain configuration: %s\n", err);
		arch_machine_poweroff(false);
	}
	if (n == 0) {
		printk("xen-lite: no domains to run, powering off\n");
		arch_machine_poweroff(true);
	}
	for (int i = 0; i < n; i++)
		domain_start_one(&cfgs[i], 0);
	keyhandler_init();
	smp_mb();
	WRITE_ONCE(sched_ready, true);
	for (unsigned int c = 1; c < nr_cpu_ids; c++)
		arch_send_ipi(c);
	sched_loop();
}

void secondary_enter_scheduler(void)
{
	while (!READ_ONCE(sched_ready))
		arch_cpu_idle();
	sched_loop();
}
