// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual 16550A UART. A written byte goes to the domain console at once,
 * so THR and the transmitter are empty, unless the domain's console
 * output has no room (over its output budget, or its share of the
 * console output ring queued: domain_console_tx_ready()): then LSR says
 * THR is full and no THR-empty interrupt is raised until the console
 * poll finds room again (vuart_tx_ready()), so a guest that waits for
 * THRE, as on real hardware, loses nothing; a byte written anyway may
 * end a line that is dropped (and counted). THRE promises room for a
 * whole FIFO (TX_ROOM bytes: Linux's 8250 driver writes that many per
 * THR-empty interrupt without looking at LSR in between).
 * Reception pulls bytes from the domain's console input buffer. The
 * interrupt logic follows the 16550 data sheet: the interrupt identified
 * in IIR is the highest-priority enabled condition (line status, received
 * data, THR empty, modem status); a THR-empty interrupt is cleared by
 * reading IIR while it is the one reported, or by writing THR.
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/vmmio.h>
#include <asm/vplic.h>
#include <asm/vuart.h>

/* Register offsets (reg-shift 0) */
#define UART_RBR 0 /* DLAB = 0, read */
#define UART_THR 0 /* DLAB = 0, write */
#define UART_DLL 0 /* DLAB = 1 */
#define UART_IER 1 /* DLAB = 0 */
#define UART_DLM 1 /* DLAB = 1 */
#define UART_IIR 2 /* read */
#define UART_FCR 2 /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define IER_RDI 0x01
#define IER_THRI 0x02
#define IER_RLSI 0x04
#define IER_MSI 0x08

#define IIR_NO_INT 0x01
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_FIFO_ENABLED 0xc0

#define FCR_ENABLE_FIFO 0x01
#define FCR_CLEAR_RCVR 0x02

#define LCR_DLAB 0x80

#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

/* Bytes a guest may write after seeing THRE: the 16550A's FIFO. */
#define TX_ROOM 16

#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

static inline struct vuart *dom_vuart(struct domain *d)
{
	return &d->arch.vuart;
}

static const struct vmmio_ops vuart_ops = { "vuart", vuart_mmio };

int vuart_init(struct domain *d)
{
	struct vuart *u = dom_vuart(d);

	memset(u, 0, sizeof(*u));
	spin_lock_init(&u->lock);
	u->rx = -1;
	u->lcr = 0x03; /* 8N1 */
	u->msr = MSR_DCD | MSR_DSR | MSR_CTS;
	return vmmio_register(d, VUART_BASE, VUART_SIZE, &vuart_ops, NULL);
}

/* Lock held: is a received byte waiting? Pulls one from the console. */
static bool rx_ready(struct domain *d, struct vuart *u)
{
	if (u->rx < 0 && domain_console_has_input(d)) {
		u->rx = domain_console_getc(d);
	}
	return u->rx >= 0;
}

static u8 iir(struct domain *d, struct vuart *u)
{
	if ((u->ier & IER_RDI) && rx_ready(d, u)) {
		return IIR_RDI;
	}
	if ((u->ier & IER_THRI) && u->thr_ipending) {
		return IIR_THRI;
	}
	return IIR_NO_INT;
}

static void update_irq(struct domain *d, struct vuart *u)
{
	vplic_set_level(d, VUART_IRQ, iir(d, u) != IIR_NO_INT);
}

static u8 modem_status(const struct vuart *u)
{
	u8 m = 0;

	if (!(u->mcr & MCR_LOOP)) {
		return u->msr;
	}
	/* Loopback: the modem outputs come back as inputs. */
	if (u->mcr & MCR_RTS) {
		m |= MSR_CTS;
	}
	if (u->mcr & MCR_DTR) {
		m |= MSR_DSR;
	}
	if (u->mcr & MCR_OUT1) {
		m |= MSR_RI;
	}
	if (u->mcr & MCR_OUT2) {
		m |= MSR_DCD;
	}
	return m;
}

/* A byte access to register @off, under the UART's lock. */
static __noinline int vuart_access(struct domain *d, struct vuart *u,
				   paddr_t off, bool is_write, u64 *val)
{
	unsigned long flags;
	u8 w = is_write ? (u8)*val : 0;
	u8 r = 0;

	spin_lock_irqsave(&u->lock, flags);
	switch (off) {
	case UART_RBR:
		if (u->lcr & LCR_DLAB) {
			if (is_write) {
				u->dll = w;
			} else {
				r = u->dll;
			}
		} else if (is_write) {
			u->thr_ipending = false;
			if (u->mcr & MCR_LOOP) {
				u->rx = w;
				u->thr_ipending = true;
			} else {
				domain_console_putc(d, (char)w);
				/*
				 * Sent at once: THR is empty again, if the
				 * console has room for more.
				 */
				u->thr_ipending =
					domain_console_tx_ready(d, TX_ROOM);
			}
		} else {
			if (rx_ready(d, u)) {
				r = (u8)u->rx;
				u->rx = -1;
			}
		}
		break;
	case UART_IER:
		if (u->lcr & LCR_DLAB) {
			if (is_write) {
				u->dlm = w;
			} else {
				r = u->dlm;
			}
		} else if (is_write) {
			/* Enabling THRI with THR empty raises it at once. */
			if ((w & IER_THRI) && !(u->ier & IER_THRI)) {
				u->thr_ipending =
					(u->mcr & MCR_LOOP) ||
					domain_console_tx_ready(d, TX_ROOM);
			}
			u->ier = w & 0x0f;
		} else {
			r = u->ier;
		}
		break;
	case UART_IIR:
		if (is_write) {
			u->fcr = w & 0xc9;
			if (w & FCR_CLEAR_RCVR) {
				u->rx = -1;
			}
		} else {
			r = iir(d, u);
			if (r == IIR_THRI) {
				u->thr_ipending = false;
			}
			if (u->fcr & FCR_ENABLE_FIFO) {
				r |= IIR_FIFO_ENABLED;
			}
		}
		break;
	case UART_LCR:
		if (is_write) {
			u->lcr = w;
		} else {
			r = u->lcr;
		}
		break;
	case UART_MCR:
		if (is_write) {
			u->mcr = w & 0x1f;
		} else {
			r = u->mcr;
		}
		break;
	case UART_LSR:
		if (!is_write) {
			/*
			 * THRE as the last write (or the console poll) left
			 * it: a guest polls LSR between bytes.
			 */
			if ((u->mcr & MCR_LOOP) || domain_console_tx_room(d)) {
				r = LSR_THRE | LSR_TEMT;
			}
			r |= rx_ready(d, u) ? LSR_DR : 0;
		}
		break;
	case UART_MSR:
		if (!is_write) {
			r = modem_status(u);
		}
		break;
	case UART_SCR:
		if (is_write) {
			u->scr = w;
		} else {
			r = u->scr;
		}
		break;
	}
	update_irq(d, u);
	spin_unlock_irqrestore(&u->lock, flags);
	if (!is_write) {
		*val = r;
	}
	return 0;
}

int vuart_mmio(struct vcpu *v, void *priv, paddr_t off, unsigned int size,
	       bool is_write, u64 *val)
{
	struct domain *d = v->domain;
	struct vuart *u = dom_vuart(d);
	u8 r = 0;

	if (size != 1 || off >= 8) {
		if (!is_write) {
			*val = 0;
		}
		return size != 1 ? -EINVAL : 0;
	}
	/*
	 * LSR, which a guest polls between bytes, without the lock: it
	 * changes nothing. DR says a byte is there, read ahead (u->rx) or
	 * still in the console's input, which the RBR read pulls (or
	 * iir(), when the interrupt line is recomputed). Single words read
	 * once, a snapshot as a read just before or after a concurrent
	 * access would see. Nothing changed, so the interrupt line stays as
	 * the last change left it (every change recomputes it: the accesses
	 * under the lock, vuart_input(), vuart_tx_ready()). Issue 20: about
	 * 100 of the 440 instructions of an LSR read were the lock, the
	 * switch and update_irq().
	 */
	if (off == UART_LSR && !is_write) {
		if ((READ_ONCE(u->mcr) & MCR_LOOP) ||
		    domain_console_tx_room(d)) {
			r = LSR_THRE | LSR_TEMT;
		}
		if (READ_ONCE(u->rx) >= 0 || domain_console_has_input(d)) {
			r |= LSR_DR;
		}
		*val = r;
		return 0;
	}
	return vuart_access(d, u, off, is_write, val);
}

void vuart_input(struct domain *d)
{
	struct vuart *u = dom_vuart(d);
	unsigned long flags;

	spin_lock_irqsave(&u->lock, flags);
	update_irq(d, u);
	spin_unlock_irqrestore(&u->lock, flags);
}

void vuart_tx_ready(struct domain *d)
{
	struct vuart *u = dom_vuart(d);
	unsigned long flags;

	spin_lock_irqsave(&u->lock, flags);
	/* THR became empty: the THR-empty interrupt, if enabled. */
	if (u->ier & IER_THRI) {
		u->thr_ipending = true;
	}
	update_irq(d, u);
	spin_unlock_irqrestore(&u->lock, flags);
}
