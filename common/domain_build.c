// SPDX-License-Identifier: GPL-2.0
/*
 * Building a domain: guest RAM (largest leaves the allocator and alignment
 * allow), the kernel (Linux Image header on both architectures, ELF64, or
 * raw), the ramdisk and a generated device tree, then the boot vCPU.
 *
 * Guest physical layout (GUEST_RAM_BASE = where QEMU virt puts RAM):
 *   [base + text_offset ...)    kernel (Image), or ELF segments, or raw
 *                               at base + GUEST_RAW_KERNEL_OFFSET
 *   [... dtb - ramdisk size)    ramdisk, page aligned, below the DTB
 *   [top - 2 MiB, + 64 KiB)     device tree
 */
#include <libfdt.h>
#include <xen-lite/arch.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/p2m.h>
#include <xen-lite/passthrough.h>
#include <xen-lite/setup.h>
#include <xen-lite/shm.h>

#define GUEST_DTB_MAX (64 * 1024)

/* Give @d 2^order frames at @gfn, mapped as RAM. */
static int map_ram_chunk(struct domain *d, gfn_t gfn, unsigned int order)
{
	struct page_info *pg = alloc_domain_pages(order, d->id, &d->page_list);

	if (!pg)
		return -ENOMEM;
	d->tot_pages += 1ULL << order;
	/* On failure the frames stay on page_list and are freed with @d. */
	return p2m_set_entry(d->p2m, gfn, 1ULL << order, page_to_mfn(pg),
			     p2m_ram_rw);
}

/* Pages [start, end) of a domain's RAM (from its base) mapped already. */
struct ram_hole {
	u64 start, end;
};

/*
 * Map fresh RAM over the domain's whole RAM range except @holes (sorted,
 * disjoint). Chunks are as large as the allocator has (up to 1 GiB):
 * fewer, larger blocks keep the build short, and the p2m maps each with
 * the largest leaves its alignment allows. Where the range is not 2 MiB
 * aligned (next to a hole), power-of-two chunks up to the next 2 MiB
 * boundary.
 */
static int populate_ram(struct domain *d, const struct ram_hole *holes,
			unsigned int nholes)
{
	u64 nr = d->ram_bytes >> PAGE_SHIFT;
	u64 g = d->ram_gpa >> PAGE_SHIFT;
	u64 done = 0;
	unsigned int h = 0;

	while (done < nr) {
		u64 limit = h < nholes ? MIN(holes[h].start, nr) : nr;
		u64 mis = (g + done) & ((1ULL << PAGE_ORDER_2M) - 1);
		unsigned int order;
		int rc;

		if (done >= limit) {
			if (h < nholes) {
				done = MAX(done, holes[h].end);
				h++;
			}
			continue;
		}
		order = 63 - __builtin_clzll(limit - done);
		order = MIN(order, PAGE_ORDER_1G);
		if (mis) /* up to the next 2 MiB boundary */
			order = MIN(
				order,
				63 - __builtin_clzll((1ULL << PAGE_ORDER_2M) -
						     mis));
		for (;;) {
			rc = map_ram_chunk(d, _gfn(g + done), order);
			if (rc != -ENOMEM || order == 0)
				break;
			order--;
		}
		if (rc)
			return rc;
		done += 1ULL << order;
	}
	return 0;
}

static u64 le64(const u8 *p)
{
	u64 v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static u32 le32(const u8 *p)
{
	return p[0] | (p[1] << 8) | (p[2] << 16) | ((u32)p[3] << 24);
}

static u16 le16(const u8 *p)
{
	return p[0] | (p[1] << 8);
}

#define IMAGE_MAGIC_ARM64 0x644d5241U /* "ARM\x64" at 0x38 */
#define IMAGE_MAGIC_RISCV 0x05435352U /* "RSC\x05" at 0x38 */

static bool in_guest_ram(struct domain *d, paddr_t gpa, u64 size)
{
	return gpa >= d->ram_gpa && size <= d->ram_bytes &&
	       gpa - d->ram_gpa <= d->ram_bytes - size;
}

static int load_elf(struct domain *d, const u8 *img, u64 size, paddr_t *entry,
		    paddr_t *end)
{
	u64 phoff = le64(img + 32);
	u16 phentsize = le16(img + 54), phnum = le16(img + 56);

	if (img[4] != 2 || img[5] != 1 || phentsize < 56 || phnum == 0 ||
	    phoff > size || (u64)phentsize * phnum > size - phoff)
		return -ENOEXEC;
	*end = d->ram_gpa;
	for (u16 i = 0; i < phnum; i++) {
		const u8 *ph = img + phoff + (u64)i * phentsize;
		u64 off = le64(ph + 8), paddr = le64(ph + 24);
		u64 filesz = le64(ph + 32), memsz = le64(ph + 40);
		int rc;

		if (le32(ph) != 1 /* PT_LOAD */)
			continue;
		if (filesz > memsz || off > size || filesz > size - off ||
		    !in_guest_ram(d, paddr, memsz))
			return -ENOEXEC;
		rc = copy_to_guest(d, paddr, img + off, filesz);
		if (rc)
			return rc;
		*end = MAX(*end, paddr + memsz);
	}
	*entry = le64(img + 24);
	return in_guest_ram(d, *entry, 4) ? 0 : -ENOEXEC;
}

static bool is_elf(const u8 *img, u64 size)
{
	return size >= 64 && img[0] == 0x7f && img[1] == 'E' && img[2] == 'L' &&
	       img[3] == 'F';
}

/*
 * Where an Image (Linux header, either architecture) or raw kernel goes:
 * [*load, *end) of guest RAM, entered at *load. Return: 0, or -ENOEXEC
 * for an image that does not fit.
 */
static int kernel_placement(struct domain *d, paddr_t *load, paddr_t *end)
{
	const u8 *img = maddr_to_virt(d->cfg.kernel_pa);
	u64 size = d->cfg.kernel_size;
	u32 magic = size >= 64 ? le32(img + 0x38) : 0;

	if (magic == IMAGE_MAGIC_ARM64 || magic == IMAGE_MAGIC_RISCV) {
		u64 text_offset = le64(img + 8);
		u64 image_size = le64(img + 16);

		if (!image_size)
			image_size = ROUNDUP(size, PAGE_SIZE) + (1ULL << 20);
		if (text_offset >= d->ram_bytes || image_size < size)
			return -ENOEXEC;
		*load = d->ram_gpa + text_offset;
		*end = *load + image_size;
		return in_guest_ram(d, *load, image_size) ? 0 : -ENOEXEC;
	}
	/*
	 * A raw binary goes where QEMU's -kernel puts one on this machine
	 * (GUEST_RAW_KERNEL_OFFSET): e.g. Debian's S-mode U-Boot, linked to
	 * run at RAM base + 2 MiB on RISC-V.
	 */
	*load = d->ram_gpa + GUEST_RAW_KERNEL_OFFSET;
	*end = *load + size;
	return in_guest_ram(d, *load, size) ? 0 : -ENOEXEC;
}

/*
 * Map the boot module [@pa, + @size) at @gpa by giving its own frames to
 * the domain instead of copying it (struct domain_config.modules_in_place):
 * a Linux kernel is tens of MiB, and copying it was most of a domain's
 * build time. The frames are freed with the domain. Return: the number of
 * pages mapped (0: not possible here, copy instead), or a negative errno.
 */
static s64 map_module_in_place(struct domain *d, paddr_t pa, u64 size,
			       paddr_t gpa)
{
	u64 nr = DIV_ROUND_UP(size, PAGE_SIZE);
	u64 tail = size & (PAGE_SIZE - 1);
	struct page_info *pg;
	int rc;

	if (((gpa | pa) & (PAGE_SIZE - 1)) ||
	    !in_guest_ram(d, gpa, nr << PAGE_SHIFT))
		return 0;
	pg = page_donate_module(&bootinfo, maddr_to_mfn(pa), nr, d->id,
				&d->page_list);
	if (!pg)
		return 0;
	d->tot_pages += nr;
	/* What follows the module in its last frame: the kernel's BSS. */
	if (tail)
		memset((u8 *)page_to_virt(pg + nr - 1) + tail, 0,
		       PAGE_SIZE - tail);
	rc = p2m_set_entry(d->p2m, gaddr_to_gfn(gpa), nr, page_to_mfn(pg),
			   p2m_ram_rw);
	return rc ? rc : (s64)nr;
}

/*
 * Where the ramdisk goes when mapped in place: as high as it fits below
 * the device tree and above the kernel, at the module's offset within
 * 2 MiB so that the p2m can use 2 MiB leaves. Return: 0 if it does not fit.
 */
static paddr_t ramdisk_in_place_gpa(struct domain *d, paddr_t kend,
				    paddr_t dtb_gpa)
{
	u64 size = d->cfg.ramdisk_size;
	u64 off = d->cfg.ramdisk_pa & ((2ULL << 20) - 1);
	paddr_t gpa;

	if (size + off + (2ULL << 20) > dtb_gpa - d->ram_gpa)
		return 0;
	gpa = ROUNDDOWN(dtb_gpa - size - off, 2ULL << 20) + off;
	return gpa >= ROUNDUP(kend, PAGE_SIZE) ? gpa : 0;
}

/*
 * Copy a boot module into the RAM of a domain being built, for a domain a
 * policy may restart (no module in place: the next build needs the
 * pristine module again). Unlike copy_to_guest(), one p2m lookup per leaf
 * (RAM is mapped in the largest blocks the allocator had, 2 MiB or 1 GiB)
 * instead of a lookup, a frame reference and the PV lock per page: the
 * domain is not listed yet (domain_create() lists it after the build) and
 * none of its vCPUs has run, so nothing can unmap, pin or free its RAM
 * meanwhile.
 * The bulk goes through arch_copy_blocks(). Return: 0, or -EFAULT if
 * [@gpa, + @len) is not all the domain's writable RAM.
 */
static int copy_module_to_guest(struct domain *d, paddr_t gpa, const u8 *src,
				u64 len)
{
	while (len) {
		unsigned int order;
		p2m_type_t t;
		mfn_t mfn = p2m_lookup(d->p2m, gaddr_to_gfn(gpa), &t, &order);
		u64 span = PAGE_SIZE << order;
		u64 n = MIN(len, span - (gpa & (span - 1)));
		u8 *dst;
		u64 bulk;

		if (mfn_eq(mfn, INVALID_MFN) || t != p2m_ram_rw)
			return -EFAULT;
		dst = (u8 *)maddr_to_virt(mfn_to_maddr(mfn)) +
		      (gpa & (PAGE_SIZE - 1));
		bulk = (((uintptr_t)dst | (uintptr_t)src) & 15) ? 0 :
								  n & ~127ULL;
		if (bulk)
			arch_copy_blocks(dst, src, bulk);
		memcpy(dst + bulk, src + bulk, n - bulk);
		src += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

/*
 * Load the kernel (@in_place: an Image or raw kernel already mapped by
 * map_module_in_place()). Return: 0 with the entry point and the end of
 * what the kernel occupies, or -ENOEXEC for an image that does not fit.
 */
static int load_kernel(struct domain *d, bool in_place, paddr_t *entry,
		       paddr_t *end)
{
	const u8 *img = maddr_to_virt(d->cfg.kernel_pa);
	int rc;

	if (is_elf(img, d->cfg.kernel_size))
		return load_elf(d, img, d->cfg.kernel_size, entry, end);
	rc = kernel_placement(d, entry, end);
	if (rc || in_place)
		return rc;
	return copy_module_to_guest(d, *entry, img, d->cfg.kernel_size);
}

#define FDT_TRY(x)                 \
	do {                       \
		int _r = (x);      \
		if (_r < 0)        \
			return _r; \
	} while (0)

/*
 * Seeds for the guest's entropy pool and KASLR (/chosen rng-seed and
 * kaslr-seed, as QEMU and firmware provide them): without them Linux
 * starts with an uninitialised CRNG and runs measurably slower. The
 * platform counter mixed by splitmix64 is not a cryptographic source;
 * it only makes every guest boot different.
 */
static u64 seed_next(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int guest_seed_props(struct domain *d, void *fdt)
{
	u64 state = arch_counter_read() ^ ((u64)d->id << 48);
	fdt64_t seed[8];
	int rc;

	for (unsigned int i = 0; i < ARRAY_SIZE(seed); i++)
		seed[i] = cpu_to_fdt64(seed_next(&state));
	rc = fdt_property(fdt, "rng-seed", seed, sizeof(seed));
	if (rc < 0)
		return rc;
	return fdt_property_u64(fdt, "kaslr-seed", seed_next(&state));
}

static int build_guest_dt(struct domain *d, void *fdt, paddr_t initrd,
			  u64 initrd_size)
{
	char node[48];
	fdt64_t reg[2];

	FDT_TRY(fdt_create(fdt, GUEST_DTB_MAX));
	FDT_TRY(fdt_finish_reservemap(fdt));
	FDT_TRY(fdt_begin_node(fdt, ""));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 2));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 2));
	FDT_TRY(fdt_property_string(fdt, "compatible", "xen-lite,guest"));
	snprintf(node, sizeof(node), "xen-lite guest %s", d->name);
	FDT_TRY(fdt_property_string(fdt, "model", node));

	FDT_TRY(fdt_begin_node(fdt, "chosen"));
	if (d->cfg.bootargs[0])
		FDT_TRY(fdt_property_string(fdt, "bootargs", d->cfg.bootargs));
	FDT_TRY(fdt_property_string(fdt, "stdout-path",
				    arch_guest_stdout_path()));
	FDT_TRY(guest_seed_props(d, fdt));
	if (initrd_size) {
		FDT_TRY(fdt_property_u64(fdt, "linux,initrd-start", initrd));
		FDT_TRY(fdt_property_u64(fdt, "linux,initrd-end",
					 initrd + initrd_size));
	}
	FDT_TRY(fdt_end_node(fdt));

	snprintf(node, sizeof(node), "memory@%llx",
		 (unsigned long long)d->ram_gpa);
	FDT_TRY(fdt_begin_node(fdt, node));
	FDT_TRY(fdt_property_string(fdt, "device_type", "memory"));
	reg[0] = cpu_to_fdt64(d->ram_gpa);
	reg[1] = cpu_to_fdt64(d->ram_bytes);
	FDT_TRY(fdt_property(fdt, "reg", reg, sizeof(reg)));
	FDT_TRY(fdt_end_node(fdt));

	FDT_TRY(fdt_begin_node(fdt, "hypervisor"));
	FDT_TRY(fdt_property_string(fdt, "compatible", "xen-lite,hypervisor"));
	FDT_TRY(fdt_property_u32(fdt, "xen-lite,domid", d->id));
	FDT_TRY(fdt_end_node(fdt));

	FDT_TRY(shm_guest_fdt(d, fdt));
	FDT_TRY(arch_guest_fdt_nodes(d, fdt));
	FDT_TRY(passthrough_dt_nodes(d, fdt));
	FDT_TRY(fdt_end_node(fdt));
	FDT_TRY(fdt_finish(fdt));
	return 0;
}

/*
 * direct_map (docs/passthrough.md): the domain's RAM is one run of host
 * RAM at the guest physical addresses equal to its host ones, so that a
 * device without an IOMMU, given guest addresses by the guest's driver,
 * reaches the right frames. The run comes from the buddy allocator like
 * any domain's RAM (the other domains' layouts do not change); it is at
 * least 2 MiB aligned (domain memory is a multiple of 2 MiB), as kernels
 * want their RAM base. At most 1 GiB (the allocator's largest block).
 */
static int place_direct_map(struct domain *d)
{
	u64 nr = d->ram_bytes >> PAGE_SHIFT;
	struct page_info *pg = alloc_domain_pages_run(nr, d->id, &d->page_list);

	if (!pg) {
		printk(XL_ERR "domain %s: direct_map: no run of %llu MiB of "
			      "host RAM free (at most 1 GiB)\n",
		       d->name, (unsigned long long)(d->ram_bytes >> 20));
		return -ENOMEM;
	}
	d->tot_pages += nr;
	d->ram_gpa = mfn_to_maddr(page_to_mfn(pg));
	return p2m_set_entry(d->p2m, gaddr_to_gfn(d->ram_gpa), nr,
			     page_to_mfn(pg), p2m_ram_rw);
}

int domain_build(struct domain *d)
{
	const u8 *img = maddr_to_virt(d->cfg.kernel_pa);
	paddr_t entry, kend, initrd = 0;
	paddr_t dtb_gpa;
	struct ram_hole holes[2];
	unsigned int nholes = 0;
	bool kernel_in_place = false, ramdisk_in_place = false;
	void *fdt;
	int rc;

	if (d->cfg.direct_map) {
		rc = place_direct_map(d);
		if (rc)
			return rc;
	}
	dtb_gpa = d->ram_gpa + d->ram_bytes - (2ULL << 20);
	/* A direct-mapped domain's RAM is one run: no module frames in it. */
	if (!d->cfg.direct_map && d->cfg.modules_in_place &&
	    !is_elf(img, d->cfg.kernel_size) && d->ram_bytes >= (4ULL << 20) &&
	    !kernel_placement(d, &entry, &kend) && kend <= dtb_gpa) {
		s64 n = map_module_in_place(d, d->cfg.kernel_pa,
					    d->cfg.kernel_size, entry);

		if (n > 0) {
			kernel_in_place = true;
			holes[nholes].start = (entry - d->ram_gpa) >>
					      PAGE_SHIFT;
			holes[nholes].end = holes[nholes].start + n;
			nholes++;
			if (d->cfg.ramdisk_size)
				initrd = ramdisk_in_place_gpa(d, kend, dtb_gpa);
		}
		if (n > 0 && initrd)
			n = map_module_in_place(d, d->cfg.ramdisk_pa,
						d->cfg.ramdisk_size, initrd);
		if (n > 0 && initrd) {
			ramdisk_in_place = true;
			holes[nholes].start = (initrd - d->ram_gpa) >>
					      PAGE_SHIFT;
			holes[nholes].end = holes[nholes].start + n;
			nholes++;
		}
		if (n < 0) {
			printk(XL_ERR
			       "domain %s: cannot map its boot modules (%lld)\n",
			       d->name, (long long)n);
			return (int)n;
		}
	}
	rc = d->cfg.direct_map ? 0 : populate_ram(d, holes, nholes);
	if (rc) {
		printk(XL_ERR
		       "domain %s: cannot populate %llu MiB of RAM (%d)\n",
		       d->name, (unsigned long long)(d->ram_bytes >> 20), rc);
		return rc;
	}
	rc = shm_map_domain(d);
	if (rc)
		return rc;
	rc = passthrough_map_iomem(d);
	if (rc)
		return rc;
	rc = passthrough_bind_irqs(d);
	if (rc)
		return rc;
	rc = load_kernel(d, kernel_in_place, &entry, &kend);
	if (rc) {
		printk(XL_ERR "domain %s: kernel image does not load (%d)\n",
		       d->name, rc);
		return rc;
	}
	if (d->ram_bytes < (4ULL << 20) || kend > dtb_gpa) {
		printk(XL_ERR
		       "domain %s: kernel leaves no room for the device tree\n",
		       d->name);
		return -ENOEXEC;
	}
	if (d->cfg.ramdisk_size && !ramdisk_in_place) {
		initrd = ROUNDDOWN(dtb_gpa - d->cfg.ramdisk_size, PAGE_SIZE);
		if (d->cfg.ramdisk_size > dtb_gpa - d->ram_gpa ||
		    initrd < ROUNDUP(kend, PAGE_SIZE)) {
			printk(XL_ERR
			       "domain %s: kernel and ramdisk do not fit in %llu MiB\n",
			       d->name,
			       (unsigned long long)(d->ram_bytes >> 20));
			return -ENOEXEC;
		}
		rc = copy_module_to_guest(d, initrd,
					  maddr_to_virt(d->cfg.ramdisk_pa),
					  d->cfg.ramdisk_size);
		if (rc)
			return rc;
	}
	fdt = xmalloc(GUEST_DTB_MAX);
	if (!fdt)
		return -ENOMEM;
	rc = build_guest_dt(d, fdt, initrd, d->cfg.ramdisk_size);
	if (!rc)
		rc = copy_to_guest(d, dtb_gpa, fdt, fdt_totalsize(fdt));
	xfree(fdt);
	if (rc) {
		printk(XL_ERR "domain %s: cannot build its device tree (%d)\n",
		       d->name, rc);
		return rc < 0 ? rc : -EINVAL;
	}
	arch_vcpu_reset(d->vcpus[0], entry, dtb_gpa);
	d->vcpus[0]->state = VCPU_RUNNABLE;
	printk("domain %u (%s): %llu MiB at %#llx, %u vCPU%s, kernel entry %#llx%s, dtb %#llx%s%s\n",
	       d->id, d->name, (unsigned long long)(d->ram_bytes >> 20),
	       (unsigned long long)d->ram_gpa, d->nr_vcpus,
	       d->nr_vcpus > 1 ? "s" : "", (unsigned long long)entry,
	       kernel_in_place ? " (in place)" : "",
	       (unsigned long long)dtb_gpa,
	       d->cfg.ramdisk_size ? ", ramdisk" : "",
	       ramdisk_in_place ? " (in place)" : "");
	return 0;
}
