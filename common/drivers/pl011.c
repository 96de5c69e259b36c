// SPDX-License-Identifier: GPL-2.0
/*
 * Arm PL011 UART (DDI 0183): input polled, output through the console's
 * output ring (common/console.c), which the transmit interrupt drains.
 */
#include <xen-lite/console.h>
#include <xen-lite/lib.h>

#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_LCR_H 0x2c
#define PL011_IMSC 0x38
#define PL011_ICR 0x44
#define FR_RXFE (1U << 4)
#define FR_TXFF (1U << 5)
#define LCR_H_FEN (1U << 4)
#define INT_TX (1U << 5)

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
	 * Firmware (or QEMU's reset state) has already enabled the UART and
	 * set its line; mask its interrupts until the console enables the
	 * transmit one (tx_irq), and turn the FIFOs on so that it takes more
	 * than one byte at a time (QEMU 10 models a transmit FIFO).
	 */
	pl_write(PL011_IMSC, 0);
	pl_write(PL011_LCR_H, pl_read(PL011_LCR_H) | LCR_H_FEN);
	return 0;
}

static void pl011_putc(char c)
{
	while (pl_read(PL011_FR) & FR_TXFF)
		;
	pl_write(PL011_DR, (u8)c);
}

static unsigned int pl011_tx_room(void)
{
	return pl_read(PL011_FR) & FR_TXFF ? 0 : 1;
}

static void pl011_tx_byte(char c)
{
	pl_write(PL011_DR, (u8)c);
}

/* Only the transmit interrupt is ever unmasked: input is polled. */
static void pl011_tx_irq(bool on)
{
	pl_write(PL011_IMSC, on ? INT_TX : 0);
}

static void pl011_tx_ack(void)
{
	pl_write(PL011_ICR, INT_TX);
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
	.tx_room = pl011_tx_room,
	.tx_byte = pl011_tx_byte,
	.tx_irq = pl011_tx_irq,
	.tx_ack = pl011_tx_ack,
};
