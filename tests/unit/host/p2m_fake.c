// SPDX-License-Identifier: GPL-2.0
/* Host page allocator and library stand-ins (see p2m_fake.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xen-lite/lib.h>
#include <xen-lite/mm.h>

#include "p2m_fake.h"

#define MAX_ORDER 10
#define TOKEN_KEY 0x5a5a5a5a5a5a5a5aULL
/* A token without a heap object (a heap address ^ TOKEN_KEY ends in 0xa). */
#define TOKEN_PLAIN 1ULL

struct page_info *frame_table;
u64 frame_table_base_mfn;
u64 frame_table_nr;

static unsigned char *arena;
static unsigned long arena_next; /* bump index in frames */
static struct list_head free_list[MAX_ORDER + 1];
static u64 *tokens;
/*
 * Per frame (fake_mm_zero()): FRAME_DIRTY, it may hold bytes other than
 * zero (it was freed by a holder that could have written it);
 * FRAME_ZHELD, it is held as zeroed by a holder that never writes it.
 * The arena starts as fresh anonymous memory: every frame clean.
 */
static unsigned char *fstate;
#define FRAME_DIRTY 1
#define FRAME_ZHELD 2
static unsigned long outstanding;
static long fail_after = -1;
static bool leak_traces = true;

void fake_mm_leak_traces(bool on)
{
	leak_traces = on;
}

/* A block's token (fake_mm_leak_traces()): never 0, which means "free". */
static u64 token_new(void)
{
	if (!leak_traces) {
		return TOKEN_PLAIN;
	}
	return (u64)(uintptr_t)malloc(16) ^ TOKEN_KEY;
}

static void token_drop(u64 t)
{
	if (t != TOKEN_PLAIN) {
		free((void *)(uintptr_t)(t ^ TOKEN_KEY));
	}
}

void fake_mm_init(unsigned long mb)
{
	unsigned long bytes = mb << 20, i;
	unsigned char *p;

	if (arena) {
		return;
	}
	/* Over-allocate to align the arena to the largest block. */
	p = mmap(NULL, bytes + (PAGE_SIZE << MAX_ORDER), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		abort();
	}
	arena = (unsigned char *)ROUNDUP((uintptr_t)p,
					 (uintptr_t)PAGE_SIZE << MAX_ORDER);
	frame_table_nr = bytes >> PAGE_SHIFT;
	frame_table_base_mfn = (uintptr_t)arena >> PAGE_SHIFT;
	frame_table = calloc(frame_table_nr, sizeof(*frame_table));
	tokens = calloc(frame_table_nr, sizeof(*tokens));
	fstate = calloc(frame_table_nr, 1);
	if (!frame_table || !tokens || !fstate) {
		abort();
	}
	for (i = 0; i <= MAX_ORDER; i++) {
		INIT_LIST_HEAD(&free_list[i]);
	}
}

bool fake_mm_reset(void)
{
	if (outstanding) {
		return false;
	}
	for (int i = 0; i <= MAX_ORDER; i++) {
		INIT_LIST_HEAD(&free_list[i]);
	}
	memset(frame_table, 0, frame_table_nr * sizeof(*frame_table));
	arena_next = 0;
	return true;
}

unsigned long fake_mm_outstanding(void)
{
	return outstanding;
}

void fake_mm_fail_after(long n)
{
	fail_after = n;
}

unsigned long fake_mm_index(const struct page_info *pg)
{
	return pg - frame_table;
}

unsigned long fake_mm_frames(void)
{
	return frame_table_nr;
}

unsigned long fake_mm_used_frames(void)
{
	return arena_next;
}

struct page_info *alloc_pages(unsigned int order)
{
	struct page_info *pg;
	unsigned long idx, n = 1UL << order, i;

	if (!arena) {
		fake_mm_init(256);
	}
	if (order > MAX_ORDER) {
		return NULL;
	}
	if (fail_after == 0) {
		return NULL;
	}
	if (fail_after > 0) {
		fail_after--;
	}
	if (!list_empty(&free_list[order])) {
		pg = list_first_entry(&free_list[order], struct page_info,
				      list);
		list_del(&pg->list);
		idx = pg - frame_table;
	} else {
		idx = ROUNDUP(arena_next, n);
		if (idx + n > frame_table_nr) {
			return NULL;
		}
		arena_next = idx + n;
		pg = &frame_table[idx];
	}
	for (i = 0; i < n; i++) {
		memset(&pg[i], 0, sizeof(pg[i]));
		INIT_LIST_HEAD(&pg[i].list);
		pg[i].state = PGS_XEN;
		pg[i].owner = DOMID_XL;
		fstate[idx + i] &= ~FRAME_ZHELD;
	}
	pg->order = order;
	tokens[idx] = token_new();
	outstanding += n;
	return pg;
}

void free_pages(struct page_info *pg, unsigned int order)
{
	unsigned long idx = pg - frame_table;

	if (idx >= frame_table_nr || !tokens[idx]) {
		panic("free_pages: bad or double free of frame %lu", idx);
	}
	token_drop(tokens[idx]);
	tokens[idx] = 0;
	for (unsigned long i = 0; i < 1UL << order; i++) {
		if (!(fstate[idx + i] & FRAME_ZHELD)) {
			fstate[idx + i] |= FRAME_DIRTY;
		}
		fstate[idx + i] &= ~FRAME_ZHELD;
	}
	pg->state = PGS_FREE;
	outstanding -= 1UL << order;
	list_add(&pg->list, &free_list[order]);
}

/* Every frame of the run must head its own order-0 allocation here. */
void free_page_run(mfn_t first, u64 nr)
{
	struct page_info *pg = mfn_to_page(first);

	for (u64 i = 0; i < nr; i++) {
		free_pages(pg + i, 0);
	}
}

bool get_page(struct page_info *pg, domid_t owner)
{
	if (pg->state != PGS_DOMAIN || pg->owner != owner || !pg->count ||
	    pg->count == ~0ULL) {
		return false;
	}
	pg->count++;
	return true;
}

void put_page(struct page_info *pg)
{
	if (!pg->count) {
		panic("put_page: count underflow on frame %lu",
		      (unsigned long)(pg - frame_table));
	}
	if (--pg->count == 0) {
		pg->state = PGS_XEN;
		free_pages(pg, 0);
	}
}

void *xmalloc(size_t size)
{
	return malloc(size);
}

void *xzalloc(size_t size)
{
	return calloc(1, size);
}

void xfree(void *p)
{
	free(p);
}

void vprintk(const char *fmt, va_list ap)
{
	if (fmt[0] == '\001' && fmt[1]) {
		fmt += 2;
	}
	vfprintf(stderr, fmt, ap);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "PANIC: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

void fake_mm_split(struct page_info *pg, unsigned int order)
{
	unsigned long idx = pg - frame_table, i;

	for (i = 1; i < (1UL << order); i++) {
		tokens[idx + i] = token_new();
		pg[i].order = 0;
	}
	pg->order = 0;
}

void fake_mm_zero(struct page_info *pg, unsigned long n)
{
	unsigned long idx = pg - frame_table, i;

	for (i = 0; i < n; i++) {
		if (fstate[idx + i] & FRAME_DIRTY) {
			memset(page_to_virt(pg + i), 0, PAGE_SIZE);
		}
		fstate[idx + i] = FRAME_ZHELD;
	}
}

void fake_mm_coalesce(unsigned int order)
{
	unsigned long n = 1UL << order, idx, i;
	unsigned char *free1 = calloc(arena_next + 1, 1);
	struct page_info *pg;

	if (!free1) {
		abort();
	}
	/* The single free frames are exactly those on free_list[0]. */
	list_for_each_entry(pg, &free_list[0], list) {
		free1[pg - frame_table] = 1;
	}
	for (idx = 0; idx + n <= arena_next; idx += n) {
		for (i = 0; i < n && free1[idx + i]; i++) {
		}
		if (i < n) {
			continue;
		}
		for (i = 0; i < n; i++) {
			list_del(&frame_table[idx + i].list);
		}
		frame_table[idx].order = order;
		list_add(&frame_table[idx].list, &free_list[order]);
	}
	free(free1);
}
