// SPDX-License-Identifier: GPL-2.0
/*
 * Host timer: stimecmp when the hart has Sstc (and the firmware enabled
 * it), else SBI TIME set_timer. The hardware compare value is the earlier
 * of the scheduler's next event and, without Sstc, the guest timer of the
 * vCPU running here (with Sstc the guest has its own vstimecmp).
 *
 * The scheduler's arch_timer_set() is inline, in asm/sched.h.
 *
 * Virtual timer: SBI TIME set_timer of a vCPU (riscv_vcpu_set_timer()) and
 * its next deadline while it blocks (asm/inject.h, riscv_vcpu_timer_due()).
 */
#include <xen-lite/arch.h>
#include <xen-lite/domain.h>
#include <xen-lite/lib.h>
#include <xen-lite/sched.h>
#include <xen-lite/smp.h>
#include <asm/csr.h>
#include <asm/riscv.h>
#include <asm/sbi.h>
#include <asm/time.h>

/* /cpus timebase-frequency, set by setup.c from the host device tree. */
u64 riscv_timebase_hz;

u64 arch_counter_freq(void)
{
	return riscv_timebase_hz ? riscv_timebase_hz : 10000000;
}

static void timer_write(struct arch_pcpu *a)
{
	u64 deadline = MIN(a->timer_deadline, a->guest_deadline);

	if (riscv_features.sstc) {
		csr_write(CSR_STIMECMP, deadline);
	} else {
		sbi_set_timer(deadline);
	}
}

void riscv_timer_hart_init(void)
{
	struct arch_pcpu *a = &this_cpu()->arch;

	a->timer_deadline = ~0ULL;
	a->guest_deadline = ~0ULL;
	timer_write(a);
}

static void timer_program(u64 deadline)
{
	struct arch_pcpu *a = &this_cpu()->arch;

	a->timer_deadline = deadline;
	timer_write(a);
}

void riscv_timer_guest_deadline(u64 deadline)
{
	struct arch_pcpu *a = &this_cpu()->arch;

	if (a->guest_deadline != deadline) {
		a->guest_deadline = deadline;
		timer_write(a);
	}
}

void riscv_timer_interrupt(void)
{
	struct arch_pcpu *a = &this_cpu()->arch;
	u64 now = arch_counter_read();

	/* The guest deadline fired: the run loop raises VSTIP. */
	if (a->guest_deadline <= now) {
		a->guest_deadline = ~0ULL;
	}
	a->timer_deadline = ~0ULL;
	timer_write(a);
	timer_program(sched_timer_tick());
}

void riscv_vcpu_set_timer(struct vcpu *v, u64 deadline)
{
	if (riscv_features.sstc) {
		/*
		 * The guest's timer is vstimecmp, compared in hardware with
		 * its own time (time + htimedelta), the clock @deadline is
		 * in; VSTIP follows it (and clears with a later deadline).
		 */
		csr_write(CSR_VSTIMECMP, deadline);
		return;
	}
	v->arch.timer_deadline = deadline;
	csr_clear(CSR_HVIP, HVIP_VSTIP);
}
