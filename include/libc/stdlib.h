/* SPDX-License-Identifier: GPL-2.0 */
/* <stdlib.h> for libfdt inside the hypervisor: our own common/lib. */
#ifndef XL_LIBC_STDLIB_H
#define XL_LIBC_STDLIB_H
#include <xen-lite/lib.h>
#endif
