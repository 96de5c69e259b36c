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
 * it, and the guest writes the rest later; a byte that cannot (the
 * virtual UARTs, DBCN write_byte) completes the line, which is dropped
 * without touching the console lock or the UART, and "[dropped N lines]"
 * precedes the domain's next line that fits. A flooding domain's share of
 * the UART is then at most its burst plus rate x time, whatever it does
 * (docs/robustness.md).
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
 * Refill @d's bucket with the counter time since the last line and take
 * @len bytes from it. Tokens are bytes scaled by the counter frequency,
 * so no fraction of a refill is lost however often the domain prints.
 * A line that does not fit is counted as dropped if @count_drop (else the
 * writer was told to come back: back-pressure). Called with d->lock held.
 * Return: true if the line fits; *@told the lines dropped before it.
 */
static bool budget_take(struct domain *d, size_t len, u32 *told,
			bool count_drop)
{
	const u64 rate = CONFIG_CONSOLE_DOMAIN_RATE;
	const u64 freq = arch_counter_freq();
	const u64 burst = (u64)CONFIG_CONSOLE_DOMAIN_BURST * freq;
	u64 now = arch_counter_read(), dt;
	bool fits;

	*told = 0;
	if (!rate)
		return true;
	if (!d->out_refill) {
		d->out_tokens = burst;
	} else {
		dt = now - d->out_refill;
		/* Bounded so that dt * rate cannot overflow. */
		if (dt >= burst / (rate ? rate : 1))
			d->out_tokens = burst;
		else
			d->out_tokens = MIN(burst, d->out_tokens + dt * rate);
	}
	d->out_refill = now ? now : 1;
	fits = d->out_tokens >= len * freq;
	if (fits) {
		d->out_tokens -= len * freq;
		*told = d->out_dropped;
		d->out_dropped = 0;
	} else if (count_drop) {
		d->out_dropped++;
		d->out_dropped_total++;
	}
	return fits;
}

static bool domain_budget(struct domain *d, size_t len, u32 *told)
{
	unsigned long flags;
	bool fits;

	spin_lock_irqsave(&d->lock, flags);
	fits = budget_take(d, len, told, true);
	spin_unlock_irqrestore(&d->lock, flags);
	return fits;
}

/* A line the budget took: out, after the count of those dropped before. */
static void line_out(struct domain *d, const char *s, size_t len, u32 dropped)
{
	char note[DOMAIN_NAME_LEN + 48];
	int n = 0;

	if (dropped)
		n = snprintf(note, sizeof(note), "[%s] [dropped %u lines]\n",
			     d->name, dropped);
	console_domain_write(note, n > 0 ? MIN((size_t)n, sizeof(note) - 1) : 0,
			     s, len);
}

bool domain_console_line(struct domain *d, const char *s, size_t len)
{
	u32 dropped;

	if (!domain_budget(d, len, &dropped))
		return false;
	line_out(d, s, len, dropped);
	return true;
}

/*
 * One byte of @d's output. A byte that completes a line (a newline, or
 * the line buffer full) sends the line out if the budget allows. Over
 * the budget, @wait false: the line is dropped (and counted); @wait true:
 * the byte is refused and everything stays as it was, for the writer to
 * try again later (a console write that returns a short count).
 * Return: false if refused.
 */
static bool domain_console_byte(struct domain *d, char c, bool wait)
{
	unsigned long flags;
	char line[sizeof(d->out_line) + DOMAIN_NAME_LEN + 4];
	bool eol = c == '\n', keep = c != '\n' && c != '\r';
	u32 dropped = 0;
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
	if (wait && !budget_take(d, (size_t)n, &dropped, false)) {
		if (keep)
			d->out_len--; /* as before this byte */
		spin_unlock_irqrestore(&d->lock, flags);
		return false;
	}
	d->out_len = 0;
	d->out_cont = false;
	spin_unlock_irqrestore(&d->lock, flags);
	if (wait)
		line_out(d, line, (size_t)n, dropped);
	else
		domain_console_line(d, line, (size_t)n);
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
	u32 dropped = 0;
	int n = 0;

	spin_lock_irqsave(&d->lock, flags);
	if (d->out_len && arch_counter_read() - d->out_stamp >= wait) {
		n = snprintf(line, sizeof(line), "%s%s%s%.*s",
			     d->out_cont ? "" : "[", d->out_cont ? "" : d->name,
			     d->out_cont ? "" : "] ", (int)d->out_len,
			     d->out_line);
		n = n > 0 ? (int)MIN((size_t)n, sizeof(line) - 1) : 0;
		/*
		 * Over the output budget it waits in the buffer, neither
		 * dropped nor counted: it goes out whole with its end (a
		 * writer held back by a short count would otherwise lose
		 * the part it had written).
		 */
		if (n && budget_take(d, (size_t)n, &dropped, false)) {
			d->out_len = 0;
			d->out_cont = true;
		} else {
			n = 0;
		}
	}
	spin_unlock_irqrestore(&d->lock, flags);
	if (n)
		line_out(d, line, (size_t)n, dropped);
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

bool domain_console_has_input(struct domain *d)
{
	return READ_ONCE(d->in_head) != READ_ONCE(d->in_tail);
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

void console_poll(void)
{
	char name[DOMAIN_NAME_LEN];
	unsigned long flags;
	struct domain *d;
	int c;

	while ((c = console_getc()) >= 0)
		domain_console_input((char)c);
	get_focus(name);
	if (!name[0])
		return;
	spin_lock_irqsave(&domain_list_lock, flags);
	d = running_by_name(name);
	if (d)
		flush_partial(d);
	spin_unlock_irqrestore(&domain_list_lock, flags);
}
