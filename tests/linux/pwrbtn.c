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
#define SYS_openat 56
#define SYS_read 63
#define SYS_write 64
#define SYS_ppoll 73
#define SYS_exit 93

#define AT_FDCWD (-100)
#define O_RDONLY 0
#define POLLIN 1

#define EV_KEY 1
#define KEY_POWER 116
#define MAX_DEVS 8

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
#ifdef __riscv
	register long a7 asm("a7") = n;
	register long a0 asm("a0") = a;
	register long a1 asm("a1") = b;
	register long a2 asm("a2") = c;
	register long a3 asm("a3") = d;
	register long a4 asm("a4") = e;
	register long a5 asm("a5") = f;

	asm volatile("ecall"
		     : "+r"(a0)
		     : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5)
		     : "memory");
	return a0;
#else
	register long x8 asm("x8") = n;
	register long x0 asm("x0") = a;
	register long x1 asm("x1") = b;
	register long x2 asm("x2") = c;
	register long x3 asm("x3") = d;
	register long x4 asm("x4") = e;
	register long x5 asm("x5") = f;

	asm volatile("svc #0"
		     : "+r"(x0)
		     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
		     : "memory");
	return x0;
#endif
}

static void say(const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	sys6(SYS_write, 2, (long)s, n, 0, 0, 0);
}

static void __attribute__((noreturn)) leave(int code, const char *why)
{
	if (why) {
		say("xl-pwrbtn: ");
		say(why);
		say("\n");
	}
	sys6(SYS_exit, code, 0, 0, 0, 0, 0);
	for (;;)
		;
}

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
		leave(1, "usage: xl-pwrbtn DEV... (at most 8)");
	for (i = 0; i < argc - 1; i++) {
		fds[i].fd = (int)sys6(SYS_openat, AT_FDCWD, (long)argv[i + 1],
				      O_RDONLY, 0, 0, 0);
		if (fds[i].fd < 0)
			leave(1, "cannot open an event device");
		fds[i].events = POLLIN;
	}
	for (;;) {
		for (i = 0; i < argc - 1; i++)
			fds[i].revents = 0;
		if (sys6(SYS_ppoll, (long)fds, argc - 1, 0, 0, 8, 0) < 0)
			leave(1, "ppoll failed");
		for (i = 0; i < argc - 1; i++) {
			if (!fds[i].revents)
				continue;
			n = sys6(SYS_read, fds[i].fd, (long)ev, sizeof(ev), 0,
				 0, 0);
			if (n < 0)
				leave(1, "read error");
			for (long k = 0; k < n / (long)sizeof(ev[0]); k++)
				if (ev[k].type == EV_KEY &&
				    ev[k].code == KEY_POWER && ev[k].value == 1)
					leave(0, 0);
		}
	}
}

/* The entry: the stack holds argc, then argv[] (the ELF ABI of both). */
#ifdef __riscv
asm(".globl _start\n_start:\n\tmv a0, sp\n\tcall xl_main\n");
#else
asm(".globl _start\n_start:\n\tmov x0, sp\n\tbl xl_main\n");
#endif
