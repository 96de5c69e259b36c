// SPDX-License-Identifier: GPL-2.0
/*
 * The host's IMSICs (RISC-V AIA specification 1.0, chapter 3): the
 * hypervisor's own S-level interrupt file on each hart (its IPIs and the
 * wired interrupts the APLIC turns into MSIs, aplic.c), and the hart's
 * guest interrupt files, handed to vCPUs (vimsic.c).
 *
 * The S-level file is reached through siselect/sireg and stopei; each
 * file also has a 4 KiB page whose seteipnum register any hart (or the
 * APLIC) writes to make an identity pending there. A hart's guest files
 * follow its S-level page (riscv,guest-index-bits: 2^bits pages per
 * hart, guest file n at page n).
 */
#include <libfdt.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/p2m.h>
#include <xen-lite/smp.h>
#include <asm/aia.h>
#include <asm/csr.h>
#include <asm/inject.h>
#include <asm/riscv.h>
#include <asm/system.h>
#include <asm/vimsic.h>

#define IMSIC_MAX_HARTS CONFIG_NR_CPUS

struct imsic_hart {
	unsigned long hartid;
	paddr_t pa; /* S-level file page */
	unsigned int index; /* hart index, as the APLIC targets it */
};

bool riscv_aia_imsic;

static struct imsic_hart harts[IMSIC_MAX_HARTS];
static unsigned int nr_harts;
static unsigned int guest_bits, nr_ids, geilen;
/* The vCPU using guest file n of each pCPU, or NULL. Atomic. */
static struct vcpu *gfile_owner[CONFIG_NR_CPUS][IMSIC_MAX_GUEST_FILES + 1];

static u32 dt_u32(const void *fdt, int node, const char *name, u32 def)
{
	const fdt32_t *p = fdt_getprop(fdt, node, name, NULL);

	return p ? fdt32_to_cpu(*p) : def;
}

static u64 read_cells(const fdt32_t *p, unsigned int n)
{
	u64 v = 0;

	while (n--) {
		v = (v << 32) | fdt32_to_cpu(*p++);
	}
	return v;
}

/* The hart ID of the CPU whose interrupt controller has @phandle. */
static int phandle_hartid(const void *fdt, u32 phandle, unsigned long *hartid)
{
	int intc = fdt_node_offset_by_phandle(fdt, phandle);
	int cpu = intc >= 0 ? fdt_parent_offset(fdt, intc) : -1;
	const fdt32_t *reg;
	int len;

	if (cpu < 0) {
		return -EINVAL;
	}
	reg = fdt_getprop(fdt, cpu, "reg", &len);
	if (!reg || len < 4) {
		return -EINVAL;
	}
	*hartid = len >= 8 ? read_cells(reg, 2) : fdt32_to_cpu(*reg);
	return 0;
}

bool aia_node_is_slevel(const void *fdt, int node)
{
	const fdt32_t *ie;
	int len;

	ie = fdt_getprop(fdt, node, "interrupts-extended", &len);
	return ie && len >= 8 && fdt32_to_cpu(ie[1]) == IRQ_S_EXT;
}

int imsic_probe(const void *fdt)
{
	const fdt32_t *ie, *reg;
	unsigned int ac, sc, hart_bits, i, nregs, r;
	int node, parent, len, rlen;
	u64 stride;

	node = fdt_node_offset_by_compatible(fdt, -1, "riscv,imsics");
	while (node >= 0 && !aia_node_is_slevel(fdt, node)) {
		node = fdt_node_offset_by_compatible(fdt, node, "riscv,imsics");
	}
	if (node < 0 || !riscv_features.ssaia) {
		return -ENODEV;
	}
	parent = fdt_parent_offset(fdt, node);
	ac = dt_u32(fdt, parent, "#address-cells", 2);
	sc = dt_u32(fdt, parent, "#size-cells", 2);
	ie = fdt_getprop(fdt, node, "interrupts-extended", &len);
	reg = fdt_getprop(fdt, node, "reg", &rlen);
	if (!ie || !reg || ac < 1 || ac > 2 || sc > 2 ||
	    rlen < (int)(4 * (ac + sc))) {
		return -EINVAL;
	}
	nr_ids = dt_u32(fdt, node, "riscv,num-ids", 0);
	guest_bits = dt_u32(fdt, node, "riscv,guest-index-bits", 0);
	hart_bits = dt_u32(fdt, node, "riscv,hart-index-bits", 0);
	if (!hart_bits) {
		/* The binding's default: enough bits for every hart listed. */
		while ((1U << hart_bits) < (unsigned int)len / 8) {
			hart_bits++;
		}
	}
	if (nr_ids < IMSIC_ID_SOURCE0 || guest_bits > 6 || hart_bits > 14) {
		return -EINVAL;
	}
	/*
	 * Hart i of interrupts-extended has the i-th page group, counting
	 * through the reg ranges in order (the binding's layout); its hart
	 * index is the page group number within the index bits.
	 */
	stride = (u64)IMSIC_PAGE_SIZE << guest_bits;
	nregs = rlen / (4 * (ac + sc));
	r = 0;
	{
		u64 base = read_cells(reg, ac);
		u64 size = read_cells(reg + ac, sc);
		u64 off = 0;

		for (i = 0;
		     i < (unsigned int)len / 8 && nr_harts < IMSIC_MAX_HARTS;
		     i++) {
			struct imsic_hart *h = &harts[nr_harts];

			if (off + stride > size) {
				if (++r >= nregs) {
					return -EINVAL;
				}
				base = read_cells(reg + r * (ac + sc), ac);
				size = read_cells(reg + r * (ac + sc) + ac, sc);
				off = 0;
				if (stride > size) {
					return -EINVAL;
				}
			}
			if (fdt32_to_cpu(ie[2 * i + 1]) != IRQ_S_EXT ||
			    phandle_hartid(fdt, fdt32_to_cpu(ie[2 * i]),
					   &h->hartid)) {
				return -EINVAL;
			}
			h->pa = base + off;
			h->index = (h->pa / stride) & ((1UL << hart_bits) - 1);
			off += stride;
			nr_harts++;
		}
	}
	riscv_aia_imsic = true;
	printk("riscv: IMSIC S-level files at %#llx, %u harts, %u identities, "
	       "guest-index-bits %u\n",
	       (unsigned long long)harts[0].pa, nr_harts, nr_ids, guest_bits);
	return 0;
}

int imsic_hart(unsigned long hartid, paddr_t *pa, unsigned int *index)
{
	unsigned int i;

	for (i = 0; i < nr_harts; i++) {
		if (harts[i].hartid == hartid) {
			*pa = harts[i].pa;
			*index = harts[i].index;
			return 0;
		}
	}
	return -ENOENT;
}

unsigned int imsic_guest_index_bits(void)
{
	return guest_bits;
}

static void file_write(unsigned long isel, unsigned long val)
{
	csr_write(CSR_SISELECT, isel);
	csr_write(CSR_SIREG, val);
}

void imsic_enable(unsigned int id, bool on)
{
	/* eie0 covers identities 0..63 on RV64; odd eie registers do not exist. */
	csr_write(CSR_SISELECT, IMSIC_EIE0 + (id / 64) * 2);
	if (on) {
		csr_set(CSR_SIREG, 1UL << (id % 64));
	} else {
		csr_clear(CSR_SIREG, 1UL << (id % 64));
	}
}

void imsic_cpu_init(unsigned int cpu)
{
	unsigned int i;

	/* Nothing enabled, nothing pending, then delivery on. */
	for (i = 0; i < (nr_ids + 64) / 64; i++) {
		file_write(IMSIC_EIE0 + 2 * i, 0);
		file_write(IMSIC_EIP0 + 2 * i, 0);
	}
	file_write(IMSIC_EITHRESHOLD, 0);
	file_write(IMSIC_EIDELIVERY, 1);
	imsic_enable(IMSIC_ID_IPI, true);
	if (!cpu) {
		/*
		 * GEILEN: hgeie bits 1..GEILEN are writable, the rest read 0
		 * (privileged spec 20211203, 8.2.4 "hgeie"). All harts alike.
		 */
		csr_write(CSR_HGEIE, ~0UL);
		geilen = __builtin_popcountl(csr_read(CSR_HGEIE));
		csr_write(CSR_HGEIE, 0);
		if (geilen > (1U << guest_bits) - 1) {
			/* Files the tree gives no page to cannot be used. */
			geilen = (1U << guest_bits) - 1;
		}
		printk("riscv: %u guest interrupt files per hart\n", geilen);
	}
}

unsigned int imsic_claim(void)
{
	/* A write of stopei claims what it reads (AIA 1.0, 3.9 "topei"). */
	return csr_swap(CSR_STOPEI, 0) >> IMSIC_TOPEI_ID_SHIFT;
}

void imsic_send(unsigned int cpu, unsigned int id)
{
	paddr_t pa;
	unsigned int index;

	if (cpu >= nr_cpu_ids || imsic_hart(pcpu_info[cpu].hwid, &pa, &index)) {
		return;
	}
	/* The MSI write: ordered after what the receiver is to see. */
	mb();
	*(volatile u32 *)(uintptr_t)(pa + IMSIC_SETEIPNUM_LE) = id;
}

void vimsic_hw_send(paddr_t pa, unsigned int id)
{
	mb();
	*(volatile u32 *)(uintptr_t)(pa + IMSIC_SETEIPNUM_LE) = id;
}

unsigned int imsic_nr_guest_files(void)
{
	return geilen;
}

paddr_t imsic_gfile_pa(unsigned int cpu, unsigned int n)
{
	paddr_t pa = 0;
	unsigned int index;

	if (cpu < nr_cpu_ids) {
		(void)imsic_hart(pcpu_info[cpu].hwid, &pa, &index);
	}
	return pa ? pa + (paddr_t)n * IMSIC_PAGE_SIZE : 0;
}

/*
 * Guest interrupt files for vCPUs (AIA 1.0, 5.2 "Hypervisor guest
 * external interrupts"): a vCPU of a domain with an AIA takes a free file
 * of its hart when it first runs there (vCPUs do not migrate); its page
 * is mapped at the vCPU's IMSIC page in the domain's stage 2 and
 * hstatus.VGEIN names it, so the guest's seteipnum writes, sireg and
 * stopei reach the file itself and the file's interrupt is the vCPU's
 * VSEIP. What the emulated file held so far is copied in. A vCPU that
 * finds none keeps its emulated file. While such a vCPU is blocked, its
 * bit in hgeie turns an interrupt of its file into a guest external
 * interrupt (SGEI, scause 12) here, which wakes it.
 */
static void gfile_write(unsigned long isel, unsigned long val)
{
	csr_write(CSR_VSISELECT, isel);
	csr_write(CSR_VSIREG, val);
}

void vimsic_hw_attach(struct vcpu *v, unsigned int cpu)
{
	struct vimsic *f = &v->arch.vimsic;
	struct domain *d = v->domain;
	unsigned long hs, isel, flags;
	unsigned int n, i;
	paddr_t pa;

	f->hw_tried = true;
	for (n = 1; n <= geilen; n++) {
		struct vcpu *none = NULL;

		if (__atomic_compare_exchange_n(&gfile_owner[cpu][n], &none, v,
						false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			break;
		}
	}
	if (n > geilen) {
		printk("domain %u vCPU%u: no guest interrupt file free on "
		       "CPU%u: IMSIC file emulated\n",
		       d->id, v->id, cpu);
		return;
	}
	pa = imsic_gfile_pa(cpu, n);
	if (!pa || p2m_set_entry(d->p2m,
				 gaddr_to_gfn(VIMSIC_BASE +
					      (paddr_t)v->id * IMSIC_PAGE_SIZE),
				 1, maddr_to_mfn(pa), p2m_mmio_direct_dev)) {
		__atomic_store_n(&gfile_owner[cpu][n], NULL, __ATOMIC_RELEASE);
		return;
	}
	/* The hypervisor reaches the file through vsireg under VGEIN = n. */
	hs = csr_read(CSR_HSTATUS);
	csr_write(CSR_HSTATUS,
		  (hs & ~HSTATUS_VGEIN) |
			  ((unsigned long)n << HSTATUS_VGEIN_SHIFT));
	isel = csr_read(CSR_VSISELECT);
	gfile_write(IMSIC_EIDELIVERY, 0);
	for (i = 0; i < (nr_ids + 64) / 64; i++) {
		gfile_write(IMSIC_EIE0 + 2 * i, 0);
		gfile_write(IMSIC_EIP0 + 2 * i, 0);
	}
	spin_lock_irqsave(&f->lock, flags);
	gfile_write(IMSIC_EITHRESHOLD, f->eithreshold);
	gfile_write(IMSIC_EIE0, f->eie);
	gfile_write(IMSIC_EIP0, f->eip);
	gfile_write(IMSIC_EIDELIVERY, f->eidelivery);
	f->eip = 0;
	f->hw_pa = pa;
	WRITE_ONCE(f->hw_file, n);
	WRITE_ONCE(v->arch.eip_level, false);
	spin_unlock_irqrestore(&f->lock, flags);
	csr_write(CSR_VSISELECT, isel);
	csr_write(CSR_HSTATUS, hs);
	v->arch.gregs.hstatus = (v->arch.gregs.hstatus & ~HSTATUS_VGEIN) |
				((unsigned long)n << HSTATUS_VGEIN_SHIFT);
	printk("domain %u vCPU%u: IMSIC guest file %u of CPU%u\n", d->id, v->id,
	       n, cpu);
}

/*
 * vimsic_sgei() calls in progress, per CPU: odd while one runs there. The
 * SGEI handler of a file's CPU reads the file's owner and notifies it;
 * vimsic_hw_detach(), on whichever CPU reaps the owner's domain, clears
 * the owner and then waits for a handler that may have read it before,
 * so that no notification reaches a vCPU after it is freed.
 */
static unsigned long sgei_seq[CONFIG_NR_CPUS];

void vimsic_hw_detach(struct vcpu *v, unsigned int cpu)
{
	unsigned int n = v->arch.vimsic.hw_file;
	struct vcpu *owner = v;
	unsigned long seq;

	if (!n || cpu >= CONFIG_NR_CPUS || n > IMSIC_MAX_GUEST_FILES) {
		return;
	}
	/* Its hgeie bit goes when the SGEI finds no owner. */
	__atomic_compare_exchange_n(&gfile_owner[cpu][n], &owner, NULL, false,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	WRITE_ONCE(v->arch.vimsic.hw_file, 0);
	/*
	 * A handler that began before the clear may hold @v: wait until it
	 * ends (a few dozen instructions with interrupts off). One that
	 * begins after it finds no owner. On @cpu itself a handler runs to
	 * its end before this code resumes.
	 */
	seq = __atomic_load_n(&sgei_seq[cpu], __ATOMIC_SEQ_CST);
	if (seq & 1) {
		while (__atomic_load_n(&sgei_seq[cpu], __ATOMIC_ACQUIRE) ==
		       seq) {
			cpu_relax();
		}
	}
}

void vimsic_sgei(void)
{
	unsigned int cpu = smp_processor_id();
	unsigned long bits = csr_read(CSR_HGEIP) & csr_read(CSR_HGEIE);

	csr_clear(CSR_HGEIE, bits);
	/* Before any owner is read (vimsic_hw_detach()). */
	__atomic_fetch_add(&sgei_seq[cpu], 1, __ATOMIC_SEQ_CST);
	while (bits) {
		unsigned int n = __builtin_ctzl(bits);
		struct vcpu *v;

		bits &= bits - 1;
		v = n <= IMSIC_MAX_GUEST_FILES ?
			    __atomic_load_n(&gfile_owner[cpu][n],
					    __ATOMIC_ACQUIRE) :
			    NULL;
		if (v) {
			riscv_vcpu_notify(v);
		}
	}
	__atomic_fetch_add(&sgei_seq[cpu], 1, __ATOMIC_RELEASE);
}
