// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of trapped passthrough windows (common/passthrough_window.c,
 * docs/passthrough.md "Sub-page windows"): which ranges map whole pages,
 * the window check (inside one assigned range, whole, aligned, 1/2/4/8
 * bytes), one trapped page per page, and an access forwarded with its
 * width to the host address (here a buffer of this process, standing for
 * the device) while one outside the windows is refused and touches
 * nothing.
 */
#include <string.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/passthrough.h>
#include <xen-lite/vmmio.h>
#include "harness.h"

static struct domain dom;
static struct vcpu vcpu;

static void setup(void)
{
	memset(&dom, 0, sizeof(dom));
	memset(&vcpu, 0, sizeof(vcpu));
	vcpu.domain = &dom;
}

static void add(paddr_t hpa, paddr_t gpa, u64 size)
{
	dom.cfg.iomem[dom.cfg.nr_iomem++] =
		(struct domain_iomem){ .hpa = hpa, .gpa = gpa, .size = size };
}

/* QEMU Arm virt's transports: 0x200 bytes from 0x0a000000. */
#define T(n) (0x0a000000 + 0x200 * (paddr_t)(n))

TEST(pt_window_check)
{
	const struct domain_config *c = &dom.cfg;

	setup();
	add(T(0), T(0), 0x200);
	add(T(2), T(2), 0x200);
	/* Inside, every width, both ends. */
	CHECK_EQ(passthrough_window(c, T(0), 4), 0);
	CHECK_EQ(passthrough_window(c, T(0), 1), 0);
	CHECK_EQ(passthrough_window(c, T(0) + 0x1fe, 2), 0);
	CHECK_EQ(passthrough_window(c, T(0) + 0x1fc, 4), 0);
	CHECK_EQ(passthrough_window(c, T(0) + 0x1f8, 8), 0);
	CHECK_EQ(passthrough_window(c, T(0) + 0x1ff, 1), 0);
	CHECK_EQ(passthrough_window(c, T(2) + 0x70, 4), 1);
	/* The neighbour transport between them, and past the second. */
	CHECK_EQ(passthrough_window(c, T(1), 4), -1);
	CHECK_EQ(passthrough_window(c, T(1) + 0x1fc, 4), -1);
	CHECK_EQ(passthrough_window(c, T(3), 1), -1);
	CHECK_EQ(passthrough_window(c, T(0) - 4, 4), -1);
	/* Misaligned (device memory), across the end, odd sizes. */
	CHECK_EQ(passthrough_window(c, T(0) + 0x1fe, 4), -1);
	CHECK_EQ(passthrough_window(c, T(0) + 0x1fc, 8), -1);
	CHECK_EQ(passthrough_window(c, T(0) + 2, 4), -1);
	CHECK_EQ(passthrough_window(c, T(0), 3), -1);
	CHECK_EQ(passthrough_window(c, T(0), 16), -1);
	CHECK_EQ(passthrough_window(c, T(0), 0), -1);
	/* A window at the top of the address space: no wrap. */
	add(~(paddr_t)0 - 0x1ff, ~(paddr_t)0 - 0x1ff, 0x200);
	CHECK_EQ(passthrough_window(c, ~(paddr_t)0 - 7, 8), 2);
	CHECK_EQ(passthrough_window(c, ~(paddr_t)0 - 0x1ff - 8, 8), -1);
	/* A guest address other than the host's: the guest's counts. */
	setup();
	add(T(0), 0x20000000, 0x200);
	CHECK_EQ(passthrough_window(c, 0x20000010, 4), 0);
	CHECK_EQ(passthrough_window(c, T(0) + 0x10, 4), -1);
}

TEST(pt_window_whole_pages)
{
	const struct domain_config *c = &dom.cfg;

	setup();
	/* Page-aligned: always whole. */
	add(0x30000000, 0x30000000, 0x2000);
	CHECK(passthrough_iomem_whole(c, 0));
	/* One transport alone: trapped. */
	add(T(0), T(0), 0x200);
	CHECK(!passthrough_iomem_whole(c, 1));
	/* Seven of the page's eight: still trapped. */
	for (int n = 1; n < 7; n++)
		add(T(n), T(n), 0x200);
	for (unsigned int i = 1; i < dom.cfg.nr_iomem; i++)
		CHECK(!passthrough_iomem_whole(c, i));
	/* All eight: the page is the domain's, mapped. */
	add(T(7), T(7), 0x200);
	for (unsigned int i = 1; i < dom.cfg.nr_iomem; i++)
		CHECK(passthrough_iomem_whole(c, i));
	/* The eighth at another guest address: the page is not one. */
	dom.cfg.iomem[8].gpa = 0x20000e00;
	CHECK(!passthrough_iomem_whole(c, 1));
	CHECK(!passthrough_iomem_whole(c, 8));
	/* A range over two pages, each rest covered or not. */
	setup();
	add(0x10000800, 0x10000800, 0x1000);
	CHECK(!passthrough_iomem_whole(c, 0));
	add(0x10000000, 0x10000000, 0x800);
	CHECK(!passthrough_iomem_whole(c, 0));
	add(0x10001800, 0x10001800, 0x800);
	CHECK(passthrough_iomem_whole(c, 0));
	CHECK(passthrough_iomem_whole(c, 1));
	CHECK(passthrough_iomem_whole(c, 2));
}

static int dev_access(struct vcpu *v, void *priv, paddr_t off,
		      unsigned int size, bool write, u64 *val)
{
	return 0;
}

static const struct vmmio_ops dev_ops = { "dev", dev_access };

/* A "device": 4 KiB of this process, at its own address as host address. */
static u8 page[4096] __attribute__((aligned(4096)));

TEST(pt_window_forward)
{
	paddr_t host = (paddr_t)(uintptr_t)page;
	const struct vmmio_region *r;
	u64 v;

	setup();
	memset(page, 0, sizeof(page));
	/* Transports 1 and 3 of the guest page 0x0a000000. */
	add(host + 0x200, T(1), 0x200);
	add(host + 0x600, T(3), 0x200);
	CHECK(!passthrough_iomem_whole(&dom.cfg, 0));
	CHECK_EQ(passthrough_trap_range(&dom, 0), 0);
	CHECK_EQ(passthrough_trap_range(&dom, 1), 0);
	/* One trapped page for both. */
	CHECK_EQ(dom.vmmio.nr, 1);
	r = vmmio_find(&dom, T(0));
	CHECK(r && r->base == T(0) && r->size == 0x1000);
	CHECK(vmmio_find(&dom, T(8)) == NULL);
	/* Each width reaches the host address, with that width. */
	v = 0x11223344;
	CHECK_EQ(vmmio_emulate(&vcpu, r, T(1) + 0x70, 4, true, &v), 0);
	CHECK_EQ(page[0x270], 0x44);
	CHECK_EQ(page[0x273], 0x11);
	CHECK_EQ(page[0x274], 0);
	CHECK_EQ(page[0x26f], 0);
	v = 0xaabb;
	CHECK_EQ(vmmio_emulate(&vcpu, r, T(3) + 0x1fe, 2, true, &v), 0);
	CHECK_EQ(page[0x7fe], 0xbb);
	CHECK_EQ(page[0x7ff], 0xaa);
	v = 0x0102030405060708ULL;
	CHECK_EQ(vmmio_emulate(&vcpu, r, T(3), 8, true, &v), 0);
	CHECK_EQ(page[0x600], 0x08);
	CHECK_EQ(page[0x607], 0x01);
	v = 0xff;
	CHECK_EQ(vmmio_emulate(&vcpu, r, T(3) + 1, 1, false, &v), 0);
	CHECK_EQ(v, 0x07);
	CHECK_EQ(vmmio_emulate(&vcpu, r, T(1) + 0x70, 2, false, &v), 0);
	CHECK_EQ(v, 0x3344);
	CHECK_EQ(vmmio_emulate(&vcpu, r, T(3), 8, false, &v), 0);
	CHECK_EQ(v, 0x0102030405060708ULL);
	/* Outside the windows: refused, nothing read or written there. */
	page[0x400] = 0x5a;
	v = 0x99;
	CHECK_EQ(vmmio_emulate(&vcpu, r, T(2), 4, true, &v), -EFAULT);
	CHECK_EQ(vmmio_emulate(&vcpu, r, T(0), 1, true, &v), -EFAULT);
	CHECK_EQ(vmmio_emulate(&vcpu, r, T(2), 1, false, &v), -EFAULT);
	CHECK_EQ(v, 0x99);
	CHECK_EQ(vmmio_emulate(&vcpu, r, T(1) + 0x1fc, 8, true, &v), -EFAULT);
	CHECK_EQ(vmmio_emulate(&vcpu, r, T(1) + 0x71, 4, false, &v), -EFAULT);
	for (unsigned int i = 0; i < sizeof(page); i++) {
		if ((i >= 0x270 && i < 0x274) || (i >= 0x600 && i < 0x608) ||
		    i >= 0x7fe || i == 0x400)
			continue;
		if (page[i]) {
			CHECK_EQ(page[i], 0);
			break;
		}
	}
	CHECK_EQ(page[0x400], 0x5a);
	/* A page that holds an emulated device's window is not trapped. */
	setup();
	add(host, T(0), 0x200);
	CHECK_EQ(vmmio_register(&dom, T(0) + 0x800, 0x100, &dev_ops, NULL), 0);
	CHECK_EQ(passthrough_trap_range(&dom, 0), -EEXIST);
	CHECK_EQ(dom.vmmio.nr, 1);
}

int main(void)
{
	return run_tests("pt_window");
}
