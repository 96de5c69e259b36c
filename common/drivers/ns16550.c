// SPDX-License-Identifier: GPL-2.0
/*
 * 16550-compatible UART: input polled, output through the console's
 * output ring (common/console.c), which the THR-empty interrupt drains.
 */
#include <xen-lite/console.h>
#include <xen-lite/lib.h>

#define UART_RBR 0
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_IIR 2
#define UART_LSR 5
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define IER_ETBEI 0x02 /* interrupt when THR (the FIFO) is empty */
#define IIR_FIFOS 0xc0 /* a 16550A with its FIFOs enabled */

static volatile u8 *ns_base;
static u32 ns_shift;
static u32 ns_width;
/* Bytes THR takes once empty: the 16550A's FIFO, or 1 without one. */
static unsigned int ns_fifo;

static u32 ns_read(u32 reg)
{
	if (ns_width == 4)
		return *(volatile u32 *)(ns_base + (reg << ns_shift));
	return ns_base[reg << ns_shift];
}

static void ns_write(u32 reg, u32 v)
{
	if (ns_width == 4)
		*(volatile u32 *)(ns_base + (reg << ns_shift)) = v;
	else
		ns_base[reg << ns_shift] = (u8)v;
}

static int ns16550_init(paddr_t base, u32 reg_shift, u32 io_width, u32 clock)
{
	ns_base = (volatile u8 *)(uintptr_t)base;
	ns_shift = reg_shift;
	ns_width = io_width;
	/*
	 * 8N1, FIFOs on, interrupts off until the console enables the
	 * THR-empty one (tx_irq); input is polled.
	 */
	ns_write(UART_LCR, 0x03);
	ns_write(UART_FCR, 0x07);
	ns_write(UART_IER, 0x00);
	ns_fifo = (ns_read(UART_IIR) & IIR_FIFOS) == IIR_FIFOS ? 16 : 1;
	return 0;
}

static void ns16550_putc(char c)
{
	while (!(ns_read(UART_LSR) & LSR_THRE))
		;
	ns_write(UART_THR, (u8)c);
}

/* THRE: THR and (with FIFOs) the whole transmit FIFO are empty. */
static unsigned int ns16550_tx_room(void)
{
	return ns_read(UART_LSR) & LSR_THRE ? ns_fifo : 0;
}

static void ns16550_tx_byte(char c)
{
	ns_write(UART_THR, (u8)c);
}

static void ns16550_tx_irq(bool on)
{
	ns_write(UART_IER, on ? IER_ETBEI : 0);
}

/* Reading IIR clears a pending THR-empty interrupt (16550 data sheet). */
static void ns16550_tx_ack(void)
{
	(void)ns_read(UART_IIR);
}

static int ns16550_getc(void)
{
	if (!(ns_read(UART_LSR) & LSR_DR))
		return -1;
	return ns_read(UART_RBR) & 0xff;
}

const struct uart_driver ns16550_driver = {
	.name = "ns16550",
	.init = ns16550_init,
	.putc = ns16550_putc,
	.getc = ns16550_getc,
	.tx_room = ns16550_tx_room,
	.tx_byte = ns16550_tx_byte,
	.tx_irq = ns16550_tx_irq,
	.tx_ack = ns16550_tx_ack,
};
