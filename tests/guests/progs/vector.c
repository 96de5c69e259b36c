// SPDX-License-Identifier: MIT
/*
 * vector: the RISC-V vector unit of a guest (issue 19 item 5). Either the
 * device tree's riscv,isa lists V and the vector state (v0..v31, vl,
 * vtype, vstart, vxrm, vxsat) is each vCPU's own across every switch of
 * its pCPU, or it does not list V and every vector instruction is an
 * illegal instruction to the guest: never half-visible.
 *
 * With V, every vCPU of the domain loads all 32 registers with its own
 * random data (seeded by domain ID, vCPU and round), sets vl and vtype
 * (vsetvl with a random element width and AVL), vxrm and vxsat (vcsr)
 * and vstart (half of spin_us between the vsetvl and the CSR writes; 12 ms
 * in every fourth round), then spins the rest of spin_us=N microseconds
 * (default 1500; 12 ms in every fourth round) so that
 * other vCPUs sharing its pCPU (run.sh pins them so: vCPUs of this domain
 * and of another) run and use their own vector state, then reads it all
 * back and compares. For ms=N milliseconds (default 2000); one check per
 * vCPU. xen-lite loads a vCPU's vector state lazily (the first vector
 * instruction after a switch traps to it), so each round's first
 * instruction after a switch (the csrr vstart) is such a trap.
 *   want_v=1  the device tree must list V (QEMU 10 -cpu max)
 *   want_v=0  it must not
 *
 * senvcfg alike: a guest either cannot reach it (an illegal instruction:
 * hstateen0.ENVCFG closed on a hart with Smstateen) or it is each vCPU's
 * own: it starts at 0 and every round writes FIOM (the bit every hart
 * with senvcfg implements) to a random value and checks it after the
 * spin, with V or without.
 */
#include <rt.h>

const char rt_suite[] = "vector";

#ifdef __riscv
#define VLENB_MAX 256 /* VLEN 2048: QEMU's largest is 1024 */
#define SSTATUS_VS (3UL << 9)

#define V_ASM(s) ".option push\n.option arch, +v\n" s "\n.option pop\n"

struct vstate {
	unsigned long vl, vtype, vcsr, vstart;
};

struct result {
	unsigned long rounds, bad, first_round, env_bad, fp_bad;
	bool fp_reset_bad;
	struct vstate want, got;
	unsigned long first_reg_byte;
	volatile int done;
};

#define CSR_SENVCFG "0x10a"
static bool senvcfg_ok;

static void rd_senvcfg(void *p)
{
	unsigned long v;

	asm volatile("csrr %0, " CSR_SENVCFG : "=r"(v));
	*(unsigned long *)p = v;
}

static unsigned long senvcfg_rw(unsigned long fiom)
{
	unsigned long v;

	asm volatile("csrw " CSR_SENVCFG ", %1\n csrr %0, " CSR_SENVCFG
		     : "=r"(v)
		     : "r"(fiom)
		     : "memory");
	return v;
}

/*
 * The FP registers (D), each vCPU's own across the switches too: every
 * round loads f0..f31 and fcsr with random values before the spin and
 * compares them after it ("fp_vcpuN"). vCPU1 first spins fp_late_ms
 * (default 300) without touching FP while the others use it on the same
 * pCPU, then reads f0..f31 and fcsr: a vCPU that never used FP has them
 * all zero (its reset state), whatever the pCPU's FP file held
 * ("fp_reset"; xen-lite skips the restore when both are in that state).
 */
#define F_ASM(s) ".option push\n.option arch, +d\n" s "\n.option pop\n"
#define SSTATUS_FS_INITIAL (1UL << 13)

static void fs_on(void)
{
	asm volatile("csrs sstatus, %0" : : "r"(SSTATUS_FS_INITIAL) : "memory");
}

static void fp_load(const uint64_t *f, unsigned long fcsr)
{
	asm volatile(
		F_ASM("fld f0, 0(%0)\nfld f1, 8(%0)\nfld f2, 16(%0)\nfld f3, 24(%0)\nfld f4, 32(%0)\nfld f5, 40(%0)\nfld f6, 48(%0)\nfld f7, 56(%0)\nfld f8, 64(%0)\nfld f9, 72(%0)\nfld f10, 80(%0)\nfld f11, 88(%0)\nfld f12, 96(%0)\nfld f13, 104(%0)\nfld f14, 112(%0)\nfld f15, 120(%0)\nfld f16, 128(%0)\nfld f17, 136(%0)\nfld f18, 144(%0)\nfld f19, 152(%0)\nfld f20, 160(%0)\nfld f21, 168(%0)\nfld f22, 176(%0)\nfld f23, 184(%0)\nfld f24, 192(%0)\nfld f25, 200(%0)\nfld f26, 208(%0)\nfld f27, 216(%0)\nfld f28, 224(%0)\nfld f29, 232(%0)\nfld f30, 240(%0)\nfld f31, 248(%0)\nfscsr %1")
		:
		: "r"(f), "r"(fcsr)
		: "memory");
}

static unsigned long fp_store(uint64_t *f)
{
	unsigned long fcsr;

	asm volatile(
		F_ASM("fsd f0, 0(%1)\nfsd f1, 8(%1)\nfsd f2, 16(%1)\nfsd f3, 24(%1)\nfsd f4, 32(%1)\nfsd f5, 40(%1)\nfsd f6, 48(%1)\nfsd f7, 56(%1)\nfsd f8, 64(%1)\nfsd f9, 72(%1)\nfsd f10, 80(%1)\nfsd f11, 88(%1)\nfsd f12, 96(%1)\nfsd f13, 104(%1)\nfsd f14, 112(%1)\nfsd f15, 120(%1)\nfsd f16, 128(%1)\nfsd f17, 136(%1)\nfsd f18, 144(%1)\nfsd f19, 152(%1)\nfsd f20, 160(%1)\nfsd f21, 168(%1)\nfsd f22, 176(%1)\nfsd f23, 184(%1)\nfsd f24, 192(%1)\nfsd f25, 200(%1)\nfsd f26, 208(%1)\nfsd f27, 216(%1)\nfsd f28, 224(%1)\nfsd f29, 232(%1)\nfsd f30, 240(%1)\nfsd f31, 248(%1)\nfrcsr %0")
		: "=r"(fcsr)
		: "r"(f)
		: "memory");
	return fcsr;
}

static uint64_t fp_in[RT_MAX_CPUS][32], fp_out[RT_MAX_CPUS][32];

/* Random f0..f31 and fcsr (frm 0..4, fflags): Return: the fcsr. */
static unsigned long fp_set(unsigned long cpu, uint64_t *seed)
{
	unsigned long fcsr = (rt_rand(seed) % 5) << 5 | (rt_rand(seed) & 31);

	for (unsigned int i = 0; i < 32; i++)
		fp_in[cpu][i] = rt_rand(seed);
	fp_load(fp_in[cpu], fcsr);
	return fcsr;
}

static bool fp_same(unsigned long cpu, unsigned long fcsr)
{
	return fp_store(fp_out[cpu]) == fcsr &&
	       !memcmp(fp_in[cpu], fp_out[cpu], sizeof(fp_in[cpu]));
}

static uint8_t bufs[RT_MAX_CPUS][2][32 * VLENB_MAX] __aligned(64);
static struct result results[RT_MAX_CPUS];
static unsigned long vlenb;

static bool has_v(void)
{
	const char *p = rt_env.isa;

	if (!strncmp(p, "rv64", 4))
		p += 4;
	for (; *p && *p != '_'; p++)
		if (*p == 'v')
			return true;
	return false;
}

static void vs_on(void)
{
	asm volatile("csrs sstatus, %0" : : "r"(SSTATUS_VS) : "memory");
}

static void rd_vlenb(void *p)
{
	unsigned long v;

	asm volatile(V_ASM("csrr %0, vlenb") : "=r"(v));
	*(unsigned long *)p = v;
}

static void do_vsetvli(void *p)
{
	unsigned long vl;

	asm volatile(V_ASM("vsetvli %0, x0, e8, m1, ta, ma") : "=r"(vl));
	*(unsigned long *)p = vl;
}

static void do_vadd(void *p)
{
	asm volatile(V_ASM("vadd.vv v1, v2, v3") : : : "memory");
}

static void load_all(const uint8_t *p)
{
	unsigned long step = vlenb * 8;

	asm volatile(V_ASM("vl8re8.v v0, (%0)\n"
			   "add %0, %0, %1\n"
			   "vl8re8.v v8, (%0)\n"
			   "add %0, %0, %1\n"
			   "vl8re8.v v16, (%0)\n"
			   "add %0, %0, %1\n"
			   "vl8re8.v v24, (%0)")
		     : "+r"(p)
		     : "r"(step)
		     : "memory");
}

static void store_all(uint8_t *p)
{
	unsigned long step = vlenb * 8;

	asm volatile(V_ASM("vs8r.v v0, (%0)\n"
			   "add %0, %0, %1\n"
			   "vs8r.v v8, (%0)\n"
			   "add %0, %0, %1\n"
			   "vs8r.v v16, (%0)\n"
			   "add %0, %0, %1\n"
			   "vs8r.v v24, (%0)")
		     : "+r"(p)
		     : "r"(step)
		     : "memory");
}

/*
 * Set the state of @s (vstart last: every vector instruction clears it),
 * spinning @gap_us between the vsetvl and the CSR writes: a switch of the
 * pCPU in that gap saves the state with the vsetvl in it, so only the CSR
 * writes can tell the hypervisor that it changed again. (QEMU marks only
 * vsstatus.VS Dirty for a CSR write at V = 1, not the HS-level sstatus.VS:
 * a hypervisor trusting sstatus.VS alone lost vcsr and vstart.)
 */
static void set_state(struct vstate *s, unsigned long avl, unsigned long gap_us)
{
	unsigned long vl;

	asm volatile(V_ASM("vsetvl %0, %1, %2")
		     : "=r"(vl)
		     : "r"(avl), "r"(s->vtype)
		     : "memory");
	s->vl = vl;
	rt_udelay(gap_us);
	asm volatile(V_ASM("csrw vcsr, %0\n csrw vstart, %1")
		     :
		     : "r"(s->vcsr), "r"(s->vstart)
		     : "memory");
}

/* Read it back (vstart first, then clear it for the register stores). */
static void get_state(struct vstate *s)
{
	asm volatile(V_ASM("csrr %0, vstart\n csrw vstart, x0\n"
			   "csrr %1, vl\n csrr %2, vtype\n csrr %3, vcsr")
		     : "=r"(s->vstart), "=r"(s->vl), "=r"(s->vtype),
		       "=r"(s->vcsr)
		     :
		     : "memory");
}

static void worker(unsigned long cpu)
{
	struct result *r = &results[cpu];
	uint8_t *in = bufs[cpu][0], *out = bufs[cpu][1];
	uint64_t seed = rt_mix(((uint64_t)rt_env.dt_domid << 32) | (cpu + 1));
	uint64_t end = rt_now_us() + rt_arg_ul("ms", 2000) * 1000;
	unsigned long spin = rt_arg_ul("spin_us", 1500);
	size_t len = 32 * vlenb;

	if (vlenb)
		vs_on();
	fs_on();
	if (cpu == 1) {
		rt_udelay(rt_arg_ul("fp_late_ms", 300) * 1000);
		r->fp_reset_bad = !fp_same(cpu, 0);
	}
	while (rt_now_us() < end) {
		struct vstate want, got;
		uint64_t x = rt_rand(&seed);
		unsigned long half;
		unsigned long fiom = (x >> 13) & 1;
		unsigned long fcsr = fp_set(cpu, &seed);
		size_t i;

		if (senvcfg_ok)
			senvcfg_rw(fiom);
		if (!vlenb) {
			rt_udelay(spin);
			r->rounds++;
			if (senvcfg_ok && senvcfg_rw(fiom) != fiom)
				r->env_bad++;
			if (!fp_same(cpu, fcsr))
				r->fp_bad++;
			continue;
		}
		for (i = 0; i < len; i += 8) {
			uint64_t w = rt_rand(&seed);

			memcpy(in + i, &w, 8);
		}
		load_all(in);
		/* SEW 8..64, LMUL 1, ta/ma random; AVL 1..40. */
		want.vtype = ((x & 3) << 3) | (((x >> 2) & 3) << 6);
		want.vcsr = (x >> 4) & 7;
		want.vstart = (x >> 7) & 7;
		/*
		 * Every fourth round spans a scheduling slice (10 ms) on
		 * each side of the CSR writes: while other vCPUs share the
		 * pCPU, its state is then saved between the vsetvl and the
		 * CSR writes and the unit taken by another vCPU after them.
		 */
		half = r->rounds % 4 == 3 ? 12000 : spin / 2;
		set_state(&want, ((x >> 10) % 40) + 1, half);
		rt_udelay(half);
		get_state(&got);
		store_all(out);
		r->rounds++;
		if (senvcfg_ok && senvcfg_rw(fiom) != fiom)
			r->env_bad++;
		if (!fp_same(cpu, fcsr))
			r->fp_bad++;
		if (got.vl != want.vl || got.vtype != want.vtype ||
		    got.vcsr != want.vcsr || got.vstart != want.vstart ||
		    memcmp(in, out, len)) {
			if (!r->bad++) {
				r->first_round = r->rounds;
				r->want = want;
				r->got = got;
				for (i = 0; i < len && in[i] == out[i]; i++)
					;
				r->first_reg_byte = i;
			}
		}
	}
	WRITE_ONCE(r->done, 1);
}

static void secondary(unsigned long cpu)
{
	worker(cpu);
}

/* Start the workers on every vCPU, collect and check their results. */
static void run_workers(unsigned long n)
{
	for (unsigned long i = 1; i < n; i++)
		rt_check(!rt_cpu_start(i, secondary, i), "start",
			 "vCPU%lu did not start", i);
	worker(0);
	for (unsigned long i = 0; i < n; i++) {
		struct result *r = &results[i];
		uint64_t end = rt_now_us() + 30000000;
		char name[24];

		while (!READ_ONCE(r->done) && rt_now_us() < end)
			arch_relax();
		rt_snprintf(name, sizeof(name), "state_vcpu%lu", i);
		if (!READ_ONCE(r->done)) {
			rt_fail(name, "did not finish");
			continue;
		}
		rt_printf("vCPU%lu: %lu rounds\n", i, r->rounds);
		if (vlenb)
			rt_check(r->rounds > 0 && !r->bad, name,
				 "%lu of %lu rounds lost state, first round "
				 "%lu: vl %lu/%lu vtype %#lx/%#lx vcsr %lu/%lu "
				 "vstart %lu/%lu, registers differ from byte "
				 "%lu",
				 r->bad, r->rounds, r->first_round, r->got.vl,
				 r->want.vl, r->got.vtype, r->want.vtype,
				 r->got.vcsr, r->want.vcsr, r->got.vstart,
				 r->want.vstart, r->first_reg_byte);
		rt_snprintf(name, sizeof(name), "fp_vcpu%lu", i);
		rt_check(r->rounds > 0 && !r->fp_bad, name,
			 "f0..f31 or fcsr changed behind the vCPU in %lu of "
			 "%lu rounds",
			 r->fp_bad, r->rounds);
		if (i == 1)
			rt_check(
				!r->fp_reset_bad, "fp_reset",
				"f0..f31 and fcsr not all zero at the first FP "
				"use of vCPU1");
		if (senvcfg_ok) {
			rt_snprintf(name, sizeof(name), "senvcfg_vcpu%lu", i);
			rt_check(r->rounds > 0 && !r->env_bad, name,
				 "senvcfg.FIOM changed behind the vCPU in %lu "
				 "of %lu rounds",
				 r->env_bad, r->rounds);
		}
	}
}

int test_main(void)
{
	bool v = has_v();
	struct rt_fault f = { 0 };
	unsigned long n = rt_env.nr_cpus, val = 0;
	char buf[4];

	if (n > RT_MAX_CPUS)
		n = RT_MAX_CPUS;
	if (rt_arg("want_v", buf, sizeof(buf)))
		rt_check(v == (buf[0] == '1'), "isa",
			 "riscv,isa \"%.60s...\" %s V", rt_env.isa,
			 v ? "lists" : "does not list");
	/* senvcfg: out of reach (cause 2), or starting at 0. */
	senvcfg_ok = !rt_catch(rd_senvcfg, &val, &f);
	if (senvcfg_ok)
		rt_check(val == 0, "senvcfg_fresh", "senvcfg %#lx at boot",
			 val);
	else
		rt_check(f.cause == 2, "senvcfg_hidden",
			 "senvcfg read trapped with cause %lu", f.cause);
	vs_on();
	if (!v) {
		/*
		 * Hidden: even with the guest's own sstatus.VS on, vector
		 * instructions and CSRs are illegal instructions (cause 2).
		 */
		bool t1 = rt_catch(rd_vlenb, &val, &f);

		rt_check(t1 && f.cause == 2, "hidden_csr",
			 "csrr vlenb %s (cause %lu, value %lu)",
			 t1 ? "trapped" : "executed", f.cause, val);
		t1 = rt_catch(do_vsetvli, &val, &f);
		rt_check(t1 && f.cause == 2, "hidden_vsetvli",
			 "vsetvli %s (cause %lu)", t1 ? "trapped" : "executed",
			 f.cause);
		t1 = rt_catch(do_vadd, &val, &f);
		rt_check(t1 && f.cause == 2, "hidden_vadd",
			 "vadd.vv %s (cause %lu)", t1 ? "trapped" : "executed",
			 f.cause);
		vlenb = 0;
		if (senvcfg_ok)
			run_workers(n);
		return 0;
	}
	if (!rt_check(!rt_catch(rd_vlenb, &vlenb, &f), "vlenb",
		      "csrr vlenb trapped (cause %lu)", f.cause))
		return 1;
	if (!rt_check(vlenb >= 16 && vlenb <= VLENB_MAX &&
			      !(vlenb & (vlenb - 1)),
		      "vlenb_value", "vlenb %lu", vlenb))
		return 1;
	rt_printf("VLEN %lu bits, %lu vCPUs\n", vlenb * 8, n);
	run_workers(n);
	return 0;
}
#else
int test_main(void)
{
	return 0;
}
#endif
