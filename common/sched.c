// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler and the per-CPU loop.
 *
 * Each physical CPU owns a run queue. vCPUs are placed on their pinned CPU
 * or on the least loaded one, and stay there unless the management
 * channel moves one (sched_move_vcpu(), 'xen-lite vcpu-pin'): v->processor
 * changes only under both run queues' locks, so whoever locks a vCPU's
 * queue checks afterwards that it is still the vCPU's (rq_lock_vcpu()). A CPU runs the first runnable
 * vCPU of its queue through arch_vcpu_run() for at most one slice, then
 * rotates it to the tail, so vCPUs sharing a CPU get round-robin time. A
 * CPU with nothing runnable sleeps in arch_cpu_idle() until its timer
 * (the earliest wake-up deadline of its blocked vCPUs) or an IPI.
 *
 * Between two runs the loop gives the domain lifecycle its turn
 * (domain_reap(), common/domain.c: the on_* policy of domains that shut
 * down, one bounded teardown step per pass, powering off once none is
 * left) and, on CPU0, polls the console for input
 * (common/domain_console.c). Nothing else about domains is decided here.
 * When that turn has nothing to do, a vCPU that blocks may hand the CPU
 * straight to the next one from the arch's run loop (sched_handover(),
 * Arm and RISC-V), the same decision without the loop's pass.
 */
#include <xen-lite/arch.h>
#include <xen-lite/domain_console.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mgmt.h>
#include <xen-lite/sched.h>
#include <xen-lite/setup.h>
#include <xen-lite/smp.h>
#include <xen-lite/stall.h>
#include <xen-lite/work.h>

struct runq {
	spinlock_t lock;
	struct list_head head;
	unsigned int nr;
	bool need_resched;
	u64 slice_end;
	/*
	 * Until when a hand-over may skip the loop's pass between two runs
	 * (handover_quiet()): 0 once the pass has work, else CPU0's next
	 * console poll (~0 on the other CPUs). Set by the pass
	 * (loop_due_set()), zeroed by the writers of what the pass looks at
	 * (sched_loop_kick(), sched_teardown_pending(), CPU0's tick).
	 */
	u64 loop_due;
	/*
	 * No later than the earliest deadline (wake_at) of the queue's
	 * blocked vCPUs, ~0 when none has one: the hand-over's hypervisor
	 * timer, without a walk over the queue (issue 20). A lower bound:
	 * every block and every move of a blocked vCPU here lowers it (under
	 * the lock), vcpu_wake() of the vCPU whose deadline it is computes it
	 * exactly, as do the tick and the loop (rq_next_wake()); the other
	 * wakes (of a deadline that passed: pick_next(), the tick) leave it,
	 * and the timer then fires early at most once, its tick computing it
	 * exactly again.
	 */
	u64 next_wake;
};

static struct runq runqs[CONFIG_NR_CPUS];
static u64 slice_ticks;
static u64 tick_ticks;
/* CPU0's console poll: at most every console_ticks, next at console_next. */
static u64 console_ticks;
static u64 console_next;
static bool sched_ready;
static u32 misplaced_told;
/* A domain's teardown is unfinished: CPUs must come back to reap it. */
static bool reap_more;

static struct runq *rq_of(unsigned int cpu)
{
	return &runqs[cpu];
}

/* @v, on @rq (its lock held), is blocked until @at (0: no deadline). */
static inline void rq_wake_bound(struct runq *rq, u64 at)
{
	if (at && at < rq->next_wake) {
		rq->next_wake = at;
	}
}

/*
 * Earliest wake-up deadline of the blocked vCPUs of @rq (or ~0), its lock
 * held: also the queue's bound from now on (rq->next_wake).
 */
static u64 rq_next_wake(struct runq *rq)
{
	struct vcpu *v;
	u64 next = ~0ULL;

	list_for_each_entry(v, &rq->head, runq) {
		if (v->state == VCPU_BLOCKED && v->wake_at)
			next = MIN(next, v->wake_at);
	}
	rq->next_wake = next;
	return next;
}

void sched_add_vcpu(struct vcpu *v)
{
	unsigned int best = 0;
	unsigned long flags;
	struct runq *rq;

	if (v->affinity >= 0 && (unsigned int)v->affinity < nr_cpu_ids) {
		best = v->affinity;
	} else {
		for (unsigned int c = 1; c < nr_cpu_ids; c++) {
			if (rq_of(c)->nr < rq_of(best)->nr)
				best = c;
		}
	}
	rq = rq_of(best);
	spin_lock_irqsave(&rq->lock, flags);
	v->processor = best;
	list_add_tail(&v->runq, &rq->head);
	rq->nr++;
	if (v->state == VCPU_BLOCKED) {
		rq_wake_bound(rq, v->wake_at);
	}
	spin_unlock_irqrestore(&rq->lock, flags);
	/* Its running vCPU now shares the CPU: the slice check runs. */
	work_raise(best, WORK_SCHED);
	if (best != smp_processor_id())
		arch_send_ipi(best);
}

/*
 * Lock the run queue that holds @v. Its CPU may change while we wait for
 * the lock (sched_move_vcpu() holds both queues' locks to move it): then
 * try the new one.
 */
static struct runq *rq_lock_vcpu(const struct vcpu *v, unsigned long *flags)
{
	for (;;) {
		unsigned int cpu = READ_ONCE(v->processor);
		struct runq *rq = rq_of(cpu);

		spin_lock_irqsave(&rq->lock, *flags);
		if (READ_ONCE(v->processor) == cpu)
			return rq;
		spin_unlock_irqrestore(&rq->lock, *flags);
	}
}

int sched_move_vcpu(struct vcpu *v, unsigned int cpu)
{
	unsigned int old = READ_ONCE(v->processor);
	struct runq *from = rq_of(old), *to = rq_of(cpu);
	struct runq *first = old < cpu ? from : to;
	struct runq *second = old < cpu ? to : from;
	unsigned long flags;
	int rc = 0;

	if (old == cpu) {
		v->affinity = (int)cpu;
		return 0;
	}
	/* Both queues, in CPU order: two moves cannot deadlock. */
	spin_lock_irqsave(&first->lock, flags);
	spin_lock(&second->lock);
	/*
	 * On its CPU still: curr is set and cleared under that CPU's queue
	 * lock, after the vCPU's state is saved (put_prev() runs after
	 * arch_vcpu_run() returned), so a vCPU found off its CPU here has
	 * all its state in memory and cannot be picked while we hold it.
	 */
	if (READ_ONCE(pcpu_info[old].curr) == v || list_empty(&v->runq)) {
		rc = -EAGAIN;
	} else {
		list_del(&v->runq);
		from->nr--;
		list_add_tail(&v->runq, &to->head);
		to->nr++;
		/* Its deadline is the new queue's timer's now. */
		if (v->state == VCPU_BLOCKED) {
			rq_wake_bound(to, v->wake_at);
		}
		v->affinity = (int)cpu;
		WRITE_ONCE(v->processor, cpu);
	}
	spin_unlock(&second->lock);
	spin_unlock_irqrestore(&first->lock, flags);
	if (!rc)
		work_raise(cpu, WORK_SCHED);
	/* Its new CPU may be asleep, or have armed its timer without it. */
	if (!rc && cpu != smp_processor_id())
		arch_send_ipi(cpu);
	return rc;
}

void sched_remove_vcpu(struct vcpu *v)
{
	unsigned long flags;
	struct runq *rq = rq_lock_vcpu(v, &flags);

	if (!list_empty(&v->runq)) {
		list_del(&v->runq);
		rq->nr--;
	}
	spin_unlock_irqrestore(&rq->lock, flags);
}

void vcpu_block(struct vcpu *v, u64 wake_at)
{
	unsigned long flags;
	struct runq *rq = rq_lock_vcpu(v, &flags);

	if (v->state == VCPU_RUNNING || v->state == VCPU_RUNNABLE) {
		v->wake_at = wake_at;
		v->state = VCPU_BLOCKED;
		rq_wake_bound(rq, wake_at);
	}
	spin_unlock_irqrestore(&rq->lock, flags);
	/*
	 * Not VCPU_RUNNING any more: the run loop must see it and return.
	 * The current vCPU's own block (a WFI) needs no barrier: its checks
	 * run later on this CPU.
	 */
	if (v == this_cpu()->curr) {
		work_raise_local(WORK_VCPU);
	} else {
		work_raise_vcpu(v, WORK_VCPU);
	}
}

void vcpu_wake(struct vcpu *v)
{
	unsigned long flags;
	bool kick = false;
	struct runq *rq = rq_lock_vcpu(v, &flags);

	if (v->state == VCPU_BLOCKED) {
		u64 at = v->wake_at;

		v->state = VCPU_RUNNABLE;
		v->wake_at = 0;
		kick = pcpu_info[v->processor].curr == NULL;
		/*
		 * Woken before the deadline that may be the queue's bound:
		 * the exact one again, or the next hand-over's timer would
		 * fire for nobody (one spurious tick per early wake).
		 */
		if (at && at <= rq->next_wake) {
			rq_next_wake(rq);
		}
	}
	spin_unlock_irqrestore(&rq->lock, flags);
	/*
	 * Its CPU's queue has one more runnable vCPU (and @v itself may be
	 * that CPU's current vCPU, blocked on its way out of the run loop).
	 */
	work_raise_vcpu(v, WORK_SCHED | WORK_VCPU);
	if (kick && v->processor != smp_processor_id())
		arch_send_ipi(v->processor);
}

void vcpu_kick(struct vcpu *v)
{
	unsigned int cpu = READ_ONCE(v->processor);

	/*
	 * Whatever the caller changed for @v is looked at before its next
	 * entry (a local @v: this exit's own return to the guest).
	 */
	work_raise(cpu, WORK_VCPU);
	if (cpu != smp_processor_id() && READ_ONCE(pcpu_info[cpu].curr) == v)
		arch_send_ipi(cpu);
	else if (cpu != smp_processor_id() && !READ_ONCE(pcpu_info[cpu].curr))
		arch_send_ipi(cpu);
}

/* Slice over: is anyone else on this queue waiting to run? */
static bool rq_has_other_runnable(struct runq *rq, struct vcpu *curr)
{
	u64 now = arch_counter_read();
	unsigned long flags;
	struct vcpu *v;
	bool other = false;

	spin_lock_irqsave(&rq->lock, flags);
	list_for_each_entry(v, &rq->head, runq) {
		if (v == curr || READ_ONCE(v->pause))
			continue;
		if (v->state == VCPU_RUNNABLE ||
		    (v->state == VCPU_BLOCKED && v->wake_at &&
		     v->wake_at <= now)) {
			other = true;
			break;
		}
	}
	if (!other)
		rq->slice_end = now + slice_ticks; /* a new slice */
	spin_unlock_irqrestore(&rq->lock, flags);
	return other;
}

/* sched_need_resched() once the slice end matters: read the counter. */
static __noinline bool need_resched_slice(struct runq *rq, struct vcpu *v)
{
	if (arch_counter_read() < rq->slice_end)
		return false;
	/* Teardown steps get their turn once a slice, even on a busy CPU. */
	if (READ_ONCE(reap_more))
		return true;
	return rq->nr >= 2 && rq_has_other_runnable(rq, v);
}

bool sched_need_resched(void)
{
	struct pcpu *p = this_cpu();
	struct runq *rq = p->rq;

	/*
	 * The vCPU's own state and pause are vcpu_must_leave()'s, checked
	 * just before (issue 20: checking them twice cost 7 instructions on
	 * every guest entry).
	 */
	if (READ_ONCE(rq->need_resched))
		return true;
	/*
	 * Checked before every guest entry: the common case (the vCPU alone
	 * on its CPU, no teardown waiting) decides without reading the
	 * counter or building a stack frame (issue 20: 37 of the 228
	 * hypervisor instructions of an Arm null hypercall were this).
	 */
	if (rq->nr < 2 && !READ_ONCE(reap_more))
		return false;
	/*
	 * The answer now depends on the time (the slice end), which raises
	 * no bit: look again before the next entry, as long as another vCPU
	 * or a teardown shares the CPU (xen-lite/work.h).
	 */
	work_raise_local(WORK_SCHED);
	return need_resched_slice(rq, p->curr);
}

#ifdef CONFIG_DEBUG_WORK_CHECK
/*
 * What the entry checks would have had to do for @v, or NULL: its state
 * or pause (vcpu_must_leave()), the run queue (would sched_need_resched()
 * look at anything: a resched asked, another vCPU or a teardown sharing
 * the CPU), then the arch's own. No side effect.
 */
static const char *work_check_why(struct vcpu *v, int *irq)
{
	struct runq *rq = rq_of(smp_processor_id());

	*irq = -1;
	if (READ_ONCE(v->state) != VCPU_RUNNING) {
		return "its state";
	}
	if (READ_ONCE(v->pause)) {
		return "its pause";
	}
	if (READ_ONCE(rq->need_resched) || READ_ONCE(rq->nr) >= 2 ||
	    READ_ONCE(reap_more)) {
		return "the run queue";
	}
	return arch_work_check_why(v, irq);
}

/*
 * How long work_check() waits for a writer's bit: a writer on another CPU
 * between its state and its bit can be a host thread the host took off
 * its core (QEMU's vCPUs on a loaded machine) for milliseconds; the 1 ms
 * this once was made the check panic now and then at load 8. As long as
 * the stall detector's threshold (10 ms; 5 s in the QEMU defconfigs,
 * whose counter follows the host's clock): a writer in the hypervisor
 * held up longer is reported by its own CPU's detector anyway. A bit
 * never raised still panics, that much later.
 */
#define WORK_CHECK_GRACE_US \
	(CONFIG_STALL_DETECT_US > 1000 ? CONFIG_STALL_DETECT_US : 10000)

void work_check(struct vcpu *v)
{
	u64 end = arch_counter_read() +
		  arch_counter_freq() * WORK_CHECK_GRACE_US / 1000000;
	const char *why;
	int irq;

	while ((why = work_check_why(v, &irq)) && !work_pending()) {
		if (arch_counter_read() > end) {
			panic("work word: %s changed and no bit was raised "
			      "(d%u vCPU%u, interrupt %d): a lost wake-up",
			      why, v->domain->id, v->id, irq);
		}
		cpu_relax();
	}
}
#endif

void sched_yield(void)
{
	struct runq *rq = rq_of(smp_processor_id());

	if (rq->nr > 1 && rq_has_other_runnable(rq, this_cpu()->curr)) {
		WRITE_ONCE(rq->need_resched, true);
		work_raise_local(WORK_SCHED);
	}
}

u64 sched_slice_deadline(void)
{
	return rq_of(smp_processor_id())->slice_end;
}

/*
 * CPU0 polls the console (input, the focused domain's partial line) from
 * its scheduler loop and its tick, but at most once a millisecond: a poll
 * costs some 90 instructions (issue 20: two of them, on the timer tick
 * and the scheduler pass, were a fifth of a world switch on CPU0). After
 * an idle period (@woke) it polls at once: the wake-up may be input.
 */
static void console_poll_due(u64 now, bool woke)
{
	if (!woke && now < console_next)
		return;
	console_next = now + console_ticks;
	console_poll();
}

u64 sched_timer_tick(void)
{
	struct runq *rq = rq_of(smp_processor_id());
	u64 now = arch_counter_read(), next;
	struct vcpu *v;
	unsigned long flags;

	spin_lock_irqsave(&rq->lock, flags);
	list_for_each_entry(v, &rq->head, runq) {
		if (v->state == VCPU_BLOCKED && v->wake_at &&
		    v->wake_at <= now) {
			v->state = VCPU_RUNNABLE;
			v->wake_at = 0;
		}
	}
	next = rq_next_wake(rq);
	/*
	 * While other vCPUs share this CPU, keep a slice timer: at
	 * slice_end, or a slice from now once slice_end has passed (the
	 * running vCPU then keeps the CPU only because nobody else was
	 * runnable, see rq_has_other_runnable(), and nothing re-arms the
	 * timer for its new slice). A vCPU that another CPU wakes or starts
	 * here later gets no IPI while this one runs: without the timer it
	 * would wait until the running vCPU exits on its own, which a
	 * spinning guest may not do for seconds. A stale slice_end is never
	 * used as the deadline itself: it would re-fire at once forever.
	 */
	if (this_cpu()->curr && (rq->nr > 1 || READ_ONCE(reap_more)))
		next = MIN(next, rq->slice_end > now ? rq->slice_end :
						       now + slice_ticks);
	spin_unlock_irqrestore(&rq->lock, flags);
	if (smp_processor_id() == 0) {
		console_poll_due(now, false);
		/*
		 * Management requests run in the scheduler loop, where no
		 * guest state is live: end the running vCPU's turn for them.
		 */
		if (mgmt_pending()) {
			WRITE_ONCE(rq->need_resched, true);
			/* Nor a hand-over (handover_quiet()). */
			WRITE_ONCE(rq->loop_due, 0);
		}
		next = MIN(next, now + tick_ticks);
	}
	/*
	 * Deadlines passed (vCPUs made runnable above), a slice may have
	 * ended, a management request may wait: the checks run before the
	 * next entry.
	 */
	work_raise_local(WORK_SCHED);
	return next;
}

/*
 * A queue holds only the vCPUs placed on its CPU: a move that broke this
 * (tests/runtime's vcpu_pin_race looks for the line). @v was just picked
 * from CPU @cpu's queue.
 */
static __noinline void misplaced_report(unsigned int cpu, const struct vcpu *v)
{
	if (!__atomic_exchange_n(&misplaced_told, 1, __ATOMIC_RELAXED))
		printk(XL_ERR "sched: domain %u vCPU%u on CPU%u's queue, "
			      "placed on CPU%u\n",
		       v->domain->id, v->id, cpu, READ_ONCE(v->processor));
}

static inline void misplaced_check(unsigned int cpu, const struct vcpu *v)
{
	if (unlikely(READ_ONCE(v->processor) != cpu))
		misplaced_report(cpu, v);
}

/* Pick the first runnable vCPU and mark it running. */
static struct vcpu *pick_next(struct runq *rq)
{
	struct vcpu *v, *found = NULL;
	u64 now = arch_counter_read();
	unsigned long flags;

	spin_lock_irqsave(&rq->lock, flags);
	rq->need_resched = false;
	list_for_each_entry(v, &rq->head, runq) {
		if (v->state == VCPU_BLOCKED && v->wake_at &&
		    v->wake_at <= now) {
			v->state = VCPU_RUNNABLE;
			v->wake_at = 0;
		}
		if (v->state == VCPU_RUNNABLE && !READ_ONCE(v->pause)) {
			found = v;
			break;
		}
	}
	if (found) {
		found->state = VCPU_RUNNING;
		rq->slice_end = now + slice_ticks;
		this_cpu()->curr = found;
	}
	spin_unlock_irqrestore(&rq->lock, flags);
	if (found) {
		misplaced_check((unsigned int)(rq - runqs), found);
	}
	return found;
}

/* After a run: a preempted vCPU goes back to the tail of the queue. */
static void put_prev(struct runq *rq, struct vcpu *v)
{
	unsigned long flags;

	spin_lock_irqsave(&rq->lock, flags);
	this_cpu()->curr = NULL;
	if (v->state == VCPU_RUNNING)
		v->state = VCPU_RUNNABLE;
	list_del(&v->runq);
	list_add_tail(&v->runq, &rq->head);
	spin_unlock_irqrestore(&rq->lock, flags);
}

/*
 * Would the loop's pass between two runs have nothing to do: no teardown
 * step, no lifecycle change, on CPU0 no management request and no console
 * poll due? Any of these becoming due just after is the same as it coming
 * after the loop's pass. One compare (issue 20: reading reap_more, the
 * reaper's generations, console_next and the management channel cost a
 * world switch 38 instructions with two calls): rq->loop_due holds the
 * answer the last pass found, and every change that gives the pass work
 * zeroes it afterwards:
 *  - the reaper's generation (domain_reap_idle()): reap_kick() in
 *    common/domain.c bumps it, then sched_loop_kick();
 *  - a teardown step (reap_more): sched_teardown_pending(true);
 *  - CPU0's console poll: a deadline, console_next, is loop_due itself
 *    (the tick's polls only move console_next later: a pass comes
 *    sooner than needed, harmless);
 *  - a management request on CPU0 (polled, nothing writes when bytes
 *    arrive): the pass zeroes loop_due while a message is half received
 *    (mgmt_poll()), CPU0's tick when bytes wait (mgmt_pending()), and
 *    the console poll's deadline bounds the wait to a millisecond
 *    (console_ticks) even without a tick: loop_due on CPU0 is never
 *    later than console_next.
 * The pass stores its deadline, then (full barrier) reads the state
 * again (loop_due_set()); a writer changes the state, then (full barrier)
 * zeroes: either the pass reads the change or the writer's zero comes
 * after the pass's store.
 */
static inline bool handover_quiet(struct runq *rq, u64 now)
{
	return now < READ_ONCE(rq->loop_due);
}

/*
 * The end of the loop's pass on @cpu (@busy: it left work, a management
 * message half received): until when the hand-over may skip the next
 * one. See handover_quiet().
 */
static void loop_due_set(struct runq *rq, unsigned int cpu, bool busy)
{
	WRITE_ONCE(rq->loop_due, cpu == 0 ? READ_ONCE(console_next) : ~0ULL);
	smp_mb();
	if (busy || READ_ONCE(reap_more) || !domain_reap_idle()) {
		WRITE_ONCE(rq->loop_due, 0);
	}
}

void sched_loop_kick(void)
{
	/* After the writer's change (see handover_quiet()). */
	smp_mb();
	for (unsigned int c = 0; c < nr_cpu_ids; c++) {
		WRITE_ONCE(rq_of(c)->loop_due, 0);
	}
}

/*
 * The hand-over's pass over @rq (its lock held, @prev current and no
 * longer running): the first runnable vCPU other than @prev, made current
 * and running, @prev to the tail; the queue's bound of its deadlines
 * (rq->next_wake) in *@wake. Return: the next vCPU, or NULL (nothing
 * changed). Always inline: a call would cost the callers a stack
 * protector for @wake. A next vCPU placed on another CPU (a move that
 * broke the queues) takes the loop's way, whose pick_next() reports it:
 * no call here, so that the hand-over needs no frame (issue 20).
 *
 * It stops at the first runnable vCPU and wakes nobody (issue 20: the
 * walk over the whole queue, which woke the vCPUs whose deadline had
 * passed and took the earliest of the others, was 45 instructions of a
 * switch between two vCPUs). A blocked vCPU whose deadline has passed is
 * the hypervisor timer's: the timer is never later than rq->next_wake,
 * which is never later than that deadline, so the timer has fired or
 * fires at the first instruction of the guest entered next (interrupts
 * are masked until then) and its tick wakes the vCPU; if no other vCPU
 * is runnable now, the loop's pick_next() wakes it at once.
 */
static __always_inline struct vcpu *handover_pick(struct pcpu *p,
						  struct runq *rq,
						  struct vcpu *prev, u64 now,
						  u64 *wake)
{
	struct vcpu *v, *next = NULL;

	list_for_each_entry(v, &rq->head, runq) {
		/*
		 * @prev goes to the tail (put_prev()), so any other runnable
		 * vCPU comes first; a start to apply takes the loop's way.
		 */
		if (v != prev && v->state == VCPU_RUNNABLE &&
		    !READ_ONCE(v->pause)) {
			next = v;
			break;
		}
	}
	*wake = rq->next_wake;
	if (!next || unlikely(READ_ONCE(next->reset_pending) ||
			      READ_ONCE(next->processor) != p->id)) {
		return NULL;
	}
	/*
	 * @prev to the tail, as put_prev() would: round robin among three
	 * or more. With two, nobody reads the order before put_prev() sets
	 * it again (issue 20: 11 instructions of a switch between two): the
	 * hand-over picks "the other one" in any order, and the loop's
	 * pick_next() runs only after put_prev() has moved the current vCPU
	 * to the tail, which leaves the same order either way.
	 */
	if (rq->nr > 2) {
		list_del(&prev->runq);
		list_add_tail(&prev->runq, &rq->head);
	}
	rq->need_resched = false;
	next->state = VCPU_RUNNING;
	rq->slice_end = now + slice_ticks;
	p->curr = next;
	return next;
}

/*
 * After a hand-over from @prev to @next (current now), outside the lock:
 * the loop's accounting and its hypervisor timer (the slice end, the next
 * wake-up @wake, CPU0's tick), and the scheduler's bit for the entries of
 * @next after its first. The timer is never later than the new slice's
 * end, so the arch need not check that again.
 */
static __always_inline struct vcpu *handover_finish(unsigned int cpu,
						    struct vcpu *prev,
						    struct vcpu *next, u64 now,
						    u64 wake)
{
	prev->runtime_ticks += now - prev->run_start;
	WRITE_ONCE(prev->run_start, 0);
	WRITE_ONCE(next->run_start, now);
	wake = MIN(wake, now + slice_ticks);
	if (cpu == 0) {
		wake = MIN(wake, now + tick_ticks);
	}
	arch_timer_set(wake);
	/*
	 * @prev and @next share the CPU: sched_need_resched() would raise
	 * this bit at @next's first entry, and answer "stay" there (the
	 * slice has just begun, need_resched is cleared, and no tick comes
	 * with interrupts masked), so the arch may skip it that once. An
	 * arch may set it itself with the rest of its word
	 * (ARCH_HANDOVER_SETS_WORK, <asm/sched.h>).
	 */
#ifndef ARCH_HANDOVER_SETS_WORK
	work_raise_local(WORK_SCHED);
#endif
	return next;
}

struct vcpu *sched_handover(struct vcpu *prev)
{
	struct pcpu *p = this_cpu();
	unsigned int cpu = p->id;
	struct runq *rq = p->rq;
	struct vcpu *next;
	u64 now = arch_counter_read(), wake;

	if (!handover_quiet(rq, now)) {
		return NULL;
	}
	spin_lock(&rq->lock);
	/* A blocked vCPU, or one woken since: put_prev() and pick_next(). */
	if (prev->state != VCPU_BLOCKED && prev->state != VCPU_RUNNABLE) {
		spin_unlock(&rq->lock);
		return NULL;
	}
	next = handover_pick(p, rq, prev, now, &wake);
	spin_unlock(&rq->lock);
	if (!next) {
		return NULL;
	}
	return handover_finish(cpu, prev, next, now, wake);
}

struct vcpu *sched_block_handover(struct vcpu *prev, u64 wake_at)
{
	struct pcpu *p = this_cpu();
	unsigned int cpu = p->id;
	/* @prev is current here: its CPU cannot change (sched_move_vcpu()). */
	struct runq *rq = p->rq;
	u64 now = arch_counter_read(), wake;
	bool quiet = handover_quiet(rq, now);
	struct vcpu *next = NULL;

	spin_lock(&rq->lock);
	/* vcpu_block()'s part, without its bit: the caller leaves anyway. */
	if (prev->state == VCPU_RUNNING || prev->state == VCPU_RUNNABLE) {
		prev->wake_at = wake_at;
		prev->state = VCPU_BLOCKED;
		rq_wake_bound(rq, wake_at);
	}
	if (quiet && prev->state == VCPU_BLOCKED) {
		next = handover_pick(p, rq, prev, now, &wake);
	}
	spin_unlock(&rq->lock);
	if (!next) {
		return NULL;
	}
	return handover_finish(cpu, prev, next, now, wake);
}

void sched_teardown_pending(bool more)
{
	WRITE_ONCE(reap_more, more);
	/* A step to run: no hand-over skips the pass (handover_quiet()). */
	if (more) {
		sched_loop_kick();
	}
	/*
	 * Every CPU's sched_need_resched() reads it: each looks at its next
	 * exit (no kick, as before: a busy CPU leaves its vCPU at the end
	 * of its slice, see need_resched_slice()).
	 */
	if (more) {
		for (unsigned int c = 0; c < nr_cpu_ids; c++)
			work_raise(c, WORK_SCHED);
	}
}

void sched_domain_work(struct domain *d, unsigned long bits)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		if (d->vcpus[i])
			work_raise_vcpu(d->vcpus[i], bits);
	}
}

/*
 * Apply the start vcpu_up() recorded for @v, if any, on the CPU about to
 * run it: after the save of its last run (see vcpu_up()).
 */
static void vcpu_apply_reset(struct vcpu *v)
{
	if (READ_ONCE(v->reset_pending)) {
		arch_vcpu_reset(v, v->reset_entry, v->reset_arg);
		WRITE_ONCE(v->reset_pending, false);
	}
}

bool sched_pass(bool woke)
{
	unsigned int cpu = smp_processor_id();
	bool mgmt_busy = false;

	domain_reap();
	if (cpu == 0) {
		console_poll_due(arch_counter_read(), woke);
		mgmt_busy = mgmt_poll();
	}
	loop_due_set(rq_of(cpu), cpu, mgmt_busy);
	return mgmt_busy;
}

static void __noreturn sched_loop(void)
{
	unsigned int cpu = smp_processor_id();
	struct runq *rq = rq_of(cpu);
	bool woke = true;

	for (;;) {
		bool mgmt_busy = sched_pass(woke);
		struct vcpu *v;

		woke = false;
		v = pick_next(rq);
		if (!v) {
			u64 next;
			unsigned long flags;

			spin_lock_irqsave(&rq->lock, flags);
			next = rq_next_wake(rq);
			spin_unlock_irqrestore(&rq->lock, flags);
			if (cpu == 0)
				next = MIN(next,
					   arch_counter_read() + tick_ticks);
			if (READ_ONCE(reap_more))
				continue; /* a teardown to finish: no sleep */
			/*
			 * A message half received: look again in half a
			 * millisecond, asleep, so that QEMU's thread filling
			 * the queue gets the host CPU a spin would take.
			 */
			if (mgmt_busy)
				next = MIN(next,
					   arch_counter_read() +
						   arch_counter_freq() / 2000);
			if (next != ~0ULL)
				arch_timer_set(next);
			arch_cpu_idle();
			woke = true;
			continue;
		}
		{
			u64 t0 = arch_counter_read();
			u64 next;
			unsigned long flags;

			/*
			 * The hypervisor timer must fire at the end of the
			 * slice (and for CPU0's console tick) even if the
			 * guest never exits on its own.
			 */
			spin_lock_irqsave(&rq->lock, flags);
			next = MIN(rq->slice_end, rq_next_wake(rq));
			spin_unlock_irqrestore(&rq->lock, flags);
			if (cpu == 0)
				next = MIN(next, t0 + tick_ticks);
			arch_timer_set(next);
			vcpu_apply_reset(v);
			/* For the 'd' dump: a lone vCPU's slice never ends. */
			WRITE_ONCE(v->run_start, t0);
			arch_vcpu_run(v);
			/* Another vCPU after a hand-over (sched_handover()). */
			v = this_cpu()->curr;
			v->runtime_ticks += arch_counter_read() - v->run_start;
			WRITE_ONCE(v->run_start, 0);
		}
		put_prev(rq, v);
	}
}

void sched_init(void)
{
	for (unsigned int c = 0; c < CONFIG_NR_CPUS; c++) {
		spin_lock_init(&runqs[c].lock);
		INIT_LIST_HEAD(&runqs[c].head);
		runqs[c].next_wake = ~0ULL; /* no vCPU yet */
		pcpu_info[c].rq = &runqs[c];
	}
	slice_ticks = arch_counter_freq() * SCHED_SLICE_MS / 1000;
	stall_init();
	tick_ticks = arch_counter_freq() / 100;
	console_ticks = arch_counter_freq() / 1000;
}

void sched_start(void)
{
	smp_mb();
	WRITE_ONCE(sched_ready, true);
	for (unsigned int c = 1; c < nr_cpu_ids; c++)
		arch_send_ipi(c);
	sched_loop();
}

void secondary_enter_scheduler(void)
{
	while (!READ_ONCE(sched_ready))
		arch_cpu_idle();
	sched_loop();
}
