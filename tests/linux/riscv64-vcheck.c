// SPDX-License-Identifier: GPL-2.0
/*
 * xl-vcheck: RISC-V vector state across Linux context switches, for the
 * Linux tests on a hart with V (tests/lib/linux.sh runs three at once on
 * the 2-vCPU domain). A static program without libc (raw system calls).
 *
 *   xl-vcheck ROUNDS   each round: v0..v31 loaded with data of this
 *                      process and round, vl/vtype (vsetvl) and vxrm/
 *                      vxsat (vcsr) set, 1 to 3 ms of scalar spinning
 *                      (the kernel preempts it: three processes on two
 *                      CPUs), then all of it read back and compared.
 *
 * No system call between the set and the check: Linux's vector ABI
 * clobbers the vector state across them.
 *
 * Its first vector instruction is also Linux's first-use trap (the
 * kernel starts a task with sstatus.VS Off) under xen-lite's own lazy
 * load (docs/riscv.md). Prints "xl-vcheck: N rounds ok" or where the
 * state changed; exit status 0, or 1.
 */
#define SYS_write 64
#define SYS_exit 93
#define SYS_getpid 172

#define V_ASM(s) ".option push\n.option arch, +v\n" s "\n.option pop\n"
#define VLENB_MAX 256

typedef unsigned long u64;

static long sys3(long n, long a, long b, long c)
{
	register long a7 asm("a7") = n;
	register long a0 asm("a0") = a;
	register long a1 asm("a1") = b;
	register long a2 asm("a2") = c;

	asm volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2) : "memory");
	return a0;
}

static void say(const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	sys3(SYS_write, 1, (long)s, n);
}

static void say_num(u64 v)
{
	char b[24];
	int i = 23;

	b[i] = 0;
	do {
		b[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	say(b + i);
}

static u64 rnd(u64 *s)
{
	u64 x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static unsigned char in[32 * VLENB_MAX], out[32 * VLENB_MAX];

void xl_main(long *sp)
{
	long argc = sp[0];
	const char *arg = argc > 1 ? (const char *)sp[2] : "100";
	u64 rounds = 0, vlenb, seed, r, bad = 0;

	while (*arg >= '0' && *arg <= '9')
		rounds = rounds * 10 + (u64)(*arg++ - '0');
	seed = 0x9e3779b97f4a7c15ULL * (u64)sys3(SYS_getpid, 0, 0, 0) | 1;
	asm volatile(V_ASM("csrr %0, vlenb") : "=r"(vlenb));
	if (vlenb < 16 || vlenb > VLENB_MAX) {
		say("xl-vcheck: vlenb out of range\n");
		sys3(SYS_exit, 1, 0, 0);
	}
	for (r = 0; r < rounds && !bad; r++) {
		u64 x = rnd(&seed), vl, vtype = ((x & 3) << 3) | (x & 0xc0);
		u64 vcsr = (x >> 8) & 7, gvl, gvtype, gvcsr, i;
		const unsigned char *p = in;
		unsigned char *q = out;
		u64 step = vlenb * 8;
		u64 t0, t;

		for (i = 0; i < 32 * vlenb; i += 8)
			*(u64 *)(in + i) = rnd(&seed);
		asm volatile(V_ASM("vl8re8.v v0, (%0)\n add %0, %0, %1\n"
				   "vl8re8.v v8, (%0)\n add %0, %0, %1\n"
				   "vl8re8.v v16, (%0)\n add %0, %0, %1\n"
				   "vl8re8.v v24, (%0)")
			     : "+r"(p)
			     : "r"(step)
			     : "memory");
		asm volatile(V_ASM("vsetvl %0, %1, %2\n csrw vcsr, %3")
			     : "=r"(vl)
			     : "r"(((x >> 16) % 40) + 1), "r"(vtype), "r"(vcsr)
			     : "memory");
		/* QEMU virt's timebase: 10 MHz. */
		asm volatile("rdtime %0" : "=r"(t0));
		do
			asm volatile("rdtime %0" : "=r"(t));
		while (t - t0 < 10000 + (x >> 20) % 20000);
		asm volatile(V_ASM("csrr %0, vl\n csrr %1, vtype\n"
				   "csrr %2, vcsr")
			     : "=r"(gvl), "=r"(gvtype), "=r"(gvcsr));
		asm volatile(V_ASM("vs8r.v v0, (%0)\n add %0, %0, %1\n"
				   "vs8r.v v8, (%0)\n add %0, %0, %1\n"
				   "vs8r.v v16, (%0)\n add %0, %0, %1\n"
				   "vs8r.v v24, (%0)")
			     : "+r"(q)
			     : "r"(step)
			     : "memory");
		if (gvl != vl || gvtype != vtype || gvcsr != vcsr)
			bad = 1;
		for (i = 0; i < 32 * vlenb && !bad; i++)
			if (in[i] != out[i])
				bad = 2 + i;
	}
	say("xl-vcheck: ");
	if (bad) {
		say("state lost in round ");
		say_num(r);
		say(bad == 1 ? " (vl, vtype or vcsr)\n" : " (registers)\n");
		sys3(SYS_exit, 1, 0, 0);
	}
	say_num(r);
	say(" rounds ok\n");
	sys3(SYS_exit, 0, 0, 0);
}

asm(".globl _start\n_start:\n\tmv a0, sp\n\tcall xl_main\n");
