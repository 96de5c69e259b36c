// SPDX-License-Identifier: GPL-2.0
/*
 * The hypervisor console: printk with an uptime prefix, whole lines under
 * one lock so output from several CPUs never interleaves.
 */
#include <xen-lite/arch.h>
#include <xen-lite/console.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/spinlock.h>

static const struct uart_driver *uart;
static DEFINE_SPINLOCK(console_lock);
static bool console_busted;

void console_early_init(void)
{
#if CONFIG_EARLY_UART_BASE != 0
#ifdef CONFIG_ARCH_ARM64
	const struct uart_driver *drv = &pl011_driver;
#else
	const struct uart_driver *drv = &ns16550_driver;
#endif
	/* QEMU's UARTs need no clock programming to work. */
	if (!drv->init(CONFIG_EARLY_UART_BASE, 0, 1, 0))
		uart = drv;
#endif
}

int console_init(const struct bootinfo *bi)
{
	const struct uart_driver *drv;

	switch (bi->uart_type) {
	case UART_NS16550:
		drv = &ns16550_driver;
		break;
	case UART_PL011:
		drv = &pl011_driver;
		break;
	default:
		return -ENODEV;
	}
#ifdef CONFIG_CONSOLE_UART_NS16550
	if (drv != &ns16550_driver)
		return -ENODEV;
#endif
#ifdef CONFIG_CONSOLE_UART_PL011
	if (drv != &pl011_driver)
		return -ENODEV;
#endif
	if (drv->init(bi->uart.regs[0].start, bi->uart_reg_shift,
		      bi->uart_reg_io_width, bi->uart_clock))
		return -ENODEV;
	uart = drv;
	return 0;
}

static void raw_write(const char *s, size_t len)
{
	if (!uart)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart->putc('\r');
		uart->putc(s[i]);
	}
}

void console_write(const char *s, size_t len)
{
	unsigned long flags;

	if (console_busted) {
		raw_write(s, len);
		return;
	}
	spin_lock_irqsave(&console_lock, flags);
	raw_write(s, len);
	spin_unlock_irqrestore(&console_lock, flags);
}

void console_force_unlock(void)
{
	console_busted = true;
}

int console_getc(void)
{
	return uart && uart->getc ? uart->getc() : -1;
}

void vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int level = XLOG_INFO, n;
	u64 ns = uptime_ns();

	if (fmt[0] == '\001' && fmt[1] >= '0' && fmt[1] <= '3') {
		level = fmt[1] - '0';
		fmt += 2;
	}
	if (level > CONFIG_LOGLEVEL)
		return;
	n = snprintf(buf, sizeof(buf), "(xl) [%5llu.%06llu] ",
		     (unsigned long long)(ns / 1000000000ULL),
		     (unsigned long long)(ns % 1000000000ULL / 1000));
	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	if (n >= (int)sizeof(buf)) {
		n = sizeof(buf) - 1;
		buf[n - 1] = '\n';
	}
	console_write(buf, n);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}
