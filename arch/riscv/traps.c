// SPDX-License-Identifier: GPL-2.0
/*
 * Traps taken while the hypervisor itself runs. Interrupts (timer, IPI)
 * are handled; every synchronous exception is a hypervisor bug and panics
 * with the faulting sepc, scause and stval.
 */
#include <xen-lite/arch.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/smp.h>
#include <xen-lite/work.h>
#include <asm/csr.h>
#include <asm/irqchip.h>
#include <asm/vimsic.h>
#include <asm/riscv.h>
#include <asm/system.h>
#include <asm/sbi.h>
#include <asm/time.h>
#include <asm/traps.h>

static const char *const exc_names[] = {
	[EXC_INST_MISALIGNED] = "instruction address misaligned",
	[EXC_INST_ACCESS] = "instruction access fault",
	[EXC_ILLEGAL_INST] = "illegal instruction",
	[EXC_BREAKPOINT] = "breakpoint",
	[EXC_LOAD_MISALIGNED] = "load address misaligned",
	[EXC_LOAD_ACCESS] = "load access fault",
	[EXC_STORE_MISALIGNED] = "store address misaligned",
	[EXC_STORE_ACCESS] = "store access fault",
	[EXC_ECALL_U] = "ecall from U-mode",
	[EXC_ECALL_HS] = "ecall from HS-mode",
	[EXC_ECALL_VS] = "ecall from VS-mode",
	[EXC_ECALL_M] = "ecall from M-mode",
	[EXC_INST_PAGE_FAULT] = "instruction page fault",
	[EXC_LOAD_PAGE_FAULT] = "load page fault",
	[EXC_STORE_PAGE_FAULT] = "store page fault",
	[EXC_INST_GUEST_PAGE_FAULT] = "instruction guest-page fault",
	[EXC_LOAD_GUEST_PAGE_FAULT] = "load guest-page fault",
	[EXC_VIRTUAL_INST] = "virtual instruction",
	[EXC_STORE_GUEST_PAGE_FAULT] = "store guest-page fault",
};

static const char *exc_name(unsigned long cause)
{
	if (cause < ARRAY_SIZE(exc_names) && exc_names[cause]) {
		return exc_names[cause];
	}
	return "unknown exception";
}

void riscv_trap_init(void)
{
	csr_write(CSR_STVEC, virt_to_maddr(hyp_trap_vector));
	csr_write(CSR_SSCRATCH, 0);
}

static void dump_regs(const struct cpu_regs *regs)
{
	static const char *const names[32] = {
		"zero", "ra", "sp",  "gp",  "tp", "t0", "t1", "t2",
		"s0",	"s1", "a0",  "a1",  "a2", "a3", "a4", "a5",
		"a6",	"a7", "s2",  "s3",  "s4", "s5", "s6", "s7",
		"s8",	"s9", "s10", "s11", "t3", "t4", "t5", "t6",
	};
	unsigned int i;

	printk(XL_ERR "sepc %#018lx sstatus %#018lx hstatus %#018lx\n",
	       regs->sepc, regs->sstatus, regs->hstatus);
	printk(XL_ERR "scause %#lx stval %#lx htval %#lx htinst %#lx\n",
	       regs->scause, regs->stval, regs->htval, regs->htinst);
	for (i = 1; i < 32; i += 4) {
		unsigned int j;
		char line[128];
		int n = 0;

		for (j = i; j < i + 4 && j < 32; j++) {
			n += snprintf(line + n, sizeof(line) - n,
				      "%4s %#018lx ", names[j],
				      cpu_regs_get(regs, j));
		}
		printk(XL_ERR "%s\n", line);
	}
}

/* Set by arch_stop_other_cpus(): the IPI handler halts the hart. */
static volatile bool stop_requested;

void arch_stop_other_cpus(void)
{
	unsigned int me = smp_processor_id();
	unsigned int cpu;

	stop_requested = true;
	smp_mb();
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		if (cpu != me && pcpu_info[cpu].online) {
			sbi_send_ipi(pcpu_info[cpu].hwid);
		}
	}
}

void riscv_ipi_interrupt(void)
{
	if (stop_requested) {
		local_irq_disable();
		csr_write(CSR_SIE, 0);
		for (;;) {
			__asm__ __volatile__("wfi");
		}
	}
	/*
	 * Nothing else to do: the IPI only made this CPU leave the guest or
	 * wfi; the scheduler and the run loop look at their flags next. Its
	 * sender raised what it changed in this CPU's work word
	 * (xen-lite/work.h); an IPI without a bit is still looked at.
	 */
	work_raise_local(WORK_SCHED);
}

void riscv_handle_host_irq(unsigned long cause)
{
	switch (cause) {
	case IRQ_S_TIMER:
		riscv_timer_interrupt();
		break;
	case IRQ_S_SOFT:
		csr_clear(CSR_SIP, SIP_SSIP);
		riscv_ipi_interrupt();
		break;
	case IRQ_S_GEXT:
		/* A blocked vCPU's guest interrupt file (imsic.c). */
		vimsic_sgei();
		break;
	case IRQ_S_EXT:
		/*
		 * The host PLIC or APLIC / IMSIC (irq.c), IMSIC IPIs among
		 * them.
		 */
		if (riscv_irqchip_handle()) {
			riscv_ipi_interrupt();
		}
		break;
	default:
		printk(XL_WARN "riscv: unexpected interrupt %lu on CPU%u\n",
		       cause, smp_processor_id());
		csr_clear(CSR_SIE, 1UL << cause);
		break;
	}
}

void riscv_hyp_trap(struct cpu_regs *regs)
{
	unsigned long cause = regs->scause;
	struct arch_pcpu *a = &this_cpu()->arch;

	if (cause & CAUSE_IRQ_FLAG) {
		riscv_handle_host_irq(cause & ~CAUSE_IRQ_FLAG);
		return;
	}
	if (a->trap_depth++) {
		/* A fault while reporting a fault: no console tricks. */
		arch_machine_poweroff(false);
	}
	dump_regs(regs);
	panic("hypervisor trap: %s (scause %#lx) at sepc %#lx, stval %#lx",
	      exc_name(cause), cause, regs->sepc, regs->stval);
}
