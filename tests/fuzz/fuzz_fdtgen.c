// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: device trees generated from the input with libfdt's
 * sequential-write API, then checked as at boot (boot_check.h). Byte-level
 * mutation of a raw blob mostly breaks its structure; here every input is
 * a well-formed tree, so the fuzzer spends its time on what the parsers
 * interpret: node and property names from the boot protocol, cell counts,
 * reg ranges, strings with and without their NUL, duplicate and missing
 * properties.
 *
 * Input: a flags byte choosing a skeleton (a memory bank, /cpus, a UART)
 * and whether the blob is cut short, a /memreserve/ count, then a program
 * of one-byte opcodes with operands.
 *
 * Cut short (flags bit 6): the strings block is moved before the structure
 * block and the structure block ends right after the last property, with
 * no END_NODE or END tag, so that property's value is the last byte of the
 * blob. A parser that reads a property as a C string without its length
 * then runs off the end of the blob, which ASan reports.
 */
#include <xen-lite/compiler.h> /* ARRAY_SIZE */

#include "boot_check.h"

#define GEN_BUF 65536
#define MAX_DEPTH 6

struct in {
	const uint8_t *p, *end;
};

static uint8_t get8(struct in *in)
{
	return in->p < in->end ? *in->p++ : 0;
}

static uint32_t get32(struct in *in)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v = (v << 8) | get8(in);
	return v;
}

static const char *const node_names[] = {
	"memory@80000000", "memory@40000000", "memory",	  "cpus",
	"cpu@0",	   "cpu@1",	      "chosen",	  "domain@0",
	"domain@1",	   "domain@2",	      "module@0", "module@1",
	"module@2",	   "reserved-memory", "fw@0",	  "soc",
	"serial@10000000", "pl011@9000000",   "aliases",  "plic@c000000",
	"intc@8000000",	   "timer",	      "",
};

static const char *const prop_names[] = {
	"#address-cells",
	"#size-cells",
	"reg",
	"device_type",
	"status",
	"compatible",
	"stdout-path",
	"bootargs",
	"riscv,isa",
	"timebase-frequency",
	"interrupts",
	"reg-shift",
	"reg-io-width",
	"clock-frequency",
	"xen-lite,name",
	"xen-lite,memory",
	"xen-lite,vcpus",
	"xen-lite,cpu-affinity",
	"xen-lite,p2m-pool-kb",
	"xen-lite,privileged",
	"xen-lite,on-poweroff",
	"xen-lite,on-reboot",
	"xen-lite,on-crash",
	"xen-lite,pv-mmu-policy",
	"xen-lite,mmio-fault",
	"xen-lite,shm-id",
	"xen-lite,shm-size",
	"xen-lite,shm-gpa",
	"xen-lite,shm-role",
	"xen-lite,shm-access",
	"serial0",
	"ranges",
};

/* Strings with their NUL (the length includes it); some are lists. */
static const struct {
	const char *s;
	int len;
} str_vals[] = {
#define S(x)                 \
	{                    \
		x, sizeof(x) \
	}
	S("memory"),
	S("cpu"),
	S("okay"),
	S("disabled"),
	S("xen-lite,domain"),
	S("multiboot,module"),
	S("xen-lite,kernel\0multiboot,module"),
	S("xen-lite,ramdisk\0multiboot,module"),
	S("xen-lite,kernel"),
	S("ns16550a"),
	S("arm,pl011"),
	S("riscv,plic0"),
	S("arm,gic-v3"),
	S("arm,armv8-timer"),
	S("/soc/serial@10000000"),
	S("/pl011@9000000:115200"),
	S("serial0"),
	S("serial0:115200n8"),
	S("destroy"),
	S("restart"),
	S("preserve"),
	S("none"),
	S("no-wx"),
	S("inject"),
	S("crash"),
	S("xen-lite,shm"),
	S("owner"),
	S("borrower"),
	S("rw"),
	S("ro"),
	S("web"),
	S("db"),
	S("rv64imafdch"),
	S("console=hvc0"),
	S(""),
#undef S
};

static const uint32_t cell_vals[] = {
	0,	    1,		2,	    3,		4,
	8,	    0x1000,	0x200000,   0x8000000,	0x80000000,
	0x87c00000, 0x40000000, 0x10000000, 0xffffffff, 0xfffff000,
};

static uint32_t cell(struct in *in)
{
	uint8_t b = get8(in);

	if (b < 0xf0)
		return cell_vals[b % ARRAY_SIZE(cell_vals)];
	return get32(in);
}

static void gen_prop(void *fdt, struct in *in)
{
	const char *name = prop_names[get8(in) % ARRAY_SIZE(prop_names)];
	uint8_t kind = get8(in);
	uint8_t buf[256];
	int n;

	switch (kind % 5) {
	case 0: /* cells */
		n = 1 + (kind >> 3) % 8;
		for (int i = 0; i < n; i++) {
			fdt32_t c = cpu_to_fdt32(cell(in));

			memcpy(buf + 4 * i, &c, 4);
		}
		fdt_property(fdt, name, buf, 4 * n);
		break;
	case 1: { /* a known string */
		int i = get8(in) % ARRAY_SIZE(str_vals);

		fdt_property(fdt, name, str_vals[i].s, str_vals[i].len);
		break;
	}
	case 2: { /* a known string without its NUL (or cut short) */
		int i = get8(in) % ARRAY_SIZE(str_vals);
		int len = str_vals[i].len - 1 - (kind >> 3) % 3;

		fdt_property(fdt, name, str_vals[i].s, len > 0 ? len : 0);
		break;
	}
	case 3: /* raw bytes */
		n = get8(in) % sizeof(buf);
		for (int i = 0; i < n; i++)
			buf[i] = get8(in);
		fdt_property(fdt, name, buf, n);
		break;
	default: /* empty (a flag) */
		fdt_property(fdt, name, NULL, 0);
		break;
	}
}

static void reg2(void *fdt, uint64_t a, uint64_t s)
{
	fdt64_t r[2] = { cpu_to_fdt64(a), cpu_to_fdt64(s) };

	fdt_property(fdt, "reg", r, sizeof(r));
}

static void skeleton(void *fdt, uint8_t flags)
{
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	if (flags & 1) {
		fdt_begin_node(fdt, "memory@80000000");
		fdt_property_string(fdt, "device_type", "memory");
		reg2(fdt, 0x80000000ULL, 256ULL << 20);
		fdt_end_node(fdt);
	}
	if (flags & 2) {
		fdt_begin_node(fdt, "cpus");
		fdt_property_u32(fdt, "#address-cells", 1);
		fdt_property_u32(fdt, "#size-cells", 0);
		fdt_property_u32(fdt, "timebase-frequency", 10000000);
		for (int i = 0; i < 1 + ((flags >> 2) & 3); i++) {
			char name[16];

			snprintf(name, sizeof(name), "cpu@%d", i);
			fdt_begin_node(fdt, name);
			fdt_property_string(fdt, "device_type", "cpu");
			fdt_property_u32(fdt, "reg", i);
			fdt_property_string(fdt, "riscv,isa", "rv64imafdch");
			fdt_end_node(fdt);
		}
		fdt_end_node(fdt);
	}
	if (flags & 16) {
		fdt_begin_node(fdt, "serial@10000000");
		fdt_property_string(fdt, "compatible", "ns16550a");
		reg2(fdt, 0x10000000ULL, 0x100);
		fdt_property_u32(fdt, "interrupts", 10);
		fdt_end_node(fdt);
	}
}

/* A copy of @fdt laid out as described at the top, in an exact-size buffer. */
static void *cut_short(const void *fdt)
{
	const char *st = (const char *)fdt + fdt_off_dt_struct(fdt);
	const char *strs = (const char *)fdt + fdt_off_dt_strings(fdt);
	uint32_t rsv = fdt_off_dt_struct(fdt) - fdt_off_mem_rsvmap(fdt);
	uint32_t nst = fdt_size_dt_struct(fdt);
	uint32_t nstr = fdt_size_dt_strings(fdt);
	uint32_t nstr_pad = (nstr + 3) & ~3U;
	struct fdt_header *h;
	char *b;

	/* Drop the trailing END_NODE and END tags. */
	while (nst >= 4 &&
	       (fdt32_ld((const fdt32_t *)(st + nst - 4)) == FDT_END_NODE ||
		fdt32_ld((const fdt32_t *)(st + nst - 4)) == FDT_END))
		nst -= 4;
	b = calloc(1, sizeof(*h) + rsv + nstr_pad + nst);
	memcpy(b, fdt, sizeof(*h));
	memcpy(b + sizeof(*h), (const char *)fdt + fdt_off_mem_rsvmap(fdt),
	       rsv);
	memcpy(b + sizeof(*h) + rsv, strs, nstr);
	memcpy(b + sizeof(*h) + rsv + nstr_pad, st, nst);
	h = (struct fdt_header *)b;
	h->off_mem_rsvmap = cpu_to_fdt32(sizeof(*h));
	h->off_dt_strings = cpu_to_fdt32(sizeof(*h) + rsv);
	h->off_dt_struct = cpu_to_fdt32(sizeof(*h) + rsv + nstr_pad);
	h->size_dt_struct = cpu_to_fdt32(nst);
	h->totalsize = cpu_to_fdt32(sizeof(*h) + rsv + nstr_pad + nst);
	return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[GEN_BUF];
	struct in in = { data, data + size };
	uint8_t flags = get8(&in);
	int nr_rsv = get8(&in) % 4;
	int depth = 1, steps = 0;
	paddr_t fdt_pa = 0;
	void *fdt = buf, *blob;

	/*
	 * XL_FUZZ_SKIP_KNOWN=1: no cut-short blobs, which only reproduce
	 * the known unterminated-string reads (docs/robustness.md, F6) until
	 * those are fixed.
	 */
	if ((flags & 64) && getenv("XL_FUZZ_SKIP_KNOWN"))
		return -1;
	if (fdt_create(fdt, GEN_BUF))
		return 0;
	for (int i = 0; i < nr_rsv; i++) {
		uint64_t a = (uint64_t)cell(&in) << 12;
		uint64_t s = (uint64_t)cell(&in);

		fdt_add_reservemap_entry(fdt, a, s);
	}
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	skeleton(fdt, flags);
	if (flags & 32)
		fdt_pa = 0x80000000ULL + ((uint64_t)get8(&in) << 21);
	while (in.p < in.end && steps++ < 4096) {
		uint8_t op = get8(&in);

		switch (op % 4) {
		case 0:
			if (depth < MAX_DEPTH) {
				fdt_begin_node(
					fdt,
					node_names[get8(&in) %
						   ARRAY_SIZE(node_names)]);
				depth++;
			}
			break;
		case 1:
			if (depth > 1) {
				fdt_end_node(fdt);
				depth--;
			}
			break;
		default:
			gen_prop(fdt, &in);
			break;
		}
	}
	while (depth--)
		fdt_end_node(fdt);
	if (fdt_finish(fdt))
		return 0;
	if (flags & 64)
		blob = cut_short(fdt);
	else
		blob = malloc(fdt_totalsize(fdt));
	if (!(flags & 64))
		memcpy(blob, fdt, fdt_totalsize(fdt));
	boot_check(blob, fdt_pa);
	free(blob);
	return 0;
}
