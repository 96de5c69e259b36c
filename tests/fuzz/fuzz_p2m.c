// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: p2m operation sequences decoded from the input, run
 * on the real p2m (common/p2m*.c with both PTE formats) over the p2m
 * engineer's host fakes (tests/unit/host/p2m_fake.c: frame arena and
 * page allocator; tests/unit/p2m_check.c: arch hook recorder and an
 * independent tree walker), checked after every operation against a flat
 * reference model of a 32 MiB guest-physical window that straddles a
 * 1 GiB boundary (the whole window after every 8th operation and at the
 * end; otherwise the 2 MiB blocks the operation named, with every table
 * on their paths: an entry written outside them is seen by the next whole
 * check unless a later operation rewrites it first; an operation that must
 * change nothing, a refused one or one that may run the pool dry, is also
 * held to a hash of every table's raw content taken before it):
 *   - every GFN of the window maps the model's frame with the model's
 *     type, nothing is mapped outside it, p2m_lookup() agrees;
 *   - pool accounting: root + reachable tables + free list = pool size;
 *   - -ENOMEM leaves the tree, the pool and the TLB untouched;
 *   - every translation that changed or went away was covered by a
 *     recorded flush (when the VMID may be cached), and one operation
 *     issues at most one flush per batch of dropped foreign references;
 *   - foreign frames carry one reference per mapping;
 *   - arguments beyond the window (past the format's guest-physical
 *     size, wrapping, empty) are rejected without a change;
 *   - teardown gives every page back.
 *
 * Input: a format byte, a pool byte, then operations of 7 bytes (at most
 * 64: 450 bytes, the -max_len of p2m.options).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen-lite/arch/p2m.h>
#include <xen-lite/errno.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>

#include "p2m_check.h"

#include "fuzz_check.h"

#define GB (1ULL << 18) /* in 4 KiB pages */
#define MB2 512ULL
#define BASE (3 * GB - 4096)
#define SIZE 8192ULL
#define RAM_MFN 0x4000000ULL

static struct p2m_domain R;
static struct p2m_format arm40, arm48;
static struct page_info *fblk; /* 512 foreign frames, owner 7 */
static u64 mfn_of[SIZE], mfn0[SIZE];
static u8 type_of[SIZE], type0[SIZE];
static u32 frefs[MB2];
static u64 nmapped;
static unsigned long base_out;
static bool verbose;

/*
 * Fewer free pages than this and one operation may run the pool dry: the
 * window never holds more than 16 leaf tables, 2 above them (it straddles
 * a 1 GiB boundary) and one more for the 4-level formats; the margin
 * covers tables an operation holds while it replaces others.
 */
#define POOL_DRY 64

static const p2m_type_t plain[] = {
	p2m_ram_rw,	   p2m_ram_ro,	     p2m_mmio_direct_dev,
	p2m_mmio_direct_c, p2m_grant_map_rw, p2m_grant_map_ro,
	p2m_pt_pinned,
};

static long findex(u64 mfn)
{
	u64 m0 = mfn_x(page_to_mfn(fblk));

	return mfn >= m0 && mfn < m0 + MB2 ? (long)(mfn - m0) : -1;
}

static void model_set(u64 g, u64 mfn, p2m_type_t t)
{
	u64 i = g - BASE;

	if (type_of[i] && p2m_is_foreign(type_of[i]))
		frefs[findex(mfn_of[i])]--;
	nmapped -= !!type_of[i];
	type_of[i] = t;
	mfn_of[i] = t ? mfn : 0;
	nmapped += !!t;
	if (t && p2m_is_foreign(t))
		frefs[findex(mfn)]++;
}

static int leaf_err;

static void leaf_cb(u64 g, unsigned int level, mfn_t mfn, p2m_type_t t,
		    void *arg)
{
	u64 n = 1ULL << (9 * level);

	if (g < BASE || g + n > BASE + SIZE) {
		fprintf(stderr,
			"leaf at gfn %#llx (level %u) outside the window\n",
			(unsigned long long)g, level);
		leaf_err = 1;
		return;
	}
	for (u64 k = 0; k < n && !leaf_err; k++) {
		u64 i = g - BASE + k;

		if (type_of[i] != t || mfn_of[i] != mfn_x(mfn) + k) {
			fprintf(stderr,
				"gfn %#llx: tree %#llx/%u, model %#llx/%u\n",
				(unsigned long long)(g + k),
				(unsigned long long)(mfn_x(mfn) + k), t,
				(unsigned long long)mfn_of[i], type_of[i]);
			leaf_err = 2;
		}
	}
}

/*
 * The raw content of every table reachable from the root (a structural
 * change that maps the same translations changes it too). Reads the
 * table pages only: cheap enough to take before and after every
 * operation, unlike the leaf-by-leaf model check.
 */
static u64 raw_hash_tbl(const p2m_pte_t *tbl, unsigned int level,
			unsigned int n)
{
	const struct p2m_format *f = R.fmt;
	u64 h = level;

	for (unsigned int i = 0; i < n; i++) {
		p2m_pte_t e = tbl[i];

		if (!e)
			continue;
		h = (h ^ (e + i)) * 0x100000001b3ULL + (h >> 29);
		if (level && (e & f->valid_mask) && f->is_table(e, level))
			h ^= raw_hash_tbl(
				     maddr_to_virt(mfn_to_maddr(f->pte_mfn(e))),
				     level - 1, 512) *
			     0x9e3779b97f4a7c15ULL;
	}
	return h;
}

static u64 raw_hash(void)
{
	return raw_hash_tbl(page_to_virt(R.root), R.fmt->levels - 1,
			    1U << R.fmt->root_bits);
}

/*
 * The side storage of the window, read in one pass of
 * p2m_types_for_each() for the walks below: one p2m_types_get() per leaf
 * (a radix descent of 7 levels) was most of a check's time.
 */
static u8 side0[SIZE], side1[SIZE / MB2];
static unsigned long side_out; /* entries for GFNs outside the window */

static void side_fill_cb(unsigned int level, u64 key, unsigned int type,
			 void *arg)
{
	if (level == 0 && key >= BASE && key < BASE + SIZE)
		side0[key - BASE] = type;
	else if (level == 1 && key >= BASE / MB2 && key < (BASE + SIZE) / MB2)
		side1[key - BASE / MB2] = type;
	else
		side_out++;
}

static unsigned long side_fill(void)
{
	memset(side0, 0, sizeof(side0));
	memset(side1, 0, sizeof(side1));
	side_out = 0;
	return p2m_types_for_each(&R.types, side_fill_cb, NULL);
}

static unsigned int side_type(unsigned int level, u64 key, void *arg)
{
	if (level == 0 && key >= BASE && key < BASE + SIZE)
		return side0[key - BASE];
	if (level == 1 && key >= BASE / MB2 && key < (BASE + SIZE) / MB2)
		return side1[key - BASE / MB2];
	/* Outside: the leaf itself is reported by leaf_cb(). */
	return p2m_types_get(&R.types, level, key);
}

/* What every check sees: pool bookkeeping, foreign references. */
static void cheap_check(void)
{
	CHECK(R.pool.total == p2m_pool_used(&R.pool) + R.pool.nr_free);
	for (unsigned int i = 0; i < MB2; i++)
		CHECK(fblk[i].count == 1 + frefs[i]);
}

/* The whole tree against the model. */
static void full_check(void)
{
	struct tinfo ti = { 0 };

	leaf_err = 0;
	ti.leaf = leaf_cb;
	CHECK(side_fill() == R.types.entries);
	ti.side_type = side_type;
	tree_walk(&R, &ti);
	CHECK(!ti.err);
	CHECK(!leaf_err);
	CHECK(ti.mapped == nmapped);
	CHECK(R.pool.total ==
	      (1UL << R.pool.root_order) + ti.tables + R.pool.nr_free);
	cheap_check();
}

/*
 * GFNs [lo, hi) against the model, with every entry of the tables on
 * their paths counted (tests/unit/p2m_check.c, ranged walk).
 */
static void range_check(u64 lo, u64 hi)
{
	struct tinfo ti = { 0 };

	leaf_err = 0;
	ti.leaf = leaf_cb;
	ti.lo = lo;
	ti.hi = hi;
	/* A large range: one pass over the side storage is cheaper. */
	if (hi - lo >= SIZE / 4) {
		CHECK(side_fill() == R.types.entries);
		ti.side_type = side_type;
	}
	tree_walk(&R, &ti);
	CHECK(!ti.err);
	CHECK(!leaf_err);
	cheap_check();
}

static void lookups_check(const uint8_t *p)
{
	for (int k = 0; k < 4; k++) {
		u64 i = ((u64)p[k] * 131 + k * 977) % SIZE;
		p2m_type_t t;
		mfn_t m = p2m_lookup(&R, _gfn(BASE + i), &t, NULL);

		CHECK(t == type_of[i]);
		if (t)
			CHECK(mfn_x(m) == mfn_of[i]);
		else
			CHECK(mfn_eq(m, INVALID_MFN));
	}
}

/* The model changed only in [lo, hi) (window indices): look there. */
static void flush_check(unsigned long nflush, u64 lo, u64 hi)
{
	bool dirty = !cpumask_empty(&R.dirty_cpus);
	u64 dropped = 0;

	if (!dirty) {
		CHECK(!nflush);
		return;
	}
	for (u64 i = lo; i < hi; i++) {
		u64 g = BASE + i;
		bool covered = false;

		if (!type0[i] ||
		    (type0[i] == type_of[i] && mfn0[i] == mfn_of[i]))
			continue;
		/* Types that differ only in side storage: same translation. */
		if (type_of[i] && mfn0[i] == mfn_of[i] &&
		    R.fmt->make_leaf(_mfn(0), type0[i], 0) ==
			    R.fmt->make_leaf(_mfn(0), type_of[i], 0))
			continue;
		if (p2m_is_foreign(type0[i]) && mfn_of[i] != mfn0[i])
			dropped++;
		for (unsigned long f = 0; f < nflush && f < MAX_FLUSH_REC; f++)
			if (rec_flush[f].all ||
			    (g >= rec_flush[f].gfn &&
			     g < rec_flush[f].gfn + rec_flush[f].nr))
				covered = true;
		if (!covered) {
			fprintf(stderr, "gfn %#llx changed without a flush\n",
				(unsigned long long)g);
			abort();
		}
	}
	CHECK(nflush <= 1 + dropped / P2M_PUT_BATCH);
}

static u64 pick_nr(u8 b, u8 c)
{
	switch (b & 7) {
	case 0:
		return 1;
	case 1:
		return 1 + (c & 15);
	case 2:
		return MB2;
	case 3:
		return MB2 * (1 + (c & 3));
	case 4:
		return SIZE;
	default:
		return 1 + ((u64)c << 4 | b >> 3);
	}
}

static const struct p2m_format *pick_fmt(u8 b)
{
	switch (b & 3) {
	case 0:
		return &p2m_format_sv39x4;
	case 1:
		return &p2m_format_sv48x4;
	case 2:
		return &arm40;
	default:
		return &arm48;
	}
}

/* An operation on arguments outside the window: must be refused. */
static void wild_op(const uint8_t *op, u64 h0, unsigned long nfree0,
		    unsigned long types0)
{
	u64 limit = 1ULL << (p2m_gpa_bits(&R) - PAGE_SHIFT);
	u64 g, nr;
	int rc;

	switch (op[1] & 3) {
	case 0: /* starts beyond the guest-physical size */
		g = limit + ((u64)op[2] << 8 | op[3]);
		nr = 1 + op[4];
		break;
	case 1: /* ends beyond it */
		g = limit - 1 - (op[2] & 7);
		nr = 16 + op[3];
		break;
	case 2: /* wraps around */
		g = ~0ULL - op[2];
		nr = 0x1000 + op[3];
		break;
	default: /* empty */
		g = BASE + op[2];
		nr = 0;
		break;
	}
	rec_nflush = 0;
	switch (op[5] % 4) {
	case 0:
		rc = p2m_set_entry(&R, _gfn(g), nr, _mfn(RAM_MFN), p2m_ram_rw);
		break;
	case 1:
		rc = p2m_remove(&R, _gfn(g), nr);
		break;
	case 2:
		rc = p2m_change_type_range(&R, _gfn(g), nr, p2m_ram_rw,
					   p2m_ram_ro);
		break;
	default:
		/* One page: only a GFN past the end or near 2^64 is wrong. */
		g = (op[1] & 2) ? ~0ULL - op[2] : limit + op[2];
		nr = 1;
		rc = p2m_insert_foreign(&R, _gfn(g), page_to_mfn(fblk),
					p2m_map_foreign_rw, 7);
		break;
	}
	if (verbose)
		fprintf(stderr, "wild op %u gfn %#llx nr %#llx: %d\n",
			op[5] % 4, (unsigned long long)g,
			(unsigned long long)nr, rc);
	CHECK(rc == -EINVAL || (rc == 0 && nr == 0));
	/* Nothing written: every table and the side storage as before. */
	CHECK(raw_hash() == h0);
	CHECK(R.types.entries == types0);
	CHECK(R.pool.nr_free == nfree0);
	cheap_check();
	CHECK(!rec_nflush);
}

/* The foreign frames go back at exit, or LeakSanitizer reports them. */
static void put_foreign(void)
{
	for (unsigned int i = 0; i < MB2; i++)
		put_page(&fblk[i]);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	verbose = getenv("XL_FUZZ_VERBOSE");
	/*
	 * Every input ends checking fake_mm_outstanding(), which aborts on a
	 * leaked block before LeakSanitizer would look: the per-block heap
	 * objects only cost time here.
	 */
	fake_mm_leak_traces(false);
	fake_mm_init(512);
	p2m_vmid_init(16);
	p2m_format_arm_init(&arm40, 40);
	p2m_format_arm_init(&arm48, 48);
	fblk = alloc_pages(9);
	fake_mm_split(fblk, 9);
	for (unsigned int i = 0; i < MB2; i++) {
		fblk[i].state = PGS_DOMAIN;
		fblk[i].owner = 7;
		fblk[i].count = 1;
	}
	rec_free_at_flush = calloc(fake_mm_frames(), 1);
	atexit(put_foreign);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	unsigned long pool;
	int steps = 0, rc0;

	if (size < 2)
		return -1;
	rec_reset();
	rec_fmt = pick_fmt(*p++);
	rec_p2m = &R;
	/* Small pools run dry: every -ENOMEM must roll back. */
	pool = (*p & 0x80) ? 256 :
			     (1UL << rec_fmt->root_order) + 1 + (*p & 0x3f);
	p++;
	memset(mfn_of, 0, sizeof(mfn_of));
	memset(type_of, 0, sizeof(type_of));
	memset(frefs, 0, sizeof(frefs));
	nmapped = 0;
	base_out = fake_mm_outstanding();
	memset(&R, 0, sizeof(R));
	rc0 = p2m_init(&R, 1, pool);
	if (rc0)
		fprintf(stderr,
			"p2m_init: %d (pool %lu, outstanding %lu, used %lu of %lu)\n",
			rc0, pool, fake_mm_outstanding(), fake_mm_used_frames(),
			fake_mm_frames());
	CHECK(rc0 == 0);

	full_check();
	while (end - p >= 7 && steps++ < 64) {
		const uint8_t *op = p;
		u64 g = BASE + (((u64)op[1] << 8 | op[2]) % SIZE);
		u64 nr = pick_nr(op[3], op[4]), mfn, h0, lo, hi;
		unsigned long nfree0, types0, nflush;
		p2m_type_t t, from;
		bool have_h0;
		int rc;

		p += 7;
		if (op[0] & 0x10)
			g &= ~(MB2 - 1);
		if (g + nr > BASE + SIZE)
			nr = BASE + SIZE - g;
		/*
		 * The raw hash, for an operation that must change nothing:
		 * a wild one, or one that may run the pool dry (-ENOMEM).
		 */
		have_h0 = op[0] % 8 == 7 || R.pool.nr_free < POOL_DRY;
		h0 = have_h0 ? raw_hash() : 0;
		/* The model changes only inside [g, g + nr) (op 5: its 2M). */
		lo = (op[0] % 8 == 5 ? g & ~(MB2 - 1) : g) - BASE;
		hi = MIN(lo + MAX(nr, MB2), SIZE);
		memcpy(mfn0 + lo, mfn_of + lo, (hi - lo) * sizeof(*mfn0));
		memcpy(type0 + lo, type_of + lo, hi - lo);
		nfree0 = R.pool.nr_free;
		types0 = R.types.entries;
		rec_nflush = 0;
		switch (op[0] % 8) {
		case 0:
		case 1:
			t = plain[op[5] % ARRAY_SIZE(plain)];
			mfn = (op[6] & 1) ? RAM_MFN + (g - BASE) :
					    RAM_MFN + ((u64)op[6] << 9);
			rc = p2m_set_entry(&R, _gfn(g), nr, _mfn(mfn), t);
			if (!rc)
				for (u64 k = 0; k < nr; k++)
					model_set(g + k, mfn + k, t);
			break;
		case 2:
			rc = p2m_remove(&R, _gfn(g), nr);
			if (!rc)
				for (u64 k = 0; k < nr; k++)
					model_set(g + k, 0, p2m_invalid);
			break;
		case 3:
			if (op[5] & 0x80) {
				from = (op[5] & 1) ? p2m_map_foreign_rw :
						     p2m_map_foreign_ro;
				t = (op[5] & 2) ? p2m_map_foreign_rw :
						  p2m_map_foreign_ro;
			} else {
				from = plain[op[5] % ARRAY_SIZE(plain)];
				t = plain[op[6] % ARRAY_SIZE(plain)];
			}
			rc = p2m_change_type_range(&R, _gfn(g), nr, from, t);
			if (!rc)
				for (u64 k = 0; k < nr; k++)
					if (type_of[g + k - BASE] == from)
						type_of[g + k - BASE] = t;
			break;
		case 4:
			mfn = mfn_x(page_to_mfn(fblk)) + (op[6] % MB2);
			t = (op[5] & 1) ? p2m_map_foreign_rw :
					  p2m_map_foreign_ro;
			rc = p2m_insert_foreign(&R, _gfn(g), _mfn(mfn), t, 7);
			if (!rc)
				model_set(g, mfn, t);
			break;
		case 5:
			/* A foreign 2M superpage holding 512 references. */
			g &= ~(MB2 - 1);
			if (g < BASE || g + MB2 > BASE + SIZE) {
				rc = 0;
				break;
			}
			for (u64 k = 0; k < MB2; k++)
				CHECK(get_page(&fblk[k], 7));
			mfn = mfn_x(page_to_mfn(fblk));
			t = (op[5] & 1) ? p2m_map_foreign_rw :
					  p2m_map_foreign_ro;
			rc = p2m_set_entry(&R, _gfn(g), MB2, _mfn(mfn), t);
			for (u64 k = 0; k < MB2; k++) {
				if (rc)
					put_page(&fblk[k]);
				else
					model_set(g + k, mfn + k, t);
			}
			break;
		case 6:
			p2m_activate(&R, op[5] % 4);
			rc = 0;
			break;
		default:
			wild_op(op, h0, nfree0, types0);
			continue;
		}
		nflush = rec_nflush;
		if (verbose)
			fprintf(stderr,
				"op %u gfn %#llx nr %#llx: %d, %lu flushes\n",
				op[0] % 8, (unsigned long long)g,
				(unsigned long long)nr, rc, nflush);
		if (rc == -ENOMEM) {
			/*
			 * Rolled back: every table as before (raw hash), the
			 * pool and side storage counts as before, the named
			 * range still the model's, no flush.
			 */
			if (!have_h0)
				fprintf(stderr, "-ENOMEM with %lu pages free\n",
					nfree0);
			CHECK(have_h0);
			range_check(g & ~(MB2 - 1),
				    MIN(ROUNDUP(g + MAX(nr, 1), MB2),
					BASE + SIZE));
			CHECK(raw_hash() == h0);
			CHECK(R.pool.nr_free == nfree0);
			CHECK(R.types.entries == types0);
			CHECK(!nflush);
			continue;
		}
		CHECK(rc == 0);
		if (steps % 8 == 0) {
			full_check();
		} else {
			/* The 2 MiB blocks it named: splits stay inside. */
			u64 rlo = (g & ~(MB2 - 1)), rhi;

			rhi = MIN(ROUNDUP(g + MAX(nr, 1), MB2), BASE + SIZE);
			range_check(rlo, rhi);
		}
		flush_check(nflush, lo, hi);
		lookups_check(op);
	}
	full_check();
	CHECK(teardown_all(&R) >= 0);
	for (unsigned int i = 0; i < MB2; i++)
		CHECK(fblk[i].count == 1);
	CHECK(fake_mm_outstanding() == base_out);
	return 0;
}
