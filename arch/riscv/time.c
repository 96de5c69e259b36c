// SPDX-License-Identifier: GPL-2.0
/*
 * Host timer: stimecmp when the hart has Sstc (and the firmware enabled
 * it), else SBI TIME set_timer.
 */
#include <xen-lite/lib.h>
#include <xen-lite/smp.h>
#include <asm/csr.h>
#include <asm/riscv.h>
#include <asm/sbi.h>

static void timer_write(u64 deadline)
{
	if (riscv_features.sstc) {
		csr_write(CSR_STIMECMP, deadline);
	} else {
		sbi_set_timer(deadline);
	}
}

void riscv_timer_hart_init(void)
{
	this_cpu()->arch.timer_deadline = ~0ULL;
	timer_write(~0ULL);
}

void riscv_timer_program(u64 deadline)
{
	struct arch_pcpu *a = &this_cpu()->arch;

	a->timer_deadline = deadline;
	timer_write(deadline);
}

void riscv_timer_interrupt(void)
{
	riscv_timer_program(~0ULL);
}

void riscv_ipi_interrupt(void)
{
}
