// SPDX-License-Identifier: GPL-2.0
/*
 * Domain and vCPU lifecycle: the boot domains, create, shut down, crash,
 * the reaper (the on_* policy: destroy, restart or preserve), teardown in
 * bounded steps, and powering off once no domain is left. Building the
 * contents of a domain (RAM, kernel, DTB) is in domain_build.c; the list,
 * IDs and references in domain_list.c; the scheduler (sched.c) gives the
 * reaper its turn between two vCPU runs through domain_reap().
 */
#include <xen-lite/arch.h>
#include <xen-lite/domain.h>
#include <xen-lite/domain_console.h>
#include <xen-lite/domain_fdt.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>
#include <xen-lite/passthrough.h>
#include <xen-lite/pv_mm.h>
#include <xen-lite/sched.h>
#include <xen-lite/work.h>
#include <xen-lite/shm.h>
#include <xen-lite/setup.h>
#include <xen-lite/smp.h>
#include <xen-lite/race_window.h>
#include <xen-lite/stall.h>

static void vcpus_free(struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];

		if (!v)
			continue;
		sched_remove_vcpu(v);
		arch_vcpu_destroy(v);
		xfree(v);
		d->vcpus[i] = NULL;
	}
}

/*
 * Teardown runs in steps of about TEARDOWN_STEP_US of counter time,
 * between which the CPU goes back to its scheduler loop (guests on it
 * keep running). A quarter of the 1 ms that issue 14 allows any entry:
 * with 1 ms the release of a 64 MiB domain's memory was the longest
 * entry of tests/bench/max-entry.sh on Arm (438 us), and a larger
 * domain's steps would each take the whole millisecond.
 */
#define TEARDOWN_STEP_US 250

static bool teardown_time_up(void *arg)
{
	stall_check(); /* a preemption point of the teardown */
	return arch_counter_read() >= *(u64 *)arg;
}

/* Frames released between two looks at the clock (some 20k instructions). */
#define RELEASE_BATCH 1024

/*
 * put_page_nofree(), inline for the loop below. Return: true when this
 * was the last reference; a frame still mapped by another domain (foreign
 * map) is freed by its last put_page().
 */
static inline bool release_ref(struct page_info *pg)
{
	u64 c = __atomic_fetch_sub(&pg->count, 1, __ATOMIC_RELEASE);

	if (likely(c == 1))
		return true;
	BUG_ON(c == 0);
	return false;
}

/*
 * Drop the allocation reference of every frame the domain owns. Frames
 * whose last reference this was are freed in contiguous runs (a domain's
 * RAM was allocated in 2 MiB and 1 GiB chunks, linked in order): one
 * buddy insertion per block instead of one per frame.
 *
 * The list is consumed from the front without unlinking each frame;
 * when the loop stops the rest is relinked to the head once. The link of
 * a frame that was released is stale: the buddy allocator overwrites it
 * when the frame becomes the head of a free block and reads no other
 * frame's, and a frame kept for another domain's reference may be freed
 * (and linked into the buddy) by another CPU as soon as this reference
 * is dropped, so its link is read before that and not written.
 *
 * @deadline: stop between two batches of frames once the clock reaches
 * it (NULL: run to the end).
 * Return: 0, or -ERESTART with the frames not yet released still on the
 * list.
 */
static int domain_release_memory(struct domain *d, u64 *deadline)
{
	struct list_head *head = &d->page_list, *e = head->next;
	struct page_info *run = NULL, *run_end = NULL;

	while (e != head) {
		unsigned long left = RELEASE_BATCH;

		while (left && e != head) {
			struct page_info *pg =
				list_entry(e, struct page_info, list);

			left--;
			e = e->next; /* before the reference goes: see above */
			if (!release_ref(pg))
				continue;
			if (pg != run_end) {
				if (run != run_end)
					free_page_run(page_to_mfn(run),
						      run_end - run);
				run = pg;
			}
			run_end = pg + 1;
			/* Frames next on the list and in memory: the hot path. */
			while (left && e == &run_end->list) {
				left--;
				e = e->next;
				if (!release_ref(run_end))
					break;
				run_end++;
			}
		}
		d->tot_pages -= RELEASE_BATCH - left;
		if (deadline && teardown_time_up(deadline))
			break;
	}
	if (run != run_end)
		free_page_run(page_to_mfn(run), run_end - run);
	head->next = e;
	e->prev = head;
	return e == head ? 0 : -ERESTART;
}

static struct domain *domain_alloc(const struct domain_config *cfg)
{
	struct domain *d = xzalloc(sizeof(*d));

	if (!d)
		return NULL;
	d->p2m = xzalloc(sizeof(*d->p2m));
	if (!d->p2m) {
		xfree(d);
		return NULL;
	}
	memcpy(&d->cfg, cfg, sizeof(*cfg));
	strlcpy(d->name, cfg->name, sizeof(d->name));
	spin_lock_init(&d->lock);
	INIT_LIST_HEAD(&d->page_list);
	INIT_LIST_HEAD(&d->list);
	d->refcnt = 1; /* domain_list's, once it is put there */
	d->slot = -1;
	d->ram_gpa = GUEST_RAM_BASE;
	d->ram_bytes = cfg->mem_bytes;
	d->max_pages = cfg->mem_bytes >> PAGE_SHIFT;
	return d;
}

/*
 * Undo domain_create() step by step; teardown of a large p2m is
 * preemptible, but a domain that never ran has a small tree.
 */
static void domain_free_now(struct domain *d, bool p2m_ready, bool arch_ready)
{
	if (arch_ready)
		passthrough_teardown(d);
	vcpus_free(d);
	if (arch_ready)
		arch_domain_destroy(d);
	if (p2m_ready) {
		while (p2m_teardown(d->p2m) == -ERESTART)
			;
	}
	(void)domain_release_memory(d, NULL);
	domain_slot_put(d);
	xfree(d->p2m);
	xfree(d);
}

int domain_create(const struct domain_config *cfg, unsigned int restarts)
{
	struct domain *d;
	unsigned long pool_pages;
	int rc, id;

	d = domain_alloc(cfg);
	if (!d)
		return -ENOMEM;
	d->id = domain_alloc_id(cfg->domid);
	if (d->id == DOMID_INVALID || domain_slot_get(d)) {
		domain_free_now(d, false, false);
		return -ENOSPC;
	}
	pool_pages = cfg->p2m_pool_kb ?
			     DIV_ROUND_UP(cfg->p2m_pool_kb, 4) :
			     p2m_pool_default_pages(cfg->mem_bytes, cfg->vcpus);
	rc = p2m_init(d->p2m, d->id, pool_pages);
	if (rc) {
		domain_free_now(d, false, false);
		return rc;
	}
	rc = arch_domain_init(d);
	if (rc) {
		domain_free_now(d, true, false);
		return rc;
	}
	for (unsigned int i = 0; i < cfg->vcpus; i++) {
		struct vcpu *v = xzalloc(sizeof(*v));

		if (!v) {
			rc = -ENOMEM;
			goto fail;
		}
		v->id = i;
		v->domain = d;
		v->state = VCPU_DOWN;
		v->affinity = cfg->affinity[i];
		INIT_LIST_HEAD(&v->runq);
		d->vcpus[i] = v;
		d->nr_vcpus = i + 1;
		rc = arch_vcpu_init(v);
		if (rc) {
			d->vcpus[i] = NULL;
			xfree(v);
			goto fail;
		}
	}
	rc = domain_build(d);
	if (rc)
		goto fail;
	d->start_ns = uptime_ns();
	d->restarts = restarts;
	/*
	 * Running (domain_list_add() sets DOM_RUNNING) before any vCPU is
	 * queued: once queued, vCPU 0 may run at once on another CPU (an
	 * on_* restart happens while the schedulers run), and a guest that
	 * shut down before its domain was DOM_RUNNING had its request
	 * dropped by domain_shutdown() and spun forever, the domain never
	 * reaped. Its vCPU 0 may shut it down while a later vCPU is still
	 * being queued below: the reaper leaves a domain alone until
	 * d->queued (reap_domains()), as do the management channel's
	 * destroy and reboot, so it is not torn down under the loop.
	 */
	domain_list_add(d);
	shm_domain_listed(d);
	id = d->id;
	printk("domain %u (%s) started at %llu us\n", id, d->name,
	       (unsigned long long)(d->start_ns / 1000));
	domain_console_started(d, restarts > 0);
	/*
	 * Once its first vCPU is queued, @d may run on another CPU, shut
	 * itself down and, once d->queued is set, be torn down and freed
	 * by the reaper (a guest that reboots at once). A reference of our
	 * own keeps the structure until our last access; nothing of @d is
	 * used after it (the caller once wrote d->restarts and printed its
	 * name after this, into freed memory that a p2m table then used:
	 * docs/robustness.md).
	 */
	domain_get(d);
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		sched_add_vcpu(d->vcpus[i]);
	WRITE_ONCE(d->queued, true);
	race_window_started(d);
	domain_put(d);
	return id;
fail:
	domain_free_now(d, true, true);
	return rc;
}

/*
 * Bumped after every change that gives the reaper work (a domain leaving
 * DOM_RUNNING or DOM_PRESERVED). A pass of reap_domains() that found
 * nothing to do and domains alive records the value it started from;
 * domain_reap() returns at once while it is still the current one (issue
 * 20: the walk of the domain list under reap_lock was some 80
 * instructions of every scheduler pass, a world switch).
 */
static unsigned long reap_gen = 1;
static unsigned long reap_quiet_gen; /* 0: no quiet pass yet */

static void reap_kick(void)
{
	__atomic_add_fetch(&reap_gen, 1, __ATOMIC_SEQ_CST);
	/*
	 * domain_reap_idle() is false now: the scheduler's hand-overs, which
	 * no longer read it, must not skip the loop's pass (sched.c,
	 * handover_quiet()).
	 */
	sched_loop_kick();
}

void domain_shutdown(struct domain *d, enum shutdown_reason reason, int code)
{
	unsigned long flags;

	spin_lock_irqsave(&d->lock, flags);
	/*
	 * DOM_BUILDING too, as a defence: domain_create() lists the domain
	 * before it queues any vCPU and the management channel waits for
	 * d->queued, so no caller is known to come this early; should one,
	 * its shutdown is kept (domain_list_add() moves only a DOM_BUILDING
	 * domain to DOM_RUNNING).
	 */
	if (d->state != DOM_RUNNING && d->state != DOM_BUILDING) {
		spin_unlock_irqrestore(&d->lock, flags);
		return;
	}
	WRITE_ONCE(d->state, DOM_SHUTTING_DOWN);
	d->shutdown_reason = reason;
	d->shutdown_code = code;
	reap_kick();
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		WRITE_ONCE(d->vcpus[i]->pause, true);
	spin_unlock_irqrestore(&d->lock, flags);
	/* Flush a partial console line so nothing the guest said is lost. */
	domain_console_flush(d);
	printk("domain %u (%s): shutdown: %s, code %d\n", d->id, d->name,
	       reason == SHUTDOWN_POWEROFF ? "poweroff" :
	       reason == SHUTDOWN_REBOOT   ? "reboot" :
					     "crash",
	       code);
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		vcpu_kick(d->vcpus[i]);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk(XL_WARN "domain %u (%s) crashed: %s\n", d->id, d->name, buf);
	domain_shutdown(d, SHUTDOWN_CRASH, -1);
}

/*
 * One bounded step (about TEARDOWN_STEP_US) of tearing down @d, whose vCPUs
 * are all off-CPU. Return: 0 when done (its memory returned; the caller
 * takes it off the list and drops the list's reference), -ERESTART to be
 * called again.
 */
static int domain_destroy_step(struct domain *d)
{
	/*
	 * From the start of the step: the PV MMU's part is bounded by work,
	 * the rest gets what is left of the step (a step that ends the PV
	 * part may leave the p2m for the next one).
	 */
	u64 deadline = arch_counter_read() +
		       arch_counter_freq() * TEARDOWN_STEP_US / 1000000;
	unsigned long flags;
	int rc;

	if (d->state == DOM_SHUTTING_DOWN) {
		/*
		 * Under d->lock: a holder of a reference that checks the
		 * state under it (console input) sees DOM_DYING before any
		 * part of the domain goes.
		 */
		spin_lock_irqsave(&d->lock, flags);
		WRITE_ONCE(d->state, DOM_DYING);
		spin_unlock_irqrestore(&d->lock, flags);
		/* Its interrupts first: forwarding one reaches its vCPUs. */
		passthrough_teardown(d);
		vcpus_free(d);
		arch_domain_destroy(d);
	}
#ifdef CONFIG_PV_MMU
	/* Unpin every table first: that drops the type references. */
	rc = pv_mm_domain_teardown(d);
	if (rc == -ERESTART)
		return rc;
#endif
	p2m_set_preempt_check(d->p2m, teardown_time_up, &deadline);
	rc = p2m_teardown(d->p2m);
	if (rc == -ERESTART)
		return rc;
	return domain_release_memory(d, &deadline);
}

int vcpu_up(struct vcpu *v, paddr_t entry, register_t arg)
{
	unsigned long flags;
	struct domain *d = v->domain;

	spin_lock_irqsave(&d->lock, flags);
	if (d->state != DOM_RUNNING || v->pause) {
		spin_unlock_irqrestore(&d->lock, flags);
		return -EINVAL;
	}
	if (v->state != VCPU_DOWN) {
		spin_unlock_irqrestore(&d->lock, flags);
		return -EBUSY;
	}
	/*
	 * The vCPU may still be stopping: it set VCPU_DOWN itself (HSM
	 * hart_stop / PSCI CPU_OFF) and its CPU has yet to save its state
	 * on the way out of the guest loop. Resetting it here would let that
	 * late save overwrite the boot state, so the reset is only recorded
	 * and applied by the CPU that runs the vCPU next, before it loads
	 * it (vcpu_apply_reset(), called by the scheduler loop), which is
	 * after the save on both architectures.
	 */
	v->reset_entry = entry;
	v->reset_arg = arg;
	WRITE_ONCE(v->reset_pending, true);
	v->state = VCPU_BLOCKED;
	spin_unlock_irqrestore(&d->lock, flags);
	vcpu_wake(v);
	return 0;
}

void vcpu_down(struct vcpu *v)
{
	pv_mm_vcpu_down(v);
	v->state = VCPU_DOWN;
	/* Its run loop must return (xen-lite/work.h). */
	work_raise_vcpu(v, WORK_VCPU);
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

static DEFINE_SPINLOCK(reap_lock);
static unsigned int nr_crashed;
static unsigned int nr_build_failures;
static u32 powering_off;
/* A management channel keeps the machine on with no domain (mgmt_cmds.c). */
static bool managed;

void domain_release_staging(const struct domain_config *cfg)
{
	if (cfg->staging_pages)
		free_page_run(maddr_to_mfn(cfg->staging_pa),
			      cfg->staging_pages);
}

/*
 * @restarts: how often the domain was restarted (0: first boot).
 * Return: its ID, or a negative errno.
 */
static int domain_start_one(const struct domain_config *cfg,
			    unsigned int restarts)
{
	int rc = domain_create(cfg, restarts);

	if (rc < 0) {
		printk(XL_ERR
		       "domain %u (%s): build failed (%d); nothing of it is left\n",
		       cfg->domid, cfg->name, rc);
		/* A runtime create's failure is its command's, not the machine's. */
		if (!cfg->staging_pages || restarts)
			nr_build_failures++;
		domain_console_gone(cfg->name, false, false);
		shm_domain_gone(cfg);
	}
	return rc;
}

void domain_set_managed(void)
{
	WRITE_ONCE(managed, true);
}

int domain_start(const struct domain_config *cfg)
{
	return domain_start_one(cfg, 0);
}

int domain_pause(struct domain *d, bool pause)
{
	unsigned long flags;

	spin_lock_irqsave(&d->lock, flags);
	if (d->state != DOM_RUNNING || d->paused == pause) {
		spin_unlock_irqrestore(&d->lock, flags);
		return -EINVAL;
	}
	d->paused = pause;
	/*
	 * Off its CPU when paused; an idle CPU looks at its queue again.
	 * Under d->lock: the domain stays out of DOM_DYING meanwhile, so
	 * its vCPUs (freed when it is torn down) are there to kick.
	 */
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		WRITE_ONCE(d->vcpus[i]->pause, pause);
		vcpu_kick(d->vcpus[i]);
	}
	spin_unlock_irqrestore(&d->lock, flags);
	printk("domain %u (%s) %s\n", d->id, d->name,
	       pause ? "paused" : "unpaused");
	return 0;
}

int domain_vcpu_pin(struct domain *d, unsigned int vid, unsigned int cpu)
{
	/* A vCPU leaves its CPU at its next exit: an IPI away, 2 s at most. */
	u64 end = arch_counter_read() + 2 * arch_counter_freq();
	unsigned long flags;
	struct vcpu *v = NULL;
	int rc;

	if (vid >= d->nr_vcpus || cpu >= nr_cpu_ids ||
	    !cpumask_test_cpu(cpu, &cpu_online_map))
		return -EINVAL;
	/*
	 * A passed-through interrupt is routed to the physical CPU of the
	 * vCPU it targets (vgic.c, vplic.c) when the guest routes it, not
	 * when the vCPU moves.
	 */
	if (d->cfg.nr_irqs)
		return -EPERM;
	for (;;) {
		/* Under d->lock: its vCPUs stay (freed once DOM_DYING). */
		spin_lock_irqsave(&d->lock, flags);
		if (d->state != DOM_RUNNING) {
			rc = -EINVAL;
			break;
		}
		v = d->vcpus[vid];
		rc = arch_vcpu_movable(v);
		if (rc)
			break;
		/* Held off its CPU while it moves; pause restores below. */
		WRITE_ONCE(v->pause, true);
		rc = sched_move_vcpu(v, cpu);
		if (rc != -EAGAIN)
			break;
		vcpu_kick(v);
		spin_unlock_irqrestore(&d->lock, flags);
		if (arch_counter_read() > end) {
			spin_lock_irqsave(&d->lock, flags);
			rc = -EBUSY;
			break;
		}
		for (unsigned int i = 0; i < 1000; i++)
			cpu_relax();
	}
	/*
	 * As pause or unpause left it, or shutdown (which holds every vCPU
	 * of a domain no longer running).
	 */
	if (v && d->state == DOM_RUNNING) {
		WRITE_ONCE(v->pause, d->paused);
		vcpu_kick(v);
	}
	spin_unlock_irqrestore(&d->lock, flags);
	if (!rc)
		printk("domain %u (%s): vCPU%u pinned to CPU%u\n", d->id,
		       d->name, vid, cpu);
	return rc;
}

int domain_admin_shutdown(struct domain *d, enum shutdown_action act)
{
	int rc = 0;

	spin_lock(&reap_lock);
	if (d->admin_action || !READ_ONCE(d->queued)) {
		rc = -EBUSY; /* going already, or still being started */
	} else if (d->state == DOM_RUNNING) {
		d->admin_action = (u8)(act + 1);
		/*
		 * Under reap_lock: the reaper cannot pick the domain (and
		 * free its vCPUs) before domain_shutdown() has kicked them.
		 * Its own vCPUs, the only callers before, are on their CPUs
		 * while they call it, which keeps the reaper away; this
		 * caller is not one of them. (Found by 200 create/destroy
		 * cycles: a vCPU freed under vcpu_kick(), after 36.)
		 */
		domain_shutdown(d,
				act == ACTION_RESTART ? SHUTDOWN_REBOOT :
							SHUTDOWN_POWEROFF,
				0);
	} else if (d->state == DOM_PRESERVED) {
		/* Stopped and off every CPU: the reaper takes it as it is. */
		d->admin_action = (u8)(act + 1);
		d->state = DOM_SHUTTING_DOWN;
		reap_kick();
	} else {
		rc = -EBUSY;
	}
	spin_unlock(&reap_lock);
	return rc;
}

int domain_set_target(struct domain *d, u64 pages)
{
	unsigned long flags;
	int rc = 0;

	spin_lock_irqsave(&d->lock, flags);
	if (d->state != DOM_RUNNING || pages > d->ram_bytes >> PAGE_SHIFT ||
	    pages < (1ULL << (20 - PAGE_SHIFT)))
		rc = -EINVAL;
	else
		d->max_pages = pages;
	spin_unlock_irqrestore(&d->lock, flags);
	if (!rc)
		printk("domain %u (%s): memory target %llu KiB (%llu KiB now)\n",
		       d->id, d->name,
		       (unsigned long long)(pages << (PAGE_SHIFT - 10)),
		       (unsigned long long)(READ_ONCE(d->tot_pages)
					    << (PAGE_SHIFT - 10)));
	return rc;
}

void domain_request_stop(void)
{
	struct domain *d, *found;
	unsigned long flags;

	WRITE_ONCE(managed, false);
	printk("xen-lite: stop requested: destroying every domain\n");
	/* One at a time: domain_admin_shutdown() takes reap_lock. */
	do {
		found = NULL;
		spin_lock_irqsave(&domain_list_lock, flags);
		list_for_each_entry(d, &domain_list, list) {
			if (!d->admin_action && (d->state == DOM_RUNNING ||
						 d->state == DOM_PRESERVED)) {
				found = d;
				domain_get(d);
				break;
			}
		}
		spin_unlock_irqrestore(&domain_list_lock, flags);
		if (found) {
			(void)domain_admin_shutdown(found, ACTION_DESTROY);
			domain_put(found);
		}
	} while (found);
}

/*
 * Domains between their destruction and their rebuild by an on_* restart
 * (outside reap_lock): alive, so that no CPU powers the machine off in
 * that window.
 */
static unsigned int nr_restarting;

/*
 * Apply the on_* policy to domains whose vCPUs have all stopped. One
 * bounded teardown step per call, so a huge domain never holds a CPU.
 * Return: the number of domains still alive (running or dying).
 */
static unsigned int reap_domains(void)
{
	struct domain *d, *victim = NULL;
	enum shutdown_action act = ACTION_DESTROY;
	unsigned int alive = 0, restarts = 0;
	struct domain_config cfg;
	bool restart = false, more = false, busy = false;
	unsigned long gen = __atomic_load_n(&reap_gen, __ATOMIC_SEQ_CST);
	int rc;

	/*
	 * reap_lock only picks the domain to work on and marks it (one CPU
	 * per domain); the teardown step itself (bounded: about 250 us,
	 * see domain_destroy_step()) runs without it, so no
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
		busy = true;
		/*
		 * Not before domain_create() has queued every vCPU: its
		 * vCPU 0 can shut it down while a later one is being queued.
		 */
		if (d->reaping || victim || !READ_ONCE(d->queued)) {
			more = true; /* another CPU's, or the next pass's */
			continue;
		}
		if (d->state == DOM_SHUTTING_DOWN && !vcpus_off_cpu(d))
			continue;
		a = d->shutdown_reason == SHUTDOWN_POWEROFF ?
			    d->cfg.on_poweroff :
		    d->shutdown_reason == SHUTDOWN_REBOOT ? d->cfg.on_reboot :
							    d->cfg.on_crash;
		if (d->admin_action) {
			/* destroy / reboot from the management channel */
			a = (enum shutdown_action)(d->admin_action - 1);
		} else if (d->state == DOM_SHUTTING_DOWN) {
			if (d->shutdown_reason == SHUTDOWN_CRASH ||
			    d->shutdown_code != 0)
				nr_crashed++;
			if (a == ACTION_PRESERVE) {
				d->state = DOM_PRESERVED;
				printk("domain %u (%s) preserved\n", d->id,
				       d->name);
				domain_console_gone(d->name, false, true);
				alive--;
				continue;
			}
		}
		d->reaping = true;
		victim = d;
		act = a;
	}
	if (!victim && !busy && !more && alive)
		WRITE_ONCE(reap_quiet_gen, gen);
	spin_unlock(&reap_lock);
	if (!victim) {
		sched_teardown_pending(more);
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
		/*
		 * The console input moves on while the domain is still
		 * listed: "the next domain" is the one after it.
		 */
		domain_console_gone(victim->name, act == ACTION_RESTART, false);
		/* Off the list under reap_lock: nobody walks it meanwhile. */
		domain_unlist(victim);
		printk("domain %u (%s) destroyed%s\n", victim->id, victim->name,
		       act == ACTION_RESTART ? ", restarting" : "");
		if (act == ACTION_RESTART) {
			memcpy(&cfg, &victim->cfg, sizeof(cfg));
			/* A domain created at run time keeps its ID too. */
			cfg.domid = victim->id;
			restart = true;
			restarts = victim->restarts + 1;
			__atomic_add_fetch(&nr_restarting, 1, __ATOMIC_SEQ_CST);
		} else {
			domain_release_staging(&victim->cfg);
		}
		if (act != ACTION_RESTART)
			shm_domain_gone(&victim->cfg);
		domain_put(victim); /* domain_list's reference */
		alive--;
	}
	sched_teardown_pending(more);
	spin_unlock(&reap_lock);
	if (restart) {
		if (domain_start_one(&cfg, restarts) < 0)
			domain_release_staging(&cfg);
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

bool domain_reap_idle(void)
{
	return READ_ONCE(reap_quiet_gen) ==
	       __atomic_load_n(&reap_gen, __ATOMIC_SEQ_CST);
}

void domain_reap(void)
{
	/* Nothing changed since a pass found every domain running. */
	if (READ_ONCE(reap_quiet_gen) ==
	    __atomic_load_n(&reap_gen, __ATOMIC_SEQ_CST))
		return;
	if (!reap_domains() && !READ_ONCE(managed) && !READ_ONCE(powering_off))
		all_done();
}

void start_domains(const struct bootinfo *bi)
{
	static struct domain_config cfgs[MAX_BOOT_DOMAINS];
	char err[160];
	int n;

	sched_init();
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
	if (n == 0 && READ_ONCE(managed)) {
		printk("xen-lite: no domains yet; waiting for the management channel\n");
	} else if (n == 0) {
		printk("xen-lite: no domains to run, powering off\n");
		arch_machine_poweroff(true);
	}
	if (n > 0 && shm_boot_init(cfgs, n))
		arch_machine_poweroff(false);
	for (int i = 0; i < n; i++)
		domain_start_one(&cfgs[i], 0);
	domain_console_focus_init();
	sched_start();
}
