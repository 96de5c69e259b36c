// SPDX-License-Identifier: GPL-2.0
/*
 * The hypervisor console: printk with an uptime prefix, and the output
 * ring through which everything that goes to the host UART passes.
 *
 * Nothing that prints waits for the UART (docs/architecture.md "The
 * console output ring"). A slow UART (a real one at 115200 baud carries
 * 11 KB/s; QEMU's stalls while the host side of its chardev is not read)
 * would otherwise hold the writer, under a lock, with interrupts masked,
 * for as long as the bytes take: one guest console line at a slow
 * backend was one hypervisor entry of 714 ms. Instead:
 *  - a writer appends a whole record (one printk, or one domain line
 *    with its "[dropped N lines]" note) to the ring under out_lock, in
 *    time bounded by the record's size, so records never interleave and
 *    each writer's bytes keep their order;
 *  - the ring is drained into the UART's transmit FIFO only as far as
 *    the FIFO has room (never waiting for it), by the writer right
 *    after its append, by the UART's transmit interrupt (routed to CPU0
 *    by the arch, console_tx_interrupt()) and by CPU0's tick
 *    (console_poll()); one drain is also bounded in time (DRAIN_US), for
 *    UART models that take a byte only when the host side has (QEMU 7.2's
 *    PL011);
 *  - space is shared: domain lines may fill the ring only up to
 *    OUT_HV_RESERVE from full, the rest is the hypervisor's; one domain
 *    may have at most OUT_DOMAIN_SHARE bytes queued (one flooding domain
 *    cannot fill what the others share); a domain line that does not
 *    fit is refused (console_domain_write() returns false: the writer
 *    gets a short count, or its emulated UART reports its FIFO full), a
 *    printk that does not fit is counted and a "[N hypervisor messages
 *    dropped]" line goes out before the next one that fits;
 *  - until the transmit interrupt is wired (early boot, or no usable
 *    interrupt controller) and once the panic path has taken the console
 *    over, every write drains the ring synchronously, waiting for the
 *    UART as before.
 * Each domain also has an output budget, checked before its line comes
 * here (common/domain_console.c). (docs/robustness.md)
 */
#include <xen-lite/arch.h>
#include <xen-lite/console.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/spinlock.h>

static const struct uart_driver *uart;
static bool console_busted;
/* The transmit interrupt drains the ring: writers need not wait. */
static bool console_async;

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
	console_flush();
	uart = drv;
	return 0;
}

/*
 * The output ring. Records: a 4-byte header (the writer's slot and the
 * length in bytes, each 16 bits little-endian) and the bytes as they go to the UART
 * ('\r' added before each '\n'). Offsets only grow (u32, wrapping):
 * out_head - out_tail bytes are queued.
 */
#define OUT_SIZE (32U << 10)
#define OUT_HV_RESERVE (8U << 10)
#define OUT_DOMAIN_SHARE (4U << 10)
/* A domain's share is kept by its slot (domain_slot_get()). */
#define OUT_SLOTS CONFIG_MAX_DOMAINS
#define SLOT_HV OUT_SLOTS
#define REC_HDR 4U
/* Longest time one drain keeps writing to the UART. */
#define DRAIN_US 500

static char out_ring[OUT_SIZE];
static u32 out_head, out_tail;
/* Queued bytes of each slot (a domain's slot; SLOT_HV). */
static u32 out_slot_bytes[OUT_SLOTS + 1];
/* The record being drained: its slot and bytes left. */
static u32 out_rec_slot, out_rec_left;
/* Hypervisor messages that did not fit, not yet announced. */
static u32 out_hv_dropped;
static u64 out_hv_dropped_total;
/* For the power-off line: what the ring did. */
static u64 out_bytes_total, out_refused, out_tx_irqs;
static u32 out_max_used;
/* out_lock: the ring; drain_lock: one drainer (the UART's registers). */
static DEFINE_SPINLOCK(out_lock);
static DEFINE_SPINLOCK(drain_lock);

static u32 out_used(void)
{
	return out_head - out_tail;
}

/* Bytes @s takes in the ring ('\r' before each '\n'). */
static size_t out_len_of(const char *s, size_t len)
{
	size_t n = len;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

static void out_byte(char c)
{
	out_ring[out_head % OUT_SIZE] = c;
	out_head++;
}

static void out_bytes(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			out_byte('\r');
		out_byte(s[i]);
	}
}

/*
 * Append one record of @slot: @a then @b (@alen, @blen bytes), if the
 * ring has room for it below @limit bytes queued. out_lock held.
 * Return: true if appended.
 */
static bool out_put(u32 slot, const char *a, size_t alen, const char *b,
		    size_t blen, u32 limit)
{
	size_t n = out_len_of(a, alen) + out_len_of(b, blen);

	if (!n)
		return true;
	if (n > 0xffff || out_used() + REC_HDR + n > limit)
		return false;
	out_byte((char)(slot & 0xff));
	out_byte((char)(slot >> 8));
	out_byte((char)(n & 0xff));
	out_byte((char)(n >> 8));
	out_bytes(a, alen);
	out_bytes(b, blen);
	out_slot_bytes[slot] += n;
	out_bytes_total += n;
	out_max_used = MAX(out_max_used, out_used());
	return true;
}

/* Take up to @max queued bytes into @buf. out_lock held. Return: count. */
static size_t out_take(char *buf, size_t max)
{
	size_t n = 0;

	while (n < max && out_used()) {
		size_t k;

		if (!out_rec_left) {
			out_rec_slot =
				(u8)out_ring[out_tail % OUT_SIZE] |
				(u32)(u8)out_ring[(out_tail + 1) % OUT_SIZE]
					<< 8;
			out_rec_left =
				(u8)out_ring[(out_tail + 2) % OUT_SIZE] |
				(u32)(u8)out_ring[(out_tail + 3) % OUT_SIZE]
					<< 8;
			out_tail += REC_HDR;
			continue;
		}
		k = MIN((size_t)out_rec_left, max - n);
		for (size_t i = 0; i < k; i++)
			buf[n + i] = out_ring[(out_tail + i) % OUT_SIZE];
		out_tail += k;
		out_rec_left -= k;
		out_slot_bytes[out_rec_slot] -= k;
		n += k;
	}
	return n;
}

/*
 * Move queued bytes to the UART as far as it takes them without waiting
 * (@wait false; also at most DRAIN_US), or all of them, waiting (@wait:
 * early boot, panic). One drainer at a time: a writer that finds another
 * one draining leaves its bytes to it (it looks again after letting go).
 * Interrupts masked by the caller or here.
 */
static void drain(bool wait)
{
	const u64 limit = arch_counter_freq() * DRAIN_US / 1000000;
	u64 start = arch_counter_read();
	unsigned long flags;
	char buf[32];
	size_t n;

	if (!uart)
		return;
	flags = local_irq_save();
	for (;;) {
		bool more;

		if (!spin_trylock(&drain_lock)) {
			if (!wait)
				break;
			spin_lock(&drain_lock);
		}
		for (;;) {
			unsigned int room = wait || !uart->tx_room ?
						    sizeof(buf) :
						    uart->tx_room();

			if (!room)
				break;
			spin_lock(&out_lock);
			n = out_take(buf, MIN((size_t)room, sizeof(buf)));
			spin_unlock(&out_lock);
			if (!n)
				break;
			for (size_t i = 0; i < n; i++) {
				if (wait || !uart->tx_byte)
					uart->putc(buf[i]);
				else
					uart->tx_byte(buf[i]);
			}
			if (!wait && arch_counter_read() - start >= limit)
				break;
		}
		more = READ_ONCE(out_head) != READ_ONCE(out_tail);
		/* Queued bytes left: the FIFO's emptying calls us back. */
		if (uart->tx_irq && console_async)
			uart->tx_irq(more);
		spin_unlock(&drain_lock);
		/* Bytes appended by a writer that found us draining? */
		if (!more || (!wait && arch_counter_read() - start >= limit))
			break;
		if (!wait && uart->tx_room && !uart->tx_room())
			break;
	}
	local_irq_restore(flags);
}

void console_flush(void)
{
	drain(true);
}

void console_sync(void)
{
	if (READ_ONCE(console_async))
		printk("console: %llu bytes queued, at most %u at once; %llu "
		       "transmit interrupts; %llu domain lines refused (ring "
		       "full or share used), %llu hypervisor messages "
		       "dropped\n",
		       (unsigned long long)out_bytes_total, out_max_used,
		       (unsigned long long)out_tx_irqs,
		       (unsigned long long)out_refused,
		       (unsigned long long)out_hv_dropped_total);
	WRITE_ONCE(console_async, false);
	console_flush();
}

void console_tx_interrupt(void)
{
	out_tx_irqs++;
	if (uart && uart->tx_ack)
		uart->tx_ack();
	drain(false);
}

/* The UART's interrupt (console_irq_set()), 0 = none. */
static unsigned int console_irq;

void console_irq_set(unsigned int irq)
{
	WRITE_ONCE(console_irq, irq);
}

bool console_irq_is(unsigned int irq)
{
	unsigned int c = READ_ONCE(console_irq);

	return c && irq == c;
}

void console_async_start(void)
{
	if (!uart || !uart->tx_room || !uart->tx_byte || !uart->tx_irq)
		return;
	console_flush();
	WRITE_ONCE(console_async, true);
	printk("console: output ring of %u KiB drained by the %s's transmit "
	       "interrupt\n",
	       OUT_SIZE >> 10, uart->name);
}

/* After an append: drain what the FIFO takes now, or all when synchronous. */
void console_kick(void)
{
	drain(!READ_ONCE(console_async) || READ_ONCE(console_busted));
}

void console_write(const char *s, size_t len)
{
	char note[64];
	unsigned long flags;
	bool put;
	int n = 0;

	if (console_busted) {
		/* The panic path: what is queued, then this, waiting. */
		console_flush();
		for (size_t i = 0; uart && i < len; i++) {
			if (s[i] == '\n')
				uart->putc('\r');
			uart->putc(s[i]);
		}
		return;
	}
	spin_lock_irqsave(&out_lock, flags);
	if (out_hv_dropped)
		n = snprintf(note, sizeof(note),
			     "(xl) [console: %u hypervisor messages dropped]\n",
			     out_hv_dropped);
	n = n > 0 ? (int)MIN((size_t)n, sizeof(note) - 1) : 0;
	put = out_put(SLOT_HV, note, (size_t)n, s, len, OUT_SIZE);
	if (put) {
		out_hv_dropped = 0;
	} else {
		out_hv_dropped++;
		out_hv_dropped_total++;
	}
	spin_unlock_irqrestore(&out_lock, flags);
	console_kick();
}

bool console_domain_room(unsigned int slot, size_t len)
{
	if (slot >= OUT_SLOTS)
		return false;

	/* Racy by design: a hint for the emulated UARTs' status bits. */
	return READ_ONCE(out_slot_bytes[slot]) + REC_HDR + len <=
		       OUT_DOMAIN_SHARE &&
	       out_used() + REC_HDR + len <= OUT_SIZE - OUT_HV_RESERVE;
}

bool console_domain_write(unsigned int slot, const char *note, size_t note_len,
			  const char *s, size_t len)
{
	unsigned long flags;
	bool put = false;
	size_t n;

	if (slot >= OUT_SLOTS)
		return false;

	spin_lock_irqsave(&out_lock, flags);
	n = out_len_of(note, note_len) + out_len_of(s, len);
	if (console_busted || !console_async ||
	    out_slot_bytes[slot] + REC_HDR + n <= OUT_DOMAIN_SHARE)
		put = out_put(slot, note, note_len, s, len,
			      console_busted || !console_async ?
				      OUT_SIZE :
				      OUT_SIZE - OUT_HV_RESERVE);
	if (!put)
		out_refused++;
	spin_unlock_irqrestore(&out_lock, flags);
	return put;
}

void console_force_unlock(void)
{
	console_busted = true;
	/* A panic on the CPU that held a lock here must not deadlock. */
	spin_lock_init(&out_lock);
	spin_lock_init(&drain_lock);
}

void console_stats(u64 *hv_dropped, u32 *queued)
{
	*hv_dropped = READ_ONCE(out_hv_dropped_total);
	*queued = out_used();
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
