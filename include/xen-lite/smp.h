/* SPDX-License-Identifier: GPL-2.0 */
/* Physical CPUs. */
#ifndef XL_SMP_H
#define XL_SMP_H

#include <xen-lite/cpumask.h>
#include <xen-lite/types.h>
#include <asm/pcpu.h> /* struct arch_pcpu */
#include <asm/system.h>

struct vcpu;
struct runq;

/*
 * Per physical CPU data. arch code keeps a pointer to this CPU's entry
 * where this_cpu() finds it (RISC-V: tp while in the hypervisor and
 * sscratch while a guest runs; Arm: TPIDR_EL2).
 */
struct pcpu {
	unsigned int id; /* logical CPU number, 0 = boot CPU */
	unsigned long hwid; /* hart ID / MPIDR affinity */
	struct vcpu *curr; /* vCPU running here, or NULL (idle) */
	void *stack_top;
	/*
	 * How far a secondary CPU got on its way up (CPU_STAGE_*), written
	 * by that CPU: what the boot CPU waits on, and what a bring-up
	 * failure reports.
	 */
	unsigned int boot_stage;
	bool online;
	/*
	 * Work pending before the next guest entry (xen-lite/work.h): set
	 * by any CPU, cleared by this one.
	 */
	unsigned long work;
	/* Stall detector (xen-lite/stall.h): the entry in progress. */
	struct {
		u64 since; /* counter at its start, 0 = none */
		u64 a, b;
		const char *what;
		bool told;
		u64 max; /* the longest entry so far, in ticks */
		/*
		 * MIN(max, stall_ticks): an entry no longer than this is
		 * neither reported nor the longest (RISC-V guest.S
		 * compares once).
		 */
		u64 limit;
		u64 max_a, max_b;
		const char *max_what;
		/*
		 * Fills what, a and b when the entry is reported or becomes
		 * the longest, for an entry whose start alone was stamped
		 * (stall_describe_by()); NULL: stall_enter() filled them.
		 */
		void (*describe)(struct pcpu *p);
	} stall;
	struct arch_pcpu arch;
	/*
	 * This CPU's run queue (common/sched.c, set by sched_init()): the
	 * hand-over's, without the index arithmetic (issue 20).
	 */
	struct runq *rq;
};

#define CPU_STAGE_NONE 0 /* not seen in xen-lite's code yet */
#define CPU_STAGE_ENTERED 1 /* in xen-lite's C entry, MMU off (RISC-V) */
#define CPU_STAGE_MMU 2 /* translation and trap vectors set up */
#define CPU_STAGE_ARCH 3 /* per-CPU arch state (hypervisor CSRs, GIC) */

extern struct pcpu pcpu_info[CONFIG_NR_CPUS];
extern cpumask_t cpu_online_map;
extern unsigned int nr_cpu_ids; /* CPUs described by the device tree */

#include <asm/current.h> /* struct pcpu *this_cpu(void) */

static inline unsigned int smp_processor_id(void)
{
	return this_cpu()->id;
}

#endif /* XL_SMP_H */
