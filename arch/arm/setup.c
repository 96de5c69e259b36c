// SPDX-License-Identifier: GPL-2.0
/*
 * Arm boot glue and the arch hooks of include/xen-lite/arch.h that are not
 * about firmware calls (psci.c): C entry points from head.S, the EL2
 * check, idling, IPIs and the panic helpers. The counter and the timers
 * are in time.c.
 */
#include <xen-lite/arch.h>
#include <xen-lite/arch/p2m.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/smp.h>
#include <libfdt.h>
#include <asm/gic.h>
#include <asm/irq.h>
#include <asm/vcpu.h>
#include <asm/setup.h>
#include <asm/sysregs.h>
#include <asm/system.h>
#include <asm/time.h>
#include <xen-lite/sched.h>

#define STACK_SIZE (CONFIG_STACK_SIZE_KB * 1024UL)

extern char cpu_stacks[];

void arm_boot_c(unsigned long mpidr, paddr_t dtb)
{
	struct pcpu *p = &pcpu_info[0];

	p->stack_top = cpu_stacks + STACK_SIZE;
	p->arch.mpidr = mpidr & MPIDR_AFF_MASK;
	p->arch.timer_deadline = ~0ULL;
	start_xen(mpidr & MPIDR_AFF_MASK, dtb);
}

void arm_guest_cpu_init(void)
{
	/*
	 * The same for every vCPU, so written once per CPU instead of at
	 * each load (issue 20); they trap or deny only EL1 and EL0, so the
	 * hypervisor runs under them unchanged.
	 *
	 * Debug and PMU registers are not switched per vCPU: trap them all
	 * (in vcpu_handle_sysreg(), sysreg.c, debug registers and the PMU
	 * registers of CRn 9 read as zero and ignore writes; the event
	 * counters and filters of CRn 14 are Undefined, as without a PMU,
	 * which ID_AA64DFR0 hides),
	 * so one guest's breakpoints, watchpoints or counters can never fire
	 * in another. HPMN keeps the hardware's counter count (0 is not
	 * allowed before FEAT_HPMN0).
	 */
	WRITE_SYSREG(((READ_SYSREG(pmcr_el0) >> PMCR_N_SHIFT) &
		      MDCR_HPMN_MASK) |
			     MDCR_TPMCR | MDCR_TPM | MDCR_TDA | MDCR_TDOSA |
			     MDCR_TDRA,
		     mdcr_el2);
	/* EL1 may read the physical counter, not use the physical timer. */
	WRITE_SYSREG(CNTHCTL_EL1PCTEN, cnthctl_el2);
	isb();
}

void arm_secondary_c(unsigned int cpu)
{
	struct pcpu *p = &pcpu_info[cpu];

	WRITE_SYSREG(p, tpidr_el2);
	isb();
	WRITE_ONCE(p->boot_stage, CPU_STAGE_MMU);
	p->stack_top = cpu_stacks + (cpu + 1) * STACK_SIZE;
	p->arch.timer_deadline = ~0ULL;
	if (gic_cpu_init()) {
		printk(XL_ERR "CPU%u: interrupt controller setup failed\n",
		       cpu);
		local_irq_disable();
		for (;;) {
			__asm__ __volatile__("wfi");
		}
	}
	arm_timer_cpu_init();
	arm_guest_cpu_init();
	arm_p2m_cpu_init();
	WRITE_ONCE(p->boot_stage, CPU_STAGE_ARCH);
	start_secondary(cpu);
}

int arch_setup(const struct bootinfo *bi)
{
	u64 mmfr0, mmfr1, pfr0;
	int ret;

	if (arm_boot_el != CURRENTEL_EL2) {
		panic("xen-lite must be entered at EL2 but runs at EL%lu: "
		      "start QEMU with -machine virt,virtualization=on",
		      (unsigned long)(arm_boot_el >> 2));
	}
	pfr0 = READ_SYSREG(id_aa64pfr0_el1);
	mmfr0 = READ_SYSREG(id_aa64mmfr0_el1);
	mmfr1 = READ_SYSREG(id_aa64mmfr1_el1);
	if (((pfr0 >> 8) & 0xf) == 0) {
		panic("CPU has no EL2 (ID_AA64PFR0_EL1.EL2 = 0)");
	}
	printk("arm64: EL2, MIDR %#lx, PARange %lu, VMID %u bits, "
	       "counter %lu Hz\n",
	       (unsigned long)READ_SYSREG(midr_el1),
	       (unsigned long)(mmfr0 & 0xf), ((mmfr1 >> 4) & 0xf) == 2 ? 16 : 8,
	       (unsigned long)arch_counter_freq());
	ret = gic_init(bi);
	if (ret) {
		return ret;
	}
	arm_timer_cpu_init();
	arm_guest_cpu_init();
	return arch_p2m_setup();
}

void arch_cpu_idle(void)
{
	unsigned long flags = local_irq_save();

	/*
	 * WFI wakes on a pending interrupt even while PSTATE.I masks it;
	 * the interrupt is then taken when the mask is lifted.
	 */
	dsb_sy();
	__asm__ __volatile__("wfi" ::: "memory");
	local_irq_enable();
	isb();
	local_irq_restore(flags);
}

void arch_send_ipi(unsigned int cpu)
{
	if (cpu >= CONFIG_NR_CPUS) {
		return;
	}
	gic_send_sgi(cpu, IRQ_SGI_IPI);
}

void arch_stop_other_cpus(void)
{
	unsigned int cpu, me = smp_processor_id();

	if (!gic_info.dist_base) {
		return;
	}
	for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++) {
		if (cpu != me && cpumask_test_cpu(cpu, &cpu_online_map)) {
			gic_send_sgi(cpu, IRQ_SGI_STOP);
		}
	}
}

void arm_stop_this_cpu(void)
{
	local_irq_disable();
	cpumask_clear_cpu(smp_processor_id(), &cpu_online_map);
	for (;;) {
		__asm__ __volatile__("wfi");
	}
}

void arch_dump_state(void)
{
	u64 fp = (u64)__builtin_frame_address(0);
	unsigned int depth;

	if (arm_boot_el != CURRENTEL_EL2) {
		return;
	}
	printk("CPU%u state: SP %#lx HCR %#lx VTTBR %#lx\n", smp_processor_id(),
	       (unsigned long)fp, (unsigned long)READ_SYSREG(hcr_el2),
	       (unsigned long)READ_SYSREG(vttbr_el2));
	printk("  ELR_EL2 %#lx ESR_EL2 %#lx FAR_EL2 %#lx SPSR_EL2 %#lx\n",
	       (unsigned long)READ_SYSREG(elr_el2),
	       (unsigned long)READ_SYSREG(esr_el2),
	       (unsigned long)READ_SYSREG(far_el2),
	       (unsigned long)READ_SYSREG(spsr_el2));
	printk("Call trace (frame pointers):\n");
	/* AAPCS64 frame record: [fp] = previous fp, [fp + 8] = return PC */
	for (depth = 0; depth < 16 && fp && IS_ALIGNED(fp, 16); depth++) {
		u64 *rec = (u64 *)fp;
		struct pcpu *p = this_cpu();
		u64 top = (u64)p->stack_top;

		if (top && (fp >= top || fp < top - STACK_SIZE)) {
			break;
		}
		printk("  [<%#lx>]\n", (unsigned long)rec[1]);
		fp = rec[0];
	}
}
