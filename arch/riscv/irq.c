// SPDX-License-Identifier: GPL-2.0
/*
 * The host's external interrupt controller (asm/irqchip.h): the driver
 * chosen from the device tree, each CPU's side of it, and the supervisor
 * external interrupt. What a claimed source becomes (a line of a domain's
 * vPLIC) is vplic.c's.
 */
#include <libfdt.h>
#include <xen-lite/console.h>
#include <xen-lite/lib.h>
#include <xen-lite/errno.h>
#include <xen-lite/smp.h>
#include <asm/csr.h>
#include <asm/irqchip.h>
#include <asm/vplic.h>

/* Drivers in the order tried. */
static const struct irqchip_ops *const drivers[] = { &aplic_msi_ops,
						     &aplic_direct_ops,
						     &plic_ops };

static const struct irqchip_ops *chip;

void riscv_irqchip_init(const void *fdt)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(drivers) && fdt; i++) {
		int rc = drivers[i]->probe(fdt);

		if (rc == -ENODEV)
			continue;
		if (rc) {
			printk(XL_WARN "riscv: %s not usable (%d)\n",
			       drivers[i]->name, rc);
			continue;
		}
		chip = drivers[i];
		printk("riscv: host interrupt controller: %s\n", chip->name);
		vplic_set_host_chip(chip);
		return;
	}
	printk("riscv: no host interrupt controller the hypervisor drives: "
	       "passed-through interrupts cannot be forwarded\n");
}

bool riscv_irqchip_cpu_init(unsigned int cpu)
{
	if (!chip)
		return false;
	chip->cpu_init(cpu);
	return true;
}

const struct irqchip_ops *riscv_irqchip_host(void)
{
	return chip;
}

bool riscv_irqchip_handle(void)
{
	unsigned int irq;
	bool ipi = false, console_seen = false;

	if (!chip) {
		csr_clear(CSR_SIE, SIE_SEIE);
		return false;
	}
	while ((irq = chip->claim())) {
		if (irq == IRQCHIP_IPI) {
			ipi = true;
		} else if (console_irq_is(irq)) {
			/*
			 * One drain per entry (each bounded in time): a UART
			 * whose FIFO empties as fast as it is filled raises
			 * this again at once; it is taken again after the
			 * return, not in this loop for as long as the
			 * console output ring has bytes.
			 */
			if (console_seen) {
				chip->complete(irq);
				break;
			}
			console_seen = true;
			console_tx_interrupt();
			chip->complete(irq);
		} else {
			vplic_host_irq(irq);
		}
	}
	return ipi;
}

/*
 * The console UART's interrupt, to the boot CPU: its transmit FIFO has
 * room (the THR-empty interrupt drains the console's output ring). The
 * first cell of "interrupts" is the source with the PLIC (one cell) and
 * with the APLIC (source and sense).
 */
int arch_console_irq_init(const struct bootinfo *bi)
{
	const fdt32_t *cells;
	unsigned int irq;
	int len;

	if (!chip || !bi->fdt || bi->uart.node < 0)
		return -ENODEV;
	cells = fdt_getprop(bi->fdt, bi->uart.node, "interrupts", &len);
	if (!cells || len < 4)
		return -ENODEV;
	irq = fdt32_ld(&cells[0]);
	if (!irq || irq >= 1024)
		return -ENODEV;
	console_irq_set(irq);
	chip->route(irq, smp_processor_id(), true);
	return (int)irq;
}
