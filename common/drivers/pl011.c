// SPDX-License-Identifier: GPL-2.0
/* Arm PL011 UART, polled. */
#include <xen-lite/console.h>
#include <xen-lite/lib.h>

#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_IMSC 0x38
#define FR_RXFE (1U << 4)
#define FR_TXFF (1U << 5)

static volatile u8 *pl_base;

static u32 pl_read(u32 reg)
{
	return *(volatile u32 *)(pl_base + reg);
}

static void pl_write(u32 reg, u32 v)
{
	*(volatile u32 *)(pl_base + reg) = v;
}

static int pl011_init(paddr_t base, u32 reg_shift, u32 io_width, u32 clock)
{
	pl_base = (volatile u8 *)(uintptr_t)base;
	/*
	 * Firmware (or QEMU's reset state) has already enabled the UART;
	 * only mask its interrupts, the console is polled.
	 */
	pl_write(PL011_IMSC, 0);
	return 0;
}

static void pl011_putc(char c)
{
	while (pl_read(PL011_FR) & FR_TXFF)
		;
	pl_write(PL011_DR, (u8)c);
}

static int pl011_getc(void)
{
	if (pl_read(PL011_FR) & FR_RXFE)
		return -1;
	return pl_read(PL011_DR) & 0xff;
}

const struct uart_driver pl011_driver = {
	.name = "pl011",
	.init = pl011_init,
	.putc = pl011_putc,
	.getc = pl011_getc,
};
