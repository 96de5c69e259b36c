// SPDX-License-Identifier: GPL-2.0
/*
 * Domain and vCPU lifecycle: create, shut down, crash, destroy, restart.
 * Building the contents of a domain (RAM, kernel, DTB) is in
 * domain_build.c; the order of teardown is here.
 */
#include <xen-lite/arch.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>
#include <xen-lite/pv_mm.h>
#include <xen-lite/sched.h>
#include <xen-lite/smp.h>
#include <xen-lite/stall.h>

LIST_HEAD(domain_list);
DEFINE_SPINLOCK(domain_list_lock);
static domid_t next_domid = 1;

struct domain *domain_by_id_locked(domid_t id)
{
	struct domain *d;

	list_for_each_entry(d, &domain_list, list) {
		if (d->id == id)
			return d;
	}
	return NULL;
}

struct domain *domain_by_id(domid_t id)
{
	struct domain *found;
	unsigned long flags;

	spin_lock_irqsave(&domain_list_lock, flags);
	found = domain_by_id_locked(id);
	/* On the list: its list reference keeps refcnt above zero. */
	if (found)
		domain_get(found);
	spin_unlock_irqrestore(&domain_list_lock, flags);
	return found;
}

void domain_get(struct domain *d)
{
	u32 old = __atomic_fetch_add(&d->refcnt, 1, __ATOMIC_ACQUIRE);

	BUG_ON(!old || old == ~0U);
}

void domain_put(struct domain *d)
{
	u32 old = __atomic_fetch_sub(&d->refcnt, 1, __ATOMIC_ACQ_REL);

	BUG_ON(!old);
	if (old == 1) {
		/* Torn down already: only the structures are left. */
		xfree(d->p2m);
		xfree(d);
	}
}

/* Is no listed domain using @id? */
static bool domid_free(domid_t id)
{
	unsigned long flags;
	bool free;

	spin_lock_irqsave(&domain_list_lock, flags);
	free = !domain_by_id_locked(id);
	spin_unlock_irqrestore(&domain_list_lock, flags);
	return free;
}

static domid_t alloc_domid(void)
{
	for (unsigned int tries = 0; tries < 0x7000; tries++) {
		domid_t id = next_domid++;

		if (next_domid >= 0x7000)
			next_domid = 1;
		/*
		 * Not while a reference to a destroyed domain with this ID
		 * may still be held: those are off the list, and a holder
		 * checks d->state, not the ID.
		 */
		if (domid_free(id))
			return id;
	}
	return DOMID_INVALID;
}

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
 * Teardown runs in steps of about a millisecond, between which the CPU
 * goes back to its scheduler loop (guests on it keep running).
 */
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
	vcpus_free(d);
	if (arch_ready)
		arch_domain_destroy(d);
	if (p2m_ready) {
		while (p2m_teardown(d->p2m) == -ERESTART)
			;
	}
	(void)domain_release_memory(d, NULL);
	xfree(d->p2m);
	xfree(d);
}

int domain_create(const struct domain_config *cfg, struct domain **out)
{
	struct domain *d;
	unsigned long pool_pages, flags;
	int rc;

	d = domain_alloc(cfg);
	if (!d)
		return -ENOMEM;
	d->id = cfg->domid && domid_free(cfg->domid) ? cfg->domid :
						       alloc_domid();
	if (d->id == DOMID_INVALID) {
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
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		sched_add_vcpu(d->vcpus[i]);
	spin_lock_irqsave(&domain_list_lock, flags);
	list_add_tail(&d->list, &domain_list);
	d->state = DOM_RUNNING;
	spin_unlock_irqrestore(&domain_list_lock, flags);
	*out = d;
	return 0;
fail:
	domain_free_now(d, true, true);
	return rc;
}

void domain_shutdown(struct domain *d, enum shutdown_reason reason, int code)
{
	unsigned long flags;

	spin_lock_irqsave(&d->lock, flags);
	if (d->state != DOM_RUNNING) {
		spin_unlock_irqrestore(&d->lock, flags);
		return;
	}
	d->state = DOM_SHUTTING_DOWN;
	d->shutdown_reason = reason;
	d->shutdown_code = code;
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		WRITE_ONCE(d->vcpus[i]->pause, true);
	spin_unlock_irqrestore(&d->lock, flags);
	/* Flush a partial console line so nothing the guest said is lost. */
	if (d->out_len || d->out_cont)
		domain_console_putc(d, '\n');
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

int domain_destroy_step(struct domain *d)
{
	unsigned long flags;
	u64 deadline;
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
		vcpus_free(d);
		arch_domain_destroy(d);
	}
#ifdef CONFIG_PV_MMU
	/* Unpin every table first: that drops the type references. */
	rc = pv_mm_domain_teardown(d);
	if (rc == -ERESTART)
		return rc;
#endif
	deadline = arch_counter_read() + arch_counter_freq() / 1000;
	p2m_set_preempt_check(d->p2m, teardown_time_up, &deadline);
	rc = p2m_teardown(d->p2m);
	if (rc == -ERESTART)
		return rc;
	return domain_release_memory(d, &deadline);
}

void domain_unlist(struct domain *d)
{
	unsigned long flags;

	spin_lock_irqsave(&domain_list_lock, flags);
	list_del(&d->list);
	spin_unlock_irqrestore(&domain_list_lock, flags);
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

void vcpu_apply_reset(struct vcpu *v)
{
	if (READ_ONCE(v->reset_pending)) {
		arch_vcpu_reset(v, v->reset_entry, v->reset_arg);
		WRITE_ONCE(v->reset_pending, false);
	}
}

void vcpu_down(struct vcpu *v)
{
	pv_mm_vcpu_down(v);
	v->state = VCPU_DOWN;
}
