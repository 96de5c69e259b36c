// SPDX-License-Identifier: GPL-2.0
/*
 * The list of domains, their IDs and their references: what every part
 * that looks a domain up (the PV MMU and memory hypercalls on a foreign
 * domain, the console, the debug keys) needs, apart from the lifecycle
 * (domain.c) that puts domains on the list and takes them off.
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>

LIST_HEAD(domain_list);
DEFINE_SPINLOCK(domain_list_lock);
static domid_t next_domid = 1;
/* Taken slots, under domain_list_lock. */
static bool slot_taken[CONFIG_MAX_DOMAINS];

int domain_slot_get(struct domain *d)
{
	unsigned long flags;
	int rc = -ENOSPC;

	spin_lock_irqsave(&domain_list_lock, flags);
	for (int i = 0; i < CONFIG_MAX_DOMAINS; i++) {
		if (!slot_taken[i]) {
			slot_taken[i] = true;
			d->slot = i;
			rc = 0;
			break;
		}
	}
	spin_unlock_irqrestore(&domain_list_lock, flags);
	return rc;
}

static void slot_put_locked(struct domain *d)
{
	if (d->slot >= 0) {
		slot_taken[d->slot] = false;
		d->slot = -1;
	}
}

void domain_slot_put(struct domain *d)
{
	unsigned long flags;

	spin_lock_irqsave(&domain_list_lock, flags);
	slot_put_locked(d);
	spin_unlock_irqrestore(&domain_list_lock, flags);
}

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

domid_t domain_alloc_id(domid_t wanted)
{
	if (wanted && domid_free(wanted))
		return wanted;
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

void domain_list_add(struct domain *d)
{
	unsigned long flags;

	spin_lock_irqsave(&domain_list_lock, flags);
	list_add_tail(&d->list, &domain_list);
	/* Unless its guest already shut it down (domain_shutdown()). */
	__atomic_compare_exchange_n(&d->state,
				    &(enum domain_state){ DOM_BUILDING },
				    DOM_RUNNING, false, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	spin_unlock_irqrestore(&domain_list_lock, flags);
}

void domain_unlist(struct domain *d)
{
	unsigned long flags;

	spin_lock_irqsave(&domain_list_lock, flags);
	list_del(&d->list);
	/*
	 * The next domain may take the slot at once: what this one still
	 * has queued on the console counts against that one's share until
	 * the UART took it (a few milliseconds).
	 */
	slot_put_locked(d);
	spin_unlock_irqrestore(&domain_list_lock, flags);
}
