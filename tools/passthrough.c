// SPDX-License-Identifier: GPL-2.0
/*
 * Passthrough across domains (docs/passthrough.md): the virtio-mmio
 * transports of QEMU's virt board given to disks and NICs, and the checks
 * that need every domain at once.
 */
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "domcfg.h"

/* A board's virtio-mmio transports (hw/riscv/virt.c, hw/arm/virt.c). */
struct transports {
	uint64_t base, stride;
	int count;
	uint32_t irq0; /* the interrupt of transport 0 (PLIC source, INTID) */
	const char *node_fmt; /* host DT path of transport n, by address */
	int reserved; /* the first of the management channel's (to the end) */
};

static const struct transports riscv_t = {
	0x10001000,
	0x1000,
	8,
	1,
	"/soc/virtio_mmio@%" PRIx64,
	XL_MGMT_TRANSPORT_RISCV64,
};

/* SPI 16 + n, INTID 48 + n. */
static const struct transports arm_t = {
	0x0a000000,
	0x200,
	32,
	48,
	"/virtio_mmio@%" PRIx64,
	XL_MGMT_FIRST_RESERVED_ARM64,
};

/* What the hypervisor drives itself, and the guest's emulated devices. */
struct window {
	uint64_t base, size;
	const char *what;
};

static const struct window riscv_hyp[] = {
	{ 0x100000, 0x1000, "the test finisher" },
	{ 0x2000000, 0x10000, "the CLINT" },
	{ 0xc000000, 0x4000000, "the PLIC" },
	{ 0x10000000, 0x1000, "the UART" },
};

static const struct window arm_hyp[] = {
	{ 0x08000000, 0x1000000, "the GIC" },
	{ 0x09000000, 0x1000, "the UART" },
};

static bool is_arm(void)
{
	return domcfg_arch && !strcmp(domcfg_arch, "arm64");
}

static bool meet(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

/* The interrupt the doorbell of shm slot @s raises (shared-memory.md). */
static uint32_t doorbell_irq(uint32_t s)
{
	return is_arm() ? 32 + XL_BOOT_SHM_SPI_BASE_ARM64 + s :
			  XL_BOOT_SHM_IRQ_BASE_RISCV64 + s;
}

/* The guest address of every domain's power button. */
static uint64_t pwrbtn_addr(void)
{
	return is_arm() ? XL_PWRBTN_ADDR_ARM64 : XL_PWRBTN_ADDR_RISCV64;
}

static int key_line(const struct domcfg *d, enum domcfg_key k)
{
	return d->line[k] ? d->line[k] : d->line[DOMCFG_K_NAME];
}

static uint64_t t_addr(const struct transports *t, int n)
{
	return t->base + (uint64_t)n * t->stride;
}

/* The transport a host DT path or an MMIO range names, or -1. */
static int t_of_path(const struct transports *t, const char *path)
{
	char buf[64];

	for (int n = 0; n < t->count; n++) {
		snprintf(buf, sizeof(buf), t->node_fmt, t_addr(t, n));
		if (!strcmp(buf, path))
			return n;
	}
	return -1;
}

static void add_transport(struct domcfg *d, const struct transports *t, int n,
			  bool with_dtdev)
{
	struct domcfg_pt *pt = &d->pt;
	char buf[64];

	if (with_dtdev) {
		snprintf(buf, sizeof(buf), t->node_fmt, t_addr(t, n));
		pt->dtdev[pt->nr_dtdev++] = strdup(buf);
	}
	/* Not again what the file's iomem and irqs already give. */
	for (int j = 0; j < pt->nr_iomem; j++) {
		if (pt->iomem[j].hpa <= t_addr(t, n) &&
		    pt->iomem[j].hpa + pt->iomem[j].size >=
			    t_addr(t, n) + t->stride &&
		    pt->iomem[j].gpa == pt->iomem[j].hpa)
			goto irq;
	}
	pt->iomem[pt->nr_iomem++] = (struct domcfg_iomem){
		.hpa = t_addr(t, n),
		.gpa = t_addr(t, n),
		.size = t->stride,
		.from_dtdev = true,
	};
irq:
	for (int j = 0; j < pt->nr_irqs; j++) {
		if (pt->irq[j] == t->irq0 + (uint32_t)n)
			return;
	}
	pt->irq[pt->nr_irqs++] = t->irq0 + (uint32_t)n;
}

/*
 * Owner (domain index) of each transport, FREE, or MGMT for the
 * management channel's (include/public/boot_schema.h), which no domain
 * gets.
 */
#define FREE (-1)
#define MGMT (-2)
static int owner[64];

/*
 * Claim the transports the domain files name (dtdev, iomem, irqs), so
 * that disks and NICs go elsewhere; a transport named twice is refused
 * with the other overlaps below.
 */
static void claim_named(struct domcfg *doms, int nr, const struct transports *t)
{
	for (int i = 0; i < nr; i++) {
		struct domcfg_pt *pt = &doms[i].pt;

		for (int j = 0; j < pt->nr_file_dtdev; j++) {
			int n = t_of_path(t, pt->dtdev[j]);

			if (n >= 0) {
				if (owner[n] == FREE)
					owner[n] = i;
				add_transport(&doms[i], t, n, false);
			}
		}
		for (int j = 0; j < pt->nr_file_iomem; j++) {
			for (int n = 0; n < t->count; n++) {
				if (meet(pt->iomem[j].hpa, pt->iomem[j].size,
					 t_addr(t, n), t->stride) &&
				    owner[n] == FREE)
					owner[n] = i;
			}
		}
	}
}

/*
 * The next free transport: the lowest. On arm64 it may share its page of
 * eight with another domain's transports; the hypervisor then traps the
 * page and checks each access against the domain's own 0x200-byte
 * windows (docs/passthrough.md, "Sub-page windows").
 */
static int next_transport(const struct transports *t)
{
	for (int n = 0; n < t->reserved; n++) {
		if (owner[n] == FREE)
			return n;
	}
	return -1;
}

static int assign(struct domcfg *doms, int nr, const struct transports *t,
		  struct domcfg_error *err)
{
	int rc = 0;

	for (int i = 0; i < nr; i++) {
		struct domcfg *d = &doms[i];
		struct domcfg_pt *pt = &d->pt;
		int order[DOMCFG_PT_MAX], eff[DOMCFG_PT_MAX], nd = pt->nr_disks;
		unsigned int used = 0; /* vdev letters taken, bit 0 = vda */

		if (!pt->nr_disks && !pt->nr_vifs)
			continue;
		pt->direct_map = true;
		/*
		 * Disks by vdev: Linux names virtio disks in device tree
		 * order, lowest address first. A disk without vdev takes the
		 * first name no other disk of the domain asks for, in file
		 * order ("rootfs.img" beside "...,vdev=vdb" is vda).
		 */
		for (int j = 0; j < nd; j++) {
			order[j] = j;
			eff[j] = pt->disk[j].vdev;
			if (eff[j] >= 0)
				used |= 1U << eff[j];
		}
		for (int j = 0; j < nd; j++) {
			if (eff[j] >= 0)
				continue;
			eff[j] = __builtin_ctz(~used);
			used |= 1U << eff[j];
		}
		for (int a = 0; a < nd; a++) {
			for (int b = a + 1; b < nd; b++) {
				int va = eff[order[a]], vb = eff[order[b]];

				if (vb < va) {
					int x = order[a];

					order[a] = order[b];
					order[b] = x;
				}
			}
		}
		for (int j = 0; j < nd + pt->nr_vifs; j++) {
			int n = next_transport(t);
			int *slot = j < nd ? &pt->disk[order[j]].transport :
					     &pt->vif[j - nd].transport;

			if (n < 0) {
				domcfg_diag(
					err, d->path,
					key_line(d, j < nd ? DOMCFG_K_DISK :
							     DOMCFG_K_VIF),
					"%s: no free virtio-mmio transport: "
					"the %s board has %d for domains",
					j < nd ? "disk" : "vif", domcfg_arch,
					t->reserved);
				rc = -EINVAL;
				break;
			}
			owner[n] = i;
			*slot = n;
			add_transport(d, t, n, true);
		}
	}
	return rc;
}

/*
 * arm64: a page of eight transports in which one domain got disks or NICs
 * and no other domain has anything is given to that domain whole: its
 * free transports (no device sits on them, none will: QEMU's devices are
 * fixed when it starts) become that domain's iomem too, so the hypervisor
 * maps the page instead of trapping every access to it (docs/passthrough.md
 * "Sub-page windows"; a 4 KiB disk read took three exits more,
 * docs/benchmarks.md "Disk passthrough"). A page shared by two domains
 * stays trapped. Not the management channel's page (reserved).
 */
static void whole_pages(struct domcfg *doms, int nr, const struct transports *t)
{
	int per = (int)(4096 / t->stride);

	if (per <= 1)
		return;
	for (int p = 0; p + per <= t->reserved; p += per) {
		int who = FREE, n, free;

		for (n = p; n < p + per; n++) {
			if (owner[n] == FREE)
				continue;
			if (who != FREE && owner[n] != who)
				break;
			who = owner[n];
		}
		if (n < p + per || who < 0 || who >= nr ||
		    (!doms[who].pt.nr_disks && !doms[who].pt.nr_vifs))
			continue;
		/* Only if all of them fit the bundle's iomem list. */
		for (n = p, free = 0; n < p + per; n++)
			free += owner[n] == FREE;
		if (doms[who].pt.nr_iomem + free > XL_BOOT_PT_MAX)
			continue;
		for (n = p; n < p + per; n++) {
			struct domcfg_pt *pt = &doms[who].pt;

			if (owner[n] != FREE)
				continue;
			owner[n] = who;
			pt->iomem[pt->nr_iomem++] = (struct domcfg_iomem){
				.hpa = t_addr(t, n),
				.gpa = t_addr(t, n),
				.size = t->stride,
				.from_dtdev = true,
			};
		}
	}
}

/* Does @pt have MMIO in transport @n? */
static bool has_transport(const struct domcfg_pt *pt,
			  const struct transports *t, uint32_t n)
{
	for (int m = 0; m < pt->nr_iomem; m++) {
		if (meet(pt->iomem[m].hpa, pt->iomem[m].size, t_addr(t, (int)n),
			 t->stride))
			return true;
	}
	return false;
}

static void check_ranges(struct domcfg *doms, int nr,
			 const struct domcfg_host *host,
			 const struct transports *t, struct domcfg_error *err)
{
	const struct window *hyp = is_arm() ? arm_hyp : riscv_hyp;
	int nhyp = is_arm() ? 2 : 4;
	uint64_t ram = is_arm() ? XL_BOOT_GUEST_RAM_BASE_ARM64 :
				  XL_BOOT_GUEST_RAM_BASE_RISCV64;

	for (int i = 0; i < nr; i++) {
		struct domcfg *d = &doms[i];
		struct domcfg_pt *pt = &d->pt;
		bool dma_told = false; /* one direct_map message a domain */

		for (int j = 0; j < pt->nr_iomem; j++) {
			const struct domcfg_iomem *io = &pt->iomem[j];
			int line = key_line(
				d, io->from_dtdev ?
					   (pt->nr_disks ? DOMCFG_K_DISK :
					    pt->nr_vifs	 ? DOMCFG_K_VIF :
							   DOMCFG_K_DTDEV) :
					   DOMCFG_K_IOMEM);
			const char *kn = !io->from_dtdev ? "iomem" :
					 pt->nr_disks	 ? "disk" :
					 pt->nr_vifs	 ? "vif" :
							   "dtdev";
			bool dma = false;

			if (meet(io->hpa, io->size, ram, host->ram_size))
				domcfg_diag(err, d->path, line,
					    "%s: 0x%" PRIx64 "+0x%" PRIx64
					    " overlaps host RAM",
					    kn, io->hpa, io->size);
			if (meet(io->gpa, io->size, ram, d->memory) &&
			    !pt->direct_map)
				domcfg_diag(err, d->path, line,
					    "%s: guest 0x%" PRIx64 "+0x%" PRIx64
					    " overlaps the domain's RAM",
					    kn, io->gpa, io->size);
			for (int h = 0; h < nhyp; h++) {
				if (meet(io->hpa, io->size, hyp[h].base,
					 hyp[h].size))
					domcfg_diag(err, d->path, line,
						    "%s: 0x%" PRIx64
						    "+0x%" PRIx64
						    " overlaps %s, which the "
						    "hypervisor drives",
						    kn, io->hpa, io->size,
						    hyp[h].what);
				else if (meet(io->gpa, io->size, hyp[h].base,
					      hyp[h].size))
					domcfg_diag(err, d->path, line,
						    "%s: guest 0x%" PRIx64
						    " overlaps the domain's "
						    "emulated %s",
						    kn, io->gpa,
						    hyp[h].what + 4);
			}
			/* Every domain's power button (boot_schema.h). */
			if (meet(io->gpa, io->size, pwrbtn_addr(),
				 is_arm() ? XL_PWRBTN_SIZE_ARM64 :
					    XL_PWRBTN_SIZE_RISCV64))
				domcfg_diag(err, d->path, line,
					    "%s: guest 0x%" PRIx64 "+0x%" PRIx64
					    " overlaps the domain's emulated "
					    "power button at 0x%" PRIx64,
					    kn, io->gpa, io->size,
					    pwrbtn_addr());
			if (meet(io->hpa, io->size, t_addr(t, t->reserved),
				 t_addr(t, t->count) - t_addr(t, t->reserved)))
				domcfg_diag(err, d->path, line,
					    "%s: 0x%" PRIx64 "+0x%" PRIx64
					    " overlaps %s, which the "
					    "hypervisor keeps for its "
					    "management channel",
					    kn, io->hpa, io->size,
					    is_arm() ?
						    "the page of virtio-mmio "
						    "transports 24-31" :
						    "virtio-mmio transport 7");
			/* Its own shm regions and their doorbell pages. */
			for (uint32_t s = 0; s < d->nr_shm; s++) {
				uint64_t db = XL_BOOT_SHM_DOORBELL_BASE +
					      s * XL_BOOT_SHM_DOORBELL_SIZE;

				if (meet(io->gpa, io->size, d->shm[s].gpa,
					 d->shm[s].size))
					domcfg_diag(err, d->path, line,
						    "%s: guest 0x%" PRIx64
						    "+0x%" PRIx64
						    " overlaps its shm region "
						    "'%s'",
						    kn, io->gpa, io->size,
						    d->shm[s].id);
				if (meet(io->gpa, io->size, db,
					 XL_BOOT_SHM_DOORBELL_SIZE))
					domcfg_diag(err, d->path, line,
						    "%s: guest 0x%" PRIx64
						    "+0x%" PRIx64
						    " overlaps the doorbell "
						    "page of its shm region "
						    "'%s'",
						    kn, io->gpa, io->size,
						    d->shm[s].id);
			}
			for (int n = 0; n < t->count; n++)
				dma |= meet(io->hpa, io->size, t_addr(t, n),
					    t->stride);
			if (dma && !pt->direct_map && !dma_told) {
				domcfg_diag(err, d->path, line,
					    "%s: 0x%" PRIx64
					    " is a virtio-mmio transport, a "
					    "DMA-capable device: its domain "
					    "needs direct_map = true",
					    kn, io->hpa);
				dma_told = true;
			}
			/* Another domain's ranges, each pair once. */
			for (int o = 0; o < i; o++) {
				const struct domcfg_pt *q = &doms[o].pt;

				for (int m = 0; m < q->nr_iomem; m++) {
					if (!meet(io->hpa, io->size,
						  q->iomem[m].hpa,
						  q->iomem[m].size))
						continue;
					domcfg_diag(err, d->path, line,
						    "%s: 0x%" PRIx64
						    "+0x%" PRIx64
						    " is also given to domain "
						    "%s (%s)",
						    kn, io->hpa, io->size,
						    doms[o].name, doms[o].path);
					m = q->nr_iomem;
					o = i;
				}
			}
		}
		for (int j = 0; j < pt->nr_irqs; j++) {
			int line = key_line(d, j < pt->nr_file_irqs ?
						       DOMCFG_K_IRQS :
						       DOMCFG_K_DISK);
			bool dma = pt->irq[j] >= t->irq0 &&
				   pt->irq[j] < t->irq0 + (uint32_t)t->count;

			if (!d->line[DOMCFG_K_DISK] && j >= pt->nr_file_irqs)
				line = key_line(d, d->line[DOMCFG_K_VIF] ?
							   DOMCFG_K_VIF :
							   DOMCFG_K_DTDEV);
			if (dma && !pt->direct_map && !dma_told) {
				domcfg_diag(err, d->path, line,
					    "irqs: %u is a virtio-mmio "
					    "transport's, a DMA-capable "
					    "device: its domain needs "
					    "direct_map = true",
					    pt->irq[j]);
				dma_told = true;
			}
			/* QEMU virt's UART: riscv64 PLIC 10, arm64 SPI 1. */
			if (pt->irq[j] == (is_arm() ? 33U : 10U))
				domcfg_diag(err, d->path, line,
					    "irqs: %u is the UART's, which the "
					    "hypervisor drives (and the "
					    "domain's emulated UART uses)",
					    pt->irq[j]);
			if (pt->irq[j] >= t->irq0 + (uint32_t)t->reserved &&
			    pt->irq[j] < t->irq0 + (uint32_t)t->count)
				domcfg_diag(err, d->path, line,
					    "irqs: %u is the interrupt of "
					    "virtio-mmio transport %u, which "
					    "the hypervisor keeps for its "
					    "management channel",
					    pt->irq[j], pt->irq[j] - t->irq0);
			if (pt->irq[j] == (is_arm() ? XL_PWRBTN_IRQ_ARM64 :
						      XL_PWRBTN_IRQ_RISCV64))
				domcfg_diag(err, d->path, line,
					    "irqs: %u is the interrupt of the "
					    "domain's emulated power button "
					    "('xen-lite shutdown')",
					    pt->irq[j]);
			for (uint32_t s = 0; s < d->nr_shm; s++) {
				if (pt->irq[j] != doorbell_irq(s))
					continue;
				domcfg_diag(err, d->path, line,
					    "irqs: %u is the doorbell "
					    "interrupt of its shm region '%s'",
					    pt->irq[j], d->shm[s].id);
			}
			for (int k = 0; k < j; k++) {
				if (pt->irq[k] == pt->irq[j] &&
				    j < pt->nr_file_irqs) {
					domcfg_diag(err, d->path, line,
						    "irqs: %u given twice",
						    pt->irq[j]);
					break;
				}
			}
			for (int o = 0; o < i; o++) {
				const struct domcfg_pt *q = &doms[o].pt;

				for (int m = 0; m < q->nr_irqs; m++) {
					if (q->irq[m] != pt->irq[j])
						continue;
					/*
					 * A transport's own interrupt, with
					 * its MMIO in both: said once, as
					 * the MMIO's "also given to".
					 */
					if (j >= pt->nr_file_irqs && dma &&
					    has_transport(q, t,
							  pt->irq[j] - t->irq0))
						break;
					domcfg_diag(
						err, d->path, line,
						"irqs: %u is already routed "
						"to domain %s (%s)",
						pt->irq[j], doms[o].name,
						doms[o].path);
					m = q->nr_irqs;
					o = i;
				}
			}
		}
	}
}

/*
 * One image, one disk: QEMU locks an image it opens, so a second -drive on
 * it fails at boot, and two guests writing one file corrupt it.
 */
static void check_images(const struct domcfg *doms, int nr,
			 struct domcfg_error *err)
{
	for (int i = 0; i < nr; i++) {
		for (int j = 0; j < doms[i].pt.nr_disks; j++) {
			const char *a = doms[i].pt.disk[j].target;
			char *ra = realpath(a, NULL);

			for (int o = 0; o <= i; o++) {
				int m, end = o < i ? doms[o].pt.nr_disks : j;

				for (m = 0; m < end; m++) {
					const char *b =
						doms[o].pt.disk[m].target;
					char *rb = realpath(b, NULL);
					bool same = ra && rb ? !strcmp(ra, rb) :
							       !strcmp(a, b);

					free(rb);
					if (same)
						break;
				}
				if (m == end)
					continue;
				domcfg_diag(err, doms[i].path,
					    key_line(&doms[i], DOMCFG_K_DISK),
					    "disk: '%s' is already a disk of "
					    "domain %s (%s)",
					    a, doms[o].name, doms[o].path);
				break;
			}
			free(ra);
		}
	}
}

int domcfg_pt_assign(struct domcfg *doms, int nr,
		     const struct domcfg_host *host, struct domcfg_error *err)
{
	const struct transports *t = is_arm() ? &arm_t : &riscv_t;
	int before = err->count;

	for (int n = 0; n < 64; n++)
		owner[n] = n < t->reserved ? FREE : MGMT;
	/* Again from the file's own lists: assign() may run twice. */
	for (int i = 0; i < nr; i++) {
		struct domcfg_pt *pt = &doms[i].pt;

		for (int j = pt->nr_file_dtdev; j < pt->nr_dtdev; j++)
			free(pt->dtdev[j]);
		pt->nr_dtdev = pt->nr_file_dtdev;
		pt->nr_iomem = pt->nr_file_iomem;
		pt->nr_irqs = pt->nr_file_irqs;
	}
	check_images(doms, nr, err);
	claim_named(doms, nr, t);
	if (assign(doms, nr, t, err))
		return -EINVAL;
	whole_pages(doms, nr, t);
	check_ranges(doms, nr, host, t, err);
	return err->count > before ? -EINVAL : 0;
}

int domcfg_pt_check_dtdev(const struct domcfg *doms, int nr, const void *tree,
			  struct domcfg_error *err)
{
	int before = err->count;

	for (int i = 0; i < nr; i++) {
		for (int j = 0; j < doms[i].pt.nr_file_dtdev; j++) {
			if (fdt_path_offset(tree, doms[i].pt.dtdev[j]) >= 0)
				continue;
			domcfg_diag(err, doms[i].path,
				    key_line(&doms[i], DOMCFG_K_DTDEV),
				    "dtdev: the host device tree has no node "
				    "%s",
				    doms[i].pt.dtdev[j]);
		}
	}
	return err->count > before ? -EINVAL : 0;
}

bool domcfg_pt_has_dtdev(const struct domcfg *doms, int nr)
{
	for (int i = 0; i < nr; i++) {
		if (doms[i].pt.nr_file_dtdev)
			return true;
	}
	return false;
}
