// SPDX-License-Identifier: GPL-2.0
/*
 * Device passthrough (docs/passthrough.md): a domain's host devices, as
 * the CLI resolved them into the bundle (domain_config iomem, irqs,
 * dtdev): their MMIO mapped into the domain, their device tree nodes
 * copied into its tree, and the devices quiesced when it goes.
 */
#include <libfdt.h>
#include <xen-lite/console.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>
#include <xen-lite/passthrough.h>
#include <xen-lite/setup.h>
#include <xen-lite/vmmio.h>

#define FDT_TRY(x)                 \
	do {                       \
		int _r = (x);      \
		if (_r < 0)        \
			return _r; \
	} while (0)

/*
 * The host nodes given with dtdev (docs/passthrough.md), copied under the
 * guest's root: every property but the host's phandles, with the guest's
 * interrupt controller as interrupt-parent (its specifiers have the host
 * controller's form, so "interrupts" is copied as is). The nodes' reg are
 * host addresses, at the same guest addresses (iomem). Only nodes whose
 * parent has 2 address and 2 size cells, as the guest root has, and no
 * subnodes (a virtio-mmio transport has none).
 */
int passthrough_dt_nodes(struct domain *d, void *fdt)
{
	const void *host = bootinfo.fdt;

	for (unsigned int off = 0; off < d->cfg.dtdev_len;) {
		const char *path = d->cfg.dtdev + off;
		int node = fdt_path_offset(host, path), parent, prop;

		off += (unsigned int)strlen(path) + 1;
		parent = node < 0 ? node : fdt_parent_offset(host, node);
		if (parent < 0 || fdt_address_cells(host, parent) != 2 ||
		    fdt_size_cells(host, parent) != 2 ||
		    fdt_first_subnode(host, node) >= 0) {
			printk(XL_ERR "domain %s: dtdev %s: %s\n", d->name,
			       path,
			       node < 0 ? "not in the host device tree" :
					  "not a leaf node under 2 address "
					  "and 2 size cells");
			return -EINVAL;
		}
		FDT_TRY(fdt_begin_node(fdt, fdt_get_name(host, node, NULL)));
		fdt_for_each_property_offset(prop, host, node) {
			const char *name;
			int len;
			const void *val =
				fdt_getprop_by_offset(host, prop, &name, &len);

			if (!val || !strcmp(name, "phandle") ||
			    !strcmp(name, "interrupt-parent") ||
			    !strcmp(name, "interrupts-extended"))
				continue;
			FDT_TRY(fdt_property(fdt, name, val, len));
		}
		FDT_TRY(fdt_property_u32(fdt, "interrupt-parent",
					 arch_guest_intc_phandle()));
		FDT_TRY(fdt_end_node(fdt));
	}
	return 0;
}

#define VIRTIO_MMIO_MAGIC 0x74726976U /* "virt", virtio spec 4.2.2 */
#define VIRTIO_MMIO_STATUS 0x70

int passthrough_bind_irqs(struct domain *d)
{
	for (unsigned int i = 0; i < d->cfg.nr_irqs; i++) {
		int rc;

		/*
		 * The host UART's: the hypervisor drains its console through
		 * it. (On QEMU virt it is also the number of the domain's own
		 * emulated UART, which the arches refuse; a board where the
		 * two differ would otherwise hand the hypervisor's interrupt
		 * over.)
		 */
		if (console_irq_is(d->cfg.irqs[i])) {
			printk(XL_ERR "domain %s: irqs %u: the host console "
				      "UART's, which the hypervisor uses\n",
			       d->name, d->cfg.irqs[i]);
			return -EBUSY;
		}
		rc = arch_passthrough_irq_bind(d, d->cfg.irqs[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Where the hypervisor may access a device itself (a trapped window's
 * accesses, the reset at teardown): a register range of a node of the
 * host device tree (whose parent has 2 address and 2 size cells), and on
 * Arm inside the first GiB, which head.S maps Device-nGnRE (the rest of
 * its identity map is Normal memory). An address with no device behind
 * it would abort the hypervisor's own access; the domain itself gets
 * that abort on a range mapped into it.
 */
#ifdef CONFIG_ARCH_ARM64
#define HYP_DEVICE_END 0x40000000ULL
#else
#define HYP_DEVICE_END (~0ULL)
#endif

static bool host_device_at(paddr_t a, u64 size)
{
	const void *fdt = bootinfo.fdt;
	int node = -1;

	if (!fdt || a + size > HYP_DEVICE_END || a + size < a)
		return false;
	while ((node = fdt_next_node(fdt, node, NULL)) >= 0) {
		int parent = fdt_parent_offset(fdt, node), len;
		const fdt32_t *reg;

		if (parent < 0 || fdt_address_cells(fdt, parent) != 2 ||
		    fdt_size_cells(fdt, parent) != 2)
			continue;
		reg = fdt_getprop(fdt, node, "reg", &len);
		for (int k = 0; reg && k + 4 <= len / 4; k += 4) {
			u64 b = (u64)fdt32_to_cpu(reg[k]) << 32 |
				fdt32_to_cpu(reg[k + 1]);
			u64 n = (u64)fdt32_to_cpu(reg[k + 2]) << 32 |
				fdt32_to_cpu(reg[k + 3]);

			if (a >= b && a - b < n && n - (a - b) >= size)
				return true;
		}
	}
	return false;
}

void passthrough_teardown(struct domain *d)
{
	for (unsigned int i = 0; i < d->cfg.nr_irqs; i++)
		arch_passthrough_irq_unbind(d, d->cfg.irqs[i]);
	/*
	 * Only the start of each range: the CLI gives each transport its
	 * own range, and a read past a transport's 0x200 bytes may fault.
	 * Only ranges the build checked and gave the domain (iomem_live),
	 * with a device of the host's tree there that the hypervisor can
	 * reach (host_device_at()).
	 */
	for (unsigned int i = 0; i < d->cfg.nr_iomem; i++) {
		volatile u32 *regs =
			(volatile u32 *)(uintptr_t)d->cfg.iomem[i].hpa;
		u32 before;

		if (!(d->iomem_live & (1U << i)) ||
		    d->cfg.iomem[i].size < 0x100 ||
		    !host_device_at(d->cfg.iomem[i].hpa, 0x100) ||
		    regs[0] != VIRTIO_MMIO_MAGIC)
			continue;
		before = regs[VIRTIO_MMIO_STATUS / 4];
		/* Writing 0 resets the device (virtio spec 4.2.2.1). */
		regs[VIRTIO_MMIO_STATUS / 4] = 0;
		printk("domain %u (%s): virtio-mmio device at %#llx reset "
		       "(status %#x -> %#x)\n",
		       d->id, d->name, (unsigned long long)d->cfg.iomem[i].hpa,
		       before, regs[VIRTIO_MMIO_STATUS / 4]);
	}
}

/* Does [@a, @a + @s) meet [@b, @b + @t)? */
static bool ranges_meet(u64 a, u64 s, u64 b, u64 t)
{
	return a < b + t && b < a + s;
}

/*
 * Map the domain's assigned MMIO (docs/passthrough.md) as device memory,
 * p2m_mmio_direct_dev: Device-nGnRE on Arm; on RISC-V the PMAs of the
 * host range, I/O on virt. A range is mapped by whole pages when the
 * domain has those pages whole (passthrough_iomem_whole()); else its
 * pages stay unmapped and trap (passthrough_trap_range()), so that the
 * domain reaches its own window and nothing else of the page. The bundle
 * is checked again here, as hostile input: no host RAM, no device the
 * hypervisor drives (its management channel's page too), nothing over
 * the domain's RAM, its shm regions or its emulated devices (doorbells
 * too). The emulated windows are all
 * registered before (arch_domain_init()), the trapped pages after all
 * ranges were checked against them.
 */
/*
 * The management channel's transport (include/public/boot_schema.h): the
 * hypervisor's own, whole pages (arm64: the page of transports 24..31).
 */
#ifdef CONFIG_ARCH_ARM64
#define MGMT_PAGE XL_MGMT_PAGE_ARM64
#else
#define MGMT_PAGE XL_MGMT_ADDR_RISCV64
#endif

int passthrough_map_iomem(struct domain *d)
{
	const struct bi_device *own[] = { &bootinfo.uart, &bootinfo.intc };

	for (unsigned int i = 0; i < d->cfg.nr_iomem; i++) {
		const struct domain_iomem *io = &d->cfg.iomem[i];
		paddr_t hs = ROUNDDOWN(io->hpa, PAGE_SIZE);
		paddr_t gs = ROUNDDOWN(io->gpa, PAGE_SIZE);
		u64 len = ROUNDUP(io->hpa + io->size, PAGE_SIZE) - hs;
		int rc;

		if ((io->hpa ^ io->gpa) & (PAGE_SIZE - 1)) {
			printk(XL_ERR "domain %s: iomem %#llx at guest %#llx: "
				      "not at the same offset in a page\n",
			       d->name, (unsigned long long)io->hpa,
			       (unsigned long long)io->gpa);
			return -EINVAL;
		}
		for (u64 off = 0; off < len; off += PAGE_SIZE) {
			if (mfn_valid(maddr_to_mfn(hs + off))) {
				printk(XL_ERR "domain %s: iomem %#llx is RAM\n",
				       d->name, (unsigned long long)(hs + off));
				return -EINVAL;
			}
			if (vmmio_find(d, gs + off)) {
				printk(XL_ERR "domain %s: iomem at guest %#llx "
					      "overlaps an emulated device\n",
				       d->name, (unsigned long long)(gs + off));
				return -EINVAL;
			}
		}
		for (unsigned int k = 0; k < ARRAY_SIZE(own); k++) {
			for (u32 r = 0; r < own[k]->nr_regs; r++) {
				if (!ranges_meet(hs, len, own[k]->regs[r].start,
						 own[k]->regs[r].size))
					continue;
				printk(XL_ERR "domain %s: iomem %#llx is the "
					      "hypervisor's %s\n",
				       d->name, (unsigned long long)hs,
				       own[k]->compatible);
				return -EINVAL;
			}
		}
		if (ranges_meet(hs, len, MGMT_PAGE, PAGE_SIZE)) {
			printk(XL_ERR "domain %s: iomem %#llx is the "
				      "hypervisor's management channel\n",
			       d->name, (unsigned long long)hs);
			return -EINVAL;
		}
		for (u32 r = 0; r < d->cfg.nr_shm; r++) {
			if (!ranges_meet(gs, len, d->cfg.shm[r].gpa,
					 d->cfg.shm[r].size))
				continue;
			printk(XL_ERR "domain %s: iomem at guest %#llx "
				      "overlaps its shm region %s\n",
			       d->name, (unsigned long long)gs,
			       d->cfg.shm[r].id);
			return -EINVAL;
		}
		if (ranges_meet(gs, len, d->ram_gpa, d->ram_bytes)) {
			printk(XL_ERR
			       "domain %s: iomem at guest %#llx overlaps "
			       "its RAM\n",
			       d->name, (unsigned long long)gs);
			return -EINVAL;
		}
		if (!passthrough_iomem_whole(&d->cfg, i))
			continue;
		rc = p2m_set_entry(d->p2m, gaddr_to_gfn(gs), len >> PAGE_SHIFT,
				   maddr_to_mfn(hs), p2m_mmio_direct_dev);
		if (rc) {
			printk(XL_ERR
			       "domain %s: cannot map iomem %#llx (%d)\n",
			       d->name, (unsigned long long)hs, rc);
			return rc;
		}
		d->iomem_live |= 1U << i;
	}
	for (unsigned int i = 0; i < d->cfg.nr_iomem; i++) {
		int rc;

		if (passthrough_iomem_whole(&d->cfg, i))
			continue;
		if (!host_device_at(d->cfg.iomem[i].hpa,
				    d->cfg.iomem[i].size)) {
			printk(XL_ERR "domain %s: iomem %#llx+%#llx: smaller "
				      "than its pages, and no device of the "
				      "host's tree the hypervisor can reach "
				      "there to forward its accesses to\n",
			       d->name, (unsigned long long)d->cfg.iomem[i].hpa,
			       (unsigned long long)d->cfg.iomem[i].size);
			return -EINVAL;
		}
		rc = passthrough_trap_range(d, i);
		if (rc) {
			printk(XL_ERR
			       "domain %s: cannot trap iomem %#llx+%#llx "
			       "(%d)\n",
			       d->name, (unsigned long long)d->cfg.iomem[i].hpa,
			       (unsigned long long)d->cfg.iomem[i].size, rc);
			return rc;
		}
		d->iomem_live |= 1U << i;
		printk("domain %u (%s): iomem %#llx+%#llx trapped (a window "
		       "in a page it does not have whole)\n",
		       d->id, d->name, (unsigned long long)d->cfg.iomem[i].hpa,
		       (unsigned long long)d->cfg.iomem[i].size);
	}
	return 0;
}
