/* SPDX-License-Identifier: GPL-2.0 */
/* Boot-time entry points between common modules. */
#ifndef XL_SETUP_H
#define XL_SETUP_H

#include <xen-lite/bootinfo.h>
#include <xen-lite/compiler.h>

extern struct bootinfo bootinfo;

/** stack_protector_init() - seed the stack canary from the counter. */
void stack_protector_init(void);

/**
 * start_domains() - build every /chosen domain and run them (boot CPU).
 * Prints the "boot complete" line. With no domain, powers off cleanly.
 */
void start_domains(const struct bootinfo *bi) __noreturn;

/** secondary_enter_scheduler() - a secondary CPU joins the scheduler. */
void secondary_enter_scheduler(void) __noreturn;

#endif /* XL_SETUP_H */
