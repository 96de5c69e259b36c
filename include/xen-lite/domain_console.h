/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The domain consoles (common/domain_console.c): output line buffers and
 * budgets, input rings, and the console input focus. Ctrl-a pressed three
 * times moves the focus to the next domain, and after the last domain to
 * the hypervisor's debug keys (keyhandler.h), listed by 'h'. The guest
 * side (domain_console_putc/write/getc/has_input) is in domain.h.
 */
#ifndef XL_DOMAIN_CONSOLE_H
#define XL_DOMAIN_CONSOLE_H

#include <xen-lite/types.h>

struct domain;

/** domain_console_focus_init() - focus on the first domain, say how to switch. */
void domain_console_focus_init(void);

/**
 * domain_console_started() - a domain was built and runs
 * @d: the domain
 * @restarted: by its on_* policy (the focus, if it was on @d's name,
 *             stays and is announced again)
 */
void domain_console_started(const struct domain *d, bool restarted);

/**
 * domain_console_gone() - a domain stopped running
 * @name: its name
 * @restarting: it will be rebuilt under the same name (focus stays)
 * @preserved: it is kept for inspection (it no longer reads input)
 */
void domain_console_gone(const char *name, bool restarting, bool preserved);

/**
 * domain_console_send() - console input for the running domain @name from
 * the management channel (xen-lite console); it also gets the console
 * focus, so its partial lines come out. Return: 0 or -ENOENT.
 */
int domain_console_send(const char *name, const char *s, size_t len);

/**
 * domain_console_flush() - send out @d's partial output line, if any
 * (the domain shuts down: nothing it said is lost).
 */
void domain_console_flush(struct domain *d);

/** console_poll() - read pending console input and route it (CPU0). */
void console_poll(void);

/** domain_console_input() - route one input byte (also used by tests). */
void domain_console_input(char c);

/**
 * domain_console_line() - write a line (or a partial line) of domain @d's
 * console output, @len bytes as domain_console_putc() formats them, if it
 * fits @d's output budget, after hypervisor lines waiting for the
 * console; otherwise drop and count it ("[dropped N lines]" precedes the
 * next line that fits). Also used by tests.
 * Return: true if written, false if dropped.
 */
bool domain_console_line(struct domain *d, const char *s, size_t len);

#endif /* XL_DOMAIN_CONSOLE_H */
