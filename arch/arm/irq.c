// SPDX-License-Identifier: GPL-2.0
/*
 * Physical interrupt dispatch: acknowledge from the CPU interface of the
 * host GIC (GICv3 system registers or the GICv2 GICC; the drivers are
 * gic-v3.c and gic-v2.c), then IPIs, the hypervisor timer, guest IRQs.
 */
#include <libfdt.h>
#include <xen-lite/arch.h>
#include <xen-lite/console.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/sched.h>
#include <xen-lite/smp.h>
#include <xen-lite/work.h>
#include <asm/gic-v2.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/sysregs.h>
#include <asm/time.h>
#include <asm/vgic.h>

/* Shortest distance to the next tick when the scheduler asks for "now". */
#define TIMER_MIN_DELTA_DIV 100

/*
 * Handle physical interrupt @irq after its priority drop. Return: true when
 * it was forwarded to a guest through a hardware-linked list register (the
 * guest deactivates it), false when the caller must deactivate it.
 */
static bool arm_irq_dispatch(unsigned int irq)
{
	switch (irq) {
	case IRQ_SGI_IPI:
		/*
		 * Its sender raised what it changed in this CPU's work word
		 * (xen-lite/work.h); an IPI without a bit would still be
		 * looked at.
		 */
		work_raise_local(WORK_SCHED);
		return false;
	case IRQ_SGI_STOP:
		gic_deactivate(irq);
		arm_stop_this_cpu();
	case IRQ_PPI_HYP_TIMER:
		if (arm_timer_interrupt()) {
			u64 next = sched_timer_tick();
			u64 now = arch_counter_read();

			/*
			 * A deadline already past (a slice end with nobody
			 * else to run) would fire at once, forever: move it
			 * one tick ahead.
			 */
			if (next <= now) {
				next = now + arch_counter_freq() /
						     TIMER_MIN_DELTA_DIV;
			}
			arch_timer_set(next);
		}
		return false;
	case IRQ_PPI_VTIMER:
		return vtimer_interrupt();
	case IRQ_PPI_MAINT:
		/* List registers are refilled on the way back in. */
		work_raise_local(WORK_IRQ);
		return false;
	default:
		if (console_irq_is(irq)) {
			console_tx_interrupt();
			return false;
		}
		/* A passed-through device's SPI, deactivated by its guest. */
		if (vgic_pt_forward(irq)) {
			return true;
		}
		printk(XL_WARN "CPU%u: unexpected interrupt %u\n",
		       smp_processor_id(), irq);
		return false;
	}
}

/*
 * One drain of the console output ring per entry (each bounded in time):
 * a UART whose FIFO empties as fast as it is filled raises its interrupt
 * again at once; it is taken again after the return, not in the same
 * loop for as long as the ring has bytes. Return: true for the console's
 * interrupt seen a second time (the caller deactivates it and stops).
 */
static bool console_again(unsigned int irq, bool *seen)
{
	if (!console_irq_is(irq))
		return false;
	if (*seen)
		return true;
	*seen = true;
	return false;
}

/*
 * GICv2: GICC_IAR also names the source CPU of an SGI (bits [12:10]),
 * which GICC_EOIR and GICC_DIR must be given back (IHI 0048B 4.4.4).
 */
static void __attribute__((noinline)) gicv2_handle_irqs(void)
{
	void *cpu = (void *)(uintptr_t)gic_info.cpu_base;
	bool console_seen = false;

	for (;;) {
		u32 iar = readl((char *)cpu + GICC_IAR);
		unsigned int irq = iar & GICC_IAR_ID_MASK;

		if (irq >= GIC_SPURIOUS) {
			break;
		}
		writel(iar, (char *)cpu + GICC_EOIR);
		if (console_again(irq, &console_seen)) {
			writel(iar, (char *)cpu + GICC_DIR);
			break;
		}
		if (!arm_irq_dispatch(irq)) {
			writel(iar, (char *)cpu + GICC_DIR);
		}
	}
}

/*
 * GICv3: handle INTID @irq, acknowledged already (a spurious INTID: none),
 * and every one acknowledged after it.
 */
static void gicv3_handle_irqs(unsigned int irq)
{
	bool console_seen = false;

	for (;;) {
		if (irq >= GIC_SPURIOUS && irq < 8192) {
			break;
		}
		/* Priority drop; deactivation follows unless forwarded. */
		WRITE_SYSREG(irq, ICC_EOIR1_EL1);
		isb();
		if (console_again(irq, &console_seen)) {
			gic_deactivate(irq);
			break;
		}
		if (!arm_irq_dispatch(irq)) {
			gic_deactivate(irq);
		}
		irq = READ_SYSREG(ICC_IAR1_EL1) & 0xffffff;
	}
}

void gic_handle_irqs(void)
{
	if (gic_v2()) {
		gicv2_handle_irqs();
		return;
	}
	gicv3_handle_irqs(READ_SYSREG(ICC_IAR1_EL1) & 0xffffff);
}

void arm_irq_exit_general(struct vcpu *v, unsigned int irq)
{
	if (gic_v2()) {
		if (v->arch.vgic.nr_lr_used) {
			vgic_sync_lrs(v);
		}
		gicv2_handle_irqs();
		return;
	}
	if (irq == IRQ_PPI_VTIMER) {
		/* Dropped by arm_irq_exit(); the ISB it left out. */
		isb();
		if (v->arch.vgic.nr_lr_used) {
			vgic_sync_lrs(v);
		}
		if (!vtimer_interrupt()) {
			gic_deactivate(irq);
		}
		irq = READ_SYSREG(ICC_IAR1_EL1) & 0xffffff;
	} else if (v->arch.vgic.nr_lr_used) {
		vgic_sync_lrs(v);
	}
	gicv3_handle_irqs(irq);
}

/*
 * The console UART's interrupt, to the boot CPU: its transmit FIFO has
 * room (the transmit interrupt drains the console's output ring). Its
 * "interrupts" are the GIC's three cells: type (0 = SPI), number, flags.
 */
int arch_console_irq_init(const struct bootinfo *bi)
{
	const fdt32_t *cells;
	unsigned int irq;
	int len;

	if (!bi->fdt || bi->uart.node < 0)
		return -ENODEV;
	cells = fdt_getprop(bi->fdt, bi->uart.node, "interrupts", &len);
	if (!cells || len < 12 || fdt32_ld(&cells[0]) != 0)
		return -ENODEV;
	irq = GIC_NR_PRIV + fdt32_ld(&cells[1]);
	if (irq >= gic_info.nr_irqs)
		return -ENODEV;
	console_irq_set(irq);
	gic_route_spi(irq, smp_processor_id());
	gic_spi_enable(irq, true);
	return (int)irq;
}
