// SPDX-License-Identifier: GPL-2.0
/*
 * Arm domains: the arch part of a domain's creation (the emulated
 * devices, registered with vmmio by their init functions; the virtual
 * counter offset) and of its console input.
 */
#include <xen-lite/arch.h>
#include <xen-lite/domain.h>
#include <asm/vgic.h>
#include <asm/vpl011.h>
#include <asm/vpl061.h>

int arch_domain_init(struct domain *d)
{
	d->arch.cntvoff = arch_counter_read();
	/* The console first: by far the most frequent MMIO exit. */
	return vpl011_init(d)		   ?:
		       vgic_domain_init(d) ?:
		       (gic_v2() ? vgic_v2_domain_init(d) : vgic_mmio_register(d)) ?:
		       vpl061_init(d);
}

/*
 * Nothing of a vCPU stays with its CPU: vcpu_put() saves it all, and
 * vtimer_load() sets the physical virtual-timer PPI's active state on the
 * CPU that loads it from the vCPU's own (the hardware-linked interrupt
 * follows it, as between vCPUs sharing a CPU). Its guest's TLB
 * maintenance is broadcast (HCR_EL2.FB), so no CPU keeps stale entries.
 */
int arch_vcpu_movable(const struct vcpu *v)
{
	(void)v;
	return 0;
}

void arch_domain_destroy(struct domain *d)
{
}

void arch_domain_console_input(struct domain *d)
{
	vpl011_update(d);
}

void arch_domain_console_tx_ready(struct domain *d)
{
	vpl011_tx_ready(d);
}
