// SPDX-License-Identifier: MIT
/*
 * passthru: a domain given a virtio-mmio transport (disk = [...] in its
 * domain file, docs/passthrough.md) reads the device's own registers
 * through its stage-2 mapping: MagicValue "virt", a version, the device
 * ID. Only QEMU's device answers so: an emulation or a fault would not.
 *   dev=ADDR     the transport's address (default: the first transport)
 *   id=N         the device ID expected (default 2, a block device)
 *   rounds=N     reads of each register (default 100)
 */
#include <rt.h>

const char rt_suite[] = "passthru";

#ifdef __riscv
#define FIRST_TRANSPORT 0x10001000UL
#else
#define FIRST_TRANSPORT 0x0a000000UL
#endif
#define VIRTIO_MAGIC 0x74726976U /* "virt", virtio spec 4.2.2 */

static volatile uint32_t got;

static void do_read(void *arg)
{
	got = *(volatile uint32_t *)arg;
}

/* Read @addr @rounds times; each must give @want (any if @want < 0). */
static bool read_reg(const char *name, uintptr_t addr, long long want,
		     unsigned int rounds, uint32_t *out)
{
	struct rt_fault f = { 0 };

	for (unsigned int i = 0; i < rounds; i++) {
		if (rt_catch(do_read, (void *)addr, &f)) {
			rt_fail(name, "read of %#lx faulted (cause %#lx)",
				(unsigned long)addr, f.cause);
			return false;
		}
		if (i && got != *out) {
			rt_fail(name, "%#lx read %#x, then %#x",
				(unsigned long)addr, *out, got);
			return false;
		}
		*out = got;
	}
	return rt_check(want < 0 || *out == (uint32_t)want, name,
			"%#lx read %#x, expected %#llx", (unsigned long)addr,
			*out, want);
}

int test_main(void)
{
	uintptr_t dev = rt_arg_ul("dev", FIRST_TRANSPORT);
	unsigned int rounds = rt_arg_ul("rounds", 100);
	uint32_t v = 0;

	rt_printf("virtio-mmio transport at %#lx\n", (unsigned long)dev);
	read_reg("magic", dev, VIRTIO_MAGIC, rounds, &v);
	if (read_reg("version", dev + 4, -1, rounds, &v))
		rt_check(v == 1 || v == 2, "version_1_or_2", "version %u", v);
	read_reg("device_id", dev + 8, rt_arg_ul("id", 2), rounds, &v);
	read_reg("vendor_id", dev + 12, 0x554d4551, rounds, &v); /* "QEMU" */
	return 0;
}
