/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host stand-in for the page allocator and library (unit tests and the
 * p2m benchmark). "Machine memory" is an anonymous mapping whose frames
 * are described by a real frame table, so mfn_to_page(), page_to_virt()
 * and maddr_to_virt() from include/xen-lite/mm.h work unchanged. Each
 * allocated block also holds a small host allocation whose pointer is
 * stored scrambled: a block never freed is a LeakSanitizer report.
 */
#ifndef XL_HOST_P2M_FAKE_H
#define XL_HOST_P2M_FAKE_H

#include <xen-lite/mm.h>

/* Set up the arena (idempotent); @mb of virtual space, reserved lazily. */
void fake_mm_init(unsigned long mb);

/*
 * Forget every free block and start handing out the arena from its
 * beginning again (freed single pages never merge here, so a test that
 * allocates large blocks over and over would run out). Only when nothing
 * is outstanding. Return: true if reset.
 */
bool fake_mm_reset(void);

/* Blocks handed out by alloc_pages() and not yet freed, in pages. */
unsigned long fake_mm_outstanding(void);

/* Make the next @n calls of alloc_pages() fail (-1: never fail). */
void fake_mm_fail_after(long n);

/*
 * Every block handed out carries a token that free_pages() checks (a
 * double free panics). By default the token is a small heap object, so
 * that LeakSanitizer reports a block never freed with the stack that
 * allocated it. @on false: plain tokens, no heap object, for harnesses
 * that check fake_mm_outstanding() after every input (a split 2 MiB block
 * costs 512 heap objects, which under ASan's allocator and quarantine
 * were a third of a long memory_op run).
 */
void fake_mm_leak_traces(bool on);

/* Turn one block of 2^@order pages into 2^@order single-page blocks. */
void fake_mm_split(struct page_info *pg, unsigned int order);

/*
 * Zero the @n frames at @pg (held, from alloc_pages()) for a holder that
 * never writes them (a harness's guest RAM with no guest), skipping the
 * frames known to be zero already: never handed out, or last held the
 * same way. A frame freed by any other holder is zeroed again. memory_op
 * zeroes every frame it populates, 2 MiB at a time: most of its time.
 */
void fake_mm_zero(struct page_info *pg, unsigned long n);

/*
 * Merge every aligned run of 2^@order free single frames back into one
 * free block of that order, as the real allocator's buddies do on free
 * (a harness that allocates 2 MiB blocks and frees their frames one by
 * one would otherwise use up the arena).
 */
void fake_mm_coalesce(unsigned int order);

/* Index of a frame in the arena, for bitmaps in the tests. */
unsigned long fake_mm_index(const struct page_info *pg);
unsigned long fake_mm_frames(void);
/* Frames below this index have been handed out at some point. */
unsigned long fake_mm_used_frames(void);

#endif
