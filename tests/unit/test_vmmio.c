// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the emulated-MMIO registry (common/vmmio.c): windows are
 * found by any address inside them and by none outside, overlaps and
 * malformed windows are refused, the table's bound holds, and an access
 * reaches its device with the offset into the window.
 */
#include <string.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/vmmio.h>
#include "harness.h"

static struct domain dom;
static paddr_t last_off;
static unsigned int last_size;
static bool last_write;
static void *last_priv;

static int dev_access(struct vcpu *v, void *priv, paddr_t off,
		      unsigned int size, bool write, u64 *val)
{
	last_off = off;
	last_size = size;
	last_write = write;
	last_priv = priv;
	if (size == 8)
		return -EOPNOTSUPP;
	if (!write)
		*val = 0x5a;
	return 0;
}

static const struct vmmio_ops dev_ops = { "dev", dev_access };
static const struct vmmio_ops no_access = { "broken", NULL };

static void setup(void)
{
	memset(&dom, 0, sizeof(dom));
}

TEST(vmmio_find_inside_and_edges)
{
	int a, b;

	setup();
	CHECK_EQ(vmmio_register(&dom, 0x10000000, 0x1000, &dev_ops, &a), 0);
	CHECK_EQ(vmmio_register(&dom, 0x08000000, 0x10000, &dev_ops, &b), 0);
	CHECK(vmmio_find(&dom, 0x10000000)->priv == &a);
	CHECK(vmmio_find(&dom, 0x10000fff)->priv == &a);
	CHECK(vmmio_find(&dom, 0x10001000) == NULL);
	CHECK(vmmio_find(&dom, 0x0fffffff) == NULL);
	CHECK(vmmio_find(&dom, 0x08000000)->priv == &b);
	CHECK(vmmio_find(&dom, 0x0800ffff)->priv == &b);
	CHECK(vmmio_find(&dom, 0x08010000) == NULL);
	CHECK(vmmio_find(&dom, 0) == NULL);
	CHECK(vmmio_find(&dom, ~(paddr_t)0) == NULL);
}

TEST(vmmio_refuses_overlap)
{
	setup();
	CHECK_EQ(vmmio_register(&dom, 0x1000, 0x1000, &dev_ops, NULL), 0);
	CHECK_EQ(vmmio_register(&dom, 0x1fff, 1, &dev_ops, NULL), -EEXIST);
	CHECK_EQ(vmmio_register(&dom, 0x0, 0x1001, &dev_ops, NULL), -EEXIST);
	CHECK_EQ(vmmio_register(&dom, 0x0, 0x10000, &dev_ops, NULL), -EEXIST);
	CHECK_EQ(vmmio_register(&dom, 0x1800, 0x10, &dev_ops, NULL), -EEXIST);
	/* Touching is not overlapping. */
	CHECK_EQ(vmmio_register(&dom, 0x0, 0x1000, &dev_ops, NULL), 0);
	CHECK_EQ(vmmio_register(&dom, 0x2000, 0x1000, &dev_ops, NULL), 0);
	CHECK_EQ(dom.vmmio.nr, 3);
}

TEST(vmmio_refuses_malformed)
{
	setup();
	CHECK_EQ(vmmio_register(&dom, 0x1000, 0, &dev_ops, NULL), -EINVAL);
	CHECK_EQ(vmmio_register(&dom, ~(paddr_t)0 - 0xfff, 0x2000, &dev_ops,
				NULL),
		 -EINVAL);
	CHECK_EQ(vmmio_register(&dom, 0x1000, 0x1000, NULL, NULL), -EINVAL);
	CHECK_EQ(vmmio_register(&dom, 0x1000, 0x1000, &no_access, NULL),
		 -EINVAL);
	/* The very last page of the address space is a valid window. */
	CHECK_EQ(vmmio_register(&dom, ~(paddr_t)0 - 0xfff, 0x1000, &dev_ops,
				NULL),
		 0);
	CHECK(vmmio_find(&dom, ~(paddr_t)0) != NULL);
	CHECK_EQ(dom.vmmio.nr, 1);
}

TEST(vmmio_table_bound)
{
	unsigned int i;

	setup();
	for (i = 0; i < VMMIO_MAX_REGIONS; i++)
		CHECK_EQ(vmmio_register(&dom, 0x1000 * (paddr_t)i, 0x1000,
					&dev_ops, NULL),
			 0);
	CHECK_EQ(vmmio_register(&dom, 0x1000000, 0x1000, &dev_ops, NULL),
		 -ENOSPC);
	CHECK_EQ(dom.vmmio.nr, VMMIO_MAX_REGIONS);
}

TEST(vmmio_emulate_passes_offset)
{
	const struct vmmio_region *r;
	int a;
	u64 val = 0;

	setup();
	CHECK_EQ(vmmio_register(&dom, 0x9000000, 0x1000, &dev_ops, &a), 0);
	r = vmmio_find(&dom, 0x9000018);
	CHECK(r != NULL);
	CHECK_EQ(vmmio_emulate(NULL, r, 0x9000018, 4, false, &val), 0);
	CHECK_EQ(last_off, 0x18);
	CHECK_EQ(last_size, 4);
	CHECK(!last_write);
	CHECK(last_priv == &a);
	CHECK_EQ(val, 0x5a);
	val = 7;
	CHECK_EQ(vmmio_emulate(NULL, r, 0x9000ff8, 8, true, &val), -EOPNOTSUPP);
	CHECK_EQ(last_off, 0xff8);
	CHECK(last_write);
}

int main(void)
{
	return run_tests("vmmio");
}
