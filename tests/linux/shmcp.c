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
#include "xl_tool.h"

#define die(why) leave("xl-shmcp", 1, why)

#define SYS_mmap 222

#define O_RDWR 2
#define O_SYNC 04010000
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_SHARED 1

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
