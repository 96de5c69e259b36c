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
 *   dma=1        read sector 0 of the disk through a virtqueue (the
 *                device writes the guest's RAM by DMA: direct_map) and
 *                compare it with "XLPT-SECTOR0-OK!", which the test
 *                wrote there; write "XLPT-SECTOR1-WR!" to sector 1 for
 *                the test to read back from the image; polled (the
 *                interrupt is only seen in InterruptStatus)
 *   reboot_once=1  (on_reboot = "restart") the first boot writes the
 *                sector-1 marker and reboots, printing no result; the
 *                second finds it, so the disk outlived the restart
 *                (disk_intact_after_restart), and runs the rest
 *   irq=1        with dma=1: each request waits for the device's interrupt,
 *                forwarded by the hypervisor from the host's interrupt
 *                controller, instead of polling the used ring: the
 *                guest's controller signals it (irq_read), the source
 *                claimed is the node's (irq_source), the line is low
 *                once acknowledged and completed (irq_lowered), and the
 *                next request's interrupt comes too, so the host's
 *                claim was completed with the guest's (irq_write).
 *                With reboot_once=1, the first boot leaves its last
 *                interrupt claimed and unacknowledged: the second gets
 *                interrupts only if the teardown completed that claim.
 *   status=N     write N to the device's Status register at the end
 *                (the hypervisor must reset it when the domain goes)
 *   direct=1     the domain is direct-mapped: its RAM is not at the
 *                board's RAM base (host RAM there is the firmware's or
 *                the hypervisor's), and the reads run from that RAM
 *   outside=ADDR an address the domain does not own (another domain's
 *                transport; on arm64 one in the same page as its own,
 *                which the hypervisor traps): a read and a write there
 *                come back as faults in this guest, as mmiofault's do
 *                (outside_read, outside_write), and its own transport
 *                still answers after them (own_after_outside); arm64
 *                also reads 8 bytes across the end of its own 0x200-byte
 *                window (outside_straddle)
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
static uint32_t dev_irq; /* the node's interrupt, for irq=1 */
static bool irq_mode;

#ifdef __riscv
/*
 * The guest's vPLIC (QEMU virt's PLIC layout, arch/riscv/vplic.c): context
 * 0 is vCPU 0's S-mode.
 */
#define PLIC ((volatile uint32_t *)0x0c000000UL)
#define PLIC_ENABLE0 (0x2000 / 4)
#define PLIC_THRESHOLD0 (0x200000 / 4)
#define PLIC_CLAIM0 (0x200004 / 4)
#define SIE_SEIE (1UL << 9)
#define SIE_STIE (1UL << 5)
#define SSTATUS_SIE (1UL << 1)
#define SBI_EXT_TIME 0x54494D45UL /* "TIME", SBI spec v2.0 ch. 6 */
#define CAUSE_S_TIMER ((1UL << 63) | 5)
#define CAUSE_S_EXT ((1UL << 63) | 9)

static void irq_setup(uint32_t src)
{
	PLIC[src] = 1;
	PLIC[PLIC_THRESHOLD0] = 0;
	PLIC[PLIC_ENABLE0] = 1U << src;
}

/* WFI with interrupts on until one is taken or the counter passes @arg. */
static void wait_irq(void *arg)
{
	uint64_t end = *(uint64_t *)arg;

	asm volatile("csrs sstatus, %0" : : "r"(SSTATUS_SIE) : "memory");
	while (arch_counter() < end)
		asm volatile("wfi" ::: "memory");
	asm volatile("csrc sstatus, %0" : : "r"(SSTATUS_SIE) : "memory");
}

/* The same without WFI: nothing may be armed to wake it. */
static void spin_irq(void *arg)
{
	uint64_t end = *(uint64_t *)arg;

	asm volatile("csrs sstatus, %0" : : "r"(SSTATUS_SIE) : "memory");
	while (arch_counter() < end)
		arch_relax();
	asm volatile("csrc sstatus, %0" : : "r"(SSTATUS_SIE) : "memory");
}

/*
 * Wait up to @ms for an external interrupt (the SBI timer at the deadline
 * wakes the WFI if none comes) and claim it. Return: the source, 0 if
 * none came (@why says what did).
 */
static uint32_t irq_wait(unsigned int ms, char *why, size_t n)
{
	uint64_t end = arch_counter() + arch_counter_freq() * ms / 1000;
	struct rt_fault f = { 0 };
	bool took;

	asm volatile("csrs sie, %0" : : "r"(SIE_SEIE | SIE_STIE));
	fw_call(SBI_EXT_TIME, 0, end, 0, 0, 0, 0, 0);
	took = rt_catch(wait_irq, &end, &f);
	fw_call(SBI_EXT_TIME, 0, ~0UL, 0, 0, 0, 0, 0);
	asm volatile("csrc sie, %0" : : "r"(SIE_SEIE | SIE_STIE));
	if (took && f.cause == CAUSE_S_EXT)
		return PLIC[PLIC_CLAIM0];
	rt_snprintf(why, n, "%s",
		    !took		     ? "no interrupt" :
		    f.cause == CAUSE_S_TIMER ? "no interrupt before the timer" :
					       "another trap");
	return 0;
}

static void irq_complete(uint32_t src)
{
	PLIC[PLIC_CLAIM0] = src;
}

/* Does an external interrupt come within @ms (none should)? */
static bool irq_again(unsigned int ms)
{
	uint64_t end = arch_counter() + arch_counter_freq() * ms / 1000;
	struct rt_fault f = { 0 };
	bool took;

	asm volatile("csrs sie, %0" : : "r"(SIE_SEIE));
	took = rt_catch(spin_irq, &end, &f);
	asm volatile("csrc sie, %0" : : "r"(SIE_SEIE));
	return took;
}
#else
/*
 * Arm: the guest's vGIC, v3 or v2 as its device tree says (the host's
 * GIC version: --machine-opt gic-version=2 gives a vGICv2), through the
 * runtime's rt_gic_*() (rt/arm64/arch.c): group 1 routed to vCPU 0 on a
 * v3, group 0 targeting CPU 0 on a v2. The wait spins with IRQs unmasked
 * (bounded, no WFI: nothing else is armed to wake it).
 */
static void irq_setup(uint32_t intid)
{
	rt_gic_cpu_init();
	rt_gic_enable(intid, 0xa0, true);
}

static void spin_irq(void *arg)
{
	uint64_t end = *(uint64_t *)arg;

	asm volatile("msr daifclr, #2" ::: "memory");
	while (arch_counter() < end)
		arch_relax();
	asm volatile("msr daifset, #2" ::: "memory");
}

/*
 * Wait up to @ms for an IRQ and acknowledge it. Return: the INTID, 0 if
 * none came (@why says what did).
 */
static uint32_t irq_wait(unsigned int ms, char *why, size_t n)
{
	uint64_t end = arch_counter() + arch_counter_freq() * ms / 1000;
	struct rt_fault f = { 0 };
	bool took = rt_catch(spin_irq, &end, &f);

	/* Vector 5: IRQ taken from EL1 with SP_EL1. */
	if (!took || f.kind != 5) {
		rt_snprintf(why, n, "%s (vector %lu)",
			    took ? "another trap" : "no interrupt", f.kind);
		return 0;
	}
	return rt_gic_ack() & 0x3ff; /* an SPI: no source CPU (GICv2) */
}

/* EOImode 0: the EOI deactivates too, and with it the physical SPI. */
static void irq_complete(uint32_t intid)
{
	rt_gic_eoi(intid);
}

static bool irq_again(unsigned int ms)
{
	uint64_t end = arch_counter() + arch_counter_freq() * ms / 1000;
	struct rt_fault f = { 0 };

	return rt_catch(spin_irq, &end, &f);
}
#endif

static void do_read(void *arg)
{
	got = *(volatile uint32_t *)arg;
}

#ifndef __riscv
static volatile uint64_t got64;

static void do_read64(void *arg)
{
	got64 = *(volatile uint64_t *)arg;
}
#endif

static void do_write(void *arg)
{
	*(volatile uint32_t *)arg = 0;
}

/*
 * Did @f come from an access the bus refused at @addr: RISC-V a load or
 * store access fault (scause 5 / 7, stval the address), Arm a synchronous
 * external abort (ESR_EL1 EC 0x25, DFSC 0b010000, FAR_EL1 the address)?
 */
static bool bus_fault(const struct rt_fault *f, bool write, uintptr_t addr,
		      char *why, size_t n)
{
#ifdef __riscv
	bool ok = f->cause == (write ? 7UL : 5UL) && f->addr == addr;
#else
	bool ok = ((f->cause >> 26) & 0x3f) == 0x25 &&
		  (f->cause & 0x3f) == 0x10 && f->addr == addr;
#endif
	rt_snprintf(why, n, "cause %#lx at %#lx", f->cause, f->addr);
	return ok;
}

static void outside_test(uintptr_t addr, uintptr_t dev)
{
	struct rt_fault f = { 0 };
	char why[64] = "no fault";
	bool took;

	got = 0x12345678;
	took = rt_catch(do_read, (void *)addr, &f);
	rt_check(took && bus_fault(&f, false, addr, why, sizeof(why)),
		 "outside_read", "read of %#lx: %s (read %#x)",
		 (unsigned long)addr, took ? why : "no fault", got);
	took = rt_catch(do_write, (void *)addr, &f);
	rt_check(took && bus_fault(&f, true, addr, why, sizeof(why)),
		 "outside_write", "write to %#lx: %s", (unsigned long)addr,
		 took ? why : "no fault");
#ifndef __riscv
	took = rt_catch(do_read64, (void *)(dev + 0x1fc), &f);
	rt_check(took && bus_fault(&f, false, dev + 0x1fc, why, sizeof(why)),
		 "outside_straddle", "8-byte read at %#lx: %s",
		 (unsigned long)(dev + 0x1fc), took ? why : "no fault");
#endif
	took = rt_catch(do_read, (void *)dev, &f);
	rt_check(!took && got == VIRTIO_MAGIC, "own_after_outside",
		 "read of %#lx: %s %#x", (unsigned long)dev,
		 took ? "faulted" : "read", got);
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
 * The reg address of the node whose compatible is "virtio,mmio" at @want
 * (devicetree spec 5.4, the structure block), else of the first such
 * node, 0 if none (the guest may have emulated virtio-mmio devices too,
 * such as the riscv64 power button); *@irq_props counts its interrupts
 * and interrupt-parent properties, *@irq is its interrupt (RISC-V: the
 * PLIC source; Arm: the INTID of its SPI).
 */
static uint64_t dt_virtio(const uint8_t *dtb, uint64_t want,
			  unsigned int *irq_props, uint32_t *irq)
{
	uint64_t first = 0;
	unsigned int first_props = 0;
	uint32_t first_irq = 0, node_irq = 0;
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
			if (!strcmp(name, "interrupts") && len == 4)
				node_irq = be32(val);
			else if (!strcmp(name, "interrupts") && len == 12)
				node_irq = be32(val + 4) + 32;
			off += 8 + ((len + 3) & ~3U);
		} else if (tok == 2) { /* FDT_END_NODE */
			if (virtio && reg == want) {
				*irq_props = irqs;
				*irq = node_irq;
				return reg;
			}
			if (virtio && !first) {
				first = reg;
				first_props = irqs;
				first_irq = node_irq;
			}
			virtio = false;
		} else if (tok != 4) { /* FDT_NOP; else FDT_END */
			break;
		}
	}
	*irq_props = first_props;
	*irq = first_irq;
	return first;
}

/*
 * A virtio-blk request on queue 0 (virtio spec 1.1, 2.6 split virtqueues,
 * 4.2 virtio over MMIO, 5.2 block device), legacy (version 1, QEMU's
 * default for virt) or modern (version 2).
 */
#define VQ_NUM 8
struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};
static struct {
	struct vq_desc desc[VQ_NUM];
	uint16_t avail_flags, avail_idx, avail_ring[VQ_NUM], used_event;
	uint8_t pad[4096 - 16 * VQ_NUM - 6 - 2 * VQ_NUM];
	uint16_t used_flags, used_idx;
	struct {
		uint32_t id, len;
	} used_ring[VQ_NUM];
} vq __aligned(4096);
static struct {
	uint32_t type, reserved;
	uint64_t sector;
} blk_hdr;
static uint8_t blk_data[512] __aligned(512);
static volatile uint8_t blk_status;
static uint32_t irq_claimed; /* irq=1: the source of the last interrupt */
static bool irq_keep; /* irq=1: leave the next one claimed, unacknowledged */

static void w32(uintptr_t dev, unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(dev + off) = v;
}

static uint32_t r32(uintptr_t dev, unsigned int off)
{
	return *(volatile uint32_t *)(dev + off);
}

static bool vq_setup(uintptr_t dev, uint32_t version)
{
	w32(dev, 0x70, 0); /* reset */
	/*
	 * The device starts again at ring index 0: so must the driver, or
	 * the device finds the old requests between its index and ours
	 * (and interrupts for them first).
	 */
	memset(&vq, 0, sizeof(vq));
	w32(dev, 0x70, 1 | 2); /* ACKNOWLEDGE | DRIVER */
	if (version == 2) {
		w32(dev, 0x14, 1); /* DeviceFeaturesSel: bits 32..63 */
		if (!(r32(dev, 0x10) & 1)) /* VIRTIO_F_VERSION_1 */
			return false;
		w32(dev, 0x24, 1);
		w32(dev, 0x20, 1);
		w32(dev, 0x24, 0);
		w32(dev, 0x20, 0);
		w32(dev, 0x70, 1 | 2 | 8); /* FEATURES_OK */
		if (!(r32(dev, 0x70) & 8))
			return false;
	} else {
		w32(dev, 0x20, 0); /* GuestFeatures */
		w32(dev, 0x28, 4096); /* GuestPageSize */
	}
	w32(dev, 0x30, 0); /* QueueSel */
	if (r32(dev, 0x34) < VQ_NUM)
		return false;
	w32(dev, 0x38, VQ_NUM);
	if (version == 2) {
		uint64_t a = (uintptr_t)&vq.desc,
			 b = (uintptr_t)&vq.avail_flags,
			 c = (uintptr_t)&vq.used_flags;

		w32(dev, 0x80, (uint32_t)a);
		w32(dev, 0x84, (uint32_t)(a >> 32));
		w32(dev, 0x90, (uint32_t)b);
		w32(dev, 0x94, (uint32_t)(b >> 32));
		w32(dev, 0xa0, (uint32_t)c);
		w32(dev, 0xa4, (uint32_t)(c >> 32));
		w32(dev, 0x44, 1); /* QueueReady */
		w32(dev, 0x70, 1 | 2 | 8 | 4); /* DRIVER_OK */
	} else {
		w32(dev, 0x3c, 4096); /* QueueAlign */
		w32(dev, 0x40, (uint32_t)((uintptr_t)&vq >> 12)); /* QueuePFN */
		w32(dev, 0x70, 1 | 2 | 4);
	}
	return true;
}

/* One request on sector @sector: 0 read (IN), 1 write (OUT). */
static bool blk_request(uintptr_t dev, uint32_t type, uint64_t sector,
			char *why, size_t n)
{
	uint16_t idx = vq.avail_idx;
	uint64_t t0 = rt_now_us();

	blk_hdr.type = type;
	blk_hdr.sector = sector;
	blk_status = 0xff;
	vq.desc[0] = (struct vq_desc){ (uintptr_t)&blk_hdr, 16, 1, 1 };
	vq.desc[1] = (struct vq_desc){ (uintptr_t)blk_data, 512,
				       (uint16_t)(1 | (type ? 0 : 2)), 2 };
	vq.desc[2] = (struct vq_desc){ (uintptr_t)&blk_status, 1, 2, 0 };
	vq.avail_ring[idx % VQ_NUM] = 0;
	__sync_synchronize();
	WRITE_ONCE(vq.avail_idx, (uint16_t)(idx + 1));
	__sync_synchronize();
	w32(dev, 0x50, 0); /* QueueNotify */
	if (irq_mode) {
		irq_claimed = irq_wait(5000, why, n);
		if (!irq_claimed)
			return false;
		if (READ_ONCE(vq.used_idx) != (uint16_t)(idx + 1)) {
			rt_snprintf(why, n, "interrupt %u, used ring unmoved",
				    irq_claimed);
			return false;
		}
	}
	while (READ_ONCE(vq.used_idx) != (uint16_t)(idx + 1)) {
		if (rt_now_us() - t0 > 5000000) {
			rt_snprintf(why, n, "no completion in 5 s");
			return false;
		}
	}
	__sync_synchronize();
	if (blk_status != 0) {
		rt_snprintf(why, n, "status %u", blk_status);
		return false;
	}
	/* The device raised its interrupt (used buffer notification). */
	if (!(r32(dev, 0x60) & 1)) {
		rt_snprintf(why, n, "InterruptStatus %#x", r32(dev, 0x60));
		return false;
	}
	if (irq_mode && irq_keep)
		return true;
	w32(dev, 0x64, r32(dev, 0x60)); /* InterruptACK: the line goes low */
	if (irq_mode)
		irq_complete(irq_claimed);
	return true;
}

static void dma_test(uintptr_t dev, uint32_t version)
{
	static const char want[] = "XLPT-SECTOR0-OK!",
			  put[] = "XLPT-SECTOR1-WR!";
	char why[96] = "";
	bool ok;

	if (!rt_check(vq_setup(dev, version), "dma_setup",
		      "the device refused the queue (version %u)", version))
		return;
	if (irq_mode)
		irq_setup(dev_irq);
	ok = blk_request(dev, 0, 0, why, sizeof(why));
	if (irq_mode) {
		rt_check(ok, "irq_read", "%s", why);
		rt_check(irq_claimed == dev_irq, "irq_source",
			 "claimed %u, the node's is %u", irq_claimed, dev_irq);
		rt_check(!irq_again(10), "irq_lowered",
			 "an interrupt again after acknowledge and complete");
	}
	if (rt_check(ok, "dma_read", "%s", why)) {
		char got16[17] = "";

		memcpy(got16, blk_data, 16);
		rt_check(!memcmp(blk_data, want, 16), "dma_read_data",
			 "sector 0 starts '%s'", got16);
	}
	memset(blk_data, 0, sizeof(blk_data));
	memcpy(blk_data, put, 16);
	ok = blk_request(dev, 1, 1, why, sizeof(why));
	if (irq_mode)
		rt_check(ok, "irq_write", "%s", why);
	rt_check(ok, "dma_write", "%s", why);
}

int test_main(void)
{
	uintptr_t dev = rt_arg_ul("dev", FIRST_TRANSPORT);
	unsigned int rounds = rt_arg_ul("rounds", 100);
	uint32_t v = 0;

	unsigned int irq_props = 0;
	uint32_t v_version;
	uint64_t dt_dev = dt_virtio((const uint8_t *)(uintptr_t)rt_env.dtb, dev,
				    &irq_props, &dev_irq);

	irq_mode = rt_arg_is("irq", "1");
	/* Before any result line: the first boot prints none. */
	if (rt_arg_is("reboot_once", "1")) {
		char why[96] = "", got16[17] = "";
		bool ok;

		if (irq_mode)
			irq_setup(dev_irq);
		ok = vq_setup(dev, r32(dev, 4)) &&
		     blk_request(dev, 0, 1, why, sizeof(why));
		if (ok && memcmp(blk_data, "XLPT-SECTOR1-WR!", 16)) {
			memcpy(blk_data, "XLPT-SECTOR1-WR!", 16);
			irq_keep = true;
			if (blk_request(dev, 1, 1, why, sizeof(why))) {
				rt_printf("first boot: sector 1 written, "
					  "rebooting%s\n",
					  irq_mode ? " with its interrupt "
						     "claimed" :
						     "");
				arch_std_shutdown(true, false);
			}
		}
		memcpy(got16, blk_data, 16);
		rt_check(ok && !memcmp(blk_data, "XLPT-SECTOR1-WR!", 16),
			 "disk_intact_after_restart",
			 "%s; sector 1 starts '%s'", why, got16);
	}
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
	v_version = v;
	read_reg("device_id", dev + 8, rt_arg_ul("id", 2), rounds, &v);
	read_reg("vendor_id", dev + 12, 0x554d4551, rounds, &v); /* "QEMU" */
	if (rt_arg_ul("outside", 0))
		outside_test(rt_arg_ul("outside", 0), dev);
	if (rt_arg_is("dma", "1"))
		dma_test(dev, v_version);
	if (rt_arg_ul("status", 0)) {
		volatile uint32_t *status = (volatile uint32_t *)(dev + 0x70);

		*status = rt_arg_ul("status", 0);
		rt_check(*status == rt_arg_ul("status", 0), "status_written",
			 "Status reads %#x", *status);
		rt_printf("left the device with status %#x\n", *status);
	}
	return 0;
}
