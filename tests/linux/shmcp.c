// SPDX-License-Identifier: GPL-2.0
/*
 * xl-shmcp: copy between stdin/stdout and a physical address range through
 * an mmap() of /dev/mem, for the Linux shared-memory test (tests/linux/
 * shm.sh, docs/shared-memory.md). A static program without libc for
 * riscv64 and arm64 Linux (raw system calls, the generic table of both).
 *
 *   xl-shmcp ADDR SIZE in    stdin to [ADDR, ADDR + SIZE): at most SIZE
 *                            bytes, the last word padded with zeros
 *   xl-shmcp ADDR SIZE out   [ADDR, ADDR + SIZE) to stdout
 *
 * ADDR and SIZE are multiples of 8; numbers in decimal or 0x hexadecimal. Why not busybox: read() and write() on /dev/mem go through
 * the kernel's linear map, which has only RAM (arm64 refuses any other
 * address with EFAULT, valid_phys_addr_range()); a region outside RAM is
 * reachable only by mmap(), and busybox devmem maps one word per run.
 * Linux maps such a range uncached (Device memory on arm64), where
 * unaligned accesses fault: the copy is made of aligned 64-bit words.
 * Exit status: 0, or 1 with a message on stderr.
 */
#define SYS_openat 56
#define SYS_close 57
#define SYS_read 63
#define SYS_write 64
#define SYS_exit 93
#define SYS_mmap 222

#define AT_FDCWD (-100)
#define O_RDWR 2
#define O_SYNC 04010000
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_SHARED 1

typedef unsigned long u64;

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

static void __attribute__((noreturn)) die(const char *why)
{
	say("xl-shmcp: ");
	say(why);
	say("\n");
	sys6(SYS_exit, 1, 0, 0, 0, 0, 0);
	for (;;)
		;
}

/* Decimal or 0x hexadecimal; -1 on a bad number. */
static long number(const char *s)
{
	u64 v = 0, base = 10;

	if (!*s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return -1;
	}
	for (; *s; s++) {
		u64 d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -1;
		v = v * base + d;
		if (v >> 48)
			return -1;
	}
	return (long)v;
}

static int same(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static u64 buf[512]; /* one 4 KiB chunk */

void xl_main(long *sp)
{
	long argc = sp[0], addr, size, fd, n, i, done = 0, off;
	char **argv = (char **)(sp + 1);
	volatile u64 *map;
	int in;

	if (argc != 4)
		die("usage: xl-shmcp ADDR SIZE in|out");
	addr = number(argv[1]);
	size = number(argv[2]);
	in = same(argv[3], "in");
	if (addr < 0 || (addr & 7) || size <= 0 || (size & 7))
		die("ADDR and SIZE must be multiples of 8, SIZE not 0");
	if (!in && !same(argv[3], "out"))
		die("the direction is 'in' or 'out'");
	fd = sys6(SYS_openat, AT_FDCWD, (long)"/dev/mem", O_RDWR | O_SYNC, 0, 0,
		  0);
	if (fd < 0)
		die("cannot open /dev/mem");
	/* mmap() takes whole pages: map from ADDR's page. */
	off = addr & 4095;
	map = (volatile u64 *)sys6(SYS_mmap, 0, (off + size + 4095) & ~4095L,
				   PROT_READ | PROT_WRITE, MAP_SHARED, fd,
				   addr - off);
	if ((unsigned long)map > -4096UL)
		die("cannot mmap /dev/mem at ADDR");
	map += off / 8;
	while (done < size) {
		long chunk = size - done < 4096 ? size - done : 4096;

		if (in) {
			/* Fill a chunk from stdin (pipes return less). */
			for (n = 0; n < chunk;) {
				long r = sys6(SYS_read, 0, (long)buf + n,
					      chunk - n, 0, 0, 0);

				if (r < 0)
					die("read error on stdin");
				if (!r)
					break;
				n += r;
			}
			if (!n)
				break;
			for (i = n; i & 7; i++)
				((char *)buf)[i] = 0;
			for (i = 0; i < (n + 7) / 8; i++)
				map[(done >> 3) + i] = buf[i];
			done += n;
			if (n < chunk)
				break;
		} else {
			for (i = 0; i < chunk / 8; i++)
				buf[i] = map[(done >> 3) + i];
			for (n = 0; n < chunk;) {
				long w = sys6(SYS_write, 1, (long)buf + n,
					      chunk - n, 0, 0, 0);

				if (w <= 0)
					die("write error on stdout");
				n += w;
			}
			done += chunk;
		}
	}
	sys6(SYS_close, fd, 0, 0, 0, 0, 0);
	sys6(SYS_exit, 0, 0, 0, 0, 0, 0);
}

/* The entry: the stack holds argc, then argv[] (the ELF ABI of both). */
#ifdef __riscv
asm(".globl _start\n_start:\n\tmv a0, sp\n\tcall xl_main\n");
#else
asm(".globl _start\n_start:\n\tmov x0, sp\n\tbl xl_main\n");
#endif
