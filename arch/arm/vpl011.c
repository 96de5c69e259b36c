// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual PL011 UART (Arm DDI 0183): the guest console. Transmission is
 * immediate (a written byte goes to the domain console at once, so the
 * FIFO is empty and the TX interrupt condition holds whenever it is
 * unmasked and has not been cleared since the last write), unless the
 * domain's console output has no room (over its output budget, or its
 * share of the console output ring queued: domain_console_tx_ready()):
 * then FR says the FIFO is full (TXFF) and the TX interrupt condition
 * drops until the console poll finds room again (vpl011_tx_ready()), so
 * a guest that waits for it, as on real hardware, loses nothing; a byte
 * written anyway may end a line that is dropped (and counted).
 * Received bytes come from the domain's console input buffer in common
 * code. The interrupt is a level-sensitive SPI.
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/vmmio.h>
#include <asm/vgic.h>
#include <asm/vpl011.h>

#define UARTDR 0x000
#define UARTRSR 0x004
#define UARTFR 0x018
#define UARTILPR 0x020
#define UARTIBRD 0x024
#define UARTFBRD 0x028
#define UARTLCR_H 0x02c
#define UARTCR 0x030
#define UARTIFLS 0x034
#define UARTIMSC 0x038
#define UARTRIS 0x03c
#define UARTMIS 0x040
#define UARTICR 0x044
#define UARTDMACR 0x048

#define FR_RXFE (1U << 4)
#define FR_TXFF (1U << 5)
#define FR_RXFF (1U << 6)
#define FR_TXFE (1U << 7)

#define INT_RX (1U << 4)
#define INT_TX (1U << 5)
#define INT_RT (1U << 6)

/* Bytes a guest may write after seeing TXFF clear: a PL011 FIFO. */
#define TX_ROOM 16

static u32 vpl011_ris(struct domain *d)
{
	struct vpl011 *u = &d->arch.uart;
	u32 ris = 0;

	if (!u->tx_cleared && !u->txff) {
		ris |= INT_TX;
	}
	if (domain_console_has_input(d)) {
		ris |= INT_RX | INT_RT;
	}
	return ris;
}

void vpl011_update(struct domain *d)
{
	struct vpl011 *u = &d->arch.uart;

	vgic_set_line(d, VPL011_IRQ, (vpl011_ris(d) & u->imsc) != 0);
}

static int vpl011_mmio(struct vcpu *v, void *priv, paddr_t off,
		       unsigned int size, bool write, u64 *val);

static const struct vmmio_ops vpl011_ops = { "vpl011", vpl011_mmio };

int vpl011_init(struct domain *d)
{
	struct vpl011 *u = &d->arch.uart;

	memset(u, 0, sizeof(*u));
	u->cr = 0x300; /* TXE | RXE */
	u->ifls = 0x12;
	return vmmio_register(d, VPL011_BASE, VPL011_SIZE, &vpl011_ops, NULL);
}

/* PrimeCell identification: PL011 r1p5 (periph 0x00341011). */
static const u8 pl011_id[8] = { 0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

static int vpl011_mmio(struct vcpu *v, void *priv, paddr_t off,
		       unsigned int size, bool write, u64 *val)
{
	struct domain *d = v->domain;
	struct vpl011 *u = &d->arch.uart;
	int c;

	if (size > 4 || !IS_ALIGNED(off, size)) {
		return -EINVAL;
	}
	if (off >= 0xfe0) {
		if (!write) {
			*val = pl011_id[(off - 0xfe0) / 4 & 7];
		}
		return 0;
	}
	switch (off) {
	case UARTDR:
		if (write) {
			domain_console_putc(d, (char)(*val & 0xff));
			u->tx_cleared = 0;
			u->txff = !domain_console_tx_ready(d, TX_ROOM);
		} else {
			c = domain_console_getc(d);
			*val = c < 0 ? 0 : (u32)c;
		}
		break;
	case UARTRSR:
		if (!write) {
			*val = 0;
		}
		break;
	case UARTFR:
		if (!write) {
			/*
			 * TXFF as the last write (or the console poll) left it:
			 * a guest polls FR between bytes, and asking the
			 * console on every read cost about 220 instructions.
			 */
			*val = (READ_ONCE(u->txff) ? FR_TXFF : FR_TXFE) |
			       (domain_console_has_input(d) ? 0 : FR_RXFE);
		}
		break;
	case UARTIBRD:
		if (write) {
			u->ibrd = *val & 0xffff;
		} else {
			*val = u->ibrd;
		}
		break;
	case UARTFBRD:
		if (write) {
			u->fbrd = *val & 0x3f;
		} else {
			*val = u->fbrd;
		}
		break;
	case UARTLCR_H:
		if (write) {
			u->lcr_h = *val & 0xff;
		} else {
			*val = u->lcr_h;
		}
		break;
	case UARTCR:
		if (write) {
			u->cr = *val & 0xffff;
		} else {
			*val = u->cr;
		}
		break;
	case UARTIFLS:
		if (write) {
			u->ifls = *val & 0x3f;
		} else {
			*val = u->ifls;
		}
		break;
	case UARTIMSC:
		if (write) {
			u->imsc = *val & 0x7ff;
		} else {
			*val = u->imsc;
		}
		break;
	case UARTRIS:
		if (!write) {
			*val = vpl011_ris(d);
		}
		break;
	case UARTMIS:
		if (!write) {
			*val = vpl011_ris(d) & u->imsc;
		}
		break;
	case UARTICR:
		if (write && (*val & INT_TX)) {
			u->tx_cleared = 1;
		}
		break;
	case UARTDMACR:
		if (write) {
			u->dmacr = *val & 7;
		} else {
			*val = u->dmacr;
		}
		break;
	default:
		if (!write) {
			*val = 0;
		}
		break;
	}
	/*
	 * Only writes and taking a received byte change the interrupt
	 * condition (input arriving and the console poll finding room
	 * update it by themselves).
	 */
	if (write || off == UARTDR) {
		vpl011_update(d);
	}
	return 0;
}

void vpl011_tx_ready(struct domain *d)
{
	WRITE_ONCE(d->arch.uart.txff, 0);
	vpl011_update(d);
}
