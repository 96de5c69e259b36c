// SPDX-License-Identifier: MIT
/*
 * The arch-neutral part of the test-guest runtime: console output and
 * result lines, the boot path (DTB, command line, domain info), vCPU
 * start, strings, numbers and time.
 *
 * With the MMU off, Arm treats every data access as Device memory, where
 * unaligned accesses fault: everything here reads the DTB 4 bytes at a
 * time from 4-aligned offsets and copies strings byte by byte.
 */
#include <rt.h>

struct rt_env rt_env;
unsigned int rt_passed, rt_failed;
volatile unsigned int rt_cpus_entered;

static rt_lock_t console_lock;

/* ------------------------------------------------------------------ */
/* Strings and memory */

void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;

	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *pa = a, *pb = b;

	for (; n; n--, pa++, pb++) {
		if (*pa != *pb)
			return *pa - *pb;
	}
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

unsigned long rt_strtoul(const char *s, const char **end)
{
	unsigned long v = 0, base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++) {
		unsigned long d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		v = v * base + d;
	}
	/* Size suffixes for convenience: 4K, 2M, 1G. */
	if (*s == 'K' || *s == 'k')
		v <<= 10, s++;
	else if (*s == 'M' || *s == 'm')
		v <<= 20, s++;
	else if (*s == 'G' || *s == 'g')
		v <<= 30, s++;
	if (end)
		*end = s;
	return v;
}

uint64_t rt_rand(uint64_t *state)
{
	uint64_t x = *state ? *state : 0x9e3779b97f4a7c15ULL;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

uint64_t rt_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

uint64_t rt_checksum(const void *p, size_t len, uint64_t seed)
{
	const volatile uint64_t *w = p;
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;

	for (size_t i = 0; i < len / 8; i++) {
		h ^= w[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* ------------------------------------------------------------------ */
/* Formatted output */

struct outbuf {
	char *buf;
	size_t size, len;
};

static void out_c(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_num(struct outbuf *o, unsigned long long v, unsigned int base,
		    bool neg, int width, bool zero, bool left, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + neg;
	if (neg && zero)
		out_c(o, '-');
	if (!left) {
		for (; width > len; width--)
			out_c(o, zero ? '0' : ' ');
	}
	if (neg && !zero)
		out_c(o, '-');
	while (n)
		out_c(o, tmp[--n]);
	if (left) {
		for (; width > len; width--)
			out_c(o, ' ');
	}
}

int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		bool zero = false, left = false, alt = false;
		int width = 0, lng = 0;

		if (*fmt != '%') {
			out_c(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '0')
				zero = true;
			else if (*fmt == '-')
				left = true;
			else if (*fmt == '#')
				alt = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			long long v = lng ? va_arg(ap, long long) :
					    va_arg(ap, int);

			out_num(&o, v < 0 ? -(unsigned long long)v : v, 10,
				v < 0, width, zero, left, false);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			unsigned long long v =
				lng ? va_arg(ap, unsigned long long) :
				      va_arg(ap, unsigned int);

			if (alt && *fmt != 'u') {
				out_c(&o, '0');
				out_c(&o, 'x');
			}

			out_num(&o, v, *fmt == 'u' ? 10 : 16, false, width,
				zero, left, *fmt == 'X');
			break;
		}
		case 'p':
			out_c(&o, '0');
			out_c(&o, 'x');
			out_num(&o, (unsigned long)va_arg(ap, void *), 16,
				false, width, zero, left, false);
			break;
		case 'c':
			out_c(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len;

			if (!s)
				s = "(null)";
			len = (int)strlen(s);
			if (!left) {
				for (; width > len; width--)
					out_c(&o, ' ');
			}
			while (*s)
				out_c(&o, *s++);
			for (; width > len; width--)
				out_c(&o, ' ');
			break;
		}
		case '%':
			out_c(&o, '%');
			break;
		default:
			out_c(&o, '%');
			out_c(&o, *fmt);
			if (!*fmt)
				fmt--;
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void rt_lock(rt_lock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		while (READ_ONCE(l->locked))
			arch_relax();
	}
}

void rt_unlock(rt_lock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

long xl_console_write(const void *buf, size_t len)
{
	return xl_hypercall(XL_HC_CONSOLE_WRITE, (unsigned long)buf, len, 0, 0,
			    0);
}

bool rt_console_dbcn;
unsigned long rt_console_short;

/* One console write: the hypercall, or SBI DBCN console_write. */
static long console_write_once(const char *p, size_t len)
{
#ifdef __riscv
	if (rt_console_dbcn) {
		/* a0 = bytes, a1/a2 = physical address (the MMU is off) */
		struct fw_ret r =
			fw_call(0x4442434EUL, 0, len, (uintptr_t)p, 0, 0, 0, 0);

		return r.error ? -1 : r.value;
	}
#endif
	return xl_console_write(p, len);
}

/*
 * Write all of @buf as a well-behaved console driver does: over the
 * domain's console budget the hypervisor takes fewer bytes than asked
 * (maybe none), and the rest is written again a little later. (Unused by
 * the RT_BARE builds, which write to the firmware or a UART.)
 */
static void __attribute__((unused))
console_write_all(const char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		long r = console_write_once(buf + done, len - done);

		if (r < 0)
			return;
		if ((size_t)r < len - done) {
			rt_console_short++;
			rt_udelay(1000);
		}
		done += (size_t)r;
	}
}

static void vprint(const char *fmt, va_list ap)
{
	/* One buffer per vCPU: output from two vCPUs never interleaves. */
	static char bufs[RT_MAX_CPUS][256];
	char *buf = bufs[rt_cpu() % RT_MAX_CPUS];
	int n = rt_vsnprintf(buf, sizeof(bufs[0]), fmt, ap);

	if (n > (int)sizeof(bufs[0]) - 1)
		n = sizeof(bufs[0]) - 1;
	rt_lock(&console_lock);
#if defined(RT_BARE) && defined(__riscv)
	/* Debug builds run on plain firmware: SBI legacy putchar. */
	for (int i = 0; i < n; i++)
		fw_call(1, 0, buf[i], 0, 0, 0, 0, 0);
#elif defined(RT_BARE)
	/*
	 * ... or straight on a PL011: QEMU virt's, or (RT_XEN) the one Xen
	 * emulates for a dom0less domain with "vpl011".
	 */
	for (int i = 0; i < n; i++)
		*(volatile uint32_t *)RT_UART_BASE = buf[i];
#else
	console_write_all(buf, (size_t)n);
#endif
	rt_unlock(&console_lock);
}

void rt_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* Results */

static rt_lock_t result_lock;

void rt_ok(const char *name)
{
	rt_lock(&result_lock);
	rt_passed++;
	rt_unlock(&result_lock);
	rt_printf("ok %s.%s\n", rt_suite, name);
}

static void vfail(const char *name, const char *fmt, va_list ap)
{
	char msg[160];

	rt_vsnprintf(msg, sizeof(msg), fmt, ap);
	rt_lock(&result_lock);
	rt_failed++;
	rt_unlock(&result_lock);
	rt_printf("FAIL %s.%s: %s\n", rt_suite, name, msg);
}

void rt_fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(name, fmt, ap);
	va_end(ap);
}

bool rt_check(bool cond, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (cond) {
		rt_ok(name);
		return true;
	}
	va_start(ap, fmt);
	vfail(name, fmt, ap);
	va_end(ap);
	return false;
}

__noreturn void rt_shutdown(unsigned int reason, int code)
{
	xl_hypercall(XL_HC_DOMAIN_SHUTDOWN, reason, (unsigned long)code, 0, 0,
		     0);
#ifdef RT_BARE
	arch_std_shutdown(reason == XL_SHUTDOWN_REBOOT, code != 0);
#endif
	/* The call returns; the vCPU is stopped on its way back. */
	for (;;)
		arch_relax();
}

__noreturn void rt_finish(void)
{
	rt_printf("%s: %u passed, %u failed\n", rt_suite, rt_passed, rt_failed);
	if (rt_failed)
		rt_shutdown(XL_SHUTDOWN_CRASH, (int)rt_failed);
	rt_shutdown(XL_SHUTDOWN_POWEROFF, 0);
}

__noreturn void rt_panic(const char *fmt, ...)
{
	va_list ap;
	char msg[160];

	va_start(ap, fmt);
	rt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rt_printf("FAIL %s.runtime: %s\n", rt_suite, msg);
	rt_shutdown(XL_SHUTDOWN_CRASH, 99);
}

/* ------------------------------------------------------------------ */
/* Time */

uint64_t rt_now_us(void)
{
	uint64_t f = arch_counter_freq();

	return f ? arch_counter() / (f / 1000000 ? f / 1000000 : 1) : 0;
}

void rt_udelay(uint64_t us)
{
	uint64_t end = rt_now_us() + us;

	while (rt_now_us() < end)
		arch_relax();
}

/* ------------------------------------------------------------------ */
/* Device tree (read only what the tests need) */

#define FDT_MAGIC 0xd00dfeedU
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

static uint32_t be32(const void *p)
{
	uint32_t v = *(const volatile uint32_t *)p;

	return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) |
	       (v << 24);
}

static uint64_t be_cells(const char *p, unsigned int len)
{
	if (len >= 8)
		return ((uint64_t)be32(p) << 32) | be32(p + 4);
	return len >= 4 ? be32(p) : 0;
}

static void copy_str(char *dst, size_t size, const char *src, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < size && i < len && src[i]; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

static void parse_dtb(uint64_t dtb)
{
	const char *fdt = (const char *)(uintptr_t)dtb;
	const char *st, *strs;
	uint32_t off = 0, end;
	int depth = 0;
	char n1[32] = "", n2[32] = "";

	if (!dtb || (dtb & 3) || be32(fdt) != FDT_MAGIC)
		return;
	st = fdt + be32(fdt + 8);
	strs = fdt + be32(fdt + 12);
	end = be32(fdt + 36); /* size_dt_struct */
	while (off + 4 <= end) {
		uint32_t tok = be32(st + off);

		off += 4;
		if (tok == FDT_BEGIN_NODE) {
			const char *name = st + off;
			size_t len = 0;

			while (name[len])
				len++;
			depth++;
			if (depth == 2)
				copy_str(n1, sizeof(n1), name, len);
			else if (depth == 3)
				copy_str(n2, sizeof(n2), name, len);
			if (depth == 3 && !strcmp(n1, "cpus") &&
			    !strncmp(n2, "cpu@", 4) &&
			    rt_env.nr_cpus < RT_MAX_CPUS)
				rt_env.cpu_hwid[rt_env.nr_cpus] =
					rt_env.nr_cpus,
				rt_env.nr_cpus++;
			off = ALIGN_UP(off + len + 1, 4);
		} else if (tok == FDT_END_NODE) {
			depth--;
		} else if (tok == FDT_PROP) {
			uint32_t len = be32(st + off);
			const char *name = strs + be32(st + off + 4);
			const char *val = st + off + 8;

			if (depth == 2 && !strcmp(n1, "chosen") &&
			    !strcmp(name, "bootargs"))
				copy_str(rt_env.bootargs,
					 sizeof(rt_env.bootargs), val, len);
			if (depth == 2 && !strncmp(n1, "memory", 6) &&
			    !strcmp(name, "reg") && len >= 16 &&
			    !rt_env.ram_size) {
				rt_env.ram_base = be_cells(val, 8);
				rt_env.ram_size = be_cells(val + 8, 8);
			}
			if (depth == 2 && !strcmp(n1, "cpus") &&
			    !strcmp(name, "timebase-frequency"))
				rt_env.timebase = be_cells(val, len);
			if (depth == 3 && !strcmp(n1, "cpus") &&
			    !strcmp(n2, "cpu@0")) {
				if (!strcmp(name, "riscv,isa"))
					copy_str(rt_env.isa, sizeof(rt_env.isa),
						 val, len);
				if (!strcmp(name, "riscv,cboz-block-size"))
					rt_env.cboz_block = be_cells(val, len);
				if (!strcmp(name, "riscv,cbom-block-size"))
					rt_env.cbom_block = be_cells(val, len);
			}
			if (depth == 3 && !strcmp(n1, "cpus") &&
			    !strncmp(n2, "cpu@", 4) && !strcmp(name, "reg") &&
			    rt_env.nr_cpus)
				rt_env.cpu_hwid[rt_env.nr_cpus - 1] =
					be_cells(val, len);
			if (depth == 2 &&
			    !strncmp(n1, "interrupt-controller@", 21) &&
			    !strcmp(name, "compatible")) {
				if (!strcmp(val, "arm,gic-v3"))
					rt_env.gic = 3;
				else if (!strcmp(val, "arm,cortex-a15-gic") ||
					 !strcmp(val, "arm,gic-400"))
					rt_env.gic = 2;
			}
			if (depth == 2 && !strcmp(n1, "hypervisor")) {
				if (!strcmp(name, "compatible") &&
				    !strncmp(val, "xen-lite,hypervisor", len))
					rt_env.hypervisor_node = true;
				if (!strcmp(name, "xen-lite,domid"))
					rt_env.dt_domid = be_cells(val, len);
			}
			off = ALIGN_UP(off + 8 + len, 4);
		} else if (tok == FDT_NOP) {
			continue;
		} else {
			break;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Command line */

const char *rt_arg(const char *key, char *buf, size_t size)
{
	const char *p = rt_env.bootargs;
	size_t klen = strlen(key);

	while (*p) {
		const char *w = p;
		size_t len = 0;

		while (w[len] && w[len] != ' ')
			len++;
		if (len > klen && !strncmp(w, key, klen) && w[klen] == '=') {
			copy_str(buf, size, w + klen + 1, len - klen - 1);
			return buf;
		}
		p = w + len;
		while (*p == ' ')
			p++;
	}
	return NULL;
}

unsigned long rt_arg_ul(const char *key, unsigned long def)
{
	char buf[32];

	if (!rt_arg(key, buf, sizeof(buf)))
		return def;
	return rt_strtoul(buf, NULL);
}

bool rt_arg_is(const char *key, const char *value)
{
	char buf[32];

	return rt_arg(key, buf, sizeof(buf)) && !strcmp(buf, value);
}

/* ------------------------------------------------------------------ */
/* Hypercall helpers */

long xl_domain_info(struct xl_domain_info *info)
{
	return xl_hypercall(XL_HC_DOMAIN_INFO, (unsigned long)info, 0, 0, 0, 0);
}

long xl_memory_op(unsigned long cmd, void *arg)
{
	return xl_hypercall(XL_HC_MEMORY_OP, cmd, (unsigned long)arg, 0, 0, 0);
}

long xl_reservation(unsigned long cmd, uint64_t *gfns, unsigned int nr,
		    unsigned int order)
{
	static struct xl_memory_reservation r[RT_MAX_CPUS];
	struct xl_memory_reservation *rp = &r[rt_cpu() % RT_MAX_CPUS];

	memset(rp, 0, sizeof(*rp));
	rp->extent_start = (uintptr_t)gfns;
	rp->nr_extents = nr;
	rp->extent_order = order;
	rp->domid = XL_DOMID_SELF;
	return xl_memory_op(cmd, rp);
}

long xl_map_foreign(uint64_t gfn, unsigned int domid, uint64_t foreign_gfn,
		    bool readonly)
{
	static struct xl_foreign_map m[RT_MAX_CPUS];
	struct xl_foreign_map *mp = &m[rt_cpu() % RT_MAX_CPUS];

	memset(mp, 0, sizeof(*mp));
	mp->gfn = gfn;
	mp->foreign_gfn = foreign_gfn;
	mp->domid = (unsigned short)domid;
	mp->readonly = readonly;
	return xl_memory_op(XL_MEM_MAP_FOREIGN, mp);
}

long xl_unmap_foreign(uint64_t gfn)
{
	static struct xl_foreign_map m[RT_MAX_CPUS];
	struct xl_foreign_map *mp = &m[rt_cpu() % RT_MAX_CPUS];

	memset(mp, 0, sizeof(*mp));
	mp->gfn = gfn;
	return xl_memory_op(XL_MEM_UNMAP_FOREIGN, mp);
}

/* ------------------------------------------------------------------ */
/* Boot and vCPUs */

static struct {
	void (*fn)(unsigned long);
	unsigned long arg;
} cpu_slot[RT_MAX_CPUS];

uint64_t rt_cpu_hwid(unsigned int cpu)
{
	uint64_t hwid = cpu < rt_env.nr_cpus ? rt_env.cpu_hwid[cpu] : cpu;

	/*
	 * vCPU 0 is the CPU that booted. Under xen-lite that is the first in
	 * /cpus; on bare firmware (RT_BARE) OpenSBI may boot any hart: the
	 * first one in /cpus then takes its index.
	 */
	if (cpu && hwid == rt_env.boot_hwid)
		hwid = rt_env.cpu_hwid[0];
	return hwid;
}

long rt_cpu_start(unsigned int cpu, void (*fn)(unsigned long),
		  unsigned long arg)
{
	uint64_t hwid = rt_cpu_hwid(cpu);

	if (cpu == 0 || cpu >= RT_MAX_CPUS)
		return -XL_EINVAL;
	cpu_slot[cpu].fn = fn;
	cpu_slot[cpu].arg = arg;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return arch_cpu_on(hwid, cpu);
}

__noreturn void rt_secondary(unsigned long ctx)
{
	__atomic_fetch_add(&rt_cpus_entered, 1, __ATOMIC_SEQ_CST);
	if (ctx < RT_MAX_CPUS && cpu_slot[ctx].fn)
		cpu_slot[ctx].fn(cpu_slot[ctx].arg);
	arch_cpu_off();
}

__noreturn void rt_start(unsigned long hwid, unsigned long dtb)
{
	rt_env.dtb = dtb;
	rt_env.boot_hwid = hwid;
	parse_dtb(dtb);
	rt_env.info_rc = xl_domain_info(&rt_env.info);
	if (!rt_env.ram_size && !rt_env.info_rc) {
		rt_env.ram_base = rt_env.info.ram_base;
		rt_env.ram_size = rt_env.info.ram_size;
	}
	if (!rt_env.nr_cpus)
		rt_env.nr_cpus = 1;
	if (rt_env.info_rc)
		rt_env.info.nr_vcpus = rt_env.nr_cpus;
	test_main();
	rt_finish();
}

/* rt_catch(): the armed context of each vCPU and what it caught. */
static rt_jmp_buf *volatile catch_buf[RT_MAX_CPUS];
static struct rt_fault catch_fault[RT_MAX_CPUS];

bool rt_catch(void (*fn)(void *), void *arg, struct rt_fault *f)
{
	unsigned int cpu = rt_cpu() % RT_MAX_CPUS;
	rt_jmp_buf b;

	if (arch_setjmp(&b)) {
		if (f)
			*f = catch_fault[cpu];
		return true;
	}
	catch_buf[cpu] = &b;
	fn(arg);
	catch_buf[cpu] = NULL;
	return false;
}

__noreturn void rt_trap(unsigned long kind, unsigned long cause,
			unsigned long pc, unsigned long addr)
{
	unsigned int cpu = rt_cpu() % RT_MAX_CPUS;
	rt_jmp_buf *b = catch_buf[cpu];

	if (b) {
		catch_buf[cpu] = NULL;
		catch_fault[cpu] = (struct rt_fault){ kind, cause, pc, addr };
		arch_longjmp(b, 1);
	}
	rt_printf(
		"FAIL %s.trap: unexpected exception on vCPU%u: kind %lu cause %#lx pc %#lx addr %#lx\n",
		rt_suite, rt_cpu(), kind, cause, pc, addr);
	rt_shutdown(XL_SHUTDOWN_CRASH, 98);
}
