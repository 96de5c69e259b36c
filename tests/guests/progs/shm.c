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
 *   mode=ring        ring buffers both ways, msgs=N messages with
 *                    checksums, every wait a WFI woken by the doorbell
 *   mode=pingpong    the doorbell round trip, timed (tests/bench)
 *   mode=reboot-loop an owner alone (on_reboot = "restart") that reboots
 *                    at once in each life, cycles=N lives counted in its
 *                    region, which outlives them
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

/*
 * The doorbell's interrupt, taken in WFI with a timer armed as a safety
 * net (a missing interrupt fails the check instead of hanging), on both
 * architectures the same way:
 *   irq_setup()             enable the doorbell line of slot 0 and the timer
 *   irq_wait(end, &f)       WFI with interrupts unmasked until the counter
 *                           reaches @end; true when an interrupt was taken
 *   irq_take(&f)            acknowledge it: the doorbell's line, LINE_TIMER
 *                           (the safety net fired) or LINE_NONE
 *   irq_done(line)          complete / EOI the doorbell's line
 *   irq_teardown()          disable both
 * An interrupt unwinds through rt_catch() (the trap does not return to
 * the loop), with interrupts masked again by the trap itself.
 */
#define LINE_NONE 0U
#define LINE_TIMER 0xffffU

#ifdef __riscv
/*
 * RISC-V: the doorbell's line is vPLIC source XL_BOOT_SHM_IRQ_BASE_RISCV64
 * + slot (docs/shared-memory.md); context 0 is vCPU 0's S-mode (the PLIC
 * layout of QEMU's virt machine, arch/riscv/vplic.c). The safety net is
 * the SBI timer (SBI spec v2.0 ch. 6).
 */
#define PLIC ((volatile uint32_t *)0x0c000000UL)
#define PLIC_PRIO(src) ((src))
#define PLIC_ENABLE0 (0x2000 / 4)
#define PLIC_THRESHOLD0 (0x200000 / 4)
#define PLIC_CLAIM0 (0x200004 / 4)
#define SIE_SEIE (1UL << 9)
#define SIE_STIE (1UL << 5)
#define SBI_EXT_TIME 0x54494D45UL /* "TIME" */
#define CAUSE_S_TIMER ((1UL << 63) | 5)
#define SSTATUS_SIE (1UL << 1)
#define CAUSE_S_EXT ((1UL << 63) | 9)
#define DB_LINE XL_BOOT_SHM_IRQ_BASE_RISCV64

static void irq_setup(void)
{
	PLIC[PLIC_PRIO(DB_LINE)] = 1;
	PLIC[PLIC_THRESHOLD0] = 0;
	PLIC[PLIC_ENABLE0] = 1U << DB_LINE;
	asm volatile("csrs sie, %0" : : "r"(SIE_SEIE | SIE_STIE));
}

static void irq_teardown(void)
{
	asm volatile("csrc sie, %0" : : "r"(SIE_SEIE | SIE_STIE));
	PLIC[PLIC_ENABLE0] = 0;
}

static void timer_arm(uint64_t end)
{
	fw_call(SBI_EXT_TIME, 0, end, 0, 0, 0, 0, 0);
}

static void timer_disarm(void)
{
	fw_call(SBI_EXT_TIME, 0, ~0UL, 0, 0, 0, 0, 0);
}

static void irqs_on(void)
{
	asm volatile("csrs sstatus, %0" : : "r"(SSTATUS_SIE) : "memory");
}

static void irqs_off(void)
{
	asm volatile("csrc sstatus, %0" : : "r"(SSTATUS_SIE) : "memory");
}

static void wfi(void)
{
	asm volatile("wfi" ::: "memory");
}

static unsigned int irq_take(const struct rt_fault *f)
{
	if (f->cause == CAUSE_S_TIMER) {
		timer_disarm();
		return LINE_TIMER;
	}
	return f->cause == CAUSE_S_EXT ? PLIC[PLIC_CLAIM0] : LINE_NONE;
}

static void irq_done(unsigned int line)
{
	PLIC[PLIC_CLAIM0] = line;
}

/* Order the region's stores before the doorbell write (device output). */
static void io_fence(void)
{
	asm volatile("fence rw, o" ::: "memory");
}
#else
/*
 * Arm: the doorbell's line is SPI 64 + slot, INTID 96 for slot 0, in the
 * virtual GIC (GICv3 or GICv2 as the tree says: rt_gic_*(), routed to
 * vCPU 0); the safety net is the EL1 virtual timer, PPI INTID 27 (Arm ARM
 * D12.2, CNTV_CVAL_EL0 / CNTV_CTL_EL0).
 */
#define DB_LINE (32 + XL_BOOT_SHM_SPI_BASE_ARM64)
#define VTIMER_INTID 27
#define IRQ_VECTOR 5 /* IRQ taken from EL1 with SP_EL1 */

static void irq_setup(void)
{
	rt_gic_cpu_init();
	rt_gic_enable(DB_LINE, 0xa0, true);
	rt_gic_enable(VTIMER_INTID, 0xa0, true);
}

static void irq_teardown(void)
{
	rt_gic_enable(DB_LINE, 0xa0, false);
	rt_gic_enable(VTIMER_INTID, 0xa0, false);
}

static void timer_arm(uint64_t end)
{
	asm volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb"
		     :
		     : "r"(end), "r"(1UL));
}

static void timer_disarm(void)
{
	asm volatile("msr cntv_ctl_el0, %0; isb" : : "r"(0UL));
}

static void irqs_on(void)
{
	asm volatile("msr daifclr, #2" ::: "memory");
}

static void irqs_off(void)
{
	asm volatile("msr daifset, #2" ::: "memory");
}

static void wfi(void)
{
	asm volatile("dsb sy; wfi" ::: "memory");
}

static unsigned int irq_take(const struct rt_fault *f)
{
	unsigned int iar;

	if (f->kind != IRQ_VECTOR)
		return LINE_NONE;
	iar = rt_gic_ack();
	if (iar == VTIMER_INTID) {
		timer_disarm();
		rt_gic_eoi(iar);
		return LINE_TIMER;
	}
	return iar;
}

static void irq_done(unsigned int line)
{
	rt_gic_eoi(line);
}

static void io_fence(void)
{
	asm volatile("dsb sy" ::: "memory");
}
#endif

/* WFI with interrupts unmasked until the counter passes *@arg. */
static void wait_irq(void *arg)
{
	uint64_t end = *(uint64_t *)arg;

	irqs_on();
	while (arch_counter() < end)
		wfi();
	irqs_off();
}

/* The same without WFI (nothing may be armed to wake it). */
static void spin_irq(void *arg)
{
	uint64_t end = *(uint64_t *)arg;

	irqs_on();
	while (arch_counter() < end)
		arch_relax();
	irqs_off();
}

/*
 * Wait for an interrupt until the counter reaches @end, with the timer
 * armed at @end (@arm; otherwise the caller armed it for a later deadline
 * of its own). Return: the line taken (irq_take()), LINE_NONE if none came.
 */
static unsigned int irq_wait(uint64_t end, struct rt_fault *f, bool arm)
{
	unsigned int line = LINE_NONE;

	if (arm)
		timer_arm(end);
	if (rt_catch(wait_irq, &end, f))
		line = irq_take(f);
	if (arm)
		timer_disarm();
	return line;
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
	unsigned int line;
	bool took;

	irq_setup();
	line = irq_wait(end, &f, true);
	rt_check(line == DB_LINE, "doorbell_irq", "%s (line %u, cause %#lx)",
		 line == LINE_TIMER ? "none before the 2 s timer" :
		 line == LINE_NONE  ? "no interrupt in 2 s" :
				      "another interrupt",
		 line, f.cause);
	rt_check(line == DB_LINE, "doorbell_irq_claim", "claimed %u", line);
	rung_once_by(0, "data"); /* clears STATUS: the line goes low */
	if (line != LINE_NONE && line != LINE_TIMER)
		irq_done(line);
	end = arch_counter() + arch_counter_freq() / 100; /* 10 ms */
	took = rt_catch(spin_irq, &end, &f);
	rt_check(!took, "doorbell_irq_lowered", "interrupt again (cause %#lx)",
		 f.cause);
	irq_teardown();
}

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

/*
 * mode=ring: a ring buffer each way between the owner (peer 0) and one
 * borrower (peer 1), interrupt-driven: each side publishes what it can,
 * rings the other when it did anything, and otherwise sleeps in WFI until
 * the doorbell's interrupt (a 2 s timer as the safety net; a timer wake
 * fails the run). The owner sends msgs=N messages (default 10000) of
 * pseudo-random data with a checksum; the borrower checks each one and
 * answers it with a message of its own carrying the checksum it received;
 * the owner checks the answers. No lost wakeup: STATUS is cleared before
 * the rings are looked at again, and a side publishes before it rings.
 */
#define RING_N 32
#define RING_DATA 40

struct ring_msg {
	uint32_t seq;
	uint32_t pad;
	uint64_t ack; /* answers: the checksum of the message answered */
	uint64_t sum; /* of data[], seeded with seq */
	uint64_t data[RING_DATA / 8];
};

struct ring {
	uint32_t head; /* written by the producer: messages published */
	uint32_t pad0[15];
	uint32_t tail; /* written by the consumer: messages taken */
	uint32_t pad1[15];
	struct ring_msg m[RING_N];
};

struct ring_area {
	uint32_t done[2]; /* per peer: finished, and rang rings[] times */
	uint32_t rings[2];
	uint32_t pad[12];
	struct ring r[2]; /* r[p]: produced by peer p */
};

struct ring_stats {
	uint32_t irqs; /* doorbell interrupts taken */
	uint32_t rings; /* RING writes */
	uint32_t bad; /* messages that failed a check */
	uint32_t first_bad;
	uint32_t stalls; /* waits ended by the timer or another trap */
};

/* The owner's message @seq, the borrower's answer to it. */
static void ring_fill(struct ring_msg *m, uint32_t seq, bool answer,
		      uint64_t ack)
{
	uint64_t s = rt_mix(seq + (answer ? 0x8000000000ULL : 0)) | 1;

	m->seq = seq;
	m->ack = ack;
	for (unsigned int i = 0; i < RING_DATA / 8; i++)
		m->data[i] = rt_rand(&s);
	m->sum = rt_checksum(m->data, RING_DATA, seq);
}

static bool ring_check(const volatile struct ring_msg *m, uint32_t seq,
		       bool answer)
{
	struct ring_msg want;

	ring_fill(&want, seq, answer, 0);
	if (m->seq != seq ||
	    m->sum != rt_checksum((const void *)m->data, RING_DATA, seq))
		return false;
	/* The data itself, and for an answer the checksum it carries. */
	for (unsigned int i = 0; i < RING_DATA / 8; i++)
		if (m->data[i] != want.data[i])
			return false;
	if (answer) {
		ring_fill(&want, seq, false, 0);
		return m->ack == want.sum;
	}
	return true;
}

static void ring_bad(struct ring_stats *st, uint32_t seq)
{
	if (!st->bad++)
		st->first_bad = seq;
}

/*
 * Sleep until the doorbell rings, then clear STATUS. With @end, the timer
 * is already armed there; otherwise it is armed 2 s from now. Return:
 * false on a stall (the timer or another trap).
 */
static bool ring_sleep(struct ring_stats *st, uint64_t end)
{
	struct rt_fault f = { 0 };
	unsigned int line = irq_wait(
		end ?: arch_counter() + 2 * arch_counter_freq(), &f, !end);

	if (line != DB_LINE) {
		st->stalls++;
		rt_printf(
			"ring: woken by line %u (cause %#lx), not the doorbell\n",
			line, f.cause);
		return false;
	}
	st->irqs++;
	DB[DB_STATUS] = DB[DB_STATUS];
	irq_done(line);
	return true;
}

static void ring_peer(struct ring_stats *st, unsigned int peer)
{
	io_fence();
	DB[DB_RING] = peer;
	st->rings++;
}

static void ring_mode(uint64_t gpa, bool owner)
{
	volatile struct ring_area *a = (void *)(uintptr_t)gpa;
	unsigned int me = owner ? 0 : 1, peer = me ^ 1;
	volatile struct ring *tx = &a->r[me], *rx = &a->r[peer];
	uint32_t n = rt_arg_ul("msgs", 10000), sent = 0, got = 0;
	struct ring_stats st = { 0 };
	uint64_t t0, end;

	rt_check(DB[DB_PEER_ID] == me && DB[DB_PEERS] == 2, "ring_ids",
		 "PEER_ID %u PEERS %u", (unsigned)DB[DB_PEER_ID],
		 (unsigned)DB[DB_PEERS]);
	irq_setup();
	t0 = rt_now_us();
	/*
	 * Owner: send n, take n answers. Borrower: take a message only when
	 * its answer fits, so sent == got all along.
	 */
	while (got < n) {
		bool progress = false;

		while (owner && sent < n && sent - tx->tail < RING_N) {
			ring_fill((struct ring_msg *)&tx->m[sent % RING_N],
				  sent, false, 0);
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			tx->head = ++sent;
			progress = true;
		}
		while (rx->head != got && (owner || sent - tx->tail < RING_N)) {
			volatile struct ring_msg *m = &rx->m[got % RING_N];

			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			if (!ring_check(m, got, owner))
				ring_bad(&st, got);
			if (!owner) {
				ring_fill(
					(struct ring_msg *)&tx->m[sent % RING_N],
					got, true, m->sum);
				__atomic_thread_fence(__ATOMIC_SEQ_CST);
				tx->head = ++sent;
			}
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			rx->tail = ++got;
			progress = true;
		}
		if (progress)
			ring_peer(&st, peer);
		else if (!ring_sleep(&st, 0))
			break;
	}
	/* Both sides' ring counts, then each compares with its COUNT. */
	a->rings[me] = st.rings;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	a->done[me] = 1;
	end = rt_now_us() + rt_arg_ul("timeout_ms", 20000) * 1000;
	while (!a->done[peer] && rt_now_us() < end)
		arch_relax();
	irq_teardown();
	rt_printf(
		"ring: %u messages %s in %llu us, %u interrupts, %u rings sent, COUNT %u\n",
		got, owner ? "sent and answered" : "answered",
		(unsigned long long)(rt_now_us() - t0), st.irqs, st.rings,
		(unsigned)DB[DB_COUNT]);
	rt_check(got == n && sent == n && !st.stalls,
		 owner ? "ring_all_answered" : "ring_all_received",
		 "%u of %u, %u stalls", got, n, st.stalls);
	rt_check(got && !st.bad,
		 owner ? "ring_answers_intact" : "ring_messages_intact",
		 "%u bad, the first #%u", st.bad, st.first_bad);
	rt_check(st.irqs > 0, "ring_interrupt_driven",
		 "never slept until a doorbell interrupt");
	rt_check(a->done[peer] && DB[DB_COUNT] == a->rings[peer] &&
			 DB[DB_FROM(peer)] == a->rings[peer],
		 "ring_count_matches", "COUNT %u FROM %u, the peer rang %u",
		 (unsigned)DB[DB_COUNT], (unsigned)DB[DB_FROM(peer)],
		 (unsigned)a->rings[peer]);
}

/*
 * mode=pingpong (tests/bench/doorbell.sh): the owner rings, the borrower
 * sleeps until the interrupt and rings back, iters=N times; the owner
 * times each round trip (from before its RING write to after its own
 * interrupt is acknowledged, STATUS cleared and the interrupt completed)
 * and prints the mean, the median and the 10th / 90th percentiles as
 * "SHM NAME VALUE" lines. The safety-net timer is armed once for the
 * whole run (timeout_ms), so that the round trip holds no timer calls.
 */
#define PP_MAX 4096

static uint32_t pp_samples[PP_MAX];

static void sort32(uint32_t *v, unsigned int n)
{
	/* Shell sort: no library, a few thousand values. */
	for (unsigned int gap = n / 2; gap; gap /= 2)
		for (unsigned int i = gap; i < n; i++) {
			uint32_t x = v[i];
			unsigned int j = i;

			for (; j >= gap && v[j - gap] > x; j -= gap)
				v[j] = v[j - gap];
			v[j] = x;
		}
}

static uint64_t ticks_ns(uint64_t t)
{
	return t * 1000000000ULL / arch_counter_freq();
}

static void pingpong(bool owner)
{
	unsigned int n = rt_arg_ul("iters", 1000), i = 0;
	struct ring_stats st = { 0 };
	uint64_t total = 0, t0, end;

	if (n > PP_MAX)
		n = PP_MAX;
	irq_setup();
	end = arch_counter() +
	      rt_arg_ul("timeout_ms", 20000) * arch_counter_freq() / 1000;
	timer_arm(end);
	/* The borrower is ready when it has rung once. */
	if (owner) {
		if (!ring_sleep(&st, end))
			goto out;
	} else {
		ring_peer(&st, 0);
	}
	for (i = 0; i < n; i++) {
		if (owner) {
			t0 = arch_counter();
			ring_peer(&st, 1);
			if (!ring_sleep(&st, end))
				break;
			pp_samples[i] = arch_counter() - t0;
			total += pp_samples[i];
		} else {
			if (!ring_sleep(&st, end))
				break;
			ring_peer(&st, 0);
		}
	}
out:
	timer_disarm();
	irq_teardown();
	if (!owner) {
		rt_check(!st.stalls && st.irqs == n, "pingpong_answered",
			 "%u of %u", st.irqs, n);
		return;
	}
	if (!rt_check(!st.stalls && i == n, "pingpong_done", "%u of %u", i, n))
		return;
	sort32(pp_samples, n);
	rt_printf("SHM rtt_mean_ns %llu\n",
		  (unsigned long long)(ticks_ns(total) / n));
	rt_printf("SHM rtt_median_ns %llu\n",
		  (unsigned long long)ticks_ns(pp_samples[n / 2]));
	rt_printf("SHM rtt_p10_ns %llu\n",
		  (unsigned long long)ticks_ns(pp_samples[n / 10]));
	rt_printf("SHM rtt_p90_ns %llu\n",
		  (unsigned long long)ticks_ns(pp_samples[n * 9 / 10]));
	rt_printf("SHM rtt_total_ticks %llu freq %llu\n",
		  (unsigned long long)total,
		  (unsigned long long)arch_counter_freq());
}

/*
 * mode=reboot-loop: each life counts itself in the region and asks for a
 * reboot as its first hypercall; the request must be taken (the vCPU
 * does not come back from the call). A domain restarted by its on_reboot
 * policy is queued while the schedulers run, so this life may run
 * before its domain is marked running: such a request was dropped and
 * the domain spun forever, never reaped (common/domain.c,
 * domain_create()).
 */
static void reboot_loop(uint64_t gpa)
{
	volatile uint64_t *boots = (void *)(uintptr_t)gpa;
	unsigned long cycles = rt_arg_ul("cycles", 100);
	uint64_t life = ++*boots;

	if (life < cycles) {
		xl_hypercall(XL_HC_DOMAIN_SHUTDOWN, XL_SHUTDOWN_REBOOT, 0, 0, 0,
			     0);
		rt_fail("reboot_taken", "life %llu: the reboot was dropped",
			(unsigned long long)life);
		/* Once more, so that the loop goes on and the run ends. */
		rt_udelay(10000);
		xl_hypercall(XL_HC_DOMAIN_SHUTDOWN, XL_SHUTDOWN_REBOOT, 0, 0, 0,
			     0);
		for (;;)
			arch_relax();
	}
	rt_check(life == cycles, "reboot_loop", "life %llu of %lu",
		 (unsigned long long)life, cycles);
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
	if (rt_arg_is("mode", "ring")) {
		ring_mode(gpa, rt_arg_is("role", "owner"));
		return 0;
	}
	if (rt_arg_is("mode", "reboot-loop")) {
		reboot_loop(gpa);
		return 0;
	}
	if (rt_arg_is("mode", "pingpong")) {
		pingpong(rt_arg_is("role", "owner"));
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
