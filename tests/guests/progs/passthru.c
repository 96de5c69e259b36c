// SPDX-License-Identifier: MIT
/*
 * passthru: a domain given a virtio-mmio transport (disk = [...] in its
 * domain file, docs/passthrough.md) reads the device's own registers
 * through its stage-2 mapping: MagicValue "virt", a version, the device
 * ID. Only QEMU's device answers so: an emulation or a fault would not.
 * Its device tree has the transport's node (dtdev), copied from the
 * host's, at that address, with an interrupt and an interrupt-parent.
 *   dev=ADDR     the transport's address (default: the first transport)
 *   id=N         the device ID expected (default 2, a block device)
 *   rounds=N     reads of each register (default 100)
 *   status=N     write N to the device's Status register at the end
 *                (the hypervisor must reset it when the domain goes)
 *   direct=1     the domain is direct-mapped: its RAM is not at the
 *                board's RAM base (host RAM there is the firmware's or
 *                the hypervisor's), and the reads run from that RAM
 */
#include <rt.h>

const char rt_suite[] = "passthru";

#ifdef __riscv
#define FIRST_TRANSPORT 0x10001000UL
#define BOARD_RAM_BASE 0x80000000UL
#else
#define FIRST_TRANSPORT 0x0a000000UL
#define BOARD_RAM_BASE 0x40000000UL
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

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/*
 * The reg address of the first node whose compatible is "virtio,mmio"
 * (devicetree spec 5.4, the structure block), 0 if none; *@irq_props
 * counts its interrupts and interrupt-parent properties.
 */
static uint64_t dt_virtio(const uint8_t *dtb, unsigned int *irq_props)
{
	const uint8_t *st = dtb + be32(dtb + 8);
	const char *strs = (const char *)dtb + be32(dtb + 12);
	uint32_t size = be32(dtb + 36), off = 0;
	uint64_t reg = 0;
	bool virtio = false;
	unsigned int irqs = 0;

	while (off + 4 <= size) {
		uint32_t tok = be32(st + off);

		off += 4;
		if (tok == 1) { /* FDT_BEGIN_NODE */
			off += (strlen((const char *)st + off) + 4) & ~3U;
			virtio = false;
			reg = 0;
			irqs = 0;
		} else if (tok == 3) { /* FDT_PROP */
			uint32_t len = be32(st + off);
			const char *name = strs + be32(st + off + 4);
			const uint8_t *val = st + off + 8;

			if (!strcmp(name, "compatible") && len >= 12 &&
			    !strcmp((const char *)val, "virtio,mmio"))
				virtio = true;
			if (!strcmp(name, "reg") && len >= 8)
				reg = (uint64_t)be32(val) << 32 | be32(val + 4);
			if (!strcmp(name, "interrupts") ||
			    !strcmp(name, "interrupt-parent"))
				irqs++;
			off += 8 + ((len + 3) & ~3U);
		} else if (tok == 2) { /* FDT_END_NODE */
			if (virtio) {
				*irq_props = irqs;
				return reg;
			}
		} else if (tok != 4) { /* FDT_NOP; else FDT_END */
			break;
		}
	}
	return 0;
}

int test_main(void)
{
	uintptr_t dev = rt_arg_ul("dev", FIRST_TRANSPORT);
	unsigned int rounds = rt_arg_ul("rounds", 100);
	uint32_t v = 0;

	unsigned int irq_props = 0;
	uint64_t dt_dev =
		dt_virtio((const uint8_t *)(uintptr_t)rt_env.dtb, &irq_props);

	rt_printf("virtio-mmio transport at %#lx, RAM at %#llx\n",
		  (unsigned long)dev, (unsigned long long)rt_env.ram_base);
	if (rt_arg_is("direct", "1"))
		rt_check(rt_env.ram_base != BOARD_RAM_BASE &&
				 !(rt_env.ram_base & ((2UL << 20) - 1)),
			 "direct_mapped", "RAM at %#llx",
			 (unsigned long long)rt_env.ram_base);
	rt_check(dt_dev == dev, "dt_node", "virtio,mmio node at %#llx",
		 (unsigned long long)dt_dev);
	rt_check(irq_props == 2, "dt_interrupts",
		 "%u of interrupts, interrupt-parent", irq_props);
	read_reg("magic", dev, VIRTIO_MAGIC, rounds, &v);
	if (read_reg("version", dev + 4, -1, rounds, &v))
		rt_check(v == 1 || v == 2, "version_1_or_2", "version %u", v);
	read_reg("device_id", dev + 8, rt_arg_ul("id", 2), rounds, &v);
	read_reg("vendor_id", dev + 12, 0x554d4551, rounds, &v); /* "QEMU" */
	if (rt_arg_ul("status", 0)) {
		volatile uint32_t *status = (volatile uint32_t *)(dev + 0x70);

		*status = rt_arg_ul("status", 0);
		rt_check(*status == rt_arg_ul("status", 0), "status_written",
			 "Status reads %#x", *status);
		rt_printf("left the device with status %#x\n", *status);
	}
	return 0;
}
