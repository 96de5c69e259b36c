/* SPDX-License-Identifier: GPL-2.0 */
/* <string.h> for libfdt inside the hypervisor: our own common/lib. */
#ifndef XL_LIBC_STRING_H
#define XL_LIBC_STRING_H
#include <xen-lite/lib.h>
#endif
