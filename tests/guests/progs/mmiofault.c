// SPDX-License-Identifier: MIT
/*
 * mmiofault: touch guest physical addresses that are neither RAM nor a
 * virtual device, with the default mmio_fault = "inject": each access must
 * come back as a fault in this guest's own trap handler (RISC-V: load,
 * store or instruction access fault, stval = the address; Arm: a
 * synchronous external abort, ESR_EL1 EC 0x25 / 0x21 with xFSC 0b010000,
 * FAR_EL1 = the address), the registers of the interrupted code intact,
 * and the domain keeps running; also a load whose stage-1 page-table walk
 * reads an unassigned address.
 *   rounds=N  repeat the whole set N times (default 20)
 *   dev=ADDR  also a read and a write at ADDR (read_dev, write_dev):
 *             another domain's device, e.g. a transport of a Linux
 *             domain's disk (tests/linux/passthrough.sh)
 */
#include <rt.h>

const char rt_suite[] = "mmiofault";

#ifdef __riscv
#define CAUSE_FETCH 1UL
#define CAUSE_LOAD 5UL
#define CAUSE_STORE 7UL
/* QEMU virt's virtio-mmio window: not given to guests. */
#define DEVICE_HOLE 0x10001000UL
#else
#define ESR_EC(e) (((e) >> 26) & 0x3f)
#define ESR_WNR (1UL << 6)
#define ESR_ISV (1UL << 24)
#define DEVICE_HOLE 0x0a000000UL
#endif

static volatile uint64_t sink;

static void do_read(void *arg)
{
	sink = *(volatile uint64_t *)arg;
}

static void do_write(void *arg)
{
	*(volatile uint64_t *)arg = 0x5afe5afe5afe5afeULL;
}

static void do_exec(void *arg)
{
	sink = ((long (*)(void))arg)();
}

/* The fault @f for op @op ('r', 'w', 'x') at @addr is the right one? */
static bool fault_ok(const struct rt_fault *f, char op, uint64_t addr,
		     char *why, size_t n)
{
#ifdef __riscv
	unsigned long want = op == 'r' ? CAUSE_LOAD :
			     op == 'w' ? CAUSE_STORE :
					 CAUSE_FETCH;

	if (f->cause != want) {
		rt_snprintf(why, n, "scause %#lx, expected %#lx", f->cause,
			    want);
		return false;
	}
#else
	unsigned long ec = ESR_EC(f->cause);
	unsigned long want = op == 'x' ? 0x21 : 0x25;

	if (ec != want) {
		rt_snprintf(why, n, "ESR_EL1 %#lx: EC %#lx, expected %#lx",
			    f->cause, ec, want);
		return false;
	}
	if ((f->cause & 0x3f) != 0x10) {
		rt_snprintf(why, n,
			    "ESR_EL1 %#lx: xFSC %#lx, expected 0x10 (SEA)",
			    f->cause, f->cause & 0x3f);
		return false;
	}
	if (!(f->cause & (1UL << 25))) {
		rt_snprintf(why, n, "ESR_EL1 %#lx: IL clear", f->cause);
		return false;
	}
	if (op != 'x' && !!(f->cause & ESR_WNR) != (op == 'w')) {
		rt_snprintf(why, n, "ESR_EL1 %#lx: WnR wrong for a %s",
			    f->cause, op == 'w' ? "write" : "read");
		return false;
	}
#endif
	if (f->addr != addr) {
		rt_snprintf(why, n, "fault address %#lx, expected %#llx",
			    f->addr, (unsigned long long)addr);
		return false;
	}
	if (op == 'x' && f->pc != addr) {
		rt_snprintf(why, n, "fault pc %#lx, expected %#llx", f->pc,
			    (unsigned long long)addr);
		return false;
	}
	return true;
}

static void probe(const char *name, char op, uint64_t addr, unsigned int rounds)
{
	void (*fn)(void *) = op == 'r' ? do_read :
			     op == 'w' ? do_write :
					 do_exec;
	char why[128] = "";
	unsigned int i;

	for (i = 0; i < rounds; i++) {
		struct rt_fault f = { 0 };

		if (!rt_catch(fn, (void *)(uintptr_t)addr, &f)) {
			rt_snprintf(why, sizeof(why),
				    "the access completed (round %u)", i);
			break;
		}
		if (!fault_ok(&f, op, addr, why, sizeof(why)))
			break;
	}
	rt_check(i == rounds, name, "%c %#llx: %s", op,
		 (unsigned long long)addr, why);
}

/*
 * A stage-1 table walk that reaches an unassigned address: translation on
 * with the RAM gigabyte identity-mapped and the first gigabyte's next
 * table at DEVICE_HOLE; a load from VA 0x1000 makes the walker read
 * there. The guest must get the fault of its load (RISC-V: load access
 * fault, stval 0x1000; Arm: the external abort as above, FAR 0x1000).
 */
static uint64_t pt_root[512] __aligned(4096);
#ifndef __riscv
static uint64_t pt_l3[512] __aligned(4096);
#endif

static void probe_walk(unsigned int rounds)
{
	uint64_t gb = rt_env.ram_base >> 30;
	char why[128] = "";
	unsigned int i;

	memset(pt_root, 0, sizeof(pt_root));
#ifdef __riscv
	/* Sv39: the root's entries are 1 GiB each. */
	pt_root[gb] = arch_pte_leaf(gb << 30, 3, RT_PT_R | RT_PT_W | RT_PT_X);
	pt_root[0] = arch_pte_table(DEVICE_HOLE, 3);
	arch_write_root((8ULL << 60) | ((uintptr_t)pt_root >> PAGE_SHIFT));
	arch_tlb_flush_local();
#else
	/* 4 levels, 48-bit VA: root -> level-3 table of 1 GiB entries. */
	memset(pt_l3, 0, sizeof(pt_l3));
	pt_root[0] = arch_pte_table((uintptr_t)pt_l3, 4);
	pt_l3[gb] = arch_pte_leaf(gb << 30, 3, RT_PT_R | RT_PT_W | RT_PT_X);
	pt_l3[0] = arch_pte_table(DEVICE_HOLE, 3);
	arch_write_root((uintptr_t)pt_root);
	arch_mmu_on(XL_PT_FORMAT_ARM64_L4);
#endif
	for (i = 0; i < rounds; i++) {
		struct rt_fault f = { 0 };

		if (!rt_catch(do_read, (void *)0x1000UL, &f)) {
			rt_snprintf(why, sizeof(why), "the load completed");
			break;
		}
		if (!fault_ok(&f, 'r', 0x1000, why, sizeof(why)))
			break;
	}
#ifdef __riscv
	arch_write_root(0);
	arch_tlb_flush_local();
#else
	arch_mmu_off();
	arch_write_root(0);
	arch_tlb_flush_local();
#endif
	rt_check(i == rounds, "read_walk_hole",
		 "a load whose page-table walk reads %#lx: %s", DEVICE_HOLE,
		 why);
}

int test_main(void)
{
	uint64_t end = rt_env.ram_base + rt_env.ram_size;
	unsigned int rounds = rt_arg_ul("rounds", 20);
	uint64_t t0, sum;
	static uint64_t ram_word = 42;

	rt_printf("touching unassigned addresses, %u rounds: expect faults "
		  "in the guest\n",
		  rounds);
	t0 = rt_now_us();
	probe("read_after_ram", 'r', end, rounds);
	probe("write_after_ram", 'w', end + 4096, rounds);
	probe("read_before_ram", 'r', rt_env.ram_base - 8, rounds);
	probe("read_device_hole", 'r', DEVICE_HOLE, rounds);
	probe("write_device_hole", 'w', DEVICE_HOLE + 8, rounds);
	if (rt_arg_ul("dev", 0)) {
		/* +8: DeviceID, VendorID of a virtio-mmio device, read-only. */
		probe("read_dev", 'r', rt_arg_ul("dev", 0), rounds);
		probe("write_dev", 'w', rt_arg_ul("dev", 0) + 8, rounds);
	}
	probe("exec_after_ram", 'x', end + (1UL << 20), rounds);
	probe_walk(rounds);
	rt_printf("%u faults in %llu us\n", rounds * 7,
		  (unsigned long long)(rt_now_us() - t0));
	/* Still a working domain: RAM, the console, hypercalls. */
	sum = READ_ONCE(ram_word) + 1;
	WRITE_ONCE(ram_word, sum);
	rt_check(READ_ONCE(ram_word) == 43, "ram_still_works", "read back %llu",
		 (unsigned long long)ram_word);
	rt_check(xl_hypercall(XL_HC_VERSION, 0, 0, 0, 0, 0) > 0,
		 "hypercalls_still_work", "XL_HC_VERSION failed");
	return 0;
}
