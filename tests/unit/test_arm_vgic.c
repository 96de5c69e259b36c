// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the virtual GICv2 (arch/arm/vgic-v2.c: the distributor
 * register file, GICD_SGIR, the GICV mapping) and of the list register
 * logic it shares with the vGICv3 (arch/arm/vgic.c) on a GICv2 host: the
 * GICH frame is a buffer here, and the values written to GICH_LR<n> are
 * compared with the layout of Arm IHI 0048B 5.3.8. Two fake vCPUs, the
 * emulated distributor reached through common/vmmio.c as a guest access
 * would.
 */
#include <string.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/p2m.h>
#include <xen-lite/passthrough.h>
#include <xen-lite/smp.h>
#include <xen-lite/vmmio.h>
#include <xen-lite/work.h>
#include <asm/gic-v2.h>
#include <asm/gic-v3.h>
#include <asm/vgic.h>
#include <asm/vgic-direct.h>
#include "harness.h"

#define NR_LRS 4

struct gic_info gic_info;
const char *gic_probing;
bool gic_is_v2;

static struct domain dom;
static struct vcpu vcpus[3];
static int notified[3];
static u32 gich[0x200 / 4]; /* GICH_HCR .. GICH_LR<63> */
struct pcpu pcpu_info[CONFIG_NR_CPUS];
struct pcpu *fuzz_this_cpu = &pcpu_info[0];
static struct {
	int calls;
	u64 gfn, nr, mfn;
	p2m_type_t t;
} mapped;

/* Collaborators of vgic.c, vgic-mmio.c and vgic-v2.c */
void vcpu_wake(struct vcpu *v)
{
	notified[v->id]++;
}

void vcpu_kick(struct vcpu *v)
{
	notified[v->id]++;
}

void printk(const char *fmt, ...)
{
}

int p2m_set_entry(struct p2m_domain *p2m, gfn_t gfn, u64 nr, mfn_t mfn,
		  p2m_type_t t)
{
	mapped.calls++;
	mapped.gfn = gfn.g;
	mapped.nr = nr;
	mapped.mfn = mfn.m;
	mapped.t = t;
	return 0;
}

/* The host distributor for forwarded SPIs (vgic.c): recorded. */
static struct {
	int routed_to, enabled, cleared;
} host_spi;

void gic_route_spi(unsigned int irq, unsigned int cpu)
{
	host_spi.routed_to = (int)cpu;
}

void gic_spi_enable(unsigned int irq, bool on)
{
	host_spi.enabled = on;
}

bool gic_spi_clear_active(unsigned int irq)
{
	host_spi.cleared++;
	return true;
}

/*
 * The GICv3 registers: none in the GICv2 tests. The direct injection of
 * the virtual timer (asm/vgic-direct.h, GICv3 only) reads and writes
 * ICH_LR0_EL2, modelled here when v3_lr0 is on (and ICH_HCR_EL2, which
 * vgic_sync_lrs() writes).
 */
static bool v3_lr0;
static u64 ich_lr0, ich_hcr;

u64 xl_host_sysreg_read(const char *name)
{
	if (v3_lr0 && !strcmp(name, "S3_4_C12_C12_0")) {
		return ich_lr0;
	}
	xl_test_failed = 1;
	return 0;
}

void xl_host_sysreg_write(const char *name, u64 val)
{
	if (v3_lr0 && !strcmp(name, "S3_4_C12_C12_0")) {
		ich_lr0 = val;
		return;
	}
	if (v3_lr0 && !strcmp(name, "S3_4_C12_C11_0")) {
		ich_hcr = val;
		return;
	}
	xl_test_failed = 1;
}

void xl_host_insn(const char *insn, u64 arg)
{
}

static void setup(unsigned int nr)
{
	memset(&dom, 0, sizeof(dom));
	memset(vcpus, 0, sizeof(vcpus));
	memset(notified, 0, sizeof(notified));
	memset(gich, 0, sizeof(gich));
	memset(&mapped, 0, sizeof(mapped));
	gic_is_v2 = true;
	v3_lr0 = false;
	ich_lr0 = 0;
	ich_hcr = 0;
	gic_info.nr_lrs = NR_LRS;
	gic_info.hyp_base = (paddr_t)(uintptr_t)gich;
	gic_info.vcpu_base = 0x08040000;
	dom.id = 1;
	dom.cfg.vcpus = nr;
	dom.nr_vcpus = nr;
	for (unsigned int i = 0; i < nr; i++) {
		vcpus[i].id = i;
		vcpus[i].domain = &dom;
		vcpus[i].state = VCPU_BLOCKED;
		vcpus[i].arch.vmpidr = i;
		dom.vcpus[i] = &vcpus[i];
		vgic_vcpu_init(&vcpus[i]);
	}
	CHECK_EQ(vgic_domain_init(&dom), 0);
	CHECK_EQ(vgic_v2_domain_init(&dom), 0);
}

/* A guest access by vCPU @v to distributor offset @off. */
static int acc(unsigned int v, unsigned int off, unsigned int size, bool write,
	       u64 *val)
{
	paddr_t gpa = VGIC_DIST_BASE + off;
	const struct vmmio_region *r = vmmio_find(&dom, gpa);

	if (!r) {
		return -ENOENT;
	}
	return vmmio_emulate(&vcpus[v], r, gpa, size, write, val);
}

static u64 rd(unsigned int v, unsigned int off)
{
	u64 val = 0xdeadbeef;

	if (acc(v, off, 4, false, &val)) {
		diag("read of %#x refused", off);
		xl_test_failed = 1;
	}
	return val;
}

static void wr(unsigned int v, unsigned int off, u32 x)
{
	u64 val = x;

	if (acc(v, off, 4, true, &val)) {
		diag("write of %#x refused", off);
		xl_test_failed = 1;
	}
}

static u32 lr(unsigned int n)
{
	return gich[(GICH_LR0 + 4 * n) / 4];
}

TEST(vgic_v2_id_registers)
{
	setup(2);
	CHECK_EQ(rd(0, GICD_TYPER),
		 (u64)(VGIC_NR_IRQS / 32 - 1) | (1U << GICD_TYPER_CPUS_SHIFT));
	CHECK_EQ((rd(1, GICD_V2_PIDR2) >> 4) & 0xf, 2);
	CHECK_EQ(rd(0, GICD_IIDR), 0x43b);
	/* GICv3 registers are not there: RAZ */
	CHECK_EQ(rd(0, 0x0ffc & ~3U), 0);
}

TEST(vgic_v2_gicv_mapped_at_gicc)
{
	setup(2);
	CHECK_EQ(mapped.calls, 1);
	CHECK_EQ(mapped.gfn, VGIC_V2_CPU_BASE >> 12);
	CHECK_EQ(mapped.nr, 2);
	CHECK_EQ(mapped.mfn, 0x08040000 >> 12);
	CHECK_EQ(mapped.t, p2m_mmio_direct_dev);
	/* The GICv3 redistributor window is not registered. */
	CHECK(!vmmio_find(&dom, VGIC_REDIST_BASE));
	CHECK(!vmmio_find(&dom, VGIC_DIST_BASE + VGIC_V2_DIST_SIZE));
}

TEST(vgic_v2_too_many_vcpus)
{
	struct domain d = { 0 };

	d.cfg.vcpus = VGIC_V2_MAX_VCPUS + 1;
	CHECK_EQ(vgic_v2_domain_init(&d), -EINVAL);
	d.cfg.vcpus = VGIC_V2_MAX_VCPUS;
	CHECK_EQ(vgic_v2_domain_init(&d), 0);
}

TEST(vgic_v2_itargetsr)
{
	u64 val;

	setup(3);
	/* Banked, read-only: each byte is the reader's own interface. */
	CHECK_EQ(rd(0, GICD_ITARGETSR), 0x01010101);
	CHECK_EQ(rd(2, GICD_ITARGETSR + 28), 0x04040404);
	wr(1, GICD_ITARGETSR, 0xffffffff);
	CHECK_EQ(rd(1, GICD_ITARGETSR), 0x02020202);
	/* SPI 33: byte access; the lowest existing interface is the target */
	val = 0x06;
	CHECK_EQ(acc(0, GICD_ITARGETSR + 33, 1, true, &val), 0);
	CHECK_EQ(dom.arch.vgic.spi[1].target, 1);
	CHECK_EQ((rd(0, GICD_ITARGETSR + 32) >> 8) & 0xff, 0x06);
	/* Interfaces that do not exist are dropped. */
	wr(0, GICD_ITARGETSR + 32, 0xf8f8f8f8);
	CHECK_EQ(rd(0, GICD_ITARGETSR + 32), 0x00000000 | 0x00);
	CHECK_EQ(dom.arch.vgic.spi[0].target, 0);
	wr(0, GICD_ITARGETSR + 32, 0x04040404);
	CHECK_EQ(dom.arch.vgic.spi[3].target, 2);
}

TEST(vgic_v2_banked_enables)
{
	setup(2);
	wr(0, GICD_ISENABLER, 1U << 3);
	CHECK_EQ(rd(0, GICD_ISENABLER) & (1U << 3), 1U << 3);
	CHECK_EQ(rd(1, GICD_ISENABLER) & (1U << 3), 0);
	CHECK(vcpus[0].arch.vgic.priv[3].enabled);
	CHECK(!vcpus[1].arch.vgic.priv[3].enabled);
	/* SPIs are shared */
	wr(1, GICD_ISENABLER + 4, 1U << 1);
	CHECK_EQ(rd(0, GICD_ISENABLER + 4), 1U << 1);
	wr(0, GICD_ICENABLER + 4, 1U << 1);
	CHECK_EQ(rd(1, GICD_ISENABLER + 4), 0);
	/* Priorities: banked for 0..31, byte access */
	{
		u64 val = 0xa0;

		CHECK_EQ(acc(1, GICD_IPRIORITYR + 27, 1, true, &val), 0);
		CHECK_EQ(vcpus[1].arch.vgic.priv[27].priority, 0xa0);
		CHECK_EQ(vcpus[0].arch.vgic.priv[27].priority, 0);
	}
}

TEST(vgic_v2_sgir)
{
	setup(3);
	/* Target list: vCPU 1 and 2, SGI 5, from vCPU 0 */
	wr(0, GICD_SGIR, (0x6U << 16) | 5);
	CHECK(vcpus[1].arch.vgic.priv[5].pending);
	CHECK(vcpus[2].arch.vgic.priv[5].pending);
	CHECK(!vcpus[0].arch.vgic.priv[5].pending);
	CHECK_EQ(vcpus[1].arch.vgic.priv[5].sgi_src, 0);
	CHECK_EQ(notified[1], 1);
	CHECK_EQ(notified[2], 1);
	/* All but self, from vCPU 2 */
	wr(2, GICD_SGIR, GICD_SGIR_TARGET_OTHERS | 7);
	CHECK(vcpus[0].arch.vgic.priv[7].pending);
	CHECK(vcpus[1].arch.vgic.priv[7].pending);
	CHECK(!vcpus[2].arch.vgic.priv[7].pending);
	CHECK_EQ(vcpus[0].arch.vgic.priv[7].sgi_src, 2);
	/* Self */
	wr(1, GICD_SGIR, GICD_SGIR_TARGET_SELF | 9);
	CHECK(vcpus[1].arch.vgic.priv[9].pending);
	CHECK(!vcpus[0].arch.vgic.priv[9].pending);
	/* Filter 3 is reserved: nothing; a list naming no vCPU: nothing */
	wr(0, GICD_SGIR, (3U << 24) | 11);
	wr(0, GICD_SGIR, (0x80U << 16) | 12);
	for (unsigned int i = 0; i < 3; i++) {
		CHECK(!vcpus[i].arch.vgic.priv[11].pending);
		CHECK(!vcpus[i].arch.vgic.priv[12].pending);
	}
	/* Write-only */
	CHECK_EQ(rd(0, GICD_SGIR), 0);
	/* SPENDSGIR shows the source; CPENDSGIR with that bit clears it */
	CHECK_EQ((rd(1, GICD_SPENDSGIR + 4) >> 8) & 0xff, 1U << 0);
	CHECK_EQ((rd(1, GICD_SPENDSGIR + 4) >> 24) & 0xff, 1U << 2);
	wr(1, GICD_CPENDSGIR + 4, 1U << 8);
	CHECK(!vcpus[1].arch.vgic.priv[5].pending);
	{
		u64 val = 1U << 2;

		CHECK_EQ(acc(0, GICD_SPENDSGIR + 1, 1, true, &val), 0);
		CHECK(vcpus[0].arch.vgic.priv[1].pending);
		CHECK_EQ(vcpus[0].arch.vgic.priv[1].sgi_src, 2);
	}
}

/*
 * GICD_SPENDSGIR names sources by CPU interface bit: a bit of an
 * interface the domain does not have must not become a source (the
 * guest would read it back in GICV_IAR). Found by fuzz_arm_vgic.
 */
TEST(vgic_v2_spendsgir_absent_source)
{
	u64 val = 0x10; /* CPU interface 4 of a 3-vCPU domain */

	setup(3);
	CHECK_EQ(acc(0, GICD_SPENDSGIR + 5, 1, true, &val), 0);
	CHECK(!vcpus[0].arch.vgic.priv[5].pending);
	val = 0x14; /* 4 and 2: vCPU 2 */
	CHECK_EQ(acc(0, GICD_SPENDSGIR + 5, 1, true, &val), 0);
	CHECK(vcpus[0].arch.vgic.priv[5].pending);
	CHECK_EQ(vcpus[0].arch.vgic.priv[5].sgi_src, 2);
}

TEST(vgic_v2_hostile_accesses)
{
	u64 val = 0;

	setup(2);
	CHECK_EQ(acc(0, GICD_CTLR + 2, 2, false, &val), -EINVAL);
	CHECK_EQ(acc(0, GICD_CTLR + 1, 4, false, &val), -EINVAL);
	CHECK_EQ(acc(0, GICD_ISENABLER, 1, true, &val), -EINVAL);
	CHECK_EQ(acc(0, GICD_TYPER, 8, false, &val), -EINVAL);
	/* Beyond the 4 KiB distributor: no window */
	CHECK_EQ(acc(0, VGIC_V2_DIST_SIZE, 4, false, &val), -ENOENT);
	/* Read-only registers ignore writes */
	wr(0, GICD_TYPER, ~0U);
	CHECK_EQ(rd(0, GICD_TYPER) >> GICD_TYPER_CPUS_SHIFT & 7, 1);
	/* Every word of the frame answers a read without a fault */
	for (unsigned int off = 0; off < VGIC_V2_DIST_SIZE; off += 4) {
		CHECK_EQ(acc(1, off, 4, false, &val), 0);
	}
}

/* Enable the distributor and INTID @irq for vCPU @v, priority 0xa0. */
static void enable(unsigned int v, unsigned int irq)
{
	u64 val = 0xa0;

	wr(v, GICD_CTLR, 1);
	wr(v, GICD_ISENABLER + 4 * (irq / 32), 1U << (irq % 32));
	CHECK_EQ(acc(v, GICD_IPRIORITYR + irq, 1, true, &val), 0);
}

TEST(vgic_v2_lr_sgi_with_source)
{
	setup(2);
	enable(1, 5);
	wr(0, GICD_SGIR, (0x2U << 16) | 5); /* vCPU0 -> vCPU1 */
	vgic_flush_lrs(&vcpus[1]);
	/* VirtualID 5, CPUID 0, priority 0xa0 >> 3, pending, Group 0 */
	CHECK_EQ(lr(0), 5 | (0U << GICH_LR_CPUID_SHIFT) |
				(0xa0U >> 3) << GICH_LR_PRIO_SHIFT |
				GICH_LR_PENDING);
	CHECK_EQ(gich[GICH_HCR / 4], GICH_HCR_EN);
	/* The guest acknowledges and ends it: the LR is back to invalid */
	gich[GICH_LR0 / 4] = 0;
	vgic_sync_lrs(&vcpus[1]);
	CHECK(!vcpus[1].arch.vgic.priv[5].pending);
	CHECK(!vcpus[1].arch.vgic.priv[5].in_lr);
	/* UIE off, the interface left enabled for an entry without a flush */
	CHECK_EQ(gich[GICH_HCR / 4], GICH_HCR_EN);
	CHECK_EQ(lr(0), 0);

	/* From vCPU1 to vCPU0: CPUID 1 */
	enable(0, 6);
	wr(1, GICD_SGIR, (0x1U << 16) | 6);
	vgic_flush_lrs(&vcpus[0]);
	CHECK_EQ(lr(0) & (GICH_LR_VID_MASK | 7U << GICH_LR_CPUID_SHIFT),
		 6 | 1U << GICH_LR_CPUID_SHIFT);
	/* Still pending in the LR after the exit: it stays pending */
	vgic_sync_lrs(&vcpus[0]);
	CHECK(vcpus[0].arch.vgic.priv[6].pending);
}

TEST(vgic_v2_lr_hw_timer_and_level_spi)
{
	setup(2);
	enable(0, 27);
	vgic_inject(&dom, &vcpus[0], 27, true);
	vgic_flush_lrs(&vcpus[0]);
	/* HW = 1, PhysicalID 27 */
	CHECK_EQ(lr(0), 27 | GICH_LR_HW | 27U << GICH_LR_PID_SHIFT |
				(0xa0U >> 3) << GICH_LR_PRIO_SHIFT |
				GICH_LR_PENDING);
	gich[GICH_LR0 / 4] = (lr(0) & ~(3U << 28)) | GICH_LR_ACTIVE;
	vgic_sync_lrs(&vcpus[0]);
	CHECK(vcpus[0].arch.vgic.priv[27].active);

	/* A level SPI: EOI maintenance to resample the line, no HW */
	setup(2);
	enable(0, 33);
	vgic_set_line(&dom, 33, true);
	vgic_flush_lrs(&vcpus[0]);
	CHECK_EQ(lr(0), 33 | GICH_LR_EOI | (0xa0U >> 3) << GICH_LR_PRIO_SHIFT |
				GICH_LR_PENDING);
	/* Group 1 when the guest puts it there */
	gich[GICH_LR0 / 4] = 0;
	vgic_sync_lrs(&vcpus[0]);
	wr(0, GICD_IGROUPR + 4, 1U << 1);
	vgic_flush_lrs(&vcpus[0]);
	CHECK(lr(0) & GICH_LR_GROUP1);
}

TEST(vgic_v2_more_than_lrs)
{
	setup(1);
	for (unsigned int i = 0; i < NR_LRS + 2; i++) {
		enable(0, 40 + i);
		vgic_inject(&dom, NULL, 40 + i, false);
	}
	vgic_flush_lrs(&vcpus[0]);
	/* Four LRs used, the rest waits for the underflow maintenance IRQ */
	for (unsigned int n = 0; n < NR_LRS; n++) {
		CHECK_EQ(lr(n) & GICH_LR_VID_MASK, 40 + n);
	}
	CHECK_EQ(lr(NR_LRS), 0);
	CHECK_EQ(gich[GICH_HCR / 4], GICH_HCR_EN | GICH_HCR_UIE);
	for (unsigned int n = 0; n < NR_LRS; n++) {
		gich[(GICH_LR0 + 4 * n) / 4] = 0;
	}
	vgic_sync_lrs(&vcpus[0]);
	vgic_flush_lrs(&vcpus[0]);
	CHECK_EQ(lr(0) & GICH_LR_VID_MASK, 40 + NR_LRS);
	CHECK_EQ(lr(1) & GICH_LR_VID_MASK, 40 + NR_LRS + 1);
	CHECK_EQ(gich[GICH_HCR / 4], GICH_HCR_EN);
}

/*
 * The work pending word (xen-lite/work.h): the run loop skips
 * vgic_flush_lrs() while its CPU's word is empty, so every change that
 * can make an interrupt deliverable must raise WORK_IRQ on the CPU of the
 * vCPU it is for. vCPU n is placed on CPU n here.
 */
static void place_on_cpus(void)
{
	memset(pcpu_info, 0, sizeof(pcpu_info));
	for (unsigned int i = 0; i < dom.nr_vcpus; i++) {
		vcpus[i].processor = i;
		pcpu_info[i].id = i;
	}
}

static unsigned long take_word(unsigned int cpu)
{
	unsigned long w = pcpu_info[cpu].work;

	pcpu_info[cpu].work = 0;
	return w;
}

TEST(vgic_work_private_inject)
{
	setup(2);
	enable(1, 27);
	place_on_cpus();
	vgic_inject(&dom, &vcpus[1], 27, true);
	CHECK(take_word(1) & WORK_IRQ);
	CHECK_EQ(take_word(0), 0);
	/* An SGI from vCPU0's GICD_SGIR to vCPU1 */
	enable(1, 3);
	take_word(0);
	take_word(1);
	wr(0, GICD_SGIR, (0x2U << 16) | 3);
	CHECK(take_word(1) & WORK_IRQ);
}

TEST(vgic_work_spi_to_its_target)
{
	u64 val = 0x02; /* SPI 40 to CPU interface 1 */

	setup(2);
	enable(0, 40);
	CHECK_EQ(acc(0, GICD_ITARGETSR + 40, 1, true, &val), 0);
	place_on_cpus();
	vgic_inject(&dom, NULL, 40, false);
	CHECK(take_word(1) & WORK_IRQ);
	/* A level SPI's rising line (a device model) */
	enable(0, 41);
	val = 0x02;
	CHECK_EQ(acc(0, GICD_ITARGETSR + 41, 1, true, &val), 0);
	take_word(0);
	take_word(1);
	vgic_set_line(&dom, 41, true);
	CHECK(take_word(1) & WORK_IRQ);
	/* No change of level: nothing */
	vgic_set_line(&dom, 41, true);
	CHECK_EQ(take_word(1), 0);
}

TEST(vgic_work_distributor_write)
{
	setup(2);
	place_on_cpus();
	/* An enable may make a pending SPI of any vCPU deliverable. */
	wr(0, GICD_ISENABLER + 4, 1U << 2);
	CHECK(take_word(0) & WORK_IRQ);
	CHECK(take_word(1) & WORK_IRQ);
	/* A banked one: this vCPU's own SGIs and PPIs */
	wr(1, GICD_ISENABLER, 1U << 4);
	CHECK(take_word(1) & WORK_IRQ);
}

TEST(vgic_work_still_pending_after_exit)
{
	setup(1);
	enable(0, 5);
	vgic_inject(&dom, &vcpus[0], 5, false);
	vgic_flush_lrs(&vcpus[0]);
	place_on_cpus();
	/* Still pending in the LR at the exit: the next entry reloads it. */
	vgic_sync_lrs(&vcpus[0]);
	CHECK(take_word(0) & WORK_IRQ);
	vgic_flush_lrs(&vcpus[0]);
	CHECK_EQ(lr(0) & GICH_LR_VID_MASK, 5);
	/* Acknowledged and ended by the guest: nothing to do next time. */
	gich[GICH_LR0 / 4] = 0;
	vgic_sync_lrs(&vcpus[0]);
	CHECK_EQ(take_word(0), 0);
	/* An exit with no list register in use touches no GICH register. */
	gich[GICH_HCR / 4] = 0x1234;
	vgic_sync_lrs(&vcpus[0]);
	CHECK_EQ(gich[GICH_HCR / 4], 0x1234);
	CHECK_EQ(take_word(0), 0);
}

TEST(vgic_work_more_than_lrs)
{
	setup(1);
	for (unsigned int i = 0; i < NR_LRS + 2; i++) {
		enable(0, 40 + i);
		vgic_inject(&dom, NULL, 40 + i, false);
	}
	place_on_cpus();
	vgic_flush_lrs(&vcpus[0]);
	/* Two wait for a list register: every entry looks again. */
	CHECK(take_word(0) & WORK_IRQ);
}

/*
 * The virtual timer's direct injection at an IRQ exit (asm/vgic-direct.h,
 * arch/arm/vcpu.c arm_irq_exit()): the state vgic_inject() and
 * vgic_flush_lrs() would leave, when nothing is in the way, and nothing
 * changed when something is.
 */
#define VTIMER_LR(prio)                                                   \
	(27 | (27ULL << ICH_LR_PINTID_SHIFT) |                            \
	 ((u64)(prio) << ICH_LR_PRIO_SHIFT) | ICH_LR_GROUP1 | ICH_LR_HW | \
	 ICH_LR_PENDING)

static void direct_setup(void)
{
	setup(2);
	enable(0, 27);
	place_on_cpus();
	gic_is_v2 = false;
	v3_lr0 = true;
}

TEST(vgic_vtimer_direct_loads_lr0)
{
	struct vgic_cpu *c = &vcpus[0].arch.vgic;
	struct vgic_irq *t = &c->priv[27];

	direct_setup();
	CHECK(vgic_vtimer_direct(&vcpus[0]));
	CHECK_EQ(ich_lr0, VTIMER_LR(0xa0));
	CHECK_EQ(c->nr_lr_used, 1);
	CHECK_EQ(c->lr_irq[0], 27);
	CHECK(t->in_lr && t->hw && !t->pending && !t->repend);
	CHECK(!(c->cand & (1U << 27)));
	/* The vCPU runs here: no bit, no kick. */
	CHECK_EQ(take_word(0), 0);
	CHECK_EQ(notified[0], 0);
	/* Its previous tick deactivated by the guest: register 0 again. */
	ich_lr0 &= ~ICH_LR_STATE_MASK;
	CHECK(vgic_vtimer_direct(&vcpus[0]));
	CHECK_EQ(ich_lr0, VTIMER_LR(0xa0));
	CHECK_EQ(c->nr_lr_used, 1);
	/* The same state as the general path's at the next exit. */
	ich_lr0 = 0;
	vgic_sync_lrs(&vcpus[0]);
	CHECK(!t->in_lr && !t->pending && !t->active && !t->hw);
	CHECK_EQ(c->nr_lr_used, 0);
}

TEST(vgic_vtimer_direct_declines)
{
	struct vgic_cpu *c = &vcpus[0].arch.vgic;

	/* The previous tick still pending or active in register 0 */
	direct_setup();
	CHECK(vgic_vtimer_direct(&vcpus[0]));
	CHECK(!vgic_vtimer_direct(&vcpus[0]));
	ich_lr0 = (ich_lr0 & ~ICH_LR_STATE_MASK) | ICH_LR_ACTIVE;
	CHECK(!vgic_vtimer_direct(&vcpus[0]));
	CHECK_EQ(ich_lr0 & ICH_LR_STATE_MASK, ICH_LR_ACTIVE);
	CHECK_EQ(c->nr_lr_used, 1);
	/* Register 0 holds another interrupt (an SGI), or two are used */
	direct_setup();
	enable(0, 5);
	c->nr_lr_used = 1;
	c->lr_irq[0] = 5;
	ich_lr0 = 0;
	CHECK(!vgic_vtimer_direct(&vcpus[0]));
	c->nr_lr_used = 2;
	c->lr_irq[0] = 27;
	CHECK(!vgic_vtimer_direct(&vcpus[0]));
	CHECK_EQ(ich_lr0, 0);
	/* The timer's PPI disabled in the redistributor, or group 1 off */
	direct_setup();
	c->priv[27].enabled = false;
	CHECK(!vgic_vtimer_direct(&vcpus[0]));
	direct_setup();
	dom.arch.vgic.ctlr = 0;
	CHECK(!vgic_vtimer_direct(&vcpus[0]));
	/* Active in the vGIC (not in a list register) */
	direct_setup();
	c->priv[27].active = true;
	CHECK(!vgic_vtimer_direct(&vcpus[0]));
	CHECK_EQ(ich_lr0, 0);
	CHECK(!c->priv[27].in_lr);
	CHECK_EQ(c->nr_lr_used, 0);
}

/*
 * Another interrupt made pending around the direct injection raised the
 * work word, and the run loop's checks (entry_work()) fold register 0
 * back before the flush, which then loads both by priority: no tick is
 * lost or overwritten.
 */
TEST(vgic_vtimer_direct_then_flush)
{
	struct vgic_cpu *c = &vcpus[0].arch.vgic;
	u64 val = 0x80; /* SGI 5 before the timer's 0xa0 */

	direct_setup();
	enable(0, 5);
	CHECK_EQ(acc(0, GICD_IPRIORITYR + 5, 1, true, &val), 0);
	take_word(0);
	vgic_inject(&dom, &vcpus[0], 5, false);
	CHECK(vgic_vtimer_direct(&vcpus[0]));
	CHECK(take_word(0) & WORK_IRQ);
	/* entry_work(): the fold-back, then the flush (GICv2's list regs) */
	vgic_sync_lrs(&vcpus[0]);
	CHECK_EQ(ich_hcr, ICH_HCR_EN);
	CHECK_EQ(c->nr_lr_used, 0);
	CHECK(c->priv[27].pending && !c->priv[27].in_lr);
	CHECK(c->cand & (1U << 27));
	gic_is_v2 = true;
	vgic_flush_lrs(&vcpus[0]);
	CHECK_EQ(c->nr_lr_used, 2);
	CHECK_EQ(lr(0) & GICH_LR_VID_MASK, 5);
	CHECK_EQ(lr(1) & GICH_LR_VID_MASK, 27);
	CHECK(lr(1) & GICH_LR_HW);
	CHECK(lr(1) & GICH_LR_PENDING);
}

TEST(vgic_v2_ctlr_gates_delivery)
{
	setup(1);
	enable(0, 40);
	wr(0, GICD_CTLR, 0);
	vgic_inject(&dom, NULL, 40, false);
	CHECK(!vgic_vcpu_pending(&vcpus[0]));
	vgic_flush_lrs(&vcpus[0]);
	CHECK_EQ(lr(0), 0);
	CHECK_EQ(rd(0, GICD_CTLR), 0);
	wr(0, GICD_CTLR, 2); /* EnableGrp1 alone also delivers */
	CHECK_EQ(rd(0, GICD_CTLR), 2);
	CHECK(vgic_vcpu_pending(&vcpus[0]));
}

TEST(vgic_v2_save_restore)
{
	setup(2);
	gich[GICH_VMCR / 4] = 0x12345678;
	gich[GICH_APR / 4] = 0x9;
	vgic_v2_save(&vcpus[0]);
	gich[GICH_VMCR / 4] = 0;
	gich[GICH_APR / 4] = 0;
	vgic_v2_restore(&vcpus[1]);
	CHECK_EQ(gich[GICH_VMCR / 4], 0);
	vgic_v2_restore(&vcpus[0]);
	CHECK_EQ(gich[GICH_VMCR / 4], 0x12345678);
	CHECK_EQ(gich[GICH_APR / 4], 0x9);
}

/*
 * A forwarded SPI (docs/passthrough.md): disabled on the host until the
 * guest enables it, then routed to the physical CPU of the vCPU its
 * GICD_ITARGETSR names; when it fires, a hardware-linked LR (HW = 1,
 * physical INTID = virtual); disabled and its active state cleared when
 * the domain lets it go; nobody's afterwards.
 */
TEST(vgic_v2_passthrough_spi)
{
	u64 val = 0x2; /* vCPU 1 */

	setup(2);
	memset(&host_spi, 0, sizeof(host_spi));
	host_spi.routed_to = -1;
	gic_info.nr_irqs = 128;
	vcpus[1].processor = 3;
	CHECK_EQ(arch_passthrough_irq_bind(&dom, 33), -EINVAL); /* PL011 */
	CHECK_EQ(arch_passthrough_irq_bind(&dom, 48), 0);
	CHECK_EQ(arch_passthrough_irq_bind(&dom, 48), -EBUSY);
	CHECK_EQ(host_spi.enabled, 0);
	CHECK_EQ(acc(0, GICD_ITARGETSR + 48, 1, true, &val), 0);
	CHECK_EQ(host_spi.enabled, 0);
	enable(0, 48);
	CHECK_EQ(host_spi.enabled, 1);
	CHECK_EQ(host_spi.routed_to, 3);
	CHECK(vgic_pt_forward(48));
	vgic_flush_lrs(&vcpus[1]);
	CHECK_EQ(lr(0), 48 | 48U << GICH_LR_PID_SHIFT |
				(0xa0U >> 3) << GICH_LR_PRIO_SHIFT |
				GICH_LR_PENDING | GICH_LR_HW);
	vgic_sync_lrs(&vcpus[1]);
	wr(0, GICD_ICENABLER + 4, 1U << 16);
	CHECK_EQ(host_spi.enabled, 0);
	arch_passthrough_irq_unbind(&dom, 48);
	CHECK_EQ(host_spi.cleared, 1);
	CHECK(!vgic_pt_forward(48));
	arch_passthrough_irq_unbind(&dom, 48); /* not its any more: nothing */
	CHECK_EQ(host_spi.cleared, 1);
}

int main(void)
{
	return run_tests("arm_vgic");
}
