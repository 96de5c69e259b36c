// SPDX-License-Identifier: GPL-2.0
/*
 * Host device tree parsing with libfdt. Nothing here trusts the blob: every
 * property length is checked, every count bounded, and the first problem
 * is reported as one line in bi->error.
 */
#include <libfdt.h>
#include <public/boot_schema.h>
#include <xen-lite/bootinfo.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>

/*
 * What the boot found in the host device tree (filled by start_xen()
 * through bootfdt_parse(), read by the domain builder for the boot
 * modules): defined with its parser, not in setup.c, whose readers it
 * would otherwise depend on.
 */
struct bootinfo bootinfo;

static int fail(struct bootinfo *bi, int err, const char *msg, const char *arg)
{
	snprintf(bi->error, sizeof(bi->error), "%s%s%s", msg, arg ? ": " : "",
		 arg ? arg : "");
	return err;
}

/*
 * Node index. libfdt finds a node's parent, a path, or the next node by
 * compatible by walking the structure block from its start, calling
 * fdt_offset_ptr() once per character of every node name on the way, and
 * each fdt_getprop() skips the node's name the same way: on QEMU's virt
 * tree the host tree parse took about 2 million instructions. The walk
 * that checks the structure block (fdt_struct_sane()) records every
 * node's offset, its parent's and where its properties start; the
 * lookups below are then scans of that array, and properties are read
 * straight from the block. The results are libfdt's: the index is only
 * used for trees where libfdt walks the same nodes (blob 8-byte and
 * structure block 4-byte aligned, version 17 or later, one root node at
 * offset 0, at most IDX_MAX nodes); any other blob goes through libfdt.
 */
#define IDX_MAX 512

static struct {
	const void *fdt; /* the indexed blob, NULL if none */
	const u8 *strct; /* structure block */
	const char *strings; /* strings block */
	u32 strings_size; /* bytes of it inside the blob */
	u32 nr;
	struct {
		int off; /* of the FDT_BEGIN_NODE tag */
		int parent; /* offset, -FDT_ERR_NOTFOUND for the root */
		u32 props; /* first tag after the name */
	} node[IDX_MAX];
} idx;

/* A big-endian cell at a 4-byte aligned offset of the indexed block. */
static u32 idx_cell(u32 off)
{
	return fdt32_to_cpu(*(const fdt32_t *)(idx.strct + off));
}

/* Index of the node at @off, or -1. */
static int index_of(int off)
{
	static u32 last; /* lookups mostly repeat or follow the last one */
	u32 lo = 0, hi = idx.nr;

	if (last < idx.nr && idx.node[last].off == off)
		return last;
	if (last + 1 < idx.nr && idx.node[last + 1].off == off)
		return ++last;
	while (lo < hi) {
		u32 mid = (lo + hi) / 2;

		if (idx.node[mid].off == off)
			return last = mid;
		if (idx.node[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* fdt_getprop(): the first property named @name of @node. */
static const void *getprop(const void *fdt, int node, const char *name,
			   int *lenp)
{
	u32 off;
	int i;

	if (fdt != idx.fdt || (i = index_of(node)) < 0)
		return fdt_getprop(fdt, node, name, lenp);
	for (off = idx.node[i].props;; off += 4) {
		u32 tag = idx_cell(off), len, nameoff, k;
		const char *s;

		if (tag == FDT_NOP)
			continue;
		if (tag != FDT_PROP)
			break;
		len = idx_cell(off + 4);
		nameoff = idx_cell(off + 8);
		/*
		 * As fdt_get_string(): the name must end inside the strings
		 * block (fdt_struct_sane() checked nameoff < its size).
		 */
		s = idx.strings + nameoff;
		for (k = 0; nameoff + k < idx.strings_size && s[k] == name[k];
		     k++) {
			if (!name[k]) {
				if (lenp)
					*lenp = len;
				return idx.strct + off + 12;
			}
		}
		off = ROUNDUP(off + 12 + len, 4) - 4;
	}
	if (lenp)
		*lenp = -FDT_ERR_NOTFOUND;
	return NULL;
}

static int node_check_compatible(const void *fdt, int node, const char *compat)
{
	int len;
	const void *p = getprop(fdt, node, "compatible", &len);

	if (!p)
		return len;
	return !fdt_stringlist_contains(p, len, compat);
}

/* fdt_next_node(fdt, @node, NULL) */
static int next_node(const void *fdt, int node)
{
	int i;

	if (fdt != idx.fdt)
		return fdt_next_node(fdt, node, NULL);
	if (node < 0) {
		i = 0;
	} else {
		i = index_of(node);
		if (i < 0)
			return -FDT_ERR_BADOFFSET;
		i++;
	}
	return i < (int)idx.nr ? idx.node[i].off : -FDT_ERR_NOTFOUND;
}

static int parent_of(const void *fdt, int node)
{
	int i;

	if (fdt != idx.fdt)
		return fdt_parent_offset(fdt, node);
	i = index_of(node);
	return i < 0 ? -FDT_ERR_BADOFFSET : idx.node[i].parent;
}

/* fdt_node_offset_by_compatible(fdt, -1, @compat) */
static int node_by_compatible(const void *fdt, const char *compat)
{
	if (fdt != idx.fdt)
		return fdt_node_offset_by_compatible(fdt, -1, compat);
	for (u32 i = 0; i < idx.nr; i++) {
		if (!node_check_compatible(fdt, idx.node[i].off, compat))
			return idx.node[i].off;
	}
	return -FDT_ERR_NOTFOUND;
}

/* fdt_path_offset(): libfdt's for aliases and unindexed blobs. */
static int path_offset(const void *fdt, const char *path)
{
	const char *p = path, *end;
	u32 cur = 0;

	if (fdt != idx.fdt || path[0] != '/')
		return fdt_path_offset(fdt, path);
	end = path + strlen(path);
	while (p < end) {
		const char *q;
		size_t len;
		u32 i;

		while (*p == '/') {
			if (++p == end)
				return idx.node[cur].off;
		}
		q = memchr(p, '/', end - p);
		if (!q)
			q = end;
		len = q - p;
		/*
		 * The first child whose name is @p, or @p@unit when @p has
		 * no unit address (fdt_subnode_offset_namelen()).
		 */
		for (i = cur + 1; i < idx.nr; i++) {
			const char *name;

			if (idx.node[i].parent != idx.node[cur].off)
				continue;
			name = (const char *)idx.strct + idx.node[i].off + 4;
			if (strlen(name) >= len && !memcmp(name, p, len) &&
			    (!name[len] ||
			     (name[len] == '@' && !memchr(p, '@', len))))
				break;
		}
		if (i == idx.nr)
			return -FDT_ERR_NOTFOUND;
		cur = i;
		p = q;
	}
	return idx.node[cur].off;
}

static u32 cells_of(const void *fdt, int node, const char *name, u32 dflt)
{
	int len;
	const fdt32_t *p = getprop(fdt, node, name, &len);

	if (!p || len != 4)
		return dflt;
	return fdt32_ld(p);
}

static u64 read_cells(const fdt32_t *p, u32 n)
{
	u64 v = 0;

	/* fdt32_ld(): a crafted blob may leave properties misaligned. */
	while (n--)
		v = (v << 32) | fdt32_ld(p++);
	return v;
}

/*
 * Read up to @max (address, size) pairs of @node's reg, using the cell
 * counts of its parent. Return: number read, or -EINVAL.
 */
static int read_reg(const void *fdt, int node, struct membank *out, u32 max)
{
	int parent = parent_of(fdt, node);
	u32 ac, sc, stride;
	const fdt32_t *p;
	int len, n;

	if (parent < 0)
		return -EINVAL;
	ac = cells_of(fdt, parent, "#address-cells", 2);
	sc = cells_of(fdt, parent, "#size-cells", 1);
	if (ac < 1 || ac > 2 || sc > 2)
		return -EINVAL;
	p = getprop(fdt, node, "reg", &len);
	if (!p)
		return 0;
	stride = 4 * (ac + sc);
	if (len <= 0 || len % stride)
		return -EINVAL;
	n = len / stride;
	for (int i = 0; i < n && i < (int)max; i++) {
		out[i].start = read_cells(p, ac);
		out[i].size = sc ? read_cells(p + ac, sc) : 0;
		p += ac + sc;
	}
	return n < (int)max ? n : (int)max;
}

/*
 * Does string property @name of @node equal @want? Bounded by the
 * property's length: a crafted blob may end a property without its NUL.
 */
static bool prop_is(const void *fdt, int node, const char *name,
		    const char *want)
{
	int len;
	const char *s = getprop(fdt, node, name, &len);
	size_t n = strlen(want);

	return s && len == (int)n + 1 && !memcmp(s, want, n + 1);
}

/* Copy string property @name into @out (size @max), bounded by its length. */
static void prop_copy(const void *fdt, int node, const char *name, char *out,
		      size_t max)
{
	int len;
	const char *s = getprop(fdt, node, name, &len);
	size_t n;

	out[0] = '\0';
	if (!s || len <= 0)
		return;
	n = strnlen(s, len);
	if (n >= max)
		n = max - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

static bool node_enabled(const void *fdt, int node)
{
	return !getprop(fdt, node, "status", NULL) ||
	       prop_is(fdt, node, "status", "okay") ||
	       prop_is(fdt, node, "status", "ok");
}

static bool ranges_overlap(paddr_t a, u64 as, paddr_t b, u64 bs)
{
	return a < b + bs && b < a + as;
}

u64 bootinfo_ram_size(const struct bootinfo *bi)
{
	u64 t = 0;

	for (u32 i = 0; i < bi->nr_mem; i++)
		t += bi->mem[i].size;
	return t;
}

int bootinfo_add_resv(struct bootinfo *bi, paddr_t start, u64 size,
		      enum resv_kind kind)
{
	if (!size)
		return 0;
	if (start + size < start)
		return -ERANGE;
	for (u32 i = 0; i < bi->nr_resv; i++) {
		if (ranges_overlap(start, size, bi->resv[i].start,
				   bi->resv[i].size))
			return -ERANGE;
	}
	if (bi->nr_resv >= BI_MAX_RESERVED)
		return -E2BIG;
	bi->resv[bi->nr_resv].start = start;
	bi->resv[bi->nr_resv].size = size;
	bi->resv[bi->nr_resv].kind = kind;
	bi->nr_resv++;
	return 0;
}

static int parse_memory(const void *fdt, struct bootinfo *bi)
{
	int node = -1;

	for (node = next_node(fdt, -1); node >= 0;
	     node = next_node(fdt, node)) {
		struct membank banks[BI_MAX_BANKS];
		int n;

		if (!prop_is(fdt, node, "device_type", "memory") ||
		    !node_enabled(fdt, node))
			continue;
		n = read_reg(fdt, node, banks, BI_MAX_BANKS);
		if (n < 0)
			return fail(bi, -EINVAL, "malformed reg in memory node",
				    fdt_get_name(fdt, node, NULL));
		for (int i = 0; i < n; i++) {
			if (!banks[i].size)
				continue;
			if (banks[i].start + banks[i].size < banks[i].start)
				return fail(bi, -EINVAL,
					    "memory bank wraps around", NULL);
			for (u32 j = 0; j < bi->nr_mem; j++) {
				if (ranges_overlap(
					    banks[i].start, banks[i].size,
					    bi->mem[j].start, bi->mem[j].size))
					return fail(bi, -EINVAL,
						    "overlapping memory banks",
						    NULL);
			}
			if (bi->nr_mem >= BI_MAX_BANKS)
				return fail(bi, -E2BIG, "too many memory banks",
					    NULL);
			bi->mem[bi->nr_mem++] = banks[i];
		}
	}
	if (!bi->nr_mem)
		return fail(bi, -EINVAL, "no memory node in the device tree",
			    NULL);
	return 0;
}

static bool in_ram(const struct bootinfo *bi, paddr_t start, u64 size)
{
	for (u32 i = 0; i < bi->nr_mem; i++) {
		if (start >= bi->mem[i].start &&
		    start + size <= bi->mem[i].start + bi->mem[i].size)
			return true;
	}
	return false;
}

static int add_resv_checked(struct bootinfo *bi, paddr_t start, u64 size,
			    enum resv_kind kind, const char *what)
{
	int rc;
	char where[64];

	snprintf(where, sizeof(where), "%s [%#llx, %#llx)", what,
		 (unsigned long long)start, (unsigned long long)(start + size));
	if (start + size < start)
		return fail(bi, -ERANGE, "reserved range wraps around", where);
	/* Ranges outside RAM (e.g. firmware in flash) need no reservation. */
	if (kind != RESV_MODULE && !in_ram(bi, start, size)) {
		for (u32 i = 0; i < bi->nr_mem; i++) {
			if (ranges_overlap(start, size, bi->mem[i].start,
					   bi->mem[i].size))
				return fail(
					bi, -ERANGE,
					"reserved range straddles the end of RAM",
					where);
		}
		return 0;
	}
	if (kind == RESV_MODULE && !in_ram(bi, start, size))
		return fail(bi, -ERANGE, "boot module outside RAM", where);
	rc = bootinfo_add_resv(bi, start, size, kind);
	if (rc == -ERANGE)
		return fail(bi, rc, "overlapping reserved regions", where);
	if (rc)
		return fail(bi, rc, "too many reserved regions", where);
	return 0;
}

static int parse_reserved(const void *fdt, struct bootinfo *bi)
{
	int n = fdt_num_mem_rsv(fdt);
	int node, child, rc;

	if (n < 0)
		return fail(bi, -EINVAL, "malformed /memreserve/ table", NULL);
	for (int i = 0; i < n; i++) {
		uint64_t a, s;

		if (fdt_get_mem_rsv(fdt, i, &a, &s))
			return fail(bi, -EINVAL, "malformed /memreserve/ entry",
				    NULL);
		rc = add_resv_checked(bi, a, s, RESV_MEMRESERVE, "memreserve");
		if (rc)
			return rc;
	}
	node = path_offset(fdt, "/reserved-memory");
	if (node < 0)
		return 0;
	fdt_for_each_subnode(child, fdt, node) {
		struct membank r[BI_MAX_REGS];
		int cnt;

		if (!node_enabled(fdt, child))
			continue;
		cnt = read_reg(fdt, child, r, BI_MAX_REGS);
		if (cnt < 0)
			return fail(bi, -EINVAL,
				    "malformed reg in reserved-memory",
				    fdt_get_name(fdt, child, NULL));
		for (int i = 0; i < cnt; i++) {
			rc = add_resv_checked(bi, r[i].start, r[i].size,
					      RESV_NODE,
					      fdt_get_name(fdt, child, NULL));
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int parse_cpus(const void *fdt, struct bootinfo *bi)
{
	int cpus = path_offset(fdt, "/cpus");
	int node;

	if (cpus < 0)
		return fail(bi, -EINVAL, "no /cpus node", NULL);
	bi->timebase_hz = cells_of(fdt, cpus, "timebase-frequency", 0);
	fdt_for_each_subnode(node, fdt, cpus) {
		u32 ac = cells_of(fdt, cpus, "#address-cells", 1);
		const fdt32_t *reg;
		int len;

		if (!prop_is(fdt, node, "device_type", "cpu") ||
		    !node_enabled(fdt, node))
			continue;
		reg = getprop(fdt, node, "reg", &len);
		if (!reg || ac < 1 || ac > 2 || len < (int)(4 * ac))
			return fail(bi, -EINVAL, "CPU node without a valid reg",
				    fdt_get_name(fdt, node, NULL));
		if (bi->nr_cpus >= BI_MAX_CPUS)
			return fail(bi, -E2BIG, "too many CPUs", NULL);
		for (u32 i = 0; i < bi->nr_cpus; i++) {
			if (bi->cpu_hwid[i] == read_cells(reg, ac))
				return fail(bi, -EINVAL, "duplicate CPU id",
					    fdt_get_name(fdt, node, NULL));
		}
		bi->cpu_hwid[bi->nr_cpus++] = read_cells(reg, ac);
		if (bi->nr_cpus == 1) {
			prop_copy(fdt, node, "riscv,isa", bi->isa,
				  sizeof(bi->isa));
			if (!bi->timebase_hz)
				bi->timebase_hz = cells_of(
					fdt, node, "timebase-frequency", 0);
		}
	}
	if (!bi->nr_cpus)
		return fail(bi, -EINVAL, "no enabled CPU in /cpus", NULL);
	return 0;
}

static void fill_device(const void *fdt, int node, struct bi_device *dev)
{
	const fdt32_t *irq;
	int len, n;

	dev->node = node;
	prop_copy(fdt, node, "compatible", dev->compatible,
		  sizeof(dev->compatible));
	n = read_reg(fdt, node, dev->regs, BI_MAX_REGS);
	dev->nr_regs = n > 0 ? n : 0;
	irq = getprop(fdt, node, "interrupts", &len);
	if (irq && len == 4)
		dev->irq = fdt32_ld(&irq[0]);
	else if (irq && len >= 8)
		dev->irq = fdt32_ld(&irq[1]);
}

static const char *const uart_compat[] = { "ns16550a", "ns16550", "arm,pl011" };

static enum uart_type uart_type_of(const void *fdt, int node)
{
	if (!node_check_compatible(fdt, node, "arm,pl011"))
		return UART_PL011;
	if (!node_check_compatible(fdt, node, "ns16550a") ||
	    !node_check_compatible(fdt, node, "ns16550"))
		return UART_NS16550;
	return UART_NONE;
}

static int parse_uart(const void *fdt, struct bootinfo *bi)
{
	int node = -1;
	int chosen = bi->chosen;

	if (chosen >= 0) {
		int plen;
		const char *path = getprop(fdt, chosen, "stdout-path", &plen);

		if (path && plen > 0) {
			char buf[64];
			/* The property need not be NUL-terminated. */
			size_t max = strnlen(path, plen);
			const char *colon = memchr(path, ':', max);
			size_t len = colon ? (size_t)(colon - path) : max;

			if (len < sizeof(buf)) {
				memcpy(buf, path, len);
				buf[len] = '\0';
				node = buf[0] == '/' ?
					       path_offset(fdt, buf) :
					       path_offset(
						       fdt,
						       fdt_get_alias(fdt, buf) ?:
							       "/nonexistent");
			}
		}
	}
	if (node < 0 || uart_type_of(fdt, node) == UART_NONE) {
		node = -1;
		for (u32 i = 0; i < ARRAY_SIZE(uart_compat) && node < 0; i++)
			node = node_by_compatible(fdt, uart_compat[i]);
	}
	if (node < 0) {
		bi->uart.node = -1;
		return 0; /* no console: boot silently, not an error */
	}
	bi->uart_type = uart_type_of(fdt, node);
	fill_device(fdt, node, &bi->uart);
	if (!bi->uart.nr_regs)
		return fail(bi, -EINVAL, "console UART without reg",
			    fdt_get_name(fdt, node, NULL));
	bi->uart_reg_shift = cells_of(fdt, node, "reg-shift", 0);
	bi->uart_reg_io_width = cells_of(fdt, node, "reg-io-width", 1);
	bi->uart_clock = cells_of(fdt, node, "clock-frequency", 0);
	return 0;
}

static const char *const intc_compat[] = { "arm,gic-v3", "arm,cortex-a15-gic",
					   "arm,gic-400", "riscv,plic0",
					   "sifive,plic-1.0.0" };

static void parse_intc_timer(const void *fdt, struct bootinfo *bi)
{
	int node = -1;

	bi->intc.node = -1;
	bi->timer.node = -1;
	for (u32 i = 0; i < ARRAY_SIZE(intc_compat) && node < 0; i++)
		node = node_by_compatible(fdt, intc_compat[i]);
	if (node >= 0)
		fill_device(fdt, node, &bi->intc);
	node = node_by_compatible(fdt, "arm,armv8-timer");
	if (node >= 0) {
		fill_device(fdt, node, &bi->timer);
		if (!bi->timebase_hz)
			bi->timebase_hz =
				cells_of(fdt, node, "clock-frequency", 0);
	}
}

static int parse_chosen_modules(const void *fdt, struct bootinfo *bi)
{
	int dom, mod, rc;

	if (bi->chosen < 0)
		return 0;
	fdt_for_each_subnode(dom, fdt, bi->chosen) {
		if (node_check_compatible(fdt, dom, XL_BOOT_COMPAT_DOMAIN))
			continue;
		bi->nr_domain_nodes++;
		/*
		 * The binding fixes two address and two size cells; reading
		 * reg with other counts here and in domain_fdt.c could make
		 * the two parsers disagree about where a module is.
		 */
		if (cells_of(fdt, dom, "#address-cells", 0) != 2 ||
		    cells_of(fdt, dom, "#size-cells", 0) != 2)
			return fail(
				bi, -EINVAL,
				"domain node needs #address-cells = <2> and #size-cells = <2>",
				fdt_get_name(fdt, dom, NULL));
		fdt_for_each_subnode(mod, fdt, dom) {
			struct membank r[1];
			int n;

			if (node_check_compatible(fdt, mod,
						  XL_BOOT_COMPAT_MODULE))
				continue;
			n = read_reg(fdt, mod, r, 1);
			if (n != 1 || !r[0].size ||
			    getprop(fdt, mod, "reg", NULL) == NULL)
				return fail(bi, -EINVAL,
					    "domain module without a valid reg",
					    fdt_get_name(fdt, dom, NULL));
			/*
			 * Modules are loaded page aligned by the CLI; round
			 * the reservation to whole pages.
			 */
			rc = add_resv_checked(
				bi, ROUNDDOWN(r[0].start, PAGE_SIZE),
				ROUNDUP(r[0].start + r[0].size, PAGE_SIZE) -
					ROUNDDOWN(r[0].start, PAGE_SIZE),
				RESV_MODULE, fdt_get_name(fdt, dom, NULL));
			if (rc)
				return rc;
		}
	}
	return 0;
}

/*
 * Walk the structure block once with every length checked before libfdt
 * reads it: some libfdt releases (1.6.1, linked on arm64) loop forever on
 * a property whose length wraps the offset arithmetic. Return: 0 or -1.
 */
static int fdt_struct_sane(const void *fdt)
{
	const u8 *base = (const u8 *)fdt + fdt_off_dt_struct(fdt);
	u32 size = fdt_size_dt_struct(fdt), off = 0, depth = 0;
	u32 strsize = fdt_size_dt_strings(fdt);
	u32 soff = fdt_off_dt_strings(fdt), total = fdt_totalsize(fdt);
	/* Index the nodes (see idx) while libfdt would walk the same ones. */
	bool indexed = !((uintptr_t)fdt & 7) && !(fdt_off_dt_struct(fdt) & 3) &&
		       fdt_version(fdt) >= 17 && soff <= total;
	bool done = false;
	int stack[64];

	idx.fdt = NULL;
	idx.nr = 0;
	if (fdt_off_dt_struct(fdt) > fdt_totalsize(fdt) ||
	    size > fdt_totalsize(fdt) - fdt_off_dt_struct(fdt) || (size & 3))
		return -1;
	while (off + 4 <= size) {
		u32 tag = fdt32_ld((const fdt32_t *)(base + off));

		off += 4;
		switch (tag) {
		case FDT_BEGIN_NODE: {
			const u8 *nul = memchr(base + off, 0, size - off);

			if (!nul || ++depth > 64)
				return -1;
			/* A second root, or a root after a NOP: libfdt's way. */
			if (done || (depth == 1 && off != 4) ||
			    idx.nr >= IDX_MAX)
				indexed = false;
			if (indexed) {
				stack[depth - 1] = (int)off - 4;
				idx.node[idx.nr].off = (int)off - 4;
				idx.node[idx.nr].parent =
					depth > 1 ? stack[depth - 2] :
						    -FDT_ERR_NOTFOUND;
				idx.node[idx.nr].props =
					ROUNDUP((u32)(nul - base) + 1, 4);
				idx.nr++;
			}
			off = ROUNDUP((u32)(nul - base) + 1, 4);
			break;
		}
		case FDT_END_NODE:
			if (!depth--)
				return -1;
			done = !depth;
			break;
		case FDT_PROP: {
			u32 len, nameoff;

			if (size - off < 8)
				return -1;
			len = fdt32_ld((const fdt32_t *)(base + off));
			nameoff = fdt32_ld((const fdt32_t *)(base + off + 4));
			off += 8;
			if (len > size - off || nameoff >= strsize)
				return -1;
			off = ROUNDUP(off + len, 4);
			break;
		}
		case FDT_NOP:
			break;
		case FDT_END:
			if (depth)
				return -1;
			if (indexed && done) {
				idx.strct = base;
				idx.strings = (const char *)fdt + soff;
				idx.strings_size = MIN(strsize, total - soff);
				idx.fdt = fdt;
			}
			return 0;
		default:
			return -1;
		}
		if (off > size)
			return -1;
	}
	return -1;
}

int bootfdt_parse(const void *fdt, paddr_t fdt_pa, struct bootinfo *bi)
{
	int rc;

	memset(bi, 0, sizeof(*bi));
	bi->chosen = -1;
	idx.fdt = NULL;
	if (!fdt)
		return fail(bi, -EINVAL,
			    "no device tree passed by the firmware", NULL);
	rc = fdt_check_header(fdt);
	if (rc)
		return fail(bi, -EINVAL, "malformed device tree",
			    fdt_strerror(rc));
	if (fdt_totalsize(fdt) > 16 * 1024 * 1024)
		return fail(bi, -EINVAL, "device tree larger than 16 MiB",
			    NULL);
	if (fdt_struct_sane(fdt))
		return fail(bi, -EINVAL, "malformed device tree",
			    "bad structure block");
	bi->fdt = fdt;
	bi->fdt_pa = fdt_pa;
	bi->fdt_size = fdt_totalsize(fdt);
	bi->chosen = path_offset(fdt, "/chosen");
	if (bi->chosen >= 0) {
		int len;

		bi->bootargs = getprop(fdt, bi->chosen, "bootargs", &len);
		if (bi->bootargs && (len <= 0 || bi->bootargs[len - 1]))
			bi->bootargs = NULL;
	}
	rc = parse_memory(fdt, bi);
	if (!rc)
		rc = parse_reserved(fdt, bi);
	if (!rc)
		rc = parse_cpus(fdt, bi);
	if (!rc)
		rc = parse_uart(fdt, bi);
	if (!rc)
		rc = parse_chosen_modules(fdt, bi);
	if (rc)
		return rc;
	parse_intc_timer(fdt, bi);
	if (fdt_pa && in_ram(bi, fdt_pa, bi->fdt_size)) {
		rc = bootinfo_add_resv(bi, ROUNDDOWN(fdt_pa, PAGE_SIZE),
				       ROUNDUP(fdt_pa + bi->fdt_size,
					       PAGE_SIZE) -
					       ROUNDDOWN(fdt_pa, PAGE_SIZE),
				       RESV_DTB);
		/* Firmware may already reserve the DTB: that overlap is fine. */
		if (rc == -E2BIG)
			return fail(bi, rc, "too many reserved regions", NULL);
	}
	return 0;
}
