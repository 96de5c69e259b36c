// SPDX-License-Identifier: GPL-2.0
/*
 * The host device tree parser and the /chosen domain-node parser, fed
 * device trees built here with libfdt's sequential-write API.
 */
#include <libfdt.h>
#include <string.h>
#include <unistd.h>

#include <xen-lite/bootinfo.h>
#include <xen-lite/domain_fdt.h>
#include <xen-lite/errno.h>

#include "harness.h"

#define BUF 65536
static char buf[BUF];
static struct bootinfo bi;

/* What the builder puts in the tree; tests change fields before build(). */
struct spec {
	int nr_mem;
	unsigned long long mem[4][2];
	int nr_memrsv;
	unsigned long long memrsv[4][2];
	int nr_resv;
	unsigned long long resv[4][2];
	int nr_cpus;
	unsigned int cpu_ids[4];
	bool cpu_no_reg;
	const char *isa; /* riscv,isa of the CPUs; NULL: rv64imafdch */
	const char *uart_compat;
	const char *stdout_path;
	int mem_reg_cells; /* 0 = normal, else a bad length */
	void (*chosen_extra)(void *fdt);
};

static struct spec default_spec(void)
{
	struct spec s = { 0 };

	s.nr_mem = 1;
	s.mem[0][0] = 0x80000000ULL;
	s.mem[0][1] = 256ULL << 20;
	s.nr_cpus = 2;
	s.cpu_ids[0] = 0;
	s.cpu_ids[1] = 1;
	s.uart_compat = "ns16550a";
	s.stdout_path = "/soc/serial@10000000";
	return s;
}

static void reg2(void *fdt, unsigned long long a, unsigned long long s)
{
	fdt64_t r[2] = { cpu_to_fdt64(a), cpu_to_fdt64(s) };

	fdt_property(fdt, "reg", r, sizeof(r));
}

static void *build(const struct spec *s)
{
	void *fdt = buf;
	char name[64];

	fdt_create(fdt, BUF);
	for (int i = 0; i < s->nr_memrsv; i++)
		fdt_add_reservemap_entry(fdt, s->memrsv[i][0], s->memrsv[i][1]);
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	fdt_begin_node(fdt, "chosen");
	if (s->stdout_path)
		fdt_property_string(fdt, "stdout-path", s->stdout_path);
	fdt_property_string(fdt, "bootargs", "console=x");
	if (s->chosen_extra)
		s->chosen_extra(fdt);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "aliases");
	fdt_property_string(fdt, "serial0", "/soc/serial@10000000");
	fdt_end_node(fdt);
	for (int i = 0; i < s->nr_mem; i++) {
		snprintf(name, sizeof(name), "memory@%llx", s->mem[i][0]);
		fdt_begin_node(fdt, name);
		fdt_property_string(fdt, "device_type", "memory");
		if (s->mem_reg_cells) {
			fdt32_t bad[3] = { 0, 1, 2 };

			fdt_property(fdt, "reg", bad, 4 * s->mem_reg_cells);
		} else {
			reg2(fdt, s->mem[i][0], s->mem[i][1]);
		}
		fdt_end_node(fdt);
	}
	if (s->nr_resv) {
		fdt_begin_node(fdt, "reserved-memory");
		fdt_property_u32(fdt, "#address-cells", 2);
		fdt_property_u32(fdt, "#size-cells", 2);
		for (int i = 0; i < s->nr_resv; i++) {
			snprintf(name, sizeof(name), "r@%llx", s->resv[i][0]);
			fdt_begin_node(fdt, name);
			reg2(fdt, s->resv[i][0], s->resv[i][1]);
			fdt_end_node(fdt);
		}
		fdt_end_node(fdt);
	}
	fdt_begin_node(fdt, "cpus");
	fdt_property_u32(fdt, "#address-cells", 1);
	fdt_property_u32(fdt, "#size-cells", 0);
	fdt_property_u32(fdt, "timebase-frequency", 10000000);
	for (int i = 0; i < s->nr_cpus; i++) {
		snprintf(name, sizeof(name), "cpu@%u", s->cpu_ids[i]);
		fdt_begin_node(fdt, name);
		fdt_property_string(fdt, "device_type", "cpu");
		if (!s->cpu_no_reg)
			fdt_property_u32(fdt, "reg", s->cpu_ids[i]);
		fdt_property_string(fdt, "riscv,isa",
				    s->isa ? s->isa : "rv64imafdch");
		fdt_end_node(fdt);
	}
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "soc");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	if (s->uart_compat) {
		fdt_begin_node(fdt, "serial@10000000");
		fdt_property_string(fdt, "compatible", s->uart_compat);
		reg2(fdt, 0x10000000, 0x100);
		fdt_property_u32(fdt, "interrupts", 10);
		fdt_property_u32(fdt, "clock-frequency", 3686400);
		fdt_end_node(fdt);
	}
	fdt_begin_node(fdt, "plic@c000000");
	fdt_property_string(fdt, "compatible", "riscv,plic0");
	reg2(fdt, 0xc000000, 0x600000);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_finish(fdt);
	return fdt;
}

static int parse(const struct spec *s)
{
	return bootfdt_parse(build(s), 0, &bi);
}

TEST(valid_tree)
{
	struct spec s = default_spec();

	CHECK_EQ(parse(&s), 0);
	CHECK_EQ(bi.nr_mem, 1);
	CHECK_EQ(bi.mem[0].start, 0x80000000ULL);
	CHECK_EQ(bi.mem[0].size, 256ULL << 20);
	CHECK_EQ(bi.nr_cpus, 2);
	CHECK_EQ(bi.cpu_hwid[1], 1);
	CHECK_EQ(bi.timebase_hz, 10000000);
	CHECK_EQ(bi.uart_type, UART_NS16550);
	CHECK_EQ(bi.uart.regs[0].start, 0x10000000);
	CHECK_EQ(bi.uart_clock, 3686400);
	CHECK(!strcmp(bi.isa, "rv64imafdch"));
	CHECK(!strcmp(bi.bootargs, "console=x"));
	CHECK(!strcmp(bi.intc.compatible, "riscv,plic0"));
	CHECK_EQ(bi.nr_resv, 0);
}

TEST(null_tree)
{
	CHECK_EQ(bootfdt_parse(NULL, 0, &bi), -EINVAL);
	CHECK(strstr(bi.error, "no device tree"));
}

TEST(garbage_header)
{
	memset(buf, 0x5a, 256);
	CHECK_EQ(bootfdt_parse(buf, 0, &bi), -EINVAL);
	CHECK(strstr(bi.error, "malformed device tree"));
}

TEST(bad_version_header)
{
	struct spec s = default_spec();
	void *fdt = build(&s);

	fdt_set_version(fdt, 1);
	CHECK_EQ(bootfdt_parse(fdt, 0, &bi), -EINVAL);
	CHECK(strstr(bi.error, "malformed device tree"));
}

TEST(no_memory_node)
{
	struct spec s = default_spec();

	s.nr_mem = 0;
	CHECK_EQ(parse(&s), -EINVAL);
	CHECK(!strcmp(bi.error, "no memory node in the device tree"));
}

TEST(memory_bad_reg_length)
{
	struct spec s = default_spec();

	s.mem_reg_cells = 3;
	CHECK_EQ(parse(&s), -EINVAL);
	CHECK(strstr(bi.error, "malformed reg in memory node"));
}

TEST(memory_banks_overlap)
{
	struct spec s = default_spec();

	s.nr_mem = 2;
	s.mem[1][0] = 0x88000000ULL;
	s.mem[1][1] = 256ULL << 20;
	CHECK_EQ(parse(&s), -EINVAL);
	CHECK(strstr(bi.error, "overlapping memory banks"));
}

TEST(two_memory_banks)
{
	struct spec s = default_spec();

	s.nr_mem = 2;
	s.mem[1][0] = 0x100000000ULL;
	s.mem[1][1] = 1ULL << 30;
	CHECK_EQ(parse(&s), 0);
	CHECK_EQ(bi.nr_mem, 2);
	CHECK_EQ(bootinfo_ram_size(&bi), (256ULL << 20) + (1ULL << 30));
}

TEST(memory_wraps)
{
	struct spec s = default_spec();

	s.mem[0][0] = ~0ULL - 4096;
	s.mem[0][1] = 1ULL << 20;
	CHECK_EQ(parse(&s), -EINVAL);
	CHECK(strstr(bi.error, "wraps"));
}

TEST(reserved_memory_recorded)
{
	struct spec s = default_spec();

	s.nr_resv = 1;
	s.resv[0][0] = 0x80000000ULL;
	s.resv[0][1] = 0x80000;
	CHECK_EQ(parse(&s), 0);
	CHECK_EQ(bi.nr_resv, 1);
	CHECK_EQ(bi.resv[0].kind, RESV_NODE);
	CHECK_EQ(bi.resv[0].size, 0x80000);
}

TEST(reserved_regions_overlap)
{
	struct spec s = default_spec();

	s.nr_resv = 2;
	s.resv[0][0] = 0x80000000ULL;
	s.resv[0][1] = 0x80000;
	s.resv[1][0] = 0x80040000ULL;
	s.resv[1][1] = 0x80000;
	CHECK_EQ(parse(&s), -ERANGE);
	CHECK(strstr(bi.error, "overlapping reserved regions"));
}

TEST(memreserve_overlaps_reserved_node)
{
	struct spec s = default_spec();

	s.nr_memrsv = 1;
	s.memrsv[0][0] = 0x80001000ULL;
	s.memrsv[0][1] = 0x1000;
	s.nr_resv = 1;
	s.resv[0][0] = 0x80000000ULL;
	s.resv[0][1] = 0x80000;
	CHECK_EQ(parse(&s), -ERANGE);
	CHECK(strstr(bi.error, "overlapping reserved regions"));
}

TEST(reserved_straddles_ram_end)
{
	struct spec s = default_spec();

	s.nr_resv = 1;
	s.resv[0][0] = 0x8ff00000ULL;
	s.resv[0][1] = 0x200000;
	CHECK_EQ(parse(&s), -ERANGE);
	CHECK(strstr(bi.error, "straddles"));
}

TEST(reserved_outside_ram_ignored)
{
	struct spec s = default_spec();

	s.nr_memrsv = 1;
	s.memrsv[0][0] = 0x20000000ULL;
	s.memrsv[0][1] = 0x1000;
	CHECK_EQ(parse(&s), 0);
	CHECK_EQ(bi.nr_resv, 0);
}

TEST(memreserve_wraps)
{
	struct spec s = default_spec();

	s.nr_memrsv = 1;
	s.memrsv[0][0] = ~0ULL - 10;
	s.memrsv[0][1] = 0x1000;
	CHECK_EQ(parse(&s), -ERANGE);
	CHECK(strstr(bi.error, "wraps"));
}

/*
 * QEMU 10's riscv,isa (virt,aia=aplic-imsic, default CPU) is 314 bytes:
 * kept whole, the extensions at its end (ssaia, sstc, svadu) are seen.
 * A 128-byte buffer cut it after "zicbop" before.
 */
TEST(riscv_isa_kept_whole)
{
	static const char isa[] =
		"rv64imafdch_zic64b_zicbom_zicbop_zicboz_ziccamoa_ziccif_"
		"zicclsm_ziccrse_zicntr_zicsr_zifencei_zihintntl_zihintpause_"
		"zihpm_zmmul_za64rs_zaamo_zalrsc_zawrs_zfa_zca_zcd_zba_zbb_zbc_"
		"zbs_shcounterenw_shgatpa_shtvala_shvsatpa_shvstvala_shvstvecd_"
		"smaia_ssaia_ssccptr_sscounterenw_sstc_sstvala_sstvecd_ssu64xl_"
		"svadu_svvptc";
	struct spec s = default_spec();

	s.isa = isa;
	CHECK_EQ(parse(&s), 0);
	CHECK_EQ(strlen(bi.isa), strlen(isa));
	CHECK(!strcmp(bi.isa, isa));
}

TEST(no_cpus)
{
	struct spec s = default_spec();

	s.nr_cpus = 0;
	CHECK_EQ(parse(&s), -EINVAL);
	CHECK(strstr(bi.error, "no enabled CPU"));
}

TEST(cpu_without_reg)
{
	struct spec s = default_spec();

	s.cpu_no_reg = true;
	CHECK_EQ(parse(&s), -EINVAL);
	CHECK(strstr(bi.error, "CPU node without a valid reg"));
}

TEST(duplicate_cpu_ids)
{
	struct spec s = default_spec();

	s.cpu_ids[1] = 0;
	CHECK_EQ(parse(&s), -EINVAL);
	CHECK(strstr(bi.error, "duplicate CPU id"));
}

TEST(pl011_console)
{
	struct spec s = default_spec();

	s.uart_compat = "arm,pl011";
	CHECK_EQ(parse(&s), 0);
	CHECK_EQ(bi.uart_type, UART_PL011);
}

TEST(stdout_path_alias)
{
	struct spec s = default_spec();

	s.stdout_path = "serial0:115200n8";
	CHECK_EQ(parse(&s), 0);
	CHECK_EQ(bi.uart_type, UART_NS16550);
	CHECK_EQ(bi.uart.regs[0].start, 0x10000000);
}

TEST(no_uart_is_not_fatal)
{
	struct spec s = default_spec();

	s.uart_compat = NULL;
	s.stdout_path = NULL;
	CHECK_EQ(parse(&s), 0);
	CHECK_EQ(bi.uart_type, UART_NONE);
}

TEST(dtb_reserved_when_in_ram)
{
	struct spec s = default_spec();

	CHECK_EQ(bootfdt_parse(build(&s), 0x8fe00000ULL, &bi), 0);
	CHECK_EQ(bi.nr_resv, 1);
	CHECK_EQ(bi.resv[0].kind, RESV_DTB);
	CHECK_EQ(bi.resv[0].start, 0x8fe00000ULL);
}

TEST(add_resv_overlap_rejected)
{
	struct spec s = default_spec();

	CHECK_EQ(parse(&s), 0);
	CHECK_EQ(bootinfo_add_resv(&bi, 0x80200000, 0x10000, RESV_IMAGE), 0);
	CHECK_EQ(bootinfo_add_resv(&bi, 0x80208000, 0x1000, RESV_IMAGE),
		 -ERANGE);
	CHECK_EQ(bootinfo_add_resv(&bi, ~0ULL - 10, 100, RESV_IMAGE), -ERANGE);
}

/* ---- /chosen domain nodes ---- */

struct dom {
	const char *name;
	unsigned long long mem;
	int vcpus;
	int nr_aff;
	unsigned int aff[4];
	int pool_kb;
	const char *on_poweroff;
	const char *on_reboot;
	const char *policy;
	const char *mmio_fault;
	int kernels;
	bool ramdisk;
	unsigned long long ramdisk_size;
	bool name_unterminated;
	bool bad_module_reg;
	/* Passthrough: one iomem triple (if size), one irq (if non-zero). */
	unsigned long long io_hpa, io_gpa, io_size;
	unsigned int irq;
	int io_len; /* bytes of xen-lite,iomem if not 24 */
};

static struct dom dflt_dom(const char *name)
{
	struct dom d = { 0 };

	d.name = name;
	d.mem = 64ULL << 20;
	d.vcpus = 2;
	d.pool_kb = -1;
	d.kernels = 1;
	return d;
}

static struct dom doms[4];
static int nr_doms;

static void module(void *fdt, const char *compat, unsigned long long a,
		   unsigned long long s, bool bad)
{
	char name[32];

	snprintf(name, sizeof(name), "module@%llx", a);
	fdt_begin_node(fdt, name);
	fdt_property(fdt, "compatible", compat,
		     strlen(compat) + 1 + strlen("multiboot,module") + 1);
	if (bad) {
		fdt32_t r[2] = { 0, 0 };

		fdt_property(fdt, "reg", r, sizeof(r));
	} else {
		reg2(fdt, a, s);
	}
	fdt_end_node(fdt);
}

static void put_doms(void *fdt)
{
	for (int i = 0; i < nr_doms; i++) {
		struct dom *d = &doms[i];
		char name[32];
		fdt64_t mem = cpu_to_fdt64(d->mem);

		snprintf(name, sizeof(name), "domain@%d", i);
		fdt_begin_node(fdt, name);
		fdt_property_string(fdt, "compatible", "xen-lite,domain");
		fdt_property_u32(fdt, "#address-cells", 2);
		fdt_property_u32(fdt, "#size-cells", 2);
		if (d->name_unterminated)
			fdt_property(fdt, "xen-lite,name", d->name,
				     strlen(d->name));
		else if (d->name)
			fdt_property_string(fdt, "xen-lite,name", d->name);
		fdt_property(fdt, "xen-lite,memory", &mem, sizeof(mem));
		fdt_property_u32(fdt, "xen-lite,vcpus", d->vcpus);
		if (d->nr_aff) {
			fdt32_t a[4];

			for (int j = 0; j < d->nr_aff; j++)
				a[j] = cpu_to_fdt32(d->aff[j]);
			fdt_property(fdt, "xen-lite,cpu-affinity", a,
				     4 * d->nr_aff);
		}
		if (d->pool_kb >= 0)
			fdt_property_u32(fdt, "xen-lite,p2m-pool-kb",
					 d->pool_kb);
		if (d->on_poweroff)
			fdt_property_string(fdt, "xen-lite,on-poweroff",
					    d->on_poweroff);
		if (d->on_reboot)
			fdt_property_string(fdt, "xen-lite,on-reboot",
					    d->on_reboot);
		if (d->policy)
			fdt_property_string(fdt, "xen-lite,pv-mmu-policy",
					    d->policy);
		if (d->mmio_fault)
			fdt_property_string(fdt, "xen-lite,mmio-fault",
					    d->mmio_fault);
		if (d->io_size) {
			fdt64_t io[3] = { cpu_to_fdt64(d->io_hpa),
					  cpu_to_fdt64(d->io_gpa),
					  cpu_to_fdt64(d->io_size) };

			fdt_property(fdt, "xen-lite,iomem", io,
				     d->io_len ? d->io_len : 24);
		}
		if (d->irq)
			fdt_property_u32(fdt, "xen-lite,irqs", d->irq);
		fdt_property_string(fdt, "bootargs", "console=hvc0");
		for (int k = 0; k < d->kernels; k++)
			module(fdt, "xen-lite,kernel\0multiboot,module",
			       0x88000000ULL + i * 0x1000000 + k * 0x200000,
			       0x1000, d->bad_module_reg);
		if (d->ramdisk)
			module(fdt, "xen-lite,ramdisk\0multiboot,module",
			       0x88800000ULL + i * 0x1000000,
			       d->ramdisk_size ? d->ramdisk_size : 0x2000,
			       false);
		fdt_end_node(fdt);
	}
}

static struct domain_config cfgs[MAX_BOOT_DOMAINS];
static char err[160];

static int parse_doms(void)
{
	struct spec s = default_spec();
	void *fdt;

	err[0] = '\0';
	s.chosen_extra = put_doms;
	fdt = build(&s);
	if (bootfdt_parse(fdt, 0, &bi))
		return -1000;
	return domain_fdt_parse(fdt, cfgs, MAX_BOOT_DOMAINS, 4, err,
				sizeof(err));
}

static int doms_rc(void)
{
	return parse_doms();
}

TEST(domain_valid)
{
	nr_doms = 2;
	doms[0] = dflt_dom("web");
	doms[0].nr_aff = 2;
	doms[0].aff[0] = 1;
	doms[0].aff[1] = 3;
	doms[0].ramdisk = true;
	doms[0].policy = "no-wx";
	doms[0].pool_kb = 512;
	doms[1] = dflt_dom("db");
	doms[1].on_poweroff = "preserve";
	doms[1].mmio_fault = "crash";
	CHECK_EQ(doms_rc(), 2);
	CHECK(!cfgs[0].mmio_fault_crash); /* absent: inject */
	CHECK(cfgs[1].mmio_fault_crash);
	CHECK(!strcmp(cfgs[0].name, "web"));
	CHECK_EQ(cfgs[0].mem_bytes, 64ULL << 20);
	CHECK_EQ(cfgs[0].vcpus, 2);
	CHECK_EQ(cfgs[0].affinity[0], 1);
	CHECK_EQ(cfgs[0].affinity[1], 3);
	CHECK_EQ(cfgs[0].p2m_pool_kb, 512);
	CHECK(cfgs[0].pv_no_wx);
	CHECK_EQ(cfgs[0].kernel_pa, 0x88000000ULL);
	CHECK_EQ(cfgs[0].kernel_size, 0x1000);
	CHECK_EQ(cfgs[0].ramdisk_size, 0x2000);
	CHECK(!strcmp(cfgs[0].bootargs, "console=hvc0"));
	CHECK_EQ(cfgs[1].affinity[0], -1);
	CHECK_EQ(cfgs[1].on_poweroff, ACTION_PRESERVE);
	CHECK_EQ(cfgs[1].on_reboot, ACTION_RESTART);
	CHECK_EQ(cfgs[1].on_crash, ACTION_DESTROY);
	/* The modules are reserved by the host parser. */
	CHECK_EQ(bi.nr_resv, 3);
	CHECK_EQ(bi.resv[0].kind, RESV_MODULE);
}

/* Passthrough properties (docs/passthrough.md) and their refusals. */
TEST(domain_passthrough)
{
	nr_doms = 2;
	doms[0] = dflt_dom("a");
	doms[0].io_hpa = doms[0].io_gpa = 0x0a000000;
	doms[0].io_size = 0x200;
	doms[0].irq = 48;
	doms[1] = dflt_dom("b");
	doms[1].io_hpa = doms[1].io_gpa = 0x0a000200;
	doms[1].io_size = 0x200;
	doms[1].irq = 49;
	CHECK_EQ(doms_rc(), 2);
	CHECK_EQ(cfgs[0].nr_iomem, 1);
	CHECK_EQ(cfgs[0].iomem[0].hpa, 0x0a000000);
	CHECK_EQ(cfgs[0].iomem[0].size, 0x200);
	CHECK_EQ(cfgs[1].irqs[0], 49);
	/* Two transports in one page, one per domain (trapped windows). */
	doms[1].io_hpa = doms[1].io_gpa = 0x0a001000;
	CHECK_EQ(doms_rc(), 2);

	/* One byte of MMIO in two domains. */
	doms[1].io_hpa = 0x0a0001ff;
	CHECK_EQ(doms_rc(), -EINVAL);
	CHECK(strstr(err, "xen-lite,iomem overlaps another domain's"));
	/* One interrupt in two domains. */
	doms[1].io_hpa = 0x0a001000;
	doms[1].irq = 48;
	CHECK_EQ(doms_rc(), -EINVAL);
	CHECK(strstr(err, "xen-lite,irqs has another domain's interrupt"));
	/* Malformed: not whole triples; a wrapping range. */
	doms[1].irq = 49;
	doms[1].io_len = 20;
	CHECK_EQ(doms_rc(), -EINVAL);
	CHECK(strstr(err, "xen-lite,iomem must hold"));
	doms[1].io_len = 0;
	doms[1].io_hpa = ~0ULL - 0x100;
	CHECK_EQ(doms_rc(), -EINVAL);
	CHECK(strstr(err, "empty or wrapping"));
}

/* Modules are mapped in place only when no policy restarts the domain. */
TEST(domain_modules_in_place)
{
	nr_doms = 3;
	doms[0] = dflt_dom("once");
	doms[0].on_reboot = "destroy";
	doms[0].ramdisk = true;
	doms[1] = dflt_dom("default");
	doms[2] = dflt_dom("poweroff-restarts");
	doms[2].on_reboot = "preserve";
	doms[2].on_poweroff = "restart";
	CHECK_EQ(doms_rc(), 3);
	CHECK(cfgs[0].modules_in_place);
	CHECK(!cfgs[1].modules_in_place);
	CHECK(!cfgs[2].modules_in_place);
}

#define DOM_ERR(tname, setup, msg)              \
	TEST(tname)                             \
	{                                       \
		nr_doms = 1;                    \
		doms[0] = dflt_dom("a");        \
		setup;                          \
		CHECK(doms_rc() < 0);           \
		if (!strstr(err, msg))          \
			diag("got: %s\n", err); \
		CHECK(strstr(err, msg));        \
	}

DOM_ERR(domain_missing_name, doms[0].name = NULL, "missing xen-lite,name")
DOM_ERR(domain_bad_name, doms[0].name = "a b", "xen-lite,name must be")
DOM_ERR(domain_long_name, doms[0].name = "abcdefghijklmnopqrstuvwxyz0123456789",
	"at most 31 bytes")
DOM_ERR(domain_unterminated_name, doms[0].name_unterminated = true,
	"is not a string")
DOM_ERR(domain_memory_unaligned, doms[0].mem = (64ULL << 20) + 4096,
	"multiple of 2 MiB")
DOM_ERR(domain_memory_zero, doms[0].mem = 0, "multiple of 2 MiB")
DOM_ERR(domain_vcpus_zero, doms[0].vcpus = 0, "(CONFIG_MAX_VCPUS)")
DOM_ERR(domain_vcpus_too_many, doms[0].vcpus = 9, "(CONFIG_MAX_VCPUS)")
DOM_ERR(domain_affinity_count, (doms[0].nr_aff = 1, doms[0].aff[0] = 0),
	"one CPU per vCPU")
DOM_ERR(domain_affinity_offline,
	(doms[0].nr_aff = 2, doms[0].aff[0] = 0, doms[0].aff[1] = 4),
	"not online")
DOM_ERR(domain_pool_too_small, doms[0].pool_kb = 4, "p2m-pool-kb out of range")
DOM_ERR(domain_bad_action, doms[0].on_poweroff = "explode",
	"destroy, restart or preserve")
DOM_ERR(domain_bad_policy, doms[0].policy = "maybe", "pv-mmu-policy")
DOM_ERR(domain_bad_mmio_fault, doms[0].mmio_fault = "ignore",
	"mmio-fault must be inject or crash")
DOM_ERR(domain_no_kernel, doms[0].kernels = 0, "no kernel module")
DOM_ERR(domain_two_kernels, doms[0].kernels = 2, "more than one kernel")
/*
 * The vCPU limit as an argument (the host CLI passes the .config's
 * CONFIG_MAX_VCPUS): below this build's it refuses, above the array it
 * cannot hold it refuses the call itself.
 */
TEST(domain_max_vcpus_argument)
{
	struct spec s = default_spec();
	void *fdt;

	nr_doms = 1;
	doms[0] = dflt_dom("a");
	doms[0].vcpus = 2;
	s.chosen_extra = put_doms;
	fdt = build(&s);
	CHECK_EQ(domain_fdt_parse_max(fdt, cfgs, MAX_BOOT_DOMAINS, 4, 2, err,
				      sizeof(err)),
		 1);
	CHECK_EQ(domain_fdt_parse_max(fdt, cfgs, MAX_BOOT_DOMAINS, 4, 1, err,
				      sizeof(err)),
		 -EINVAL);
	CHECK(strstr(err, "xen-lite,vcpus is 2; this build allows 1..1 "
			  "(CONFIG_MAX_VCPUS)"));
	CHECK_EQ(domain_fdt_parse_max(fdt, cfgs, MAX_BOOT_DOMAINS, 4,
				      CONFIG_MAX_VCPUS + 1, err, sizeof(err)),
		 -EINVAL);
	CHECK(strstr(err, "vCPUs per domain in this program"));
}

TEST(domain_bad_module_reg)
{
	nr_doms = 1;
	doms[0] = dflt_dom("a");
	doms[0].bad_module_reg = true;
	/* The host parser reserves modules, so it refuses the tree first. */
	CHECK_EQ(doms_rc(), -1000);
	CHECK(strstr(bi.error, "domain module without a valid reg"));
}
DOM_ERR(domain_huge_ramdisk,
	(doms[0].ramdisk = true, doms[0].ramdisk_size = 48ULL << 20),
	"ramdisk larger")

TEST(domain_duplicate_names)
{
	nr_doms = 2;
	doms[0] = dflt_dom("same");
	doms[1] = dflt_dom("same");
	CHECK(doms_rc() < 0);
	CHECK(strstr(err, "duplicate domain name"));
}

TEST(domain_none)
{
	nr_doms = 0;
	CHECK_EQ(doms_rc(), 0);
}

/* ---- reproducers of fuzzer findings (tests/fuzz/findings/) ---- */

static int load_finding(const char *name, void *out, size_t max)
{
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/../fuzz/findings/%s",
		 getenv("XL_UNIT_DIR") ? getenv("XL_UNIT_DIR") : ".", name);
	f = fopen(path, "rb");
	if (!f)
		return -1;
	n = fread(out, 1, max, f);
	fclose(f);
	return (int)n;
}

TEST(finding_module_cells_disagree)
{
	int n = load_finding("module-cells.dtb", buf, BUF);

	CHECK(n > 0);
	/* Both parsers must refuse cell counts other than 2/2. */
	CHECK_EQ(bootfdt_parse(buf, 0, &bi), -EINVAL);
	CHECK(strstr(bi.error, "#address-cells = <2>"));
	CHECK(domain_fdt_parse(buf, cfgs, MAX_BOOT_DOMAINS, 1, err,
			       sizeof(err)) < 0);
	CHECK(strstr(err, "#address-cells = <2>"));
}

TEST(finding_unterminated_stdout_path)
{
	int n = load_finding("truncated-stdout-path.dtb", buf, BUF);

	CHECK(n > 0);
	/* Must not read past the property; any verdict is fine. */
	(void)bootfdt_parse(buf, 0, &bi);
}

TEST(finding_misaligned_struct)
{
	static char unaligned[BUF + 8];
	int n = load_finding("misaligned-struct.dtb", unaligned + 1, BUF);

	CHECK(n > 0);
	(void)bootfdt_parse(unaligned + 1, 0, &bi);
	(void)domain_fdt_parse(unaligned + 1, cfgs, MAX_BOOT_DOMAINS, 1, err,
			       sizeof(err));
}

TEST(finding_libfdt161_prop_len_hang)
{
	int n = load_finding("libfdt161-prop-len-hang.dtb", buf, BUF);

	CHECK(n > 0);
	/* libfdt 1.6.1 alone loops forever here: a hang fails the test. */
	alarm(20);
	CHECK_EQ(bootfdt_parse(buf, 0, &bi), -EINVAL);
	alarm(0);
	CHECK(strstr(bi.error, "malformed device tree"));
}

TEST(finding_truncated_isa)
{
	static char tight[BUF];
	int n = load_finding("truncated-isa.dtb", tight, BUF);
	char *copy;

	CHECK(n > 0);
	/* Exactly sized heap copy: ASan reports any read past the end. */
	copy = malloc(n);
	memcpy(copy, tight, n);
	(void)bootfdt_parse(copy, 0, &bi);
	CHECK(strlen(bi.isa) < sizeof(bi.isa));
	free(copy);
}

TEST(finding_truncated_device_type)
{
	static char tight[BUF];
	int n = load_finding("truncated-device-type.dtb", tight, BUF);
	char *copy;

	CHECK(n > 0);
	copy = malloc(n);
	memcpy(copy, tight, n);
	(void)bootfdt_parse(copy, 0, &bi);
	free(copy);
}

int main(void)
{
	return run_tests("bootfdt");
}
