/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler: one run queue per physical CPU. A vCPU lives on the run
 * queue of its pinned CPU, or of the least loaded CPU when unpinned, and
 * runs in round-robin time slices when vCPUs outnumber CPUs. Idle CPUs
 * wait for interrupts.
 */
#ifndef XL_SCHED_H
#define XL_SCHED_H

#include <xen-lite/domain.h>

#define SCHED_SLICE_MS 10

/*
 * The bits of the per-CPU work pending word (xen-lite/work.h, which has
 * the functions that raise and take them).
 */
/* This CPU's run queue: need_resched, a vCPU added, moved or woken, a
 * teardown waiting, the hypervisor timer (slice end, deadlines). */
#define WORK_SCHED (1UL << 0)
/* The vCPU's own state or pause (block, down, shutdown, pause, pin). */
#define WORK_VCPU (1UL << 1)
/* An interrupt may have become deliverable to a vCPU of this CPU (vGIC /
 * vPLIC candidate marks, list registers to refill). */
#define WORK_IRQ (1UL << 2)
/* The PV MMU: the domain became a PV domain (d->pv_mm_active). */
#define WORK_PV (1UL << 3)
/* A vCPU was just loaded: its first entry runs every check. */
#define WORK_LOAD (1UL << 4)
/* Architecture-specific state read by the arch's own checks. */
#define WORK_ARCH (1UL << 5)

/** vcpu_block() - @v (current) waits for an interrupt or until @wake_at
 *  (counter ticks, 0 = no deadline). arch_vcpu_run() returns after it. */
void vcpu_block(struct vcpu *v, u64 wake_at);

/** vcpu_wake() - make @v runnable (interrupt injected, IPI, timer). */
void vcpu_wake(struct vcpu *v);

/** vcpu_kick() - make a running @v exit to the hypervisor soon. */
void vcpu_kick(struct vcpu *v);

/**
 * sched_need_resched() - should the vCPU running on this CPU give the CPU
 * up for the scheduler's sake (another vCPU's turn, a teardown step, a
 * management request)? Its own state and pause are not looked at:
 * vcpu_must_leave(), the only caller, checks them first.
 */
bool sched_need_resched(void);

/**
 * sched_yield() - the current vCPU spins (Arm WFE): give the CPU to another
 * runnable vCPU of this CPU, if there is one; arch_vcpu_run() then returns
 * through sched_need_resched().
 */
void sched_yield(void);

/**
 * vcpu_must_leave() - the run loop's one predicate, checked before every
 * guest entry by arch_vcpu_run() on both architectures: @v stops (paused
 * or brought down) or this CPU must schedule. Everything that ends a
 * vCPU's turn sets one of these and kicks its CPU. The domain's own state
 * is not read: a domain leaves DOM_RUNNING only through domain_shutdown(),
 * which pauses every vCPU under the same lock, so @v->pause says it (one
 * load fewer on every entry).
 */
static inline bool vcpu_must_leave(const struct vcpu *v)
{
	return READ_ONCE(v->state) != VCPU_RUNNING || READ_ONCE(v->pause) ||
	       sched_need_resched();
}

/**
 * sched_handover() - direct hand-over (issue 20): @prev, this CPU's
 * current vCPU, stops running (it blocked, and may have been woken since)
 * and its state is saved already (arch vcpu_put()); give the CPU straight
 * to the next runnable vCPU of this CPU's queue without a pass of the
 * scheduler loop, when that pass would have nothing else to do (no
 * teardown or lifecycle change, on CPU0 no management request and no
 * console poll due): what put_prev() and pick_next() would decide, under
 * one lock, with the accounting and the hypervisor timer of the loop.
 * Called by the arch's run loop with interrupts masked. Return: the next
 * vCPU, now current (this_cpu()->curr) and VCPU_RUNNING, which the caller
 * loads and runs (arch_vcpu_run() then returns with it current); or NULL:
 * nothing changed, @prev is still current, and the caller returns to the
 * loop. With a vCPU returned, WORK_SCHED is raised on this CPU and
 * sched_need_resched() answers false until the next vCPU's first entry
 * (if interrupts stay masked until then): the arch may skip it there.
 */
struct vcpu *sched_handover(struct vcpu *prev);

/**
 * sched_block_handover() - vcpu_block() and sched_handover() in one pass
 * under one run-queue lock (issue 20): @prev, this CPU's current vCPU,
 * saved already (arch vcpu_put()), blocks until @wake_at (counter ticks,
 * 0 = no deadline; a vCPU that is not running or runnable any more keeps
 * its state) and the CPU goes to the next runnable vCPU of its queue when
 * the loop's pass would have nothing else to do. Unlike vcpu_block(), no
 * work bit is raised: the caller leaves its run loop either way. As with
 * vcpu_block(), an interrupt made pending between the caller's last look
 * and the block is the caller's to find (it looks again after a full
 * barrier, and wakes @prev). Called with interrupts masked. Return: as
 * sched_handover(); NULL leaves @prev current and blocked.
 */
struct vcpu *sched_block_handover(struct vcpu *prev, u64 wake_at);

/** sched_slice_deadline() - counter value when this CPU's slice ends. */
u64 sched_slice_deadline(void);

/**
 * sched_timer_tick() - called by arch code on the hypervisor timer
 * interrupt: wakes vCPUs whose deadline passed, ends slices, polls the
 * console (CPU0). Return: the next deadline the hypervisor timer should
 * be programmed with.
 */
u64 sched_timer_tick(void);

/** sched_add_vcpu() - place a new vCPU on a CPU's run queue. */
void sched_add_vcpu(struct vcpu *v);
/**
 * sched_move_vcpu() - move @v to @cpu's run queue ('xen-lite vcpu-pin'),
 * and pin it there (v->affinity). The caller holds @v off its CPU
 * (v->pause, kicked) and keeps its domain from being torn down (d->lock).
 * Return: 0; -EAGAIN while @v is still on its CPU (try again).
 */
int sched_move_vcpu(struct vcpu *v, unsigned int cpu);

/** sched_remove_vcpu() - take a (non-running) vCPU off its run queue. */
void sched_remove_vcpu(struct vcpu *v);

/** sched_init() - set up the run queues (boot CPU, before any vCPU). */
void sched_init(void);

/**
 * sched_start() - let every CPU into its scheduler loop; the boot CPU
 * enters its own (secondary_enter_scheduler() for the others).
 */
void sched_start(void) __noreturn;

/**
 * sched_teardown_pending() - the lifecycle tells the scheduler whether a
 * domain's teardown is unfinished (called under its reap_lock): CPUs then
 * come back to domain_reap() instead of sleeping, and a busy CPU leaves
 * its vCPU at the end of a slice to give it a step.
 */
void sched_teardown_pending(bool more);

/**
 * sched_pass() - the scheduler loop's pass between two runs on this CPU
 * (the lifecycle's turn, on CPU0 the console poll, due or after an idle
 * period (@woke), and the management channel), which lets the next
 * hand-overs skip it while nothing changes. Return: a management message
 * is half received (look again soon). The loop's; the unit tests call it.
 */
bool sched_pass(bool woke);

/**
 * sched_loop_kick() - what the scheduler loop's pass between two runs
 * looks at has changed (the lifecycle's generation, domain_reap_idle()):
 * on every CPU the next hand-over takes the loop's way, which runs the
 * pass. Call after the change; no kick, no bit (as before: each CPU sees
 * it at its next exit that leaves or blocks, or its slice's end).
 */
void sched_loop_kick(void);

/**
 * sched_domain_work() - raise @bits (WORK_*, xen-lite/work.h) on the CPU
 * of every vCPU of @d: a change of domain-wide state that their entry
 * checks read. No kick: each looks at its next exit.
 */
void sched_domain_work(struct domain *d, unsigned long bits);

/* arch hooks */
/**
 * arch_timer_set() - program this CPU's hypervisor timer at @deadline. An
 * arch may define it inline in <asm/sched.h> (the hand-over sets it on
 * every world switch; Arm does), and there ARCH_HANDOVER_SETS_WORK when
 * its first entry after a hand-over sets WORK_SCHED itself
 * (handover_finish()); host test builds keep the function and the raise.
 */
#if !defined(XL_HOST_TEST) && __has_include(<asm/sched.h>)
#include <asm/sched.h>
#else
void arch_timer_set(u64 deadline);
#endif

#endif /* XL_SCHED_H */
