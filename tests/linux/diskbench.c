// SPDX-License-Identifier: GPL-2.0
/*
 * xl-diskbench: the guest side of the disk benchmark (tests/bench/disk.sh,
 * docs/benchmarks.md "Disk passthrough"). A static program without libc for
 * riscv64 and arm64 Linux (raw system calls, the generic table of both),
 * built into the benchmark's initramfs like xl-shmcp (tests/linux/shmcp.c).
 *
 *   xl-diskbench DEV seq MIB PASSES   PASSES sequential reads of the first
 *                                     MIB MiB of DEV, 1 MiB per read into
 *                                     256 pages (one segment each)
 *   xl-diskbench DEV rand N SEED      N reads of 4 KiB at 4 KiB-aligned
 *                                     offsets of DEV drawn from SEED
 *
 * DEV is opened with O_DIRECT (no page cache: every read is a request to
 * the device and its completion interrupt), one read at a time. Times come from the guest's own counter, read
 * directly (riscv64: the time CSR; arm64: CNTVCT_EL0), with its frequency
 * (riscv64: the device tree's /cpus/timebase-frequency; arm64:
 * CNTFRQ_EL0). Under QEMU's -icount shift=0 the counter follows executed
 * instructions, 1 ns each.
 *
 * The device completes a request in host time, not in instructions: QEMU
 * reads the image in another thread. A reader that slept meanwhile (as
 * pread() does) would leave the CPU idle in WFI, and under
 * -icount sleep=off an idle CPU's clock jumps to the next timer deadline,
 * by an amount that depends on the host's timing; whether it sleeps at all
 * depends on the host too (a fast host completes before the reader has
 * gone to sleep). So the reader never sleeps: it submits each read with
 * Linux AIO (io_submit) and polls the completion ring in its own memory,
 * counting the polls; each poll is POLL_INSNS instructions (poll() below).
 * A request's "path" is its time less the polls: the instructions of the
 * round trip (submission, the device's interrupt, completion), for the
 * guest and, in a domain, the hypervisor. What the host took to read the
 * image is left out; it is in the "time" (the counter alone), which
 * varies with the host.
 *
 * Prints, one line per pass or run (n: nanoseconds of the counter, equal
 * to instructions under -icount shift=0):
 *   XL-DISK-SEQ bytes B time_ns T path_ns P
 *   XL-DISK-4K reads N path_median_ns M path_p10_ns A path_p90_ns B
 *       path_mean_ns C time_median_ns D
 * Exit status: 0, or 1 with a message on stderr.
 */
#include "xl_tool.h"

#define die(why) leave("xl-diskbench", 1, why)

#define SYS_io_setup 0
#define SYS_io_destroy 1
#define SYS_io_submit 2
#define SYS_ioctl 29
#define SYS_pread64 67

#ifdef __riscv
#define O_DIRECT 040000 /* asm-generic/fcntl.h */
#else
#define O_DIRECT 0200000 /* arch/arm64/include/uapi/asm/fcntl.h */
#endif
#define BLKGETSIZE64 0x80081272UL /* _IOR(0x12, 114, size_t) */
#define IOCB_CMD_PREAD 0
#define IOCB_CMD_PREADV 7
#define AIO_RING_MAGIC 0xa10a10a1

/* Instructions per iteration of poll()'s loop. */
#ifdef __riscv
#define POLL_INSNS 3
#else
#define POLL_INSNS 4
#endif

#define CHUNK (1L << 20)
#define PAGES (CHUNK / 4096)
#define POOL (3 * PAGES)
#define SMALL 4096L
#define MAX_RAND 65536

static u64 counter(void)
{
	u64 v;

#ifdef __riscv
	asm volatile("rdtime %0" : "=r"(v));
#else
	/* The ISB keeps the read from being taken early (Arm ARM D12.1). */
	asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
#endif
	return v;
}

/* The line being printed, appended to by put() and putn(). */
static char line[256];
static int len;

static void put(const char *s)
{
	while (*s && len < (int)sizeof(line) - 2)
		line[len++] = *s++;
}

static void putn(u64 v)
{
	char d[24];
	int i = 0;

	do
		d[i++] = (char)('0' + v % 10);
	while ((v /= 10) && i < 24);
	while (i && len < (int)sizeof(line) - 2)
		line[len++] = d[--i];
}

static void flush(void)
{
	line[len++] = '\n';
	line[len] = 0;
	out(1, line);
	len = 0;
}

static u64 frequency(void)
{
#ifdef __riscv
	unsigned char b[4];
	long fd = sys6(SYS_openat, AT_FDCWD,
		       (long)"/proc/device-tree/cpus/timebase-frequency", 0, 0,
		       0, 0);

	if (fd < 0 || sys6(SYS_read, fd, (long)b, 4, 0, 0, 0) != 4)
		die("cannot read /proc/device-tree/cpus/timebase-frequency");
	sys6(SYS_close, fd, 0, 0, 0, 0, 0);
	return (u64)b[0] << 24 | (u64)b[1] << 16 | (u64)b[2] << 8 | b[3];
#else
	u64 v;

	asm volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
#endif
}

/*
 * A sequential read goes into PAGES pages of pool[] none of which follows
 * the one before it in physical memory (chosen with /proc/self/pagemap):
 * each page is one segment of the request, natively and in a domain alike.
 * An ordinary buffer's pages are where the guest's allocator put them,
 * which differs between the two boots (fewer segments, fewer instructions
 * per request) and between runs.
 */
static unsigned char pool[POOL][4096] __attribute__((aligned(4096)));
static struct iovec {
	void *base;
	u64 len;
} iov[PAGES];
static u64 lat[MAX_RAND], tot[MAX_RAND];

/* xorshift64: the same offsets on every run and both architectures. */
static u64 next(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void sort(u64 *a, long n)
{
	/* Shell sort with Ciura's gaps; n is small. */
	static const long gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };

	for (unsigned g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
		long h = gaps[g];

		for (long i = h; i < n; i++) {
			u64 v = a[i];
			long j = i;

			for (; j >= h && a[j - h] > v; j -= h)
				a[j] = a[j - h];
			a[j] = v;
		}
	}
}

/* Linux's AIO ABI (include/uapi/linux/aio_abi.h), little-endian. */
struct iocb {
	u64 aio_data;
	unsigned aio_key;
	int aio_rw_flags;
	unsigned short aio_lio_opcode;
	short aio_reqprio;
	unsigned aio_fildes;
	u64 aio_buf;
	u64 aio_nbytes;
	long aio_offset;
	u64 aio_reserved2;
	unsigned aio_flags;
	unsigned aio_resfd;
};

struct io_event {
	u64 data, obj;
	long res, res2;
};

/* The completion ring the context's id points to (fs/aio.c). */
struct aio_ring {
	unsigned id, nr, head, tail, magic, compat_features, incompat_features,
		header_length;
	struct io_event io_events[];
};

static u64 hz;
static struct aio_ring *ring;

/*
 * Until the ring's tail moves from head: the number of polls, each
 * POLL_INSNS instructions. The interrupt that completes the request comes
 * while this runs (or while io_submit() still does).
 */
static u64 poll(unsigned head)
{
	u64 n = 0;
	unsigned tail;

#ifdef __riscv
	asm volatile("1:\tlw %0, 12(%2)\n"
		     "\taddi %1, %1, 1\n"
		     "\tbeq %0, %3, 1b\n"
		     "\tfence r, r"
		     : "=&r"(tail), "+r"(n)
		     : "r"(ring), "r"(head)
		     : "memory");
#else
	asm volatile("1:\tldr %w0, [%2, #12]\n"
		     "\tadd %1, %1, #1\n"
		     "\tcmp %w0, %w3\n"
		     "\tb.eq 1b\n"
		     "\tdmb ishld"
		     : "=&r"(tail), "+r"(n)
		     : "r"(ring), "r"(head)
		     : "cc", "memory");
#endif
	return n;
}

/*
 * One read of LEN bytes at OFF, submitted and reaped: its time and its path
 * (the time less the polls) in ns. LEN is 4 KiB (into pool[0]) or CHUNK
 * (into iov[]).
 */
static void one_read(long fd, long len, long off, u64 *time, u64 *path)
{
	struct iocb cb = { 0 }, *cbs[1] = { &cb };
	unsigned head = ring->head;
	u64 t0, t1, polls;
	long res;

	if (len == CHUNK) {
		cb.aio_lio_opcode = IOCB_CMD_PREADV;
		cb.aio_buf = (u64)iov;
		cb.aio_nbytes = PAGES;
	} else {
		cb.aio_lio_opcode = IOCB_CMD_PREAD;
		cb.aio_buf = (u64)pool[0];
		cb.aio_nbytes = (u64)len;
	}
	cb.aio_fildes = (unsigned)fd;
	cb.aio_offset = off;
	t0 = counter();
	if (sys6(SYS_io_submit, (long)ring, 1, (long)cbs, 0, 0, 0) != 1)
		die("io_submit failed");
	polls = poll(head);
	res = ring->io_events[head].res;
	/* Reaped here, not by io_getevents(): fs/aio.c reads head back. */
	ring->head = (head + 1) % ring->nr;
	t1 = counter();
	if (res != len)
		die("short read");
	*time = (t1 - t0) * 1000000000UL / hz;
	*path = *time > polls * POLL_INSNS ? *time - polls * POLL_INSNS : 0;
}

/* iov[]: PAGES pages of pool[], none physically after the one before. */
static void scatter(void)
{
	long pm, n = 0;
	u64 last = 0;

	pm = sys6(SYS_openat, AT_FDCWD, (long)"/proc/self/pagemap", 0, 0, 0, 0);
	if (pm < 0)
		die("cannot open /proc/self/pagemap");
	for (long i = 0; i < POOL && n < PAGES; i++) {
		u64 e = 0;

		pool[i][0] = 1; /* faulted in: it has a frame now */
		if (sys6(SYS_pread64, pm, (long)&e, 8, (long)pool[i] / 4096 * 8,
			 0, 0) != 8)
			die("cannot read /proc/self/pagemap");
		/* Bit 63: present; bits 0-54: the frame (0 unless root). */
		e = e >> 63 ? e & ((1UL << 55) - 1) : 0;
		if (!e)
			die("no frame numbers in /proc/self/pagemap (not root?)");
		if (n && e == last + 1)
			continue;
		iov[n].base = pool[i];
		iov[n++].len = 4096;
		last = e;
	}
	sys6(SYS_close, pm, 0, 0, 0, 0, 0);
	if (n < PAGES)
		die("pool too small for a scattered buffer");
}

void xl_main(long *sp)
{
	long argc = sp[0], fd, a, b;
	char **argv = (char **)(sp + 1);
	u64 size = 0, ctx = 0, t, p;

	if (argc != 5)
		die("usage: xl-diskbench DEV seq MIB PASSES | DEV rand N SEED");
	a = number(argv[3]);
	b = number(argv[4]);
	if (a <= 0 || b < 0)
		die("bad number");
	hz = frequency();
	if (!hz || 1000000000UL % hz)
		die("the counter's frequency does not divide 1 GHz");
	fd = sys6(SYS_openat, AT_FDCWD, (long)argv[1], O_DIRECT, 0, 0, 0);
	if (fd < 0)
		die("cannot open DEV with O_DIRECT");
	if (sys6(SYS_ioctl, fd, (long)BLKGETSIZE64, (long)&size, 0, 0, 0) ||
	    size < 2 * SMALL)
		die("cannot tell DEV's size (BLKGETSIZE64)");
	if (sys6(SYS_io_setup, 1, (long)&ctx, 0, 0, 0, 0))
		die("io_setup failed (a kernel without CONFIG_AIO?)");
	ring = (struct aio_ring *)ctx;
	if (ring->magic != AIO_RING_MAGIC || !ring->nr)
		die("no AIO completion ring in this process' memory");
	scatter();
	if (same(argv[2], "seq")) {
		if ((u64)a * CHUNK > size)
			die("MIB is larger than DEV");
		for (long n = 0; n < b; n++) {
			u64 time = 0, path = 0;

			for (long i = 0; i < a; i++) {
				one_read(fd, CHUNK, i * CHUNK, &t, &p);
				time += t;
				path += p;
			}
			put("XL-DISK-SEQ bytes ");
			putn((u64)a * CHUNK);
			put(" time_ns ");
			putn(time);
			put(" path_ns ");
			putn(path);
			flush();
		}
	} else if (same(argv[2], "rand")) {
		u64 s = (u64)b * 2654435761UL + 88172645463325252UL, sum = 0;
		u64 pages = size / SMALL;

		if (a > MAX_RAND)
			die("N is larger than 65536");
		for (long i = 0; i < a; i++) {
			one_read(fd, SMALL, (long)(next(&s) % pages * SMALL),
				 &tot[i], &lat[i]);
			sum += lat[i];
		}
		sort(lat, a);
		sort(tot, a);
		put("XL-DISK-4K reads ");
		putn((u64)a);
		put(" path_median_ns ");
		putn(lat[a / 2]);
		put(" path_p10_ns ");
		putn(lat[a / 10]);
		put(" path_p90_ns ");
		putn(lat[a * 9 / 10]);
		put(" path_mean_ns ");
		putn(sum / (u64)a);
		put(" time_median_ns ");
		putn(tot[a / 2]);
		flush();
	} else {
		die("the mode is 'seq' or 'rand'");
	}
	sys6(SYS_io_destroy, (long)ctx, 0, 0, 0, 0, 0);
	sys6(SYS_close, fd, 0, 0, 0, 0, 0);
	sys6(SYS_exit, 0, 0, 0, 0, 0, 0);
}

/* The entry: the stack holds argc, then argv[] (the ELF ABI of both). */
#ifdef __riscv
asm(".globl _start\n_start:\n\tmv a0, sp\n\tcall xl_main\n");
#else
asm(".globl _start\n_start:\n\tmov x0, sp\n\tbl xl_main\n");
#endif
