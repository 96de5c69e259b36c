/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Console input: Ctrl-a pressed three times moves the input focus to the
 * next domain, and after the last domain to the hypervisor, whose debug
 * keys are listed by 'h'.
 */
#ifndef XL_KEYHANDLER_H
#define XL_KEYHANDLER_H

/** keyhandler_init() - focus on the first domain and say how to switch. */
void keyhandler_init(void);

struct domain;

/**
 * keyhandler_domain_started() - a domain was built and runs
 * @d: the domain
 * @restarted: by its on_* policy (the focus, if it was on @d's name,
 *             stays and is announced again)
 */
void keyhandler_domain_started(const struct domain *d, bool restarted);

/**
 * keyhandler_domain_gone() - a domain stopped running
 * @name: its name
 * @restarting: it will be rebuilt under the same name (focus stays)
 * @preserved: it is kept for inspection (it no longer reads input)
 */
void keyhandler_domain_gone(const char *name, bool restarting, bool preserved);

/** console_poll() - read pending console input and route it (CPU0). */
void console_poll(void);

/** keyhandler_input() - route one input byte (also used by tests). */
void keyhandler_input(char c);

#endif /* XL_KEYHANDLER_H */
