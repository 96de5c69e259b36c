// SPDX-License-Identifier: GPL-2.0
/*
 * Boot bundle writer and reader.
 *
 * The host DTB is QEMU's own for exactly the machine options the bundle
 * boots with (obtained with -machine ...,dumpdtb=FILE), so the hypervisor
 * sees the same devices, CPUs and RAM it would without -dtb. We add one
 * /chosen/domain@N node per domain (docs/boot-protocol.md) and place the
 * boot modules at 2 MiB-aligned addresses counting down from the top of
 * RAM, skipping the windows where QEMU itself puts the DTB.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libfdt.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundle.h"

extern char **environ;

#define MiB (1ull << 20)
#define OPENSBI_FW "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"

static const struct arch_info arches[] = {
	{
		.name = "riscv64",
		.qemu = "qemu-system-riscv64",
		.machine = "virt",
		.cpu = "rv64",
		.gdb_arch = "riscv:rv64",
	},
	{
		.name = "arm64",
		.qemu = "qemu-system-aarch64",
		.machine = "virt,virtualization=on,gic-version=3",
		.cpu = "cortex-a72",
		.gdb_arch = "aarch64",
	},
};

const struct arch_info *arch_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		if (!strcmp(name, arches[i].name))
			return &arches[i];
	}
	if (!strcmp(name, "riscv"))
		return &arches[0];
	if (!strcmp(name, "aarch64") || !strcmp(name, "arm"))
		return &arches[1];
	return NULL;
}

char *hyp_image(const char *root, const struct arch_info *arch)
{
	return xasprintf("%s/build/%s/xen-lite.bin", root, arch->name);
}

char *hyp_elf(const char *root, const struct arch_info *arch)
{
	return xasprintf("%s/build/%s/xen-lite.elf", root, arch->name);
}

static uint64_t align_down(uint64_t v, uint64_t a)
{
	return v / a * a;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

int qemu_check(const struct xl_opts *o)
{
	char *bin;
	int rc = 0;

	if (o->qemu_ver != 10)
		return 0;
	bin = xasprintf("%s/%s/usr/bin/%s", o->root, QEMU10_ROOT,
			o->arch->qemu);
	if (!file_exists(bin)) {
		msg("--qemu 10: %s is missing; 'make deps' fetches QEMU "
		    "10.0.2 and OpenSBI 1.5.1 from Debian 12's "
		    "bookworm-backports into %s/%s",
		    bin, o->root, QEMU10_ROOT);
		rc = -1;
	}
	free(bin);
	return rc;
}

/*
 * The -machine value: the architecture's machine, each --machine-opt
 * KEY=VAL replacing the property KEY when the default names it (Arm's
 * gic-version=3) or added after it, then dumpdtb=FILE for the dump.
 */
static char *machine_value(const struct xl_opts *o, const char *dumpdtb)
{
	char *m = xasprintf("%s", o->arch->machine);
	int i;

	for (i = 0; i < o->machine_opts.n; i++) {
		const char *kv = o->machine_opts.v[i];
		size_t klen = strcspn(kv, "=");
		char *p = m, *n;

		/* Find ",KEY=" (properties follow the machine name). */
		while ((p = strchr(p, ','))) {
			if (!strncmp(p + 1, kv, klen + 1))
				break;
			p++;
		}
		if (p) {
			size_t end = strcspn(p + 1, ",");

			n = xasprintf("%.*s,%s%s", (int)(p - m), m, kv,
				      p + 1 + end);
		} else {
			n = xasprintf("%s,%s", m, kv);
		}
		free(m);
		m = n;
	}
	if (dumpdtb) {
		char *n = xasprintf("%s,dumpdtb=%s", m, dumpdtb);

		free(m);
		m = n;
	}
	return m;
}

/*
 * The options shared by dumpdtb and the real boot: the QEMU binary (and
 * its data directory for QEMU 10), the machine with --machine-opt, the CPU
 * (--cpu), CPUs and RAM. One code path for both, so the device tree the
 * bundle carries describes the machine that boots it. -nodefaults: only
 * the board's own devices and the ones named here, so the device tree QEMU
 * dumps describes exactly the machine that boots, and QEMU needs no file
 * beyond what 'make deps' installs (Arm virt's default virtio-net NIC would
 * load iPXE's efi-virtio.rom, from a package deps.sh does not install).
 */
static void machine_args(const struct xl_opts *o, struct strvec *sv,
			 const char *dumpdtb)
{
	char *m = machine_value(o, dumpdtb);

	if (o->qemu_ver == 10) {
		char *bin = xasprintf("%s/%s/usr/bin/%s", o->root, QEMU10_ROOT,
				      o->arch->qemu);

		strvec_add(sv, bin);
		free(bin);
		/* Its own firmware and ROMs, not the system QEMU's. */
		strvec_add(sv, "-L");
		strvec_addf(sv, "%s/%s", o->root, QEMU10_DATA);
	} else {
		strvec_add(sv, o->arch->qemu);
	}
	strvec_add(sv, "-machine");
	strvec_add(sv, m);
	free(m);
	strvec_add(sv, "-cpu");
	strvec_add(sv, o->cpu ? o->cpu : o->arch->cpu);
	strvec_add(sv, "-smp");
	strvec_addf(sv, "%u", o->smp);
	strvec_add(sv, "-m");
	strvec_addf(sv, "%lluM", (unsigned long long)(o->mem >> 20));
	strvec_add(sv, "-nodefaults");
}

/*
 * The user's --qemu-arg options that change the machine the device tree
 * describes (a later -machine adds to the first one's properties, a later
 * -cpu, -smp or -m replaces the earlier): the dump gets them too, or the
 * hypervisor would be handed a tree for another machine (e.g. a GICv3 tree
 * on a gic-version=2 machine).
 */
static void dtb_qemu_args(const struct xl_opts *o, struct strvec *sv)
{
	static const char *const shaping[] = { "-machine", "-M", "-cpu", "-smp",
					       "-m" };
	size_t j;
	int i;

	for (i = 0; i + 1 < o->qemu_args.n; i++) {
		for (j = 0; j < sizeof(shaping) / sizeof(shaping[0]); j++) {
			if (!strcmp(o->qemu_args.v[i], shaping[j])) {
				strvec_add(sv, o->qemu_args.v[i]);
				strvec_add(sv, o->qemu_args.v[++i]);
				break;
			}
		}
	}
}

/* Run QEMU once with dumpdtb to get its DTB for these options. */
static int dump_dtb(const struct xl_opts *o, const char *out)
{
	posix_spawn_file_actions_t fa;
	struct strvec sv = { 0 };
	char *log = xasprintf("%s/dumpdtb.log", o->outdir);
	int status, rc = -1;
	pid_t pid;

	machine_args(o, &sv, out);
	dtb_qemu_args(o, &sv);
	strvec_add(&sv, "-display");
	strvec_add(&sv, "none");
	strvec_add(&sv, "-monitor");
	strvec_add(&sv, "none");
	strvec_add(&sv, "-serial");
	strvec_add(&sv, "none");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	unlink(out);
	if (posix_spawnp(&pid, sv.v[0], &fa, NULL, sv.v, environ)) {
		msg("cannot run %s: %s", sv.v[0], strerror(errno));
		goto out;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) || !file_exists(out)) {
		char *text = read_file(log, NULL);

		msg("%s could not dump its device tree:", sv.v[0]);
		fputs(text ? text : "", stderr);
		free(text);
		goto out;
	}
	rc = 0;
out:
	posix_spawn_file_actions_destroy(&fa);
	unlink(log);
	free(log);
	strvec_free(&sv);
	return rc;
}

void *bundle_host_tree(const struct xl_opts *o)
{
	const char *t = getenv("TMPDIR");
	char *dir = xasprintf("%s/xen-lite-dtb.XXXXXX", t && *t ? t : "/tmp");
	char *file = NULL;
	void *fdt = NULL;
	struct xl_opts o2 = *o;

	if (!mkdtemp(dir)) {
		msg("cannot create a directory in %s: %s", t && *t ? t : "/tmp",
		    strerror(errno));
		free(dir);
		return NULL;
	}
	file = xasprintf("%s/%s", dir, BUNDLE_QEMU_DTB);
	o2.outdir = dir;
	if (!qemu_check(o) && !dump_dtb(&o2, file)) {
		fdt = read_file(file, NULL);
		if (fdt && fdt_check_header(fdt)) {
			msg("%s: not a device tree", file);
			free(fdt);
			fdt = NULL;
		}
	}
	unlink(file);
	rmdir(dir);
	free(file);
	free(dir);
	return fdt;
}

/* RAM as the DTB's first /memory node describes it. */
static int dtb_ram(const void *fdt, uint64_t *base, uint64_t *size)
{
	int off, len;
	const fdt32_t *reg;

	off = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory",
					    sizeof("memory"));
	if (off < 0)
		return -ENOENT;
	reg = fdt_getprop(fdt, off, "reg", &len);
	if (!reg || len < 16)
		return -EINVAL;
	*base = ((uint64_t)fdt32_to_cpu(reg[0]) << 32) | fdt32_to_cpu(reg[1]);
	*size = ((uint64_t)fdt32_to_cpu(reg[2]) << 32) | fdt32_to_cpu(reg[3]);
	return 0;
}

struct window {
	uint64_t start, end;
};

/*
 * Where QEMU puts the DTB it hands to the first stage:
 * - RISC-V (hw/riscv/boot.c): 2 MiB-aligned, just below the lower of the
 *   end of RAM and 3 GiB.
 * - Arm (hw/arm/boot.c, direct kernel boot): after the (empty) initrd
 *   slot at RAM base + min(RAM / 2, 128 MiB).
 * The top 2 MiB of RAM stay free as well.
 */
static int dtb_windows(const struct xl_opts *o, uint64_t base, uint64_t size,
		       struct window *w)
{
	uint64_t end = base + size, x;
	int n = 0;

	w[n].start = end - 2 * MiB;
	w[n++].end = end;
	if (!strcmp(o->arch->name, "riscv64")) {
		x = end < 3072 * MiB ? end : 3072 * MiB;
		if (base < 3072 * MiB) {
			w[n].start = align_down(x, 2 * MiB) - 2 * MiB;
			w[n++].end = align_down(x, 2 * MiB);
		}
	} else {
		x = base + (size / 2 < 128 * MiB ? size / 2 : 128 * MiB);
		w[n].start = align_down(x, 2 * MiB);
		w[n++].end = align_up(x + 2 * MiB, 2 * MiB);
	}
	return n;
}

/* Place modules top-down; returns 0 or -ENOSPC. */
static int place_modules(const struct xl_opts *o, uint64_t base, uint64_t size,
			 struct module *m, int nr)
{
	struct window w[4];
	int nw = dtb_windows(o, base, size, w), i, j;
	uint64_t cursor = base + size, floor = base + DOMCFG_HYP_RESERVE;

	for (i = 0; i < nr; i++) {
		uint64_t len = align_up(m[i].size, 2 * MiB);
		bool moved;

		do {
			moved = false;
			if (cursor < floor + len)
				return -ENOSPC;
			m[i].addr = align_down(cursor - len, 2 * MiB);
			for (j = 0; j < nw; j++) {
				if (m[i].addr < w[j].end &&
				    m[i].addr + len > w[j].start) {
					cursor = w[j].start;
					moved = true;
				}
			}
		} while (moved);
		cursor = m[i].addr;
	}
	return 0;
}

/*
 * A node's properties, collected first and then written last to first:
 * libfdt inserts a new property (and a new subnode) at the start of its
 * node, so this keeps the DTB in the documented order.
 */
struct props {
	int n;
	struct {
		const char *name;
		const void *val;
		int len;
	} p[24];
	/* backing store for numbers: cpus, iomem triples, irqs */
	char buf[64 * 4 + 64 + XL_BOOT_PT_MAX * 28];
	int used;
};

static void prop_add(struct props *ps, const char *name, const void *val,
		     int len)
{
	ps->p[ps->n].name = name;
	ps->p[ps->n].val = val;
	ps->p[ps->n++].len = len;
}

static void prop_str(struct props *ps, const char *name, const char *s)
{
	prop_add(ps, name, s, (int)strlen(s) + 1);
}

static void prop_cells(struct props *ps, const char *name, const uint32_t *v,
		       int n)
{
	fdt32_t *c = (fdt32_t *)(ps->buf + ps->used);
	int i;

	for (i = 0; i < n; i++)
		c[i] = cpu_to_fdt32(v[i]);
	ps->used += n * 4;
	prop_add(ps, name, c, n * 4);
}

static void prop_u32(struct props *ps, const char *name, uint32_t v)
{
	prop_cells(ps, name, &v, 1);
}

static void prop_u64(struct props *ps, const char *name, uint64_t v)
{
	uint32_t c[2] = { (uint32_t)(v >> 32), (uint32_t)v };

	prop_cells(ps, name, c, 2);
}

static int props_write(void *fdt, int node, const struct props *ps)
{
	int i, rc;

	for (i = ps->n - 1; i >= 0; i--) {
		rc = fdt_setprop(fdt, node, ps->p[i].name, ps->p[i].val,
				 ps->p[i].len);
		if (rc)
			return rc;
	}
	return 0;
}

static int add_module_node(void *fdt, int parent, const struct module *m)
{
	uint32_t reg[4] = {
		(uint32_t)(m->addr >> 32),
		(uint32_t)m->addr,
		(uint32_t)(m->size >> 32),
		(uint32_t)m->size,
	};
	struct props ps = { 0 };
	char name[40], compat[64];
	int node, n;

	snprintf(name, sizeof(name), "module@%" PRIx64, m->addr);
	n = snprintf(compat, sizeof(compat), "%s",
		     strcmp(m->kind, "kernel") ? XL_BOOT_COMPAT_RAMDISK :
						 XL_BOOT_COMPAT_KERNEL);
	memcpy(compat + n + 1, XL_BOOT_COMPAT_MODULE,
	       sizeof(XL_BOOT_COMPAT_MODULE));
	n += 1 + (int)sizeof(XL_BOOT_COMPAT_MODULE);
	node = fdt_add_subnode(fdt, parent, name);
	if (node < 0)
		return node;
	prop_add(&ps, "compatible", compat, n);
	prop_cells(&ps, "reg", reg, 4);
	return props_write(fdt, node, &ps);
}

/* A shared-memory region of a domain: /chosen/domain@N/shm@SLOT. */
static int add_shm_node(void *fdt, int parent, int slot,
			const struct domcfg_shm *r)
{
	struct props ps = { 0 };
	char name[16];
	int node;

	snprintf(name, sizeof(name), "shm@%x", slot);
	node = fdt_add_subnode(fdt, parent, name);
	if (node < 0)
		return node;
	prop_str(&ps, "compatible", XL_BOOT_COMPAT_SHM);
	prop_str(&ps, XL_BOOT_PROP_SHM_ID, r->id);
	prop_u64(&ps, XL_BOOT_PROP_SHM_SIZE, r->size);
	prop_u64(&ps, XL_BOOT_PROP_SHM_GPA, r->gpa);
	prop_str(&ps, XL_BOOT_PROP_SHM_ROLE,
		 r->owner ? XL_BOOT_SHM_OWNER : XL_BOOT_SHM_BORROWER);
	prop_str(&ps, XL_BOOT_PROP_SHM_ACCESS,
		 r->ro ? XL_BOOT_SHM_RO : XL_BOOT_SHM_RW);
	return props_write(fdt, node, &ps);
}

/* Bytes a domain's passthrough properties take, with room to spare. */
static size_t pt_bytes(const struct domcfg *d)
{
	size_t n =
		(size_t)d->pt.nr_iomem * 24 + (size_t)d->pt.nr_irqs * 4 + 128;

	for (int j = 0; j < d->pt.nr_dtdev; j++)
		n += strlen(d->pt.dtdev[j]) + 1;
	return n;
}

/*
 * Add /chosen/domain@idx with its properties and module subnodes; see
 * docs/boot-protocol.md. Subnodes are also inserted first-in-node, so the
 * caller adds domains last to first and we add modules last to first.
 */
static int add_domain_node(void *fdt, int chosen, int idx,
			   const struct domcfg *d, const struct module *m,
			   int nr_mods)
{
	struct props ps = { 0 };
	char name[32], dtdev[XL_BOOT_DTDEV_BYTES + 256];
	int node, rc, i;

	snprintf(name, sizeof(name), "domain@%x", idx);
	node = fdt_add_subnode(fdt, chosen, name);
	if (node < 0)
		return node;
	prop_str(&ps, "compatible", XL_BOOT_COMPAT_DOMAIN);
	prop_u32(&ps, "#address-cells", 2);
	prop_u32(&ps, "#size-cells", 2);
	prop_str(&ps, XL_BOOT_PROP_NAME, d->name);
	prop_u64(&ps, XL_BOOT_PROP_MEMORY, d->memory);
	prop_u32(&ps, XL_BOOT_PROP_VCPUS, d->vcpus);
	if (d->nr_cpus)
		prop_cells(&ps, XL_BOOT_PROP_CPU_AFFINITY, d->cpus,
			   (int)d->nr_cpus);
	if (d->p2m_pool_kb)
		prop_u32(&ps, XL_BOOT_PROP_P2M_POOL_KB, d->p2m_pool_kb);
	if (d->privileged)
		prop_add(&ps, XL_BOOT_PROP_PRIVILEGED, NULL, 0);
	prop_str(&ps, XL_BOOT_PROP_ON_POWEROFF,
		 domcfg_action_name(d->on_poweroff));
	prop_str(&ps, XL_BOOT_PROP_ON_REBOOT, domcfg_action_name(d->on_reboot));
	prop_str(&ps, XL_BOOT_PROP_ON_CRASH, domcfg_action_name(d->on_crash));
	if (d->pv_mmu_policy != DOMCFG_PV_MMU_UNSET)
		prop_str(&ps, XL_BOOT_PROP_PV_MMU_POLICY,
			 domcfg_pv_mmu_name(d->pv_mmu_policy));
	prop_str(&ps, XL_BOOT_PROP_MMIO_FAULT,
		 d->mmio_fault_crash ? XL_BOOT_MMIO_FAULT_CRASH :
				       XL_BOOT_MMIO_FAULT_INJECT);
	if (d->cmdline)
		prop_str(&ps, XL_BOOT_PROP_BOOTARGS, d->cmdline);
	/* Passthrough (docs/passthrough.md). */
	if (d->pt.nr_iomem) {
		uint32_t c[XL_BOOT_PT_MAX * 6];
		int n = 0;

		for (int j = 0; j < d->pt.nr_iomem && j < XL_BOOT_PT_MAX; j++) {
			const struct domcfg_iomem *io = &d->pt.iomem[j];
			uint64_t v[3] = { io->hpa, io->gpa, io->size };

			for (int k = 0; k < 3; k++) {
				c[n++] = (uint32_t)(v[k] >> 32);
				c[n++] = (uint32_t)v[k];
			}
		}
		prop_cells(&ps, XL_BOOT_PROP_IOMEM, c, n);
	}
	if (d->pt.nr_irqs)
		prop_cells(&ps, XL_BOOT_PROP_IRQS, d->pt.irq,
			   d->pt.nr_irqs < XL_BOOT_PT_MAX ? d->pt.nr_irqs :
							    XL_BOOT_PT_MAX);
	if (d->pt.nr_dtdev) {
		size_t n = 0;

		for (int j = 0; j < d->pt.nr_dtdev; j++) {
			size_t l = strlen(d->pt.dtdev[j]) + 1;

			if (n + l > sizeof(dtdev))
				break; /* too long: domain_fdt.c refuses it */
			memcpy(dtdev + n, d->pt.dtdev[j], l);
			n += l;
		}
		prop_add(&ps, XL_BOOT_PROP_DTDEV, dtdev, (int)n);
	}
	if (d->pt.direct_map)
		prop_add(&ps, XL_BOOT_PROP_DIRECT_MAP, NULL, 0);
	rc = props_write(fdt, node, &ps);
	if (rc)
		return rc;
	for (i = (int)d->nr_shm - 1; i >= 0; i--) {
		rc = add_shm_node(fdt, node, i, &d->shm[i]);
		if (rc)
			return rc;
	}
	for (i = nr_mods - 1; i >= 0; i--) {
		rc = add_module_node(fdt, node, &m[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Add every domain node under /chosen: last to first, as libfdt inserts a
 * subnode first in its parent. @mods holds each domain's kernel, then its
 * ramdisk if it has one, in domain order.
 */
static int add_domains(void *fdt, int chosen, const struct domcfg *doms, int nr,
		       const struct module *mods, int nr_mods)
{
	int i, rc, mi = nr_mods;

	for (i = nr - 1; i >= 0; i--) {
		int n = doms[i].ramdisk ? 2 : 1;

		mi -= n;
		rc = add_domain_node(fdt, chosen, i, &doms[i], &mods[mi], n);
		if (rc)
			return rc;
	}
	return 0;
}

/* CPUs the hypervisor brings up: those of the machine, up to NR_CPUS. */
static unsigned int boot_cpus(const struct xl_opts *o)
{
	return o->smp < domcfg_limits.nr_cpus ? o->smp : domcfg_limits.nr_cpus;
}

void *bundle_domain_fdt(const struct domcfg *doms, int nr,
			struct module **mods_out, int *nr_mods_out)
{
	struct module *mods = xmalloc(sizeof(*mods) * (size_t)(2 * nr + 1));
	uint64_t addr = XL_BOOT_MEM_MAX; /* any address: not booted */
	size_t len = 4096;
	int nr_mods = 0, rc, chosen, i;
	void *fdt;

	for (i = 0; i < nr; i++) {
		/* check --no-files: a stand-in for the file not read. */
		uint64_t k = doms[i].kernel_size ? doms[i].kernel_size : 4096;
		uint64_t r = doms[i].ramdisk_size ? doms[i].ramdisk_size : 4096;

		mods[nr_mods++] = (struct module){ .kind = "kernel",
						   .addr = addr,
						   .size = k };
		addr += align_up(k, XL_BOOT_MEM_ALIGN);
		if (doms[i].ramdisk) {
			mods[nr_mods++] = (struct module){ .kind = "ramdisk",
							   .addr = addr,
							   .size = r };
			addr += align_up(r, XL_BOOT_MEM_ALIGN);
		}
		len += 1024 + (doms[i].cmdline ? strlen(doms[i].cmdline) : 0);
		len += 256 * doms[i].nr_shm; /* shm@N nodes */
		len += pt_bytes(&doms[i]);
	}
	fdt = xmalloc(len);
	rc = fdt_create_empty_tree(fdt, (int)len);
	chosen = rc ? rc : fdt_add_subnode(fdt, 0, "chosen");
	rc = chosen < 0 ? chosen :
			  fdt_setprop_u32(fdt, chosen, "#address-cells", 2);
	if (!rc)
		rc = fdt_setprop_u32(fdt, chosen, "#size-cells", 2);
	if (!rc)
		rc = add_domains(fdt, chosen, doms, nr, mods, nr_mods);
	if (rc) {
		/* Only a bug can get here: the tree is sized for the nodes. */
		msg("cannot write the domain nodes: %s", fdt_strerror(rc));
		exit(1);
	}
	*mods_out = mods;
	*nr_mods_out = nr_mods;
	return fdt;
}

int bundle_check(const struct xl_opts *o, const struct domcfg *doms, int nr,
		 char *err, size_t errlen)
{
	struct module *mods;
	int nr_mods, rc;
	void *fdt = bundle_domain_fdt(doms, nr, &mods, &nr_mods);

	rc = bundle_verify(fdt, doms, nr, mods, boot_cpus(o), err, errlen);
	free(fdt);
	free(mods);
	return rc;
}

static int write_dtb(const struct xl_opts *o, const char *in, const char *out,
		     const struct domcfg *doms, int nr, struct module *mods,
		     int nr_mods)
{
	size_t len, extra = 4096;
	uint64_t base, size;
	void *raw, *fdt = NULL;
	char why[512];
	int rc = -1, chosen, i;

	raw = read_file(in, &len);
	if (!raw || fdt_check_header(raw)) {
		msg("%s: not a device tree", in);
		goto out;
	}
	if (dtb_ram(raw, &base, &size)) {
		msg("%s: no /memory node", in);
		goto out;
	}
	if (place_modules(o, base, size, mods, nr_mods)) {
		msg("the boot modules do not fit in the host's %llu MiB of "
		    "RAM (use --mem)",
		    (unsigned long long)(size >> 20));
		goto out;
	}
	for (i = 0; i < nr; i++) {
		extra += 1024 +
			 (doms[i].cmdline ? strlen(doms[i].cmdline) : 0) +
			 256 * doms[i].nr_shm;
		extra += pt_bytes(&doms[i]);
	}
	/* A dtdev the machine lacks (disk and vif name real ones). */
	{
		struct domcfg_error *err = xmalloc(sizeof(*err));

		err->count = 0;
		if (domcfg_pt_check_dtdev(doms, nr, raw, err)) {
			for (i = 0; i < err->count && i < DOMCFG_MAX_ERRORS;
			     i++)
				msg("%s:%d: %s", err->diag[i].file,
				    err->diag[i].line, err->diag[i].msg);
			free(err);
			rc = BUNDLE_INVALID;
			goto out;
		}
		free(err);
	}
	len = fdt_totalsize(raw) + extra;
	fdt = xmalloc(len);
	rc = fdt_open_into(raw, fdt, (int)len);
	if (rc)
		goto fdt_err;
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		chosen = fdt_add_subnode(fdt, 0, "chosen");
	if (chosen < 0) {
		rc = chosen;
		goto fdt_err;
	}
	rc = fdt_setprop_u32(fdt, chosen, "#address-cells", 2);
	if (!rc)
		rc = fdt_setprop_u32(fdt, chosen, "#size-cells", 2);
	if (rc)
		goto fdt_err;
	rc = add_domains(fdt, chosen, doms, nr, mods, nr_mods);
	if (rc)
		goto fdt_err;
	fdt_pack(fdt);
	/* What the hypervisor will read, read now by its own parser. */
	if (bundle_verify(fdt, doms, nr, mods, boot_cpus(o), why,
			  sizeof(why))) {
		msg("%s", why);
		rc = -1;
		goto out;
	}
	rc = write_file(out, fdt, fdt_totalsize(fdt), 0644);
	if (rc) {
		msg("%s: %s", out, strerror(-rc));
		rc = -1;
	}
	goto out;
fdt_err:
	msg("%s: %s", in, fdt_strerror(rc));
	rc = -1;
out:
	free(raw);
	free(fdt);
	return rc;
}

static void write_cmdline(const char *dir, const struct strvec *argv)
{
	char *path = xasprintf("%s/%s", dir, BUNDLE_CMDLINE);
	char *run = xasprintf("%s/%s", dir, BUNDLE_RUN);
	size_t cap = 64, len = 0;
	char *line = xmalloc(cap), *sh;
	int i;

	line[0] = '\0';
	for (i = 0; i < argv->n; i++) {
		char *q = shell_quote(argv->v[i]);
		size_t ql = strlen(q);

		if (len + ql + 3 > cap) {
			cap = (len + ql + 3) * 2;
			line = realloc(line, cap);
			if (!line) {
				msg("out of memory");
				exit(1);
			}
		}
		if (i)
			line[len++] = ' ';
		memcpy(line + len, q, ql + 1);
		len += ql;
		free(q);
	}
	line[len++] = '\n';
	line[len] = '\0';
	if (write_file(path, line, len, 0644))
		msg("cannot write %s", path);
	/*
	 * Every file of the bundle is named relative to it, so the bundle
	 * can be moved or copied: run.sh boots from its own directory.
	 */
	sh = xasprintf("#!/bin/sh\n# Boots this xen-lite bundle; extra "
		       "arguments go to QEMU.\ncd \"$(dirname \"$0\")\" || "
		       "exit 1\nexec %.*s \"$@\"\n",
		       (int)len - 1, line);
	if (write_file(run, sh, strlen(sh), 0755))
		msg("cannot write %s", run);
	free(sh);
	free(line);
	free(path);
	free(run);
}

/*
 * Disks and NICs (docs/passthrough.md): each on the transport
 * domcfg_pt_assign() chose, named by its bus so that QEMU's own order of
 * filling transports does not matter. Images by absolute path (QEMU runs
 * in the bundle), commas doubled as QEMU's option syntax wants.
 */
static int pt_qemu_args(const struct domcfg *doms, int nr, struct strvec *argv)
{
	for (int i = 0; i < nr; i++) {
		const struct domcfg_pt *pt = &doms[i].pt;

		for (int j = 0; j < pt->nr_disks; j++) {
			const struct domcfg_disk *dk = &pt->disk[j];
			char *abs = realpath(dk->target, NULL), *esc, *e;

			if (!abs) {
				msg("%s: %s", dk->target, strerror(errno));
				return -1;
			}
			esc = e = xmalloc(2 * strlen(abs) + 1);
			for (const char *s = abs; *s; s++) {
				*e++ = *s;
				if (*s == ',')
					*e++ = ',';
			}
			*e = '\0';
			strvec_add(argv, "-drive");
			strvec_addf(argv,
				    "if=none,id=xl-%s-disk%d,file=%s,"
				    "format=raw%s",
				    doms[i].name, j, esc,
				    dk->ro ? ",readonly=on" : "");
			strvec_add(argv, "-device");
			strvec_addf(argv,
				    "virtio-blk-device,drive=xl-%s-disk%d,"
				    "bus=virtio-mmio-bus.%d",
				    doms[i].name, j, dk->transport);
			free(esc);
			free(abs);
		}
		for (int j = 0; j < pt->nr_vifs; j++) {
			const struct domcfg_vif *vf = &pt->vif[j];
			char fwd[1024] = "";

			/* domcfg.c wrote them ';'-separated, 127.0.0.1 only. */
			if (vf->hostfwd) {
				const char *s = vf->hostfwd;
				size_t n = 0;

				while (*s) {
					size_t l = strcspn(s, ";");

					n += (size_t)snprintf(fwd + n,
							      sizeof(fwd) - n,
							      ",hostfwd=%.*s",
							      (int)l, s);
					s += l + (s[l] == ';');
				}
			}
			strvec_add(argv, "-netdev");
			strvec_addf(argv, "user,id=xl-%s-net%d%s", doms[i].name,
				    j, fwd);
			strvec_add(argv, "-device");
			strvec_addf(argv,
				    "virtio-net-device,netdev=xl-%s-net%d,"
				    "bus=virtio-mmio-bus.%d%s%s",
				    doms[i].name, j, vf->transport,
				    vf->mac[0] ? ",mac=" : "", vf->mac);
		}
	}
	return 0;
}

int bundle_build(const struct xl_opts *o, const struct domcfg *doms, int nr,
		 struct strvec *argv)
{
	struct module *mods = xmalloc(sizeof(*mods) * (size_t)(2 * nr + 1));
	char *qdtb = NULL, *hdtb = NULL, *dir = NULL, *img;
	int nr_mods = 0, rc = -1, i;

	if (qemu_check(o))
		goto out;
	if (mkdir_p(o->outdir)) {
		msg("cannot create %s: %s", o->outdir, strerror(errno));
		goto out;
	}
	dir = realpath(o->outdir, NULL);
	if (!dir) {
		msg("%s: %s", o->outdir, strerror(errno));
		goto out;
	}
	for (i = 0; i < nr; i++) {
		mods[nr_mods].kind = "kernel";
		mods[nr_mods].src = doms[i].kernel;
		mods[nr_mods].size = doms[i].kernel_size;
		mods[nr_mods++].file =
			xasprintf("%s/%s.kernel", dir, doms[i].name);
		if (!doms[i].ramdisk)
			continue;
		mods[nr_mods].kind = "ramdisk";
		mods[nr_mods].src = doms[i].ramdisk;
		mods[nr_mods].size = doms[i].ramdisk_size;
		mods[nr_mods++].file =
			xasprintf("%s/%s.ramdisk", dir, doms[i].name);
	}
	qdtb = xasprintf("%s/%s", dir, BUNDLE_QEMU_DTB);
	hdtb = xasprintf("%s/%s", dir, BUNDLE_DTB);
	{
		struct xl_opts o2 = *o;

		o2.outdir = dir;
		if (dump_dtb(&o2, qdtb))
			goto out;
		rc = write_dtb(&o2, qdtb, hdtb, doms, nr, mods, nr_mods);
		if (rc)
			goto out;
		rc = -1;
	}
	for (i = 0; i < nr_mods; i++) {
		int err = copy_file(mods[i].src, mods[i].file);

		if (err) {
			msg("cannot copy %s to %s: %s", mods[i].src,
			    mods[i].file, strerror(-err));
			goto out;
		}
	}
	/*
	 * The bundle carries the hypervisor it was built for: a later
	 * rebuild of build/ARCH must not change what an existing bundle
	 * boots.
	 */
	img = hyp_image(o->root, o->arch);
	if (file_exists(img)) {
		char *dst = xasprintf("%s/%s", dir, BUNDLE_HYP);
		int err = copy_file(img, dst);

		free(dst);
		if (err) {
			msg("cannot copy %s into %s: %s", img, dir,
			    strerror(-err));
			free(img);
			goto out;
		}
	} else {
		msg("warning: %s is not built; the bundle has no %s and "
		    "%s cannot boot until it is rebuilt",
		    img, BUNDLE_HYP, BUNDLE_RUN);
	}
	free(img);

	machine_args(o, argv, NULL);
	strvec_add(argv, "-nographic");
	strvec_add(argv, "-serial");
	strvec_add(argv, "stdio");
	strvec_add(argv, "-monitor");
	strvec_add(argv, "none");
	if (!strcmp(o->arch->name, "riscv64")) {
		strvec_add(argv, "-bios");
		if (o->bios)
			strvec_add(argv, o->bios);
		else if (o->qemu_ver == 10)
			/* OpenSBI 1.5.1, from the same backports suite. */
			strvec_addf(argv, "%s/%s", o->root, QEMU10_OPENSBI);
		else
			strvec_add(argv, OPENSBI_FW);
	} else {
		strvec_add(argv, "-semihosting-config");
		strvec_add(argv, "enable=on,target=native");
	}
	/* Paths relative to the bundle: QEMU runs in its directory. */
	strvec_add(argv, "-kernel");
	strvec_add(argv, BUNDLE_HYP);
	strvec_add(argv, "-dtb");
	strvec_add(argv, BUNDLE_DTB);
	for (i = 0; i < nr_mods; i++) {
		strvec_add(argv, "-device");
		strvec_addf(argv,
			    "loader,file=%s,addr=0x%" PRIx64 ",force-raw=on",
			    strrchr(mods[i].file, '/') + 1, mods[i].addr);
	}
	if (pt_qemu_args(doms, nr, argv))
		goto out;
	if (o->icount) {
		strvec_add(argv, "-icount");
		strvec_add(argv, "shift=0");
	}
	if (o->gdb && o->gdb_port && o->gdb_port != 1234) {
		strvec_add(argv, "-gdb");
		strvec_addf(argv, "tcp::%u", o->gdb_port);
		strvec_add(argv, "-S");
	} else if (o->gdb) {
		strvec_add(argv, "-s");
		strvec_add(argv, "-S");
	}
	for (i = 0; i < o->qemu_args.n; i++)
		strvec_add(argv, o->qemu_args.v[i]);
	write_cmdline(dir, argv);
	rc = 0;
out:
	for (i = 0; i < nr_mods; i++)
		free(mods[i].file);
	free(mods);
	free(qdtb);
	free(hdtb);
	free(dir);
	return rc;
}

void bundle_remove(const char *dir)
{
	struct dirent *de;
	DIR *dp = opendir(dir);

	if (!dp)
		return;
	while ((de = readdir(dp))) {
		char *p;

		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		unlink(p);
		free(p);
	}
	closedir(dp);
	rmdir(dir);
}

/* ------------------------------------------------------------------ */
/* inspect */

static uint64_t get_u64(const void *fdt, int node, const char *name,
			bool *found)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, node, name, &len);
	*found = p && (len == 4 || len == 8);
	if (!*found)
		return 0;
	if (len == 4)
		return fdt32_to_cpu(p[0]);
	return ((uint64_t)fdt32_to_cpu(p[0]) << 32) | fdt32_to_cpu(p[1]);
}

static const char *get_str(const void *fdt, int node, const char *name)
{
	const char *s;
	int len;

	s = fdt_getprop(fdt, node, name, &len);
	if (!s || len < 1 || s[len - 1])
		return NULL;
	return s;
}

/* Find which bundle file QEMU loads at @addr, from the command line. */
static const char *module_file(const char *cmdline, uint64_t addr, char *buf,
			       size_t size)
{
	char key[40];
	const char *a, *f, *e;

	snprintf(key, sizeof(key), ",addr=0x%" PRIx64 ",", addr);
	a = cmdline ? strstr(cmdline, key) : NULL;
	if (!a)
		return "?";
	for (f = a; f > cmdline && strncmp(f, "file=", 5); f--)
		;
	f += 5;
	e = a;
	if ((size_t)(e - f) >= size)
		return "?";
	memcpy(buf, f, (size_t)(e - f));
	buf[e - f] = '\0';
	e = strrchr(buf, '/');
	return e ? e + 1 : buf;
}

static void inspect_domain(const void *fdt, int node, const char *cmdline)
{
	const fdt32_t *aff;
	const char *s;
	uint64_t v;
	bool found;
	int len, i, sub;

	/*
	 * The hypervisor gives the domain of /chosen/domain@N the ID N + 1
	 * (and keeps it across restarts): print that ID, as its log does.
	 */
	s = get_str(fdt, node, XL_BOOT_PROP_NAME);
	printf("domain %lu: %s (/chosen/%s)\n",
	       strtoul(fdt_get_name(fdt, node, NULL) + 7, NULL, 16) + 1,
	       s ? s : "(no name)", fdt_get_name(fdt, node, NULL));
	v = get_u64(fdt, node, XL_BOOT_PROP_MEMORY, &found);
	printf("  memory:        %llu MiB\n", (unsigned long long)(v >> 20));
	v = get_u64(fdt, node, XL_BOOT_PROP_VCPUS, &found);
	printf("  vcpus:         %llu\n", (unsigned long long)v);
	aff = fdt_getprop(fdt, node, XL_BOOT_PROP_CPU_AFFINITY, &len);
	printf("  cpus:          ");
	if (aff && len >= 4) {
		for (i = 0; i < len / 4; i++)
			printf("%s%u", i ? " " : "", fdt32_to_cpu(aff[i]));
		printf(" (vCPU i on the i-th CPU)\n");
	} else {
		printf("all (not pinned)\n");
	}
	v = get_u64(fdt, node, XL_BOOT_PROP_P2M_POOL_KB, &found);
	if (found)
		printf("  p2m_pool:      %llu KiB\n", (unsigned long long)v);
	else
		printf("  p2m_pool:      automatic\n");
	printf("  privileged:    %s\n",
	       fdt_getprop(fdt, node, XL_BOOT_PROP_PRIVILEGED, NULL) ? "yes" :
								       "no");
	s = get_str(fdt, node, XL_BOOT_PROP_ON_POWEROFF);
	printf("  on_poweroff:   %s\n", s ? s : "?");
	s = get_str(fdt, node, XL_BOOT_PROP_ON_REBOOT);
	printf("  on_reboot:     %s\n", s ? s : "?");
	s = get_str(fdt, node, XL_BOOT_PROP_ON_CRASH);
	printf("  on_crash:      %s\n", s ? s : "?");
	s = get_str(fdt, node, XL_BOOT_PROP_PV_MMU_POLICY);
	if (s)
		printf("  pv_mmu_policy: %s\n", s);
	s = get_str(fdt, node, XL_BOOT_PROP_MMIO_FAULT);
	printf("  mmio_fault:    %s\n", s ? s : "inject");
	s = get_str(fdt, node, XL_BOOT_PROP_BOOTARGS);
	if (s)
		printf("  cmdline:       \"%s\"\n", s);
	/* Passthrough (docs/passthrough.md). */
	aff = fdt_getprop(fdt, node, XL_BOOT_PROP_IOMEM, &len);
	for (i = 0; aff && i + 6 <= len / 4; i += 6) {
		uint64_t h = (uint64_t)fdt32_to_cpu(aff[i]) << 32 |
			     fdt32_to_cpu(aff[i + 1]);
		uint64_t g = (uint64_t)fdt32_to_cpu(aff[i + 2]) << 32 |
			     fdt32_to_cpu(aff[i + 3]);
		uint64_t z = (uint64_t)fdt32_to_cpu(aff[i + 4]) << 32 |
			     fdt32_to_cpu(aff[i + 5]);

		printf("  iomem:         0x%08" PRIx64 "-0x%08" PRIx64
		       " at guest 0x%08" PRIx64 "\n",
		       h, h + z - 1, g);
	}
	aff = fdt_getprop(fdt, node, XL_BOOT_PROP_IRQS, &len);
	if (aff && len >= 4) {
		printf("  irqs:          ");
		for (i = 0; i < len / 4; i++)
			printf("%s%u", i ? " " : "", fdt32_to_cpu(aff[i]));
		printf("\n");
	}
	s = fdt_getprop(fdt, node, XL_BOOT_PROP_DTDEV, &len);
	for (i = 0; s && i < len && s[len - 1] == '\0';
	     i += (int)strlen(s + i) + 1)
		printf("  dtdev:         %s\n", s + i);
	if (fdt_getprop(fdt, node, XL_BOOT_PROP_DIRECT_MAP, NULL))
		printf("  direct_map:    yes\n");
	fdt_for_each_subnode(sub, fdt, node) {
		const fdt32_t *reg = fdt_getprop(fdt, sub, "reg", &len);
		const char *c = get_str(fdt, sub, "compatible");
		char buf[PATH_MAX];
		uint64_t a, sz;

		if (c && !strcmp(c, XL_BOOT_COMPAT_SHM)) {
			const char *id = get_str(fdt, sub, XL_BOOT_PROP_SHM_ID),
				   *role = get_str(fdt, sub,
						   XL_BOOT_PROP_SHM_ROLE),
				   *acc = get_str(fdt, sub,
						  XL_BOOT_PROP_SHM_ACCESS);

			a = get_u64(fdt, sub, XL_BOOT_PROP_SHM_GPA, &found);
			sz = get_u64(fdt, sub, XL_BOOT_PROP_SHM_SIZE, &found);
			printf("  shm            0x%08" PRIx64 "-0x%08" PRIx64
			       " (%" PRIu64 " bytes) id=%s role=%s access=%s\n",
			       a, a + sz - 1, sz, id ? id : "?",
			       role ? role : "?", acc ? acc : "?");
			continue;
		}
		if (!reg || len != 16 || !c)
			continue;
		a = ((uint64_t)fdt32_to_cpu(reg[0]) << 32) |
		    fdt32_to_cpu(reg[1]);
		sz = ((uint64_t)fdt32_to_cpu(reg[2]) << 32) |
		     fdt32_to_cpu(reg[3]);
		printf("  %-14s 0x%08" PRIx64 "-0x%08" PRIx64 " (%" PRIu64
		       " bytes) %s\n",
		       !strncmp(c, "xen-lite,", 9) ? c + 9 : c, a, a + sz - 1,
		       sz, module_file(cmdline, a, buf, sizeof(buf)));
	}
}

int bundle_inspect(const char *dir)
{
	char *dtb = xasprintf("%s/%s", dir, BUNDLE_DTB);
	char *cmd = xasprintf("%s/%s", dir, BUNDLE_CMDLINE);
	char *fdt, *cmdline;
	int rc = 1, node, ncpu = 0, chosen;
	const char *model;
	uint64_t base, size;
	size_t len;

	fdt = read_file(dtb, &len);
	if (!fdt) {
		msg("%s: %s", dtb, strerror(errno));
		goto out_free;
	}
	if (len < sizeof(struct fdt_header) || fdt_check_full(fdt, len)) {
		msg("%s: not a device tree", dtb);
		free(fdt);
		goto out_free;
	}
	cmdline = read_file(cmd, NULL);
	printf("bundle:  %s\n", dir);
	model = get_str(fdt, 0, "compatible");
	printf("machine: %s (%s)\n", model ? model : "?",
	       model && strstr(model, "riscv") ? "riscv64" : "arm64");
	node = fdt_path_offset(fdt, "/cpus");
	if (node >= 0) {
		int sub;

		fdt_for_each_subnode(sub, fdt, node) {
			const char *t = get_str(fdt, sub, "device_type");

			if (t && !strcmp(t, "cpu"))
				ncpu++;
		}
	}
	printf("cpus:    %d\n", ncpu);
	if (!dtb_ram(fdt, &base, &size))
		printf("ram:     0x%08" PRIx64 "-0x%08" PRIx64 " (%" PRIu64
		       " MiB)\n",
		       base, base + size - 1, size >> 20);
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen >= 0) {
		fdt_for_each_subnode(node, fdt, chosen) {
			const char *c = get_str(fdt, node, "compatible");

			if (c && !strcmp(c, XL_BOOT_COMPAT_DOMAIN))
				inspect_domain(fdt, node, cmdline);
		}
	}
	printf("command line:\n  %s", cmdline ? cmdline : "(missing)\n");
	free(cmdline);
	free(fdt);
	rc = 0;
out_free:
	free(dtb);
	free(cmd);
	return rc;
}
