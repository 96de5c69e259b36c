// SPDX-License-Identifier: GPL-2.0
/*
 * Arch side of RISC-V domains: the virtual devices (vPLIC, vUART), which
 * register their windows with the MMIO registry (common/vmmio.c), and
 * console input for the vUART.
 */
#include <xen-lite/arch.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <asm/irqchip.h>
#include <asm/vaplic.h>
#include <asm/vimsic.h>
#include <asm/vplic.h>
#include <asm/vinput.h>
#include <asm/vuart.h>

int arch_domain_init(struct domain *d)
{
	/*
	 * The console first: by far the most frequent MMIO exit (a guest
	 * console writes a byte per access; the vPLIC sees two per device
	 * interrupt), and windows are searched in registration order.
	 */
	int rc = vuart_init(d);

	if (rc) {
		return rc;
	}
	/*
	 * On a host with IMSICs a domain gets an AIA (vAPLIC in MSI mode,
	 * an IMSIC file per vCPU), as Linux expects on such a machine;
	 * elsewhere the vPLIC. A host APLIC in direct mode has harts
	 * without Ssaia (QEMU virt,aia=aplic): no guest IMSIC there.
	 */
	d->arch.aia = riscv_irqchip_host() == &aplic_msi_ops;
	if (d->arch.aia) {
		printk("domain %u (%s): AIA: vAPLIC (MSI mode) at %#lx, IMSIC "
		       "files at %#lx\n",
		       d->id, d->name, VAPLIC_BASE, VIMSIC_BASE);
		return vaplic_init(d) ?: vimsic_init(d) ?: vinput_init(d);
	}
	return vplic_init(d, d->cfg.vcpus) ?: vinput_init(d);
}

/*
 * A vCPU with an IMSIC guest interrupt file has its interrupt state in
 * that hart's file, which only that hart reaches (vsireg): it cannot move.
 * The rest follows it (vcpu_load(): VS-stage TLB fenced on a new hart,
 * the FP owner, the G-stage VMID fences deferred per hart).
 */
int arch_vcpu_movable(const struct vcpu *v)
{
	return v->arch.vimsic.hw_file ? -EXDEV : 0;
}

void arch_domain_destroy(struct domain *d)
{
}

void arch_domain_console_input(struct domain *d)
{
	vuart_input(d);
}

void arch_domain_console_tx_ready(struct domain *d)
{
	vuart_tx_ready(d);
}
