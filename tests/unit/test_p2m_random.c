// SPDX-License-Identifier: GPL-2.0
/*
 * Randomised p2m sequences, checked after every operation against a flat
 * reference model: every GFN of the window maps the model's frame with the
 * model's type; every table page is reachable exactly once and the pool
 * accounts for exactly those; no table page reached the pool before the
 * last flush of its operation; every changed translation was covered by a
 * flush; the side storage holds exactly the leaves whose types need it;
 * foreign frames carry one reference per mapping; a failed operation left
 * the tree bit-for-bit unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include <xen-lite/arch/p2m.h>
#include <xen-lite/errno.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>

#include "harness.h"
#include "p2m_check.h"

#define GB (1ULL << 18)
#define MB2 512ULL
#define RAM_MFN 0x4000000ULL /* 256 GiB, 1 GiB aligned */
#define FOREIGN_BLOCKS 4

struct model {
	u64 base, size; /* window of GFNs */
	u64 *mfn;
	u8 *type;
	u64 mapped;
};

static struct p2m_domain R;
static struct model M, M0; /* current and before the operation */
static struct page_info *fblk[FOREIGN_BLOCKS];
static u32 *frefs; /* expected p2m references per foreign frame */
static u64 rng;
static unsigned char *reach_before, *reach_after, *free_now;
static unsigned long base_out;
static int model_err;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static u64 rndn(u64 n)
{
	return n ? rnd() % n : 0;
}

static long foreign_index(u64 mfn)
{
	unsigned int b;

	for (b = 0; b < FOREIGN_BLOCKS; b++) {
		u64 m0 = mfn_x(page_to_mfn(fblk[b]));

		if (mfn >= m0 && mfn < m0 + MB2) {
			return b * MB2 + (mfn - m0);
		}
	}
	return -1;
}

static void model_set(u64 g, u64 mfn, p2m_type_t t)
{
	u64 i = g - M.base;

	if (M.type[i] && p2m_is_foreign(M.type[i])) {
		frefs[foreign_index(M.mfn[i])]--;
	}
	if (M.type[i]) {
		M.mapped--;
	}
	M.type[i] = t;
	M.mfn[i] = t ? mfn : 0;
	if (t) {
		M.mapped++;
	}
	if (t && p2m_is_foreign(t)) {
		frefs[foreign_index(mfn)]++;
	}
}

static void leaf_cb(u64 g, unsigned int level, mfn_t mfn, p2m_type_t t,
		    void *arg)
{
	u64 n = 1ULL << (9 * level), k;

	if (g < M.base || g + n > M.base + M.size) {
		model_err = 1;
		return;
	}
	for (k = 0; k < n; k++) {
		u64 i = g - M.base + k;

		if (M.type[i] != t || M.mfn[i] != mfn_x(mfn) + k) {
			if (!model_err) {
				diag("gfn %llx: tree %llx/%u, "
				     "model %llx/%u\n",
				     (unsigned long long)(g + k),
				     (unsigned long long)(mfn_x(mfn) + k), t,
				     (unsigned long long)M.mfn[i], M.type[i]);
			}
			model_err = 2;
			return;
		}
	}
}

static int full_check(u64 *hash, unsigned char *reach)
{
	struct tinfo ti = { 0 };
	unsigned long i;

	model_err = 0;
	ti.leaf = leaf_cb;
	ti.reach = reach;
	if (reach) {
		memset(reach, 0, fake_mm_used_frames());
	}
	tree_walk(&R, &ti);
	if (ti.err) {
		return 100 + ti.err;
	}
	if (model_err) {
		return 200 + model_err;
	}
	if (ti.mapped != M.mapped) {
		return 300;
	}
	if (p2m_types_for_each(&R.types, NULL, NULL) != R.types.entries) {
		return 301;
	}
	for (i = 0; i < FOREIGN_BLOCKS * MB2; i++) {
		u64 count = fblk[i / MB2][i % MB2].count;

		if (count != 1 + frefs[i]) {
			diag("foreign frame %lu: count %llu, "
			     "expected %u\n",
			     i, (unsigned long long)count, 1 + frefs[i]);
			return 302;
		}
	}
	if (hash) {
		*hash = ti.hash;
	}
	return 0;
}

static int lookups_check(void)
{
	unsigned int k;

	for (k = 0; k < 16; k++) {
		u64 i = rndn(M.size);
		p2m_type_t t;
		mfn_t m = p2m_lookup(&R, _gfn(M.base + i), &t, NULL);

		if (t != M.type[i]) {
			return 400;
		}
		if (t && mfn_x(m) != M.mfn[i]) {
			return 401;
		}
		if (!t && !mfn_eq(m, INVALID_MFN)) {
			return 402;
		}
	}
	return 0;
}

/* Flushes and frees of the last operation, against the model change. */
static int flush_check(unsigned long nflush)
{
	unsigned long i, freed = 0;
	u64 dropped = 0, changed = 0;
	struct page_info *pg;
	bool dirty = !cpumask_empty(&R.dirty_cpus);

	memset(free_now, 0, fake_mm_used_frames());
	list_for_each_entry(pg, &R.pool.free, list) {
		free_now[fake_mm_index(pg)] = 1;
	}
	for (i = 0; i < fake_mm_used_frames(); i++) {
		if (!reach_before[i] || reach_after[i]) {
			continue;
		}
		freed++;
		if (!free_now[i]) {
			return 500; /* unlinked but not back in the pool */
		}
		if (dirty && (!nflush || rec_free_at_flush[i])) {
			return 501; /* in the pool before the flush */
		}
	}
	for (i = 0; i < M.size; i++) {
		unsigned long f;
		u64 g = M.base + i;
		bool covered = false;

		if (!M0.type[i] ||
		    (M0.type[i] == M.type[i] && M0.mfn[i] == M.mfn[i])) {
			continue;
		}
		/* Types that differ only in side storage: same translation. */
		if (M.type[i] && M0.mfn[i] == M.mfn[i] &&
		    R.fmt->make_leaf(_mfn(0), M0.type[i], 0) ==
			    R.fmt->make_leaf(_mfn(0), M.type[i], 0)) {
			continue;
		}
		changed++;
		if (p2m_is_foreign(M0.type[i]) && M.mfn[i] != M0.mfn[i]) {
			dropped++;
		}
		if (!dirty) {
			continue;
		}
		for (f = 0; f < nflush && f < MAX_FLUSH_REC; f++) {
			if (rec_flush[f].all ||
			    (g >= rec_flush[f].gfn &&
			     g < rec_flush[f].gfn + rec_flush[f].nr)) {
				covered = true;
			}
		}
		if (!covered) {
			diag("gfn %llx changed without a flush\n",
			     (unsigned long long)g);
			return 502;
		}
	}
	if (nflush > 1 + dropped / P2M_PUT_BATCH) {
		diag("%lu flushes for one operation\n", nflush);
		return 503;
	}
	if (!dirty && nflush) {
		return 504;
	}
	return 0;
}

static const p2m_type_t plain_types[] = {
	p2m_ram_rw,	   p2m_ram_ro,	     p2m_mmio_direct_dev,
	p2m_mmio_direct_c, p2m_grant_map_rw, p2m_grant_map_ro,
	p2m_pt_pinned,
};

static void pick_range(u64 *g, u64 *nr, bool big)
{
	u64 n;

	switch (rndn(big ? 7 : 6)) {
	case 0:
		n = 1;
		break;
	case 1:
		n = 1 + rndn(16);
		break;
	case 2:
		n = MB2;
		break;
	case 3:
		n = MB2 * (1 + rndn(4));
		break;
	case 4:
	case 5:
		n = 1 + rndn(3000);
		break;
	default:
		n = GB * (1 + rndn(2));
		break;
	}
	n = MIN(n, M.size);
	*g = M.base + rndn(M.size);
	if (rndn(10) < 4) {
		*g &= ~(MB2 - 1);
	}
	if (big && rndn(10) < 2) {
		*g &= ~(GB - 1);
	}
	if (*g < M.base) {
		*g = M.base;
	}
	if (*g + n > M.base + M.size) {
		n = M.base + M.size - *g;
	}
	*nr = n;
}

/* One random operation; updates the model when it succeeded. */
static int random_op(bool big, int *rcp)
{
	u64 g, nr, mfn, k;
	p2m_type_t t, from;
	unsigned int r = rndn(100), b;
	int rc;

	pick_range(&g, &nr, big);
	if (r < 40) {
		t = plain_types[rndn(ARRAY_SIZE(plain_types))];
		if (rndn(10) < 6) {
			mfn = RAM_MFN + (g - M.base);
		} else {
			mfn = RAM_MFN + rndn(1ULL << 24);
		}
		rc = p2m_set_entry(&R, _gfn(g), nr, _mfn(mfn), t);
		if (!rc) {
			for (k = 0; k < nr; k++) {
				model_set(g + k, mfn + k, t);
			}
		}
	} else if (r < 60) {
		rc = p2m_remove(&R, _gfn(g), nr);
		if (!rc) {
			for (k = 0; k < nr; k++) {
				model_set(g + k, 0, p2m_invalid);
			}
		}
	} else if (r < 75) {
		if (rndn(4) == 0) {
			from = rndn(2) ? p2m_map_foreign_rw :
					 p2m_map_foreign_ro;
			t = rndn(2) ? p2m_map_foreign_rw : p2m_map_foreign_ro;
		} else {
			from = plain_types[rndn(ARRAY_SIZE(plain_types))];
			t = plain_types[rndn(ARRAY_SIZE(plain_types))];
		}
		rc = p2m_change_type_range(&R, _gfn(g), nr, from, t);
		if (!rc) {
			for (k = 0; k < nr; k++) {
				u64 i = g + k - M.base;

				if (M.type[i] == from) {
					M.type[i] = t;
				}
			}
		}
	} else if (r < 90) {
		b = rndn(FOREIGN_BLOCKS);
		mfn = mfn_x(page_to_mfn(fblk[b])) + rndn(MB2);
		t = rndn(2) ? p2m_map_foreign_rw : p2m_map_foreign_ro;
		rc = p2m_insert_foreign(&R, _gfn(g), _mfn(mfn), t, 7);
		if (!rc) {
			model_set(g, mfn, t);
		}
	} else {
		b = rndn(FOREIGN_BLOCKS);
		g &= ~(MB2 - 1);
		if (g < M.base || g + MB2 > M.base + M.size) {
			*rcp = 0;
			return 0;
		}
		for (k = 0; k < MB2; k++) {
			if (!get_page(&fblk[b][k], 7)) {
				return 600;
			}
		}
		mfn = mfn_x(page_to_mfn(fblk[b]));
		t = rndn(2) ? p2m_map_foreign_rw : p2m_map_foreign_ro;
		rc = p2m_set_entry(&R, _gfn(g), MB2, _mfn(mfn), t);
		if (rc) {
			for (k = 0; k < MB2; k++) {
				put_page(&fblk[b][k]);
			}
		} else {
			for (k = 0; k < MB2; k++) {
				model_set(g + k, mfn + k, t);
			}
		}
	}
	*rcp = rc;
	if (getenv("XL_P2M_TRACE")) {
		diag("op r=%u g=%llx nr=%llx rc=%d\n", r, (unsigned long long)g,
		     (unsigned long long)nr, rc);
	}
	return 0;
}

static void model_alloc(struct model *m, u64 base, u64 size)
{
	m->base = base;
	m->size = size;
	m->mfn = calloc(size, sizeof(*m->mfn));
	m->type = calloc(size, 1);
	m->mapped = 0;
}

static void model_free(struct model *m)
{
	free(m->mfn);
	free(m->type);
}

static void model_copy(struct model *d, const struct model *s)
{
	memcpy(d->mfn, s->mfn, s->size * sizeof(*s->mfn));
	memcpy(d->type, s->type, s->size);
	d->mapped = s->mapped;
}

/*
 * Run @steps random operations on format @f over a window of @size GFNs
 * at @base with a pool of @pool pages. Return: 0, or where it went wrong.
 */
static int random_run(const struct p2m_format *f, u64 seed, unsigned int steps,
		      u64 base, u64 size, unsigned long pool, bool big)
{
	unsigned int s, b;
	int rc, err = 0, nomem = 0;
	u64 h0, h1;
	unsigned long nfree0;

	/* XL_P2M_SEED and XL_P2M_STEPS (a multiplier) for longer soaks. */
	if (getenv("XL_P2M_SEED")) {
		seed ^= strtoull(getenv("XL_P2M_SEED"), NULL, 0);
	}
	if (getenv("XL_P2M_STEPS")) {
		steps *= strtoul(getenv("XL_P2M_STEPS"), NULL, 0);
	}
	fake_mm_init(512);
	rng = seed;
	rec_reset();
	rec_fmt = f;
	rec_p2m = &R;
	if (!rec_free_at_flush) {
		rec_free_at_flush = calloc(fake_mm_frames(), 1);
	}
	reach_before = calloc(fake_mm_frames(), 1);
	reach_after = calloc(fake_mm_frames(), 1);
	free_now = calloc(fake_mm_frames(), 1);
	p2m_vmid_init(16);
	base_out = fake_mm_outstanding();
	for (b = 0; b < FOREIGN_BLOCKS; b++) {
		unsigned long i;

		fblk[b] = alloc_pages(9);
		fake_mm_split(fblk[b], 9);
		for (i = 0; i < MB2; i++) {
			fblk[b][i].state = PGS_DOMAIN;
			fblk[b][i].owner = 7;
			fblk[b][i].count = 1;
		}
	}
	frefs = calloc(FOREIGN_BLOCKS * MB2, sizeof(*frefs));
	model_alloc(&M, base, size);
	model_alloc(&M0, base, size);
	if (p2m_init(&R, 1, pool)) {
		err = 1;
		goto out;
	}
	for (s = 0; s < steps; s++) {
		unsigned long nflush;

		if (rndn(20) == 0) {
			p2m_activate(&R, rndn(4));
		}
		err = full_check(&h0, reach_before);
		if (err) {
			break;
		}
		model_copy(&M0, &M);
		nfree0 = R.pool.nr_free;
		memset(rec_free_at_flush, 0, fake_mm_used_frames());
		rec_nflush = 0;
		err = random_op(big, &rc);
		if (err) {
			break;
		}
		nflush = rec_nflush;
		if (rc == -ENOMEM) {
			nomem++;
			if (full_check(&h1, NULL) || h1 != h0 ||
			    R.pool.nr_free != nfree0 || nflush) {
				err = 700;
				break;
			}
			continue;
		}
		if (rc) {
			err = 800;
			break;
		}
		err = full_check(NULL, reach_after);
		if (!err) {
			err = flush_check(nflush);
		}
		if (!err) {
			err = lookups_check();
		}
		if (err) {
			break;
		}
	}
	if (err) {
		diag("%s seed %llx: error %d at step %u\n", f->name,
		     (unsigned long long)seed, err, s);
	}
	if (teardown_all(&R) < 0 && !err) {
		err = 900;
	}
	for (b = 0; b < FOREIGN_BLOCKS * MB2 && !err; b++) {
		if (fblk[b / MB2][b % MB2].count != 1) {
			err = 901;
		}
	}
out:
	for (b = 0; b < FOREIGN_BLOCKS; b++) {
		unsigned long i;

		for (i = 0; i < MB2; i++) {
			while (fblk[b][i].count > 1) {
				fblk[b][i].count--;
			}
			put_page(&fblk[b][i]);
		}
	}
	if (!err && fake_mm_outstanding() != base_out) {
		err = 902;
	}
	if (!err && pool < 64 && !nomem) {
		err = 903; /* the small-pool runs must hit -ENOMEM */
	}
	model_free(&M);
	model_free(&M0);
	free(frefs);
	free(reach_before);
	free(reach_after);
	free(free_now);
	return err;
}

static struct p2m_format rarm40, rarm48;

static const struct p2m_format *rfmt(int id)
{
	p2m_format_arm_init(&rarm40, 40);
	p2m_format_arm_init(&rarm48, 48);
	switch (id) {
	case 0:
		return &p2m_format_sv39x4;
	case 1:
		return &p2m_format_sv48x4;
	case 2:
		return &rarm40;
	default:
		return &rarm48;
	}
}

/* A 32 MiB window straddling a 1 GiB boundary: 4K and 2M, splits. */
#define SMALL_RUN(name, id, seed)                                              \
	TEST(random_small_##name)                                              \
	{                                                                      \
		CHECK_EQ(random_run(rfmt(id), seed, 1000, 3 * GB - 4096, 8192, \
				    256, false),                               \
			 0);                                                   \
	}

/* A 2 GiB window: 1G leaves, their splits, big removes. */
#define BIG_RUN(name, id, seed)                                           \
	TEST(random_big_##name)                                           \
	{                                                                 \
		CHECK_EQ(random_run(rfmt(id), seed, 60, GB, 2 * GB, 2200, \
				    true),                                \
			 0);                                              \
	}

/* A pool that keeps running dry: every -ENOMEM must roll back. */
#define NOMEM_RUN(name, id, seed)                                       \
	TEST(random_nomem_##name)                                       \
	{                                                               \
		const struct p2m_format *f = rfmt(id);                  \
		CHECK_EQ(random_run(f, seed, 600, 3 * GB - 4096, 8192,  \
				    (1UL << f->root_order) + 7, false), \
			 0);                                            \
	}

SMALL_RUN(sv39x4, 0, 0x1234567ULL)
SMALL_RUN(sv48x4, 1, 0x2345678ULL)
SMALL_RUN(arm40, 2, 0x3456789ULL)
SMALL_RUN(arm48, 3, 0x456789aULL)
BIG_RUN(sv39x4, 0, 0x56789abULL)
BIG_RUN(sv48x4, 1, 0x6789abcULL)
BIG_RUN(arm40, 2, 0x789abcdULL)
BIG_RUN(arm48, 3, 0x89abcdeULL)
NOMEM_RUN(sv39x4, 0, 0x9abcdefULL)
NOMEM_RUN(sv48x4, 1, 0xabcdef1ULL)
NOMEM_RUN(arm40, 2, 0xbcdef12ULL)
NOMEM_RUN(arm48, 3, 0xcdef123ULL)
