// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of common/domain_list.c: domain IDs (the one asked for if it
 * is free, else the next free one, never one a listed domain has) and
 * references (domain_by_id() takes one, the last domain_put() frees the
 * structure and its p2m_domain).
 */
#include <stdlib.h>
#include <string.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/p2m.h>
#include "harness.h"

static unsigned int nr_freed;

void xfree(void *p)
{
	if (p)
		nr_freed++;
	free(p);
}

void panic(const char *fmt, ...)
{
	fprintf(stderr, "panic: %s\n", fmt);
	abort();
}

static struct domain *new_domain(domid_t id)
{
	struct domain *d = calloc(1, sizeof(*d));

	d->p2m = calloc(1, 64); /* freed, never looked at */
	d->id = id;
	d->refcnt = 1;
	INIT_LIST_HEAD(&d->list);
	domain_list_add(d);
	return d;
}

/* Take every listed domain off the list and drop the list's reference. */
static void clear(void)
{
	while (!list_empty(&domain_list)) {
		struct domain *d =
			list_entry(domain_list.next, struct domain, list);

		domain_unlist(d);
		domain_put(d);
	}
	nr_freed = 0;
}

TEST(domain_list_wanted_id)
{
	struct domain *d;

	clear();
	CHECK_EQ(domain_alloc_id(5), 5);
	d = new_domain(5);
	CHECK_EQ(d->state, DOM_RUNNING);
	/* Taken: another one, never 5 while the domain is listed. */
	for (int i = 0; i < 20; i++)
		CHECK(domain_alloc_id(5) != 5);
	clear();
	/* Off the list, the ID is free again (a restart keeps its ID). */
	CHECK_EQ(domain_alloc_id(5), 5);
}

TEST(domain_list_ids_skip_listed)
{
	domid_t first;

	clear();
	first = domain_alloc_id(0);
	/* The next ten are listed (boot domains take theirs): skipped. */
	for (unsigned int i = 1; i <= 10; i++)
		new_domain(first + i);
	CHECK_EQ(domain_alloc_id(0), first + 11);
	CHECK_EQ(domain_alloc_id(first + 3), first + 12);
	clear();
}

TEST(domain_list_references)
{
	struct domain *d, *e;

	clear();
	d = new_domain(3);
	CHECK(domain_by_id(4) == NULL);
	e = domain_by_id(3);
	CHECK(e == d);
	CHECK_EQ(d->refcnt, 2U);
	domain_get(d);
	CHECK_EQ(d->refcnt, 3U);
	domain_put(d);
	/* Off the list: no longer found, but the holder's reference keeps it. */
	domain_unlist(d);
	CHECK(domain_by_id(3) == NULL);
	domain_put(d); /* the list's */
	CHECK_EQ(nr_freed, 0U);
	CHECK_EQ(e->refcnt, 1U);
	domain_put(e); /* the last: the structure and its p2m_domain go */
	CHECK_EQ(nr_freed, 2U);
}

int main(void)
{
	return run_tests("domain_list");
}

/*
 * Slots: CONFIG_MAX_DOMAINS domains at once (the hypervisor itself now
 * refuses one more, where only the CLI counted boot domains), a slot
 * free again once its domain is off the list.
 */
TEST(domain_list_slots_limit_domains)
{
	static struct domain ds[CONFIG_MAX_DOMAINS + 1];

	clear();
	for (int i = 0; i < CONFIG_MAX_DOMAINS; i++) {
		ds[i].slot = -1;
		CHECK_EQ(domain_slot_get(&ds[i]), 0);
		CHECK(ds[i].slot >= 0 && ds[i].slot < CONFIG_MAX_DOMAINS);
		for (int j = 0; j < i; j++)
			CHECK(ds[j].slot != ds[i].slot);
	}
	ds[CONFIG_MAX_DOMAINS].slot = -1;
	CHECK_EQ(domain_slot_get(&ds[CONFIG_MAX_DOMAINS]), -ENOSPC);
	CHECK_EQ(ds[CONFIG_MAX_DOMAINS].slot, -1);
	/* One listed domain leaves: its slot is the next one given. */
	ds[3].refcnt = 2;
	INIT_LIST_HEAD(&ds[3].list);
	domain_list_add(&ds[3]);
	domain_unlist(&ds[3]);
	CHECK_EQ(ds[3].slot, -1);
	CHECK_EQ(domain_slot_get(&ds[CONFIG_MAX_DOMAINS]), 0);
	domain_slot_put(&ds[CONFIG_MAX_DOMAINS]);
	domain_slot_put(&ds[CONFIG_MAX_DOMAINS]); /* twice: harmless */
	for (int i = 0; i < CONFIG_MAX_DOMAINS; i++)
		domain_slot_put(&ds[i]);
	CHECK_EQ(domain_slot_get(&ds[0]), 0);
	domain_slot_put(&ds[0]);
}
