/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The debug keys (common/keyhandler.c): what a key does while the console
 * input focus is on the hypervisor (domain_console.h routes the input).
 */
#ifndef XL_KEYHANDLER_H
#define XL_KEYHANDLER_H

/** keyhandler_key() - run debug key @c ('h' and unknown keys: help). */
void keyhandler_key(char c);

#endif /* XL_KEYHANDLER_H */
