// SPDX-License-Identifier: GPL-2.0
/*
 * p2m host benchmark (tests/bench/p2m.sh). Every figure is the best of a
 * few repetitions, so that page faults of first touch and scheduling noise
 * do not count. Output: "BENCH <name> <value> <unit>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xen-lite/arch/p2m.h>
#include <xen-lite/errno.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>

#include "p2m_check.h"

#define GB (1ULL << 18) /* pages per GiB */
#define MB2 512ULL
#define MFN0 0x1000000ULL
#define REPS 5

static struct p2m_domain P;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void bench(const char *name, double v, const char *unit)
{
	printf("BENCH %s %.3f %s\n", name, v, unit);
	fflush(stdout);
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "p2m_bench: %s failed: %d\n", what, rc);
	exit(1);
}

static void setup(const struct p2m_format *f, unsigned long pool)
{
	int rc;

	rec_reset();
	rec_fmt = f;
	rc = p2m_init_format(&P, 1, pool, f);
	if (rc) {
		die("p2m_init", rc);
	}
}

static void done(void)
{
	if (teardown_all(&P) < 0) {
		die("teardown", -1);
	}
}

/* A plain sequential write of @n PTE-sized words: the yardstick. */
static double memwrite_ns(u64 *buf, u64 n)
{
	double best = 1e30, t;
	unsigned int r;
	u64 i, v = 0x1001;

	for (r = 0; r < REPS; r++) {
		t = now_ns();
		for (i = 0; i < n; i++) {
			buf[i] = v;
			v += 1 << 10;
		}
		__asm__ __volatile__("" : : "r"(buf) : "memory");
		t = now_ns() - t;
		if (t < best) {
			best = t;
		}
	}
	return best;
}

/*
 * Map 1 GiB as 4 KiB pages of type @t in one call into a fresh, empty p2m
 * whose pool was filled before the timer started: the best case (every
 * level-0 table is new and filled in one pass). Return: best time in ns.
 */
static double map_1g_4k(const struct p2m_format *f, p2m_type_t t)
{
	double best = 1e30, dt;
	unsigned int r;
	int rc;

	for (r = 0; r < REPS; r++) {
		setup(f, 1100);
		dt = now_ns();
		rc = p2m_set_entry(&P, _gfn(GB), GB, _mfn(MFN0 + 1), t);
		dt = now_ns() - dt;
		if (rc) {
			die("map 1 GiB", rc);
		}
		best = MIN(best, dt);
		done();
	}
	return best;
}

/*
 * The same map with the pool's allocation (p2m_init_format(): 1100 pages
 * from the page allocator) inside the timed region.
 */
static double map_1g_4k_pool_timed(void)
{
	double best = 1e30, dt;
	unsigned int r;
	int rc;

	for (r = 0; r < REPS; r++) {
		rec_reset();
		rec_fmt = &p2m_format_sv39x4;
		dt = now_ns();
		rc = p2m_init_format(&P, 1, 1100, &p2m_format_sv39x4);
		if (!rc) {
			rc = p2m_set_entry(&P, _gfn(GB), GB, _mfn(MFN0 + 1),
					   p2m_ram_rw);
		}
		dt = now_ns() - dt;
		if (rc) {
			die("pool + map 1 GiB", rc);
		}
		best = MIN(best, dt);
		done();
	}
	return best;
}

/*
 * Remap a populated, active 1 GiB of 4 KiB pages to other frames in one
 * call: every leaf is replaced (old translation flushed), no table is new.
 */
static double remap_1g_4k(unsigned long *flushes)
{
	double best = 1e30, dt;
	unsigned int r;
	int rc;

	for (r = 0; r < REPS; r++) {
		setup(&p2m_format_sv39x4, 1100);
		p2m_activate(&P, 0);
		rc = p2m_set_entry(&P, _gfn(GB), GB, _mfn(MFN0 + 1),
				   p2m_ram_rw);
		if (rc) {
			die("map 1 GiB", rc);
		}
		rec_nflush = 0;
		dt = now_ns();
		rc = p2m_set_entry(&P, _gfn(GB), GB, _mfn(MFN0 + 3),
				   p2m_ram_rw);
		dt = now_ns() - dt;
		if (rc) {
			die("remap 1 GiB", rc);
		}
		*flushes = rec_nflush;
		best = MIN(best, dt);
		done();
	}
	return best;
}

/*
 * 1 GiB mapped one 4 KiB page per call, fresh p2m, pool filled
 * beforehand, in ascending order or (@shuffle) in a random order (a fixed
 * permutation): every call walks from the root, and in random order most
 * land in a table other than the last one's.
 */
static double map_1g_4k_per_page(bool shuffle)
{
	static u32 order[GB];
	double best = 1e30, dt;
	u64 x = 0x9e3779b97f4a7c15ULL, i, j;
	unsigned int r;
	u32 tmp;
	int rc;

	for (i = 0; i < GB; i++) {
		order[i] = i;
	}
	for (i = GB - 1; shuffle && i > 0; i--) { /* Fisher-Yates, xorshift64 */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = x % (i + 1);
		tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	for (r = 0; r < REPS; r++) {
		setup(&p2m_format_sv39x4, 1100);
		dt = now_ns();
		for (i = 0; i < GB; i++) {
			rc = p2m_set_entry(&P, _gfn(GB + order[i]), 1,
					   _mfn(MFN0 + 1 + order[i]),
					   p2m_ram_rw);
			if (rc) {
				die("random map", rc);
			}
		}
		dt = now_ns() - dt;
		best = MIN(best, dt);
		done();
	}
	return best;
}

static void bench_map(void)
{
	u64 *buf = calloc(GB, sizeof(u64));
	struct p2m_format arm40;
	double map, mem;

	unsigned long flushes = 0;

	memset(buf, 1, GB * sizeof(u64));
	map = map_1g_4k(&p2m_format_sv39x4, p2m_ram_rw);
	mem = memwrite_ns(buf, GB);
	bench("p2m.map_1g_4k_best_case_ns_per_page", map / GB, "ns");
	bench("p2m.memwrite_ns_per_word", mem / GB, "ns");
	bench("p2m.map_4k_best_case_vs_memwrite_ratio", map / mem, "x");
	p2m_format_arm_init(&arm40, 40);
	map = map_1g_4k(&arm40, p2m_ram_rw);
	bench("p2m.arm40_map_1g_4k_best_case_ns_per_page", map / GB, "ns");
	free(buf);

	/* The general cases. */
	map = map_1g_4k_pool_timed();
	bench("p2m.map_1g_4k_pool_alloc_timed_ns_per_page", map / GB, "ns");
	map = map_1g_4k(&p2m_format_sv39x4, p2m_mmio_direct_c);
	bench("p2m.map_1g_4k_side_type_ns_per_page", map / GB, "ns");
	map = remap_1g_4k(&flushes);
	bench("p2m.remap_1g_4k_populated_ns_per_page", map / GB, "ns");
	bench("p2m.remap_1g_4k_populated_flushes", flushes, "flushes");
	map = map_1g_4k_per_page(false);
	bench("p2m.map_1g_4k_page_per_call_ns_per_page", map / GB, "ns");
	map = map_1g_4k_per_page(true);
	bench("p2m.map_1g_4k_random_order_ns_per_page", map / GB, "ns");
}

static void bench_2m(void)
{
	const u64 nr = 64 * GB; /* 64 GiB of 2 MiB leaves */
	double best = 1e30, t;
	unsigned int r;
	int rc;

	for (r = 0; r < REPS; r++) {
		setup(&p2m_format_sv39x4, 200);
		t = now_ns();
		/* 2 MiB aligned, not 1 GiB aligned: 2 MiB leaves only. */
		rc = p2m_set_entry(&P, _gfn(0), nr, _mfn(MFN0 + MB2),
				   p2m_ram_rw);
		t = now_ns() - t;
		if (rc) {
			die("map 2M", rc);
		}
		if (t < best) {
			best = t;
		}
		done();
	}
	bench("p2m.map_2m_ns_per_leaf", best / (nr / MB2), "ns");
}

static void bench_unmap_teardown(void)
{
	double best_unmap = 1e30, best_td = 1e30, t;
	unsigned long flushes = 0, freed = 0, td_flushes = 0;
	unsigned int r;
	int rc;

	for (r = 0; r < REPS; r++) {
		setup(&p2m_format_sv39x4, 1100);
		p2m_activate(&P, 0);
		rc = p2m_set_entry(&P, _gfn(GB), GB, _mfn(MFN0 + 1),
				   p2m_ram_rw);
		if (rc) {
			die("map", rc);
		}
		rec_nflush = 0;
		freed = P.stats.tables_freed;
		t = now_ns();
		rc = p2m_remove(&P, _gfn(GB), GB);
		t = now_ns() - t;
		if (rc) {
			die("unmap", rc);
		}
		freed = P.stats.tables_freed - freed;
		flushes = rec_nflush;
		if (t < best_unmap) {
			best_unmap = t;
		}

		/* Teardown of the same, populated again, in one go. */
		rc = p2m_set_entry(&P, _gfn(GB), GB, _mfn(MFN0 + 1),
				   p2m_ram_rw);
		if (rc) {
			die("map", rc);
		}
		rec_nflush = 0;
		t = now_ns();
		while ((rc = p2m_teardown(&P)) == -ERESTART) {
		}
		t = now_ns() - t;
		td_flushes = rec_nflush;
		if (t < best_td) {
			best_td = t;
		}
	}
	bench("p2m.unmap_1g_4k_ns_per_page", best_unmap / GB, "ns");
	bench("p2m.unmap_1g_4k_flushes", flushes, "flushes");
	bench("p2m.unmap_1g_4k_flushes_if_per_table", freed, "flushes");
	bench("p2m.teardown_1g_4k_ns_per_page", best_td / GB, "ns");
	bench("p2m.teardown_1g_4k_flushes", td_flushes, "flushes");
}

static void bench_tables(void)
{
	struct tinfo ti = { 0 };
	int rc;

	setup(&p2m_format_sv39x4, 1100);
	rc = p2m_set_entry(&P, _gfn(GB), GB, _mfn(MFN0 + 1), p2m_ram_rw);
	if (rc) {
		die("map", rc);
	}
	tree_walk(&P, &ti);
	bench("p2m.tables_per_gib_4k", ti.tables, "pages");
	/* Not measured: the arithmetic minimum (512 L1 + 1 L2), for reference. */
	bench("p2m.reference.tables_per_gib_4k_minimum", GB / 512 + 1, "pages");
	done();
	setup(&p2m_format_sv39x4, 100);
	rc = p2m_set_entry(&P, _gfn(GB), GB, _mfn(MFN0 + 1 * MB2), p2m_ram_rw);
	if (rc) {
		die("map", rc);
	}
	tree_walk(&P, &ti);
	bench("p2m.tables_per_gib_2m", ti.tables, "pages");
	done();
}

static bool never_preempt(void *arg)
{
	return false;
}

/* A 64 GiB guest-physical space with one 4 KiB page every 64 MiB. */
static void bench_sparse(void)
{
	const u64 span = 64 * GB, stride = 64 * 256;
	double t, best_map = 1e30, best_lk = 1e30, best_td = 1e30;
	struct tinfo ti = { 0 };
	unsigned int r;
	u64 g, n = 0;
	int rc;

	/* Best of three: the first run also pays the host's page faults. */
	for (r = 0; r < 3; r++) {
		setup(&p2m_format_sv39x4, 1200);
		n = 0;
		t = now_ns();
		for (g = 0; g < span; g += stride) {
			rc = p2m_set_entry(&P, _gfn(g + 3), 1, _mfn(MFN0 + n),
					   p2m_ram_rw);
			if (rc) {
				die("sparse map", rc);
			}
			n++;
		}
		t = now_ns() - t;
		best_map = MIN(best_map, t);
		tree_walk(&P, &ti);
		t = now_ns();
		for (g = 0; g < span; g += stride) {
			if (mfn_eq(p2m_lookup(&P, _gfn(g + 3), NULL, NULL),
				   INVALID_MFN)) {
				die("sparse lookup", -1);
			}
		}
		t = now_ns() - t;
		best_lk = MIN(best_lk, t);
		p2m_set_preempt_check(&P, never_preempt, NULL);
		t = now_ns();
		done();
		t = now_ns() - t;
		best_td = MIN(best_td, t);
	}
	bench("p2m.sparse_64g_map_ns_per_page", best_map / n, "ns");
	bench("p2m.sparse_64g_pages_mapped", n, "pages");
	bench("p2m.sparse_64g_table_pages", ti.tables, "pages");
	bench("p2m.sparse_64g_lookup_ns", best_lk / n, "ns");
	bench("p2m.sparse_64g_teardown_us", best_td / 1e3, "us");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* 64 GiB of 4 KiB pages torn down with a preemption check every 512. */
static void bench_teardown_64g(void)
{
	const u64 nr = 64 * GB;
	static double calls_ns[70000];
	double t, total = 0;
	unsigned long calls = 0, i;
	int rc;

	setup(&p2m_format_sv39x4, 64 * 513 + 16);
	rc = p2m_set_entry(&P, _gfn(0), nr, _mfn(MFN0 + 1), p2m_ram_rw);
	if (rc) {
		die("map 64 GiB", rc);
	}
	p2m_activate(&P, 0);
	rec_nflush = 0;
	do {
		t = now_ns();
		rc = p2m_teardown(&P);
		t = now_ns() - t;
		total += t;
		if (calls < ARRAY_SIZE(calls_ns)) {
			calls_ns[calls] = t;
		}
		calls++;
	} while (rc == -ERESTART);
	if (rc) {
		die("teardown", rc);
	}
	i = MIN(calls, (unsigned long)ARRAY_SIZE(calls_ns));
	qsort(calls_ns, i, sizeof(double), cmp_double);
	bench("p2m.teardown_64g_4k_max_entries_between_checks",
	      P.max_uninterrupted, "entries");
	bench("p2m.teardown_64g_4k_call_p50_us", calls_ns[i / 2] / 1e3, "us");
	bench("p2m.teardown_64g_4k_call_p99_us", calls_ns[i * 99 / 100] / 1e3,
	      "us");
	bench("p2m.teardown_64g_4k_call_p999_us",
	      calls_ns[i * 999 / 1000] / 1e3, "us");
	/* Includes the host scheduler taking the CPU away mid-call. */
	bench("p2m.teardown_64g_4k_call_max_us", calls_ns[i - 1] / 1e3, "us");
	bench("p2m.teardown_64g_4k_calls", calls, "calls");
	bench("p2m.teardown_64g_4k_total_ms", total / 1e6, "ms");
	bench("p2m.teardown_64g_4k_flushes", rec_nflush, "flushes");
}

int main(void)
{
	fake_mm_init(1024);
	p2m_vmid_init(16);
	bench_map();
	bench_2m();
	bench_unmap_teardown();
	bench_tables();
	bench_sparse();
	bench_teardown_64g();
	return 0;
}
