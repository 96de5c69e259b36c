// SPDX-License-Identifier: GPL-2.0
/*
 * Console input routing, the domain consoles and the debug keys.
 */
#include <xen-lite/arch.h>
#include <xen-lite/console.h>
#include <xen-lite/domain.h>
#include <xen-lite/keyhandler.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>
#include <xen-lite/smp.h>

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

void domain_console_putc(struct domain *d, char c)
{
	unsigned long flags;
	char line[sizeof(d->out_line) + DOMAIN_NAME_LEN + 4];
	int n = 0;

	spin_lock_irqsave(&d->lock, flags);
	if (c != '\n' && c != '\r') {
		if (!d->out_len)
			d->out_stamp = arch_counter_read();
		d->out_line[d->out_len++] = c;
	}
	if (c == '\n' || d->out_len == sizeof(d->out_line)) {
		if (d->out_cont)
			n = snprintf(line, sizeof(line), "%.*s\n",
				     (int)d->out_len, d->out_line);
		else if (d->out_len)
			n = snprintf(line, sizeof(line), "[%s] %.*s\n", d->name,
				     (int)d->out_len, d->out_line);
		else
			n = snprintf(line, sizeof(line), "[%s]\n", d->name);
		d->out_len = 0;
		d->out_cont = false;
	}
	spin_unlock_irqrestore(&d->lock, flags);
	if (n > 0)
		console_domain_line(d, line, MIN((size_t)n, sizeof(line) - 1));
}

/* Send out @d's partial line if it has waited PARTIAL_MS. */
static void flush_partial(struct domain *d)
{
	char line[sizeof(d->out_line) + DOMAIN_NAME_LEN + 4];
	u64 wait = arch_counter_freq() * PARTIAL_MS / 1000;
	unsigned long flags;
	int n = 0;

	spin_lock_irqsave(&d->lock, flags);
	if (d->out_len && arch_counter_read() - d->out_stamp >= wait) {
		n = snprintf(line, sizeof(line), "%s%s%s%.*s",
			     d->out_cont ? "" : "[", d->out_cont ? "" : d->name,
			     d->out_cont ? "" : "] ", (int)d->out_len,
			     d->out_line);
		d->out_len = 0;
		d->out_cont = true;
	}
	spin_unlock_irqrestore(&d->lock, flags);
	/* Over the output budget: the rest of the line needs its prefix. */
	if (n > 0 &&
	    !console_domain_line(d, line, MIN((size_t)n, sizeof(line) - 1))) {
		spin_lock_irqsave(&d->lock, flags);
		d->out_cont = false;
		spin_unlock_irqrestore(&d->lock, flags);
	}
}

void domain_console_write(struct domain *d, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		domain_console_putc(d, s[i]);
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
 * first one for ""), or "" (the debug keys) after the last. Writes the
 * name into @out.
 */
static void next_focus(const char *name, char *out)
{
	struct domain *d;
	bool take = !name[0];
	unsigned long flags;

	out[0] = '\0';
	spin_lock_irqsave(&domain_list_lock, flags);
	list_for_each_entry(d, &domain_list, list) {
		if (d->state != DOM_RUNNING)
			continue;
		if (take) {
			strlcpy(out, d->name, DOMAIN_NAME_LEN);
			break;
		}
		if (!strcmp(d->name, name))
			take = true;
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

void keyhandler_init(void)
{
	char name[DOMAIN_NAME_LEN];

	next_focus("", name);
	set_focus(name, "");
}

void keyhandler_domain_started(const struct domain *d, bool restarted)
{
	char name[DOMAIN_NAME_LEN];

	get_focus(name);
	if (restarted && !strcmp(name, d->name))
		set_focus(name, " (restarted)");
}

void keyhandler_domain_gone(const char *gone, bool restarting, bool preserved)
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

static void debug_key(char c)
{
	switch (c) {
	case 'd':
		domain_dump_all();
		break;
	case 'm':
		printk("memory: %llu of %llu pages free\n",
		       (unsigned long long)free_page_count(),
		       (unsigned long long)total_page_count());
		break;
	case 'p': {
		struct domain *d;
		unsigned long flags;

		/* The list lock keeps every listed domain's p2m_domain. */
		spin_lock_irqsave(&domain_list_lock, flags);
		list_for_each_entry(d, &domain_list, list)
			p2m_dump(d->p2m);
		spin_unlock_irqrestore(&domain_list_lock, flags);
		break;
	}
	case 'h':
	default:
		printk("debug keys: d = dump domains, p = p2m summaries, m = memory, h = help\n");
		break;
	}
}

void keyhandler_input(char c)
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
		debug_key(c);
}

void console_poll(void)
{
	char name[DOMAIN_NAME_LEN];
	unsigned long flags;
	struct domain *d;
	int c;

	while ((c = console_getc()) >= 0)
		keyhandler_input((char)c);
	get_focus(name);
	if (!name[0])
		return;
	spin_lock_irqsave(&domain_list_lock, flags);
	d = running_by_name(name);
	if (d)
		flush_partial(d);
	spin_unlock_irqrestore(&domain_list_lock, flags);
}

static const char *const dom_state_names[] = {
	"building", "running", "shutting down", "dying", "preserved",
};
static const char *const vcpu_state_names[] = {
	"down",
	"runnable",
	"running",
	"blocked",
};

/* What a stopped domain's vCPUs are: they never run again. */
static const char *stopped_vcpu_state(const struct domain *d)
{
	if (d->state == DOM_PRESERVED)
		return d->shutdown_reason == SHUTDOWN_CRASH ?
			       "stopped (crashed, preserved)" :
			       "stopped (preserved)";
	return d->shutdown_reason == SHUTDOWN_CRASH ? "stopping (crashed)" :
						      "stopping";
}

void domain_dump_all(void)
{
	struct domain *d;
	unsigned long flags;
	u64 now = arch_counter_read();

	printk("domains (free memory %llu pages):\n",
	       (unsigned long long)free_page_count());
	spin_lock_irqsave(&domain_list_lock, flags);
	list_for_each_entry(d, &domain_list, list) {
		printk("  domain %u (%s): %s%s, %llu/%llu pages, %u vCPUs%s, restarts %u\n",
		       d->id, d->name, dom_state_names[d->state],
		       d->state >= DOM_SHUTTING_DOWN &&
				       d->shutdown_reason == SHUTDOWN_CRASH ?
			       " after a crash" :
			       "",
		       (unsigned long long)d->tot_pages,
		       (unsigned long long)d->max_pages, d->nr_vcpus,
		       d->cfg.privileged ? ", privileged" : "", d->restarts);
		for (unsigned int i = 0;
		     d->state != DOM_DYING && i < d->nr_vcpus; i++) {
			struct vcpu *v = d->vcpus[i];
			u64 start = READ_ONCE(v->run_start);
			u64 ran = READ_ONCE(v->runtime_ticks);

			/*
			 * Live: the slice in progress counts too (a vCPU
			 * alone on its CPU may run for ever without ending
			 * a slice). Racing with the slice's end can count
			 * it twice for one dump; the next dump is exact.
			 */
			if (start && now > start)
				ran += now - start;
			printk("    vCPU%u: %s on CPU%u%s, ran %llu ms\n",
			       v->id,
			       d->state == DOM_RUNNING ?
				       vcpu_state_names[v->state] :
				       stopped_vcpu_state(d),
			       v->processor,
			       v->affinity >= 0 ? " (pinned)" : "",
			       (unsigned long long)(ran * 1000 /
						    arch_counter_freq()));
		}
		p2m_dump(d->p2m);
	}
	spin_unlock_irqrestore(&domain_list_lock, flags);
}
