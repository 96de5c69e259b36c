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
	void (*putc)(char c);
	/* Return: the next received byte, or -1 if none is waiting. */
	int (*getc)(void);
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
 * console_write_line() - write @len bytes as one unit under the console
 * lock (no interleaving with other CPUs). Used by printk and by the
 * domain consoles.
 */
void console_write(const char *s, size_t len);

/**
 * console_domain_write() - write a domain's console line @s (@len bytes),
 * preceded by @note (@note_len bytes, 0 for none), under the console lock
 * after the hypervisor lines waiting for it (see common/console.c). The
 * output budget is checked before, by common/domain_console.c.
 */
void console_domain_write(const char *note, size_t note_len, const char *s,
			  size_t len);

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
