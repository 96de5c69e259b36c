// SPDX-License-Identifier: GPL-2.0
/* panic() and the stack protector. */
#include <xen-lite/arch.h>
#include <xen-lite/console.h>
#include <xen-lite/lib.h>
#include <xen-lite/setup.h>
#include <xen-lite/smp.h>
#include <asm/system.h>

unsigned long __stack_chk_guard = 0x5a17c0de2b0e7a11UL;

void __stack_chk_fail(void);

void stack_protector_init(void)
{
	/*
	 * Only functions entered after this point use the new canary;
	 * start_xen() never returns, so the frames below it never check.
	 */
	__stack_chk_guard ^= arch_counter_read() * 0x9e3779b97f4a7c15ULL;
}

void __stack_chk_fail(void)
{
	panic("stack protector: stack corrupted in a function returning to %p",
	      __builtin_return_address(0));
}

static int panicking;

void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	local_irq_save();
	if (__atomic_fetch_add(&panicking, 1, __ATOMIC_SEQ_CST)) {
		/* Another CPU is already panicking: stop here quietly. */
		for (;;)
			arch_cpu_idle();
	}
	console_force_unlock();
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk(XL_ERR "PANIC on CPU%u: %s\n", smp_processor_id(), buf);
	printk(XL_ERR "caller %p\n", __builtin_return_address(0));
	arch_dump_state();
	arch_stop_other_cpus();
	printk(XL_ERR "xen-lite: halted after panic\n");
	arch_machine_poweroff(false);
}
