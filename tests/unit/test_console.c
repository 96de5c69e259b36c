// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the domain consoles (common/domain_console.c: the
 * per-domain output budget, line buffer, input ring and input focus) on
 * the real common/console.c: a fake UART records what reaches it, a fake
 * counter (1 MHz) stands for counter time. Built with a budget of 1000
 * bytes/s after a 2000-byte burst (tests/unit/console.mk).
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

const struct uart_driver ns16550_driver = { "fake", fake_init, fake_putc,
					    NULL };
const struct uart_driver pl011_driver = { "fake", fake_init, fake_putc, NULL };

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
	nr_debug_keys = 0;
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

int main(void)
{
	return run_tests("console");
}
