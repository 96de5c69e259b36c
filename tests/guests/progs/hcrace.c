// SPDX-License-Identifier: MIT
/*
 * hcrace: RISC-V hypercalls and SBI calls on the hypervisor's short exit
 * path (arch/riscv/guest.S: the hypercall dispatch in assembly and the
 * checks before the entry skipped while the CPU's work pending word is
 * empty), under IPIs that race them.
 *
 * Every vCPU (vcpus = N, N >= 2, best more vCPUs than CPUs) loops for
 * ms=M milliseconds with interrupts enabled, making
 *   - XL_HC_VERSION, an unknown hypercall (-ENOSYS: SBI_ERR_NOT_SUPPORTED)
 *     and SBI BASE probe_extension(XL_SBI_EXT) from an assembly routine
 *     that loads a known value into every other register and checks them
 *     all afterwards (a0/a1 are the results; a1 unchanged on an error):
 *     "results", "registers";
 *   - a load from the virtual UART's LSR (an MMIO exit, which saves only
 *     part of the register file) into each of x1 and x5..x31 in turn,
 *     every other register set the same way and checked afterwards:
 *     "mmio_registers";
 *   - XL_HC_DOMAIN_INFO, whose side effect is the structure it writes:
 *     "domain_info";
 *   - an SBI IPI to the next vCPU, one at a time: the next one is sent
 *     only once the target's handler counted the previous one, within
 *     2 s. The IPI reaches a vCPU that exits only through the short path
 *     (or that the scheduler took off its CPU): its delivery needs the
 *     work word's bit (riscv_vcpu_notify()) and the checks it forces.
 *     "ipi_delivered", and each handler's count equals what its sender
 *     saw acknowledged ("ipi_count").
 * The handler (direct-mode stvec) saves every register it uses, so an
 * interrupt between the ecall and the check changes nothing either.
 *
 * Then vCPU0 and the last vCPU (which share a CPU: run.sh pins them so)
 * play ping-pong with IPIs through WFI, interrupts masked (sstatus.SIE
 * clear, sie.SSIE and STIE set), rounds=R times: each sends the other an
 * IPI and waits in WFI for the answer, with an SBI timer 1 s ahead as a
 * safety net. xen-lite's WFI returns only once an enabled interrupt is
 * pending (arch/riscv/inject.c, riscv_vcpu_wait()) and injects what woke
 * the vCPU before it enters it again, so right after every WFI sip must
 * show SSIP (or STIP: the answer was lost). The sender blocks in WFI and
 * hands its CPU straight to the woken one (sched_handover()), whose first
 * entry folds its interrupts in itself (vcpu_handover_entry()):
 * "wfi_woken_pending" (a WFI came back with nothing pending: the wake-up
 * was not injected before the entry) and "wfi_answered". Each WFI runs
 * with every other register set to a known value, checked afterwards: a
 * WFI that blocks switches to the other side without leaving the
 * hypervisor's exit path (arch/riscv/guest.S), which saves the register
 * file of one vCPU and loads the other's: "wfi_registers".
 * On arm64 the suite checks nothing and is not run (tests/guests/run.sh).
 */
#include <rt.h>

const char rt_suite[] = "hcrace";

#if defined(__riscv)
#define SBI_EXT_BASE 0x10UL
#define SBI_BASE_PROBE_EXT 3UL
#define SBI_EXT_IPI 0x735049UL
#define SBI_ERR_NOT_SUPPORTED (-2L)
#define SIE_SSIE (1UL << 1)
#define SIP_SSIP (1UL << 1)
#define SSTATUS_SIE (1UL << 1)
#define SCAUSE_SSI ((1UL << 63) | 1)
#define HC_UNKNOWN 9999UL

static unsigned int nr;
static volatile uint64_t got[RT_MAX_CPUS]; /* IPIs each handler took */
static volatile uint64_t acked[RT_MAX_CPUS]; /* IPIs its sender saw taken */
static volatile uint32_t finished[RT_MAX_CPUS], running;
static volatile uint64_t bad_regs[RT_MAX_CPUS], bad_result[RT_MAX_CPUS];
static volatile uint64_t bad_info[RT_MAX_CPUS], lost[RT_MAX_CPUS];
static volatile uint64_t calls[RT_MAX_CPUS];
static volatile uint64_t first_bad[RT_MAX_CPUS];

/*
 * regs_ecall(ext, fid, arg0, seed, out): ecall with a7 = ext, a6 = fid,
 * a0 = arg0 and every other register but sp, gp and tp = seed + its
 * number; out[n] = xn after the ecall (out[2] unused). Only a0 and a1
 * may change (SBI v2.0, "Binary Encoding"). regs_wfi(): the same around
 * a WFI, which changes no register.
 */
asm(".pushsection .text.hcrace, \"ax\"\n"
    ".macro REGS_TRAP name, insn\n"
    ".balign 4\n"
    ".globl \\name\n"
    "\\name:\n"
    "	addi	sp, sp, -128\n"
    "	sd	ra, 0(sp)\n"
    "	sd	s0, 8(sp)\n"
    "	sd	s1, 16(sp)\n"
    "	sd	s2, 24(sp)\n"
    "	sd	s3, 32(sp)\n"
    "	sd	s4, 40(sp)\n"
    "	sd	s5, 48(sp)\n"
    "	sd	s6, 56(sp)\n"
    "	sd	s7, 64(sp)\n"
    "	sd	s8, 72(sp)\n"
    "	sd	s9, 80(sp)\n"
    "	sd	s10, 88(sp)\n"
    "	sd	s11, 96(sp)\n"
    "	sd	a4, 104(sp)\n"
    "	mv	a7, a0\n"
    "	mv	a6, a1\n"
    "	mv	a0, a2\n"
    "	addi	ra, a3, 1\n"
    "	addi	t0, a3, 5\n"
    "	addi	t1, a3, 6\n"
    "	addi	t2, a3, 7\n"
    "	addi	s0, a3, 8\n"
    "	addi	s1, a3, 9\n"
    "	addi	a1, a3, 11\n"
    "	addi	a2, a3, 12\n"
    "	addi	a4, a3, 14\n"
    "	addi	a5, a3, 15\n"
    "	addi	s2, a3, 18\n"
    "	addi	s3, a3, 19\n"
    "	addi	s4, a3, 20\n"
    "	addi	s5, a3, 21\n"
    "	addi	s6, a3, 22\n"
    "	addi	s7, a3, 23\n"
    "	addi	s8, a3, 24\n"
    "	addi	s9, a3, 25\n"
    "	addi	s10, a3, 26\n"
    "	addi	s11, a3, 27\n"
    "	addi	t3, a3, 28\n"
    "	addi	t4, a3, 29\n"
    "	addi	t5, a3, 30\n"
    "	addi	t6, a3, 31\n"
    "	addi	a3, a3, 13\n"
    "	\\insn\n"
    "	sd	t0, 112(sp)\n"
    "	ld	t0, 104(sp)\n"
    "	sd	x1, 8(t0)\n"
    "	sd	x3, 24(t0)\n"
    "	sd	x4, 32(t0)\n"
    "	sd	x6, 48(t0)\n"
    "	sd	x7, 56(t0)\n"
    "	sd	x8, 64(t0)\n"
    "	sd	x9, 72(t0)\n"
    "	sd	x10, 80(t0)\n"
    "	sd	x11, 88(t0)\n"
    "	sd	x12, 96(t0)\n"
    "	sd	x13, 104(t0)\n"
    "	sd	x14, 112(t0)\n"
    "	sd	x15, 120(t0)\n"
    "	sd	x16, 128(t0)\n"
    "	sd	x17, 136(t0)\n"
    "	sd	x18, 144(t0)\n"
    "	sd	x19, 152(t0)\n"
    "	sd	x20, 160(t0)\n"
    "	sd	x21, 168(t0)\n"
    "	sd	x22, 176(t0)\n"
    "	sd	x23, 184(t0)\n"
    "	sd	x24, 192(t0)\n"
    "	sd	x25, 200(t0)\n"
    "	sd	x26, 208(t0)\n"
    "	sd	x27, 216(t0)\n"
    "	sd	x28, 224(t0)\n"
    "	sd	x29, 232(t0)\n"
    "	sd	x30, 240(t0)\n"
    "	sd	x31, 248(t0)\n"
    "	ld	t1, 112(sp)\n"
    "	sd	t1, 40(t0)\n"
    "	ld	ra, 0(sp)\n"
    "	ld	s0, 8(sp)\n"
    "	ld	s1, 16(sp)\n"
    "	ld	s2, 24(sp)\n"
    "	ld	s3, 32(sp)\n"
    "	ld	s4, 40(sp)\n"
    "	ld	s5, 48(sp)\n"
    "	ld	s6, 56(sp)\n"
    "	ld	s7, 64(sp)\n"
    "	ld	s8, 72(sp)\n"
    "	ld	s9, 80(sp)\n"
    "	ld	s10, 88(sp)\n"
    "	ld	s11, 96(sp)\n"
    "	addi	sp, sp, 128\n"
    "	ret\n"
    ".endm\n"
    "REGS_TRAP regs_ecall, ecall\n"
    "REGS_TRAP regs_wfi, wfi\n"
    /* The trap vector: every register it may change saved. */
    ".balign 4\n"
    "hcrace_trap:\n"
    "	addi	sp, sp, -256\n"
    "	sd	x1, 8(sp)\n"
    "	sd	x5, 40(sp)\n"
    "	sd	x6, 48(sp)\n"
    "	sd	x7, 56(sp)\n"
    "	sd	x10, 80(sp)\n"
    "	sd	x11, 88(sp)\n"
    "	sd	x12, 96(sp)\n"
    "	sd	x13, 104(sp)\n"
    "	sd	x14, 112(sp)\n"
    "	sd	x15, 120(sp)\n"
    "	sd	x16, 128(sp)\n"
    "	sd	x17, 136(sp)\n"
    "	sd	x28, 224(sp)\n"
    "	sd	x29, 232(sp)\n"
    "	sd	x30, 240(sp)\n"
    "	sd	x31, 248(sp)\n"
    "	call	hcrace_irq\n"
    "	ld	x1, 8(sp)\n"
    "	ld	x5, 40(sp)\n"
    "	ld	x6, 48(sp)\n"
    "	ld	x7, 56(sp)\n"
    "	ld	x10, 80(sp)\n"
    "	ld	x11, 88(sp)\n"
    "	ld	x12, 96(sp)\n"
    "	ld	x13, 104(sp)\n"
    "	ld	x14, 112(sp)\n"
    "	ld	x15, 120(sp)\n"
    "	ld	x16, 128(sp)\n"
    "	ld	x17, 136(sp)\n"
    "	ld	x28, 224(sp)\n"
    "	ld	x29, 232(sp)\n"
    "	ld	x30, 240(sp)\n"
    "	ld	x31, 248(sp)\n"
    "	addi	sp, sp, 256\n"
    "	sret\n"
    ".popsection\n");

void regs_ecall(unsigned long ext, unsigned long fid, unsigned long arg0,
		unsigned long seed, uint64_t *out);
void regs_wfi(unsigned long ext, unsigned long fid, unsigned long arg0,
	      unsigned long seed, uint64_t *out);
extern char hcrace_trap[];

void hcrace_irq(void);
void hcrace_irq(void)
{
	unsigned long cause, epc;

	asm volatile("csrr %0, scause; csrr %1, sepc" : "=r"(cause), "=r"(epc));
	if (cause != SCAUSE_SSI)
		rt_panic("unexpected trap: scause %#lx sepc %#lx", cause, epc);
	asm volatile("csrc sip, %0" ::"r"(SIP_SSIP));
	got[rt_cpu()]++;
}

static void irqs(bool on)
{
	if (on)
		asm volatile(
			"csrw stvec, %0; csrs sie, %1; csrs sstatus, %2" ::"r"(
				hcrace_trap),
			"r"(SIE_SSIE), "r"(SSTATUS_SIE)
			: "memory");
	else
		asm volatile("csrc sstatus, %0" ::"r"(SSTATUS_SIE) : "memory");
}

/*
 * One call through regs_ecall(): the result pair and every other register
 * as set. Return: false (and the first difference in first_bad[me]) if a
 * register changed.
 */
static bool call_checked(unsigned int me, unsigned long ext, unsigned long fid,
			 unsigned long arg0, uint64_t seed, long *err,
			 uint64_t *value)
{
	uint64_t out[32], gp, tp;
	bool ok = true;

	asm volatile("mv %0, gp; mv %1, tp" : "=r"(gp), "=r"(tp));
	regs_ecall(ext, fid, arg0, seed, out);
	*err = (long)out[10];
	*value = out[11];
	for (unsigned int n = 1; n < 32; n++) {
		uint64_t want = seed + n;

		if (n == 2 || n == 10 || (n == 11 && !*err))
			continue;
		if (n == 3)
			want = gp;
		else if (n == 4)
			want = tp;
		else if (n == 16)
			want = fid;
		else if (n == 17)
			want = ext;
		if (out[n] != want) {
			if (ok && !first_bad[me])
				first_bad[me] = (uint64_t)n << 56 |
						(out[n] & ((1ULL << 56) - 1));
			ok = false;
		}
	}
	return ok;
}

/*
 * mmio_rd_N(lsr, seed, out) for N = 1 and 5..31: a load of the virtual
 * UART's LSR (an MMIO exit) into xN, with every other register but sp, gp
 * and tp = seed + its number, except the base register of the load (x31,
 * or x30 for N = 31), which holds @lsr; out[n] = xn afterwards (out[2]
 * unused). The hypervisor saves and restores only part of the register
 * file on this exit (arch/riscv/guest.S, exit_load_gpf) and loads xN
 * itself when it is one of s0..s11.
 */
asm(".pushsection .text.hcrace_mmio, \"ax\"\n"
    ".macro MMIO_RD n, b\n"
    ".balign 4\n"
    ".globl mmio_rd_\\n\n"
    "mmio_rd_\\n:\n"
    "	addi	sp, sp, -128\n"
    "	sd	ra, 0(sp)\n"
    "	sd	s0, 8(sp)\n"
    "	sd	s1, 16(sp)\n"
    "	sd	s2, 24(sp)\n"
    "	sd	s3, 32(sp)\n"
    "	sd	s4, 40(sp)\n"
    "	sd	s5, 48(sp)\n"
    "	sd	s6, 56(sp)\n"
    "	sd	s7, 64(sp)\n"
    "	sd	s8, 72(sp)\n"
    "	sd	s9, 80(sp)\n"
    "	sd	s10, 88(sp)\n"
    "	sd	s11, 96(sp)\n"
    "	sd	a2, 104(sp)\n"
    "	mv	x\\b, a0\n"
    "	.irp	r, 1,5,6,7,8,9,10,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "	.if	\\r != \\b\n"
    "	addi	x\\r, a1, \\r\n"
    "	.endif\n"
    "	.endr\n"
    "	addi	a1, a1, 11\n"
    "	lbu	x\\n, 0(x\\b)\n"
    "	sd	t0, 112(sp)\n"
    "	ld	t0, 104(sp)\n"
    "	.irp	r, 1,3,4,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "	sd	x\\r, (\\r * 8)(t0)\n"
    "	.endr\n"
    "	ld	t1, 112(sp)\n"
    "	sd	t1, 40(t0)\n"
    "	ld	ra, 0(sp)\n"
    "	ld	s0, 8(sp)\n"
    "	ld	s1, 16(sp)\n"
    "	ld	s2, 24(sp)\n"
    "	ld	s3, 32(sp)\n"
    "	ld	s4, 40(sp)\n"
    "	ld	s5, 48(sp)\n"
    "	ld	s6, 56(sp)\n"
    "	ld	s7, 64(sp)\n"
    "	ld	s8, 72(sp)\n"
    "	ld	s9, 80(sp)\n"
    "	ld	s10, 88(sp)\n"
    "	ld	s11, 96(sp)\n"
    "	addi	sp, sp, 128\n"
    "	ret\n"
    ".endm\n"
    "MMIO_RD 1, 31\n"
    "MMIO_RD 5, 31\n"
    "MMIO_RD 6, 31\n"
    "MMIO_RD 7, 31\n"
    "MMIO_RD 8, 31\n"
    "MMIO_RD 9, 31\n"
    "MMIO_RD 10, 31\n"
    "MMIO_RD 11, 31\n"
    "MMIO_RD 12, 31\n"
    "MMIO_RD 13, 31\n"
    "MMIO_RD 14, 31\n"
    "MMIO_RD 15, 31\n"
    "MMIO_RD 16, 31\n"
    "MMIO_RD 17, 31\n"
    "MMIO_RD 18, 31\n"
    "MMIO_RD 19, 31\n"
    "MMIO_RD 20, 31\n"
    "MMIO_RD 21, 31\n"
    "MMIO_RD 22, 31\n"
    "MMIO_RD 23, 31\n"
    "MMIO_RD 24, 31\n"
    "MMIO_RD 25, 31\n"
    "MMIO_RD 26, 31\n"
    "MMIO_RD 27, 31\n"
    "MMIO_RD 28, 31\n"
    "MMIO_RD 29, 31\n"
    "MMIO_RD 30, 31\n"
    "MMIO_RD 31, 30\n"
    ".purgem MMIO_RD\n"
    ".popsection\n");

#define MMIO_RD_DECL(n) \
	void mmio_rd_##n(unsigned long lsr, uint64_t seed, uint64_t *out)
MMIO_RD_DECL(1);
MMIO_RD_DECL(5);
MMIO_RD_DECL(6);
MMIO_RD_DECL(7);
MMIO_RD_DECL(8);
MMIO_RD_DECL(9);
MMIO_RD_DECL(10);
MMIO_RD_DECL(11);
MMIO_RD_DECL(12);
MMIO_RD_DECL(13);
MMIO_RD_DECL(14);
MMIO_RD_DECL(15);
MMIO_RD_DECL(16);
MMIO_RD_DECL(17);
MMIO_RD_DECL(18);
MMIO_RD_DECL(19);
MMIO_RD_DECL(20);
MMIO_RD_DECL(21);
MMIO_RD_DECL(22);
MMIO_RD_DECL(23);
MMIO_RD_DECL(24);
MMIO_RD_DECL(25);
MMIO_RD_DECL(26);
MMIO_RD_DECL(27);
MMIO_RD_DECL(28);
MMIO_RD_DECL(29);
MMIO_RD_DECL(30);
MMIO_RD_DECL(31);

static void (*const mmio_rd[])(unsigned long, uint64_t, uint64_t *) = {
	mmio_rd_1,  mmio_rd_5,	mmio_rd_6,  mmio_rd_7,	mmio_rd_8,  mmio_rd_9,
	mmio_rd_10, mmio_rd_11, mmio_rd_12, mmio_rd_13, mmio_rd_14, mmio_rd_15,
	mmio_rd_16, mmio_rd_17, mmio_rd_18, mmio_rd_19, mmio_rd_20, mmio_rd_21,
	mmio_rd_22, mmio_rd_23, mmio_rd_24, mmio_rd_25, mmio_rd_26, mmio_rd_27,
	mmio_rd_28, mmio_rd_29, mmio_rd_30, mmio_rd_31,
};
static const unsigned char mmio_rd_reg[] = { 1,	 5,  6,	 7,  8,	 9,  10,
					     11, 12, 13, 14, 15, 16, 17,
					     18, 19, 20, 21, 22, 23, 24,
					     25, 26, 27, 28, 29, 30, 31 };

#define UART_LSR 0x10000005UL
/* LSR bits a poll may show: THRE, TEMT, DR. */
#define LSR_MASK 0x61UL

static volatile uint64_t bad_mmio[RT_MAX_CPUS], mmio_reads[RT_MAX_CPUS];
static volatile uint64_t first_bad_mmio[RT_MAX_CPUS];

/*
 * One MMIO read through mmio_rd[k]: its destination holds an LSR value,
 * every other register its own. Return: false (and the first difference
 * in first_bad_mmio[me], register number in the top byte) if not.
 */
static bool mmio_checked(unsigned int me, unsigned int k, uint64_t seed)
{
	unsigned int n = mmio_rd_reg[k], b = n == 31 ? 30 : 31;
	uint64_t out[32], gp, tp;
	bool ok = true;

	asm volatile("mv %0, gp; mv %1, tp" : "=r"(gp), "=r"(tp));
	mmio_rd[k](UART_LSR, seed, out);
	for (unsigned int r = 1; r < 32; r++) {
		uint64_t want = seed + r;
		bool good;

		if (r == 2)
			continue;
		if (r == 3)
			want = gp;
		else if (r == 4)
			want = tp;
		else if (r == b)
			want = UART_LSR;
		good = r == n ? !(out[r] & ~LSR_MASK) : out[r] == want;
		if (!good) {
			if (ok && !first_bad_mmio[me])
				first_bad_mmio[me] =
					(uint64_t)r << 56 |
					(out[r] & ((1ULL << 56) - 1));
			ok = false;
		}
	}
	return ok;
}

static void worker(unsigned int me)
{
	unsigned int target = (me + 1) % nr;
	uint64_t seed = rt_mix(me + 1) & ~0xffULL, end, sent_at = 0;
	uint64_t freq = arch_counter_freq(), before = 0, domid = ~0ULL;
	bool outstanding = false;
	struct xl_domain_info info;
	unsigned long k = 0;
	uint64_t value;
	long err;

	irqs(true);
	__atomic_fetch_add(&running, 1, __ATOMIC_SEQ_CST);
	/* Bounded waits: a vCPU that never runs fails the checks, no hang. */
	end = arch_counter() + 5 * freq;
	while (READ_ONCE(running) < nr && arch_counter() < end)
		arch_relax();
	end = arch_counter() + freq / 1000 * rt_arg_ul("ms", 1500);
	for (;; k++) {
		uint64_t now = arch_counter();
		bool all_done = true;

		if (now >= end && !outstanding && !finished[me])
			finished[me] = 1;
		for (unsigned int i = 0; i < nr; i++)
			all_done &= finished[i] != 0;
		if (all_done || now > end + 10 * freq)
			break;
		seed += 0x100;
		if (!call_checked(me, XL_SBI_EXT, XL_HC_VERSION, seed, seed,
				  &err, &value))
			bad_regs[me]++;
		if (err || value != (XL_ABI_VERSION_MAJOR << 16 |
				     XL_ABI_VERSION_MINOR))
			bad_result[me]++;
		if (!call_checked(me, XL_SBI_EXT, HC_UNKNOWN, seed, seed, &err,
				  &value))
			bad_regs[me]++;
		if (err != SBI_ERR_NOT_SUPPORTED)
			bad_result[me]++;
		if (!call_checked(me, SBI_EXT_BASE, SBI_BASE_PROBE_EXT,
				  XL_SBI_EXT, seed, &err, &value))
			bad_regs[me]++;
		if (err || value != 1)
			bad_result[me]++;
		calls[me] += 3;
		if (!mmio_checked(me, k % ARRAY_SIZE(mmio_rd), seed))
			bad_mmio[me]++;
		mmio_reads[me]++;
		if (!(k & 15)) {
			memset(&info, 0xa5, sizeof(info));
			if (xl_domain_info(&info) != 0 || info.nr_vcpus != nr ||
			    (domid != ~0ULL && info.domid != domid))
				bad_info[me]++;
			domid = info.domid;
		}
		if (finished[me])
			continue; /* only answering the others' IPIs now */
		if (outstanding && got[target] != before) {
			outstanding = false;
			acked[me]++;
		} else if (outstanding && now - sent_at > 2 * freq) {
			lost[me]++;
			outstanding = false;
		}
		if (!outstanding && now < end) {
			before = got[target];
			sent_at = arch_counter();
			outstanding = true;
			fw_call(SBI_EXT_IPI, 0, 1, rt_cpu_hwid(target), 0, 0, 0,
				0);
		}
	}
	irqs(false);
}

#define SBI_EXT_TIME 0x54494D45UL
#define SIE_STIE (1UL << 5)
#define SIP_STIP (1UL << 5)

/*
 * WFI ping-pong (above): per side, WFIs woken with nothing pending, lost;
 * WFIs after which a register differed, and the first (x number << 56 |
 * its low 56 bits).
 */
static volatile uint64_t wfi_empty[2], wfi_lost[2], wfi_rounds[2];
static volatile uint64_t wfi_bad_regs[2], wfi_first_bad[2];

/*
 * A WFI with every register but sp, gp and tp = @seed + its number, all
 * checked afterwards: the blocking WFI hands the CPU to the other side
 * and back (guest.S: the register file saved, the next vCPU's loaded,
 * without leaving the run loop).
 */
static void wfi_checked(unsigned int side, uint64_t seed)
{
	uint64_t out[32], gp, tp;

	asm volatile("mv %0, gp; mv %1, tp" : "=r"(gp), "=r"(tp));
	regs_wfi(seed + 17, seed + 16, seed + 10, seed, out);
	for (unsigned int n = 1; n < 32; n++) {
		uint64_t want = n == 3 ? gp : n == 4 ? tp : seed + n;

		if (n != 2 && out[n] != want) {
			if (!wfi_bad_regs[side])
				wfi_first_bad[side] =
					(uint64_t)n << 56 |
					(out[n] & ((1ULL << 56) - 1));
			wfi_bad_regs[side]++;
			break;
		}
	}
}
static volatile uint32_t pong_ready, pong_done;

/*
 * One side: @first sends first. Interrupts masked throughout; stvec's
 * handler is never entered. Return when done or when an answer is lost.
 */
static void wfi_pingpong(unsigned int side, unsigned int peer, bool first,
			 unsigned long rounds)
{
	uint64_t freq = arch_counter_freq();

	for (unsigned long r = 0; r < rounds; r++) {
		unsigned long sip;

		if (first)
			fw_call(SBI_EXT_IPI, 0, 1, rt_cpu_hwid(peer), 0, 0, 0,
				0);
		fw_call(SBI_EXT_TIME, 0, arch_counter() + freq, 0, 0, 0, 0, 0);
		for (;;) {
			wfi_checked(side, (uint64_t)(side + 1) << 40 | r << 8);
			asm volatile("csrr %0, sip" : "=r"(sip)::"memory");
			if (sip & (SIP_SSIP | SIP_STIP))
				break;
			wfi_empty[side]++;
		}
		if (!(sip & SIP_SSIP)) {
			wfi_lost[side]++;
			break;
		}
		asm volatile("csrc sip, %0" ::"r"(SIP_SSIP));
		wfi_rounds[side]++;
		if (!first)
			fw_call(SBI_EXT_IPI, 0, 1, rt_cpu_hwid(peer), 0, 0, 0,
				0);
	}
	fw_call(SBI_EXT_TIME, 0, ~0UL, 0, 0, 0, 0, 0);
	asm volatile("csrc sie, %0" ::"r"(SIE_SSIE | SIE_STIE) : "memory");
}

/* Interrupts masked, SSIE and STIE enabled, no IPI left pending. */
static void wfi_prepare(void)
{
	asm volatile("csrc sstatus, %0; csrs sie, %1" ::"r"(SSTATUS_SIE),
		     "r"(SIE_SSIE | SIE_STIE)
		     : "memory");
	asm volatile("csrc sip, %0" ::"r"(SIP_SSIP));
}

static void secondary(unsigned long cpu)
{
	uint64_t end;

	worker((unsigned int)cpu);
	WRITE_ONCE(finished[cpu], 2);
	if (cpu == nr - 1) {
		/* The other workers' IPIs to this one are over. */
		end = arch_counter() + 5 * arch_counter_freq();
		for (unsigned int i = 1; i < nr - 1; i++)
			while (READ_ONCE(finished[i]) != 2 &&
			       arch_counter() < end)
				arch_relax();
		wfi_prepare();
		WRITE_ONCE(pong_ready, 1);
		wfi_pingpong(1, 0, false, rt_arg_ul("rounds", 2000));
		WRITE_ONCE(pong_done, 1);
	}
	for (;;)
		arch_relax();
}

int test_main(void)
{
	uint64_t sum_bad = 0, sum_res = 0, sum_info = 0, sum_lost = 0;
	uint64_t sum_acked = 0, sum_calls = 0;
	unsigned int wrong_count = 0;
	uint64_t first = 0, end;
	unsigned int stuck = 0;

	nr = rt_env.nr_cpus;
	if (!rt_check(nr >= 2 && nr <= RT_MAX_CPUS, "vcpus",
		      "%u vCPUs (2 to %u)", nr, RT_MAX_CPUS))
		return 0;
	for (unsigned int i = 1; i < nr; i++)
		if (rt_cpu_start(i, secondary, i))
			rt_panic("starting vCPU%u failed", i);
	worker(0);
	end = arch_counter() + 10 * arch_counter_freq();
	for (unsigned int i = 1; i < nr; i++) {
		while (READ_ONCE(finished[i]) != 2 && arch_counter() < end)
			arch_relax();
		stuck += READ_ONCE(finished[i]) != 2;
	}
	rt_check(!stuck, "all_finished",
		 "%u of %u secondary vCPUs did not finish their loop", stuck,
		 nr - 1);
	/* The WFI ping-pong with the last vCPU (above). */
	end = arch_counter() + 5 * arch_counter_freq();
	while (!READ_ONCE(pong_ready) && arch_counter() < end)
		arch_relax();
	if (READ_ONCE(pong_ready)) {
		wfi_prepare();
		wfi_pingpong(0, nr - 1, true, rt_arg_ul("rounds", 2000));
		end = arch_counter() + 5 * arch_counter_freq();
		while (!READ_ONCE(pong_done) && arch_counter() < end)
			arch_relax();
	}
	rt_printf("WFI ping-pong: %llu + %llu rounds, %llu + %llu WFIs woken "
		  "with nothing pending, %llu + %llu answers lost\n",
		  (unsigned long long)wfi_rounds[0],
		  (unsigned long long)wfi_rounds[1],
		  (unsigned long long)wfi_empty[0],
		  (unsigned long long)wfi_empty[1],
		  (unsigned long long)wfi_lost[0],
		  (unsigned long long)wfi_lost[1]);
	rt_check(!wfi_empty[0] && !wfi_empty[1], "wfi_woken_pending",
		 "%llu WFIs returned with no interrupt pending",
		 (unsigned long long)(wfi_empty[0] + wfi_empty[1]));
	rt_check(!wfi_bad_regs[0] && !wfi_bad_regs[1], "wfi_registers",
		 "%llu + %llu WFIs changed a register (first: %#llx, %#llx)",
		 (unsigned long long)wfi_bad_regs[0],
		 (unsigned long long)wfi_bad_regs[1],
		 (unsigned long long)wfi_first_bad[0],
		 (unsigned long long)wfi_first_bad[1]);
	rt_check(READ_ONCE(pong_done) && !wfi_lost[0] && !wfi_lost[1] &&
			 wfi_rounds[0] == rt_arg_ul("rounds", 2000) &&
			 wfi_rounds[1] == wfi_rounds[0],
		 "wfi_answered", "%llu + %llu rounds, %llu + %llu lost",
		 (unsigned long long)wfi_rounds[0],
		 (unsigned long long)wfi_rounds[1],
		 (unsigned long long)wfi_lost[0],
		 (unsigned long long)wfi_lost[1]);
	for (unsigned int i = 0; i < nr; i++) {
		unsigned int sender = (i + nr - 1) % nr;

		sum_bad += bad_regs[i];
		if (!first)
			first = first_bad[i];
		sum_res += bad_result[i];
		sum_info += bad_info[i];
		sum_lost += lost[i];
		sum_acked += acked[i];
		sum_calls += calls[i];
		if (got[i] != acked[sender] + lost[sender])
			wrong_count++;
		rt_printf("vCPU%u: %llu calls, %llu IPIs taken, %llu acked, "
			  "%llu lost\n",
			  i, (unsigned long long)calls[i],
			  (unsigned long long)got[i],
			  (unsigned long long)acked[i],
			  (unsigned long long)lost[i]);
	}
	rt_check(!sum_bad, "registers",
		 "%llu calls changed a register (first: x%llu = %#llx)",
		 (unsigned long long)sum_bad, (unsigned long long)(first >> 56),
		 (unsigned long long)(first & ((1ULL << 56) - 1)));
	{
		uint64_t sum_mmio = 0, sum_reads = 0;

		first = 0;
		for (unsigned int i = 0; i < nr; i++) {
			sum_mmio += bad_mmio[i];
			sum_reads += mmio_reads[i];
			if (!first)
				first = first_bad_mmio[i];
		}
		rt_check(!sum_mmio && sum_reads >= 28, "mmio_registers",
			 "%llu of %llu MMIO reads left a register wrong "
			 "(first: x%llu = %#llx)",
			 (unsigned long long)sum_mmio,
			 (unsigned long long)sum_reads,
			 (unsigned long long)(first >> 56),
			 (unsigned long long)(first & ((1ULL << 56) - 1)));
	}
	rt_check(!sum_res, "results", "%llu calls returned a wrong result",
		 (unsigned long long)sum_res);
	rt_check(!sum_info, "domain_info",
		 "%llu XL_HC_DOMAIN_INFO calls wrote a wrong structure",
		 (unsigned long long)sum_info);
	rt_check(!sum_lost && sum_acked >= nr, "ipi_delivered",
		 "%llu IPIs not taken within 2 s, %llu taken",
		 (unsigned long long)sum_lost, (unsigned long long)sum_acked);
	rt_check(!wrong_count, "ipi_count",
		 "%u handlers counted another number of IPIs than were sent",
		 wrong_count);
	rt_check(sum_calls >= 3 * nr, "calls", "%llu calls",
		 (unsigned long long)sum_calls);
	return 0;
}
#else
int test_main(void)
{
	return 0;
}
#endif
