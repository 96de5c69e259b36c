/* SPDX-License-Identifier: GPL-2.0 */
/* The hypervisor console and the per-domain console lines. */
#ifndef XL_CONSOLE_H
#define XL_CONSOLE_H

#include <xen-lite/bootinfo.h>
#include <xen-lite/types.h>

/* A console UART driver (common/drivers/). */
struct uart_driver {
	const char *name;
	/* Program the device; Return: 0 or -errno. */
	int (*init)(paddr_t base, u32 reg_shift, u32 io_width, u32 clock);
	/* Send @c, waiting for room (early boot, panic). */
	void (*putc)(char c);
	/* Return: the next received byte, or -1 if none is waiting. */
	int (*getc)(void);
	/*
	 * The output ring's side (common/console.c), all optional (without
	 * them every write waits for the UART): tx_room() the bytes the
	 * transmitter takes now without waiting (0: its FIFO is full),
	 * tx_byte() one of them, tx_irq() enables (@on) or masks the
	 * interrupt that says the FIFO has room again, tx_ack() clears it.
	 */
	unsigned int (*tx_room)(void);
	void (*tx_byte)(char c);
	void (*tx_irq)(bool on);
	void (*tx_ack)(void);
};

extern const struct uart_driver ns16550_driver;
extern const struct uart_driver pl011_driver;

/** console_early_init() - use the CONFIG_EARLY_UART_BASE UART. */
void console_early_init(void);

/**
 * console_init() - switch to the UART the device tree names.
 * Return: 0, or -ENODEV when the tree has no usable UART (the early
 * console, if any, stays in use).
 */
int console_init(const struct bootinfo *bi);

/**
 * console_write() - queue @len bytes of hypervisor output as one record
 * of the output ring (no interleaving with other CPUs; never waits for
 * the UART once console_async_start() ran). A message that does not fit
 * is counted and announced before the next one that does. Used by printk.
 */
void console_write(const char *s, size_t len);

/**
 * console_domain_write() - queue the console line @s (@len bytes) of the
 * domain in slot @slot (domain_slot_get()), preceded by @note (@note_len
 * bytes, 0 for none), as one record, if the ring has room for it within
 * the domains' part of the ring and that domain's share (see
 * common/console.c). The output budget is checked
 * before, by common/domain_console.c. Only queues: the caller then calls
 * console_kick().
 * Return: true if queued, false if refused (nothing queued).
 */
bool console_domain_write(unsigned int slot, const char *note, size_t note_len,
			  const char *s, size_t len);

/**
 * console_domain_room() - would a line of @len bytes of the domain in slot @slot fit
 * the ring now? (A hint: the emulated UARTs report their FIFO full while
 * it would not.)
 */
bool console_domain_room(unsigned int slot, size_t len);

/**
 * console_async_start() - the arch routed the UART's interrupt to
 * console_tx_interrupt(): from now on writers only queue (boot CPU, once).
 */
void console_async_start(void);

/**
 * arch_console_irq_init() - route the console UART's interrupt (@bi's
 * uart node) to the boot CPU, to call console_tx_interrupt(). It names
 * the interrupt with console_irq_set() before it enables it, so that its
 * dispatch knows it (console_irq_is()) from the first.
 * Return: the interrupt's number (a PLIC/APLIC source, a GIC INTID), or
 * -ENODEV when it cannot (the console stays synchronous).
 */
int arch_console_irq_init(const struct bootinfo *bi);

/**
 * console_irq_set() - @irq is the console UART's interrupt, the
 * hypervisor's from then on (console_irq_is()). The one record of it:
 * each arch's dispatch asks console_irq_is().
 */
void console_irq_set(unsigned int irq);

/**
 * console_irq_is() - is @irq (in the numbering of
 * arch_console_irq_init()) the console UART's, which the hypervisor
 * takes itself? No domain may have it passed through.
 */
bool console_irq_is(unsigned int irq);

/** console_tx_interrupt() - the UART's interrupt: its FIFO has room. */
void console_tx_interrupt(void);

/**
 * console_kick() - move queued output to the UART as far as it takes it
 * without waiting (all of it, waiting, while the console is synchronous).
 * console_domain_write()'s callers call it after letting their locks go.
 */
void console_kick(void);

/** console_flush() - write all queued output, waiting for the UART. */
void console_flush(void);

/**
 * console_sync() - the machine is about to stop: write all queued output,
 * and from now on every write waits for the UART (power-off).
 */
void console_sync(void);

/**
 * console_stats() - hypervisor messages dropped for a full ring since
 * boot, and the bytes queued now.
 */
void console_stats(u64 *hv_dropped, u32 *queued);

/** console_force_unlock() - the panic path takes the console over. */
void console_force_unlock(void);

/**
 * console_log_read() - up to @max bytes of the log ring from offset *@from
 * (moved up to the oldest byte kept when older). Return: bytes copied.
 */
size_t console_log_read(u64 *from, char *out, size_t max);

/** console_log_end() - the offset after the last byte logged. */
u64 console_log_end(void);

/** console_getc() - poll the UART. Return: a byte or -1. */
int console_getc(void);

#endif /* XL_CONSOLE_H */
