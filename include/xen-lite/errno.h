/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error numbers. Values follow the Linux numbering so that host unit tests
 * and the guest ABI (include/public/errno.h repeats them) agree.
 */
#ifndef XL_ERRNO_H
#define XL_ERRNO_H

#ifndef EPERM
#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EXDEV 18
#define ENODEV 19
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define ENOSYS 38
#define EPROTO 71
#define ELOOP 40
#define EOVERFLOW 75
#define EOPNOTSUPP 95
#endif
#ifndef ERESTART
#define ERESTART 85
#endif

#endif /* XL_ERRNO_H */
