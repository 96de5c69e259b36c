// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the domain-file parser (tools/domcfg.c): values, defaults,
 * sizes, strings, lists, path resolution, the checks between domains, and
 * robustness against truncated and random input (under ASan + UBSan).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "domcfg.h"
#include "harness.h"

static struct domcfg d;
static struct domcfg_error err;

/* Parse @text as FILE "dir/t.cfg" without touching the file system. */
static int parse(const char *text)
{
	domcfg_free(&d);
	memset(&err, 0, sizeof(err));
	return domcfg_parse_buf("dir/t.cfg", text, strlen(text), DOMCFG_NO_FS,
				&d, &err);
}

static int has_error(int line, const char *msg)
{
	int i;

	for (i = 0; i < err.count && i < DOMCFG_MAX_ERRORS; i++) {
		if (err.diag[i].line == line && !strcmp(err.diag[i].msg, msg))
			return 1;
	}
	return 0;
}

TEST(full_file)
{
	int rc = parse("# comment\n"
		       "name = \"web\"  # trailing\n"
		       "kernel = \"img/k.bin\"\n"
		       "ramdisk = '/abs/rd'\n"
		       "cmdline = \"a \\\"b\\\" c\\\\\"\n"
		       "memory = 256\n"
		       "vcpus = 2\n"
		       "cpus = [1, 0,]\n"
		       "p2m_pool = 1M\n"
		       "privileged = yes\n"
		       "on_poweroff = \"restart\"\n"
		       "on_reboot = destroy\n"
		       "on_crash = \"preserve\"\n"
		       "pv_mmu_policy = \"no-wx\"\n");

	CHECK_EQ(rc, 0);
	CHECK_EQ(err.count, 0);
	CHECK(!strcmp(d.name, "web"));
	CHECK(!strcmp(d.kernel, "dir/img/k.bin"));
	CHECK(!strcmp(d.ramdisk, "/abs/rd"));
	CHECK(!strcmp(d.cmdline, "a \"b\" c\\"));
	CHECK_EQ(d.memory, 256ull << 20);
	CHECK_EQ(d.vcpus, 2);
	CHECK_EQ(d.nr_cpus, 2);
	CHECK_EQ(d.cpus[0], 1);
	CHECK_EQ(d.cpus[1], 0);
	CHECK_EQ(d.p2m_pool_kb, 1024);
	CHECK(d.privileged);
	CHECK_EQ(d.on_poweroff, DOMCFG_RESTART);
	CHECK_EQ(d.on_reboot, DOMCFG_DESTROY);
	CHECK_EQ(d.on_crash, DOMCFG_PRESERVE);
	CHECK_EQ(d.pv_mmu_policy, DOMCFG_PV_MMU_NO_WX);
	CHECK_EQ(d.line[DOMCFG_K_NAME], 2);
	CHECK_EQ(d.line[DOMCFG_K_PV_MMU_POLICY], 14);
	CHECK_EQ(d.nr_lines, 14);
}

TEST(defaults)
{
	CHECK_EQ(parse("name = \"a\"\nkernel = \"k\""), 0);
	CHECK_EQ(d.memory, DOMCFG_DEFAULT_MEMORY);
	CHECK_EQ(d.vcpus, 1);
	CHECK_EQ(d.nr_cpus, 0);
	CHECK_EQ(d.p2m_pool_kb, 0);
	CHECK(!d.privileged);
	CHECK(!d.ramdisk);
	CHECK(!d.cmdline);
	CHECK_EQ(d.on_poweroff, DOMCFG_DESTROY);
	CHECK_EQ(d.on_reboot, DOMCFG_RESTART);
	CHECK_EQ(d.on_crash, DOMCFG_DESTROY);
	CHECK_EQ(d.pv_mmu_policy, DOMCFG_PV_MMU_UNSET);
	CHECK(!strcmp(d.kernel, "dir/k"));
	/* Automatic pool: 4 KiB per MiB + 64 KiB per vCPU, >= 256 KiB. */
	CHECK_EQ(domcfg_pool_kb(&d), 320);
}

TEST(sizes)
{
	uint64_t v;

	CHECK_EQ(domcfg_parse_size("12", 1, &v), 0);
	CHECK_EQ(v, 12);
	CHECK_EQ(domcfg_parse_size("12", 1 << 20, &v), 0);
	CHECK_EQ(v, 12ull << 20);
	CHECK_EQ(domcfg_parse_size("3k", 1 << 20, &v), 0);
	CHECK_EQ(v, 3072);
	CHECK_EQ(domcfg_parse_size("2G", 1, &v), 0);
	CHECK_EQ(v, 2ull << 30);
	CHECK_EQ(domcfg_parse_size("1T", 1, &v), 0);
	CHECK_EQ(v, 1ull << 40);
	CHECK_EQ(domcfg_parse_size("", 1, &v), -EINVAL);
	CHECK_EQ(domcfg_parse_size("G", 1, &v), -EINVAL);
	CHECK_EQ(domcfg_parse_size("1GB", 1, &v), -EINVAL);
	CHECK_EQ(domcfg_parse_size("-1", 1, &v), -EINVAL);
	CHECK_EQ(domcfg_parse_size("18446744073709551615", 1, &v), -ERANGE);
	CHECK_EQ(domcfg_parse_size("17179869184G", 1, &v), -ERANGE);
	CHECK_EQ(domcfg_parse_size("16777215T", 1, &v), 0);
}

TEST(arch_and_paths)
{
	domcfg_arch = "arm64";
	CHECK_EQ(parse("name = \"a\"\nkernel = \"${arch}/k-${arch}\"\n"), 0);
	CHECK(!strcmp(d.kernel, "dir/arm64/k-arm64"));
	domcfg_arch = NULL;
	CHECK_EQ(parse("name = \"a\"\nkernel = \"${arch}\"\n"), 0);
	CHECK(!strcmp(d.kernel, "dir/riscv64"));
	/* A file without a directory part: paths stay relative. */
	domcfg_free(&d);
	memset(&err, 0, sizeof(err));
	CHECK_EQ(domcfg_parse_buf("t.cfg", "name='a'\nkernel='k'", 19,
				  DOMCFG_NO_FS, &d, &err),
		 0);
	CHECK(!strcmp(d.kernel, "k"));
}

TEST(errors_collected)
{
	CHECK_EQ(parse("foo = 1\nvcpus = 0\nmemory = 5\n"), -EINVAL);
	CHECK_EQ(err.count, 5);
	CHECK(has_error(1, "unknown key 'foo'"));
	CHECK(has_error(
		2,
		"vcpus: must be between 1 and 8 (got 0; CONFIG_MAX_VCPUS=8, the Kconfig default)"));
	CHECK(has_error(3, "memory: must be a non-zero multiple of 2M "
			   "(got '5')"));
	CHECK(has_error(3, "missing required key 'name'"));
	CHECK(has_error(3, "missing required key 'kernel'"));
}

TEST(error_cap)
{
	char buf[4096] = "";
	int i;

	for (i = 0; i < 100; i++)
		strcat(buf, "x = 1\n");
	CHECK_EQ(parse(buf), -EINVAL);
	CHECK_EQ(err.count, 102);
	CHECK_EQ(err.diag[DOMCFG_MAX_ERRORS - 1].line, DOMCFG_MAX_ERRORS);
}

TEST(lists)
{
	CHECK_EQ(parse("name='a'\nkernel='k'\nvcpus=3\ncpus=[ 2 ,1,0 ]"), 0);
	CHECK_EQ(d.nr_cpus, 3);
	CHECK_EQ(d.cpus[0], 2);
	CHECK_EQ(parse("name='a'\nkernel='k'\ncpus=\"all\""), 0);
	CHECK_EQ(d.nr_cpus, 0);
	CHECK_EQ(parse("name='a'\nkernel='k'\ncpus=[0] # c\n"), 0);
	CHECK_EQ(parse("name='a'\nkernel='k'\ncpus=[0 # c ]\n"), -EINVAL);
	CHECK(has_error(3, "cpus: unterminated list (a list must end with "
			   "']' on the same line)"));
	CHECK_EQ(parse("name='a'\nkernel='k'\ncpus=[0]]\n"), -EINVAL);
	CHECK(has_error(3, "cpus: unexpected text after the value"));
}

TEST(hash_in_string)
{
	CHECK_EQ(parse("name='a'\nkernel='k#1'\ncmdline=\"x # y\" # z\n"), 0);
	CHECK(!strcmp(d.kernel, "dir/k#1"));
	CHECK(!strcmp(d.cmdline, "x # y"));
}

TEST(crlf)
{
	CHECK_EQ(parse("name = \"a\"\r\nkernel = \"k\"\r\n"), 0);
	CHECK(!strcmp(d.kernel, "dir/k"));
}

static struct domcfg set[3];

static void make_set(void)
{
	int i;

	for (i = 0; i < 3; i++) {
		domcfg_free(&set[i]);
		memset(&err, 0, sizeof(err));
		domcfg_parse_buf(i == 2 ? "c.cfg" : "ab.cfg",
				 "name='x'\nkernel='k'\n", 20, DOMCFG_NO_FS,
				 &set[i], &err);
		snprintf(set[i].name, sizeof(set[i].name), "d%d", i);
	}
	memset(&err, 0, sizeof(err));
}

TEST(set_duplicate_names)
{
	struct domcfg_host h = { 4, 1ull << 30, false };

	make_set();
	CHECK_EQ(domcfg_check_set(set, 3, &h, &err), 0);
	strcpy(set[2].name, "d0");
	CHECK_EQ(domcfg_check_set(set, 3, &h, &err), -EINVAL);
	CHECK_EQ(err.count, 1);
	CHECK(!strcmp(err.diag[0].file, "c.cfg"));
	CHECK(has_error(1, "duplicate domain name 'd0' (also used by "
			   "ab.cfg:1)"));
}

TEST(set_pinning)
{
	struct domcfg_host h = { 2, 1ull << 30, false };

	make_set();
	set[0].vcpus = 3;
	set[0].nr_cpus = 3;
	CHECK_EQ(domcfg_check_set(set, 1, &h, &err), -EINVAL);
	CHECK(has_error(1, "cpus: 3 pinned vCPUs but the host has only 2 "
			   "CPUs"));
	make_set();
	set[1].nr_cpus = 1;
	set[1].cpus[0] = 2;
	CHECK_EQ(domcfg_check_set(set, 3, &h, &err), -EINVAL);
	CHECK(has_error(1, "cpus: CPU 2 does not exist (the host has 2 "
			   "CPUs: 0-1)"));
}

TEST(set_memory_boundary)
{
	struct domcfg_host h = { 4, 256ull << 20, false };
	uint64_t fixed;

	make_set();
	/*
	 * 16 MiB xen-lite + RAM / 64 frame table + 4 MiB DTB + 3 pools of
	 * 320 KiB, no modules.
	 */
	fixed = (20ull << 20) + h.ram_size / 64 + 3 * 320 * 1024;
	set[0].memory = set[1].memory = 64ull << 20;
	set[2].memory = h.ram_size - fixed - (128ull << 20);
	set[2].memory &= ~((2ull << 20) - 1);
	CHECK_EQ(domcfg_check_set(set, 3, &h, &err), 0);
	set[2].memory += 2ull << 20;
	CHECK_EQ(domcfg_check_set(set, 3, &h, &err), -EINVAL);
	CHECK_EQ(err.count, 1);
	/* Modules count, rounded to 2 MiB. */
	make_set();
	set[0].kernel_size = 1;
	set[0].memory =
		h.ram_size - fixed - (2ull << 20) - 2 * DOMCFG_DEFAULT_MEMORY;
	set[0].memory &= ~((2ull << 20) - 1);
	CHECK_EQ(domcfg_check_set(set, 3, &h, &err), 0);
	set[0].kernel_size = (2ull << 20) + 1;
	CHECK_EQ(domcfg_check_set(set, 3, &h, &err), -EINVAL);
}

/* Every prefix of a valid file parses without a memory error. */
TEST(truncations)
{
	static const char text[] =
		"name = \"web\" # c\nkernel = 'k'\ncmdline = \"a\\\"b\"\n"
		"memory = 2G\ncpus = [0, 1]\nvcpus = 2\np2m_pool = 64K\n";
	size_t n;

	for (n = 0; n <= sizeof(text) - 1; n++) {
		char *copy = malloc(n ? n : 1);

		memcpy(copy, text, n);
		domcfg_free(&d);
		memset(&err, 0, sizeof(err));
		domcfg_parse_buf("t", copy, n, DOMCFG_NO_FS, &d, &err);
		free(copy);
	}
	CHECK_EQ(parse(text), 0);
}

/* Random bytes from a small alphabet that hits the lexer's cases. */
TEST(random_input)
{
	static const char alpha[] = "nameklrcpu_=\"'[],#\\ \t\n01289KMG$-{}\r";
	uint64_t x = 88172645463325252ull;
	char buf[256];
	int i, j;

	for (i = 0; i < 20000; i++) {
		int n = (int)(x % sizeof(buf));

		for (j = 0; j < n; j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[j] = alpha[x % (sizeof(alpha) - 1)];
		}
		domcfg_free(&d);
		memset(&err, 0, sizeof(err));
		domcfg_parse_buf("r", buf, (size_t)n, DOMCFG_NO_FS, &d, &err);
		CHECK(err.count >= 0);
	}
}

int main(void)
{
	int rc = run_tests("domcfg");
	int i;

	domcfg_free(&d);
	for (i = 0; i < 3; i++)
		domcfg_free(&set[i]);
	return rc;
}
