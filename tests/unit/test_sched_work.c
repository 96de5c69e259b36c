// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the work pending word (include/xen-lite/work.h) on the
 * scheduler's side (common/sched.c): the run loops skip their checks
 * before a guest entry while their CPU's word is empty, so a writer of
 * state those checks read that forgets its bit is a lost wake-up: the
 * vCPU runs on without seeing the change. Each test empties every CPU's
 * word, drives one writer from the CPU it runs on in the hypervisor,
 * and asserts the bit on the CPU whose checks read the state (and the
 * IPI where that CPU runs a guest). The Arm vGIC's writers are tested in
 * test_arm_vgic.c, the PV MMU's in test_pv_mm.c.
 */
#include <string.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/sched.h>
#include <xen-lite/smp.h>
#include <xen-lite/work.h>
#include "harness.h"

struct pcpu pcpu_info[CONFIG_NR_CPUS];
struct pcpu *fuzz_this_cpu = &pcpu_info[0];
unsigned int nr_cpu_ids;

static struct domain dom;
static struct vcpu vcpus[4];
static u64 now;
static int ipis[CONFIG_NR_CPUS];
static bool mgmt_wants;

/* Collaborators of sched.c */
u64 arch_counter_read(void)
{
	return now;
}

u64 arch_counter_freq(void)
{
	return 1000000; /* 1 MHz: a 10 ms slice is 10000 ticks */
}

void arch_send_ipi(unsigned int cpu)
{
	ipis[cpu]++;
}

void arch_cpu_idle(void)
{
}

void arch_vcpu_run(struct vcpu *v)
{
}

void arch_vcpu_reset(struct vcpu *v, paddr_t entry, register_t arg)
{
}

static u64 timer_at;

void arch_timer_set(u64 deadline)
{
	timer_at = deadline;
}

void console_poll(void)
{
}

bool mgmt_poll(void)
{
	return false;
}

bool mgmt_pending(void)
{
	return mgmt_wants;
}

void domain_reap(void)
{
}

static bool reap_busy;

bool domain_reap_idle(void)
{
	return !reap_busy;
}

void printk(const char *fmt, ...)
{
}

static void on_cpu(unsigned int cpu)
{
	fuzz_this_cpu = &pcpu_info[cpu];
}

static void clear_words(void)
{
	for (unsigned int c = 0; c < CONFIG_NR_CPUS; c++)
		pcpu_info[c].work = 0;
	memset(ipis, 0, sizeof(ipis));
}

static unsigned long word(unsigned int cpu)
{
	return pcpu_info[cpu].work;
}

/* The scheduler loop's pass on each CPU, as between two runs. */
static void passes(void)
{
	struct pcpu *was = fuzz_this_cpu;

	for (unsigned int c = 0; c < nr_cpu_ids; c++) {
		on_cpu(c);
		sched_pass(false);
	}
	fuzz_this_cpu = was;
}

/*
 * Two CPUs; @nr vCPUs of one domain queued on CPU 1 (pinned), the first
 * one running there, the others runnable. Every word empty afterwards.
 */
static void setup(unsigned int nr)
{
	memset(pcpu_info, 0, sizeof(pcpu_info));
	memset(&dom, 0, sizeof(dom));
	memset(vcpus, 0, sizeof(vcpus));
	nr_cpu_ids = 2;
	for (unsigned int c = 0; c < CONFIG_NR_CPUS; c++) {
		pcpu_info[c].id = c;
		pcpu_info[c].online = c < nr_cpu_ids;
	}
	/* Every time: the CPUs' queue pointers went with the memset. */
	sched_init();
	now = 1000;
	mgmt_wants = false;
	sched_teardown_pending(false);
	dom.nr_vcpus = nr;
	on_cpu(0);
	for (unsigned int i = 0; i < nr; i++) {
		struct vcpu *v = &vcpus[i];

		v->id = i;
		v->domain = &dom;
		v->affinity = 1;
		v->state = i ? VCPU_RUNNABLE : VCPU_RUNNING;
		INIT_LIST_HEAD(&v->runq);
		dom.vcpus[i] = v;
		sched_add_vcpu(v);
	}
	pcpu_info[1].curr = nr ? &vcpus[0] : NULL;
	/* The loops' passes: the hand-overs may skip the next ones. */
	passes();
	clear_words();
}

static void teardown(void)
{
	for (unsigned int i = 0; i < dom.nr_vcpus; i++)
		sched_remove_vcpu(&vcpus[i]);
	pcpu_info[1].curr = NULL;
}

TEST_ISOLATED(work_take_empties_the_word)
{
	setup(0);
	on_cpu(1);
	work_raise(1, WORK_SCHED);
	work_raise_local(WORK_IRQ);
	CHECK(work_pending());
	CHECK_EQ(work_take(), WORK_SCHED | WORK_IRQ);
	CHECK(!work_pending());
	CHECK_EQ(work_take(), 0);
	teardown();
}

TEST_ISOLATED(add_vcpu_raises_on_its_cpu)
{
	setup(1);
	vcpus[1] = (struct vcpu){ .id = 1, .domain = &dom, .affinity = 1 };
	INIT_LIST_HEAD(&vcpus[1].runq);
	dom.nr_vcpus = 2;
	on_cpu(0);
	sched_add_vcpu(&vcpus[1]);
	/* CPU 1's running vCPU now shares its CPU: the slice check. */
	CHECK(word(1) & WORK_SCHED);
	CHECK_EQ(ipis[1], 1);
	CHECK_EQ(word(0), 0);
	teardown();
}

TEST_ISOLATED(move_vcpu_raises_on_the_new_cpu)
{
	setup(2);
	on_cpu(0);
	/* vCPU 1 is queued on CPU 1, not running: it may move to CPU 0. */
	CHECK_EQ(sched_move_vcpu(&vcpus[1], 0), 0);
	CHECK(word(0) & WORK_SCHED);
	/* The running one may not move. */
	clear_words();
	CHECK_EQ(sched_move_vcpu(&vcpus[0], 0), -EAGAIN);
	teardown();
}

TEST_ISOLATED(block_raises_on_its_cpu)
{
	setup(1);
	on_cpu(1);
	vcpu_block(&vcpus[0], 5000);
	CHECK_EQ(vcpus[0].state, VCPU_BLOCKED);
	CHECK(word(1) & WORK_VCPU);
	teardown();
}

TEST_ISOLATED(wake_raises_on_its_cpu)
{
	setup(2);
	vcpus[1].state = VCPU_BLOCKED;
	on_cpu(0);
	vcpu_wake(&vcpus[1]);
	CHECK_EQ(vcpus[1].state, VCPU_RUNNABLE);
	/* The running vCPU 0 may now have to give its CPU up. */
	CHECK(word(1) & WORK_SCHED);
	CHECK_EQ(word(0), 0);
	teardown();
}

TEST_ISOLATED(kick_raises_remote_and_local)
{
	setup(1);
	/* From another CPU, the vCPU in its guest: a bit and an IPI. */
	on_cpu(0);
	vcpu_kick(&vcpus[0]);
	CHECK(word(1) & WORK_VCPU);
	CHECK_EQ(ipis[1], 1);
	/*
	 * From its own CPU (a hypercall of the vCPU pausing its domain, a
	 * shutdown, a crash): no IPI, but its return to the guest must look.
	 */
	clear_words();
	on_cpu(1);
	vcpu_kick(&vcpus[0]);
	CHECK(word(1) & WORK_VCPU);
	CHECK_EQ(ipis[1], 0);
	teardown();
}

/* Every writer of v->pause and v->state in common/domain.c kicks. */
TEST_ISOLATED(pause_is_seen)
{
	setup(1);
	on_cpu(0);
	WRITE_ONCE(vcpus[0].pause, true);
	vcpu_kick(&vcpus[0]);
	on_cpu(1);
	CHECK(work_pending());
	work_take();
	CHECK(vcpu_must_leave(&vcpus[0]));
	teardown();
}

TEST_ISOLATED(yield_raises_locally)
{
	setup(2);
	on_cpu(1);
	now = 2000;
	sched_yield();
	CHECK(word(1) & WORK_SCHED);
	CHECK(sched_need_resched());
	teardown();
}

TEST_ISOLATED(yield_alone_raises_nothing)
{
	setup(1);
	on_cpu(1);
	sched_yield();
	CHECK_EQ(word(1), 0);
	CHECK(!sched_need_resched());
	teardown();
}

TEST_ISOLATED(timer_tick_raises_locally)
{
	setup(1);
	on_cpu(1);
	sched_timer_tick();
	CHECK(word(1) & WORK_SCHED);
	CHECK_EQ(word(0), 0);
	teardown();
}

TEST_ISOLATED(mgmt_request_raises_on_cpu0)
{
	setup(0);
	vcpus[0] = (struct vcpu){ .id = 0, .domain = &dom, .affinity = 0 };
	INIT_LIST_HEAD(&vcpus[0].runq);
	dom.nr_vcpus = 1;
	on_cpu(0);
	sched_add_vcpu(&vcpus[0]);
	vcpus[0].state = VCPU_RUNNING;
	pcpu_info[0].curr = &vcpus[0];
	clear_words();
	mgmt_wants = true;
	sched_timer_tick();
	CHECK(word(0) & WORK_SCHED);
	CHECK(sched_need_resched());
	sched_remove_vcpu(&vcpus[0]);
	pcpu_info[0].curr = NULL;
}

TEST_ISOLATED(teardown_raises_everywhere)
{
	setup(1);
	on_cpu(0);
	sched_teardown_pending(true);
	for (unsigned int c = 0; c < nr_cpu_ids; c++)
		CHECK(word(c) & WORK_SCHED);
	sched_teardown_pending(false);
	teardown();
}

/*
 * The slice end raises no bit (time passes, nobody writes): while another
 * vCPU shares the CPU, or a teardown waits, the check raises its own bit
 * again so that it runs before every entry, as it did before the word.
 */
TEST_ISOLATED(slice_check_keeps_its_bit)
{
	setup(2);
	on_cpu(1);
	sched_need_resched();
	CHECK(word(1) & WORK_SCHED);
	teardown();

	/* Alone on the CPU: nothing to look at again. */
	setup(1);
	on_cpu(1);
	CHECK(!sched_need_resched());
	CHECK_EQ(word(1), 0);
	teardown();

	setup(1);
	on_cpu(1);
	sched_teardown_pending(true);
	work_take();
	sched_need_resched();
	CHECK(word(1) & WORK_SCHED);
	sched_teardown_pending(false);
	teardown();
}

TEST_ISOLATED(domain_work_raises_on_each_vcpu_cpu)
{
	setup(2);
	/* vCPU 1 moves to CPU 0: the domain now spans both CPUs. */
	on_cpu(0);
	CHECK_EQ(sched_move_vcpu(&vcpus[1], 0), 0);
	clear_words();
	sched_domain_work(&dom, WORK_PV);
	CHECK(word(0) & WORK_PV);
	CHECK(word(1) & WORK_PV);
	teardown();
}

/*
 * The direct hand-over (sched_handover(), issue 20): what put_prev(), the
 * scheduler loop's pass and pick_next() would decide, when that pass has
 * nothing else to do; otherwise nothing changed.
 */
/* @v is the last of its queue: the next element is the queue's head. */
static bool queued_last(const struct vcpu *v)
{
	for (unsigned int i = 0; i < 4; i++) {
		if (v->runq.next == &vcpus[i].runq)
			return false;
	}
	return true;
}

TEST_ISOLATED(handover_to_the_next_runnable)
{
	setup(3);
	on_cpu(1);
	/* vCPU0 (running) blocks until now + 500; vCPU2 until now + 300. */
	vcpu_block(&vcpus[0], now + 500);
	vcpus[0].run_start = now - 100;
	vcpu_block(&vcpus[2], now + 300);
	timer_at = 0;
	/* A resched asked before: answered by the hand-over itself. */
	sched_yield();
	CHECK(sched_handover(&vcpus[0]) == &vcpus[1]);
	CHECK(word(1) & WORK_SCHED);
	CHECK(!sched_need_resched());
	CHECK(pcpu_info[1].curr == &vcpus[1]);
	CHECK_EQ(vcpus[1].state, VCPU_RUNNING);
	CHECK_EQ(vcpus[0].state, VCPU_BLOCKED);
	CHECK(queued_last(&vcpus[0]));
	/* The earliest wake-up of this CPU's blocked vCPUs. */
	CHECK_EQ(timer_at, now + 300);
	CHECK_EQ(vcpus[0].runtime_ticks, 100);
	CHECK_EQ(vcpus[0].run_start, 0);
	CHECK_EQ(vcpus[1].run_start, now);
	CHECK_EQ(sched_slice_deadline(), now + 10000);
	teardown();

	/*
	 * A deadline passed: the hand-over wakes nobody (the timer's tick
	 * does, and it is due at once); nobody runnable, the loop's way.
	 */
	setup(3);
	on_cpu(1);
	vcpus[0].state = VCPU_BLOCKED;
	vcpu_block(&vcpus[1], now + 10);
	vcpu_block(&vcpus[2], now + 20);
	now += 30;
	CHECK(!sched_handover(&vcpus[0]));
	CHECK_EQ(vcpus[1].state, VCPU_BLOCKED);
	/* The tick wakes both; then the first in the queue runs. */
	sched_timer_tick();
	CHECK_EQ(vcpus[2].state, VCPU_RUNNABLE);
	CHECK(sched_handover(&vcpus[0]) == &vcpus[1]);
	/* Nothing else waits: the slice end. */
	CHECK_EQ(timer_at, now + 10000);
	teardown();

	/* Woken again since it blocked: it waits behind the other one. */
	setup(3);
	on_cpu(1);
	vcpus[0].state = VCPU_RUNNABLE;
	CHECK(sched_handover(&vcpus[0]) == &vcpus[1]);
	CHECK_EQ(vcpus[0].state, VCPU_RUNNABLE);
	CHECK(queued_last(&vcpus[0]));
	teardown();

	/* Two on the queue: the other one, whatever the order. */
	setup(2);
	on_cpu(1);
	vcpus[0].state = VCPU_RUNNABLE;
	CHECK(sched_handover(&vcpus[0]) == &vcpus[1]);
	CHECK_EQ(vcpus[0].state, VCPU_RUNNABLE);
	vcpus[1].state = VCPU_RUNNABLE;
	CHECK(sched_handover(&vcpus[1]) == &vcpus[0]);
	teardown();
}

/*
 * Round robin among three vCPUs that hand the CPU over by blocking (issue
 * 20: the hand-over moves the one leaving to the tail only when more than
 * two share the queue): none is passed over while the other two take
 * turns.
 */
TEST_ISOLATED(handover_round_robin_among_three)
{
	unsigned int ran[3] = { 0 };
	struct vcpu *v;

	setup(3);
	on_cpu(1);
	v = &vcpus[0];
	for (unsigned int i = 0; i < 30; i++) {
		struct vcpu *next = sched_block_handover(v, 0);

		CHECK(next != NULL);
		if (!next) {
			break;
		}
		/* The one that left is woken at once (an interrupt). */
		vcpu_wake(v);
		ran[next - vcpus]++;
		v = next;
	}
	for (unsigned int i = 0; i < 3; i++) {
		CHECK_EQ(ran[i], 10);
	}
	teardown();
}

TEST_ISOLATED(handover_declines)
{
	for (unsigned int k = 0; k < 8; k++) {
		setup(3);
		on_cpu(1);
		vcpus[0].state = VCPU_BLOCKED;
		vcpus[2].state = VCPU_BLOCKED;
		vcpus[2].wake_at = now + 50;
		switch (k) {
		case 0: /* a teardown step due */
			sched_teardown_pending(true);
			break;
		case 1: /* the lifecycle has work (domain.c's reap_kick()) */
			reap_busy = true;
			sched_loop_kick();
			break;
		case 2: /* still running (it went down, its domain stops) */
			vcpus[0].state = VCPU_RUNNING;
			break;
		case 3:
			vcpus[0].state = VCPU_DOWN;
			break;
		case 4: /* the only other runnable one is paused */
			vcpus[1].pause = 1;
			break;
		case 5: /* ... or has a start to apply (the loop does it) */
			vcpus[1].reset_pending = true;
			break;
		case 6: /* nobody else runnable: the loop (idle, or again) */
			vcpus[1].state = VCPU_BLOCKED;
			break;
		default: /* a management request on CPU0 */
			break;
		}
		if (k == 7) {
			/* The same queue on CPU0, its console poll not due. */
			teardown();
			setup(0);
			for (unsigned int i = 0; i < 2; i++) {
				vcpus[i].id = i;
				vcpus[i].domain = &dom;
				vcpus[i].affinity = 0;
				vcpus[i].state = i ? VCPU_RUNNABLE :
						     VCPU_BLOCKED;
				INIT_LIST_HEAD(&vcpus[i].runq);
				sched_add_vcpu(&vcpus[i]);
			}
			dom.nr_vcpus = 2;
			on_cpu(0);
			pcpu_info[0].curr = &vcpus[0];
			passes();
			sched_timer_tick(); /* polls: the next one in 1 ms */
			mgmt_wants = true;
			/* Bytes are polled: CPU0's tick sees them. */
			sched_timer_tick();
			CHECK(!sched_handover(&vcpus[0]));
			/* Until the loop's pass has polled them. */
			mgmt_wants = false;
			CHECK(!sched_handover(&vcpus[0]));
			sched_pass(false);
			CHECK(sched_handover(&vcpus[0]) == &vcpus[1]);
			pcpu_info[0].curr = NULL;
			for (unsigned int i = 0; i < 2; i++)
				sched_remove_vcpu(&vcpus[i]);
			continue;
		}
		timer_at = 0;
		CHECK(!sched_handover(&vcpus[0]));
		CHECK(pcpu_info[1].curr == &vcpus[0]);
		CHECK_EQ(timer_at, 0);
		CHECK(vcpus[1].state != VCPU_RUNNING);
		reap_busy = false;
		sched_teardown_pending(false);
		teardown();
	}
}

/*
 * The block and the hand-over in one pass (sched_block_handover(), issue
 * 20): the block of vcpu_block() always, then what sched_handover()
 * decides for the blocked vCPU.
 */
TEST_ISOLATED(block_handover_blocks_and_hands_over)
{
	setup(3);
	on_cpu(1);
	/* vCPU0 runs and blocks until now + 500; vCPU2 sleeps to now + 300. */
	vcpus[0].run_start = now - 100;
	vcpu_block(&vcpus[2], now + 300);
	timer_at = 0;
	CHECK(sched_block_handover(&vcpus[0], now + 500) == &vcpus[1]);
	/*
	 * The scheduler's bit for the next entries; its check would say
	 * "stay" at the first (the arch skips it there).
	 */
	CHECK(word(1) & WORK_SCHED);
	CHECK(!sched_need_resched());
	CHECK_EQ(vcpus[0].state, VCPU_BLOCKED);
	CHECK_EQ(vcpus[0].wake_at, now + 500);
	CHECK(pcpu_info[1].curr == &vcpus[1]);
	CHECK_EQ(vcpus[1].state, VCPU_RUNNING);
	CHECK(queued_last(&vcpus[0]));
	CHECK_EQ(timer_at, now + 300);
	CHECK_EQ(vcpus[0].runtime_ticks, 100);
	CHECK_EQ(vcpus[0].run_start, 0);
	CHECK_EQ(vcpus[1].run_start, now);
	CHECK_EQ(sched_slice_deadline(), now + 10000);
	teardown();

	/* Its own deadline is the earliest: the timer fires for it. */
	setup(2);
	on_cpu(1);
	timer_at = 0;
	CHECK(sched_block_handover(&vcpus[0], now + 40) == &vcpus[1]);
	CHECK_EQ(timer_at, now + 40);
	teardown();

	/* No deadline (0): blocked until an interrupt; the slice end. */
	setup(2);
	on_cpu(1);
	CHECK(sched_block_handover(&vcpus[0], 0) == &vcpus[1]);
	CHECK_EQ(vcpus[0].state, VCPU_BLOCKED);
	CHECK_EQ(vcpus[0].wake_at, 0);
	CHECK_EQ(timer_at, now + 10000);
	teardown();

	/*
	 * A deadline passed, not woken yet (the tick comes once interrupts
	 * are unmasked): the hand-over goes to the next runnable one, and
	 * the timer is due at once.
	 */
	setup(3);
	on_cpu(1);
	vcpu_block(&vcpus[1], now + 10);
	now += 20;
	timer_at = 0;
	CHECK(sched_block_handover(&vcpus[0], now + 500) == &vcpus[2]);
	CHECK_EQ(vcpus[1].state, VCPU_BLOCKED);
	CHECK(timer_at <= now);
	teardown();
}

TEST_ISOLATED(block_handover_declines_but_blocks)
{
	for (unsigned int k = 0; k < 7; k++) {
		setup(3);
		on_cpu(1);
		vcpus[2].state = VCPU_BLOCKED;
		vcpus[2].wake_at = now + 50;
		switch (k) {
		case 0: /* a teardown step due */
			sched_teardown_pending(true);
			break;
		case 1: /* the lifecycle has work (domain.c's reap_kick()) */
			reap_busy = true;
			sched_loop_kick();
			break;
		case 2: /* the only other runnable one is paused */
			vcpus[1].pause = 1;
			break;
		case 3: /* ... or has a start to apply (the loop does it) */
			vcpus[1].reset_pending = true;
			break;
		case 4: /* nobody else runnable: the loop (idle) */
			vcpus[1].state = VCPU_BLOCKED;
			break;
		case 5: /* blocked already (woken since: runnable) */
			vcpus[0].state = VCPU_RUNNABLE;
			sched_teardown_pending(true);
			break;
		default: /* went down: not blocked, no hand-over */
			vcpus[0].state = VCPU_DOWN;
			break;
		}
		timer_at = 0;
		CHECK(!sched_block_handover(&vcpus[0], now + 500));
		/* The loop's way: @prev current, blocked, the timer alone. */
		CHECK(pcpu_info[1].curr == &vcpus[0]);
		CHECK_EQ(timer_at, 0);
		CHECK(vcpus[1].state != VCPU_RUNNING);
		if (k == 6) {
			CHECK_EQ(vcpus[0].state, VCPU_DOWN);
		} else {
			CHECK_EQ(vcpus[0].state, VCPU_BLOCKED);
			CHECK_EQ(vcpus[0].wake_at, now + 500);
		}
		reap_busy = false;
		sched_teardown_pending(false);
		teardown();
	}

	/* CPU0: a management request waits, or the console poll is due. */
	for (unsigned int k = 0; k < 2; k++) {
		setup(0);
		for (unsigned int i = 0; i < 2; i++) {
			vcpus[i].id = i;
			vcpus[i].domain = &dom;
			vcpus[i].affinity = 0;
			vcpus[i].state = i ? VCPU_RUNNABLE : VCPU_RUNNING;
			INIT_LIST_HEAD(&vcpus[i].runq);
			sched_add_vcpu(&vcpus[i]);
		}
		dom.nr_vcpus = 2;
		on_cpu(0);
		pcpu_info[0].curr = &vcpus[0];
		passes();
		sched_timer_tick(); /* polls: the next one in 1 ms */
		if (k == 0) {
			mgmt_wants = true;
			sched_timer_tick(); /* bytes wait: seen by the tick */
		} else {
			now += 1000;
		}
		CHECK(!sched_block_handover(&vcpus[0], now + 500));
		CHECK_EQ(vcpus[0].state, VCPU_BLOCKED);
		CHECK(pcpu_info[0].curr == &vcpus[0]);
		mgmt_wants = false;
		vcpus[0].state = VCPU_RUNNING;
		/* The loop's pass (it polls the channel), then again. */
		sched_pass(false);
		if (k == 0) {
			CHECK(sched_block_handover(&vcpus[0], now + 500) ==
			      &vcpus[1]);
		}
		pcpu_info[0].curr = NULL;
		for (unsigned int i = 0; i < 2; i++)
			sched_remove_vcpu(&vcpus[i]);
	}
}

/*
 * The hand-over's one compare (handover_quiet(), issue 20): what the
 * loop's pass looks at is read there no more; its writers zero the
 * deadline the last pass left, and the pass reads their state again
 * after it stored one.
 */
TEST_ISOLATED(handover_skips_the_pass_only_while_nothing_changed)
{
	/* No pass yet since boot: the loop's way. */
	setup(2);
	on_cpu(1);
	sched_loop_kick();
	vcpus[0].state = VCPU_BLOCKED;
	CHECK(!sched_handover(&vcpus[0]));
	/* A pass: the next hand-overs skip it, on every CPU. */
	passes();
	CHECK(sched_handover(&vcpus[0]) == &vcpus[1]);
	teardown();

	/* A kick (the lifecycle's writer) reaches every CPU's queue. */
	setup(2);
	on_cpu(0);
	sched_loop_kick();
	on_cpu(1);
	vcpus[0].state = VCPU_BLOCKED;
	CHECK(!sched_handover(&vcpus[0]));
	teardown();

	/*
	 * The lifecycle has work that the pass did not finish (its state
	 * says so, its kick came before the pass's store): the pass itself
	 * leaves the deadline at 0.
	 */
	setup(2);
	reap_busy = true;
	passes();
	on_cpu(1);
	vcpus[0].state = VCPU_BLOCKED;
	CHECK(!sched_handover(&vcpus[0]));
	reap_busy = false;
	passes();
	CHECK(sched_handover(&vcpus[0]) == &vcpus[1]);
	teardown();

	/* A teardown step pending at the pass: the same. */
	setup(2);
	sched_teardown_pending(true);
	passes();
	on_cpu(1);
	vcpus[0].state = VCPU_BLOCKED;
	CHECK(!sched_handover(&vcpus[0]));
	sched_teardown_pending(false);
	teardown();
}

/*
 * The hand-over's timer comes from the queue's bound of its deadlines
 * (rq->next_wake), not from a walk (issue 20): every block and every move
 * of a blocked vCPU lowers it, so the timer is never later than a blocked
 * vCPU's deadline; a wake leaves it, and the timer then fires early once
 * (the tick computes it exactly again).
 */
TEST_ISOLATED(handover_timer_never_later_than_a_deadline)
{
	/* A blocked vCPU moved here (vcpu-pin) brings its deadline. */
	setup(2);
	vcpus[2].id = 2;
	vcpus[2].domain = &dom;
	vcpus[2].affinity = 0;
	vcpus[2].state = VCPU_RUNNABLE;
	INIT_LIST_HEAD(&vcpus[2].runq);
	sched_add_vcpu(&vcpus[2]);
	on_cpu(0);
	vcpu_block(&vcpus[2], now + 70);
	CHECK_EQ(sched_move_vcpu(&vcpus[2], 1), 0);
	on_cpu(1);
	timer_at = 0;
	CHECK(sched_block_handover(&vcpus[0], now + 500) == &vcpus[1]);
	CHECK_EQ(timer_at, now + 70);
	sched_remove_vcpu(&vcpus[2]);
	teardown();

	/* A blocked vCPU added to the queue: the same. */
	setup(2);
	memset(&vcpus[2], 0, sizeof(vcpus[2]));
	vcpus[2].id = 2;
	vcpus[2].domain = &dom;
	vcpus[2].affinity = 1;
	vcpus[2].state = VCPU_BLOCKED;
	vcpus[2].wake_at = now + 60;
	INIT_LIST_HEAD(&vcpus[2].runq);
	sched_add_vcpu(&vcpus[2]);
	on_cpu(1);
	timer_at = 0;
	CHECK(sched_block_handover(&vcpus[0], now + 500) == &vcpus[1]);
	CHECK_EQ(timer_at, now + 60);
	sched_remove_vcpu(&vcpus[2]);
	teardown();

	/*
	 * Woken before its deadline (an interrupt): the bound is computed
	 * again, the timer is the next real deadline.
	 */
	setup(3);
	on_cpu(1);
	vcpu_block(&vcpus[2], now + 40);
	vcpu_wake(&vcpus[2]);
	timer_at = 0;
	CHECK(sched_block_handover(&vcpus[0], now + 500) == &vcpus[1]);
	CHECK_EQ(timer_at, now + 500);
	teardown();

	/* A deadline passed, woken by the tick: its bound is exact again. */
	setup(3);
	on_cpu(1);
	vcpu_block(&vcpus[2], now + 40);
	now += 40;
	sched_timer_tick();
	CHECK_EQ(vcpus[2].state, VCPU_RUNNABLE);
	timer_at = 0;
	CHECK(sched_block_handover(&vcpus[0], now + 500) == &vcpus[1]);
	CHECK_EQ(timer_at, now + 500);
	teardown();
}

/*
 * A next vCPU placed on another CPU than the queue it was found on (a move
 * that broke the queues): the hand-over declines, and the loop's
 * pick_next() reports it (the hand-over has no call, issue 20).
 */
TEST_ISOLATED(handover_declines_a_misplaced_vcpu)
{
	setup(2);
	on_cpu(1);
	vcpus[1].processor = 0;
	CHECK(!sched_block_handover(&vcpus[0], now + 500));
	CHECK(pcpu_info[1].curr == &vcpus[0]);
	CHECK_EQ(vcpus[1].state, VCPU_RUNNABLE);
	vcpus[1].processor = 1;
	vcpus[0].state = VCPU_RUNNING;
	CHECK(sched_block_handover(&vcpus[0], now + 500) == &vcpus[1]);
	teardown();
}

int main(void)
{
	return run_tests("sched_work");
}
