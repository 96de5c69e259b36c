// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the virtual GICv2 of a GICv2 host
 * (arch/arm/vgic-v2.c, the distributor register file and GICD_SGIR;
 * vgic-mmio.c, the registers it shares with GICv3; vgic.c, the state and
 * the list registers, with GICH a buffer) driven by a guest's arbitrary
 * accesses from any of its vCPUs, interrupt injections and line changes
 * from devices, and entries/exits with arbitrary guest activity on the
 * list registers in between.
 *
 * Checked against Arm IHI 0048B and the emulation's documented rules
 * (the comment at the top of vgic-v2.c):
 *  - an access is refused (-EINVAL) exactly when it is not a naturally
 *    aligned word, or a byte outside IPRIORITYR, ITARGETSR, CPENDSGIR
 *    and SPENDSGIR; everything else in the 4 KiB frame answers;
 *  - GICD_ISENABLER/ICENABLER and IPRIORITYR read back what a model of
 *    the set/clear writes says (banked for INTID 0..31 per vCPU);
 *    IPRIORITYR keeps the top 5 bits; ITARGETSR0..7 read the reader's
 *    own bit; an SPI's target is a vCPU that exists;
 *  - an SGI's source is a vCPU that exists;
 *  - after an entry: at most the implemented number of list registers
 *    hold interrupts, each INTID at most once, each with the state,
 *    priority, group, HW/EOI and (SGIs) source of its interrupt; after
 *    the exit no interrupt is left marked as in a list register and the
 *    virtual interface is off (GICH_HCR = 0).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/p2m.h>
#include <xen-lite/smp.h>
#include <xen-lite/vmmio.h>
#include <asm/gic-v2.h>
#include <asm/gic-v3.h>
#include <asm/vgic.h>

#include "fuzz_check.h"

#define NR_VCPUS 3
#define NR_LRS 4

struct gic_info gic_info;
const char *gic_probing;
bool gic_is_v2;

static struct domain dom;
static struct vcpu vcpus[NR_VCPUS];
static u32 gich[0x200 / 4];
/* The work pending word's CPUs (xen-lite/work.h): vCPUs sit on CPU 0. */
struct pcpu pcpu_info[CONFIG_NR_CPUS];
struct pcpu *fuzz_this_cpu = &pcpu_info[0];

/* The model: enables and priorities, private ones per vCPU. */
static bool m_en[NR_VCPUS][VGIC_NR_IRQS];
static u8 m_prio[NR_VCPUS][VGIC_NR_IRQS];

void vcpu_wake(struct vcpu *v)
{
}

void vcpu_kick(struct vcpu *v)
{
}

void printk(const char *fmt, ...)
{
}

/* The host distributor of forwarded SPIs (none bound here). */
void gic_route_spi(unsigned int irq, unsigned int cpu)
{
}

void gic_spi_enable(unsigned int irq, bool on)
{
}

bool gic_spi_clear_active(unsigned int irq)
{
	return false;
}

int p2m_set_entry(struct p2m_domain *p2m, gfn_t gfn, u64 nr, mfn_t mfn,
		  p2m_type_t t)
{
	return 0;
}

u64 xl_host_sysreg_read(const char *name)
{
	CHECK(!"GICv3 system register read on a GICv2 host");
	return 0;
}

void xl_host_sysreg_write(const char *name, u64 val)
{
	CHECK(!"GICv3 system register write on a GICv2 host");
}

void xl_host_insn(const char *insn, u64 arg)
{
}

static void reset(void)
{
	memset(&dom, 0, sizeof(dom));
	memset(vcpus, 0, sizeof(vcpus));
	memset(gich, 0, sizeof(gich));
	memset(m_en, 0, sizeof(m_en));
	memset(m_prio, 0, sizeof(m_prio));
	gic_is_v2 = true;
	gic_info.nr_lrs = NR_LRS;
	gic_info.hyp_base = (paddr_t)(uintptr_t)gich;
	gic_info.vcpu_base = 0x08040000;
	dom.cfg.vcpus = NR_VCPUS;
	dom.nr_vcpus = NR_VCPUS;
	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		vcpus[i].id = i;
		vcpus[i].domain = &dom;
		vcpus[i].state = VCPU_RUNNABLE;
		vcpus[i].arch.vmpidr = i;
		dom.vcpus[i] = &vcpus[i];
		vgic_vcpu_init(&vcpus[i]);
	}
	CHECK(vgic_domain_init(&dom) == 0);
	CHECK(vgic_v2_domain_init(&dom) == 0);
}

static bool byte_ok(unsigned int off)
{
	return (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x400) ||
	       (off >= GICD_ITARGETSR && off < GICD_ITARGETSR + 0x400) ||
	       (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 0x10);
}

/* The model's vCPU index of INTID @irq for an access by @v. */
static unsigned int bank(unsigned int v, unsigned int irq)
{
	return irq < 32 ? v : 0;
}

static void model_write(unsigned int v, unsigned int off, unsigned int size,
			u32 val)
{
	if (size == 4 && off >= GICD_ISENABLER && off < GICD_ICENABLER + 0x80) {
		bool set = off < GICD_ICENABLER;
		unsigned int first = (off & 0x7f) * 8;

		for (unsigned int n = 0; n < 32; n++) {
			unsigned int irq = first + n;

			if (irq < VGIC_NR_IRQS && (val >> n & 1))
				m_en[bank(v, irq)][irq] = set;
		}
	}
	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x400) {
		for (unsigned int n = 0; n < size; n++) {
			unsigned int irq = off - GICD_IPRIORITYR + n;

			if (irq < VGIC_NR_IRQS)
				m_prio[bank(v, irq)][irq] = (val >> (8 * n)) &
							    0xf8;
		}
	}
}

static void model_read(unsigned int v, unsigned int off, unsigned int size,
		       u64 got)
{
	if (size == 4 && off >= GICD_ISENABLER && off < GICD_ICENABLER + 0x80) {
		unsigned int first = (off & 0x7f) * 8;
		u32 want = 0;

		for (unsigned int n = 0; n < 32; n++) {
			unsigned int irq = first + n;

			if (irq < VGIC_NR_IRQS && m_en[bank(v, irq)][irq])
				want |= 1U << n;
		}
		CHECK(got == want);
	}
	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x400) {
		for (unsigned int n = 0; n < size; n++) {
			unsigned int irq = off - GICD_IPRIORITYR + n;
			u8 b = got >> (8 * n);

			CHECK(b == (irq < VGIC_NR_IRQS ?
					    m_prio[bank(v, irq)][irq] :
					    0));
		}
	}
	if (off >= GICD_ITARGETSR && off < GICD_ITARGETSR + 32) {
		for (unsigned int n = 0; n < size; n++)
			CHECK(((got >> (8 * n)) & 0xff) == 1U << v);
	}
	CHECK(size == 8 || got >> (8 * size) == 0);
}

static void access(unsigned int v, unsigned int off, unsigned int size,
		   bool write, u32 val)
{
	const struct vmmio_region *r = vmmio_find(&dom, VGIC_DIST_BASE + off);
	bool valid = IS_ALIGNED(off, size) &&
		     (size == 4 || (size == 1 && byte_ok(off)));
	u64 x = val;
	int rc;

	CHECK(r);
	rc = vmmio_emulate(&vcpus[v], r, VGIC_DIST_BASE + off, size, write, &x);
	CHECK(rc == 0 || rc == -EINVAL);
	CHECK((rc == 0) == valid);
	if (rc)
		return;
	if (write)
		model_write(v, off, size, val);
	else
		model_read(v, off, size, x);
}

static void check_state(void)
{
	for (unsigned int i = 0; i < VGIC_NR_SPIS; i++)
		CHECK(dom.arch.vgic.spi[i].target < NR_VCPUS);
	for (unsigned int v = 0; v < NR_VCPUS; v++)
		for (unsigned int i = 0; i < 16; i++)
			CHECK(vcpus[v].arch.vgic.priv[i].sgi_src < NR_VCPUS);
}

/* An entry of @v, guest activity @act on its LRs, and the exit. */
static void run(unsigned int v, u32 act)
{
	struct vcpu *t = &vcpus[v];
	bool seen[VGIC_NR_IRQS] = { false };
	unsigned int used = 0;

	vgic_flush_lrs(t);
	for (unsigned int n = 0; n < NR_LRS; n++) {
		u32 lr = gich[(GICH_LR0 + 4 * n) / 4];
		unsigned int vid = lr & GICH_LR_VID_MASK;
		struct vgic_irq *i;

		if (!(lr & (3U << GICH_LR_STATE_SHIFT)))
			continue;
		used++;
		CHECK(vid < VGIC_NR_IRQS && !seen[vid]);
		seen[vid] = true;
		i = vgic_get_irq(&dom, t, vid);
		CHECK(i && i->in_lr);
		CHECK((lr >> GICH_LR_PRIO_SHIFT & 0x1f) == i->priority >> 3);
		CHECK(!!(lr & GICH_LR_GROUP1) == i->group1);
		CHECK(!!(lr & GICH_LR_ACTIVE) == i->active);
		CHECK(!!(lr & GICH_LR_HW) == i->hw);
		if (i->hw)
			CHECK((lr >> GICH_LR_PID_SHIFT & 0x3ff) == vid);
		else if (vid < 16)
			CHECK((lr >> GICH_LR_CPUID_SHIFT & 7) == i->sgi_src);
		/* The guest: nothing, acknowledge, end, or both (2 bits). */
		switch ((act >> (2 * n)) & 3) {
		case 1:
			lr = (lr & ~(3U << 28)) | GICH_LR_ACTIVE;
			break;
		case 2:
			lr &= ~(3U << 28);
			break;
		case 3:
			lr = (lr & ~(3U << 28)) | 3U << 28;
			break;
		}
		gich[(GICH_LR0 + 4 * n) / 4] = lr;
	}
	CHECK(used <= NR_LRS);
	CHECK(gich[GICH_HCR / 4] & GICH_HCR_EN);
	vgic_sync_lrs(t);
	/*
	 * No underflow maintenance left on; the interface stays enabled for
	 * an entry that skips the flush (the work pending word).
	 */
	CHECK(gich[GICH_HCR / 4] == GICH_HCR_EN);
	for (unsigned int n = 0; n < NR_LRS; n++)
		CHECK(gich[(GICH_LR0 + 4 * n) / 4] == 0);
	for (unsigned int irq = 0; irq < VGIC_NR_IRQS; irq++) {
		struct vgic_irq *i = vgic_get_irq(&dom, t, irq);

		CHECK(!i->in_lr);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const unsigned int sizes[4] = { 1, 2, 4, 8 };
	size_t p = 0;

	reset();
	while (p + 8 <= size) {
		const u8 *b = data + p;
		unsigned int v = b[0] % NR_VCPUS;
		u32 val = b[4] | b[5] << 8 | b[6] << 16 | (u32)b[7] << 24;

		p += 8;
		switch (b[0] >> 6) {
		case 0:
		case 1: {
			/* Most inputs: a distributor access. */
			unsigned int off = (b[1] | b[2] << 8) & 0xfff;
			unsigned int sz = sizes[b[3] & 3];

			if (b[3] & 4) /* steer towards aligned accesses */
				off &= ~(sz - 1);
			access(v, off, sz, b[3] & 8, val);
			break;
		}
		case 2:
			if (b[1] & 1)
				vgic_set_line(&dom, 32 + b[2] % VGIC_NR_SPIS,
					      b[3] & 1);
			else
				vgic_inject(&dom, &vcpus[v],
					    b[2] % VGIC_NR_IRQS, b[3] & 1);
			break;
		default:
			run(v, val);
			break;
		}
		check_state();
	}
	return 0;
}
