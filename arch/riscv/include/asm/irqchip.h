/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host's external interrupt controller on RISC-V, as the hypervisor
 * drives it to forward passed-through device interrupts to domains
 * (docs/passthrough.md). One driver is chosen from the host device tree
 * at boot (riscv_irqchip_init()): the PLIC (arch/riscv/plic.c), the AIA's
 * APLIC and IMSIC behind the same operations. The hypervisor takes the
 * interrupts of its S-mode contexts as supervisor external interrupts
 * (scause 9); nothing is delegated to a guest directly.
 *
 * Interrupt numbers are the controller's source numbers (PLIC / APLIC
 * source IDs, 1..), the numbers the domain files' irqs use.
 */
#ifndef ASM_RISCV_IRQCHIP_H
#define ASM_RISCV_IRQCHIP_H

#include <xen-lite/types.h>

struct domain;

/* What claim() returns for an IPI the controller carries (the IMSIC's). */
#define IRQCHIP_IPI (~0U)

struct irqchip_ops {
	const char *name;
	/**
	 * probe() - find the controller in the host tree @fdt and take it
	 * over (every source masked). Boot CPU, before the others are up.
	 * Return: 0, -ENODEV when the tree has no such controller, or
	 * another negative errno for one that cannot be used.
	 */
	int (*probe)(const void *fdt);
	/** cpu_init() - set up @cpu's context (each CPU, on itself). */
	void (*cpu_init)(unsigned int cpu);
	/**
	 * route() - deliver source @irq to @cpu (@on), or stop delivering it
	 * there (!@on). A source is routed to one CPU at a time.
	 */
	void (*route)(unsigned int irq, unsigned int cpu, bool on);
	/**
	 * claim() - take the highest pending source of this CPU, 0 = none,
	 * or IRQCHIP_IPI for an inter-processor interrupt.
	 */
	unsigned int (*claim)(void);
	/**
	 * complete() - end the handling of a claimed @irq: the controller may
	 * signal it again (it does at once for a level still high). From any
	 * CPU, whether or not @irq is still routed.
	 */
	void (*complete)(unsigned int irq);
};

extern const struct irqchip_ops plic_ops;
/* The AIA's S-level APLIC: MSI mode with the IMSICs, direct mode (aplic.c). */
extern const struct irqchip_ops aplic_msi_ops;
extern const struct irqchip_ops aplic_direct_ops;

/** riscv_irqchip_host() - the host's driver, or NULL when none is used. */
const struct irqchip_ops *riscv_irqchip_host(void);

/**
 * riscv_irqchip_init() - choose the host interrupt controller driver from
 * the tree @fdt and probe it (boot CPU, from arch_setup()). A machine
 * without a usable one boots, with a line saying that passed-through
 * interrupts cannot be forwarded.
 */
void riscv_irqchip_init(const void *fdt);

/**
 * riscv_irqchip_cpu_init() - this CPU's side of the controller (hart_init()).
 * Return: true when there is a controller, and so supervisor external
 * interrupts to enable.
 */
bool riscv_irqchip_cpu_init(unsigned int cpu);

/**
 * riscv_irqchip_handle() - the supervisor external interrupt: claim every
 * pending source and hand it to the vPLIC (vplic_host_irq()), which raises
 * it in the domain it is forwarded to; the host completion waits for the
 * guest's.
 * Return: true when an IPI was among them (the caller handles it).
 */
bool riscv_irqchip_handle(void);

#endif /* ASM_RISCV_IRQCHIP_H */
