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

/* Domain ID with the input focus, or DOMID_XL for the hypervisor. */
static domid_t focus = DOMID_XL;
static unsigned int ctrl_a_seen;

void domain_console_putc(struct domain *d, char c)
{
	unsigned long flags;
	char line[sizeof(d->out_line) + DOMAIN_NAME_LEN + 4];
	int n = 0;

	spin_lock_irqsave(&d->lock, flags);
	if (c != '\n' && c != '\r')
		d->out_line[d->out_len++] = c;
	if ((c == '\n' && d->out_len) || d->out_len == sizeof(d->out_line)) {
		n = snprintf(line, sizeof(line), "[%s] %.*s\n", d->name,
			     (int)d->out_len, d->out_line);
		d->out_len = 0;
	} else if (c == '\n') {
		n = snprintf(line, sizeof(line), "[%s]\n", d->name);
	}
	spin_unlock_irqrestore(&d->lock, flags);
	if (n > 0)
		console_write(line, MIN((size_t)n, sizeof(line) - 1));
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
	/* A full buffer drops the byte, like a UART overrun. */
	if (d->in_head - d->in_tail < CONS_IN_SIZE) {
		d->in_buf[d->in_head % CONS_IN_SIZE] = (u8)c;
		d->in_head++;
	}
	spin_unlock_irqrestore(&d->lock, flags);
	arch_domain_console_input(d);
}

/* The next domain after @id in list order, DOMID_XL after the last. */
static domid_t next_focus(domid_t id)
{
	struct domain *d;
	bool take = id == DOMID_XL;
	domid_t found = DOMID_XL;
	unsigned long flags;

	spin_lock_irqsave(&domain_list_lock, flags);
	list_for_each_entry(d, &domain_list, list) {
		if (d->state != DOM_RUNNING)
			continue;
		if (take) {
			found = d->id;
			break;
		}
		if (d->id == id)
			take = true;
	}
	spin_unlock_irqrestore(&domain_list_lock, flags);
	return found;
}

static void say_focus(void)
{
	struct domain *d = focus == DOMID_XL ? NULL : domain_by_id(focus);

	if (d)
		printk("console input: domain %u (%s) (Ctrl-a three times to switch)\n",
		       d->id, d->name);
	else
		printk("console input: xen-lite debug keys ('h' for help)\n");
}

void keyhandler_init(void)
{
	focus = next_focus(DOMID_XL);
	say_focus();
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

		list_for_each_entry(d, &domain_list, list)
			p2m_dump(d->p2m);
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
	struct domain *d;

	if (c == CTRL_A) {
		if (++ctrl_a_seen == 3) {
			ctrl_a_seen = 0;
			focus = next_focus(focus);
			say_focus();
		}
		return;
	}
	d = focus == DOMID_XL ? NULL : domain_by_id(focus);
	if (focus != DOMID_XL && (!d || d->state != DOM_RUNNING)) {
		/* The focused domain went away: move on. */
		focus = next_focus(focus);
		d = focus == DOMID_XL ? NULL : domain_by_id(focus);
	}
	/* Fewer than three Ctrl-a were meant for the guest. */
	for (; ctrl_a_seen; ctrl_a_seen--) {
		if (d)
			domain_console_push(d, CTRL_A);
	}
	if (d)
		domain_console_push(d, c);
	else
		debug_key(c);
}

void console_poll(void)
{
	int c;

	while ((c = console_getc()) >= 0)
		keyhandler_input((char)c);
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

void domain_dump_all(void)
{
	struct domain *d;
	unsigned long flags;

	printk("domains (free memory %llu pages):\n",
	       (unsigned long long)free_page_count());
	spin_lock_irqsave(&domain_list_lock, flags);
	list_for_each_entry(d, &domain_list, list) {
		printk("  domain %u (%s): %s, %llu/%llu pages, %u vCPUs%s, restarts %u\n",
		       d->id, d->name, dom_state_names[d->state],
		       (unsigned long long)d->tot_pages,
		       (unsigned long long)d->max_pages, d->nr_vcpus,
		       d->cfg.privileged ? ", privileged" : "", d->restarts);
		for (unsigned int i = 0;
		     d->state != DOM_DYING && i < d->nr_vcpus; i++) {
			struct vcpu *v = d->vcpus[i];

			printk("    vCPU%u: %s on CPU%u%s, ran %llu ms\n",
			       v->id, vcpu_state_names[v->state], v->processor,
			       v->affinity >= 0 ? " (pinned)" : "",
			       (unsigned long long)(v->runtime_ticks * 1000 /
						    arch_counter_freq()));
		}
		p2m_dump(d->p2m);
	}
	spin_unlock_irqrestore(&domain_list_lock, flags);
}
