// SPDX-License-Identifier: MIT
/*
 * tlat: virtual timer interrupt latency, measured by the guest from the
 * deadline it programmed to the first instruction of its interrupt
 * handler. One source, run natively (on the bare QEMU machine: the
 * runtime built with RT_NATIVE), as a domain of xen-lite, and (arm64,
 * RT_XEN) as a dom0less domain of Xen, by tests/bench/timer-latency.sh
 * and tests/bench/xen-arm64.sh.
 *
 * Each sample: arm the guest's own timer (RISC-V Sstc stimecmp, Arm
 * CNTV_CVAL_EL0 with the timer PPI 27 enabled in the GIC) delay_us ahead,
 * unmask interrupts and spin on a flag until the handler sets it.
 *
 * The handler's first instruction reads the counter. The counter ticks
 * every 16 ns (Arm, 62.5 MHz) or 100 ns (RISC-V, 10 MHz), and the
 * deadline is always on a tick, so that read alone would round the
 * latency down to a whole tick. Under -icount shift=0 one instruction is
 * one nanosecond, so the handler then spins until the counter's next tick
 * and counts the iterations (a known number of instructions each): the
 * tick's time minus the instructions spun is the time of the handler's
 * first instruction, to the instruction (within one loop iteration, 3 or
 * 4 ns, the same offset in every configuration, so it cancels in the
 * overhead). Without icount (mode=wall, the figures under load) the
 * count means nothing: the latency is the first read minus the deadline,
 * plus half a tick.
 *
 * mode=load is the other side of the figures under load: no timer, it
 * streams through a buffer of load_kb KiB (reads and writes, 64-byte
 * strides) for load_ms milliseconds of the counter, then prints its
 * passes.
 *
 * Output: "TLAT <name> <value>", latencies in nanoseconds over iters
 * samples after warm ones: median, mean, min, max, p90.
 */
#include <rt.h>

const char rt_suite[] = "tlat";

#define MAX_SAMPLES 4000

static volatile uint32_t fired;
static volatile uint64_t deadline; /* counter ticks */
static uint64_t freq;
static bool wall;
static uint32_t samples[MAX_SAMPLES];
static unsigned int nsamples;
static bool record;
static unsigned long spurious;
/*
 * mode=ipi: the counter at vCPU1's handler, and vCPU1's state; the
 * iterations of vCPU1's wait loop so far, and their number when its
 * handler ran.
 */
static volatile uint64_t ipi_t1, ipi_spins, ipi_spins1;
static volatile uint32_t ipi_fired, ipi_ready, ipi_stop;
static bool ipi_idle;

static uint64_t ns(uint64_t ticks)
{
	return ticks * 1000000000ULL / freq;
}

/*
 * @t1: the counter at the handler's first instruction; @k: iterations of
 * the handler's spin until the counter moved on; @pre, @loop: the
 * instructions before the spin and per iteration.
 */
static void sample(uint64_t t1, uint64_t k, unsigned int pre, unsigned int loop)
{
	uint64_t d = deadline, h;

	if (wall)
		h = ns(t1) + ns(1) / 2;
	else
		/* The tick fell between the last two reads: the middle. */
		h = ns(t1 + 1) - pre - loop * (k ? k - 1 : 0) + loop / 2;
	if (record && nsamples < MAX_SAMPLES)
		samples[nsamples++] = h > ns(d) ? (uint32_t)(h - ns(d)) : 0;
	WRITE_ONCE(fired, 1);
}

#if defined(__riscv)
#define CSR_STIMECMP 0x14d
#define SIE_STIE (1UL << 5)
#define SSTATUS_SIE (1UL << 1)
#define SCAUSE_STI ((1UL << 63) | 5)
#define SCAUSE_SSI ((1UL << 63) | 1)
#define SIP_SSIP (1UL << 1)
#define SIE_SSIE (1UL << 1)
#define SBI_EXT_IPI 0x735049UL

/*
 * The trap vector (direct mode). t4-t6 belong to it: the only code that
 * runs with interrupts enabled is wait_fired(), which clobbers them.
 */
asm(".pushsection .text.tlat, \"ax\"\n"
    ".balign 4\n"
    "tlat_trap:\n"
    "	rdtime	t6\n"
    "	li	t5, 0\n"
    "1:	rdtime	t4\n"
    "	addi	t5, t5, 1\n"
    "	beq	t4, t6, 1b\n"
    "	addi	sp, sp, -128\n"
    "	sd	ra, 0(sp)\n"
    "	sd	a0, 8(sp)\n"
    "	sd	a1, 16(sp)\n"
    "	sd	a2, 24(sp)\n"
    "	sd	a3, 32(sp)\n"
    "	sd	a4, 40(sp)\n"
    "	sd	a5, 48(sp)\n"
    "	sd	a6, 56(sp)\n"
    "	sd	a7, 64(sp)\n"
    "	sd	t0, 72(sp)\n"
    "	sd	t1, 80(sp)\n"
    "	sd	t2, 88(sp)\n"
    "	sd	t3, 96(sp)\n"
    "	mv	a0, t6\n"
    "	mv	a1, t5\n"
    "	call	tlat_irq\n"
    "	ld	ra, 0(sp)\n"
    "	ld	a0, 8(sp)\n"
    "	ld	a1, 16(sp)\n"
    "	ld	a2, 24(sp)\n"
    "	ld	a3, 32(sp)\n"
    "	ld	a4, 40(sp)\n"
    "	ld	a5, 48(sp)\n"
    "	ld	a6, 56(sp)\n"
    "	ld	a7, 64(sp)\n"
    "	ld	t0, 72(sp)\n"
    "	ld	t1, 80(sp)\n"
    "	ld	t2, 88(sp)\n"
    "	ld	t3, 96(sp)\n"
    "	addi	sp, sp, 128\n"
    "	sret\n"
    ".popsection\n");

extern char tlat_trap[];

void tlat_irq(uint64_t t1, uint64_t k);
void tlat_irq(uint64_t t1, uint64_t k)
{
	unsigned long cause, epc, tval;

	asm volatile("csrr %0, scause" : "=r"(cause));
	if (cause == SCAUSE_SSI) {
		/* mode=ipi, on vCPU1: an SBI IPI from vCPU0. */
		asm volatile("csrc sip, %0" ::"r"(SIP_SSIP));
		ipi_t1 = t1;
		ipi_spins1 = ipi_spins;
		WRITE_ONCE(ipi_fired, 1);
		return;
	}
	if (cause != SCAUSE_STI) {
		asm volatile("csrr %0, sepc; csrr %1, stval"
			     : "=r"(epc), "=r"(tval));
		rt_panic("unexpected trap: scause %#lx sepc %#lx stval %#lx",
			 cause, epc, tval);
	}
	/* Sstc: the pending bit follows stimecmp; move it away. */
	asm volatile("csrw %0, %1" ::"i"(CSR_STIMECMP), "r"(~0UL));
	/* rdtime t6 (1), li (1); then 3 per iteration. */
	sample(t1, k, 2, 3);
}

static void irq_init(void)
{
	asm volatile("csrw %0, %1" ::"i"(CSR_STIMECMP), "r"(~0UL));
	asm volatile("csrw stvec, %0; csrs sie, %1" ::"r"(tlat_trap),
		     "r"(SIE_STIE)
		     : "memory");
}

static void timer_arm(uint64_t when)
{
	asm volatile("csrw %0, %1" ::"i"(CSR_STIMECMP), "r"(when) : "memory");
}

static void wait_fired(void)
{
	asm volatile("csrs sstatus, %1\n"
		     "1:	lw	t0, 0(%0)\n"
		     "	beqz	t0, 1b\n"
		     "	csrc sstatus, %1\n" ::"r"(&fired),
		     "r"(SSTATUS_SIE)
		     : "t0", "t4", "t5", "t6", "memory");
}

static void ipi_cpu_init(void)
{
	asm volatile("csrw stvec, %0; csrs sie, %1" ::"r"(tlat_trap),
		     "r"(SIE_SSIE)
		     : "memory");
}

static void ipi_send(uint64_t hwid)
{
	/* SBI IPI send_ipi(hart_mask, hart_mask_base). */
	fw_call(SBI_EXT_IPI, 0, 1, hwid, 0, 0, 0, 0);
}

/*
 * vCPU1: interrupts on, until vCPU0 says stop, counting the iterations in
 * ipi_spins (the trap vector saves t1); idle=1: in wfi instead.
 */
static void ipi_wait(void)
{
	if (ipi_idle)
		asm volatile("csrs sstatus, %1\n"
			     "1:	wfi\n"
			     "	lw	t0, 0(%0)\n"
			     "	beqz	t0, 1b\n"
			     "	csrc sstatus, %1\n" ::"r"(&ipi_stop),
			     "r"(SSTATUS_SIE)
			     : "t0", "t4", "t5", "t6", "memory");
	else
		asm volatile("csrs sstatus, %2\n"
			     "1:	ld	t1, 0(%1)\n"
			     "	addi	t1, t1, 1\n"
			     "	sd	t1, 0(%1)\n"
			     "	lw	t0, 0(%0)\n"
			     "	beqz	t0, 1b\n"
			     "	csrc sstatus, %2\n" ::"r"(&ipi_stop),
			     "r"(&ipi_spins), "r"(SSTATUS_SIE)
			     : "t0", "t1", "t4", "t5", "t6", "memory");
}
#else
#ifdef RT_XEN
/* Xen's guest memory map (public/arch-arm.h, GUEST_GICV3_*). */
#define GICD_BASE 0x03001000UL
#define GICR_BASE 0x03020000UL
#else
/* QEMU virt's, which xen-lite's virtual GICv3 keeps (docs/arm.md). */
#define GICD_BASE 0x08000000UL
#define GICR_BASE 0x080a0000UL
#endif
#define GICR_WAKER 0x14
#define GICR_SGI 0x10000
#define GICR_IGROUPR0 (GICR_SGI + 0x80)
#define GICR_ISENABLER0 (GICR_SGI + 0x100)
#define GICR_IPRIORITYR (GICR_SGI + 0x400)
#define TIMER_PPI 27
#define IPI_SGI 1
#define GICR_STRIDE 0x20000UL /* RD + SGI frames per CPU */

static inline uint32_t rd32(unsigned long a)
{
	return *(volatile uint32_t *)a;
}

static inline void wr32(unsigned long a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

/*
 * The vector table. x15-x17 belong to the IRQ entry: the only code that
 * runs with IRQs unmasked is wait_fired(), which clobbers them.
 */
asm(".pushsection .text.tlat, \"ax\"\n"
    ".balign 2048\n"
    "tlat_vectors:\n"
    ".irp i, 0, 1, 2, 3, 4\n"
    ".balign 128\n"
    "	mov	x0, #\\i\n"
    "	b	tlat_bad\n"
    ".endr\n"
    ".balign 128\n" /* 0x280: IRQ, current EL, SP_ELx */
    "	mrs	x17, cntvct_el0\n"
    "	mov	x16, #0\n"
    "1:	mrs	x15, cntvct_el0\n"
    "	add	x16, x16, #1\n"
    "	cmp	x15, x17\n"
    "	b.eq	1b\n"
    "	b	tlat_irq_entry\n"
    ".irp i, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15\n"
    ".balign 128\n"
    "	mov	x0, #\\i\n"
    "	b	tlat_bad\n"
    ".endr\n"
    "tlat_irq_entry:\n"
    "	stp	x0, x1, [sp, #-176]!\n"
    "	stp	x2, x3, [sp, #16]\n"
    "	stp	x4, x5, [sp, #32]\n"
    "	stp	x6, x7, [sp, #48]\n"
    "	stp	x8, x9, [sp, #64]\n"
    "	stp	x10, x11, [sp, #80]\n"
    "	stp	x12, x13, [sp, #96]\n"
    "	stp	x14, x18, [sp, #112]\n"
    "	stp	x29, x30, [sp, #128]\n"
    "	mov	x0, x17\n"
    "	mov	x1, x16\n"
    "	bl	tlat_irq\n"
    "	ldp	x2, x3, [sp, #16]\n"
    "	ldp	x4, x5, [sp, #32]\n"
    "	ldp	x6, x7, [sp, #48]\n"
    "	ldp	x8, x9, [sp, #64]\n"
    "	ldp	x10, x11, [sp, #80]\n"
    "	ldp	x12, x13, [sp, #96]\n"
    "	ldp	x14, x18, [sp, #112]\n"
    "	ldp	x29, x30, [sp, #128]\n"
    "	ldp	x0, x1, [sp], #176\n"
    "	eret\n"
    "tlat_bad:\n"
    "	mrs	x1, esr_el1\n"
    "	mrs	x2, elr_el1\n"
    "	bl	tlat_bad_c\n"
    ".popsection\n");

extern char tlat_vectors[];

void tlat_bad_c(unsigned long vec, unsigned long esr, unsigned long elr);
void tlat_bad_c(unsigned long vec, unsigned long esr, unsigned long elr)
{
	rt_panic("unexpected exception: vector %lu ESR %#lx ELR %#lx", vec, esr,
		 elr);
}

void tlat_irq(uint64_t t1, uint64_t k);
void tlat_irq(uint64_t t1, uint64_t k)
{
	uint64_t iar;

	asm volatile("mrs %0, S3_0_C12_C12_0" : "=r"(iar)); /* ICC_IAR1_EL1 */
	if ((iar & 0xffffff) == IPI_SGI) {
		/* mode=ipi, on vCPU1: an SGI from vCPU0. */
		ipi_t1 = t1;
		ipi_spins1 = ipi_spins;
		WRITE_ONCE(ipi_fired, 1);
	} else if ((iar & 0xffffff) == TIMER_PPI) {
		asm volatile("msr cntv_ctl_el0, xzr; isb" ::: "memory");
		/* mrs (1), mov (1); then 4 per iteration. */
		sample(t1, k, 2, 4);
	} else {
		spurious++;
	}
	if ((iar & 0xffffff) < 1020)
		asm volatile("msr S3_0_C12_C12_1, %0; isb" /* ICC_EOIR1_EL1 */
			     ::"r"(iar)
			     : "memory");
}

/* This CPU's GIC side: its redistributor (frame @cpu), interrupt @intid
 * enabled in Group 1, the CPU interface open. */
static void gic_cpu_init(unsigned int cpu, unsigned int intid)
{
	unsigned long rd = GICR_BASE + cpu * GICR_STRIDE;
	uint64_t sre;
	uint32_t v;

	/* ICC_SRE_EL1.SRE: the system register interface (fixed 1 in a VM). */
	asm volatile("mrs %0, S3_0_C12_C12_5" : "=r"(sre));
	asm volatile("msr S3_0_C12_C12_5, %0; isb" ::"r"(sre | 1));
	/* Wake this CPU's redistributor (natively; RAZ/WI in a VM). */
	v = rd32(rd + GICR_WAKER);
	wr32(rd + GICR_WAKER, v & ~2U);
	for (int i = 0; i < 100000 && (rd32(rd + GICR_WAKER) & 4); i++)
		;
	wr32(rd + GICR_IGROUPR0, rd32(rd + GICR_IGROUPR0) | 1U << intid);
	v = rd32(rd + GICR_IPRIORITYR + (intid & ~3));
	v &= ~(0xffU << (8 * (intid & 3)));
	v |= 0x80U << (8 * (intid & 3));
	wr32(rd + GICR_IPRIORITYR + (intid & ~3), v);
	wr32(rd + GICR_ISENABLER0, 1U << intid);
	asm volatile("msr S3_0_C4_C6_0, %0" ::"r"(0xffUL)); /* ICC_PMR_EL1 */
	asm volatile("msr S3_0_C12_C12_3, xzr"); /* ICC_BPR1_EL1 */
	asm volatile("msr S3_0_C12_C12_7, %0; isb" ::"r"(1UL)); /* IGRPEN1 */
}

static void irq_init(void)
{
	asm volatile("msr vbar_el1, %0; isb" ::"r"(tlat_vectors));
	asm volatile("msr cntv_ctl_el0, xzr; isb");
	/* Distributor: ARE, Group 1 (and 0) enabled. */
	wr32(GICD_BASE, 0x13);
	gic_cpu_init(0, TIMER_PPI);
}

static void ipi_cpu_init(void)
{
	asm volatile("msr vbar_el1, %0; isb" ::"r"(tlat_vectors));
	gic_cpu_init(1, IPI_SGI);
}

static void ipi_send(uint64_t hwid)
{
	/* ICC_SGI1R_EL1: INTID, Aff3.Aff2.Aff1 of the target, its Aff0 as a
	 * bit of the target list. */
	uint64_t v = (uint64_t)IPI_SGI << 24 | ((hwid >> 8) & 0xff) << 16 |
		     ((hwid >> 16) & 0xff) << 32 | ((hwid >> 32) & 0xff) << 48 |
		     1UL << (hwid & 0xf);

	asm volatile("dsb ish; msr S3_0_C12_C11_5, %0; isb" ::"r"(v)
		     : "memory");
}

/* As on RISC-V (the IRQ vector saves x2). */
static void ipi_wait(void)
{
	if (ipi_idle)
		asm volatile("msr daifclr, #2\n"
			     "1:	wfi\n"
			     "	ldr	w1, [%0]\n"
			     "	cbz	w1, 1b\n"
			     "	msr	daifset, #2\n" ::"r"(&ipi_stop)
			     : "x1", "x15", "x16", "x17", "memory");
	else
		asm volatile("msr daifclr, #2\n"
			     "1:	ldr	x2, [%1]\n"
			     "	add	x2, x2, #1\n"
			     "	str	x2, [%1]\n"
			     "	ldr	w1, [%0]\n"
			     "	cbz	w1, 1b\n"
			     "	msr	daifset, #2\n" ::"r"(&ipi_stop),
			     "r"(&ipi_spins)
			     : "x1", "x2", "x15", "x16", "x17", "memory");
}

static void timer_arm(uint64_t when)
{
	asm volatile("msr cntv_cval_el0, %0\n"
		     "msr cntv_ctl_el0, %1\n"
		     "isb" ::"r"(when),
		     "r"(1UL)
		     : "memory");
}

static void wait_fired(void)
{
	asm volatile("msr daifclr, #2\n"
		     "1:	ldr	w1, [%0]\n"
		     "	cbz	w1, 1b\n"
		     "	msr	daifset, #2\n" ::"r"(&fired)
		     : "x1", "x15", "x16", "x17", "memory");
}
#endif

static void sort(uint32_t *a, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		uint32_t v = a[i];
		unsigned int j = i;

		for (; j && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

static uint64_t load_buf[2 << 20 >> 3]; /* 2 MiB */

static void load(void)
{
	unsigned long kb = rt_arg_ul("load_kb", sizeof(load_buf) >> 10);
	uint64_t end =
		arch_counter() + rt_arg_ul("load_ms", 1000) * freq / 1000;
	unsigned long words = (kb << 10) / 8, passes = 0;

	if (words > ARRAY_SIZE(load_buf))
		words = ARRAY_SIZE(load_buf);
	while (arch_counter() < end) {
		for (unsigned long i = 0; i < words; i += 8)
			load_buf[i] = load_buf[i] * 3 + i;
		passes++;
	}
	rt_printf("TLAT load_passes %lu\n", passes);
}

static void ipi_vcpu1(unsigned long unused)
{
	ipi_cpu_init();
	WRITE_ONCE(ipi_ready, 1);
	ipi_wait();
}

/*
 * mode=ipi (wall clock, two vCPUs on two CPUs): vCPU0 reads the counter
 * and sends vCPU1 an IPI (Arm SGI 1 through ICC_SGI1R_EL1; RISC-V SBI
 * send_ipi); vCPU1 spins with interrupts enabled, its handler's first
 * instruction reads the counter. The latency is the difference (the
 * counter is the same on both vCPUs). idle=1: vCPU1 waits in WFI instead
 * (under xen-lite its CPU idles in the hypervisor: the IPI must wake it).
 *
 * Whether a slow IPI is the hypervisor's or the host's: vCPU1's loop
 * counts its iterations, and vCPU0 reads the count once its send has
 * returned (by then xen-lite has raised the physical IPI: vcpu_kick() is
 * synchronous in the trap). run_after_send = the iterations vCPU1 still
 * made before its handler ran. A kick that does not bring a running
 * vCPU out of the guest (or one only seen at a later exit, such as a
 * scheduler tick) shows as vCPU1 spinning on, millions of iterations; a
 * host that does not run vCPU1's QEMU thread (the wall-clock tail on a
 * loaded machine) shows as a slow IPI with vCPU1 stopped. max_run=N
 * fails the run (check "kick_taken") if any IPI saw more than N.
 */
static void ipi(unsigned long iters, unsigned long warm)
{
	unsigned long max_run = rt_arg_ul("max_run", 0);
	uint64_t sum = 0, run_max = 0, run_sum = 0;
	unsigned long run_worst = 0;

	irq_init(); /* Arm: the distributor, and this CPU's ICC_SGI1R_EL1 */
	/*
	 * On bare firmware the other hart may not have reached OpenSBI's
	 * HSM wait yet when this one asks (the start then fails): retry.
	 */
	for (int t = 0;; t++) {
		long err = rt_env.nr_cpus < 2 ? -1 :
						rt_cpu_start(1, ipi_vcpu1, 0);

		if (!err)
			break;
		if (t == 100) {
			rt_fail("vcpu1", "cannot start vCPU1 (%ld)", err);
			return;
		}
		rt_udelay(1000);
	}
	for (unsigned long i = 0; i < 100000000 && !READ_ONCE(ipi_ready); i++)
		arch_relax();
	if (!rt_check(READ_ONCE(ipi_ready), "vcpu1", "vCPU1 did not come up"))
		return;
	for (unsigned long i = 0; i < warm + iters; i++) {
		uint64_t t0, wait_until;
		bool got = false;

		/* Let vCPU1 settle back into its spin (and vary the phase). */
		wait_until = arch_counter() + freq / 100000 + (i * 7) % 13;
		while (arch_counter() < wait_until)
			;
		uint64_t sent, run;

		WRITE_ONCE(ipi_fired, 0);
		t0 = arch_counter();
		ipi_send(rt_cpu_hwid(1));
		sent = READ_ONCE(ipi_spins);
		/*
		 * Up to 5 s of the counter (read every 4096 polls: a loaded
		 * host may not run vCPU1's QEMU thread for hundreds of ms).
		 */
		for (unsigned long k = 1;; k++) {
			if (READ_ONCE(ipi_fired)) {
				got = true;
				break;
			}
			if (!(k & 4095) && arch_counter() - t0 > 5 * freq)
				break;
		}
		if (!got) {
			rt_fail("ipi", "IPI %lu not received in 5 s", i);
			break;
		}
		if (i < warm)
			continue;
		if (nsamples < MAX_SAMPLES)
			samples[nsamples++] =
				ipi_t1 > t0 ? (uint32_t)ns(ipi_t1 - t0) : 0;
		run = ipi_spins1 > sent ? ipi_spins1 - sent : 0;
		run_sum += run;
		if (run > run_max) {
			run_max = run;
			run_worst = i;
		}
	}
	WRITE_ONCE(ipi_stop, 1);
	if (!ipi_idle) {
		rt_printf("TLAT ipi_run_after_send_max %llu\n",
			  (unsigned long long)run_max);
		rt_printf("TLAT ipi_run_after_send_mean %llu\n",
			  (unsigned long long)(nsamples ? run_sum / nsamples :
							  0));
	}
	if (max_run)
		rt_check(run_max <= max_run, "kick_taken",
			 "IPI %lu: vCPU1 ran %llu loop iterations after the "
			 "send returned before taking it (max_run %lu)",
			 run_worst, (unsigned long long)run_max, max_run);
	rt_check(nsamples == iters, "samples", "%u of %lu samples", nsamples,
		 iters);
	if (!nsamples)
		return;
	for (unsigned int i = 0; i < nsamples; i++)
		sum += samples[i];
	sort(samples, nsamples);
	rt_printf("TLAT median_ns %u\n", samples[nsamples / 2]);
	rt_printf("TLAT mean_ns %llu\n", (unsigned long long)(sum / nsamples));
	rt_printf("TLAT min_ns %u\n", samples[0]);
	rt_printf("TLAT p90_ns %u\n", samples[nsamples * 9 / 10]);
	rt_printf("TLAT max_ns %u\n", samples[nsamples - 1]);
}

int test_main(void)
{
	unsigned long iters = rt_arg_ul("iters", 500);
	unsigned long warm = rt_arg_ul("warm", 20);
	unsigned long delay_us = rt_arg_ul("delay_us", 5);
	uint64_t delay, sum = 0;

	freq = arch_counter_freq();
	if (iters > MAX_SAMPLES)
		iters = MAX_SAMPLES;
	if (rt_arg_is("mode", "load")) {
		load();
		return 0;
	}
	if (rt_arg_is("mode", "ipi")) {
		ipi_idle = rt_arg_ul("idle", 0);
		ipi(iters, warm);
		return 0;
	}
	wall = rt_arg_is("mode", "wall");
	/* Under load: start once the other domain is at work. */
	rt_udelay(rt_arg_ul("start_ms", 0) * 1000);
	delay = delay_us * freq / 1000000;
	irq_init();
	for (unsigned long i = 0; i < warm + iters; i++) {
		record = i >= warm;
		WRITE_ONCE(fired, 0);
		/* A varying extra delay: the deadlines fall on different
		 * phases of whatever the host does periodically. */
		deadline = arch_counter() + delay + (i * 7) % 13;
		timer_arm(deadline);
		wait_fired();
	}
	rt_check(nsamples == iters, "samples", "%u of %lu samples", nsamples,
		 iters);
	rt_check(!spurious, "no-spurious", "%lu other interrupts", spurious);
	if (!nsamples)
		return 0;
	for (unsigned int i = 0; i < nsamples; i++)
		sum += samples[i];
	sort(samples, nsamples);
	rt_printf("TLAT median_ns %u\n", samples[nsamples / 2]);
	rt_printf("TLAT mean_ns %llu\n", (unsigned long long)(sum / nsamples));
	rt_printf("TLAT min_ns %u\n", samples[0]);
	rt_printf("TLAT p90_ns %u\n", samples[nsamples * 9 / 10]);
	rt_printf("TLAT max_ns %u\n", samples[nsamples - 1]);
	return 0;
}
