// SPDX-License-Identifier: GPL-2.0
/* Scheduler entry points (boot-only version: no domains yet). */
#include <xen-lite/arch.h>
#include <xen-lite/lib.h>
#include <xen-lite/setup.h>

void start_domains(const struct bootinfo *bi)
{
	printk("xen-lite: boot complete at %llu us\n",
	       (unsigned long long)(uptime_ns() / 1000));
	printk("xen-lite: no domains to run, powering off\n");
	arch_machine_poweroff(true);
}

void secondary_enter_scheduler(void)
{
	for (;;)
		arch_cpu_idle();
}
