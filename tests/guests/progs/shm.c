// SPDX-License-Identifier: MIT
/*
 * shm: a static shared-memory region between two domains
 * (docs/shared-memory.md). Both sides get the region's address and size
 * on the command line (gpa=, size=; the CLI's default placement).
 *   role=owner     fills the region after its header with pseudo-random
 *                  data, publishes its checksum and waits for the answer
 *   role=borrower  waits for the header, checks the data and answers
 *                  with the checksum + 1
 * The pair (no mode=) also rings through the doorbell of slot 0 by
 * polling its registers (no interrupt handler): the owner rings peer 1
 * with a register write, the borrower answers with XL_HC_SHM_NOTIFY.
 * timeout_ms=N bounds every
 * wait (default 20000). Variants (mode= on both sides):
 *   mode=owner-dies  the owner powers off without waiting; the borrower
 *                    (privileged, to see domain owner=N go) checks that
 *                    the data outlives the owner and stays writable
 *   mode=restart     the borrower (on_reboot = "restart") checks, reboots,
 *                    and checks again in its second life before answering
 *   role=outsider    a domain without the region: reading or writing its
 *                    address, or reading the doorbell's, faults
 */
#include <public/boot_schema.h>
#include <rt.h>

const char rt_suite[] = "shm";

#define SHM_MAGIC 0x584c2d53484d2121ULL /* "XL-SHM!!" */

struct header {
	uint64_t magic; /* written last by the owner */
	uint64_t len; /* bytes of data, from offset 4096 */
	uint64_t sum;
	uint64_t answer; /* written by the borrower: sum + 1 */
	uint64_t boots; /* borrower lives before this one, mode=restart */
	uint64_t first_sum; /* what the borrower's first life read */
};

/* The doorbell of slot 0 (docs/shared-memory.md), 32-bit registers. */
#define DB ((volatile uint32_t *)(uintptr_t)XL_BOOT_SHM_DOORBELL_BASE)
#define DB_PEER_ID (0x00 / 4)
#define DB_PEERS (0x04 / 4)
#define DB_RING (0x08 / 4)
#define DB_STATUS (0x0c / 4)
#define DB_COUNT (0x10 / 4)
#define DB_FROM(p) (0x100 / 4 + (p))

/* No mode=: the pair that also uses the doorbell. */
static bool plain_pair(void)
{
	char buf[32];

	return !rt_arg("mode", buf, sizeof(buf));
}

static bool wait32(volatile uint32_t *p, uint32_t want)
{
	uint64_t end = rt_now_us() + rt_arg_ul("timeout_ms", 20000) * 1000;

	while (*p != want) {
		if (rt_now_us() > end)
			return false;
		arch_relax();
	}
	return true;
}

/* Rung by @peer once: the counters, then STATUS, write-1-to-clear. */
static void rung_once_by(unsigned int peer, const char *name)
{
	char n[48];

	rt_snprintf(n, sizeof(n), "%s_rung", name);
	if (!rt_check(wait32(&DB[DB_COUNT], 1), n, "COUNT %u",
		      (unsigned)DB[DB_COUNT]))
		return;
	rt_snprintf(n, sizeof(n), "%s_registers", name);
	rt_check(DB[DB_FROM(peer)] == 1 && DB[DB_FROM(peer ^ 1)] == 0 &&
			 DB[DB_STATUS] == 1U << peer,
		 n, "FROM %u %u STATUS %#x", (unsigned)DB[DB_FROM(0)],
		 (unsigned)DB[DB_FROM(1)], (unsigned)DB[DB_STATUS]);
	DB[DB_STATUS] = 1U << peer;
	rt_snprintf(n, sizeof(n), "%s_status_cleared", name);
	rt_check(DB[DB_STATUS] == 0 && DB[DB_COUNT] == 1, n, "STATUS %#x",
		 (unsigned)DB[DB_STATUS]);
}

#ifdef __riscv
/*
 * RISC-V: the doorbell's line is vPLIC source XL_BOOT_SHM_IRQ_BASE_RISCV64
 * + slot (docs/shared-memory.md); context 0 is vCPU 0's S-mode (the PLIC
 * layout of QEMU's virt machine, arch/riscv/vplic.c).
 */
#define PLIC ((volatile uint32_t *)0x0c000000UL)
#define PLIC_PRIO(src) ((src))
#define PLIC_ENABLE0 (0x2000 / 4)
#define PLIC_THRESHOLD0 (0x200000 / 4)
#define PLIC_CLAIM0 (0x200004 / 4)
#define SIE_SEIE (1UL << 9)
#define SIE_STIE (1UL << 5)
#define SBI_EXT_TIME 0x54494D45UL /* "TIME", SBI spec v2.0 ch. 6 */
#define CAUSE_S_TIMER ((1UL << 63) | 5)
#define SSTATUS_SIE (1UL << 1)
#define CAUSE_S_EXT ((1UL << 63) | 9)
#define DB_IRQ XL_BOOT_SHM_IRQ_BASE_RISCV64

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
 * Wait in WFI for the doorbell's interrupt (the owner's ring on another
 * CPU must wake this vCPU), claim it, and leave it for the caller to
 * clear STATUS; then complete it and see the line stay low.
 */
static void doorbell_irq(void)
{
	uint64_t end = arch_counter() + 2 * arch_counter_freq();
	struct rt_fault f = { 0 };
	bool took;
	uint32_t src;

	PLIC[PLIC_PRIO(DB_IRQ)] = 1;
	PLIC[PLIC_THRESHOLD0] = 0;
	PLIC[PLIC_ENABLE0] = 1U << DB_IRQ;
	/* The timer at the deadline: WFI wakes even if the doorbell fails. */
	asm volatile("csrs sie, %0" : : "r"(SIE_SEIE | SIE_STIE));
	fw_call(SBI_EXT_TIME, 0, end, 0, 0, 0, 0, 0);
	took = rt_catch(wait_irq, &end, &f);
	fw_call(SBI_EXT_TIME, 0, ~0UL, 0, 0, 0, 0, 0);
	asm volatile("csrc sie, %0" : : "r"(SIE_STIE));
	rt_check(took && f.cause == CAUSE_S_EXT, "doorbell_irq", "%s (%#lx)",
		 !took			  ? "no interrupt in 2 s" :
		 f.cause == CAUSE_S_TIMER ? "none before the 2 s timer" :
					    "another trap",
		 f.cause);
	src = PLIC[PLIC_CLAIM0];
	rt_check(src == DB_IRQ, "doorbell_irq_claim", "claimed %u", src);
	rung_once_by(0, "data"); /* clears STATUS: the line goes low */
	PLIC[PLIC_CLAIM0] = src;
	end = arch_counter() + arch_counter_freq() / 100; /* 10 ms */
	took = rt_catch(spin_irq, &end, &f);
	rt_check(!took, "doorbell_irq_lowered", "interrupt %#lx again",
		 f.cause);
	asm volatile("csrc sie, %0" : : "r"(SIE_SEIE));
	PLIC[PLIC_ENABLE0] = 0;
}
#else
/*
 * Arm: the doorbell's line is SPI 64 + slot, INTID 96 for slot 0, in the
 * vGICv3 (single security state: group 1, routed to affinity 0, vCPU 0).
 * The wait spins with IRQs unmasked (bounded, no WFI: nothing else is
 * armed to wake it).
 */
#define GICD_BASE 0x08000000UL
#define GICR_BASE 0x080a0000UL
#define DB_INTID (32 + XL_BOOT_SHM_SPI_BASE_ARM64)

static void gicd_w32(unsigned long off, uint32_t v)
{
	*(volatile uint32_t *)(GICD_BASE + off) = v;
}

static void spin_irq(void *arg)
{
	uint64_t end = *(uint64_t *)arg;

	asm volatile("msr daifclr, #2" ::: "memory");
	while (arch_counter() < end)
		arch_relax();
	asm volatile("msr daifset, #2" ::: "memory");
}

static void doorbell_irq(void)
{
	uint64_t end = arch_counter() + 2 * arch_counter_freq();
	struct rt_fault f = { 0 };
	unsigned long iar;
	bool took;

	/* Redistributor of vCPU 0 awake (GICR_WAKER.ProcessorSleep = 0). */
	*(volatile uint32_t *)(GICR_BASE + 0x14) = 0;
	gicd_w32(0x0, 2); /* GICD_CTLR.EnableGrp1 */
	gicd_w32(0x80 + 4 * (DB_INTID / 32), 1U << (DB_INTID % 32));
	*(volatile uint8_t *)(GICD_BASE + 0x400 + DB_INTID) = 0xa0;
	*(volatile uint64_t *)(GICD_BASE + 0x6000 + 8 * DB_INTID) = 0;
	gicd_w32(0x100 + 4 * (DB_INTID / 32), 1U << (DB_INTID % 32));
	asm volatile("msr s3_0_c4_c6_0, %0" : : "r"(0xffUL)); /* ICC_PMR_EL1 */
	asm volatile("msr s3_0_c12_c12_7, %0; isb"
		     :
		     : "r"(1UL)); /* ICC_IGRPEN1_EL1 */
	took = rt_catch(spin_irq, &end, &f);
	/* Vector 5: IRQ taken from EL1 with SP_EL1. */
	rt_check(took && f.kind == 5, "doorbell_irq", "%s (vector %lu)",
		 took ? "another trap" : "no interrupt in 2 s", f.kind);
	asm volatile("mrs %0, s3_0_c12_c12_0" : "=r"(iar)); /* ICC_IAR1_EL1 */
	rt_check(iar == DB_INTID, "doorbell_irq_claim", "IAR %lu", iar);
	rung_once_by(0, "data"); /* clears STATUS: the line goes low */
	asm volatile("msr s3_0_c12_c12_1, %0; isb"
		     :
		     : "r"(iar)); /* ICC_EOIR1_EL1 */
	end = arch_counter() + arch_counter_freq() / 100; /* 10 ms */
	took = rt_catch(spin_irq, &end, &f);
	rt_check(!took, "doorbell_irq_lowered", "vector %lu again", f.kind);
	gicd_w32(0x180 + 4 * (DB_INTID / 32), 1U << (DB_INTID % 32));
}
#endif

static void probe_read(void *p)
{
	(void)*(volatile uint64_t *)p;
}

static void probe_write(void *p)
{
	*(volatile uint64_t *)p = 1;
}

/* role=outsider: the region's address is nothing in this domain. */
static void outsider(uint64_t gpa)
{
	struct rt_fault f;

	rt_check(rt_catch(probe_read, (void *)(uintptr_t)gpa, &f),
		 "read_faults", "a read of %#llx did not fault",
		 (unsigned long long)gpa);
	rt_check(rt_catch(probe_write, (void *)(uintptr_t)gpa, &f),
		 "write_faults", "a write to %#llx did not fault",
		 (unsigned long long)gpa);
	rt_check(rt_catch(probe_read, (void *)DB, &f), "doorbell_read_faults",
		 "a read of the doorbell page did not fault");
	rt_check(xl_hypercall(XL_HC_SHM_NOTIFY, 0, 0, 0, 0, 0) == -XL_EINVAL,
		 "notify_einval", "XL_HC_SHM_NOTIFY without a region");
}

/* mode=owner-dies, borrower side: wait until domain owner=N is gone. */
static bool owner_gone(void)
{
	unsigned long owner = rt_arg_ul("owner", 0);
	uint64_t end = rt_now_us() + rt_arg_ul("timeout_ms", 20000) * 1000;

	while (xl_memory_op(XL_MEM_CURRENT_RESERVATION,
			    (void *)(uintptr_t)owner) >= 0) {
		if (rt_now_us() > end)
			return false;
		rt_udelay(10000);
	}
	return true;
}

static bool wait_eq(volatile uint64_t *p, uint64_t want)
{
	uint64_t end = rt_now_us() + rt_arg_ul("timeout_ms", 20000) * 1000;

	while (*p != want) {
		if (rt_now_us() > end)
			return false;
		arch_relax();
	}
	return true;
}

int test_main(void)
{
	uint64_t gpa = rt_arg_ul("gpa", 0), size = rt_arg_ul("size", 0);
	volatile struct header *h = (void *)(uintptr_t)gpa;
	uint8_t *data = (uint8_t *)(uintptr_t)(gpa + 4096);
	uint64_t len = size - 4096, seed, sum;

	if (rt_arg_is("role", "outsider")) {
		outsider(gpa);
		return 0;
	}
	/* Not a result line when good: a restarting borrower runs it twice. */
	if (!gpa || size <= 4096) {
		rt_fail("args", "gpa=%#llx size=%#llx", (unsigned long long)gpa,
			(unsigned long long)size);
		return 1;
	}
	if (rt_arg_is("role", "owner")) {
		/* The region starts zeroed (docs/shared-memory.md). */
		rt_check(h->magic == 0 && h->answer == 0, "starts_zeroed",
			 "magic %#llx", (unsigned long long)h->magic);
		seed = rt_now_us() | 1;
		for (uint64_t i = 0; i < len; i += 8) {
			uint64_t v = rt_rand(&seed);

			memcpy(data + i, &v, 8);
		}
		sum = rt_checksum(data, len, 0);
		h->len = len;
		h->sum = sum;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		h->magic = SHM_MAGIC;
		if (rt_arg_is("mode", "owner-dies"))
			return 0; /* powers off; the borrower checks */
		if (plain_pair()) {
			rt_check(DB[DB_PEER_ID] == 0 && DB[DB_PEERS] == 2,
				 "doorbell_ids", "PEER_ID %u PEERS %u",
				 (unsigned)DB[DB_PEER_ID],
				 (unsigned)DB[DB_PEERS]);
			DB[DB_RING] = 0; /* oneself: ignored */
			DB[DB_RING] = 7; /* no such peer: ignored */
			DB[DB_RING] = 1;
			rung_once_by(1, "answer");
			rt_check(xl_hypercall(XL_HC_SHM_NOTIFY, 1, 1, 0, 0,
					      0) == -XL_EINVAL &&
					 xl_hypercall(XL_HC_SHM_NOTIFY, 0, 0, 0,
						      0, 0) == -XL_EINVAL &&
					 xl_hypercall(XL_HC_SHM_NOTIFY, 0, 2, 0,
						      0, 0) == -XL_EINVAL,
				 "notify_bad_args",
				 "a bad slot or peer was taken");
		}
		rt_check(wait_eq(&h->answer, sum + 1), "borrower_answers",
			 "answer %#llx, want %#llx",
			 (unsigned long long)h->answer,
			 (unsigned long long)(sum + 1));
		return 0;
	}
	/*
	 * mode=restart, first life: read quietly (each result line must
	 * reach the console once: the second life reports), then reboot.
	 */
	if (rt_arg_is("mode", "restart") && h->boots == 0) {
		if (wait_eq(&h->magic, SHM_MAGIC))
			h->first_sum = rt_checksum(data, h->len, 0);
		h->boots = 1;
		rt_printf("rebooting with the region mapped\n");
		arch_std_shutdown(true, false);
	}
	if (!rt_check(wait_eq(&h->magic, SHM_MAGIC), "sees_owner",
		      "magic %#llx", (unsigned long long)h->magic))
		return 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	sum = rt_checksum(data, h->len, 0);
	rt_check(h->len == len && sum == h->sum, "data_intact",
		 "len %llu sum %#llx, header says %llu %#llx",
		 (unsigned long long)len, (unsigned long long)sum,
		 (unsigned long long)h->len, (unsigned long long)h->sum);
	if (rt_arg_is("mode", "owner-dies")) {
		rt_check(owner_gone(), "owner_gone", "domain %lu still exists",
			 rt_arg_ul("owner", 0));
		sum = rt_checksum(data, h->len, 0);
		rt_check(h->magic == SHM_MAGIC && sum == h->sum,
			 "data_outlives_owner", "sum %#llx, want %#llx",
			 (unsigned long long)sum, (unsigned long long)h->sum);
		h->answer = 0x5a5a;
		rt_check(h->answer == 0x5a5a, "writable_after_owner",
			 "write lost");
		return 0;
	}
	if (rt_arg_is("mode", "restart")) {
		rt_check(h->boots == 1, "restarted_kept_data",
			 "boots %llu, want 1", (unsigned long long)h->boots);
		rt_check(h->first_sum == h->sum, "first_life_read_data",
			 "first life read %#llx, want %#llx",
			 (unsigned long long)h->first_sum,
			 (unsigned long long)h->sum);
	}
	h->answer = sum + 1;
	if (plain_pair()) {
		rt_check(DB[DB_PEER_ID] == 1 && DB[DB_PEERS] == 2,
			 "doorbell_ids", "PEER_ID %u PEERS %u",
			 (unsigned)DB[DB_PEER_ID], (unsigned)DB[DB_PEERS]);
		doorbell_irq();
		rt_check(xl_hypercall(XL_HC_SHM_NOTIFY, 0, 0, 0, 0, 0) == 0,
			 "notify_owner", "XL_HC_SHM_NOTIFY(0, 0) failed");
	}
	return 0;
}
