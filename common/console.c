// SPDX-License-Identifier: GPL-2.0
/*
 * The hypervisor console: printk with an uptime prefix, whole lines under
 * one lock so output from several CPUs never interleaves.
 *
 * Domains share the UART with the hypervisor, so what one domain prints
 * must not hold up the others or the hypervisor for long (a hostile or
 * broken guest may print in a tight loop):
 *  - console_lock is a ticket lock, so a line waits for the lines already
 *    queued, at most one per other CPU, each at most one domain line
 *    (200 bytes and the name) or one printk (512 bytes);
 *  - hypervisor lines go first: a printk announces itself in hv_waiting
 *    and domain lines do not take a ticket while one is waiting, so a
 *    hypervisor line waits for at most the one domain line being written;
 *  - each domain has an output budget, checked before its line comes
 *    here (common/domain_console.c): a line over it never touches the
 *    lock or the UART. (docs/robustness.md)
 */
#include <xen-lite/arch.h>
#include <xen-lite/console.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/spinlock.h>

static const struct uart_driver *uart;
static DEFINE_SPINLOCK(console_lock);
static bool console_busted;
/* printk callers waiting for console_lock: domain lines stand back. */
static u32 hv_waiting;

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
	flags = local_irq_save();
	__atomic_fetch_add(&hv_waiting, 1, __ATOMIC_ACQ_REL);
	spin_lock(&console_lock);
	__atomic_fetch_sub(&hv_waiting, 1, __ATOMIC_ACQ_REL);
	raw_write(s, len);
	spin_unlock(&console_lock);
	local_irq_restore(flags);
}

void console_domain_write(const char *note, size_t note_len, const char *s,
			  size_t len)
{
	unsigned long flags;

	if (console_busted) {
		raw_write(note, note_len);
		raw_write(s, len);
		return;
	}
	/* Hypervisor lines first (see the top of this file). */
	while (__atomic_load_n(&hv_waiting, __ATOMIC_ACQUIRE))
		cpu_relax();
	spin_lock_irqsave(&console_lock, flags);
	raw_write(note, note_len);
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

/*
 * The log ring (xen-lite dmesg, docs/runtime.md): the last LOG_SIZE bytes
 * of printk, addressed by offsets that only grow, so a reader asks for
 * "from offset N" and learns what it missed.
 */
#define LOG_SIZE (64U << 10)
static char log_ring[LOG_SIZE];
static u64 log_end;
static DEFINE_SPINLOCK(log_lock);

static void log_append(const char *s, size_t len)
{
	unsigned long flags;

	spin_lock_irqsave(&log_lock, flags);
	for (size_t i = 0; i < len; i++)
		log_ring[(log_end + i) % LOG_SIZE] = s[i];
	log_end += len;
	spin_unlock_irqrestore(&log_lock, flags);
}

u64 console_log_end(void)
{
	return READ_ONCE(log_end);
}

size_t console_log_read(u64 *from, char *out, size_t max)
{
	unsigned long flags;
	size_t n = 0;
	u64 f;

	spin_lock_irqsave(&log_lock, flags);
	f = *from;
	if (f > log_end)
		f = log_end;
	if (log_end - f > LOG_SIZE)
		f = log_end - LOG_SIZE;
	while (f + n < log_end && n < max) {
		out[n] = log_ring[(f + n) % LOG_SIZE];
		n++;
	}
	spin_unlock_irqrestore(&log_lock, flags);
	*from = f;
	return n;
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
	log_append(buf, n);
	console_write(buf, n);
}

u64 uptime_ns(void)
{
	u64 f = arch_counter_freq();
	u64 t = arch_counter_read();

	if (!f)
		return 0;
	return t / f * 1000000000ULL + t % f * 1000000000ULL / f;
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}
