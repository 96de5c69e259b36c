// SPDX-License-Identifier: GPL-2.0
/*
 * The domain consoles: each domain's output line buffer and its output
 * budget (a token bucket), its input ring, and the console input focus
 * that routes what is typed to one domain or to the debug keys
 * (keyhandler.c). The UART and the console lock are console.c's.
 *
 * Each domain has an output budget (CONFIG_CONSOLE_DOMAIN_RATE bytes per
 * second of counter time after a CONFIG_CONSOLE_DOMAIN_BURST burst). A
 * write that can return a short count (XL_HC_CONSOLE_WRITE, SBI DBCN
 * console_write) stops before the byte that would complete a line over
 * it, and the guest writes the rest later; the emulated UARTs report
 * their transmitter full while the domain's next line would not fit
 * (domain_console_tx_ready()), so a guest that waits for it loses
 * nothing; a byte that cannot wait (a guest writing a "full" UART, DBCN
 * write_byte) completes the line, which is dropped without touching the
 * console, and "[dropped N lines]" precedes the domain's next line that
 * fits. A flooding domain's share of the UART is then at most its burst
 * plus rate x time, whatever it does. The same holds when the console
 * output ring (common/console.c) refuses the line: the ring full, or the
 * domain's share of it queued (docs/robustness.md).
 */
#include <xen-lite/arch.h>
#include <xen-lite/console.h>
#include <xen-lite/domain.h>
#include <xen-lite/domain_console.h>
#include <xen-lite/errno.h>
#include <xen-lite/keyhandler.h>
#include <xen-lite/lib.h>

#define CTRL_A 0x01

/*
 * The console input focus is a domain NAME ("" for the hypervisor's debug
 * keys), not an ID: a domain restarted by its on_* policy is the same
 * domain to the user, so the focus follows it across the restart (input
 * typed while it is being rebuilt is dropped, as by an unplugged UART).
 * It only moves on when the domain is gone for good or preserved.
 */
static char focus[DOMAIN_NAME_LEN];
static DEFINE_SPINLOCK(focus_lock);
static unsigned int ctrl_a_seen;

/*
 * Guest output goes out a line at a time with a "[name] " prefix, so
 * lines of several domains never interleave. A partial line of the
 * domain with the input focus (a shell prompt, the echo of a key) goes
 * out once the guest has paused for PARTIAL_MS (console_poll()), and the
 * rest of that line follows without a second prefix.
 */
#define PARTIAL_MS 30

/*
 * Refill @d's bucket with the counter time since the last line. Tokens
 * are bytes scaled by the counter frequency, so no fraction of a refill
 * is lost however often the domain prints. Called with d->lock held.
 */
static void budget_refill(struct domain *d)
{
	const u64 rate = CONFIG_CONSOLE_DOMAIN_RATE;
	const u64 burst =
		(u64)CONFIG_CONSOLE_DOMAIN_BURST * arch_counter_freq();
	u64 now = arch_counter_read(), dt;

	if (!rate)
		return;
	if (!d->out_refill) {
		d->out_tokens = burst;
	} else {
		dt = now - d->out_refill;
		/* Bounded so that dt * rate cannot overflow. */
		if (dt >= burst / rate)
			d->out_tokens = burst;
		else
			d->out_tokens = MIN(burst, d->out_tokens + dt * rate);
	}
	d->out_refill = now ? now : 1;
}

static bool budget_fits(const struct domain *d, size_t len)
{
	return !CONFIG_CONSOLE_DOMAIN_RATE ||
	       d->out_tokens >= len * arch_counter_freq();
}

/*
 * Queue @d's line @s (@len bytes) on the console output ring, after the
 * count of the lines dropped before it, if it fits @d's budget and the
 * ring takes it. Otherwise counted as dropped if @count_drop (else the
 * writer was told to come back: back-pressure). Called with d->lock held;
 * the caller kicks the console (console_kick()) after letting it go.
 * Return: true if queued.
 */
static bool line_out_locked(struct domain *d, const char *s, size_t len,
			    bool count_drop)
{
	char note[DOMAIN_NAME_LEN + 48];
	int n = 0;

	budget_refill(d);
	if (budget_fits(d, len)) {
		if (d->out_dropped)
			n = snprintf(note, sizeof(note),
				     "[%s] [dropped %u lines]\n", d->name,
				     d->out_dropped);
		n = n > 0 ? (int)MIN((size_t)n, sizeof(note) - 1) : 0;
		if (console_domain_write((unsigned int)d->slot, note, (size_t)n,
					 s, len)) {
			if (CONFIG_CONSOLE_DOMAIN_RATE)
				d->out_tokens -= len * arch_counter_freq();
			d->out_dropped = 0;
			return true;
		}
	}
	if (count_drop) {
		d->out_dropped++;
		d->out_dropped_total++;
	}
	return false;
}

bool domain_console_line(struct domain *d, const char *s, size_t len)
{
	unsigned long flags;
	bool put;

	spin_lock_irqsave(&d->lock, flags);
	put = line_out_locked(d, s, len, true);
	spin_unlock_irqrestore(&d->lock, flags);
	if (put)
		console_kick();
	return put;
}

/* The bytes of @d's current line ended now (prefix and newline). */
static size_t line_len_locked(const struct domain *d)
{
	return d->out_len + 1 + (d->out_cont ? 0 : strlen(d->name) + 3);
}

bool domain_console_tx_ready(struct domain *d, size_t more)
{
	unsigned long flags;
	size_t len;
	bool ready;

	spin_lock_irqsave(&d->lock, flags);
	budget_refill(d);
	len = MIN(line_len_locked(d) + more,
		  sizeof(d->out_line) + DOMAIN_NAME_LEN + 4);
	/* Room for the "[dropped N lines]" note and the '\r's too. */
	ready = budget_fits(d, len) &&
		console_domain_room((unsigned int)d->slot,
				    len + DOMAIN_NAME_LEN + 48 + 4);
	if (!ready)
		d->out_tx_wait = true;
	spin_unlock_irqrestore(&d->lock, flags);
	return ready;
}

/*
 * One byte of @d's output. A byte that completes a line (a newline, or
 * the line buffer full) sends the line out if the budget and the output
 * ring allow. Otherwise, @wait false: the line is dropped (and counted);
 * @wait true: the byte is refused and everything stays as it was, for
 * the writer to try again later (a console write that returns a short
 * count).
 * Return: false if refused.
 */
static bool domain_console_byte(struct domain *d, char c, bool wait)
{
	unsigned long flags;
	char line[sizeof(d->out_line) + DOMAIN_NAME_LEN + 4];
	bool eol = c == '\n', keep = c != '\n' && c != '\r', put;
	int n = 0;

	spin_lock_irqsave(&d->lock, flags);
	if (!eol && !(keep && d->out_len + 1 == sizeof(d->out_line))) {
		/* The line goes on: no budget needed yet. */
		if (keep) {
			if (!d->out_len)
				d->out_stamp = arch_counter_read();
			d->out_line[d->out_len++] = c;
		}
		spin_unlock_irqrestore(&d->lock, flags);
		return true;
	}
	if (keep)
		d->out_line[d->out_len++] = c;
	if (d->out_cont)
		n = snprintf(line, sizeof(line), "%.*s\n", (int)d->out_len,
			     d->out_line);
	else if (d->out_len)
		n = snprintf(line, sizeof(line), "[%s] %.*s\n", d->name,
			     (int)d->out_len, d->out_line);
	else
		n = snprintf(line, sizeof(line), "[%s]\n", d->name);
	n = n > 0 ? (int)MIN((size_t)n, sizeof(line) - 1) : 0;
	put = line_out_locked(d, line, (size_t)n, !wait);
	if (wait && !put) {
		if (keep)
			d->out_len--; /* as before this byte */
		spin_unlock_irqrestore(&d->lock, flags);
		return false;
	}
	d->out_len = 0;
	d->out_cont = false;
	spin_unlock_irqrestore(&d->lock, flags);
	if (put)
		console_kick();
	return true;
}

void domain_console_putc(struct domain *d, char c)
{
	domain_console_byte(d, c, false);
}

/* Send out @d's partial line if it has waited PARTIAL_MS. */
static void flush_partial(struct domain *d)
{
	char line[sizeof(d->out_line) + DOMAIN_NAME_LEN + 4];
	u64 wait = arch_counter_freq() * PARTIAL_MS / 1000;
	unsigned long flags;
	bool put = false;
	int n = 0;

	spin_lock_irqsave(&d->lock, flags);
	if (d->out_len && arch_counter_read() - d->out_stamp >= wait) {
		n = snprintf(line, sizeof(line), "%s%s%s%.*s",
			     d->out_cont ? "" : "[", d->out_cont ? "" : d->name,
			     d->out_cont ? "" : "] ", (int)d->out_len,
			     d->out_line);
		n = n > 0 ? (int)MIN((size_t)n, sizeof(line) - 1) : 0;
		/*
		 * Over the output budget (or the ring full) it waits in the
		 * buffer, neither dropped nor counted: it goes out whole
		 * with its end (a writer held back by a short count would
		 * otherwise lose the part it had written).
		 */
		if (n && line_out_locked(d, line, (size_t)n, false)) {
			d->out_len = 0;
			d->out_cont = true;
			put = true;
		}
	}
	spin_unlock_irqrestore(&d->lock, flags);
	if (put)
		console_kick();
}

void domain_console_write(struct domain *d, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		domain_console_putc(d, s[i]);
}

size_t domain_console_write_some(struct domain *d, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (!domain_console_byte(d, s[i], true))
			break;
	}
	return i;
}

void domain_console_flush(struct domain *d)
{
	if (d->out_len || d->out_cont)
		domain_console_putc(d, '\n');
}

int domain_console_getc(struct domain *d)
{
	unsigned long flags;
	int c = -1;

	spin_lock_irqsave(&d->lock, flags);
	if (d->in_head != d->in_tail) {
		c = d->in_buf[d->in_tail % CONS_IN_SIZE];
		d->in_tail++;
	}
	spin_unlock_irqrestore(&d->lock, flags);
	return c;
}

static void domain_console_push(struct domain *d, char c)
{
	unsigned long flags;

	spin_lock_irqsave(&d->lock, flags);
	if (d->state != DOM_RUNNING) {
		/* Going away: its virtual UART may be too (domain.c). */
		spin_unlock_irqrestore(&d->lock, flags);
		return;
	}
	/* A full buffer drops the byte, like a UART overrun. */
	if (d->in_head - d->in_tail < CONS_IN_SIZE) {
		d->in_buf[d->in_head % CONS_IN_SIZE] = (u8)c;
		d->in_head++;
	}
	spin_unlock_irqrestore(&d->lock, flags);
	arch_domain_console_input(d);
}

/* The running domain called @name, or NULL. Caller holds domain_list_lock. */
static struct domain *running_by_name(const char *name)
{
	struct domain *d;

	list_for_each_entry(d, &domain_list, list) {
		if (d->state == DOM_RUNNING && !strcmp(d->name, name))
			return d;
	}
	return NULL;
}

/*
 * The next running domain after the one called @name in list order (the
 * first one for ""), or "" (the debug keys) after the last. @name itself
 * may be listed in any state (a domain going away is no longer running)
 * or not at all (already off the list): then the first running domain.
 * Writes the name into @out.
 */
static void next_focus(const char *name, char *out)
{
	struct domain *d;
	bool take = !name[0], found = take;
	unsigned long flags;

	out[0] = '\0';
	spin_lock_irqsave(&domain_list_lock, flags);
	list_for_each_entry(d, &domain_list, list) {
		if (!take && !strcmp(d->name, name)) {
			take = found = true;
			continue;
		}
		if (d->state != DOM_RUNNING)
			continue;
		if (take) {
			strlcpy(out, d->name, DOMAIN_NAME_LEN);
			break;
		}
	}
	if (!found) {
		list_for_each_entry(d, &domain_list, list) {
			if (d->state == DOM_RUNNING) {
				strlcpy(out, d->name, DOMAIN_NAME_LEN);
				break;
			}
		}
	}
	spin_unlock_irqrestore(&domain_list_lock, flags);
}

/* Every change of the input focus is announced on a line of its own. */
static void say_focus(const char *name, const char *why)
{
	if (name[0])
		printk("console input: %s%s (Ctrl-a three times to switch)\n",
		       name, why);
	else
		printk("console input: xen-lite debug keys ('h' for help)%s\n",
		       why);
}

static void set_focus(const char *name, const char *why)
{
	unsigned long flags;

	spin_lock_irqsave(&focus_lock, flags);
	strlcpy(focus, name, sizeof(focus));
	spin_unlock_irqrestore(&focus_lock, flags);
	say_focus(name, why);
}

static void get_focus(char *out)
{
	unsigned long flags;

	spin_lock_irqsave(&focus_lock, flags);
	strlcpy(out, focus, DOMAIN_NAME_LEN);
	spin_unlock_irqrestore(&focus_lock, flags);
}

void domain_console_focus_init(void)
{
	char name[DOMAIN_NAME_LEN];

	next_focus("", name);
	set_focus(name, "");
}

void domain_console_started(const struct domain *d, bool restarted)
{
	char name[DOMAIN_NAME_LEN];

	get_focus(name);
	if (restarted && !strcmp(name, d->name))
		set_focus(name, " (restarted)");
}

void domain_console_gone(const char *gone, bool restarting, bool preserved)
{
	char name[DOMAIN_NAME_LEN], next[DOMAIN_NAME_LEN];

	get_focus(name);
	if (restarting || strcmp(name, gone))
		return;
	next_focus(name, next);
	/* A preserved domain is still listed: never move back onto it. */
	if (!strcmp(next, gone))
		next[0] = '\0';
	set_focus(next, preserved ? " (the last one was preserved)" :
				    " (the last one is gone)");
}

void domain_console_input(char c)
{
	char name[DOMAIN_NAME_LEN], next[DOMAIN_NAME_LEN];
	struct domain *d = NULL;
	unsigned long flags;

	if (c == CTRL_A) {
		if (++ctrl_a_seen == 3) {
			ctrl_a_seen = 0;
			get_focus(name);
			next_focus(name, next);
			set_focus(next, "");
		}
		return;
	}
	get_focus(name);
	/*
	 * domain_list_lock keeps @d from being freed while its input is
	 * queued (domains leave the list under it before teardown ends).
	 */
	spin_lock_irqsave(&domain_list_lock, flags);
	if (name[0])
		d = running_by_name(name);
	/* Fewer than three Ctrl-a were meant for the guest. */
	for (; ctrl_a_seen; ctrl_a_seen--) {
		if (d)
			domain_console_push(d, CTRL_A);
	}
	if (d)
		domain_console_push(d, c);
	spin_unlock_irqrestore(&domain_list_lock, flags);
	/* A focused domain that is not running (restarting): dropped. */
	if (!name[0])
		keyhandler_key(c);
}

int domain_console_send(const char *name, const char *s, size_t len)
{
	char cur[DOMAIN_NAME_LEN];
	unsigned long flags;
	struct domain *d;

	spin_lock_irqsave(&domain_list_lock, flags);
	d = running_by_name(name);
	for (size_t i = 0; d && i < len; i++)
		domain_console_push(d, s[i]);
	spin_unlock_irqrestore(&domain_list_lock, flags);
	if (!d)
		return -ENOENT;
	/* Its partial lines (a shell prompt) go out like the focused one's. */
	get_focus(cur);
	if (strcmp(cur, name))
		set_focus(name, " (console attached)");
	return 0;
}

/*
 * Domains whose emulated UART said "full": tell the arch those that have
 * room again (their guest waits for THRE / the TX interrupt).
 */
static void tx_wakeups(void)
{
	unsigned long flags;
	struct domain *d;

	spin_lock_irqsave(&domain_list_lock, flags);
	list_for_each_entry(d, &domain_list, list) {
		if (!READ_ONCE(d->out_tx_wait) || d->state != DOM_RUNNING)
			continue;
		WRITE_ONCE(d->out_tx_wait, false);
		/* Still full: the flag is set again, for the next tick. */
		if (domain_console_tx_ready(d, 16))
			arch_domain_console_tx_ready(d);
	}
	spin_unlock_irqrestore(&domain_list_lock, flags);
}

void console_poll(void)
{
	char name[DOMAIN_NAME_LEN];
	unsigned long flags;
	struct domain *d;
	int c;

	while ((c = console_getc()) >= 0)
		domain_console_input((char)c);
	/* The tick drains too (a lost or slow transmit interrupt). */
	console_kick();
	tx_wakeups();
	get_focus(name);
	if (!name[0])
		return;
	spin_lock_irqsave(&domain_list_lock, flags);
	d = running_by_name(name);
	if (d)
		flush_partial(d);
	spin_unlock_irqrestore(&domain_list_lock, flags);
}
