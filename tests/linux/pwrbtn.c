// SPDX-License-Identifier: GPL-2.0
/*
 * xl-pwrbtn: wait for a press of KEY_POWER on input event devices, for
 * the Linux test of 'xen-lite shutdown' (tests/runtime/run.sh,
 * docs/cli.md). What systemd-logind does on a Debian install; busybox has
 * nothing that reads input events. A static program without libc for
 * riscv64 and arm64 Linux (raw system calls, the generic table of both),
 * built like xl-shmcp (tests/linux/shmcp.c).
 *
 *   xl-pwrbtn DEV...    block until one of the event devices DEV
 *                       (/dev/input/eventN) reports KEY_POWER pressed
 *
 * Exit status: 0 after the press, 1 with a message on stderr.
 */
#include "xl_tool.h"

#define SYS_ppoll 73

#define O_RDONLY 0
#define POLLIN 1

#define EV_KEY 1
#define KEY_POWER 116
#define MAX_DEVS 8

struct pollfd {
	int fd;
	short events, revents;
};

/* struct input_event of a 64-bit kernel: struct timeval, then these. */
struct input_event {
	long sec, usec;
	unsigned short type, code;
	int value;
};

void xl_main(long *sp)
{
	long argc = sp[0], i, n;
	char **argv = (char **)(sp + 1);
	struct pollfd fds[MAX_DEVS];
	struct input_event ev[16];

	if (argc < 2 || argc - 1 > MAX_DEVS)
		leave("xl-pwrbtn", 1, "usage: xl-pwrbtn DEV... (at most 8)");
	for (i = 0; i < argc - 1; i++) {
		fds[i].fd = (int)sys6(SYS_openat, AT_FDCWD, (long)argv[i + 1],
				      O_RDONLY, 0, 0, 0);
		if (fds[i].fd < 0)
			leave("xl-pwrbtn", 1, "cannot open an event device");
		fds[i].events = POLLIN;
	}
	for (;;) {
		for (i = 0; i < argc - 1; i++)
			fds[i].revents = 0;
		if (sys6(SYS_ppoll, (long)fds, argc - 1, 0, 0, 8, 0) < 0)
			leave("xl-pwrbtn", 1, "ppoll failed");
		for (i = 0; i < argc - 1; i++) {
			if (!fds[i].revents)
				continue;
			n = sys6(SYS_read, fds[i].fd, (long)ev, sizeof(ev), 0,
				 0, 0);
			if (n < 0)
				leave("xl-pwrbtn", 1, "read error");
			for (long k = 0; k < n / (long)sizeof(ev[0]); k++)
				if (ev[k].type == EV_KEY &&
				    ev[k].code == KEY_POWER && ev[k].value == 1)
					leave("xl-pwrbtn", 0, 0);
		}
	}
}

/* The entry: the stack holds argc, then argv[] (the ELF ABI of both). */
#ifdef __riscv
asm(".globl _start\n_start:\n\tmv a0, sp\n\tcall xl_main\n");
#else
asm(".globl _start\n_start:\n\tmov x0, sp\n\tbl xl_main\n");
#endif
