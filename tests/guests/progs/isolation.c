// SPDX-License-Identifier: MIT
/*
 * isolation: a hostile domain. In order:
 *  1. fixed checks: hypercalls pointing outside RAM get -EFAULT;
 *  2. fuzz=N hypercalls with random numbers and arguments (seed=S), and
 *     as many standard firmware calls (SBI / PSCI) with random function
 *     IDs and arguments; every one must come back with a result;
 *  3. code copied into a data page and run (MMU off, so only stage 2
 *     decides: it runs, or the domain is crashed);
 *  4. probe=NAME: one access to an address that is neither its RAM nor a
 *     device (table below); the domain must be crashed there.
 * The calls that would end the domain on purpose (shutdown, reboot, stop
 * this vCPU) get arguments that make them invalid; buffers the
 * hypervisor may write are in a scratch area, and ballooning only ever
 * names the last 2 MiB of RAM (the DTB's, already parsed), so the
 * guest only hurts itself by crashing.
 */
#include <rt.h>

const char rt_suite[] = "isolation";

#define SCRATCH_SIZE 16384

static uint8_t scratch[SCRATCH_SIZE] __aligned(4096);
static uint64_t rng;
static uint64_t b_lo, b_hi; /* the balloonable last 2 MiB (GFNs) */

struct probe {
	const char *name;
	const char *op;
	uint64_t addr; /* absolute, or relative to the end of RAM if rel */
	bool rel_end;
	bool rel_base;
};

static const struct probe probes[] = {
	{ "after-ram-read", "read", 0, true, false },
	{ "after-ram-write", "write", 4096, true, false },
	{ "before-ram-write", "write", -4096ULL, false, true },
	{ "zero-read", "read", 0, false, false },
	{ "far-read", "read", 0xfffffff000ULL, false, false },
	{ "far-write", "write", 0x8000000000ULL - 8, false, false },
	{ "exec-outside", "exec", 1UL << 20, true, false },
#ifdef __riscv
	/* QEMU's virtio-mmio and flash: not given to guests. */
	{ "device-write", "write", 0x10001000, false, false },
	{ "flash-read", "read", 0x20000000, false, false },
#else
	{ "device-write", "write", 0x0a000000, false, false },
	{ "flash-read", "read", 0x00000000, false, false },
#endif
};

static uint64_t r64(void)
{
	return rt_rand(&rng);
}

/* An argument: mostly plausible values, sometimes garbage. */
static uint64_t rand_arg(void)
{
	uint64_t end = rt_env.ram_base + rt_env.ram_size;

	switch (r64() % 10) {
	case 0:
		return r64();
	case 1:
		return r64() % 16;
	case 2:
	case 3:
		return (uintptr_t)scratch + r64() % (SCRATCH_SIZE - 64);
	case 4:
		return end - (r64() % 64);
	case 5:
		return end + (r64() % (1UL << 30));
	case 6:
		return ~0ULL - (r64() % 64);
	case 7:
		return (b_lo + r64() % (b_hi - b_lo)) << PAGE_SHIFT;
	case 8:
		return r64() % rt_env.ram_base;
	default:
		return (uint32_t)r64();
	}
}

static uint64_t rand_gfn(void)
{
	switch (r64() % 4) {
	case 0:
		return r64();
	case 1:
		return (rt_env.ram_base + rt_env.ram_size) / PAGE_SIZE +
		       r64() % 1024;
	default:
		return b_lo + r64() % (b_hi - b_lo);
	}
}

static void fill_scratch(void)
{
	uint64_t *w = (uint64_t *)scratch;

	for (unsigned int i = 0; i < SCRATCH_SIZE / 8; i++)
		w[i] = rand_arg();
}

/* Make the scratch area a plausible, but harmless, argument of @nr. */
static void shape_scratch(unsigned long nr, unsigned long *a)
{
	switch (nr) {
	case XL_HC_MEMORY_OP: {
		struct xl_memory_reservation *r = (void *)scratch;
		uint64_t *g = (uint64_t *)(scratch + 4096);

		for (unsigned int i = 0; i < 64; i++)
			g[i] = rand_gfn();
		if (r64() % 4) {
			r->extent_start = (uintptr_t)g;
			r->nr_extents = r64() % 70;
			r->extent_order = r64() % 3 ? 0 :
						      (r64() % 2 ? 9 : r64());
			r->domid = r64() % 4 ? XL_DOMID_SELF : (uint16_t)r64();
		}
		a[1] = r64() % 8 ? (uintptr_t)scratch : rand_arg();
		break;
	}
	case XL_HC_MMUEXT_OP: {
		struct xl_mmuext_op *op = (void *)scratch;

		for (unsigned int i = 0; i < 64; i++) {
			op[i].cmd = r64() % 14;
			/* A new root would turn on paging with junk. */
			if (op[i].cmd == XL_MMUEXT_NEW_BASEPTR)
				op[i].cmd = XL_MMUEXT_TLB_FLUSH_ALL;
			op[i].pad = r64() % 8 ? 0 : (uint32_t)r64();
			op[i].arg1 = r64() % 2 ? rand_gfn() : r64();
			op[i].arg2 = r64();
		}
		break;
	}
	case XL_HC_MMU_UPDATE: {
		struct xl_mmu_update *u = (void *)scratch;

		for (unsigned int i = 0; i < 64; i++) {
			u[i].ptr = r64() % 2 ? rand_gfn() << PAGE_SHIFT |
						       (r64() & 0xff8) :
					       rand_arg();
			u[i].val = r64();
		}
		break;
	}
	case XL_HC_MULTICALL: {
		struct xl_multicall_entry *e = (void *)scratch;

		for (unsigned int i = 0; i < 64; i++) {
			e[i].op = r64() % (XL_HC_NR + 2);
			for (unsigned int j = 0; j < 5; j++)
				e[i].args[j] = rand_arg();
			if (e[i].op == XL_HC_DOMAIN_SHUTDOWN)
				e[i].args[0] = 3 + r64() % 100;
			if (e[i].op == XL_HC_CONSOLE_WRITE)
				e[i].args[0] = ~0ULL - 8;
			if (e[i].op == XL_HC_MEMORY_OP)
				e[i].args[1] = r64();
		}
		break;
	}
	}
}

static void fuzz_hypercalls(unsigned long n, unsigned long *errors)
{
	for (unsigned long i = 0; i < n; i++) {
		unsigned long nr = r64() % (XL_HC_NR + 3), a[5];

		for (unsigned int j = 0; j < 5; j++)
			a[j] = rand_arg();
		fill_scratch();
		if (r64() % 4 == 0)
			nr = r64();
		switch (nr) {
		case XL_HC_DOMAIN_SHUTDOWN:
			a[0] = 3 + r64() % 1000;
			break;
		case XL_HC_CONSOLE_WRITE:
			/* Only unreadable buffers: keep the log clean. */
			if (r64() % 2)
				a[0] = rt_env.ram_base + rt_env.ram_size +
				       r64() % 4096;
			else
				a[1] = 0;
			break;
		case XL_HC_MEMORY_OP:
		case XL_HC_MMUEXT_OP:
		case XL_HC_MMU_UPDATE:
		case XL_HC_MULTICALL:
			shape_scratch(nr, a);
			if (nr != XL_HC_MEMORY_OP) {
				a[0] = r64() % 8 ? (uintptr_t)scratch : a[0];
				a[1] = r64() % 4 ? r64() % 70 : a[1];
				a[2] = r64() % 2 ? (uintptr_t)scratch + 8192 :
						   a[2];
			} else {
				a[0] = r64() % 4 ? r64() % 8 : a[0];
			}
			break;
		}
		if (xl_hypercall(nr, a[0], a[1], a[2], a[3], a[4]) < 0)
			(*errors)++;
	}
}

#ifdef __riscv
static const unsigned long fw_ids[] = {
	0x10,	    0x54494D45, 0x735049,   0x52464E43, 0x48534D,
	0x4442434E, 0x504D55,	0x53555350, 0x43505043,
};
#else
static const unsigned long fw_ids[] = {
	0x84000000, 0xC4000003, 0x84000004, 0xC4000004, 0x84000005,
	0x84000006, 0x84000007, 0x8400000A, 0x80000000, 0x80000001,
	0x80008000, 0xC6000000, 0x86000000, 0xC5000000,
};
#endif

/* Firmware calls that would end or stop the caller stay out of reach. */
static bool fw_fatal(unsigned long ext, unsigned long *fn, unsigned long *a)
{
#ifdef __riscv
	if (ext == 0x48534D) { /* HSM */
		if (*fn == 1 || *fn == 3)
			return true;
		if (*fn == 0)
			a[0] = rt_env.info.nr_vcpus + r64() % 1000;
	}
	if (ext == 0x4442434E && *fn != 1) /* DBCN: only unreadable bytes */
		a[1] = (rt_env.ram_base + rt_env.ram_size) + (r64() & 0xffff);
	if (ext == 0x4442434E && *fn == 2)
		return true;
	if (ext == 0x53555350) /* SUSP */
		return true;
	return false;
#else
	if (*fn == 0xC4000003 || *fn == 0x84000003) /* CPU_ON elsewhere */
		a[0] = rt_env.info.nr_vcpus + r64() % 1000;
	return *fn == 0x84000002 || *fn == 0x84000008 || *fn == 0x84000009 ||
	       *fn == 0x84000001 || *fn == 0xC4000001 || *fn == 0xC4000012 ||
	       *fn == 0x84000012 || *fn == 0xC400000E || *fn == 0x8400000E ||
	       *fn == 0x8400000C || *fn == 0xC400000C;
#endif
}

static void fuzz_firmware(unsigned long n, unsigned long *errors)
{
	for (unsigned long i = 0; i < n; i++) {
		unsigned long ext = fw_ids[r64() % ARRAY_SIZE(fw_ids)];
		unsigned long fn, a[6];

#ifdef __riscv
		fn = r64() % 4 ? r64() % 8 : r64();
		if (r64() % 8 == 0)
			ext = 0x10000 + (uint32_t)r64(); /* unknown EIDs */
#else
		fn = r64() % 4 ? ext + r64() % 4 : (uint32_t)r64();
		ext = 0;
#endif
		for (unsigned int j = 0; j < 6; j++)
			a[j] = rand_arg();
		if (fw_fatal(ext, &fn, a))
			continue;
#ifndef __riscv
		if ((fn & 0xffff0000UL) == 0xC6000000UL ||
		    (fn & 0xffff0000UL) == 0x86000000UL)
			continue; /* xen-lite's own range: fuzzed above */
#endif
		if (fw_call(ext, fn, a[0], a[1], a[2], a[3], a[4], a[5]).error)
			(*errors)++;
	}
}

static void fixed_checks(void)
{
	uint64_t end = rt_env.ram_base + rt_env.ram_size;
	long rc;

	rc = xl_hypercall(XL_HC_DOMAIN_INFO, end, 0, 0, 0, 0);
	rt_check(rc == -XL_EFAULT, "info_outside_efault", "returned %ld", rc);
	rc = xl_hypercall(XL_HC_DOMAIN_INFO, end - 8, 0, 0, 0, 0);
	rt_check(rc == -XL_EFAULT, "info_straddling_efault", "returned %ld",
		 rc);
	rc = xl_hypercall(XL_HC_DOMAIN_INFO, ~0UL - 7, 0, 0, 0, 0);
	rt_check(rc == -XL_EFAULT, "info_wrap_efault", "returned %ld", rc);
	rc = xl_hypercall(XL_HC_MEMORY_OP, XL_MEM_DECREASE_RESERVATION, end, 0,
			  0, 0);
	rt_check(rc == -XL_EFAULT, "memop_outside_efault", "returned %ld", rc);
	rc = xl_hypercall(XL_HC_CONSOLE_WRITE, end - 2, 4096, 0, 0, 0);
	rt_check(rc <= 2, "console_straddling", "returned %ld", rc);
}

static long run_data_code(void)
{
#ifdef __riscv
	static const uint32_t code[] = { 0x02a00513,
					 0x00008067 }; /* li a0,42; ret */
#else
	static const uint32_t code[] = { 0xd2800540,
					 0xd65f03c0 }; /* mov x0,#42; ret */
#endif
	uint32_t *buf = (uint32_t *)(scratch + SCRATCH_SIZE - 4096);
	long (*fn)(void) = (long (*)(void))(uintptr_t)buf;

	buf[0] = code[0];
	buf[1] = code[1];
	arch_sync_icache(buf, sizeof(code));
	return fn();
}

int test_main(void)
{
	unsigned long n = rt_arg_ul("fuzz", 2000), hc_err = 0, fw_err = 0;
	char name[32] = "after-ram-write";
	const struct probe *p = NULL;
	uint64_t addr, v = 0, t0;
	long rc;

	rng = rt_arg_ul("seed", 1) * 0x9e3779b97f4a7c15ULL + rt_env.info.domid;
	b_hi = (rt_env.ram_base + rt_env.ram_size) >> PAGE_SHIFT;
	b_lo = b_hi - 512;
	rt_arg("probe", name, sizeof(name));
	for (unsigned int i = 0; i < ARRAY_SIZE(probes); i++) {
		if (!strcmp(probes[i].name, name))
			p = &probes[i];
	}
	if (!p)
		rt_panic("unknown probe '%s'", name);

	fixed_checks();
	t0 = rt_now_us();
	fuzz_hypercalls(n, &hc_err);
	fuzz_firmware(n, &fw_err);
	rt_printf(
		"fuzz: %lu hypercalls (%lu errors), %lu firmware calls (%lu errors) in %llu ms\n",
		n, hc_err, n, fw_err,
		(unsigned long long)(rt_now_us() - t0) / 1000);
	rt_ok("fuzz_survived");
	rc = run_data_code();
	rt_check(rc == 42, "exec_data_page", "returned %ld", rc);

	addr = p->addr;
	if (p->rel_end)
		addr += rt_env.ram_base + rt_env.ram_size;
	if (p->rel_base)
		addr += rt_env.ram_base;
	rt_printf("probe %s: %s %#llx: expect a crash\n", p->name, p->op,
		  (unsigned long long)addr);
	rt_udelay(rt_arg_ul("delay_ms", 0) * 1000);
	if (!strcmp(p->op, "write")) {
		*(volatile uint64_t *)(uintptr_t)addr = 0xbadc0ffee0ddf00dULL;
	} else if (!strcmp(p->op, "exec")) {
		v = ((long (*)(void))(uintptr_t)addr)();
	} else {
		v = *(volatile uint64_t *)(uintptr_t)addr;
	}
	rt_fail("not_crashed", "%s %s %#llx completed (value %#llx)", p->name,
		p->op, (unsigned long long)addr, (unsigned long long)v);
	return 0;
}
