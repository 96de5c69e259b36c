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

/** console_poll() - read pending console input and route it (CPU0). */
void console_poll(void);

/** keyhandler_input() - route one input byte (also used by tests). */
void keyhandler_input(char c);

#endif /* XL_KEYHANDLER_H */
