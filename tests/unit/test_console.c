// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the domain consoles (common/domain_console.c: the
 * per-domain output budget, line buffer, input ring and input focus) on
 * the real common/console.c: a fake UART records what reaches it, a fake
 * counter (1 MHz) stands for counter time. Built with a budget of 1000
 * bytes/s after a 2000-byte burst (tests/unit/console.mk). The console is
 * synchronous (every write waits for the UART) until a test starts the
 * output ring's asynchronous mode (console_async_start()); those tests
 * end with console_sync(), which empties the ring and goes back.
 */
#include <string.h>
#include <xen-lite/arch.h>
#include <xen-lite/console.h>
#include <xen-lite/domain.h>
#include <xen-lite/domain_console.h>
#include <xen-lite/keyhandler.h>
#include "harness.h"

#define FREQ 1000000ULL
#define RATE 1000
#define BURST 2000

static char out[1 << 16];
static size_t out_len;
static u64 now = 1;

static int fake_init(paddr_t base, u32 shift, u32 width, u32 clock)
{
	return 0;
}

static void fake_putc(char c)
{
	if (out_len < sizeof(out) - 1)
		out[out_len++] = c;
}

/* The transmit FIFO's free bytes (asynchronous mode); ~0U: unlimited. */
static unsigned int fifo_room = ~0U;
static bool tx_irq_on;

static unsigned int fake_tx_room(void)
{
	return fifo_room == ~0U ? 64 : fifo_room;
}

static void fake_tx_byte(char c)
{
	if (fifo_room != ~0U && fifo_room)
		fifo_room--;
	fake_putc(c);
}

static void fake_tx_irq(bool on)
{
	tx_irq_on = on;
}

static void fake_tx_ack(void)
{
}

const struct uart_driver ns16550_driver = { "fake",	  fake_init,
					    fake_putc,	  NULL,
					    fake_tx_room, fake_tx_byte,
					    fake_tx_irq,  fake_tx_ack };
const struct uart_driver pl011_driver = { "fake",	fake_init,
					  fake_putc,	NULL,
					  fake_tx_room, fake_tx_byte,
					  fake_tx_irq,	fake_tx_ack };

u64 arch_counter_read(void)
{
	return now;
}

u64 arch_counter_freq(void)
{
	return FREQ;
}

/* What domain_console.c uses of the rest of the hypervisor. */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

LIST_HEAD(domain_list);
DEFINE_SPINLOCK(domain_list_lock);
static unsigned int input_kicks;
static char debug_keys[16];
static unsigned int nr_debug_keys;

void arch_domain_console_input(struct domain *d)
{
	input_kicks++;
}

static unsigned int tx_kicks;

void arch_domain_console_tx_ready(struct domain *d)
{
	tx_kicks++;
}

void keyhandler_key(char c)
{
	if (nr_debug_keys < sizeof(debug_keys))
		debug_keys[nr_debug_keys++] = c;
}

static struct domain dom;

static void setup(void)
{
	memset(&dom, 0, sizeof(dom));
	strcpy(dom.name, "d");
	spin_lock_init(&dom.lock);
	INIT_LIST_HEAD(&dom.list);
	INIT_LIST_HEAD(&domain_list);
	out_len = 0;
	memset(out, 0, sizeof(out));
	now = 1;
	input_kicks = 0;
	tx_kicks = 0;
	nr_debug_keys = 0;
	fifo_room = ~0U;
	console_early_init();
}

/* A 100-byte line ("[d] " + 95 + newline). Return: written? */
static bool line(void)
{
	char buf[101];

	memcpy(buf, "[d] ", 4);
	memset(buf + 4, 'x', 95);
	buf[99] = '\n';
	buf[100] = '\0';
	return domain_console_line(&dom, buf, 100);
}

/* Lines that reached the UART ('\r' added before each '\n'). */
static unsigned int shown(void)
{
	unsigned int n = 0;

	for (size_t i = 0; i + 4 <= out_len; i++)
		if (!memcmp(out + i, "[d] x", 5))
			n++;
	return n;
}

TEST(console_burst_then_drop)
{
	unsigned int ok = 0;

	setup();
	for (int i = 0; i < 50; i++)
		ok += line();
	/* The burst: 2000 bytes, 20 lines; the rest dropped, not shown. */
	CHECK_EQ(ok, 20U);
	CHECK_EQ(shown(), 20U);
	CHECK_EQ(dom.out_dropped, 30U);
	CHECK(!strstr(out, "dropped"));
}

/*
 * Back-pressure (XL_HC_CONSOLE_WRITE, SBI DBCN console_write): over the
 * budget the write stops before the byte that would complete a line (the
 * bytes of a line that has not ended yet need no budget), with nothing
 * dropped; written again after a refill, the rest goes out, every byte
 * once and in order.
 */
TEST(console_write_some_short_count)
{
	char text[25 * 96 + 1];
	size_t total = sizeof(text) - 1, done = 0, n;

	setup();
	for (int i = 0; i < 25; i++) {
		memset(text + i * 96, 'x', 95);
		text[i * 96 + 95] = '\n';
	}
	/* "[d] " + 95 + newline: 100 bytes a line; the burst takes 20. */
	n = domain_console_write_some(&dom, text, total);
	CHECK_EQ(n, (size_t)20 * 96 + 95);
	CHECK_EQ(shown(), 20U);
	CHECK_EQ(dom.out_dropped, 0U);
	done += n;
	/* The 21st line's newline does not fit yet: none taken or lost. */
	CHECK_EQ(domain_console_write_some(&dom, text + done, total - done),
		 (size_t)0);
	CHECK_EQ(dom.out_len, 95U);
	/* 0.25 s: 250 bytes, lines 21 and 22; 0.3 s more: the last three. */
	now += FREQ / 4;
	n = domain_console_write_some(&dom, text + done, total - done);
	CHECK_EQ(n, (size_t)1 + 96 + 95);
	CHECK_EQ(shown(), 22U);
	done += n;
	now += FREQ * 3 / 10;
	n = domain_console_write_some(&dom, text + done, total - done);
	CHECK_EQ(n, total - done);
	CHECK_EQ(shown(), 25U);
	CHECK_EQ(dom.out_dropped_total, 0ULL);
	CHECK(!strstr(out, "dropped"));
}

/* A line started in one write and ended in the next waits whole. */
TEST(console_write_some_partial_line_waits)
{
	char text[96];

	setup();
	memset(text, 'x', 95);
	text[95] = '\n';
	for (int i = 0; i < 20; i++)
		CHECK_EQ(domain_console_write_some(&dom, text, 96), (size_t)96);
	/* Over the budget: the line's first 50 bytes are taken... */
	CHECK_EQ(domain_console_write_some(&dom, text, 50), (size_t)50);
	/* ...but not the rest with its newline, until the refill. */
	CHECK_EQ(domain_console_write_some(&dom, text + 50, 46), (size_t)45);
	CHECK_EQ(dom.out_len, 95U);
	now += FREQ / 10;
	CHECK_EQ(domain_console_write_some(&dom, text + 95, 1), (size_t)1);
	CHECK_EQ(shown(), 21U);
	CHECK_EQ(dom.out_dropped_total, 0ULL);
}

TEST(console_refill_and_marker)
{
	setup();
	for (int i = 0; i < 25; i++)
		line();
	/* Half a second: 500 bytes, 5 lines, the first with the count. */
	now += FREQ / 2;
	for (int i = 0; i < 5; i++)
		CHECK(line());
	CHECK(!line());
	CHECK(strstr(out, "[d] [dropped 5 lines]\r\n[d] x") != NULL);
	CHECK_EQ(shown(), 25U);
	CHECK_EQ(dom.out_dropped, 1U);
	CHECK_EQ(dom.out_dropped_total, 6ULL);
}

TEST(console_refill_not_lost_to_frequent_lines)
{
	unsigned int ok = 0;

	setup();
	for (int i = 0; i < 20; i++)
		line();
	/*
	 * 10 s in steps of 1 tick per attempt would lose every refill if
	 * tokens were whole bytes (1 tick = 0.001 byte); scaled by the
	 * frequency, 10 s give 10000 bytes: 100 lines.
	 */
	for (int i = 0; i < 10 * (int)FREQ / 100; i++) {
		now += 100;
		ok += line();
	}
	CHECK(ok >= 99 && ok <= 100);
}

TEST(console_idle_caps_at_burst)
{
	unsigned int ok = 0;

	setup();
	line();
	now += 1000 * FREQ; /* idle for long: back to the burst, no more */
	for (int i = 0; i < 50; i++)
		ok += line();
	CHECK_EQ(ok, 20U);
}

TEST(console_hypervisor_lines_not_budgeted)
{
	setup();
	for (int i = 0; i < 30; i++)
		line();
	for (int i = 0; i < 100; i++)
		console_write("(xl) hypervisor line\n", 21);
	CHECK(strstr(out, "(xl) hypervisor line") != NULL);
	{
		unsigned int n = 0;

		for (char *p = out; (p = strstr(p, "(xl) hyp")); p++)
			n++;
		CHECK_EQ(n, 100U);
	}
}

TEST(console_domains_have_their_own_budget)
{
	struct domain other;
	char buf[100];

	setup();
	for (int i = 0; i < 30; i++)
		line();
	memset(&other, 0, sizeof(other));
	strcpy(other.name, "e");
	spin_lock_init(&other.lock);
	memset(buf, 'y', sizeof(buf));
	buf[99] = '\n';
	CHECK(domain_console_line(&other, buf, sizeof(buf)));
}

TEST(console_lines_prefixed_and_flushed)
{
	setup();
	domain_console_write(&dom, "hello\nwor", 9);
	CHECK(strstr(out, "[d] hello\r\n") != NULL);
	CHECK(!strstr(out, "wor"));
	/* A shutdown flushes the partial line (domain_shutdown()). */
	domain_console_flush(&dom);
	CHECK(strstr(out, "[d] wor\r\n") != NULL);
	domain_console_flush(&dom); /* nothing left: no empty line */
	CHECK(!strstr(out, "[d]\r\n"));
}

TEST(console_input_follows_focus)
{
	setup();
	dom.state = DOM_RUNNING;
	list_add_tail(&dom.list, &domain_list);
	domain_console_focus_init();
	CHECK(strstr(out, "console input: d ") != NULL);
	domain_console_input('x');
	CHECK_EQ(input_kicks, 1U);
	CHECK(domain_console_has_input(&dom));
	CHECK_EQ(domain_console_getc(&dom), 'x');
	CHECK_EQ(domain_console_getc(&dom), -1);
	/* Fewer than three Ctrl-a are the guest's. */
	domain_console_input(0x01);
	domain_console_input(0x01);
	domain_console_input('y');
	CHECK_EQ(domain_console_getc(&dom), 0x01);
	CHECK_EQ(domain_console_getc(&dom), 0x01);
	CHECK_EQ(domain_console_getc(&dom), 'y');
	/* Three move the focus to the debug keys (after the last domain). */
	for (int i = 0; i < 3; i++)
		domain_console_input(0x01);
	CHECK(strstr(out, "console input: xen-lite debug keys") != NULL);
	domain_console_input('h');
	CHECK_EQ(nr_debug_keys, 1U);
	CHECK_EQ(debug_keys[0], 'h');
	CHECK(!domain_console_has_input(&dom));
	/* A domain that is going away gets no input (its vUART may be gone). */
	for (int i = 0; i < 3; i++)
		domain_console_input(0x01);
	dom.state = DOM_SHUTTING_DOWN;
	domain_console_input('z');
	CHECK(!domain_console_has_input(&dom));
	CHECK_EQ(nr_debug_keys, 1U);
}

/*
 * The domain with the input goes: the input moves to the next running
 * domain, whether the gone one is still listed (no longer running) or
 * already off the list.
 */
TEST(console_focus_moves_on_when_gone)
{
	static struct domain a, b, c;
	struct domain *all[] = { &a, &b, &c };

	setup();
	for (int i = 0; i < 3; i++) {
		memset(all[i], 0, sizeof(*all[i]));
		all[i]->name[0] = (char)('a' + i);
		all[i]->state = DOM_RUNNING;
		spin_lock_init(&all[i]->lock);
		list_add_tail(&all[i]->list, &domain_list);
	}
	domain_console_focus_init();
	CHECK(strstr(out, "console input: a ") != NULL);
	/* a going away, still listed: b, the next. */
	a.state = DOM_DYING;
	domain_console_gone("a", false, false);
	CHECK(strstr(out, "console input: b (the last one is gone)") != NULL);
	/* b already off the list: the first running one, c. */
	list_del(&a.list);
	list_del(&b.list);
	domain_console_gone("b", false, false);
	CHECK(strstr(out, "console input: c (the last one is gone)") != NULL);
	domain_console_input('q');
	CHECK_EQ(domain_console_getc(&c), 'q');
	/* The last one gone: the debug keys. */
	c.state = DOM_DYING;
	domain_console_gone("c", false, false);
	CHECK(strstr(out, "console input: xen-lite debug keys") != NULL);
}

/* How many times @needle occurs in what reached the UART. */
static unsigned int count_of(const char *needle)
{
	unsigned int n = 0;

	for (const char *p = out; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/*
 * A domain's share of the ring is its slot's, not its ID's: IDs grow with
 * every create (up to 0x7000) while slots are reused, and domains 1 and
 * 65 once shared one share (ID modulo 64), so one of them flooding
 * refused the other's lines.
 */
TEST(console_ring_share_by_slot_not_id)
{
	struct domain other;
	char text[96];

	setup();
	console_async_start();
	fifo_room = 0;
	dom.id = 1;
	dom.slot = 0;
	memset(text, 'x', 95);
	text[95] = '\n';
	for (int i = 0; i < 100; i++) {
		now += FREQ;
		if (domain_console_write_some(&dom, text, 96) < 96)
			break;
	}
	CHECK(!domain_console_tx_ready(&dom, 16));
	memset(&other, 0, sizeof(other));
	strcpy(other.name, "e");
	other.id = 65;
	other.slot = 1;
	spin_lock_init(&other.lock);
	CHECK(domain_console_tx_ready(&other, 16));
	CHECK_EQ(domain_console_write_some(&other, "other line\n", 11),
		 (size_t)11);
	/* No slot (off the list): refused, never another's share. */
	other.slot = -1;
	CHECK(!domain_console_tx_ready(&other, 16));
	fifo_room = ~0U;
	console_tx_interrupt();
	CHECK_EQ(count_of("[e] other line\r\n"), 1U);
}

/*
 * The output ring: with the UART's FIFO full, writers only queue (nothing
 * reaches the UART, nobody waits); a domain's line is refused once its
 * share of the ring is queued (a short count, nothing dropped), while the
 * hypervisor's messages and another domain's lines still fit; the
 * transmit interrupt then drains everything, in order, each line once.
 */
TEST(console_ring_queues_and_shares)
{
	struct domain other;
	char text[96];
	size_t n;
	unsigned int taken = 0;

	setup();
	console_async_start();
	CHECK(strstr(out, "console: output ring") != NULL);
	fifo_room = 0;
	out_len = 0;
	memset(out, 0, sizeof(out));
	memset(text, 'x', 95);
	text[95] = '\n';
	/* 1 s between lines refills the budget: only the ring holds back. */
	for (int i = 0; i < 100; i++) {
		now += FREQ;
		n = domain_console_write_some(&dom, text, 96);
		if (n < 96)
			break;
		taken++;
	}
	/* A share of 4 KiB: 40 lines of 100 bytes and their '\r's. */
	CHECK(taken >= 38 && taken <= 41);
	CHECK_EQ(out_len, (size_t)0);
	CHECK_EQ(dom.out_dropped_total, 0ULL);
	CHECK(!domain_console_tx_ready(&dom, 16));
	/* The hypervisor and another domain still get in. */
	console_write("(xl) still here\n", 16);
	memset(&other, 0, sizeof(other));
	strcpy(other.name, "e");
	other.id = 1;
	other.slot = 1;
	spin_lock_init(&other.lock);
	CHECK_EQ(domain_console_write_some(&other, "other line\n", 11),
		 (size_t)11);
	CHECK_EQ(out_len, (size_t)0);
	/* The FIFO has room: its interrupt drains it all, in order. */
	fifo_room = ~0U;
	console_tx_interrupt();
	CHECK_EQ(shown(), taken);
	CHECK_EQ(count_of("(xl) still here\r\n"), 1U);
	CHECK_EQ(count_of("[e] other line\r\n"), 1U);
	CHECK(strstr(out, "(xl) still here") > strstr(out, "[d] xxx"));
	CHECK(!tx_irq_on);
	/* Room again: the writer goes on, its emulated UART is told. */
	CHECK(domain_console_tx_ready(&dom, 16) || dom.out_tx_wait);
	dom.out_tx_wait = true;
	dom.state = DOM_RUNNING;
	list_add_tail(&dom.list, &domain_list);
	console_poll();
	CHECK_EQ(tx_kicks, 1U);
	CHECK(!dom.out_tx_wait);
	list_del(&dom.list);
	console_sync();
}

/*
 * A partly drained FIFO: the writer moves what the FIFO takes and leaves
 * the rest for the transmit interrupt, which it enables.
 */
TEST(console_ring_drains_only_what_fits)
{
	setup();
	console_async_start();
	out_len = 0;
	memset(out, 0, sizeof(out));
	fifo_room = 10;
	console_write("(xl) 0123456789abcdef\n", 22);
	CHECK_EQ(out_len, (size_t)10);
	CHECK(tx_irq_on);
	fifo_room = ~0U;
	console_tx_interrupt();
	CHECK(strstr(out, "(xl) 0123456789abcdef\r\n") != NULL);
	CHECK(!tx_irq_on);
	console_sync();
}

/*
 * Hypervisor messages that find the ring full are counted and announced
 * before the next one that fits; none is cut.
 */
TEST(console_ring_hypervisor_drops_counted)
{
	char msg[501];
	unsigned int sent = 0, whole;

	setup();
	console_async_start();
	out_len = 0;
	memset(out, 0, sizeof(out));
	fifo_room = 0;
	memset(msg, 'h', 499);
	msg[499] = '\n';
	msg[500] = '\0';
	for (int i = 0; i < 80; i++, sent++)
		console_write(msg, 500);
	CHECK_EQ(out_len, (size_t)0);
	fifo_room = ~0U;
	console_tx_interrupt();
	console_write("(xl) after\n", 11);
	whole = count_of("hhhh\r\n");
	CHECK(whole >= 60 && whole < sent);
	{
		char want[80];

		snprintf(want, sizeof(want),
			 "(xl) [console: %u hypervisor messages dropped]\r\n"
			 "(xl) after\r\n",
			 sent - whole);
		CHECK(strstr(out, want) != NULL);
	}
	console_sync();
}

/* Over the budget, the emulated UARTs say "full" (domain_console_tx_ready). */
TEST(console_tx_ready_follows_budget)
{
	setup();
	for (int i = 0; i < 20; i++)
		line();
	CHECK(!domain_console_tx_ready(&dom, 16));
	CHECK(dom.out_tx_wait);
	now += FREQ / 5; /* 200 bytes: a line of "[d] " and 16 fits again */
	CHECK(domain_console_tx_ready(&dom, 16));
}

int main(void)
{
	return run_tests("console");
}
