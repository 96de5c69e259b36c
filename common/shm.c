// SPDX-License-Identifier: GPL-2.0
/*
 * Static shared memory between domains (docs/shared-memory.md, "Design").
 *
 * A region is made at boot from the domain configurations: its frames
 * are allocated once, zeroed, owned (page_info.owner) by the owner
 * domain's ID and held by the region with one reference each. Every
 * participant maps them as foreign pages, each entry with its own
 * reference that the p2m drops when the entry goes, so a frame lives
 * while the region or any p2m still has it: a borrower keeps the owner's
 * frames after the owner's death, a restarting participant finds the
 * same frames (and data) again, and the region lets go once its last
 * participant is gone for good.
 */
#include <libfdt.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>
#include <xen-lite/shm.h>

#define SHM_MAX_REGIONS (XL_BOOT_MAX_DOMAINS * XL_BOOT_SHM_MAX)
/* Doorbell nodes' phandles: apart from the arch trees' (0x80, 0x100 + n, 0x800x). */
#define SHM_PHANDLE_DOORBELL 0x5300
/* Blocks of a region: a 1 GiB region in 2 MiB blocks is 512. */
#define SHM_MAX_CHUNKS 1024

struct shm_chunk {
	mfn_t mfn;
	u64 nr;
};

/* Doorbell state of one participant (docs/shared-memory.md, registers). */
struct shm_bell {
	u32 status; /* bit P: peer P rang since the bit was cleared */
	u32 count; /* rings received */
	u32 from[XL_BOOT_SHM_MAX_PEERS]; /* rings received from each peer */
};

struct shm_region {
	char id[XL_BOOT_SHM_ID_MAX + 1];
	u64 size;
	bool has_owner;
	unsigned int nr_peers;
	domid_t peers[XL_BOOT_SHM_MAX_PEERS]; /* by peer number; 0: owner */
	u32 live; /* participants not destroyed for good */
	unsigned int nr_chunks;
	struct shm_chunk *chunks; /* NULL without an owner */
	struct list_head frames; /* alloc_domain_pages()' list, unused after */
	/*
	 * By peer number. In the region, not the domain: a participant that
	 * restarts finds the rings it missed (its line is raised again).
	 */
	struct shm_bell bell[XL_BOOT_SHM_MAX_PEERS];
};

static struct shm_region *regions[SHM_MAX_REGIONS];
static unsigned int nr_regions;

static struct shm_region *shm_find(const char *id)
{
	for (unsigned int i = 0; i < nr_regions; i++) {
		if (!strcmp(regions[i]->id, id))
			return regions[i];
	}
	return NULL;
}

/* Frames for @r, in the largest blocks the allocator has (as RAM is). */
static int shm_alloc(struct shm_region *r, domid_t owner)
{
	u64 left = r->size >> PAGE_SHIFT;
	unsigned int order = 18; /* 1 GiB */

	r->chunks = xzalloc(SHM_MAX_CHUNKS * sizeof(*r->chunks));
	if (!r->chunks)
		return -ENOMEM;
	INIT_LIST_HEAD(&r->frames);
	while (left) {
		struct page_info *pg;

		while ((1ULL << order) > left)
			order--;
		if (r->nr_chunks == SHM_MAX_CHUNKS)
			return -ENOMEM;
		pg = alloc_domain_pages(order, owner, &r->frames);
		if (!pg) {
			if (!order)
				return -ENOMEM;
			order--;
			continue;
		}
		r->chunks[r->nr_chunks].mfn = page_to_mfn(pg);
		r->chunks[r->nr_chunks++].nr = 1ULL << order;
		left -= 1ULL << order;
	}
	return 0;
}

/* Drop the region's reference on each frame (shm_domain_gone()). */
static void shm_release(struct shm_region *r)
{
	for (unsigned int c = 0; c < r->nr_chunks; c++) {
		for (u64 i = 0; i < r->chunks[c].nr; i++)
			put_page(mfn_to_page(mfn_add(r->chunks[c].mfn, i)));
	}
	r->nr_chunks = 0;
	xfree(r->chunks);
	r->chunks = NULL;
}

int shm_boot_init(const struct domain_config *cfgs, int n)
{
	/* Owners first, so that each owner is peer 0 of its region. */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			for (u32 s = 0; s < cfgs[i].nr_shm; s++) {
				const struct domain_shm_config *c =
					&cfgs[i].shm[s];
				struct shm_region *r = shm_find(c->id);

				if (c->owner != !pass)
					continue;
				if (!r) {
					BUG_ON(nr_regions == SHM_MAX_REGIONS);
					r = xzalloc(sizeof(*r));
					if (!r)
						return -ENOMEM;
					memcpy(r->id, c->id, sizeof(r->id));
					r->size = c->size;
					regions[nr_regions++] = r;
				}
				/* domain_fdt.c checked owners, sizes, peers */
				r->has_owner |= c->owner;
				r->peers[r->nr_peers++] = cfgs[i].domid;
				r->live++;
			}
		}
	}
	for (unsigned int i = 0; i < nr_regions; i++) {
		struct shm_region *r = regions[i];
		int rc;

		if (!r->has_owner) {
			printk("shm: region %s has no owner: left out\n",
			       r->id);
			continue;
		}
		rc = shm_alloc(r, r->peers[0]);
		if (rc) {
			printk(XL_ERR
			       "shm: region %s: cannot allocate %llu KiB (%d)\n",
			       r->id, (unsigned long long)(r->size >> 10), rc);
			return rc;
		}
		printk("shm: region %s, %llu KiB, %u participants\n", r->id,
		       (unsigned long long)(r->size >> 10), r->nr_peers);
	}
	return 0;
}

/* Map @r's frames at @gpa in @d, one reference per frame per mapping. */
static int shm_map_one(struct domain *d, struct shm_region *r, paddr_t gpa,
		       bool ro)
{
	p2m_type_t t = ro ? p2m_map_foreign_ro : p2m_map_foreign_rw;
	gfn_t gfn = _gfn(gpa >> PAGE_SHIFT);

	for (unsigned int c = 0; c < r->nr_chunks; c++) {
		const struct shm_chunk *k = &r->chunks[c];
		u64 i;
		int rc;

		for (i = 0; i < k->nr; i++) {
			if (!get_page(mfn_to_page(mfn_add(k->mfn, i)),
				      r->peers[0]))
				break;
		}
		rc = i < k->nr ? -EBUSY :
				 p2m_set_entry(d->p2m, gfn, k->nr, k->mfn, t);
		if (rc) {
			/* Nothing of this chunk is mapped: give them back. */
			while (i--)
				put_page(mfn_to_page(mfn_add(k->mfn, i)));
			return rc;
		}
		gfn = gfn_add(gfn, k->nr);
	}
	return 0;
}

/* Doorbell registers (docs/shared-memory.md), 32-bit. */
#define DB_PEER_ID 0x00
#define DB_PEERS 0x04
#define DB_RING 0x08
#define DB_STATUS 0x0c
#define DB_COUNT 0x10
#define DB_FROM 0x100

/*
 * Peer @from of region @r rings peer @to: count it and raise @to's line
 * for the region if @to is running. Return: 0, or -EINVAL for a peer that
 * is not a participant or @from itself (ignored by the device).
 */
static int shm_ring(struct shm_region *r, unsigned int from, unsigned int to)
{
	struct shm_bell *b;
	struct domain *t;

	if (to >= r->nr_peers || to == from)
		return -EINVAL;
	b = &r->bell[to];
	__atomic_add_fetch(&b->from[from], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&b->count, 1, __ATOMIC_RELAXED);
	__atomic_or_fetch(&b->status, 1U << from, __ATOMIC_SEQ_CST);
	t = domain_by_id(r->peers[to]);
	if (!t)
		return 0; /* gone or restarting: it finds the bit later */
	for (unsigned int s = 0; s < t->cfg.nr_shm; s++) {
		if (t->shm[s].r == r && READ_ONCE(t->state) == DOM_RUNNING)
			arch_shm_set_line(t, s, true);
	}
	domain_put(t);
	return 0;
}

static int shm_doorbell(struct vcpu *v, void *priv, paddr_t off,
			unsigned int size, bool write, u64 *val)
{
	struct domain *d = v->domain;
	struct shm_slot *sl = priv;
	unsigned int slot = (unsigned int)(sl - d->shm), me = sl->peer;
	struct shm_region *r = sl->r;
	struct shm_bell *b = &r->bell[me];
	u32 x;

	/* Other sizes read zero and are ignored, as the PLIC does. */
	if (size != 4) {
		if (!write)
			*val = 0;
		return 0;
	}
	if (write) {
		if (off == DB_RING) {
			(void)shm_ring(r, me, (unsigned int)*val);
		} else if (off == DB_STATUS) {
			x = __atomic_and_fetch(&b->status, ~(u32)*val,
					       __ATOMIC_SEQ_CST);
			/*
			 * Level: low once every bit is clear. A ring racing
			 * with this sets its bit first and raises the line
			 * after, so the line ends up high if a bit is set.
			 */
			if (!x)
				arch_shm_set_line(d, slot, false);
			if (READ_ONCE(b->status))
				arch_shm_set_line(d, slot, true);
		}
		return 0;
	}
	if (off == DB_PEER_ID)
		x = me;
	else if (off == DB_PEERS)
		x = r->nr_peers;
	else if (off == DB_STATUS)
		x = READ_ONCE(b->status);
	else if (off == DB_COUNT)
		x = READ_ONCE(b->count);
	else if (off >= DB_FROM && off < DB_FROM + 4 * XL_BOOT_SHM_MAX_PEERS &&
		 !(off & 3))
		x = READ_ONCE(b->from[(off - DB_FROM) / 4]);
	else
		x = 0;
	*val = x;
	return 0;
}

static const struct vmmio_ops shm_doorbell_ops = { "shm-doorbell",
						   shm_doorbell };

long shm_notify(struct domain *d, unsigned long slot, unsigned long peer)
{
	if (slot >= d->cfg.nr_shm || !d->shm[slot].r || peer > ~0U)
		return -EINVAL;
	return shm_ring(d->shm[slot].r, d->shm[slot].peer, (unsigned int)peer);
}

int shm_map_domain(struct domain *d)
{
	for (u32 s = 0; s < d->cfg.nr_shm; s++) {
		const struct domain_shm_config *c = &d->cfg.shm[s];
		struct shm_region *r = shm_find(c->id);
		unsigned int peer;
		int rc;

		d->shm[s].r = NULL;
		if (!r || !r->nr_chunks) {
			printk("domain %u (%s): shm region %s has no frames: "
			       "left out\n",
			       d->id, d->name, c->id);
			continue;
		}
		for (peer = 0; peer < r->nr_peers; peer++) {
			if (r->peers[peer] == d->id)
				break;
		}
		BUG_ON(peer == r->nr_peers);
		rc = shm_map_one(d, r, c->gpa, c->ro);
		if (rc) {
			printk(XL_ERR
			       "domain %u (%s): cannot map shm region %s (%d)\n",
			       d->id, d->name, c->id, rc);
			return rc;
		}
		d->shm[s].r = r;
		d->shm[s].peer = peer;
		rc = vmmio_register(d,
				    XL_BOOT_SHM_DOORBELL_BASE +
					    s * XL_BOOT_SHM_DOORBELL_SIZE,
				    XL_BOOT_SHM_DOORBELL_SIZE,
				    &shm_doorbell_ops, &d->shm[s]);
		if (rc) {
			printk(XL_ERR
			       "domain %u (%s): no room for the doorbell of shm region %s (%d)\n",
			       d->id, d->name, c->id, rc);
			return rc;
		}
	}
	return 0;
}

void shm_domain_listed(struct domain *d)
{
	/*
	 * A ring finds its target by domain_by_id(), so one that came while
	 * @d was gone, restarting or being built (not listed) only set its
	 * STATUS bit. Those before domain_list_add() are seen here (its lock
	 * orders them); those after find @d and raise the line themselves.
	 */
	for (u32 s = 0; s < d->cfg.nr_shm; s++) {
		const struct shm_slot *sl = &d->shm[s];

		if (sl->r && READ_ONCE(sl->r->bell[sl->peer].status))
			arch_shm_set_line(d, s, true);
	}
}

int shm_guest_fdt(struct domain *d, void *fdt)
{
	for (u32 s = 0; s < d->cfg.nr_shm; s++) {
		const struct domain_shm_config *c = &d->cfg.shm[s];
		const struct shm_region *r = d->shm[s].r;
		fdt64_t reg[2] = { cpu_to_fdt64(c->gpa),
				   cpu_to_fdt64(c->size) };
		char node[32];
		int rc;

		if (!r)
			continue;
		snprintf(node, sizeof(node), "shm@%llx",
			 (unsigned long long)c->gpa);
		rc = fdt_begin_node(fdt, node);
		rc = rc	   ?:
			     fdt_property_string(fdt, "compatible",
						 "xen-lite,shared-memory");
		rc = rc ?: fdt_property(fdt, "reg", reg, sizeof(reg));
		rc = rc ?: fdt_property_string(fdt, "xen-lite,id", r->id);
		rc = rc	   ?:
			     fdt_property_string(fdt, "xen-lite,role",
						 d->shm[s].peer ? "borrower" :
								  "owner");
		rc = rc	   ?:
			     fdt_property_string(fdt, "xen-lite,access",
						 c->ro ? "ro" : "rw");
		rc = rc	   ?:
			     fdt_property_u32(fdt, "xen-lite,peer-id",
					      d->shm[s].peer);
		rc = rc ?: fdt_property_u32(fdt, "xen-lite,peers", r->nr_peers);
		rc = rc	   ?:
			     fdt_property_u32(fdt, "xen-lite,doorbell",
					      SHM_PHANDLE_DOORBELL + s);
		rc = rc ?: fdt_end_node(fdt);
		if (rc)
			return rc;
		reg[0] = cpu_to_fdt64(XL_BOOT_SHM_DOORBELL_BASE +
				      s * XL_BOOT_SHM_DOORBELL_SIZE);
		reg[1] = cpu_to_fdt64(XL_BOOT_SHM_DOORBELL_SIZE);
		snprintf(node, sizeof(node), "doorbell@%llx",
			 (unsigned long long)fdt64_to_cpu(reg[0]));
		rc = fdt_begin_node(fdt, node);
		rc = rc	   ?:
			     fdt_property_string(fdt, "compatible",
						 "xen-lite,shm-doorbell");
		rc = rc ?: fdt_property(fdt, "reg", reg, sizeof(reg));
		rc = rc ?: arch_shm_fdt_irq(d, fdt, s);
		rc = rc ?: fdt_property_u32(fdt, "xen-lite,slot", s);
		rc = rc	   ?:
			     fdt_property_u32(fdt, "phandle",
					      SHM_PHANDLE_DOORBELL + s);
		rc = rc ?: fdt_end_node(fdt);
		if (rc)
			return rc;
	}
	return 0;
}

void shm_domain_gone(const struct domain_config *cfg)
{
	for (u32 s = 0; s < cfg->nr_shm; s++) {
		struct shm_region *r = shm_find(cfg->shm[s].id);

		if (r && !__atomic_sub_fetch(&r->live, 1, __ATOMIC_ACQ_REL)) {
			printk("shm: region %s: last participant gone\n",
			       r->id);
			shm_release(r);
		}
	}
}
