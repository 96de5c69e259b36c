// SPDX-License-Identifier: GPL-2.0
/*
 * Exceptions taken by the hypervisor itself (EL2 with SP_EL2) and the
 * physical interrupt dispatcher. An unexpected synchronous exception in
 * the hypervisor is a hypervisor bug: print everything and panic.
 */
#include <xen-lite/arch.h>
#include <xen-lite/lib.h>
#include <xen-lite/smp.h>
#include <asm/gic.h>
#include <asm/irq.h>
#include <asm/regs.h>
#include <asm/setup.h>
#include <asm/sysregs.h>
#include <asm/time.h>

BUILD_BUG_ON(__builtin_offsetof(struct cpu_regs, sp) != REGS_SP);
BUILD_BUG_ON(__builtin_offsetof(struct cpu_regs, pc) != REGS_PC);
BUILD_BUG_ON(sizeof(struct cpu_regs) != REGS_SIZE);
BUILD_BUG_ON(sizeof(struct fpsimd_state) != 528);

static const char *const ec_names[64] = {
	[EC_UNKNOWN] = "unknown/undefined instruction",
	[EC_WFX] = "WFI/WFE",
	[EC_FP_ASIMD] = "FP/SIMD access",
	[EC_ILL] = "illegal execution state",
	[EC_SVC64] = "SVC",
	[EC_HVC64] = "HVC",
	[EC_SMC64] = "SMC",
	[EC_SYS64] = "system register access",
	[EC_IABT_CUR] = "instruction abort",
	[EC_PC_ALIGN] = "PC alignment fault",
	[EC_DABT_CUR] = "data abort",
	[EC_SP_ALIGN] = "SP alignment fault",
	[EC_SERROR] = "SError",
	[EC_BRK64] = "BRK",
};

static void show_regs(const struct cpu_regs *regs)
{
	unsigned int i;

	for (i = 0; i < 30; i += 3) {
		printk("  x%-2u %016lx x%-2u %016lx x%-2u %016lx\n", i,
		       (unsigned long)regs->x[i], i + 1,
		       (unsigned long)regs->x[i + 1], i + 2,
		       (unsigned long)regs->x[i + 2]);
	}
	printk("  x30 %016lx sp  %016lx pc  %016lx\n",
	       (unsigned long)regs->x[30], (unsigned long)regs->sp,
	       (unsigned long)regs->pc);
	printk("  pstate %08lx\n", (unsigned long)regs->pstate);
}

void hyp_trap_sync(struct cpu_regs *regs)
{
	u64 esr = READ_SYSREG(esr_el2);
	u64 far = READ_SYSREG(far_el2);
	unsigned int ec = ESR_EC(esr);
	const char *name = ec_names[ec] ? ec_names[ec] : "?";

	if (ec == EC_UNKNOWN && arm_skip_semihosting_trap(regs->pc)) {
		regs->pc += 4;
		return;
	}
	if (ec == EC_DABT_CUR && gic_probing) {
		panic("%s at %#lx does not answer (data abort, ESR_EL2 %#lx): "
		      "the device tree does not describe this machine",
		      gic_probing, (unsigned long)far, (unsigned long)esr);
	}
	printk(XL_ERR "Hypervisor exception on CPU%u: %s\n", smp_processor_id(),
	       name);
	printk(XL_ERR "  ELR_EL2 %#lx ESR_EL2 %#lx (EC %#x) FAR_EL2 %#lx\n",
	       (unsigned long)regs->pc, (unsigned long)esr, ec,
	       (unsigned long)far);
	show_regs(regs);
	panic("unexpected hypervisor exception (EC %#x) at %#lx", ec,
	      (unsigned long)regs->pc);
}

void hyp_trap_bad(struct cpu_regs *regs, unsigned long kind)
{
	static const char *const kinds[] = {
		"sync (SP_EL0)", "IRQ (SP_EL0)",
		"FIQ (SP_EL0)",	 "SError (SP_EL0)",
		"sync",		 "IRQ",
		"FIQ",		 "SError",
	};

	printk(XL_ERR "Hypervisor took an unexpected %s exception\n",
	       kind < ARRAY_SIZE(kinds) ? kinds[kind] : "?");
	printk(XL_ERR "  ELR_EL2 %#lx ESR_EL2 %#lx FAR_EL2 %#lx\n",
	       (unsigned long)regs->pc, (unsigned long)READ_SYSREG(esr_el2),
	       (unsigned long)READ_SYSREG(far_el2));
	show_regs(regs);
	panic("unexpected hypervisor exception");
}

void hyp_trap_irq(struct cpu_regs *regs)
{
	gic_handle_irqs();
}
